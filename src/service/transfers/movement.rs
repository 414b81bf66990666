//! The balance moves a credit transfer and a BPL task share, inside the caller's transaction
//! (which holds the wallet's row): a debit covered by what is available, a credit under the
//! balance type's max-balance policy, dated buckets and the wallet's expiry moved on, and a
//! product type swap.

use crate::db::models::balance::{self, BalanceType};
use crate::db::models::reservation;
use crate::db::models::wallet::{self, Wallet, WalletUpdate};
use crate::db::models::WalletId;
use crate::db::DbConnection;
use crate::domain::balance::{BucketDates, MaxPolicy};
use crate::domain::subscriber::WalletState;
use crate::domain::Amount;
use crate::service::money::{debit, ledger};
use diesel::QueryResult;

const DAY: i64 = 86_400;

/// Takes `amount` (≥ 0) of `bt` off wallet `w` when what is available (the counted total less
/// open reservations) covers it down to the wallet's floor; `Ok(Err(message))` otherwise.
pub fn charge(
    conn: &mut DbConnection,
    w: &Wallet,
    bt: &BalanceType,
    amount: i64,
    now: i64,
) -> QueryResult<Result<(), String>> {
    if amount <= 0 {
        return Ok(Ok(()));
    }
    let current = balance::one(conn, WalletId(w.id), bt)?;
    let reserved: i64 = reservation::held(conn, w.id, now)?
        .iter()
        .filter(|(t, _)| *t == bt.id)
        .map(|(_, a)| *a)
        .sum();
    let total = current.as_ref().map(|b| b.total_at(now)).unwrap_or(0);
    let available = total - reserved;
    if available - amount < debit::floor(w, bt) {
        let decimals = ledger::decimals(conn, w.currency_id)?;
        let show = |a: i64| Amount::from_minor(a).show(bt.unit, decimals);
        return Ok(Err(format!(
            "Wallet {} has {} of {} available, not enough for {}; nothing was changed.",
            w.wallet_ref,
            show(available),
            bt.code,
            show(amount)
        )));
    }
    debit::debit(conn, WalletId(w.id), bt, current.as_ref(), amount, now)?;
    Ok(Ok(()))
}

/// Credits `amount` (> 0) of `bt` to wallet `w`'s undated bucket under the max-balance policy:
/// cut to what fits (limit) or refused whole (reject). Returns what was credited.
pub fn credit(
    conn: &mut DbConnection,
    w: &Wallet,
    bt: &BalanceType,
    amount: i64,
    now: i64,
) -> QueryResult<Result<i64, String>> {
    if amount <= 0 {
        return Ok(Ok(0));
    }
    let total = balance::one(conn, WalletId(w.id), bt)?
        .map(|b| b.total_at(now))
        .unwrap_or(0);
    let credited = match bt.max_value {
        Some(max) if total + amount > max => match bt.max_policy {
            MaxPolicy::Limit => (max - total).max(0),
            MaxPolicy::Reject => {
                let decimals = ledger::decimals(conn, w.currency_id)?;
                return Ok(Err(format!(
                    "The {} balance of wallet {} would go beyond its maximum of {}; nothing was \
                     changed.",
                    bt.code,
                    w.wallet_ref,
                    Amount::from_minor(max).show(bt.unit, decimals)
                )));
            }
        },
        _ => amount,
    };
    if credited > 0 {
        ledger::credit_undated(conn, w.id, bt.id, credited)?;
    }
    Ok(Ok(credited))
}

/// Moves the expiry of every dated bucket of `bt` on wallet `w` on by `days`.
pub fn extend_buckets(
    conn: &mut DbConnection,
    w: &Wallet,
    balance_type_id: i64,
    days: i32,
) -> QueryResult<()> {
    if days <= 0 {
        return Ok(());
    }
    let balances = balance::of_wallet(conn, WalletId(w.id))?;
    for b in balances
        .iter()
        .filter(|b| b.balance_type.id == balance_type_id)
    {
        for k in &b.buckets {
            if let Some(at) = k.expires_at {
                let dates = BucketDates {
                    starts_at: k.starts_at,
                    expires_at: Some(at + i64::from(days) * DAY),
                };
                balance::update_bucket(conn, k.id, k.value, dates)?;
            }
        }
    }
    Ok(())
}

/// The wallet's expiry moved on by `days` (from now when it has passed); a wallet without an
/// expiry keeps none. Returns the new expiry.
pub fn extend_wallet(
    conn: &mut DbConnection,
    w: &Wallet,
    days: i32,
    now: i64,
) -> QueryResult<Option<i64>> {
    let Some(at) = w.expires_at.filter(|_| days > 0) else {
        return Ok(w.expires_at);
    };
    let new = at.max(now) + i64::from(days) * DAY;
    wallet::set_state_and_expiry(conn, w.id, w.state, Some(new))?;
    Ok(Some(new))
}

/// Sets the wallet's state (moving its version on).
pub fn set_state(conn: &mut DbConnection, w: &Wallet, state: WalletState) -> QueryResult<()> {
    wallet::set_state_and_expiry(conn, w.id, state, w.expires_at)?;
    Ok(())
}

/// Swaps the wallet's product type (recorded as a product swap, not billed); `false` when
/// someone changed the wallet in between (the caller holds its row, so only a bug gets here).
pub fn swap_product(
    conn: &mut DbConnection,
    w: &Wallet,
    to: i64,
    actor: &str,
) -> QueryResult<bool> {
    if w.product_type_id == to {
        return Ok(true);
    }
    let Some(fresh) = wallet::find(conn, WalletId(w.id))? else {
        return Ok(false);
    };
    let update = WalletUpdate {
        product_type_id: to,
        ..WalletUpdate::from_row(&fresh)
    };
    if wallet::update(conn, w.id, fresh.version, &update)?.is_none() {
        return Ok(false);
    }
    wallet::record_product_swap(conn, w.id, fresh.product_type_id, to, false, actor)?;
    Ok(true)
}
