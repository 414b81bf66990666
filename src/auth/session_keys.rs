//! Names of the values kept in a session, and the timeouts that apply to them.

pub const CSRF: &str = "csrf";
pub const PRINCIPAL: &str = "principal";
pub const OPERATOR_ID: &str = "op_id";
pub const OPERATOR_NAME: &str = "op_name";
pub const OPERATOR_ROLE: &str = "op_role";
pub const OPERATOR_SP: &str = "op_sp";
/// The operator's own time zone (absent: the server's).
pub const OPERATOR_TZ: &str = "op_tz";
/// The customer whose administrator is signed in (portal sessions).
pub const CUSTOMER_ID: &str = "cust_id";
/// The customer administrator (`customer_admins.id`) signed in to that portal.
pub const CUSTOMER_ADMIN_ID: &str = "cust_admin";
/// The customer whose portal an operator has switched to (operator sessions).
pub const IMPERSONATING: &str = "imp_cust";
pub const CREATED: &str = "created";
pub const SEEN: &str = "seen";

/// A session unused this long ends.
pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;
/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;
/// "Last seen" is written at most this often, so reads stay reads.
pub const SEEN_RESOLUTION_SECS: i64 = 60;

/// The principal string of an operator, used to end all of their sessions at once.
pub fn operator_principal(id: i64) -> String {
    format!("op:{id}")
}

/// The principal string of a customer's administrators.
pub fn customer_principal(customer_id: i64) -> String {
    format!("cust:{customer_id}")
}

/// The principal string of one administrator of a customer: ending `customer_principal`'s
/// sessions ends these too (`db::models::session::delete_for_principal`).
pub fn customer_admin_principal(customer_id: i64, admin_id: i64) -> String {
    format!("cust:{customer_id}:{admin_id}")
}
