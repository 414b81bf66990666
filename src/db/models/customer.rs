//! `customers`: rows, insert form, the listing with its filters (the order comes from the
//! customers list declaration), inline updates.

use super::{After, KeysetValue, Order, Page};
use crate::db::schema::{customers, ip_devices, sip_devices};
use crate::db::DbConnection;
use crate::domain::{BillingType, CustomerStatus, CustomerType, TaxFlag};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::Serialize;

/// Identifies a customer; kept apart from other ids so they cannot be mixed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CustomerId(pub i64);

/// The whole stored customer.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = customers)]
pub struct Customer {
    pub id: i64,
    pub service_provider_id: i64,
    pub account_code: String,
    #[diesel(deserialize_as = String)]
    pub customer_type: CustomerType,
    pub username: String,
    #[serde(skip)]
    pub username_key: String,
    #[serde(skip)]
    pub password_hash: String,
    pub tariff_id: i64,
    #[diesel(deserialize_as = String)]
    pub billing_type: BillingType,
    pub payment_term_days: i32,
    pub credit_limit_cents: i64,
    pub billing_decimals: i32,
    #[diesel(deserialize_as = String)]
    pub tax_flag: TaxFlag,
    pub max_call_sessions: i32,
    pub calls_per_second: i32,
    pub call_with_media: bool,
    pub codec_list: String,
    pub max_call_duration_secs: Option<i32>,
    pub name: String,
    pub company: String,
    pub description: String,
    pub email: String,
    pub address: String,
    pub phone: String,
    pub country: String,
    pub pin: String,
    pub webid: String,
    pub branding_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: CustomerStatus,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = customers)]
pub struct NewCustomer {
    pub service_provider_id: i64,
    pub account_code: String,
    #[diesel(serialize_as = String)]
    pub customer_type: CustomerType,
    pub username: String,
    pub username_key: String,
    pub password_hash: String,
    pub tariff_id: i64,
    #[diesel(serialize_as = String)]
    pub billing_type: BillingType,
    pub payment_term_days: i32,
    pub credit_limit_cents: i64,
    pub billing_decimals: i32,
    #[diesel(serialize_as = String)]
    pub tax_flag: TaxFlag,
    pub max_call_sessions: i32,
    pub calls_per_second: i32,
    pub call_with_media: bool,
    pub codec_list: String,
    pub max_call_duration_secs: Option<i32>,
    pub name: String,
    pub company: String,
    pub description: String,
    pub email: String,
    pub address: String,
    pub phone: String,
    pub country: String,
    pub pin: String,
    pub webid: String,
    pub branding_id: i64,
    #[diesel(serialize_as = String)]
    pub status: CustomerStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Every field the edit form changes; a `None` password hash keeps the present one.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = customers)]
pub struct CustomerUpdate {
    pub username: String,
    pub username_key: String,
    pub password_hash: Option<String>,
    pub tariff_id: i64,
    #[diesel(serialize_as = String)]
    pub billing_type: BillingType,
    pub payment_term_days: i32,
    pub credit_limit_cents: i64,
    pub billing_decimals: i32,
    #[diesel(serialize_as = String)]
    pub tax_flag: TaxFlag,
    pub max_call_sessions: i32,
    pub calls_per_second: i32,
    pub call_with_media: bool,
    pub codec_list: String,
    pub max_call_duration_secs: Option<Option<i32>>,
    pub name: String,
    pub company: String,
    pub description: String,
    pub email: String,
    pub address: String,
    pub phone: String,
    pub country: String,
    pub pin: String,
    pub webid: String,
    pub branding_id: i64,
    pub updated_at: i64,
}

/// Filters of the customers pane (`q_*` in the URL); empty means "any". What each means is
/// `domain::customer_search`; how each engine answers it, `customer_lookup`.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct CustomerFilter {
    /// Contains (at least 3 characters).
    pub company: String,
    /// Prefix of the web username, any case.
    pub username: String,
    /// Contains (at least 3 characters).
    pub name: String,
    /// Prefix of an IP device's address, or an IPv4 network (`10.0.182.0/24`).
    pub ip: String,
    /// Prefix of the account code.
    pub account: String,
    /// Prefix of a SIP device's login, any case.
    pub sip_user: String,
    /// Exactly this status.
    pub status: String,
    /// Exactly this WebID, any case.
    #[serde(default)]
    pub webid: String,
    /// Operators limited to one service provider see only its customers.
    pub service_provider_id: Option<i64>,
}

type Boxed = customers::BoxedQuery<'static, crate::db::MultiBackend>;

/// The customers `f` selects, every filter answered from an index (a filter refused by
/// `lists::customers::refusals` selects nothing rather than reading every row).
/// `sorted_by` is the list's order column (`None` for a count).
fn filtered(
    conn: &mut DbConnection,
    f: &CustomerFilter,
    sorted_by: Option<&str>,
) -> QueryResult<Boxed> {
    use super::customer_lookup::{self as lookup, KeyColumn, TextColumn};
    use crate::domain::customer_search::{contains_text, ip_ranges, KeyRange};
    let mut q = customers::table.into_boxed();
    if let Some(sp) = f.service_provider_id {
        q = q.filter(customers::service_provider_id.eq(sp));
    }
    for (typed, column) in [
        (&f.company, TextColumn::Company),
        (&f.name, TextColumn::Name),
    ] {
        match contains_text(typed) {
            Ok(Some(text)) => q = q.filter(lookup::contains(conn, column, &text, sorted_by)?),
            Ok(None) => {}
            Err(_) => return Ok(q.filter(nothing())),
        }
    }
    if let Some(range) = KeyRange::prefix(f.account.trim()) {
        q = q.filter(lookup::key_range(conn, KeyColumn::AccountCode, &range));
    }
    if let Some(range) = KeyRange::prefix(&f.username.trim().to_lowercase()) {
        q = q.filter(lookup::key_range(conn, KeyColumn::UsernameKey, &range));
    }
    if !f.webid.trim().is_empty() {
        q = q.filter(customers::webid.eq(f.webid.trim().to_lowercase()));
    }
    if !f.status.trim().is_empty() {
        q = q.filter(customers::status.eq(f.status.trim().to_string()));
    }
    // IP address and SIP user: customers with a device whose address / login is in the ranges,
    // found through the device tables' unique indexes (byte order on both engines), never by
    // reading the customers.
    match ip_ranges(&f.ip) {
        Ok(ranges) if ranges.is_empty() => {}
        Ok(ranges) => {
            // One indexed subquery per range (a network cut inside an octet has several).
            let mut any: Option<lookup::Pred> = None;
            for r in ranges {
                let one: lookup::Pred = match r {
                    KeyRange::Exact(k) => Box::new(
                        customers::id.eq_any(
                            ip_devices::table
                                .filter(ip_devices::ip_address.eq(k))
                                .select(ip_devices::customer_id),
                        ),
                    ),
                    KeyRange::Prefix { lo, hi } => Box::new(
                        customers::id.eq_any(
                            ip_devices::table
                                .filter(ip_devices::ip_address.ge(lo))
                                .filter(ip_devices::ip_address.lt(hi))
                                .select(ip_devices::customer_id),
                        ),
                    ),
                };
                any = Some(match any {
                    Some(a) => Box::new(a.or(one)),
                    None => one,
                });
            }
            if let Some(any) = any {
                q = q.filter(any);
            }
        }
        Err(_) => return Ok(q.filter(nothing())),
    }
    if let Some(KeyRange::Prefix { lo, hi }) = KeyRange::prefix(&f.sip_user.trim().to_lowercase()) {
        q = q.filter(
            customers::id.eq_any(
                sip_devices::table
                    .filter(sip_devices::login_key.ge(lo))
                    .filter(sip_devices::login_key.lt(hi))
                    .select(sip_devices::customer_id),
            ),
        );
    }
    Ok(q)
}

/// A condition no row meets, known as such by both planners before reading anything.
fn nothing() -> diesel::expression::SqlLiteral<Bool> {
    diesel::dsl::sql::<Bool>("1 = 0")
}

/// The query plan of the customers pane's first page under `filter` in `order` (tests check
/// that every filter walks an index).
pub fn explain_page(
    conn: &mut DbConnection,
    filter: &CustomerFilter,
    order: Order,
) -> QueryResult<Vec<String>> {
    let q = filtered(conn, filter, Some(order.column))?
        .order(order.by("customers.id"))
        .select(customers::id)
        .limit(51);
    super::explain::plan(conn, q)
}

/// The query plan of the customers pane's first page under `filter` (tests check that the
/// device filters walk an index).
pub fn explain_list(conn: &mut DbConnection, filter: &CustomerFilter) -> QueryResult<Vec<String>> {
    let q = filtered(conn, filter, Some("customers.id"))?
        .order(customers::id)
        .select(customers::id)
        .limit(51);
    super::explain::plan(conn, q)
}

/// One page of the customers pane, in `order` (a column of the customers list's allow-list).
pub fn list(
    conn: &mut DbConnection,
    filter: &CustomerFilter,
    order: Order,
    page: i64,
    per_page: i64,
) -> QueryResult<Page<Customer>> {
    let rows = filtered(conn, filter, Some(order.column))?
        .order(order.by("customers.id"))
        .select(Customer::as_select())
        .limit(per_page + 1)
        .offset(page.max(0) * per_page)
        .load(conn)?;
    Ok(Page::from_overfetch(rows, per_page))
}

/// The rows after `after` in `order`: exports read a list in chunks this way, so each chunk
/// costs the same however far into the list it is.
pub fn list_after(
    conn: &mut DbConnection,
    filter: &CustomerFilter,
    order: Order,
    after: After,
    limit: i64,
) -> QueryResult<Vec<Customer>> {
    let mut q = filtered(conn, filter, Some(order.column))?;
    if let Some(cond) = order.after(after, "customers.id") {
        q = q.filter(cond);
    }
    q.order(order.by("customers.id"))
        .select(Customer::as_select())
        .limit(limit)
        .load(conn)
}

/// Whether more than `n` customers match `filter` (one row probed past the first `n`).
pub fn more_than(conn: &mut DbConnection, filter: &CustomerFilter, n: i64) -> QueryResult<bool> {
    filtered(conn, filter, None)?
        .select(customers::id)
        .offset(n)
        .limit(1)
        .first::<i64>(conn)
        .optional()
        .map(|row| row.is_some())
}

/// How many customers matching `filter` come before customer `id` (whose value in `order`'s
/// column is `value`); `None` when the filter does not match it.
pub fn position(
    conn: &mut DbConnection,
    filter: &CustomerFilter,
    order: Order,
    (value, id): (KeysetValue, i64),
) -> QueryResult<Option<i64>> {
    let matches = filtered(conn, filter, None)?
        .filter(customers::id.eq(id))
        .select(customers::id)
        .first::<i64>(conn)
        .optional()?;
    if matches.is_none() {
        return Ok(None);
    }
    filtered(conn, filter, Some(order.column))?
        .filter(order.before(value, id, "customers.id"))
        .count()
        .get_result(conn)
        .map(Some)
}

pub fn count_filtered(conn: &mut DbConnection, filter: &CustomerFilter) -> QueryResult<i64> {
    filtered(conn, filter, None)?.count().get_result(conn)
}

pub fn find(conn: &mut DbConnection, id: CustomerId) -> QueryResult<Option<Customer>> {
    customers::table
        .find(id.0)
        .select(Customer::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, new: &NewCustomer) -> QueryResult<Customer> {
    let id: i64 = diesel::insert_into(customers::table)
        .values(new.clone())
        .returning(customers::id)
        .get_result(conn)?;
    customers::table
        .find(id)
        .select(Customer::as_select())
        .first(conn)
}

pub fn username_taken(conn: &mut DbConnection, key: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        customers::table.filter(customers::username_key.eq(key)),
    ))
    .get_result(conn)
}

pub fn webid_taken(conn: &mut DbConnection, webid: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        customers::table.filter(customers::webid.eq(webid)),
    ))
    .get_result(conn)
}

/// Whether a customer other than `except` has this username key.
pub fn username_taken_by_other(
    conn: &mut DbConnection,
    key: &str,
    except: CustomerId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        customers::table
            .filter(customers::username_key.eq(key))
            .filter(customers::id.ne(except.0)),
    ))
    .get_result(conn)
}

pub fn webid_taken_by_other(
    conn: &mut DbConnection,
    webid: &str,
    except: CustomerId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        customers::table
            .filter(customers::webid.eq(webid))
            .filter(customers::id.ne(except.0)),
    ))
    .get_result(conn)
}

/// Applies the edit form if the row still has `version` (and is still LIVE: a demo customer is
/// frozen); returns the new row if it did.
pub fn update(
    conn: &mut DbConnection,
    id: CustomerId,
    version: i32,
    changes: &CustomerUpdate,
) -> QueryResult<Option<Customer>> {
    let n = diesel::update(
        customers::table
            .filter(customers::id.eq(id.0))
            .filter(customers::version.eq(version))
            .filter(customers::customer_type.eq(CustomerType::Live.code())),
    )
    .set((
        changes.clone(),
        customers::version.eq(version.saturating_add(1)),
    ))
    .execute(conn)?;
    if n == 1 {
        find(conn, id)
    } else {
        Ok(None)
    }
}

pub fn account_code_taken(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        customers::table.filter(customers::account_code.eq(code)),
    ))
    .get_result(conn)
}

/// Renames/redescribes a row if it still has `version`; returns whether it did.
pub fn update_name_description(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    name: &str,
    description: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        customers::table
            .filter(customers::id.eq(id))
            .filter(customers::version.eq(version)),
    )
    .set((
        customers::name.eq(name),
        customers::description.eq(description),
        customers::version.eq(version.saturating_add(1)),
        customers::updated_at.eq(crate::db::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn find_by_webid(conn: &mut DbConnection, webid: &str) -> QueryResult<Option<Customer>> {
    customers::table
        .filter(customers::webid.eq(webid))
        .select(Customer::as_select())
        .first(conn)
        .optional()
}

/// Sets the status (bumping the version, so open forms notice); returns the new row.
pub fn set_status(
    conn: &mut DbConnection,
    id: CustomerId,
    status: CustomerStatus,
) -> QueryResult<Option<Customer>> {
    diesel::update(customers::table.find(id.0))
        .set((
            customers::status.eq(status.code()),
            customers::version.eq(customers::version + 1),
            customers::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    find(conn, id)
}

/// Makes a LIVE customer a DEMO one; returns the new row, or `None` if it was not LIVE.
pub fn convert_to_demo(conn: &mut DbConnection, id: CustomerId) -> QueryResult<Option<Customer>> {
    let n = diesel::update(
        customers::table
            .find(id.0)
            .filter(customers::customer_type.eq(CustomerType::Live.code())),
    )
    .set((
        customers::customer_type.eq(CustomerType::Demo.code()),
        customers::version.eq(customers::version + 1),
        customers::updated_at.eq(crate::db::now()),
    ))
    .execute(conn)?;
    if n == 1 {
        find(conn, id)
    } else {
        Ok(None)
    }
}

/// Replaces the web access password hash.
pub fn set_password_hash(conn: &mut DbConnection, id: CustomerId, hash: &str) -> QueryResult<()> {
    diesel::update(customers::table.find(id.0))
        .set((
            customers::password_hash.eq(hash),
            customers::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, id: CustomerId) -> QueryResult<usize> {
    diesel::delete(customers::table.find(id.0)).execute(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    customers::table.count().get_result(conn)
}

/// Holds the customer's row until the transaction ends (PostgreSQL row lock; SQLite's write
/// transaction holds everything already), so that checks of its quantities, users and
/// administrators and the writes that follow them cannot interleave with another request's.
pub fn lock(conn: &mut DbConnection, id: CustomerId) -> QueryResult<bool> {
    let n = diesel::update(customers::table.find(id.0))
        .set(customers::version.eq(customers::version))
        .execute(conn)?;
    Ok(n == 1)
}
