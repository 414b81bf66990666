//! Charging a balance: how far a balance may fall (the floor of the wallet's limit type), and
//! the one debit of buckets every charge uses (a committed reservation, a direct charge, a
//! reservation deleted with its charge). Runs inside the caller's transaction, which holds the
//! wallet's row.

use crate::db::models::balance::{self, Balance, BalanceType};
use crate::db::models::edr::EdrBalance;
use crate::db::models::wallet::Wallet;
use crate::db::models::WalletId;
use crate::db::DbConnection;
use crate::domain::balance::BucketDates;
use crate::domain::money::MAX_MINOR;
use crate::domain::subscriber::LimitType;
use diesel::QueryResult;

/// The lowest a balance may go by a charge: zero, except the general cash balance of a
/// postpaid wallet (no floor) or a limited postpaid one (down to minus its minimum credit).
pub fn floor(w: &Wallet, bt: &BalanceType) -> i64 {
    if !bt.is_default {
        return 0;
    }
    match w.limit_type {
        LimitType::Postpaid => -MAX_MINOR,
        LimitType::LimitedPostpaid => -w.min_credit_minor.unwrap_or(0).abs(),
        LimitType::Prepaid | LimitType::SingleUse => 0,
    }
}

/// Takes `amount` (> 0) off the balance: the counted buckets with value first, the soonest
/// expiring first (undated last); what they do not cover comes off the undated bucket (made
/// when missing), which then goes below zero — the caller checked the floor. Returns the EDR
/// part (totals before and after, cost = the fall of the sum of bucket values).
pub fn debit(
    conn: &mut DbConnection,
    wallet: WalletId,
    bt: &BalanceType,
    current: Option<&Balance>,
    amount: i64,
    now: i64,
) -> QueryResult<EdrBalance> {
    let before_total = current.map(|b| b.total_at(now)).unwrap_or(0);
    let mut counted: Vec<_> = current
        .map(|b| {
            b.buckets
                .iter()
                .filter(|k| k.value > 0 && k.dates().counts_at(now))
                .collect()
        })
        .unwrap_or_default();
    counted.sort_by_key(|k| (k.expires_at.is_none(), k.expires_at, k.id));
    let mut left = amount;
    for k in counted {
        if left == 0 {
            break;
        }
        let take = k.value.min(left);
        balance::set_bucket_value(conn, k.id, k.value - take)?;
        left -= take;
    }
    if left > 0 {
        let undated = current.and_then(|b| {
            b.buckets
                .iter()
                .find(|k| k.starts_at.is_none() && k.expires_at.is_none())
        });
        match undated {
            Some(k) => {
                // The loop above took its positive value already, if any.
                let now_value = if k.value > 0 { 0 } else { k.value };
                balance::set_bucket_value(conn, k.id, now_value - left)?;
            }
            None => {
                let id = balance::balance_id(conn, wallet, bt.id)?;
                balance::insert_bucket(
                    conn,
                    id,
                    -left,
                    BucketDates {
                        starts_at: None,
                        expires_at: None,
                    },
                )?;
            }
        }
    }
    Ok(EdrBalance {
        balance_type_id: bt.id,
        before_total,
        after_total: before_total - amount,
        cost: amount,
    })
}
