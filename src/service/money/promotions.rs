//! Tracker promotions: admins define, per provider, a tracker balance type and a threshold;
//! when a wallet's tracker balance reaches it, the reward (an amount of a balance type, valid
//! for some days or for ever) is credited once. `award_due` is called by every path that
//! credits a wallet (adjustments and buckets, recharges, activation, merge, reversals), inside
//! that path's transaction while it holds the wallet row; "once" is the unique award row per
//! wallet and promotion, claimed by an insert that does nothing when the row exists. A reward
//! writes its own `promotion` EDR and audit event; a reward that reaches another promotion's
//! tracker is checked in turn (each promotion rewards a wallet once, so this ends).
//!
//! Under the reward balance type's maximum: limit → what fits (nothing at the maximum); reject
//! → nothing. Either way the award is used up (the promotion does not try again).
//! A promotion made after a wallet passed its threshold rewards it at the wallet's next credit.

use super::ledger;
use crate::db::models::balance::{self, Balance, BalanceType};
use crate::db::models::edr::{self, NewEdr};
use crate::db::models::promotion::{self, NewPromotion, Promotion};
use crate::db::models::reference;
use crate::db::models::wallet::Wallet;
use crate::db::models::WalletId;
use crate::db::{write_transaction, DbConnection};
use crate::domain::balance::{BucketDates, Category, EdrType, MaxPolicy};
use crate::domain::promotion::PromotionStatus;
use crate::domain::subscriber::{parse_date, RefName};
use crate::domain::{parse_int_in, Amount, FormState, Unit};
use crate::error::AppResult;
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use diesel::QueryResult;
use serde::Deserialize;

const DAY: i64 = 86_400;

/// Who made the credit that reached a threshold: the name its EDRs carry (none for the API)
/// and the audit actor.
pub struct Who<'a> {
    pub operator_name: Option<&'a str>,
    pub actor: &'a str,
}
/// Amounts of a promotion are typed with two decimals when cash (a promotion is not tied to one
/// currency), like a balance type's maximum.
const CASH_DECIMALS: u32 = super::balance_types::CASH_DECIMALS;

/// Credits every reward wallet `w` has earned and not had yet; returns the awards made. The
/// caller's transaction holds (or is about to hold) the wallet row; this holds it too.
pub fn award_due(
    conn: &mut DbConnection,
    w: &Wallet,
    subscriber_id: Option<i64>,
    who: &Who<'_>,
    now: i64,
) -> QueryResult<usize> {
    let mut made = 0;
    // Each round awards at least one promotion or stops; a promotion awards a wallet once.
    loop {
        let balances = balance::of_wallet(conn, WalletId(w.id))?;
        let trackers: Vec<i64> = balances
            .iter()
            .filter(|b| b.balance_type.category == Category::Tracker)
            .map(|b| b.balance_type.id)
            .collect();
        if trackers.is_empty() {
            return Ok(made);
        }
        let due: Vec<Promotion> = promotion::tracking(conn, &trackers)?
            .into_iter()
            .filter(|p| p.service_provider_id == w.service_provider_id && p.running_at(now))
            .filter(|p| {
                balances
                    .iter()
                    .find(|b| b.balance_type.id == p.tracker_balance_type_id)
                    .is_some_and(|b| b.total_at(now) >= p.threshold)
            })
            .collect();
        let mut this_round = 0;
        for p in &due {
            if !balance::lock_wallet(conn, WalletId(w.id))? {
                return Ok(made);
            }
            let Some(award) = promotion::claim(conn, p.id, w.id, now)? else {
                continue;
            };
            reward(conn, w, subscriber_id, who, p, award, now)?;
            this_round += 1;
        }
        if this_round == 0 {
            return Ok(made);
        }
        made += this_round;
    }
}

/// Credits promotion `p`'s reward on wallet `w` for the claimed `award`.
fn reward(
    conn: &mut DbConnection,
    w: &Wallet,
    subscriber_id: Option<i64>,
    who: &Who<'_>,
    p: &Promotion,
    award: i64,
    now: i64,
) -> QueryResult<()> {
    let Some(bt) = balance::find_type(conn, p.reward_balance_type_id)? else {
        return Ok(());
    };
    let before = ledger::snapshot(conn, w.id, now)?;
    let total = before
        .iter()
        .find(|(id, _, _)| *id == bt.id)
        .map(|(_, t, _)| *t)
        .unwrap_or(0);
    let credit = match bt.max_value {
        Some(max) if total.saturating_add(p.reward) > max => match bt.max_policy {
            MaxPolicy::Reject => 0,
            MaxPolicy::Limit => (max - total).max(0),
        },
        _ => p.reward,
    };
    let mut edr_id = None;
    if credit > 0 {
        match p.validity_days {
            Some(days) => {
                let today = now - now.rem_euclid(DAY);
                let dates = BucketDates {
                    starts_at: None,
                    expires_at: Some(today + (i64::from(days) + 1) * DAY),
                };
                let balance_id = balance::balance_id(conn, WalletId(w.id), bt.id)?;
                balance::insert_bucket(conn, balance_id, credit, dates)?;
            }
            None => ledger::credit_undated(conn, w.id, bt.id, credit)?,
        }
        let after = ledger::snapshot(conn, w.id, now)?;
        edr_id = Some(edr::insert(
            conn,
            &NewEdr {
                edr_type: EdrType::Promotion,
                service_provider_id: w.service_provider_id,
                wallet_id: w.id,
                subscriber_id,
                operator_name: who.operator_name.map(str::to_string),
                change_reason: Some(format!("Promotion {} reached", p.name)),
                called_number: None,
                duration_s: None,
                created_at: now,
            },
            &ledger::parts(&before, &after),
        )?);
        crate::db::models::wallet::bump_version(conn, w.id)?;
    }
    promotion::settle(conn, award, credit, edr_id)?;
    AuditEvent::new(ObjectKind::Wallet, w.id, Action::Award)
        .after_value(serde_json::json!({
            "promotion": p.name,
            "promotion_id": p.id,
            "balance_type": bt.code,
            "credited": credit,
            "edr_id": edr_id,
        }))
        .write(conn, who.actor)
}

/// One promotion as the promotions panel shows it for one wallet.
#[derive(Debug, Clone)]
pub struct PromotionLine {
    pub wallet_id: i64,
    pub promotion_id: i64,
    pub name: String,
    pub status: PromotionStatus,
    /// When the promotion ends (none: it runs on).
    pub ends_at: Option<i64>,
    pub tracker_code: String,
    pub tracker_unit: Unit,
    /// The wallet's tracker total; none when the wallet has no tracker balance of it.
    pub tracker_value: Option<i64>,
    /// The first expiry among the tracker's buckets (none: does not expire).
    pub tracker_expiry: Option<i64>,
    pub threshold: i64,
    pub reward_code: String,
    pub reward_unit: Unit,
    /// What the promotion has credited this wallet (its individual liability so far), and the
    /// most it may (the reward).
    pub credited: i64,
    pub max_liability: i64,
}

/// The promotions panel of a subscriber's wallets: every promotion of each wallet's provider.
pub fn panel(
    conn: &mut DbConnection,
    wallets: &[Wallet],
    now: i64,
) -> QueryResult<Vec<PromotionLine>> {
    let mut out = Vec::new();
    for w in wallets {
        let promotions = promotion::all(conn, Some(w.service_provider_id))?;
        if promotions.is_empty() {
            continue;
        }
        let balances = balance::of_wallet(conn, WalletId(w.id))?;
        let awards = promotion::of_wallet(conn, w.id)?;
        let types = balance::types(conn, Some(w.service_provider_id))?;
        for p in promotions {
            let bt_of = |id: i64| types.iter().find(|t| t.id == id);
            let tracker: Option<&Balance> = balances
                .iter()
                .find(|b| b.balance_type.id == p.tracker_balance_type_id);
            let award = awards.iter().find(|a| a.promotion_id == p.id);
            let status = match (tracker, award) {
                (_, Some(_)) => PromotionStatus::Ineligible,
                _ if !p.running_at(now) => PromotionStatus::Ineligible,
                (None, None) => PromotionStatus::Unset,
                (Some(_), None) => PromotionStatus::Eligible,
            };
            let unit = |t: Option<&BalanceType>| t.map(|t| t.unit).unwrap_or(Unit::Units);
            let code = |t: Option<&BalanceType>| t.map(|t| t.code.clone()).unwrap_or_default();
            out.push(PromotionLine {
                wallet_id: w.id,
                promotion_id: p.id,
                name: p.name.clone(),
                status,
                ends_at: p.ends_at,
                tracker_code: code(bt_of(p.tracker_balance_type_id)),
                tracker_unit: unit(bt_of(p.tracker_balance_type_id)),
                tracker_value: tracker.map(|b| b.total_at(now)),
                tracker_expiry: tracker.and_then(|b| {
                    b.buckets
                        .iter()
                        .filter(|k| k.dates().counts_at(now))
                        .filter_map(|k| k.expires_at)
                        .min()
                }),
                threshold: p.threshold,
                reward_code: code(bt_of(p.reward_balance_type_id)),
                reward_unit: unit(bt_of(p.reward_balance_type_id)),
                credited: award.map(|a| a.credited).unwrap_or(0),
                max_liability: p.reward,
            });
        }
    }
    Ok(out)
}

/// The admin's form (the field names the page posts).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct PromotionForm {
    pub service_provider_id: String,
    pub name: String,
    pub tracker_balance_type_id: String,
    pub threshold: String,
    pub reward_balance_type_id: String,
    pub reward: String,
    pub validity_days: String,
    pub ends: String,
}

pub enum Created {
    Created(Promotion),
    Invalid(FormState),
}

/// What the admin page lists: promotions, balance types (every provider's) and providers.
pub type Listing = (Vec<Promotion>, Vec<BalanceType>, Vec<(i64, String)>);

pub fn list(conn: &mut DbConnection) -> AppResult<Listing> {
    let providers = reference::service_providers(conn)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok((
        promotion::all(conn, None)?,
        balance::types(conn, None)?,
        providers,
    ))
}

/// Adds a promotion (admins; audited); 422 with messages for bad input.
#[tracing::instrument(skip(conn, form))]
pub fn create(conn: &mut DbConnection, actor: &str, form: &PromotionForm) -> AppResult<Created> {
    let mut f = FormState::default();
    for (k, v) in [
        ("service_provider_id", &form.service_provider_id),
        ("name", &form.name),
        ("tracker_balance_type_id", &form.tracker_balance_type_id),
        ("threshold", &form.threshold),
        ("reward_balance_type_id", &form.reward_balance_type_id),
        ("reward", &form.reward),
        ("validity_days", &form.validity_days),
        ("ends", &form.ends),
    ] {
        f.set(k, v.trim());
    }
    let providers = reference::service_providers(conn)?;
    let provider = f.check(
        "service_provider_id",
        form.service_provider_id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| providers.iter().any(|p| p.id == *id))
            .ok_or_else(|| "Choose a service provider from the list.".to_string()),
    );
    let name = f.check("name", RefName::parse(&form.name));
    let find = |conn: &mut DbConnection, typed: &str| -> QueryResult<Option<BalanceType>> {
        match typed.trim().parse::<i64>() {
            Ok(id) => balance::find_type(conn, id),
            Err(_) => Ok(None),
        }
    };
    let tracker = find(conn, &form.tracker_balance_type_id)?
        .filter(|t| Some(t.service_provider_id) == provider);
    let tracker = f.check(
        "tracker_balance_type_id",
        match tracker {
            Some(t) if t.category == Category::Tracker => Ok(t),
            Some(_) => Err("Choose a balance type of the tracker category.".to_string()),
            None => Err("Choose a tracker balance type of this provider.".to_string()),
        },
    );
    let reward_type = f.check(
        "reward_balance_type_id",
        find(conn, &form.reward_balance_type_id)?
            .filter(|t| Some(t.service_provider_id) == provider)
            .ok_or_else(|| "Choose a balance type of this provider.".to_string()),
    );
    let positive = |typed: &str, t: &BalanceType| -> Result<i64, String> {
        let a = Amount::parse_non_negative(typed, t.unit, CASH_DECIMALS)?;
        if a.minor() == 0 {
            return Err("Enter an amount above zero.".into());
        }
        Ok(a.minor())
    };
    let threshold = tracker
        .as_ref()
        .and_then(|t| f.check("threshold", positive(&form.threshold, t)));
    let reward = reward_type
        .as_ref()
        .and_then(|t| f.check("reward", positive(&form.reward, t)));
    let validity_days = if form.validity_days.trim().is_empty() {
        Some(None)
    } else {
        f.check(
            "validity_days",
            parse_int_in(&form.validity_days, 1, 3650).map(|d| Some(d as i32)),
        )
    };
    let now = crate::db::now();
    let ends_at = if form.ends.trim().is_empty() {
        Some(None)
    } else {
        f.check(
            "ends",
            parse_date(&form.ends).and_then(|d| {
                if d + DAY <= now {
                    Err("The end date has passed; choose today or later.".to_string())
                } else {
                    Ok(Some(d + DAY))
                }
            }),
        )
    };
    let (
        Some(provider),
        Some(name),
        Some(tracker),
        Some(reward_type),
        Some(threshold),
        Some(reward),
        Some(validity_days),
        Some(ends_at),
    ) = (
        provider,
        name,
        tracker,
        reward_type,
        threshold,
        reward,
        validity_days,
        ends_at,
    )
    else {
        return Ok(Created::Invalid(f));
    };
    let new = NewPromotion {
        service_provider_id: provider,
        name: name.into_inner(),
        tracker_balance_type_id: tracker.id,
        threshold,
        reward_balance_type_id: reward_type.id,
        reward,
        validity_days,
        ends_at,
        created_by: actor.to_string(),
        created_at: now,
    };
    let row = write_transaction(conn, |conn| -> AppResult<Promotion> {
        let row = promotion::insert(conn, &new)?;
        AuditEvent::created(ObjectKind::Promotion, row.id, &row).write(conn, actor)?;
        Ok(row)
    })?;
    Ok(Created::Created(row))
}
