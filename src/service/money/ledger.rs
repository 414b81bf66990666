//! What the money operations that move several balances at once share (activation, merge): the
//! totals per balance type before and after, the one EDR made of them, and a credit to a
//! balance's undated bucket. Everything runs inside the caller's transaction.

use crate::db::models::balance::{self, Balance};
use crate::db::models::edr::{self, EdrBalance, NewEdr};
use crate::db::models::ref_data;
use crate::db::models::wallet::Wallet;
use crate::db::models::WalletId;
use crate::db::DbConnection;
use crate::domain::balance::{BucketDates, EdrType};
use diesel::QueryResult;

/// Per balance type of a wallet: (balance type id, counted total, stored sum of buckets).
pub type Snapshot = Vec<(i64, i64, i64)>;

pub fn snapshot(conn: &mut DbConnection, wallet: i64, now: i64) -> QueryResult<Snapshot> {
    Ok(balance::of_wallet(conn, WalletId(wallet))?
        .iter()
        .map(|b: &Balance| (b.balance_type.id, b.total_at(now), b.stored()))
        .collect())
}

/// The parts of an EDR: each balance type whose total or stored sum moved between the two
/// snapshots (a balance missing from one counts as zero there).
pub fn parts(before: &Snapshot, after: &Snapshot) -> Vec<EdrBalance> {
    let mut ids: Vec<i64> = before.iter().chain(after).map(|(id, _, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let find = |s: &Snapshot, id: i64| {
        s.iter()
            .find(|(t, _, _)| *t == id)
            .map(|(_, total, stored)| (*total, *stored))
            .unwrap_or((0, 0))
    };
    ids.into_iter()
        .filter_map(|id| {
            let (bt, bs) = find(before, id);
            let (at, as_) = find(after, id);
            (bt != at || bs != as_).then_some(EdrBalance {
                balance_type_id: id,
                before_total: bt,
                after_total: at,
                cost: bs - as_,
            })
        })
        .collect()
}

/// Who made a change, for its EDR.
pub struct By<'a> {
    pub operator_name: &'a str,
    pub reason: Option<&'a str>,
}

/// Writes one EDR of `edr_type` on wallet `w`; returns its id.
pub fn write_edr(
    conn: &mut DbConnection,
    w: &Wallet,
    edr_type: EdrType,
    subscriber_id: Option<i64>,
    by: &By<'_>,
    now: i64,
    parts: &[EdrBalance],
) -> QueryResult<i64> {
    edr::insert(
        conn,
        &NewEdr {
            edr_type,
            service_provider_id: w.service_provider_id,
            wallet_id: w.id,
            subscriber_id,
            operator_name: Some(by.operator_name.to_string()),
            change_reason: by.reason.map(str::to_string),
            called_number: None,
            duration_s: None,
            created_at: now,
        },
        parts,
    )
}

/// Adds `amount` to the wallet's undated bucket of `balance_type` (made when it has none).
pub fn credit_undated(
    conn: &mut DbConnection,
    wallet: i64,
    balance_type: i64,
    amount: i64,
) -> QueryResult<()> {
    let balance_id = balance::balance_id(conn, WalletId(wallet), balance_type)?;
    let undated = balance::of_wallet(conn, WalletId(wallet))?
        .into_iter()
        .find(|b| b.id == balance_id)
        .and_then(|b| {
            b.buckets
                .into_iter()
                .find(|k| k.starts_at.is_none() && k.expires_at.is_none())
        });
    let none = BucketDates {
        starts_at: None,
        expires_at: None,
    };
    match undated {
        Some(k) => balance::update_bucket(conn, k.id, k.value.saturating_add(amount), none)?,
        None => {
            balance::insert_bucket(conn, balance_id, amount, none)?;
            1
        }
    };
    Ok(())
}

/// The decimals of a wallet's currency (2 when it is unknown).
pub fn decimals(conn: &mut DbConnection, currency_id: i64) -> QueryResult<u32> {
    Ok(ref_data::all_currencies(conn)?
        .into_iter()
        .find(|c| c.id == currency_id)
        .map(|c| c.decimals.max(0) as u32)
        .unwrap_or(2))
}
