//! `topup_rules` and `topup_runs`: periodic allocations of a balance type per product type or
//! per subscriber, and one run row per rule, wallet and period (unique: a period is credited
//! once, whichever instance's worker gets there first).

use crate::db::schema::{subscriber_wallets, topup_rules, topup_runs, wallets};
use crate::db::DbConnection;
use crate::domain::subscriber::{WalletState, WalletType};
use crate::domain::topup::TopupPeriod;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = topup_rules)]
pub struct TopupRule {
    pub id: i64,
    pub service_provider_id: i64,
    pub name: String,
    pub balance_type_id: i64,
    pub amount: i64,
    #[diesel(deserialize_as = String)]
    pub period: TopupPeriod,
    pub product_type_id: Option<i64>,
    pub subscriber_id: Option<i64>,
    pub active: bool,
    pub created_by: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Insertable, Serialize)]
#[diesel(table_name = topup_rules)]
pub struct NewTopupRule {
    pub service_provider_id: i64,
    pub name: String,
    pub balance_type_id: i64,
    pub amount: i64,
    #[diesel(serialize_as = String)]
    pub period: TopupPeriod,
    pub product_type_id: Option<i64>,
    pub subscriber_id: Option<i64>,
    pub active: bool,
    pub created_by: String,
    pub created_at: i64,
}

pub fn insert(conn: &mut DbConnection, new: &NewTopupRule) -> QueryResult<TopupRule> {
    let id: i64 = diesel::insert_into(topup_rules::table)
        .values(new.clone())
        .returning(topup_rules::id)
        .get_result(conn)?;
    topup_rules::table
        .find(id)
        .select(TopupRule::as_select())
        .first(conn)
}

/// Every rule (`active_only`: those that run), by id.
pub fn all(conn: &mut DbConnection, active_only: bool) -> QueryResult<Vec<TopupRule>> {
    let mut q = topup_rules::table
        .select(TopupRule::as_select())
        .order(topup_rules::id)
        .into_boxed();
    if active_only {
        q = q.filter(topup_rules::active.eq(true));
    }
    q.load(conn)
}

/// The rules that reach a subscriber: its own, and those of its wallets' product types.
pub fn for_subscriber(
    conn: &mut DbConnection,
    subscriber: i64,
    product_types: &[i64],
) -> QueryResult<Vec<TopupRule>> {
    topup_rules::table
        .filter(
            topup_rules::subscriber_id
                .eq(subscriber)
                .or(topup_rules::product_type_id.eq_any(product_types)),
        )
        .order(topup_rules::id)
        .select(TopupRule::as_select())
        .load(conn)
}

/// The wallets a rule credits: the active wallets of its product type (in its provider), or
/// the subscriber's primary wallet when it is active.
pub fn wallets_of(conn: &mut DbConnection, rule: &TopupRule) -> QueryResult<Vec<i64>> {
    let active = WalletState::Active.code();
    match (rule.product_type_id, rule.subscriber_id) {
        (_, Some(s)) => subscriber_wallets::table
            .inner_join(wallets::table)
            .filter(subscriber_wallets::subscriber_id.eq(s))
            .filter(subscriber_wallets::wallet_type.eq(WalletType::Primary.code()))
            .filter(wallets::state.eq(active))
            .filter(wallets::service_provider_id.eq(rule.service_provider_id))
            .select(wallets::id)
            .load(conn),
        (Some(p), None) => wallets::table
            .filter(wallets::product_type_id.eq(p))
            .filter(wallets::state.eq(active))
            .filter(wallets::service_provider_id.eq(rule.service_provider_id))
            .order(wallets::id)
            .select(wallets::id)
            .load(conn),
        (None, None) => Ok(Vec::new()),
    }
}

/// Whether the rule has run on the wallet for the period starting at `period_start`.
pub fn ran(
    conn: &mut DbConnection,
    rule: i64,
    wallet: i64,
    period_start: i64,
) -> QueryResult<bool> {
    let n: i64 = topup_runs::table
        .filter(topup_runs::rule_id.eq(rule))
        .filter(topup_runs::wallet_id.eq(wallet))
        .filter(topup_runs::period_start.eq(period_start))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Claims the run of `rule` on `wallet` for the period starting at `period_start`: true when
/// this call made the row. `INSERT … ON CONFLICT DO NOTHING` on the unique index (the same
/// text on both engines; the values are integers), so a racing worker neither fails nor
/// doubles.
pub fn claim(
    conn: &mut DbConnection,
    rule: i64,
    wallet: i64,
    period_start: i64,
    now: i64,
) -> QueryResult<bool> {
    let made = diesel::sql_query(format!(
        "INSERT INTO topup_runs (rule_id, wallet_id, period_start, credited, ran_at) \
         VALUES ({rule}, {wallet}, {period_start}, 0, {now}) \
         ON CONFLICT (rule_id, wallet_id, period_start) DO NOTHING"
    ))
    .execute(conn)?;
    Ok(made == 1)
}

/// Records what a run credited and its EDR.
pub fn settle(
    conn: &mut DbConnection,
    rule: i64,
    wallet: i64,
    period_start: i64,
    credited: i64,
    edr_id: Option<i64>,
) -> QueryResult<usize> {
    diesel::update(
        topup_runs::table
            .filter(topup_runs::rule_id.eq(rule))
            .filter(topup_runs::wallet_id.eq(wallet))
            .filter(topup_runs::period_start.eq(period_start)),
    )
    .set((
        topup_runs::credited.eq(credited),
        topup_runs::edr_id.eq(edr_id),
    ))
    .execute(conn)
}

/// The last run of each of `rules` on any of `wallets`: (rule id, ran at, credited).
pub fn last_runs(
    conn: &mut DbConnection,
    rules: &[i64],
    wallets: &[i64],
) -> QueryResult<Vec<(i64, i64, i64)>> {
    let rows: Vec<(i64, i64, i64)> = topup_runs::table
        .filter(topup_runs::rule_id.eq_any(rules))
        .filter(topup_runs::wallet_id.eq_any(wallets))
        .order(topup_runs::id.desc())
        .select((
            topup_runs::rule_id,
            topup_runs::ran_at,
            topup_runs::credited,
        ))
        .load(conn)?;
    let mut out: Vec<(i64, i64, i64)> = Vec::new();
    for r in rows {
        if !out.iter().any(|(id, _, _)| *id == r.0) {
            out.push(r);
        }
    }
    Ok(out)
}

/// The last run of each rule on any wallet: (rule id, ran at).
pub fn last_run_of_rules(conn: &mut DbConnection) -> QueryResult<Vec<(i64, i64)>> {
    topup_runs::table
        .group_by(topup_runs::rule_id)
        .select((topup_runs::rule_id, diesel::dsl::max(topup_runs::ran_at)))
        .load::<(i64, Option<i64>)>(conn)
        .map(|v| {
            v.into_iter()
                .filter_map(|(id, at)| at.map(|a| (id, a)))
                .collect()
        })
}
