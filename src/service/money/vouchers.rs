//! Vouchers: admin batches (count, value, balance type, validity) and the recharge of a wallet
//! with one voucher.
//!
//! A voucher number (14 digits) and its serial number (12 digits) come from the operating
//! system's CSPRNG. The number is stored only as HMAC-SHA-256 under a per-database pepper (32
//! random bytes made on first use, kept in `app_settings`), so a copy of the vouchers table
//! alone does not give the numbers; the serial is stored in clear. The numbers are shown once,
//! on the answer to the batch's creation (the page, or a CSV file sent instead of it), and
//! never again.
//!
//! A recharge holds the wallet row, finds the voucher by its hash, checks it (this provider's,
//! not used, not expired, the serial when the subscriber is blacklisted or one is typed), marks
//! it used with a conditional UPDATE (of two racing recharges one wins), credits its value under
//! the max-balance policy in the wallet's undated bucket, writes a `recharge` EDR and the audit
//! event. Every attempt with a well-formed number goes through
//! `service::subscribers::recharge::record_attempt`, whose three failures in a row blacklist the
//! subscriber; a failed attempt is committed (nothing else changes) and answered as refused.

use crate::auth::CurrentOperator;
use crate::db::models::balance::{self, BalanceType};
use crate::db::models::edr::{self, EdrBalance, NewEdr};
use crate::db::models::voucher::{self, NewVoucherBatch, VoucherBatch};
use crate::db::models::{settings, subscriber, wallet, SubscriberId, WalletId};
use crate::db::{write_transaction, DbConnection};
use crate::domain::balance::{BucketDates, EdrType, MaxPolicy};
use crate::domain::subscriber::{parse_date, ChangeReason};
use crate::domain::{Amount, FormState};
use crate::error::{AppError, AppResult};
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use crate::service::money::balance_types::CASH_DECIMALS;
use crate::service::subscribers::recharge::record_attempt;
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::Rng;
use serde_json::json;
use sha2::Sha256;
use std::collections::HashSet;

/// Digits of a voucher number and of a serial number.
pub const NUMBER_DIGITS: usize = 14;
pub const SERIAL_DIGITS: usize = 12;
/// The most vouchers one batch makes.
pub const MAX_BATCH: i64 = 10_000;
const PEPPER: &str = "voucher_pepper";
const DAY: i64 = 86_400;

/// The per-database pepper, made on first use.
fn pepper(conn: &mut DbConnection) -> AppResult<Vec<u8>> {
    let fresh: String = (0..32)
        .map(|_| format!("{:02x}", OsRng.gen::<u8>()))
        .collect();
    let hex = settings::get_or_insert(conn, PEPPER, &fresh)?;
    Ok(hex.into_bytes())
}

/// The keyed hash a voucher number is stored and found by.
fn hash_number(pepper: &[u8], number: &str) -> AppResult<String> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(pepper)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("voucher pepper: {e}")))?;
    mac.update(number.as_bytes());
    Ok(mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn digits(n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + OsRng.gen_range(0..10u8)))
        .collect()
}

/// A voucher number as typed: spaces and dashes dropped, then exactly 14 digits.
pub fn parse_number(input: &str) -> Result<String, String> {
    let n: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if n.len() == NUMBER_DIGITS && n.bytes().all(|b| b.is_ascii_digit()) {
        Ok(n)
    } else {
        Err(format!("Enter the voucher number: {NUMBER_DIGITS} digits."))
    }
}

/// How a voucher is recorded among the attempts: its last four digits only.
fn attempt_label(number: &str) -> String {
    crate::lists::edrs::mask_number(number)
}

/// The batch form as posted.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct BatchForm {
    pub balance_type_id: String,
    pub count: String,
    pub value: String,
    pub expiry: String,
}

/// A new batch and its vouchers `(number, serial)`, to be shown once.
#[derive(Debug)]
pub enum BatchOutcome {
    Created {
        batch: VoucherBatch,
        code: String,
        vouchers: Vec<(String, String)>,
    },
    Invalid(FormState),
}

/// Makes a batch of vouchers as admin `by` (limited to their provider when they are).
#[tracing::instrument(skip(conn, by, form), fields(operator = %by.username))]
pub fn create_batch(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    form: &BatchForm,
) -> AppResult<BatchOutcome> {
    let mut f = FormState::default();
    for (k, v) in [
        ("balance_type_id", &form.balance_type_id),
        ("count", &form.count),
        ("value", &form.value),
        ("expiry", &form.expiry),
    ] {
        f.set(k, v.trim());
    }
    let bt = match form.balance_type_id.trim().parse::<i64>() {
        Ok(id) => balance::find_type(conn, id)?,
        Err(_) => None,
    }
    .filter(|t| {
        by.service_provider_id
            .is_none_or(|p| p == t.service_provider_id)
    });
    if bt.is_none() {
        f.error("balance_type_id", "Choose a balance type from the list.");
    }
    let count = f.check(
        "count",
        form.count
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_BATCH).contains(n))
            .ok_or_else(|| format!("Enter how many vouchers: 1 to {MAX_BATCH}.")),
    );
    let value = bt.as_ref().and_then(|t| {
        f.check(
            "value",
            Amount::parse_non_negative(&form.value, t.unit, CASH_DECIMALS).and_then(|a| {
                if a.minor() > 0 {
                    Ok(a)
                } else {
                    Err("Enter a value above zero.".into())
                }
            }),
        )
    });
    let today = crate::db::now() - crate::db::now().rem_euclid(DAY);
    let expiry = f.check(
        "expiry",
        parse_date(&form.expiry).and_then(|d| {
            if d < today {
                Err("The validity end date has passed; choose today or later.".into())
            } else {
                Ok(d + DAY)
            }
        }),
    );
    let (Some(bt), Some(count), Some(value), Some(expires_at), false) =
        (bt, count, value, expiry, f.has_errors())
    else {
        return Ok(BatchOutcome::Invalid(f));
    };
    // Fresh numbers and serials, none twice in the batch.
    let (mut numbers, mut serials) = (HashSet::new(), HashSet::new());
    let mut vouchers = Vec::with_capacity(count as usize);
    while vouchers.len() < count as usize {
        let (n, s) = (digits(NUMBER_DIGITS), digits(SERIAL_DIGITS));
        if numbers.insert(n.clone()) && serials.insert(s.clone()) {
            vouchers.push((n, s));
        }
    }
    let made = write_transaction(conn, |conn| {
        let pepper = pepper(conn)?;
        let batch = voucher::insert_batch(
            conn,
            &NewVoucherBatch {
                service_provider_id: bt.service_provider_id,
                balance_type_id: bt.id,
                value: value.minor(),
                expires_at,
                count: count as i32,
                created_by: by.username.clone(),
                created_at: crate::db::now(),
            },
        )?;
        let stored: Vec<(String, String)> = vouchers
            .iter()
            .map(|(n, s)| Ok((hash_number(&pepper, n)?, s.clone())))
            .collect::<AppResult<_>>()?;
        voucher::insert_vouchers(conn, batch.id, &stored)?;
        AuditEvent::created(ObjectKind::VoucherBatch, batch.id, &batch).write(conn, &by.actor())?;
        Ok::<_, AppError>(batch)
    });
    match made {
        Ok(batch) => Ok(BatchOutcome::Created {
            batch,
            code: bt.code,
            vouchers,
        }),
        // A number or serial another batch holds (about one in 10^10 per voucher): try again.
        Err(AppError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => {
            f.error(
                "count",
                "A generated number clashed with an existing voucher; nothing was made. Please try again.",
            );
            Ok(BatchOutcome::Invalid(f))
        }
        Err(e) => Err(e),
    }
}

/// What the vouchers page lists: each batch with its used count, and the balance types.
#[derive(Debug)]
pub struct Batches {
    pub batches: Vec<(VoucherBatch, i64)>,
    pub types: Vec<BalanceType>,
}

/// The batches the admin may see, each with its used count, and the balance types.
#[tracing::instrument(skip(conn))]
pub fn batches(conn: &mut DbConnection, scope: Option<i64>) -> AppResult<Batches> {
    Ok(Batches {
        batches: voucher::batches(conn, scope)?,
        types: balance::types(conn, scope)?,
    })
}

/// Who recharges.
#[derive(Debug, Clone, Copy)]
pub enum RechargeBy<'a> {
    /// An operator on the subscriber's screen, with the change reason typed.
    Operator {
        op: &'a CurrentOperator,
        change_reason: &'a str,
    },
    /// A client of the charging API (`actor` as the audit log names it).
    Api { actor: &'a str },
}

impl RechargeBy<'_> {
    fn actor(&self) -> String {
        match self {
            RechargeBy::Operator { op, .. } => op.actor(),
            RechargeBy::Api { actor } => actor.to_string(),
        }
    }
}

/// Why a recharge was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RechargeRefusal {
    /// Not a voucher number at all (not counted as an attempt).
    Malformed(String),
    /// The change reason is missing or too long while financial changes are audited.
    ReasonNeeded(String),
    /// No such voucher for this provider.
    BadVoucher,
    Used,
    Expired,
    /// The subscriber is blacklisted and the serial number is missing or wrong (or a serial
    /// was typed that is not the voucher's).
    SerialNeeded,
    /// This failure was the third in a row: the subscriber is blacklisted now.
    BlacklistedNow,
    /// The balance type's maximum refuses the credit (reject policy, or limit at the maximum).
    OverMaximum,
}

impl RechargeRefusal {
    /// The field a form shows the message at, and the message.
    pub fn message(&self) -> (&'static str, String) {
        match self {
            RechargeRefusal::Malformed(m) => ("voucher_number", m.clone()),
            RechargeRefusal::ReasonNeeded(m) => ("change_reason", m.clone()),
            RechargeRefusal::BadVoucher => (
                "voucher_number",
                "There is no such voucher; check the number.".into(),
            ),
            RechargeRefusal::Used => ("voucher_number", "This voucher has been used.".into()),
            RechargeRefusal::Expired => ("voucher_number", "This voucher has expired.".into()),
            RechargeRefusal::SerialNeeded => (
                "serial_number",
                "The subscriber is blacklisted: enter the voucher's serial number (it must match).".into(),
            ),
            RechargeRefusal::BlacklistedNow => (
                "voucher_number",
                "The recharge failed; after three failures in a row the subscriber is blacklisted, and a recharge now also needs the serial number.".into(),
            ),
            RechargeRefusal::OverMaximum => (
                "voucher_number",
                "The balance is at its maximum for this voucher's value; nothing was changed.".into(),
            ),
        }
    }
}

/// How a recharge ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RechargeOutcome {
    Recharged {
        edr_id: i64,
        /// What was credited (minor units / seconds / units; less than the voucher's value when
        /// the maximum cut it).
        credited: i64,
        subscriber_id: Option<i64>,
    },
    Refused {
        why: RechargeRefusal,
        subscriber_id: Option<i64>,
    },
}

/// Recharges wallet `wallet` of provider `provider` (`None`: any) with a voucher.
/// `serial_number` may be blank. 404 when the wallet is not there for this provider.
#[tracing::instrument(skip(conn, voucher_number, serial_number, by))]
pub fn recharge(
    conn: &mut DbConnection,
    provider: Option<i64>,
    wallet_id: WalletId,
    voucher_number: &str,
    serial_number: &str,
    by: RechargeBy<'_>,
) -> AppResult<RechargeOutcome> {
    let w = wallet::find(conn, wallet_id)?
        .filter(|w| provider.is_none_or(|p| p == w.service_provider_id))
        .ok_or(AppError::NotFound)?;
    let subscriber_id = wallet::holder_ids(conn, w.id)?.first().copied();
    let refused = |why| Ok(RechargeOutcome::Refused { why, subscriber_id });
    let number = match parse_number(voucher_number) {
        Ok(n) => n,
        Err(m) => return refused(RechargeRefusal::Malformed(m)),
    };
    let serial = serial_number.trim().to_string();
    let reason = match by {
        RechargeBy::Operator { change_reason, .. } => {
            if settings::audit_financial_changes(conn)? || !change_reason.trim().is_empty() {
                match ChangeReason::parse(change_reason) {
                    Ok(r) => Some(r.into_inner()),
                    Err(m) => return refused(RechargeRefusal::ReasonNeeded(m)),
                }
            } else {
                None
            }
        }
        RechargeBy::Api { .. } => None,
    };
    let actor = by.actor();
    let pepper = write_transaction(conn, pepper)?;
    let hash = hash_number(&pepper, &number)?;
    write_transaction(conn, |conn| {
        if !balance::lock_wallet(conn, WalletId(w.id))? {
            return Err(AppError::NotFound);
        }
        let now = crate::db::now();
        let blacklisted = match subscriber_id {
            Some(s) => subscriber::find(conn, SubscriberId(s))?.is_some_and(|s| s.blacklisted),
            None => false,
        };
        // Each failure is recorded (and may blacklist) before it is answered.
        let fail = |conn: &mut DbConnection, why: RechargeRefusal| -> AppResult<RechargeOutcome> {
            let now_blacklisted = match subscriber_id {
                Some(s) => record_attempt(
                    conn,
                    SubscriberId(s),
                    &attempt_label(&number),
                    false,
                    &actor,
                )?,
                None => false,
            };
            let why = if now_blacklisted {
                RechargeRefusal::BlacklistedNow
            } else {
                why
            };
            Ok(RechargeOutcome::Refused { why, subscriber_id })
        };
        let found = voucher::find_by_hash(conn, &hash)?
            .filter(|(_, b)| b.service_provider_id == w.service_provider_id);
        let Some((v, batch)) = found else {
            return fail(conn, RechargeRefusal::BadVoucher);
        };
        if (blacklisted || !serial.is_empty()) && serial != v.serial_number {
            return fail(conn, RechargeRefusal::SerialNeeded);
        }
        if v.used_at.is_some() {
            return fail(conn, RechargeRefusal::Used);
        }
        if batch.expires_at <= now {
            return fail(conn, RechargeRefusal::Expired);
        }
        let Some(bt) = balance::find_type(conn, batch.balance_type_id)? else {
            return fail(conn, RechargeRefusal::BadVoucher);
        };
        let balances = balance::of_wallet(conn, WalletId(w.id))?;
        let current = balances.iter().find(|b| b.balance_type.id == bt.id);
        let before_total = current.map(|b| b.total_at(now)).unwrap_or(0);
        let before_stored = current.map(|b| b.stored()).unwrap_or(0);
        let Some(credit) = capped(&bt, before_total, batch.value) else {
            return fail(conn, RechargeRefusal::OverMaximum);
        };
        if !voucher::mark_used(conn, v.id, w.id, now)? {
            return fail(conn, RechargeRefusal::Used);
        }
        let undated = current.and_then(|b| {
            b.buckets
                .iter()
                .find(|k| k.starts_at.is_none() && k.expires_at.is_none())
        });
        let dates = BucketDates {
            starts_at: None,
            expires_at: None,
        };
        match undated {
            Some(k) => {
                let value = k.value.checked_add(credit).ok_or_else(|| {
                    AppError::Refused("The balance would go beyond its largest amount.".into())
                })?;
                balance::update_bucket(conn, k.id, value, dates)?;
            }
            None => {
                let balance_id = balance::balance_id(conn, WalletId(w.id), bt.id)?;
                balance::insert_bucket(conn, balance_id, credit, dates)?;
            }
        }
        let after = balance::of_wallet(conn, WalletId(w.id))?;
        let after = after.iter().find(|b| b.balance_type.id == bt.id);
        let after_total = after.map(|b| b.total_at(now)).unwrap_or(0);
        let after_stored = after.map(|b| b.stored()).unwrap_or(0);
        let operator_name = match by {
            RechargeBy::Operator { op, .. } => Some(op.username.clone()),
            RechargeBy::Api { .. } => None,
        };
        let edr_id = edr::insert(
            conn,
            &NewEdr {
                edr_type: EdrType::Recharge,
                service_provider_id: w.service_provider_id,
                wallet_id: w.id,
                subscriber_id,
                operator_name: operator_name.clone(),
                change_reason: reason.clone(),
                called_number: None,
                duration_s: None,
                created_at: now,
            },
            &[EdrBalance {
                balance_type_id: bt.id,
                before_total,
                after_total,
                cost: before_stored - after_stored,
            }],
        )?;
        voucher::set_used_edr(conn, v.id, edr_id)?;
        if let Some(s) = subscriber_id {
            record_attempt(conn, SubscriberId(s), &attempt_label(&number), true, &actor)?;
        }
        AuditEvent::new(ObjectKind::Wallet, w.id, Action::Recharge)
            .before_value(json!({ "balance_type": bt.code, "total": before_total }))
            .after_value(json!({
                "balance_type": bt.code,
                "total": after_total,
                "voucher_batch": batch.id,
                "serial_number": v.serial_number,
                "credited": credit,
                "edr_id": edr_id,
            }))
            .reason(reason.clone())
            .write(conn, &actor)?;
        // A recharge of a tracker balance may reach a promotion's threshold.
        super::promotions::award_due(
            conn,
            &w,
            subscriber_id,
            &super::promotions::Who {
                operator_name: operator_name.as_deref(),
                actor: &actor,
            },
            now,
        )?;
        Ok(RechargeOutcome::Recharged {
            edr_id,
            credited: credit,
            subscriber_id,
        })
    })
}

/// A credit of `value` on a counted total of `total` under the balance type's maximum: cut to
/// what fits (limit), or `None` when it is refused (reject, or no room at all).
fn capped(bt: &BalanceType, total: i64, value: i64) -> Option<i64> {
    let Some(max) = bt.max_value else {
        return Some(value);
    };
    if total + value <= max {
        return Some(value);
    }
    let room = (max - total).max(0);
    match bt.max_policy {
        MaxPolicy::Reject => None,
        MaxPolicy::Limit if room == 0 => None,
        MaxPolicy::Limit => Some(room),
    }
}

/// Recharge with a voucher from the operator's form (`POST /wallets/{id}/recharges`).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct RechargeForm {
    pub voucher_number: String,
    pub serial_number: String,
    pub change_reason: String,
    /// The subscriber whose screen the form was on.
    pub subscriber_id: String,
}

impl RechargeForm {
    /// The form with the refusal's message (the voucher number is not typed back).
    pub fn refused(&self, wallet: i64, why: &RechargeRefusal) -> FormState {
        let mut f = FormState::default();
        f.set("serial_number", self.serial_number.trim());
        f.set("change_reason", self.change_reason.trim());
        f.set("form_of", format!("{wallet}:recharge"));
        let (field, message) = why.message();
        f.error(field, message);
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voucher_numbers_are_fourteen_digits() {
        assert_eq!(
            parse_number("1234 5678-9012 34"),
            Ok("12345678901234".into())
        );
        assert!(parse_number("1234567890123").is_err());
        assert!(parse_number("1234567890123x").is_err());
        assert_eq!(digits(NUMBER_DIGITS).len(), NUMBER_DIGITS);
    }

    #[test]
    fn the_hash_is_keyed() {
        let a = hash_number(b"one", "12345678901234").unwrap();
        let b = hash_number(b"two", "12345678901234").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(a, hash_number(b"one", "12345678901234").unwrap());
    }
}
