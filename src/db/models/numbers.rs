//! `did_ranges`, `cpn_substitutions` and `emergency_locations`: the number lists of a customer.

use crate::db::schema::{cpn_substitutions, customers, did_ranges, emergency_locations};
use crate::db::DbConnection;
use crate::domain::DidRange;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = did_ranges)]
pub struct DidRangeRow {
    pub id: i64,
    pub customer_id: i64,
    pub digits: i32,
    pub range_start: i64,
    pub range_end: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = cpn_substitutions)]
pub struct Cpn {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub number: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = emergency_locations)]
pub struct EmergencyLocation {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub number: String,
    pub location: String,
    pub zone: String,
    pub created_at: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = emergency_locations)]
pub struct NewEmergencyLocation {
    pub customer_id: i64,
    pub name: String,
    pub number: String,
    pub location: String,
    pub zone: String,
    pub created_at: i64,
}

pub fn dids(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<DidRangeRow>> {
    did_ranges::table
        .filter(did_ranges::customer_id.eq(customer_id))
        .order((did_ranges::digits, did_ranges::range_start))
        .select(DidRangeRow::as_select())
        .load(conn)
}

/// Makes concurrent DID inserts queue one behind the other until commit, on both engines (the
/// overlap check and the insert must not interleave): a row lock on the shared lock row.
pub fn lock_ranges(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::sql_query("UPDATE app_settings SET value = value WHERE name = 'write_lock'")
        .execute(conn)?;
    Ok(())
}

/// The first range of any customer overlapping `r`, with its customer's company and service
/// provider.
pub fn overlapping(
    conn: &mut DbConnection,
    r: &DidRange,
) -> QueryResult<Option<(DidRangeRow, String, i64)>> {
    did_ranges::table
        .inner_join(customers::table)
        .filter(did_ranges::digits.eq(r.digits))
        .filter(did_ranges::range_start.le(r.end))
        .filter(did_ranges::range_end.ge(r.start))
        .order(did_ranges::range_start)
        .select((
            DidRangeRow::as_select(),
            customers::company,
            customers::service_provider_id,
        ))
        .first(conn)
        .optional()
}

pub fn insert_did(
    conn: &mut DbConnection,
    customer_id: i64,
    r: &DidRange,
) -> QueryResult<DidRangeRow> {
    let id: i64 = diesel::insert_into(did_ranges::table)
        .values((
            did_ranges::customer_id.eq(customer_id),
            did_ranges::digits.eq(r.digits),
            did_ranges::range_start.eq(r.start),
            did_ranges::range_end.eq(r.end),
            did_ranges::created_at.eq(crate::db::now()),
        ))
        .returning(did_ranges::id)
        .get_result(conn)?;
    did_ranges::table
        .find(id)
        .select(DidRangeRow::as_select())
        .first(conn)
}

pub fn find_did(conn: &mut DbConnection, id: i64) -> QueryResult<Option<DidRangeRow>> {
    did_ranges::table
        .find(id)
        .select(DidRangeRow::as_select())
        .first(conn)
        .optional()
}

pub fn delete_did(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(did_ranges::table.find(id)).execute(conn)
}

pub fn cpns(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<Cpn>> {
    cpn_substitutions::table
        .filter(cpn_substitutions::customer_id.eq(customer_id))
        .order(cpn_substitutions::id)
        .select(Cpn::as_select())
        .load(conn)
}

pub fn insert_cpn(
    conn: &mut DbConnection,
    customer_id: i64,
    name: &str,
    number: &str,
) -> QueryResult<Cpn> {
    let id: i64 = diesel::insert_into(cpn_substitutions::table)
        .values((
            cpn_substitutions::customer_id.eq(customer_id),
            cpn_substitutions::name.eq(name),
            cpn_substitutions::number.eq(number),
            cpn_substitutions::created_at.eq(crate::db::now()),
        ))
        .returning(cpn_substitutions::id)
        .get_result(conn)?;
    cpn_substitutions::table
        .find(id)
        .select(Cpn::as_select())
        .first(conn)
}

pub fn find_cpn(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Cpn>> {
    cpn_substitutions::table
        .find(id)
        .select(Cpn::as_select())
        .first(conn)
        .optional()
}

pub fn delete_cpn(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(cpn_substitutions::table.find(id)).execute(conn)
}

pub fn emergency(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<EmergencyLocation>> {
    emergency_locations::table
        .filter(emergency_locations::customer_id.eq(customer_id))
        .order(emergency_locations::id)
        .select(EmergencyLocation::as_select())
        .load(conn)
}

pub fn insert_emergency(
    conn: &mut DbConnection,
    new: &NewEmergencyLocation,
) -> QueryResult<EmergencyLocation> {
    let id: i64 = diesel::insert_into(emergency_locations::table)
        .values(new)
        .returning(emergency_locations::id)
        .get_result(conn)?;
    emergency_locations::table
        .find(id)
        .select(EmergencyLocation::as_select())
        .first(conn)
}

pub fn find_emergency(conn: &mut DbConnection, id: i64) -> QueryResult<Option<EmergencyLocation>> {
    emergency_locations::table
        .find(id)
        .select(EmergencyLocation::as_select())
        .first(conn)
        .optional()
}

pub fn delete_emergency(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(emergency_locations::table.find(id)).execute(conn)
}
