//! Top-up rules: periodic allocations of a balance type (daily, weekly, monthly) to the active
//! wallets of a product type, or to one subscriber's primary wallet. The background worker's
//! step `run` credits each wallet once per period: the run row (rule, wallet, period start) is
//! claimed by an insert that does nothing when it exists, inside the transaction that holds the
//! wallet and writes the credit, its `topup` EDR and the audit event — so two instances racing
//! credit once, and a crash mid-way credits nothing and leaves the period to the next step.
//!
//! A restart that missed periods catches up once: the step keys runs by the period holding the
//! moment it runs, so missed periods are not credited after the fact (an allocation is for its
//! period; a subscriber gets the current one, not a pile of old ones).
//!
//! Under the balance type's maximum: limit → what fits; reject (or no room) → nothing, and the
//! period counts as run (shown with 0 credited).

use super::ledger;
use super::promotions::{self, Who};
use crate::db::models::balance::{self, BalanceType};
use crate::db::models::edr::{self, NewEdr};
use crate::db::models::ref_data::{self, RefKind};
use crate::db::models::reference;
use crate::db::models::subscriber;
use crate::db::models::topup::{self, NewTopupRule, TopupRule};
use crate::db::models::wallet::{self, Wallet};
use crate::db::models::WalletId;
use crate::db::{write_transaction, DbConnection};
use crate::domain::balance::{EdrType, MaxPolicy};
use crate::domain::subscriber::RefName;
use crate::domain::topup::TopupPeriod;
use crate::domain::{Amount, FormState};
use crate::error::AppResult;
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use diesel::QueryResult;
use serde::Deserialize;

/// The audit actor and EDR operator name of the worker's credits.
const WORKER: &str = "worker";

/// The worker's step: applies every active rule for the current period; returns how many
/// wallets were credited (by this call).
pub fn run(conn: &mut DbConnection) -> usize {
    run_at(conn, crate::db::now())
}

/// `run` as of `now` (tests pass a later moment to stand for a worker that was down).
pub fn run_at(conn: &mut DbConnection, now: i64) -> usize {
    let rules = match topup::all(conn, true) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "reading top-up rules failed");
            return 0;
        }
    };
    let mut credited = 0;
    for rule in rules {
        let period_start = rule.period.start_of(now);
        let wallets = match topup::wallets_of(conn, &rule) {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!(rule = rule.id, error = %e, "reading a top-up rule's wallets failed");
                continue;
            }
        };
        for wallet_id in wallets {
            // A cheap look first; the claim inside the transaction is what decides.
            if topup::ran(conn, rule.id, wallet_id, period_start).unwrap_or(false) {
                continue;
            }
            let done = write_transaction(conn, |conn| {
                apply(conn, &rule, wallet_id, period_start, now)
            });
            match done {
                Ok(true) => credited += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(rule = rule.id, wallet = wallet_id, error = %e, "a top-up failed")
                }
            }
        }
    }
    if credited > 0 {
        tracing::info!(credited, "periodic top-ups applied");
    }
    credited
}

/// One rule on one wallet for one period, inside the caller's transaction: true when this call
/// made the period's run (whether or not the maximum left room to credit).
fn apply(
    conn: &mut DbConnection,
    rule: &TopupRule,
    wallet_id: i64,
    period_start: i64,
    now: i64,
) -> QueryResult<bool> {
    if !balance::lock_wallet(conn, WalletId(wallet_id))? {
        return Ok(false);
    }
    let Some(w) = wallet::find(conn, WalletId(wallet_id))? else {
        return Ok(false);
    };
    let Some(bt) = balance::find_type(conn, rule.balance_type_id)? else {
        return Ok(false);
    };
    if !topup::claim(conn, rule.id, w.id, period_start, now)? {
        return Ok(false);
    }
    let before = ledger::snapshot(conn, w.id, now)?;
    let total = before
        .iter()
        .find(|(id, _, _)| *id == bt.id)
        .map(|(_, t, _)| *t)
        .unwrap_or(0);
    let credit = capped(&bt, total, rule.amount);
    let mut edr_id = None;
    if credit > 0 {
        ledger::credit_undated(conn, w.id, bt.id, credit)?;
        let after = ledger::snapshot(conn, w.id, now)?;
        let holder = wallet::holder_ids(conn, w.id)?.first().copied();
        edr_id = Some(edr::insert(
            conn,
            &NewEdr {
                edr_type: EdrType::Topup,
                service_provider_id: w.service_provider_id,
                wallet_id: w.id,
                subscriber_id: rule.subscriber_id.or(holder),
                operator_name: Some(WORKER.to_string()),
                change_reason: Some(format!("Top-up rule {}", rule.name)),
                called_number: None,
                duration_s: None,
                created_at: now,
            },
            &ledger::parts(&before, &after),
        )?);
        wallet::bump_version(conn, w.id)?;
    }
    topup::settle(conn, rule.id, w.id, period_start, credit, edr_id)?;
    AuditEvent::new(ObjectKind::Wallet, w.id, Action::Topup)
        .after_value(serde_json::json!({
            "topup_rule": rule.name,
            "topup_rule_id": rule.id,
            "period": rule.period.code(),
            "period_start": period_start,
            "balance_type": bt.code,
            "credited": credit,
            "edr_id": edr_id,
        }))
        .write(conn, WORKER)?;
    if credit > 0 {
        credit_reached_promotions(conn, &w, rule, now)?;
    }
    Ok(true)
}

/// A top-up of a tracker balance may reach a promotion's threshold.
fn credit_reached_promotions(
    conn: &mut DbConnection,
    w: &Wallet,
    rule: &TopupRule,
    now: i64,
) -> QueryResult<()> {
    let holder = wallet::holder_ids(conn, w.id)?.first().copied();
    promotions::award_due(
        conn,
        w,
        rule.subscriber_id.or(holder),
        &Who {
            operator_name: Some(WORKER),
            actor: WORKER,
        },
        now,
    )?;
    Ok(())
}

/// What of `amount` a balance at `total` takes under its maximum.
fn capped(bt: &BalanceType, total: i64, amount: i64) -> i64 {
    match bt.max_value {
        Some(max) if total.saturating_add(amount) > max => match bt.max_policy {
            MaxPolicy::Reject => 0,
            MaxPolicy::Limit => (max - total).max(0),
        },
        _ => amount,
    }
}

/// One rule as the subscriber's Top-up rules panel shows it.
#[derive(Debug, Clone)]
pub struct RuleLine {
    pub rule: TopupRule,
    pub balance_type: Option<BalanceType>,
    /// Whom it reaches: "product type …" or "this subscriber".
    pub applies_to: String,
    /// The last run on one of the subscriber's wallets: (when, credited).
    pub last_run: Option<(i64, i64)>,
}

/// The rules that reach a subscriber (its own and its wallets' product types'), with their
/// last run on its wallets.
pub fn panel(
    conn: &mut DbConnection,
    subscriber_id: i64,
    wallets: &[Wallet],
) -> QueryResult<Vec<RuleLine>> {
    let product_types: Vec<i64> = wallets.iter().map(|w| w.product_type_id).collect();
    let rules = topup::for_subscriber(conn, subscriber_id, &product_types)?;
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rules.iter().map(|r| r.id).collect();
    let wallet_ids: Vec<i64> = wallets.iter().map(|w| w.id).collect();
    let runs = topup::last_runs(conn, &ids, &wallet_ids)?;
    let names = ref_data::options(conn, RefKind::ProductTypes)?;
    let mut out = Vec::new();
    for rule in rules {
        let applies_to = match rule.product_type_id {
            Some(p) if rule.subscriber_id.is_none() => format!(
                "Product type {}",
                names
                    .iter()
                    .find(|(id, _)| *id == p)
                    .map(|(_, n)| n.as_str())
                    .unwrap_or("?")
            ),
            _ => "This subscriber".to_string(),
        };
        out.push(RuleLine {
            balance_type: balance::find_type(conn, rule.balance_type_id)?,
            last_run: runs
                .iter()
                .find(|(id, _, _)| *id == rule.id)
                .map(|(_, at, c)| (*at, *c)),
            applies_to,
            rule,
        });
    }
    Ok(out)
}

/// The admin's form (the field names the page posts): a product type or a subscriber's CLI.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RuleForm {
    pub service_provider_id: String,
    pub name: String,
    pub balance_type_id: String,
    pub amount: String,
    pub period: String,
    pub product_type_id: String,
    pub subscriber_cli: String,
}

pub enum Created {
    Created(TopupRule),
    Invalid(FormState),
}

/// What the admin page lists: the rules with their last run (any wallet), balance types,
/// providers and product types.
pub struct Listing {
    pub rules: Vec<(TopupRule, Option<i64>)>,
    pub types: Vec<BalanceType>,
    pub providers: Vec<(i64, String)>,
    pub product_types: Vec<(i64, String)>,
}

pub fn list(conn: &mut DbConnection) -> AppResult<Listing> {
    let last = topup::last_run_of_rules(conn)?;
    Ok(Listing {
        rules: topup::all(conn, false)?
            .into_iter()
            .map(|r| {
                let at = last.iter().find(|(id, _)| *id == r.id).map(|(_, a)| *a);
                (r, at)
            })
            .collect(),
        types: balance::types(conn, None)?,
        providers: reference::service_providers(conn)?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect(),
        product_types: ref_data::options(conn, RefKind::ProductTypes)?,
    })
}

/// Adds a rule (admins; audited); 422 with messages for bad input.
#[tracing::instrument(skip(conn, form))]
pub fn create(conn: &mut DbConnection, actor: &str, form: &RuleForm) -> AppResult<Created> {
    let mut f = FormState::default();
    for (k, v) in [
        ("service_provider_id", &form.service_provider_id),
        ("name", &form.name),
        ("balance_type_id", &form.balance_type_id),
        ("amount", &form.amount),
        ("period", &form.period),
        ("product_type_id", &form.product_type_id),
        ("subscriber_cli", &form.subscriber_cli),
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
    let bt = match form.balance_type_id.trim().parse::<i64>() {
        Ok(id) => balance::find_type(conn, id)?,
        Err(_) => None,
    }
    .filter(|t| Some(t.service_provider_id) == provider);
    let bt = f.check(
        "balance_type_id",
        bt.ok_or_else(|| "Choose a balance type of this provider.".to_string()),
    );
    let amount = bt.as_ref().and_then(|t| {
        f.check(
            "amount",
            Amount::parse_non_negative(&form.amount, t.unit, super::balance_types::CASH_DECIMALS)
                .and_then(|a| {
                    if a.minor() == 0 {
                        Err("Enter an amount above zero.".to_string())
                    } else {
                        Ok(a.minor())
                    }
                }),
        )
    });
    let period = f.check("period", TopupPeriod::parse(&form.period));
    let product_types = ref_data::options(conn, RefKind::ProductTypes)?;
    let (pt_typed, cli_typed) = (form.product_type_id.trim(), form.subscriber_cli.trim());
    let target = if pt_typed.is_empty() == cli_typed.is_empty() {
        f.error(
            "product_type_id",
            "Choose a product type, or enter a subscriber ID instead (one of the two).",
        );
        None
    } else if !pt_typed.is_empty() {
        let id = pt_typed
            .parse::<i64>()
            .ok()
            .filter(|id| product_types.iter().any(|(i, _)| i == id));
        if id.is_none() {
            f.error("product_type_id", "Choose a product type from the list.");
        }
        id.map(|id| (Some(id), None))
    } else {
        let found = match provider {
            Some(p) => subscriber::find_by_cli(conn, p, cli_typed)?,
            None => None,
        };
        if found.is_none() {
            f.error(
                "subscriber_cli",
                "No subscriber of this provider has this subscriber ID.",
            );
        }
        found.map(|s| (None, Some(s.id)))
    };
    let (Some(provider), Some(name), Some(bt), Some(amount), Some(period), Some((pt, sub))) =
        (provider, name, bt, amount, period, target)
    else {
        return Ok(Created::Invalid(f));
    };
    let new = NewTopupRule {
        service_provider_id: provider,
        name: name.into_inner(),
        balance_type_id: bt.id,
        amount,
        period,
        product_type_id: pt,
        subscriber_id: sub,
        active: true,
        created_by: actor.to_string(),
        created_at: crate::db::now(),
    };
    let row = write_transaction(conn, |conn| -> AppResult<TopupRule> {
        let row = topup::insert(conn, &new)?;
        AuditEvent::created(ObjectKind::TopupRule, row.id, &row).write(conn, actor)?;
        Ok(row)
    })?;
    Ok(Created::Created(row))
}
