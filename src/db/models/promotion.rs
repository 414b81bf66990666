//! `promotions` and `promotion_awards`: tracker promotions per provider (a tracker balance
//! reaching a threshold earns a reward once) and the award rows that make "once" hold: one row
//! per wallet and promotion, unique, claimed by its insert.

use crate::db::schema::{promotion_awards, promotions};
use crate::db::DbConnection;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = promotions)]
pub struct Promotion {
    pub id: i64,
    pub service_provider_id: i64,
    pub name: String,
    pub tracker_balance_type_id: i64,
    pub threshold: i64,
    pub reward_balance_type_id: i64,
    pub reward: i64,
    /// How many days a reward bucket counts (none: it does not expire).
    pub validity_days: Option<i32>,
    /// When the promotion ends (none: it runs on).
    pub ends_at: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
}

impl Promotion {
    /// Whether the promotion still rewards at `now`.
    pub fn running_at(&self, now: i64) -> bool {
        self.ends_at.is_none_or(|e| now < e)
    }
}

#[derive(Debug, Clone, Insertable, Serialize)]
#[diesel(table_name = promotions)]
pub struct NewPromotion {
    pub service_provider_id: i64,
    pub name: String,
    pub tracker_balance_type_id: i64,
    pub threshold: i64,
    pub reward_balance_type_id: i64,
    pub reward: i64,
    pub validity_days: Option<i32>,
    pub ends_at: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
}

pub fn insert(conn: &mut DbConnection, new: &NewPromotion) -> QueryResult<Promotion> {
    let id: i64 = diesel::insert_into(promotions::table)
        .values(new.clone())
        .returning(promotions::id)
        .get_result(conn)?;
    promotions::table
        .find(id)
        .select(Promotion::as_select())
        .first(conn)
}

/// Promotions of one provider (`None`: of all), newest first.
pub fn all(conn: &mut DbConnection, provider: Option<i64>) -> QueryResult<Vec<Promotion>> {
    let mut q = promotions::table
        .select(Promotion::as_select())
        .order(promotions::id.desc())
        .into_boxed();
    if let Some(p) = provider {
        q = q.filter(promotions::service_provider_id.eq(p));
    }
    q.load(conn)
}

/// The promotions whose tracker is one of `tracker_types`.
pub fn tracking(conn: &mut DbConnection, tracker_types: &[i64]) -> QueryResult<Vec<Promotion>> {
    promotions::table
        .filter(promotions::tracker_balance_type_id.eq_any(tracker_types))
        .order(promotions::id)
        .select(Promotion::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = promotion_awards)]
pub struct Award {
    pub id: i64,
    pub promotion_id: i64,
    pub wallet_id: i64,
    pub credited: i64,
    pub edr_id: Option<i64>,
    pub awarded_at: i64,
}

/// Claims the award of `promotion` for `wallet`: `Some(id)` when this call made the row,
/// `None` when one was there already (whoever made it). The unique index decides, through
/// `INSERT … ON CONFLICT DO NOTHING` (the same text on both engines; the values are integers),
/// so a racing claim neither fails nor doubles.
pub fn claim(
    conn: &mut DbConnection,
    promotion: i64,
    wallet: i64,
    now: i64,
) -> QueryResult<Option<i64>> {
    let made = diesel::sql_query(format!(
        "INSERT INTO promotion_awards (promotion_id, wallet_id, credited, awarded_at) \
         VALUES ({promotion}, {wallet}, 0, {now}) ON CONFLICT (wallet_id, promotion_id) DO NOTHING"
    ))
    .execute(conn)?;
    if made == 0 {
        return Ok(None);
    }
    promotion_awards::table
        .filter(promotion_awards::wallet_id.eq(wallet))
        .filter(promotion_awards::promotion_id.eq(promotion))
        .select(promotion_awards::id)
        .first(conn)
        .map(Some)
}

/// Records what an award credited and its EDR.
pub fn settle(
    conn: &mut DbConnection,
    award: i64,
    credited: i64,
    edr_id: Option<i64>,
) -> QueryResult<usize> {
    diesel::update(promotion_awards::table.find(award))
        .set((
            promotion_awards::credited.eq(credited),
            promotion_awards::edr_id.eq(edr_id),
        ))
        .execute(conn)
}

/// The awards of a wallet.
pub fn of_wallet(conn: &mut DbConnection, wallet: i64) -> QueryResult<Vec<Award>> {
    promotion_awards::table
        .filter(promotion_awards::wallet_id.eq(wallet))
        .order(promotion_awards::id)
        .select(Award::as_select())
        .load(conn)
}
