//! What the edit screen's Promotions, Credit cards and Top-up rules panels show, read with the
//! rest of the screen (`edit_data`).

use crate::db::models::credit_card::CreditCard;
use crate::db::models::wallet::Wallet;
use crate::db::DbConnection;
use crate::service::money::promotions::{self, PromotionLine};
use crate::service::money::topups::{self, RuleLine};
use diesel::QueryResult;

pub struct PromoPanels {
    pub promotions: Vec<PromotionLine>,
    pub cards: Vec<CreditCard>,
    /// The most cards a subscriber may have registered.
    pub card_limit: i64,
    pub topups: Vec<RuleLine>,
}

pub fn load(
    conn: &mut DbConnection,
    subscriber_id: i64,
    wallets: &[Wallet],
) -> QueryResult<PromoPanels> {
    let now = crate::db::now();
    let (cards, card_limit) = super::cards::of_subscriber(conn, subscriber_id)?;
    Ok(PromoPanels {
        promotions: promotions::panel(conn, wallets, now)?,
        cards,
        card_limit,
        topups: topups::panel(conn, subscriber_id, wallets)?,
    })
}
