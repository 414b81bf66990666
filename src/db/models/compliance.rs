//! `restricted_parties` and `compliance_reviews`: the list customers are screened against, and
//! the reviews that screening hits open.

use crate::db::schema::{compliance_reviews, customers, restricted_parties};
use crate::db::DbConnection;
use crate::domain::screening::RestrictedEntry;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = restricted_parties)]
pub struct RestrictedParty {
    pub id: i64,
    pub name: String,
    pub country: String,
    pub name_key: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = compliance_reviews)]
pub struct Review {
    pub id: i64,
    pub customer_id: i64,
    pub screened_name: String,
    pub matched_name: String,
    pub matched_country: String,
    pub opened_at: i64,
    pub due_at: i64,
    pub decided_at: Option<i64>,
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
}

/// Replaces the whole list, in the caller's transaction. Rows go in one by one: diesel's
/// multi-row insert is not available over both engines, and lists are thousands, not millions.
pub fn replace_list(conn: &mut DbConnection, entries: &[RestrictedEntry]) -> QueryResult<()> {
    diesel::delete(restricted_parties::table).execute(conn)?;
    let now = crate::db::now();
    for e in entries {
        diesel::insert_into(restricted_parties::table)
            .values((
                restricted_parties::name.eq(e.name.as_str()),
                restricted_parties::country.eq(e.country),
                restricted_parties::name_key.eq(e.key.as_str()),
                restricted_parties::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn list_count(conn: &mut DbConnection) -> QueryResult<i64> {
    restricted_parties::table.count().get_result(conn)
}

/// The first `limit` entries, by country and name.
pub fn list_entries(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<RestrictedParty>> {
    restricted_parties::table
        .order((restricted_parties::country, restricted_parties::name))
        .limit(limit)
        .select(RestrictedParty::as_select())
        .load(conn)
}

/// An entry of `country` whose key is one of `keys`.
pub fn find_match(
    conn: &mut DbConnection,
    country: &str,
    keys: &[String],
) -> QueryResult<Option<RestrictedParty>> {
    restricted_parties::table
        .filter(restricted_parties::country.eq(country))
        .filter(restricted_parties::name_key.eq_any(keys))
        .order(restricted_parties::id)
        .select(RestrictedParty::as_select())
        .first(conn)
        .optional()
}

pub fn open_review(
    conn: &mut DbConnection,
    customer_id: i64,
    screened_name: &str,
    party: &RestrictedParty,
    now: i64,
    due_at: i64,
) -> QueryResult<Review> {
    let id: i64 = diesel::insert_into(compliance_reviews::table)
        .values((
            compliance_reviews::customer_id.eq(customer_id),
            compliance_reviews::screened_name.eq(screened_name),
            compliance_reviews::matched_name.eq(&party.name),
            compliance_reviews::matched_country.eq(&party.country),
            compliance_reviews::opened_at.eq(now),
            compliance_reviews::due_at.eq(due_at),
        ))
        .returning(compliance_reviews::id)
        .get_result(conn)?;
    compliance_reviews::table
        .find(id)
        .select(Review::as_select())
        .first(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Review>> {
    compliance_reviews::table
        .find(id)
        .select(Review::as_select())
        .first(conn)
        .optional()
}

/// The customer's undecided review, if any.
pub fn open_for(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Option<Review>> {
    compliance_reviews::table
        .filter(compliance_reviews::customer_id.eq(customer_id))
        .filter(compliance_reviews::decided_at.is_null())
        .select(Review::as_select())
        .first(conn)
        .optional()
}

/// Undecided reviews due at or before `now`.
pub fn overdue(conn: &mut DbConnection, now: i64) -> QueryResult<Vec<Review>> {
    compliance_reviews::table
        .filter(compliance_reviews::decided_at.is_null())
        .filter(compliance_reviews::due_at.le(now))
        .select(Review::as_select())
        .load(conn)
}

/// Undecided reviews with their customer's company and account code, oldest first,
/// limited to one service provider when the reviewer is.
pub fn queue(
    conn: &mut DbConnection,
    service_provider: Option<i64>,
) -> QueryResult<Vec<(Review, String, String)>> {
    let mut q = compliance_reviews::table
        .inner_join(customers::table)
        .filter(compliance_reviews::decided_at.is_null())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(sp) = service_provider {
        q = q.filter(customers::service_provider_id.eq(sp));
    }
    q.order(compliance_reviews::due_at)
        .select((
            Review::as_select(),
            customers::company,
            customers::account_code,
        ))
        .load(conn)
}

/// Records a decision on a still-open review; returns whether it was open.
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    decision: &str,
    by: &str,
    reason: Option<&str>,
    now: i64,
) -> QueryResult<bool> {
    let n = diesel::update(
        compliance_reviews::table
            .filter(compliance_reviews::id.eq(id))
            .filter(compliance_reviews::decided_at.is_null()),
    )
    .set((
        compliance_reviews::decided_at.eq(now),
        compliance_reviews::decision.eq(decision),
        compliance_reviews::decided_by.eq(by),
        compliance_reviews::reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
