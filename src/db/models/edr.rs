//! `edrs` and `edr_balances`: one immutable event data record per balance change, with the
//! totals before and after and the cost per balance type. Rows are only ever inserted.

use crate::db::prepared::prepared;
use crate::db::schema::{edr_balances, edrs};
use crate::db::DbConnection;
use crate::domain::balance::EdrType;
use diesel::prelude::*;

/// `None` is written as NULL (every optional column's default): the insert's SQL is the same
/// whatever the values, so it stays prepared (`db::prepared`).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = edrs, treat_none_as_default_value = false)]
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
    /// `db::prepared`'s markers of the two inserts.
    struct InsertEdr;
    struct InsertPart;
    let id: i64 = crate::on_engine!(conn, |c| prepared::<_, InsertEdr>(
        diesel::insert_into(edrs::table)
            .values(edr.clone())
            .returning(edrs::id)
    )
    .get_result(c))?;
    for p in parts {
        crate::on_engine!(conn, |c| prepared::<_, InsertPart>(
            diesel::insert_into(edr_balances::table).values((
                edr_balances::edr_id.eq(id),
                edr_balances::balance_type_id.eq(p.balance_type_id),
                edr_balances::before_total.eq(p.before_total),
                edr_balances::after_total.eq(p.after_total),
                edr_balances::cost.eq(p.cost),
            ))
        )
        .execute(c))?;
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

/// One EDR as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = edrs)]
pub struct EdrRow {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub edr_type: EdrType,
    pub service_provider_id: i64,
    pub wallet_id: i64,
    pub subscriber_id: Option<i64>,
    pub operator_name: Option<String>,
    pub change_reason: Option<String>,
    pub called_number: Option<String>,
    pub duration_s: Option<i64>,
    pub created_at: i64,
    pub reverses_edr_id: Option<i64>,
    pub partial: bool,
}

/// One balance type's part of an EDR, with the balance type's code and unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdrPart {
    pub edr_id: i64,
    pub balance_type_id: i64,
    pub code: String,
    pub unit: crate::domain::Unit,
    pub before_total: i64,
    pub after_total: i64,
    pub cost: i64,
}

/// Which EDRs of a subscriber (the viewer's filters, parsed).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EdrFilter {
    pub subscriber_id: i64,
    /// From this instant on (UTC seconds, included).
    pub from: Option<i64>,
    /// Before this instant (excluded).
    pub until: Option<i64>,
    /// Only EDRs of the subscriber's wallet of this type (`primary` / `secondary`).
    pub wallet_type: Option<String>,
    pub called_number: Option<String>,
    /// Stored spelling of an EDR type.
    pub edr_type: Option<String>,
    /// Also interim (partial) EDRs.
    pub partial: bool,
}

fn filtered<'a>(f: &'a EdrFilter) -> edrs::BoxedQuery<'a, crate::db::MultiBackend> {
    use crate::db::schema::subscriber_wallets;
    let mut q = edrs::table
        .filter(edrs::subscriber_id.eq(f.subscriber_id))
        .into_boxed();
    if let Some(from) = f.from {
        q = q.filter(edrs::created_at.ge(from));
    }
    if let Some(until) = f.until {
        q = q.filter(edrs::created_at.lt(until));
    }
    if let Some(t) = &f.wallet_type {
        q = q.filter(
            edrs::wallet_id.eq_any(
                subscriber_wallets::table
                    .filter(subscriber_wallets::subscriber_id.eq(f.subscriber_id))
                    .filter(subscriber_wallets::wallet_type.eq(t.as_str()))
                    .select(subscriber_wallets::wallet_id),
            ),
        );
    }
    if let Some(n) = &f.called_number {
        q = q.filter(edrs::called_number.eq(n.as_str()));
    }
    if let Some(t) = &f.edr_type {
        q = q.filter(edrs::edr_type.eq(t.as_str()));
    }
    if !f.partial {
        q = q.filter(edrs::partial.eq(false));
    }
    q
}

/// The EDRs the filter finds in `order`, after the keyset position `after`, at most `limit`.
pub fn search(
    conn: &mut DbConnection,
    f: &EdrFilter,
    order: super::Order,
    after: super::After,
    limit: i64,
) -> QueryResult<Vec<EdrRow>> {
    let mut q = filtered(f);
    if let Some(cond) = order.after(after, "edrs.id") {
        q = q.filter(cond);
    }
    q.order(order.by("edrs.id"))
        .select(EdrRow::as_select())
        .limit(limit)
        .load(conn)
}

/// How many EDRs the filter finds.
pub fn count(conn: &mut DbConnection, f: &EdrFilter) -> QueryResult<i64> {
    filtered(f).count().get_result(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<EdrRow>> {
    edrs::table
        .find(id)
        .select(EdrRow::as_select())
        .first(conn)
        .optional()
}

/// The balance parts of these EDRs, by EDR then balance type.
pub fn parts_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<EdrPart>> {
    use crate::db::schema::balance_types;
    let rows: Vec<(i64, i64, i64, i64, i64)> = edr_balances::table
        .filter(edr_balances::edr_id.eq_any(ids))
        .order((edr_balances::edr_id, edr_balances::balance_type_id))
        .select((
            edr_balances::edr_id,
            edr_balances::balance_type_id,
            edr_balances::before_total,
            edr_balances::after_total,
            edr_balances::cost,
        ))
        .load(conn)?;
    let type_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let types: Vec<(i64, String, String)> = balance_types::table
        .filter(balance_types::id.eq_any(&type_ids))
        .select((balance_types::id, balance_types::code, balance_types::unit))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(edr_id, balance_type_id, before_total, after_total, cost)| {
                let t = types.iter().find(|t| t.0 == balance_type_id);
                EdrPart {
                    edr_id,
                    balance_type_id,
                    code: t
                        .map(|t| t.1.clone())
                        .unwrap_or_else(|| format!("#{balance_type_id}")),
                    unit: t
                        .and_then(|t| crate::domain::Unit::parse(&t.2).ok())
                        .unwrap_or(crate::domain::Unit::Units),
                    before_total,
                    after_total,
                    cost,
                }
            },
        )
        .collect())
}

/// The reversal of EDR `id`, if it was reversed.
pub fn reversal_of(conn: &mut DbConnection, id: i64) -> QueryResult<Option<i64>> {
    edrs::table
        .filter(edrs::reverses_edr_id.eq(id))
        .select(edrs::id)
        .first(conn)
        .optional()
}

/// Writes a reversal EDR (pointing at `reverses`) and its balance rows; returns its id. A
/// second reversal of the same EDR fails on the unique index.
pub fn insert_reversal(
    conn: &mut DbConnection,
    edr: &NewEdr,
    reverses: i64,
    parts: &[EdrBalance],
) -> QueryResult<i64> {
    let id = insert(conn, edr, parts)?;
    diesel::update(edrs::table.find(id))
        .set(edrs::reverses_edr_id.eq(reverses))
        .execute(conn)?;
    Ok(id)
}

/// Wallet reference and currency of each of these wallets that still exists.
pub fn wallets_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String, i64)>> {
    use crate::db::schema::wallets;
    wallets::table
        .filter(wallets::id.eq_any(ids))
        .select((wallets::id, wallets::wallet_ref, wallets::currency_id))
        .load(conn)
}
