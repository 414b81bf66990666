//! What the Balances panel shows for each wallet: its balances with total, available and
//! reserved, their buckets, the balance types it may use, this operator's allowed ranges, the
//! display currency with its rate, and each balance's history over the last 90 days.

use super::history::{self, Series};
use super::limits::wallet_ranges;
use crate::db::models::balance::{self, Balance, BalanceType, Limit};
use crate::db::models::exchange_rate;
use crate::db::models::ref_data::Currency;
use crate::db::models::wallet::{HeldWallet, WalletCustomer};
use crate::db::models::WalletId;
use crate::db::DbConnection;
use crate::domain::exchange::Rate;
use diesel::QueryResult;

/// One wallet's money.
#[derive(Debug, Clone)]
pub struct WalletMoney {
    pub wallet_id: i64,
    /// The wallet currency's decimals and code (cash amounts).
    pub decimals: u32,
    pub currency: String,
    pub balances: Vec<Balance>,
    /// The balance types of the wallet's provider.
    pub types: Vec<BalanceType>,
    /// The adjustment range per balance type (`None`: no limit set).
    pub ranges: Vec<(i64, Option<Limit>)>,
    /// When the totals were counted.
    pub now: i64,
    /// The display currency, when it is not the wallet currency.
    pub display: Option<DisplayCurrency>,
    /// The history of each balance type that changed in the last 90 days.
    pub history: Vec<Series>,
    /// What open reservations hold now: (balance type id, amount), one entry per reservation.
    pub held: Vec<(i64, i64)>,
    /// The open reservations, then the newest ended ones.
    pub reservations: Vec<crate::db::models::reservation::Reservation>,
}

/// A wallet's display currency and the rate from the wallet currency to it.
#[derive(Debug, Clone)]
pub struct DisplayCurrency {
    pub code: String,
    pub decimals: u32,
    /// `None`: no rate is set for this pair.
    pub rate: Option<Rate>,
}

impl WalletMoney {
    /// A cash amount of the wallet currency in the display currency (`None`: no rate, or out
    /// of range).
    pub fn in_display(&self, minor: i64) -> Option<i64> {
        let d = self.display.as_ref()?;
        d.rate?.convert(minor, self.decimals, d.decimals)
    }
}

impl WalletMoney {
    /// What open reservations hold of balance type `type_id`.
    pub fn reserved(&self, type_id: i64) -> i64 {
        self.held
            .iter()
            .filter(|(t, _)| *t == type_id)
            .map(|(_, a)| *a)
            .sum()
    }
}

/// Reservations the panel lists per wallet at most.
const RESERVATIONS_SHOWN: i64 = 50;

pub fn wallets_money(
    conn: &mut DbConnection,
    operator: i64,
    wallets: &[(HeldWallet, Option<WalletCustomer>)],
    currencies: &[Currency],
) -> QueryResult<Vec<WalletMoney>> {
    let now = crate::db::now();
    let mut out = Vec::with_capacity(wallets.len());
    for (held, _) in wallets {
        let w = &held.wallet;
        let currency = currencies.iter().find(|c| c.id == w.currency_id);
        let decimals = |c: &Currency| c.decimals.max(0) as u32;
        let display = match currencies.iter().find(|c| c.id == w.display_currency_id) {
            Some(d) if w.display_currency_id != w.currency_id => Some(DisplayCurrency {
                code: d.code.clone(),
                decimals: decimals(d),
                rate: exchange_rate::of_pair(conn, w.currency_id, w.display_currency_id)?
                    .and_then(|r| r.rate()),
            }),
            _ => None,
        };
        let types = balance::types(conn, Some(w.service_provider_id))?;
        let ranges = wallet_ranges(conn, operator, w.product_type_id, &types)?;
        out.push(WalletMoney {
            wallet_id: w.id,
            decimals: currency.map(decimals).unwrap_or(2),
            currency: currency.map(|c| c.code.clone()).unwrap_or_default(),
            balances: balance::of_wallet(conn, WalletId(w.id))?,
            types,
            ranges,
            now,
            display,
            history: history::of_wallet(conn, w.id, now)?,
            held: crate::db::models::reservation::held(conn, w.id, now)?,
            reservations: crate::db::models::reservation::of_wallet(
                conn,
                w.id,
                RESERVATIONS_SHOWN,
            )?,
        });
    }
    Ok(out)
}
