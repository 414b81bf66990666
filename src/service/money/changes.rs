//! Every change of a wallet's balance by an operator: an adjustment within limits, a bucket
//! added, changed or deleted. Each runs in one transaction that first holds the wallet's row
//! (so concurrent changes queue and none is lost), checks the rules (limits, the max-balance
//! policy, credit, bucket dates, the change reason while financial changes are audited), changes
//! the buckets, and writes one EDR and the audit event. A refusal changes nothing.

use super::MoneyOutcome;
use crate::auth::CurrentOperator;
use crate::db::models::balance::{self, Balance, BalanceType, Bucket};
use crate::db::models::edr::{self, EdrBalance, NewEdr};
use crate::db::models::ref_data;
use crate::db::models::settings;
use crate::db::models::wallet::{self, Wallet};
use crate::db::models::WalletId;
use crate::db::{write_transaction, DbConnection};
use crate::domain::balance::{BucketDates, EdrType, MaxPolicy};
use crate::domain::subscriber::{parse_date, ChangeReason};
use crate::domain::{Amount, FormState};
use crate::error::{AppError, AppResult};
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use serde::Deserialize;

/// The money forms as posted; each form sends the fields it has.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct MoneyForm {
    pub balance_type_id: String,
    pub amount: String,
    pub value: String,
    pub expiry: String,
    pub offset: String,
    pub change_reason: String,
    /// The subscriber whose screen the form was on (to go back to it); the edit screen's own
    /// form sends it as `screen_subscriber` (its `subscriber_id` is the CLI).
    pub subscriber_id: String,
    pub screen_subscriber: String,
    /// The wallet's version the screen showed; blank: not checked.
    pub wallet_version: String,
    /// Set by the "Add a balance" form (a bucket of a balance type the wallet lacks).
    pub new_balance: String,
}

impl MoneyForm {
    fn screen(&self) -> &str {
        if self.screen_subscriber.trim().is_empty() {
            &self.subscriber_id
        } else {
            &self.screen_subscriber
        }
    }
}

/// Which change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Adjust,
    AddBucket,
    EditBucket(i64),
    DeleteBucket(i64),
}

impl Op {
    /// The key of the form on the screen (`{wallet}:{form}`), so a refusal shows on it.
    pub fn form_key(self, wallet: i64) -> String {
        match self {
            Op::Adjust => format!("{wallet}:adjust"),
            Op::AddBucket => format!("{wallet}:bucket"),
            Op::EditBucket(b) | Op::DeleteBucket(b) => format!("{wallet}:bucket-{b}"),
        }
    }
}

/// Why nothing was changed: a field and its message.
pub(super) struct Refusal(pub &'static str, pub String);

impl From<diesel::result::Error> for Fail {
    fn from(e: diesel::result::Error) -> Self {
        Fail::App(AppError::Db(e))
    }
}

pub(super) enum Fail {
    Refused(Refusal),
    App(AppError),
}

pub(super) fn refuse<T>(field: &'static str, message: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Refused(Refusal(field, message.into())))
}

/// Applies `op` to wallet `wallet` for `op_by` (404 when the wallet is not theirs to see).
#[tracing::instrument(skip(conn, by, form), fields(operator = %by.username))]
pub fn apply(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    wallet: WalletId,
    op: Op,
    form: &MoneyForm,
) -> AppResult<MoneyOutcome> {
    let w = wallet::find(conn, wallet)?
        .filter(|w| {
            by.service_provider_id
                .is_none_or(|p| p == w.service_provider_id)
        })
        .ok_or(AppError::NotFound)?;
    let holders = wallet::holder_ids(conn, w.id)?;
    let subscriber_id = form
        .screen()
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|s| holders.contains(s))
        .or_else(|| holders.first().copied())
        .ok_or(AppError::NotFound)?;
    let result = write_transaction(conn, |conn| change(conn, by, &w, subscriber_id, op, form));
    match result {
        Ok(()) => Ok(MoneyOutcome::Done { subscriber_id }),
        Err(Fail::Refused(Refusal(field, message))) => {
            let field = if field == "wallet_version" {
                main_field(op)
            } else {
                field
            };
            let mut f = FormState::default();
            for (k, v) in [
                ("balance_type_id", &form.balance_type_id),
                ("amount", &form.amount),
                ("value", &form.value),
                ("expiry", &form.expiry),
                ("offset", &form.offset),
                ("change_reason", &form.change_reason),
            ] {
                f.set(k, v.trim());
            }
            if op == Op::AddBucket && !form.new_balance.trim().is_empty() {
                f.set("form_of", format!("{}:balance", w.id));
            } else {
                f.set("form_of", op.form_key(w.id));
            }
            f.error(field, message);
            Ok(MoneyOutcome::Refused {
                subscriber_id,
                form: f,
            })
        }
        Err(Fail::App(e)) => Err(e),
    }
}

/// The field a refusal about the whole form shows at.
fn main_field(op: Op) -> &'static str {
    if op == Op::Adjust {
        "amount"
    } else {
        "value"
    }
}

/// Applies `op` inside the caller's transaction (Save & execute): `Ok(Err((field, message)))`
/// when a rule refused it, and the caller rolls back whatever else it wrote.
pub fn apply_within(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    wallet: WalletId,
    subscriber_id: i64,
    op: Op,
    form: &MoneyForm,
) -> AppResult<Result<(), (&'static str, String)>> {
    let w = wallet::find(conn, wallet)?
        .filter(|w| {
            by.service_provider_id
                .is_none_or(|p| p == w.service_provider_id)
        })
        .ok_or(AppError::NotFound)?;
    if !wallet::holder_ids(conn, w.id)?.contains(&subscriber_id) {
        return Err(AppError::NotFound);
    }
    match change(conn, by, &w, subscriber_id, op, form) {
        Ok(()) => Ok(Ok(())),
        Err(Fail::Refused(Refusal("wallet_version", m))) => Ok(Err((main_field(op), m))),
        Err(Fail::Refused(Refusal(field, m))) => Ok(Err((field, m))),
        Err(Fail::App(e)) => Err(e),
    }
}

/// The message refusing a change based on a screen older than the wallet's last change
/// (`posted` blank: not checked), naming who changed it; `None`: the screen is current.
pub fn stale_message(
    conn: &mut DbConnection,
    wallet_id: i64,
    posted: &str,
) -> diesel::QueryResult<Option<String>> {
    if posted.trim().is_empty() {
        return Ok(None);
    }
    let current = wallet::find(conn, WalletId(wallet_id))?.map(|w| w.version);
    if current.map(|v| v.to_string()) == Some(posted.trim().to_string()) {
        return Ok(None);
    }
    let who = crate::db::models::audit::last_actor(conn, "wallet", wallet_id)?
        .map(|a| a.trim_start_matches("operator:").to_string())
        .unwrap_or_else(|| "someone else".to_string());
    Ok(Some(format!(
        "This wallet was changed meanwhile by {who}; nothing was changed. Look at the balances \
         as they are now and try again."
    )))
}

fn check_version(conn: &mut DbConnection, wallet_id: i64, posted: &str) -> Result<(), Fail> {
    match stale_message(conn, wallet_id, posted)? {
        Some(m) => refuse("wallet_version", m),
        None => Ok(()),
    }
}

/// The change itself, inside the transaction.
fn change(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    w: &Wallet,
    subscriber_id: i64,
    op: Op,
    form: &MoneyForm,
) -> Result<(), Fail> {
    if !balance::lock_wallet(conn, WalletId(w.id))? {
        return Err(Fail::App(AppError::NotFound));
    }
    check_version(conn, w.id, &form.wallet_version)?;
    let now = crate::db::now();
    let reason =
        if settings::audit_financial_changes(conn)? || !form.change_reason.trim().is_empty() {
            match ChangeReason::parse(&form.change_reason) {
                Ok(r) => Some(r.into_inner()),
                Err(m) => return refuse("change_reason", m),
            }
        } else {
            None
        };
    let decimals = ref_data::all_currencies(conn)?
        .into_iter()
        .find(|c| c.id == w.currency_id)
        .map(|c| c.decimals.max(0) as u32)
        .unwrap_or(2);
    let balances = balance::of_wallet(conn, WalletId(w.id))?;

    // Which balance type, and which bucket.
    let (bt, bucket): (BalanceType, Option<Bucket>) = match op {
        Op::Adjust | Op::AddBucket => {
            let bt = match form.balance_type_id.trim().parse::<i64>() {
                Ok(id) => balance::find_type(conn, id)?,
                Err(_) => None,
            };
            match bt {
                Some(bt) if bt.service_provider_id == w.service_provider_id => (bt, None),
                _ => {
                    return refuse(
                        "balance_type_id",
                        "Choose a balance type of this wallet's service provider.",
                    )
                }
            }
        }
        Op::EditBucket(id) | Op::DeleteBucket(id) => {
            let found = balances.iter().find_map(|b| {
                b.buckets
                    .iter()
                    .find(|k| k.id == id)
                    .map(|k| (b.balance_type.clone(), k.clone()))
            });
            match found {
                Some((bt, k)) => (bt, Some(k)),
                None => return refuse("value", "This bucket is not one of this wallet's."),
            }
        }
    };
    let current: Option<&Balance> = balances.iter().find(|b| b.balance_type.id == bt.id);
    let before_total = current.map(|b| b.total_at(now)).unwrap_or(0);
    let before_stored = current.map(|b| b.stored()).unwrap_or(0);

    // The new value and dates of the bucket that changes.
    let parse_value = |field: &'static str, typed: &str| -> Result<Amount, Fail> {
        match Amount::parse(typed, bt.unit, decimals) {
            Ok(a) => Ok(a),
            Err(m) => refuse(field, m),
        }
    };
    let dates = |form: &MoneyForm| -> Result<BucketDates, Fail> {
        let day = |field: &'static str, typed: &str| -> Result<Option<i64>, Fail> {
            if typed.trim().is_empty() {
                return Ok(None);
            }
            match parse_date(typed) {
                Ok(d) => Ok(Some(d)),
                Err(m) => refuse(field, m),
            }
        };
        let expiry = day("expiry", &form.expiry)?;
        let offset = day("offset", &form.offset)?;
        BucketDates::check(offset, expiry, bt.category, now).or_else(|(field, m)| refuse(field, m))
    };
    let (edr_type, action, target, new_value, new_dates) = match op {
        Op::Adjust => {
            let amount = parse_value("amount", &form.amount)?;
            if amount == Amount::ZERO {
                return refuse("amount", "Enter an amount other than zero.");
            }
            if let Some(limit) = super::limits::range_for(conn, by.id, w.product_type_id, bt.id)? {
                if amount < limit.min || amount > limit.max {
                    let show = |a: Amount| a.show(bt.unit, decimals);
                    return refuse(
                        "amount",
                        format!(
                            "You may adjust this balance by {} to {}.",
                            show(limit.min),
                            show(limit.max)
                        ),
                    );
                }
            }
            let undated = current.and_then(|b| {
                b.buckets
                    .iter()
                    .find(|k| k.starts_at.is_none() && k.expires_at.is_none())
            });
            let amount = cap(&bt, before_total, amount, "amount", decimals)?;
            let base = Amount::from_minor(undated.map(|k| k.value).unwrap_or(0));
            let Some(value) = base.checked_add(amount) else {
                return refuse("amount", "The balance would go beyond its largest amount.");
            };
            let dates = BucketDates {
                starts_at: None,
                expires_at: None,
            };
            (
                EdrType::Adjustment,
                Action::Adjust,
                undated.map(|k| k.id),
                Some(value),
                dates,
            )
        }
        Op::AddBucket => {
            let value = parse_value("value", &form.value)?;
            let d = dates(form)?;
            let value = if d.counts_at(now) {
                cap(&bt, before_total, value, "value", decimals)?
            } else {
                value
            };
            (EdrType::BucketAdd, Action::AddBucket, None, Some(value), d)
        }
        Op::EditBucket(id) => {
            let value = parse_value("value", &form.value)?;
            let d = dates(form)?;
            let counted_old = bucket
                .as_ref()
                .filter(|k| k.dates().counts_at(now))
                .map(|k| k.value)
                .unwrap_or(0);
            // Only what the edit adds to the counted total meets the maximum.
            let value = if d.counts_at(now) && value.minor() > counted_old {
                let rise = Amount::from_minor(value.minor() - counted_old);
                let allowed = cap(&bt, before_total, rise, "value", decimals)?;
                Amount::from_minor(value.minor() - (rise.minor() - allowed.minor()))
            } else {
                value
            };
            (
                EdrType::BucketEdit,
                Action::EditBucket,
                Some(id),
                Some(value),
                d,
            )
        }
        Op::DeleteBucket(id) => (
            EdrType::BucketDelete,
            Action::DeleteBucket,
            Some(id),
            None,
            bucket.as_ref().map(|k| k.dates()).unwrap_or(BucketDates {
                starts_at: None,
                expires_at: None,
            }),
        ),
    };

    // No credit below zero unless the balance type allows it.
    let counted_after = {
        let mut sum = before_total;
        if let Some(k) = bucket.as_ref().filter(|k| k.dates().counts_at(now)) {
            sum -= k.value;
        } else if let (Op::Adjust, Some(id)) = (op, target) {
            if let Some(k) = current.and_then(|b| b.buckets.iter().find(|k| k.id == id)) {
                sum -= k.value;
            }
        }
        if let Some(v) = new_value.filter(|_| new_dates.counts_at(now)) {
            sum += v.minor();
        }
        sum
    };
    if counted_after < 0 && counted_after < before_total && !bt.allow_credit {
        let field = if op == Op::Adjust { "amount" } else { "value" };
        return refuse(
            field,
            "This balance does not allow credit: it cannot go below zero.",
        );
    }

    // Write.
    let balance_id = balance::balance_id(conn, WalletId(w.id), bt.id)?;
    let bucket_id = match (target, new_value) {
        (Some(id), Some(v)) => {
            balance::update_bucket(conn, id, v.minor(), new_dates)?;
            Some(id)
        }
        (None, Some(v)) => Some(balance::insert_bucket(
            conn,
            balance_id,
            v.minor(),
            new_dates,
        )?),
        (Some(id), None) => {
            balance::delete_bucket(conn, id)?;
            Some(id)
        }
        (None, None) => None,
    };
    let after = balance::of_wallet(conn, WalletId(w.id))?;
    let after = after.iter().find(|b| b.balance_type.id == bt.id);
    let after_total = after.map(|b| b.total_at(now)).unwrap_or(0);
    let after_stored = after.map(|b| b.stored()).unwrap_or(0);
    let part = EdrBalance {
        balance_type_id: bt.id,
        before_total,
        after_total,
        cost: before_stored - after_stored,
    };
    let edr_id = edr::insert(
        conn,
        &NewEdr {
            edr_type,
            service_provider_id: w.service_provider_id,
            wallet_id: w.id,
            subscriber_id: Some(subscriber_id),
            operator_name: Some(by.username.clone()),
            change_reason: reason.clone(),
            called_number: None,
            duration_s: None,
            created_at: now,
        },
        &[part],
    )?;
    AuditEvent::new(ObjectKind::Wallet, w.id, action)
        .before_value(serde_json::json!({
            "balance_type": bt.code,
            "total": before_total,
            "bucket": bucket,
        }))
        .after_value(serde_json::json!({
            "balance_type": bt.code,
            "total": after_total,
            "bucket_id": bucket_id,
            "value": new_value.map(Amount::minor),
            "starts_at": new_value.and(new_dates.starts_at),
            "expires_at": new_value.and(new_dates.expires_at),
            "edr_id": edr_id,
        }))
        .reason(reason)
        .write(conn, &by.actor())?;
    // A credit of a tracker balance may reach a promotion's threshold.
    super::promotions::award_due(
        conn,
        w,
        Some(subscriber_id),
        &super::promotions::Who {
            operator_name: Some(&by.username),
            actor: &by.actor(),
        },
        now,
    )?;
    // Screens opened before this change are stale for money forms now.
    wallet::bump_version(conn, w.id)?;
    Ok(())
}

/// A credit of `amount` on a counted total of `total`, under the balance type's maximum: cut
/// to what fits (limit) or refused whole (reject). Debits pass as they are.
pub(super) fn cap(
    bt: &BalanceType,
    total: i64,
    amount: Amount,
    field: &'static str,
    decimals: u32,
) -> Result<Amount, Fail> {
    let Some(max) = bt.max_value else {
        return Ok(amount);
    };
    if amount.minor() <= 0 || total + amount.minor() <= max {
        return Ok(amount);
    }
    let room = (max - total).max(0);
    match bt.max_policy {
        MaxPolicy::Reject => refuse(
            field,
            format!(
                "This would take the balance beyond its maximum of {}; nothing was changed.",
                Amount::from_minor(max).show(bt.unit, decimals)
            ),
        ),
        MaxPolicy::Limit if room == 0 => refuse(
            field,
            "The balance is at its maximum already; nothing was changed.",
        ),
        MaxPolicy::Limit => Ok(Amount::from_minor(room)),
    }
}
