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

/// How the contains-texts (company, name) of a filter are asked.
#[derive(Debug, Clone, Copy)]
enum Texts<'a> {
    /// Through their trigram index where that is cheaper (`customer_lookup::contains`), for a
    /// list in this order column (`None`: a count).
    Lookup(Option<&'a str>),
    /// As a test of each row, for a walk of an order (`customer_lookup::contains_test`).
    Tested,
}

/// The customers `f` selects, every filter answered from an index (a filter refused by
/// `lists::customers::refusals` selects nothing rather than reading every row).
/// `sorted_by` is the list's order column (`None` for a count).
fn filtered(
    conn: &mut DbConnection,
    f: &CustomerFilter,
    sorted_by: Option<&str>,
) -> QueryResult<Boxed> {
    filtered_as(conn, f, Texts::Lookup(sorted_by))
}

/// [`filtered`], with the contains-texts asked as `texts` says.
fn filtered_as(conn: &mut DbConnection, f: &CustomerFilter, texts: Texts) -> QueryResult<Boxed> {
    use super::customer_lookup::{self as lookup, KeyColumn, TextColumn};
    use crate::domain::customer_search::{contains_text, ip_ranges, KeyRange};
    use diesel::dsl::sql;
    use diesel::sql_types::{BigInt, Text};
    let walked = matches!(texts, Texts::Tested);
    let column = |conn: &DbConnection, name: &str| lookup::filter_column(conn, name, walked);
    let mut q = customers::table.into_boxed();
    if let Some(sp) = f.service_provider_id {
        q = q.filter(
            sql::<Bool>(&format!(
                "{} = ",
                column(conn, "customers.service_provider_id")
            ))
            .bind::<BigInt, _>(sp),
        );
    }
    for (typed, column) in [
        (&f.company, TextColumn::Company),
        (&f.name, TextColumn::Name),
    ] {
        match (contains_text(typed), texts) {
            (Ok(Some(text)), Texts::Lookup(sorted_by)) => {
                q = q.filter(lookup::contains(conn, column, &text, sorted_by)?)
            }
            (Ok(Some(text)), Texts::Tested) => {
                q = q.filter(lookup::contains_test(conn, column, &text))
            }
            (Ok(None), _) => {}
            (Err(_), _) => return Ok(q.filter(nothing())),
        }
    }
    if let Some(range) = KeyRange::prefix(f.account.trim()) {
        q = q.filter(lookup::key_range(
            conn,
            KeyColumn::AccountCode,
            &range,
            walked,
        ));
    }
    if let Some(range) = KeyRange::prefix(&f.username.trim().to_lowercase()) {
        q = q.filter(lookup::key_range(
            conn,
            KeyColumn::UsernameKey,
            &range,
            walked,
        ));
    }
    if !f.webid.trim().is_empty() {
        q = q.filter(
            sql::<Bool>(&format!("{} = ", column(conn, "customers.webid")))
                .bind::<Text, _>(f.webid.trim().to_lowercase()),
        );
    }
    if !f.status.trim().is_empty() {
        q = q.filter(
            sql::<Bool>(&format!("{} = ", column(conn, "customers.status")))
                .bind::<Text, _>(f.status.trim().to_string()),
        );
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

/// How the customers pane lists `filter` in `order` (pages of 50), and the query plan of its
/// first page found that way (the plan test prints both at volume).
pub fn explain_listing(
    conn: &mut DbConnection,
    filter: &CustomerFilter,
    order: Order,
) -> QueryResult<(Listing, Vec<String>)> {
    let (listing, _) = listing(conn, filter, order, 50)?;
    let plan = match listing {
        Listing::Asked(order) => explain_page(conn, filter, order)?,
        Listing::Walked(_) | Listing::Newest => {
            let order = listing.order();
            let mut q = filtered_as(conn, filter, Texts::Tested)?;
            if let Some(key) = key_at(conn, order, 51 * SPREAD)? {
                q = q.filter(before(order, key));
            }
            let q = q
                .order(order.by("customers.id"))
                .select(customers::id)
                .limit(51);
            super::explain::plan(conn, q)?
        }
    };
    Ok((listing, plan))
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

/// Rows of an order a walk may read per row of the page: an order is walked when its first
/// `(per_page + 1) × SPREAD` rows (2,550 for a page of 50) hold a page of matches, i.e. when
/// at least one row in `SPREAD` near its start matches.
pub const SPREAD: i64 = 50;

/// How a list of customers is ordered, and how its pages are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// In the order asked, found as the engine chooses (no contains-text, or one with fewer
    /// than `customer_lookup::DENSE` matches: those are found through the index and sorted).
    Asked(Order),
    /// In the order asked, found by walking it and testing each row: every contains-text has
    /// many matches, and a page of them comes early in the order.
    Walked(Order),
    /// Newest first (id descending), walked likewise: the matches are many and too few of
    /// them come early in the order asked to walk it, and sorting them all would cost as
    /// much as there are matches.
    Newest,
}

impl Listing {
    /// The order the rows are listed in.
    pub fn order(self) -> Order {
        match self {
            Listing::Asked(order) | Listing::Walked(order) => order,
            Listing::Newest => NEWEST,
        }
    }
}

/// Newest customers first.
const NEWEST: Order = Order {
    column: "customers.id",
    dir: super::SortDir::Desc,
};

/// How the list of `filter` in the order `asked` is best found, for pages of `per_page`, and
/// its first page when finding out read it: the cost of a page must not grow with the number
/// of matches. At most two windows of `(per_page + 1) × SPREAD` rows are read (the order
/// asked, then the newest), each walk stopping as soon as the page fills.
pub fn listing(
    conn: &mut DbConnection,
    filter: &CustomerFilter,
    asked: Order,
    per_page: i64,
) -> QueryResult<(Listing, Option<Page<Customer>>)> {
    if !texts_match_many(conn, filter)? {
        return Ok((Listing::Asked(asked), None));
    }
    let window = (per_page.max(1) + 1) * SPREAD;
    for (listing, order) in [(Listing::Walked(asked), asked), (Listing::Newest, NEWEST)] {
        if let Some(first) = walk(conn, filter, order, window, 0, per_page)? {
            return Ok((listing, Some(first)));
        }
    }
    // Few matches near either start: the filter as a whole is selective, so the engine's
    // choice (an index of another filter, or the trigram index) finds them.
    Ok((Listing::Asked(asked), None))
}

/// Whether `filter` has a contains-text and every one of them matches many customers.
fn texts_match_many(conn: &mut DbConnection, filter: &CustomerFilter) -> QueryResult<bool> {
    use super::customer_lookup::{matches_many, TextColumn};
    use crate::domain::customer_search::contains_text;
    let mut any = false;
    for (typed, column) in [
        (&filter.company, TextColumn::Company),
        (&filter.name, TextColumn::Name),
    ] {
        match contains_text(typed) {
            Ok(Some(text)) => {
                if !matches_many(conn, column, &text)? {
                    return Ok(false);
                }
                any = true;
            }
            Ok(None) => {}
            Err(_) => return Ok(false),
        }
    }
    Ok(any)
}

/// The key (value in the order's column, id) of the row `rows` rows into `order`, `None`
/// when the table is shorter: read from the order's index alone.
fn key_at(
    conn: &mut DbConnection,
    order: Order,
    rows: i64,
) -> QueryResult<Option<(KeysetValue, i64)>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{BigInt, Text};
    let q = customers::table
        .order(order.by("customers.id"))
        .offset(rows)
        .limit(1);
    // The sortable columns are text, but for the creation time and the id.
    if matches!(order.column, "customers.created_at" | "customers.id") {
        q.select((sql::<BigInt>(order.column), customers::id))
            .first::<(i64, i64)>(conn)
            .optional()
            .map(|k| k.map(|(v, id)| (KeysetValue::Int(v), id)))
    } else {
        q.select((sql::<Text>(order.column), customers::id))
            .first::<(String, i64)>(conn)
            .optional()
            .map(|k| k.map(|(v, id)| (KeysetValue::Text(v), id)))
    }
}

/// The rows before the row whose key is `(value, id)` in `order`: a range of the order's
/// index (of the primary key when the order is the id's).
fn before(order: Order, (value, id): (KeysetValue, i64)) -> super::customer_lookup::Pred {
    if order.column == "customers.id" {
        let op = match order.dir {
            super::SortDir::Asc => "<",
            super::SortDir::Desc => ">",
        };
        return Box::new(
            diesel::dsl::sql::<Bool>(&format!("customers.id {op} "))
                .bind::<diesel::sql_types::BigInt, _>(id),
        );
    }
    order.before(value, id, "customers.id")
}

/// Page `page` of `filter` in `order`, found by walking the order's first `rows` rows and
/// testing each (the walk stops as soon as the page fills); `None` when the page does not
/// fill there.
fn walk(
    conn: &mut DbConnection,
    filter: &CustomerFilter,
    order: Order,
    rows: i64,
    page: i64,
    per_page: i64,
) -> QueryResult<Option<Page<Customer>>> {
    let mut q = filtered_as(conn, filter, Texts::Tested)?;
    if let Some(key) = key_at(conn, order, rows)? {
        q = q.filter(before(order, key));
    }
    let found = q
        .order(order.by("customers.id"))
        .select(Customer::as_select())
        .limit(per_page + 1)
        .offset(page.max(0).saturating_mul(per_page))
        .load(conn)?;
    Ok((found.len() as i64 > per_page).then(|| Page::from_overfetch(found, per_page)))
}

/// One page of the customers list as `listing` says. A walked page reads the order up to
/// `SPREAD` rows per row of the list up to the page's end; a page that does not fill there
/// (the last, or matches thinning out) is found by the engine's choice instead, in the same
/// order.
pub fn list_as(
    conn: &mut DbConnection,
    filter: &CustomerFilter,
    listing: Listing,
    page: i64,
    per_page: i64,
) -> QueryResult<Page<Customer>> {
    let order = listing.order();
    if let Listing::Walked(_) | Listing::Newest = listing {
        let rows = (page.max(0).saturating_mul(per_page))
            .saturating_add(per_page + 1)
            .saturating_mul(SPREAD);
        if let Some(found) = walk(conn, filter, order, rows, page, per_page)? {
            return Ok(found);
        }
    }
    list(conn, filter, order, page, per_page)
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
