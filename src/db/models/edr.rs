//! `edrs` and `edr_balances`: one immutable event data record per balance change, with the
//! totals before and after and the cost per balance type. Rows are only ever inserted.

use crate::db::schema::{edr_balances, edrs};
use crate::db::DbConnection;
use crate::domain::balance::EdrType;
use diesel::prelude::*;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = edrs)]
pub struct NewEdr {
    #[diesel(serialize_as = String)]
    pub edr_type: EdrType,
    pub service_provider_id: i64,
    pub wallet_id: i64,
    pub subscriber_id: Option<i64>,
    pub operator_name: Option<String>,
    pub change_reason: Option<String>,
    pub called_number: Option<String>,
    pub duration_s: Option<i64>,
    pub created_at: i64,
}

/// One balance type's part of an EDR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct EdrBalance {
    pub balance_type_id: i64,
    pub before_total: i64,
    pub after_total: i64,
    /// How much the sum of the balance's bucket values fell (negative for a credit).
    pub cost: i64,
}

/// Writes the EDR and its balance rows; returns its id.
pub fn insert(conn: &mut DbConnection, edr: &NewEdr, parts: &[EdrBalance]) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(edrs::table)
        .values(edr.clone())
        .returning(edrs::id)
        .get_result(conn)?;
    for p in parts {
        diesel::insert_into(edr_balances::table)
            .values((
                edr_balances::edr_id.eq(id),
                edr_balances::balance_type_id.eq(p.balance_type_id),
                edr_balances::before_total.eq(p.before_total),
                edr_balances::after_total.eq(p.after_total),
                edr_balances::cost.eq(p.cost),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

/// The balance parts of every EDR of a wallet, oldest first (to recompute balances).
pub fn parts_of_wallet(conn: &mut DbConnection, wallet_id: i64) -> QueryResult<Vec<EdrBalance>> {
    edr_balances::table
        .inner_join(edrs::table)
        .filter(edrs::wallet_id.eq(wallet_id))
        .order((edrs::id, edr_balances::balance_type_id))
        .select((
            edr_balances::balance_type_id,
            edr_balances::before_total,
            edr_balances::after_total,
            edr_balances::cost,
        ))
        .load(conn)
}

/// How many EDRs a wallet has.
pub fn count_of_wallet(conn: &mut DbConnection, wallet_id: i64) -> QueryResult<i64> {
    edrs::table
        .filter(edrs::wallet_id.eq(wallet_id))
        .count()
        .get_result(conn)
}

/// One balance type's total after an EDR, with when it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct TotalAt {
    pub at: i64,
    pub balance_type_id: i64,
    pub before_total: i64,
    pub after_total: i64,
}

/// The totals after each EDR of a wallet written since `since`, oldest first (one query).
pub fn totals_since(
    conn: &mut DbConnection,
    wallet_id: i64,
    since: i64,
) -> QueryResult<Vec<TotalAt>> {
    edr_balances::table
        .inner_join(edrs::table)
        .filter(edrs::wallet_id.eq(wallet_id))
        .filter(edrs::created_at.ge(since))
        .order((edrs::created_at, edrs::id, edr_balances::balance_type_id))
        .select((
            edrs::created_at,
            edr_balances::balance_type_id,
            edr_balances::before_total,
            edr_balances::after_total,
        ))
        .load(conn)
}
