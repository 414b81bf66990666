//! `ip_devices`, `sip_devices`, `dialing_routes`, `translation_rules` and the admins' route list
//! `dialing_route_list`: a customer's telephony configuration. Unique indexes hold the
//! collision rules (an address on one customer only, a SIP login once system-wide, a pattern
//! once per customer); the service turns their violations into field messages.

use crate::db::schema::{
    customers, dialing_route_list, dialing_routes, ip_devices, sip_devices, translation_rules,
};
use crate::db::DbConnection;
use crate::domain::telephony::TranslationList;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = ip_devices)]
pub struct IpDevice {
    pub id: i64,
    pub customer_id: i64,
    pub ip_address: String,
    pub description: String,
    pub dial_prefix: String,
    pub max_call_sessions: i64,
    pub calls_per_second: i64,
    pub active: bool,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The fields of an IP device a form sets.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = ip_devices)]
pub struct IpDeviceFields {
    pub ip_address: String,
    pub description: String,
    pub dial_prefix: String,
    pub max_call_sessions: i64,
    pub calls_per_second: i64,
    pub active: bool,
}

/// A SIP device; its sealed secret never reaches an audit image or a page.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = sip_devices)]
pub struct SipDevice {
    pub id: i64,
    pub customer_id: i64,
    pub login: String,
    #[serde(skip)]
    pub login_key: String,
    #[serde(skip)]
    pub secret_sealed: String,
    pub extension: String,
    pub voicemail: bool,
    pub voicemail_email: String,
    pub ip_address: String,
    pub max_call_sessions: i64,
    pub calls_per_second: i64,
    pub active: bool,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The fields of a SIP device a form sets (the secret has its own actions).
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = sip_devices)]
pub struct SipDeviceFields {
    pub login: String,
    pub login_key: String,
    pub extension: String,
    pub voicemail: bool,
    pub voicemail_email: String,
    pub ip_address: String,
    pub max_call_sessions: i64,
    pub calls_per_second: i64,
    pub active: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = dialing_routes)]
pub struct DialingRoute {
    pub id: i64,
    pub customer_id: i64,
    pub route_id: i64,
    pub pattern: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = translation_rules)]
pub struct TranslationRuleRow {
    pub id: i64,
    pub customer_id: i64,
    #[diesel(deserialize_as = String)]
    pub list: TranslationList,
    pub position: i64,
    pub match_prefix: String,
    pub strip: i32,
    pub prepend: String,
    pub created_at: i64,
}

/// `(id, name)` of the route list, by name.
pub fn route_options(conn: &mut DbConnection) -> QueryResult<Vec<(i64, String)>> {
    dialing_route_list::table
        .order(dialing_route_list::name)
        .select((dialing_route_list::id, dialing_route_list::name))
        .load(conn)
}

pub fn route_exists(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(dialing_route_list::table.find(id))).get_result(conn)
}

// --- IP devices -------------------------------------------------------------------------------

pub fn ip_devices_of(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<IpDevice>> {
    ip_devices::table
        .filter(ip_devices::customer_id.eq(customer_id))
        .order(ip_devices::id)
        .select(IpDevice::as_select())
        .load(conn)
}

pub fn find_ip_device(conn: &mut DbConnection, id: i64) -> QueryResult<Option<IpDevice>> {
    ip_devices::table
        .find(id)
        .select(IpDevice::as_select())
        .first(conn)
        .optional()
}

/// The company and service provider of the customer holding an IP device address.
pub fn ip_holder(conn: &mut DbConnection, ip: &str) -> QueryResult<Option<(i64, String, i64)>> {
    ip_devices::table
        .inner_join(customers::table)
        .filter(ip_devices::ip_address.eq(ip))
        .select((
            customers::id,
            customers::company,
            customers::service_provider_id,
        ))
        .first(conn)
        .optional()
}

pub fn insert_ip_device(
    conn: &mut DbConnection,
    customer_id: i64,
    f: &IpDeviceFields,
) -> QueryResult<IpDevice> {
    let now = crate::db::now();
    let id: i64 = diesel::insert_into(ip_devices::table)
        .values((
            ip_devices::customer_id.eq(customer_id),
            f.clone(),
            ip_devices::version.eq(1),
            ip_devices::created_at.eq(now),
            ip_devices::updated_at.eq(now),
        ))
        .returning(ip_devices::id)
        .get_result(conn)?;
    ip_devices::table
        .find(id)
        .select(IpDevice::as_select())
        .first(conn)
}

/// Updates the device if it is still at `version`; the number of rows changed (0 = stale).
pub fn update_ip_device(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    f: &IpDeviceFields,
) -> QueryResult<usize> {
    diesel::update(
        ip_devices::table
            .filter(ip_devices::id.eq(id))
            .filter(ip_devices::version.eq(version)),
    )
    .set((
        f.clone(),
        ip_devices::version.eq(version.saturating_add(1)),
        ip_devices::updated_at.eq(crate::db::now()),
    ))
    .execute(conn)
}

pub fn delete_ip_device(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(ip_devices::table.find(id)).execute(conn)
}

// --- SIP devices ------------------------------------------------------------------------------

pub fn sip_devices_of(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<SipDevice>> {
    sip_devices::table
        .filter(sip_devices::customer_id.eq(customer_id))
        .order(sip_devices::id)
        .select(SipDevice::as_select())
        .load(conn)
}

pub fn find_sip_device(conn: &mut DbConnection, id: i64) -> QueryResult<Option<SipDevice>> {
    sip_devices::table
        .find(id)
        .select(SipDevice::as_select())
        .first(conn)
        .optional()
}

/// The customer holding a SIP login (compared by its key), with company and provider.
pub fn sip_holder(conn: &mut DbConnection, key: &str) -> QueryResult<Option<(i64, String, i64)>> {
    sip_devices::table
        .inner_join(customers::table)
        .filter(sip_devices::login_key.eq(key))
        .select((
            customers::id,
            customers::company,
            customers::service_provider_id,
        ))
        .first(conn)
        .optional()
}

pub fn insert_sip_device(
    conn: &mut DbConnection,
    customer_id: i64,
    f: &SipDeviceFields,
    secret_sealed: &str,
) -> QueryResult<SipDevice> {
    let now = crate::db::now();
    let id: i64 = diesel::insert_into(sip_devices::table)
        .values((
            sip_devices::customer_id.eq(customer_id),
            f.clone(),
            sip_devices::secret_sealed.eq(secret_sealed),
            sip_devices::version.eq(1),
            sip_devices::created_at.eq(now),
            sip_devices::updated_at.eq(now),
        ))
        .returning(sip_devices::id)
        .get_result(conn)?;
    sip_devices::table
        .find(id)
        .select(SipDevice::as_select())
        .first(conn)
}

pub fn update_sip_device(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    f: &SipDeviceFields,
) -> QueryResult<usize> {
    diesel::update(
        sip_devices::table
            .filter(sip_devices::id.eq(id))
            .filter(sip_devices::version.eq(version)),
    )
    .set((
        f.clone(),
        sip_devices::version.eq(version.saturating_add(1)),
        sip_devices::updated_at.eq(crate::db::now()),
    ))
    .execute(conn)
}

pub fn set_sip_secret(conn: &mut DbConnection, id: i64, sealed: &str) -> QueryResult<usize> {
    diesel::update(sip_devices::table.find(id))
        .set((
            sip_devices::secret_sealed.eq(sealed),
            sip_devices::version.eq(sip_devices::version + 1),
            sip_devices::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)
}

pub fn delete_sip_device(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(sip_devices::table.find(id)).execute(conn)
}

// --- Dialing routes ---------------------------------------------------------------------------

/// A customer's dialing routes with the route's name, by pattern.
pub fn dialing_routes_of(
    conn: &mut DbConnection,
    customer_id: i64,
) -> QueryResult<Vec<(DialingRoute, String)>> {
    dialing_routes::table
        .inner_join(dialing_route_list::table)
        .filter(dialing_routes::customer_id.eq(customer_id))
        .order(dialing_routes::pattern)
        .select((DialingRoute::as_select(), dialing_route_list::name))
        .load(conn)
}

pub fn find_dialing_route(conn: &mut DbConnection, id: i64) -> QueryResult<Option<DialingRoute>> {
    dialing_routes::table
        .find(id)
        .select(DialingRoute::as_select())
        .first(conn)
        .optional()
}

pub fn insert_dialing_route(
    conn: &mut DbConnection,
    customer_id: i64,
    route_id: i64,
    pattern: &str,
) -> QueryResult<DialingRoute> {
    let id: i64 = diesel::insert_into(dialing_routes::table)
        .values((
            dialing_routes::customer_id.eq(customer_id),
            dialing_routes::route_id.eq(route_id),
            dialing_routes::pattern.eq(pattern),
            dialing_routes::created_at.eq(crate::db::now()),
        ))
        .returning(dialing_routes::id)
        .get_result(conn)?;
    dialing_routes::table
        .find(id)
        .select(DialingRoute::as_select())
        .first(conn)
}

pub fn update_dialing_route(
    conn: &mut DbConnection,
    id: i64,
    route_id: i64,
    pattern: &str,
) -> QueryResult<usize> {
    diesel::update(dialing_routes::table.find(id))
        .set((
            dialing_routes::route_id.eq(route_id),
            dialing_routes::pattern.eq(pattern),
        ))
        .execute(conn)
}

pub fn delete_dialing_route(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(dialing_routes::table.find(id)).execute(conn)
}

/// How many customers' dialing routes use a route of the list.
pub fn route_usage(conn: &mut DbConnection, route_id: i64) -> QueryResult<i64> {
    dialing_routes::table
        .filter(dialing_routes::route_id.eq(route_id))
        .count()
        .get_result(conn)
}

// --- Translation rules ------------------------------------------------------------------------

/// Every rule of a customer, list by list, each list in the order it applies.
pub fn rules_of(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<TranslationRuleRow>> {
    translation_rules::table
        .filter(translation_rules::customer_id.eq(customer_id))
        .order((
            translation_rules::list,
            translation_rules::position,
            translation_rules::id,
        ))
        .select(TranslationRuleRow::as_select())
        .load(conn)
}

/// One list of a customer, in the order it applies.
pub fn rules_in(
    conn: &mut DbConnection,
    customer_id: i64,
    list: TranslationList,
) -> QueryResult<Vec<TranslationRuleRow>> {
    translation_rules::table
        .filter(translation_rules::customer_id.eq(customer_id))
        .filter(translation_rules::list.eq(list.code()))
        .order((translation_rules::position, translation_rules::id))
        .select(TranslationRuleRow::as_select())
        .load(conn)
}

pub fn find_rule(conn: &mut DbConnection, id: i64) -> QueryResult<Option<TranslationRuleRow>> {
    translation_rules::table
        .find(id)
        .select(TranslationRuleRow::as_select())
        .first(conn)
        .optional()
}

/// Appends a rule at the end of its list.
pub fn insert_rule(
    conn: &mut DbConnection,
    customer_id: i64,
    list: TranslationList,
    rule: &crate::domain::telephony::TranslationRule,
) -> QueryResult<TranslationRuleRow> {
    let last: Option<i64> = translation_rules::table
        .filter(translation_rules::customer_id.eq(customer_id))
        .filter(translation_rules::list.eq(list.code()))
        .select(diesel::dsl::max(translation_rules::position))
        .first(conn)?;
    let id: i64 = diesel::insert_into(translation_rules::table)
        .values((
            translation_rules::customer_id.eq(customer_id),
            translation_rules::list.eq(list.code()),
            translation_rules::position.eq(last.unwrap_or(0) + 1),
            translation_rules::match_prefix.eq(&rule.match_prefix),
            translation_rules::strip.eq(rule.strip),
            translation_rules::prepend.eq(&rule.prepend),
            translation_rules::created_at.eq(crate::db::now()),
        ))
        .returning(translation_rules::id)
        .get_result(conn)?;
    translation_rules::table
        .find(id)
        .select(TranslationRuleRow::as_select())
        .first(conn)
}

pub fn update_rule(
    conn: &mut DbConnection,
    id: i64,
    rule: &crate::domain::telephony::TranslationRule,
) -> QueryResult<usize> {
    diesel::update(translation_rules::table.find(id))
        .set((
            translation_rules::match_prefix.eq(&rule.match_prefix),
            translation_rules::strip.eq(rule.strip),
            translation_rules::prepend.eq(&rule.prepend),
        ))
        .execute(conn)
}

pub fn set_rule_position(conn: &mut DbConnection, id: i64, position: i64) -> QueryResult<usize> {
    diesel::update(translation_rules::table.find(id))
        .set(translation_rules::position.eq(position))
        .execute(conn)
}

pub fn delete_rule(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(translation_rules::table.find(id)).execute(conn)
}
