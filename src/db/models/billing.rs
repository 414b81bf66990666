//! `payments`, `cdr_imports` and `cdrs`: a customer's ledger entries and call records, and the
//! sums the statement and the call analysis are made of. Sums are computed by the database as
//! integers (`CAST(SUM(…) AS BIGINT)`, so PostgreSQL does not answer NUMERIC); the only values
//! written into those statements are integers.

use crate::db::schema::{cdr_imports, cdrs, customers, payments};
use crate::db::DbConnection;
use crate::domain::PaymentKind;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = payments)]
pub struct Payment {
    pub id: i64,
    pub customer_id: i64,
    #[diesel(deserialize_as = String)]
    pub kind: PaymentKind,
    /// Minor units; negative on the counter-entry of a reversal.
    pub amount_minor: i64,
    pub paid_at: i64,
    pub reference: String,
    pub note: String,
    pub reverses_id: Option<i64>,
    pub actor: String,
    pub created_at: i64,
}

impl Payment {
    /// What the entry does to the balance, in minor units.
    pub fn effect(&self) -> i64 {
        self.kind.sign() * self.amount_minor
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payments)]
pub struct NewPayment {
    pub customer_id: i64,
    #[diesel(serialize_as = String)]
    pub kind: PaymentKind,
    pub amount_minor: i64,
    pub paid_at: i64,
    pub reference: String,
    pub note: String,
    pub reverses_id: Option<i64>,
    pub actor: String,
    pub created_at: i64,
}

pub fn insert_payment(conn: &mut DbConnection, new: &NewPayment) -> QueryResult<Payment> {
    let id: i64 = diesel::insert_into(payments::table)
        .values(new.clone())
        .returning(payments::id)
        .get_result(conn)?;
    payments::table
        .find(id)
        .select(Payment::as_select())
        .first(conn)
}

pub fn find_payment(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Payment>> {
    payments::table
        .find(id)
        .select(Payment::as_select())
        .first(conn)
        .optional()
}

/// The counter-entry that reverses `id`, if there is one.
pub fn reversal_of(conn: &mut DbConnection, id: i64) -> QueryResult<Option<i64>> {
    payments::table
        .filter(payments::reverses_id.eq(id))
        .select(payments::id)
        .first(conn)
        .optional()
}

/// A customer's entries, newest first (at most `limit`).
pub fn payments_of(
    conn: &mut DbConnection,
    customer_id: i64,
    limit: i64,
) -> QueryResult<Vec<Payment>> {
    payments::table
        .filter(payments::customer_id.eq(customer_id))
        .order((payments::paid_at.desc(), payments::id.desc()))
        .limit(limit)
        .select(Payment::as_select())
        .load(conn)
}

/// Whether the customer has any payment, credit, debit or CDR (their amounts are minor units
/// of its billing decimals, so those cannot change any more).
pub fn has_amounts(conn: &mut DbConnection, customer_id: i64) -> QueryResult<bool> {
    let entries: bool = diesel::select(diesel::dsl::exists(
        payments::table.filter(payments::customer_id.eq(customer_id)),
    ))
    .get_result(conn)?;
    if entries {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        cdrs::table.filter(cdrs::customer_id.eq(customer_id)),
    ))
    .get_result(conn)
}

/// Ids of entries that have been reversed, among `ids`.
pub fn reversed_among(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<i64>> {
    payments::table
        .filter(payments::reverses_id.eq_any(ids))
        .select(payments::reverses_id.assume_not_null())
        .load(conn)
}

/// A customer's entries in `[from, to)`, in time order, after the entry `(paid_at, id)`.
pub fn payments_between(
    conn: &mut DbConnection,
    customer_id: i64,
    (from, to): (i64, i64),
    after: Option<(i64, i64)>,
    limit: i64,
) -> QueryResult<Vec<Payment>> {
    let mut q = payments::table
        .filter(payments::customer_id.eq(customer_id))
        .filter(payments::paid_at.ge(from))
        .filter(payments::paid_at.lt(to))
        .into_boxed();
    if let Some((at, id)) = after {
        q = q.filter(
            payments::paid_at
                .gt(at)
                .or(payments::paid_at.eq(at).and(payments::id.gt(id))),
        );
    }
    q.order((payments::paid_at, payments::id))
        .limit(limit)
        .select(Payment::as_select())
        .load(conn)
}

pub fn count_payments_between(
    conn: &mut DbConnection,
    customer_id: i64,
    (from, to): (i64, i64),
) -> QueryResult<i64> {
    payments::table
        .filter(payments::customer_id.eq(customer_id))
        .filter(payments::paid_at.ge(from))
        .filter(payments::paid_at.lt(to))
        .count()
        .get_result(conn)
}

#[derive(QueryableByName)]
struct One {
    #[diesel(sql_type = BigInt)]
    v: i64,
}

/// Sum of the entries' effects (payments + credits − debits) of a customer before `before`.
pub fn ledger_before(conn: &mut DbConnection, customer_id: i64, before: i64) -> QueryResult<i64> {
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN kind = 'debit' THEN -amount_minor ELSE amount_minor END), 0) AS BIGINT) AS v \
         FROM payments WHERE customer_id = {customer_id} AND paid_at < {before}"
    );
    diesel::sql_query(sql).get_result::<One>(conn).map(|o| o.v)
}

/// Sum of the CDR costs of a customer before `before`.
pub fn charges_before(conn: &mut DbConnection, customer_id: i64, before: i64) -> QueryResult<i64> {
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(cost_minor), 0) AS BIGINT) AS v \
         FROM cdrs WHERE customer_id = {customer_id} AND started_at < {before}"
    );
    diesel::sql_query(sql).get_result::<One>(conn).map(|o| o.v)
}

/// Calls, seconds and cost of a group of CDRs.
#[derive(Debug, Clone, QueryableByName)]
pub struct Totals {
    #[diesel(sql_type = BigInt)]
    pub calls: i64,
    #[diesel(sql_type = BigInt)]
    pub seconds: i64,
    #[diesel(sql_type = BigInt)]
    pub cost: i64,
}

/// The seconds of one slice of time the CDRs are summed by: every zone's offset from UTC is
/// a whole number of quarter hours, so slices never straddle a local midnight.
pub const SLICE_SECS: i64 = 900;

#[derive(Debug, Clone, QueryableByName)]
pub struct Slice {
    /// `started_at / SLICE_SECS`.
    #[diesel(sql_type = BigInt)]
    pub slice: i64,
    #[diesel(sql_type = BigInt)]
    pub calls: i64,
    #[diesel(sql_type = BigInt)]
    pub seconds: i64,
    #[diesel(sql_type = BigInt)]
    pub cost: i64,
}

/// A customer's CDRs in `[from, to)` summed per quarter hour, in time order.
pub fn slices(
    conn: &mut DbConnection,
    customer_id: i64,
    (from, to): (i64, i64),
) -> QueryResult<Vec<Slice>> {
    let sql = format!(
        "SELECT started_at / {SLICE_SECS} AS slice, COUNT(*) AS calls, \
         CAST(SUM(duration_s) AS BIGINT) AS seconds, CAST(SUM(cost_minor) AS BIGINT) AS cost \
         FROM cdrs WHERE customer_id = {customer_id} AND started_at >= {from} AND started_at < {to} \
         GROUP BY started_at / {SLICE_SECS} ORDER BY slice"
    );
    diesel::sql_query(sql).load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct PrefixTotals {
    #[diesel(sql_type = Text)]
    pub prefix: String,
    #[diesel(sql_type = BigInt)]
    pub calls: i64,
    #[diesel(sql_type = BigInt)]
    pub seconds: i64,
    #[diesel(sql_type = BigInt)]
    pub cost: i64,
}

/// A customer's CDRs in `[from, to)` by destination prefix, costliest first (at most `limit`).
pub fn by_prefix(
    conn: &mut DbConnection,
    customer_id: i64,
    (from, to): (i64, i64),
    limit: i64,
) -> QueryResult<Vec<PrefixTotals>> {
    let sql = format!(
        "SELECT dest_prefix AS prefix, COUNT(*) AS calls, \
         CAST(SUM(duration_s) AS BIGINT) AS seconds, CAST(SUM(cost_minor) AS BIGINT) AS cost \
         FROM cdrs WHERE customer_id = {customer_id} AND started_at >= {from} AND started_at < {to} \
         GROUP BY dest_prefix ORDER BY cost DESC, prefix LIMIT {limit}"
    );
    diesel::sql_query(sql).load(conn)
}

/// A customer's CDRs in `[from, to)` in all.
pub fn totals(
    conn: &mut DbConnection,
    customer_id: i64,
    (from, to): (i64, i64),
) -> QueryResult<Totals> {
    let sql = format!(
        "SELECT COUNT(*) AS calls, CAST(COALESCE(SUM(duration_s), 0) AS BIGINT) AS seconds, \
         CAST(COALESCE(SUM(cost_minor), 0) AS BIGINT) AS cost \
         FROM cdrs WHERE customer_id = {customer_id} AND started_at >= {from} AND started_at < {to}"
    );
    diesel::sql_query(sql).get_result(conn)
}

/// What an import needs to know of the customer an account code names.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct Account {
    pub customer_id: i64,
    pub service_provider_id: i64,
    pub billing_decimals: i32,
}

pub fn account(conn: &mut DbConnection, account_code: &str) -> QueryResult<Option<Account>> {
    customers::table
        .filter(customers::account_code.eq(account_code))
        .select((
            customers::id,
            customers::service_provider_id,
            customers::billing_decimals,
        ))
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cdrs)]
pub struct NewCdr {
    pub customer_id: i64,
    pub account_code: String,
    pub started_at: i64,
    pub duration_s: i64,
    pub calling: String,
    pub called: String,
    pub dest_prefix: String,
    pub cost_minor: i64,
    pub import_id: Option<i64>,
}

/// A string as an SQL literal (quotes doubled). Only for values that were checked before:
/// numbers (digits and `+`) and account codes read from `customers`.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Inserts the rows whose key (account code, start, calling, called) is not on file yet;
/// returns how many were inserted. One multi-row `INSERT … ON CONFLICT DO NOTHING` (the same
/// text on both engines; diesel's upsert builder does not reach the `MultiConnection`): the
/// values are written into the statement, every one an integer or a checked string.
pub fn insert_cdrs(conn: &mut DbConnection, rows: &[NewCdr]) -> QueryResult<usize> {
    use std::fmt::Write;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut sql = String::with_capacity(64 + rows.len() * 96);
    sql.push_str(
        "INSERT INTO cdrs (customer_id, account_code, started_at, duration_s, calling, called, \
         dest_prefix, cost_minor, import_id) VALUES ",
    );
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        let import = r.import_id.map_or("NULL".to_string(), |id| id.to_string());
        let _ = write!(
            sql,
            "({},{},{},{},{},{},{},{},{})",
            r.customer_id,
            literal(&r.account_code),
            r.started_at,
            r.duration_s,
            literal(&r.calling),
            literal(&r.called),
            literal(&r.dest_prefix),
            r.cost_minor,
            import
        );
    }
    sql.push_str(" ON CONFLICT (account_code, started_at, calling, called) DO NOTHING");
    diesel::sql_query(sql).execute(conn)
}

/// The keys (account code, start, calling, called) among `keys` that are on file already.
/// Reads a superset by account code and start (the unique index's first columns) and keeps
/// the exact matches.
pub fn existing_keys(
    conn: &mut DbConnection,
    keys: &[(String, i64, String, String)],
) -> QueryResult<std::collections::HashSet<(String, i64, String, String)>> {
    use std::collections::{BTreeSet, HashSet};
    if keys.is_empty() {
        return Ok(HashSet::new());
    }
    let codes: BTreeSet<&str> = keys.iter().map(|k| k.0.as_str()).collect();
    let starts: BTreeSet<i64> = keys.iter().map(|k| k.1).collect();
    let wanted: HashSet<&(String, i64, String, String)> = keys.iter().collect();
    let found: Vec<(String, i64, String, String)> = cdrs::table
        .filter(cdrs::account_code.eq_any(codes.into_iter().collect::<Vec<_>>()))
        .filter(cdrs::started_at.eq_any(starts.into_iter().collect::<Vec<_>>()))
        .select((
            cdrs::account_code,
            cdrs::started_at,
            cdrs::calling,
            cdrs::called,
        ))
        .load(conn)?;
    Ok(found.into_iter().filter(|k| wanted.contains(k)).collect())
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = cdr_imports)]
pub struct CdrImport {
    pub id: i64,
    pub service_provider_id: Option<i64>,
    pub actor: String,
    pub new_rows: i64,
    pub duplicate_rows: i64,
    pub bad_rows: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cdr_imports)]
pub struct NewCdrImport {
    pub service_provider_id: Option<i64>,
    pub actor: String,
    pub new_rows: i64,
    pub duplicate_rows: i64,
    pub bad_rows: i64,
    pub created_at: i64,
}

pub fn insert_import(conn: &mut DbConnection, new: &NewCdrImport) -> QueryResult<CdrImport> {
    let id: i64 = diesel::insert_into(cdr_imports::table)
        .values(new.clone())
        .returning(cdr_imports::id)
        .get_result(conn)?;
    find_import(conn, id)
}

fn find_import(conn: &mut DbConnection, id: i64) -> QueryResult<CdrImport> {
    cdr_imports::table
        .find(id)
        .select(CdrImport::as_select())
        .first(conn)
}

/// Records the counts of an import once its rows are in.
pub fn finish_import(
    conn: &mut DbConnection,
    id: i64,
    (new_rows, duplicate_rows, bad_rows): (i64, i64, i64),
) -> QueryResult<CdrImport> {
    diesel::update(cdr_imports::table.find(id))
        .set((
            cdr_imports::new_rows.eq(new_rows),
            cdr_imports::duplicate_rows.eq(duplicate_rows),
            cdr_imports::bad_rows.eq(bad_rows),
        ))
        .execute(conn)?;
    find_import(conn, id)
}
