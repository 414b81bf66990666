//! Merging two wallets (one pair at a time): the source subscriber (by CLI, same provider) and
//! wallet type, into the screen's subscriber's wallet of the target type. A pre-use source is
//! activated first (its bonus applied). Normally the source's buckets go into the target wallet,
//! every holder of the source then holds the target, and the source wallet is deleted; when the
//! target is a secondary wallet the target subscriber lacks, the source wallet itself becomes
//! shared. Expiry policy best|ignore, bucket policy merge|move; undated source buckets are added
//! to the target's undated bucket. One transaction holds both wallet rows (locked in id order),
//! writes a `merge` EDR on each wallet whose balances moved, and the audit events.

use super::activation::{self, NotActivated};
use super::ledger::{self, By};
use super::MoneyOutcome;
use crate::auth::CurrentOperator;
use crate::db::models::balance::{self, Bucket};
use crate::db::models::subscriber;
use crate::db::models::wallet::{self, HeldWallet, Wallet};
use crate::db::models::{SubscriberId, WalletId};
use crate::db::{write_transaction, DbConnection};
use crate::domain::balance::{BucketDates, BucketPolicy, EdrType, ExpiryPolicy, MaxPolicy};
use crate::domain::subscriber::{ChangeReason, WalletState, WalletType};
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use serde::Deserialize;

/// The merge form as posted.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct MergeForm {
    pub source_cli: String,
    pub source_wallet_type: String,
    pub target_wallet_type: String,
    pub expiry_policy: String,
    pub bucket_policy: String,
    pub change_reason: String,
}

/// The form key the edit screen shows a refused merge on.
pub const FORM_KEY: &str = "merge";

const FIELDS: [&str; 6] = [
    "source_cli",
    "source_wallet_type",
    "target_wallet_type",
    "expiry_policy",
    "bucket_policy",
    "change_reason",
];

/// A checked merge request.
struct Request {
    source_cli: String,
    source_type: WalletType,
    target_type: WalletType,
    expiry: ExpiryPolicy,
    buckets: BucketPolicy,
    reason: Option<String>,
}

enum Fail {
    Refused(&'static str, String),
    App(AppError),
}

impl From<diesel::result::Error> for Fail {
    fn from(e: diesel::result::Error) -> Self {
        Fail::App(AppError::Db(e))
    }
}

fn refuse<T>(field: &'static str, m: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Refused(field, m.into()))
}

/// Merges as `form` asks into subscriber `target` (404 outside the operator's scope).
#[tracing::instrument(skip(conn, by, form), fields(operator = %by.username))]
pub fn merge(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    target: SubscriberId,
    form: &MergeForm,
) -> AppResult<MoneyOutcome> {
    let t = subscriber::find(conn, target)?
        .filter(|s| {
            by.service_provider_id
                .is_none_or(|p| p == s.service_provider_id)
        })
        .ok_or(AppError::NotFound)?;
    let mut f = FormState::default();
    for (k, v) in FIELDS.iter().zip([
        &form.source_cli,
        &form.source_wallet_type,
        &form.target_wallet_type,
        &form.expiry_policy,
        &form.bucket_policy,
        &form.change_reason,
    ]) {
        f.set(k, v.trim());
    }
    f.set("form_of", FORM_KEY);
    let audit_on = crate::db::models::settings::audit_financial_changes(conn)?;
    let request = parse(form, audit_on, &mut f);
    let result = match request {
        Some(r) => write_transaction(conn, |conn| run(conn, by, t.id, t.service_provider_id, &r)),
        None => {
            return Ok(MoneyOutcome::Refused {
                subscriber_id: t.id,
                form: f,
            })
        }
    };
    match result {
        Ok(()) => Ok(MoneyOutcome::Done {
            subscriber_id: t.id,
        }),
        Err(Fail::Refused(field, m)) => {
            f.error(field, m);
            Ok(MoneyOutcome::Refused {
                subscriber_id: t.id,
                form: f,
            })
        }
        Err(Fail::App(e)) => Err(e),
    }
}

fn parse(form: &MergeForm, audit_on: bool, f: &mut FormState) -> Option<Request> {
    let cli = form.source_cli.trim().to_string();
    if cli.is_empty() {
        f.error(
            "source_cli",
            "Enter the subscriber ID (CLI) of the subscriber holding the source wallet.",
        );
    }
    let source_type = f.check(
        "source_wallet_type",
        WalletType::parse(&form.source_wallet_type),
    );
    let target_type = f.check(
        "target_wallet_type",
        WalletType::parse(&form.target_wallet_type),
    );
    let expiry = f.check("expiry_policy", ExpiryPolicy::parse(&form.expiry_policy));
    let buckets = f.check("bucket_policy", BucketPolicy::parse(&form.bucket_policy));
    let reason = if audit_on || !form.change_reason.trim().is_empty() {
        f.check("change_reason", ChangeReason::parse(&form.change_reason))
            .map(|r| Some(r.into_inner()))
    } else {
        Some(None)
    };
    if cli.is_empty() {
        return None;
    }
    Some(Request {
        source_cli: cli,
        source_type: source_type?,
        target_type: target_type?,
        expiry: expiry?,
        buckets: buckets?,
        reason: reason?,
    })
}

fn held(list: &[HeldWallet], t: WalletType) -> Option<&Wallet> {
    list.iter().find(|h| h.wallet_type == t).map(|h| &h.wallet)
}

/// The merge, inside the transaction.
fn run(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    target_sub: i64,
    provider: i64,
    r: &Request,
) -> Result<(), Fail> {
    let Some(source_sub) = subscriber::find_by_cli(conn, provider, &r.source_cli)? else {
        return refuse(
            "source_cli",
            "No subscriber of this service provider has this subscriber ID.",
        );
    };
    let source_held = wallet::held_by(conn, source_sub.id)?;
    let Some(source) = held(&source_held, r.source_type).cloned() else {
        return refuse(
            "source_wallet_type",
            format!(
                "Subscriber {} has no {} wallet.",
                source_sub.cli,
                r.source_type.label().to_lowercase()
            ),
        );
    };
    let target_held = wallet::held_by(conn, target_sub)?;
    let target = held(&target_held, r.target_type).cloned();
    if target.as_ref().is_some_and(|t| t.id == source.id) {
        return refuse(
            "source_wallet_type",
            "The source and the target are the same wallet; choose another pair.",
        );
    }
    if target.is_none() && r.target_type == WalletType::Primary {
        return refuse(
            "target_wallet_type",
            "This subscriber has no primary wallet to merge into.",
        );
    }
    if target.is_none() && target_held.iter().any(|h| h.wallet.id == source.id) {
        return refuse(
            "target_wallet_type",
            "This subscriber holds the source wallet already.",
        );
    }
    if target
        .as_ref()
        .is_some_and(|t| t.service_provider_id != source.service_provider_id)
    {
        return refuse(
            "source_cli",
            "Wallets of different service providers cannot be merged.",
        );
    }
    // Both rows held, in id order, so two merges of the same pair cannot deadlock.
    let mut ids = vec![source.id];
    ids.extend(target.as_ref().map(|t| t.id));
    ids.sort_unstable();
    for id in &ids {
        if !balance::lock_wallet(conn, WalletId(*id))? {
            return refuse("source_cli", "A wallet of this merge was just deleted.");
        }
    }
    // Read again under the locks.
    let source = wallet::find(conn, WalletId(source.id))?.ok_or(Fail::App(AppError::NotFound))?;
    let target = match target {
        Some(t) => Some(wallet::find(conn, WalletId(t.id))?.ok_or(Fail::App(AppError::NotFound))?),
        None => None,
    };
    let who = By {
        operator_name: &by.username,
        reason: r.reason.as_deref(),
    };
    let actor = by.actor();
    // A pre-use source is activated first, its bonus applied.
    let source = if source.state == WalletState::PreUse {
        match activation::apply_bonus(conn, &source, Some(source_sub.id), &who, &actor) {
            Ok(()) => {}
            Err(NotActivated::Refused(m)) => return refuse("source_wallet_type", m),
            Err(NotActivated::Db(e)) => return Err(e.into()),
        }
        wallet::set_state_and_expiry(conn, source.id, WalletState::Active, source.expires_at)?;
        wallet::find(conn, WalletId(source.id))?.ok_or(Fail::App(AppError::NotFound))?
    } else {
        source
    };
    let now = crate::db::now();
    let Some(target) = target else {
        // The target subscriber lacks this secondary wallet: the source wallet becomes shared,
        // keeping its own state and balances.
        wallet::link(conn, target_sub, r.target_type, source.id)?;
        wallet::bump_version(conn, source.id)?;
        let edr = ledger::write_edr(
            conn,
            &source,
            EdrType::Merge,
            Some(target_sub),
            &who,
            now,
            &[],
        )?;
        AuditEvent::new(ObjectKind::Wallet, source.id, Action::Merge)
            .after_value(serde_json::json!({
                "shared_with_subscriber": target_sub,
                "as": r.target_type.code(),
                "from_subscriber": source_sub.id,
                "edr_id": edr,
            }))
            .reason(r.reason.as_deref())
            .write(conn, &actor)?;
        return Ok(());
    };
    let decimals = ledger::decimals(conn, target.currency_id)?;
    let source_before = ledger::snapshot(conn, source.id, now)?;
    let target_before = ledger::snapshot(conn, target.id, now)?;
    move_buckets(conn, &source, &target, r.buckets, now, decimals)?;
    let target_after = ledger::snapshot(conn, target.id, now)?;
    let expires_at = match (r.expiry, target.expires_at, source.expires_at) {
        (ExpiryPolicy::Ignore, t, _) => t,
        (ExpiryPolicy::Best, None, _) | (ExpiryPolicy::Best, _, None) => None,
        (ExpiryPolicy::Best, Some(t), Some(s)) => Some(t.max(s)),
    };
    wallet::set_state_and_expiry(conn, target.id, target.state, expires_at)?;
    // The source gave everything it stored: its EDR drains it, then it is gone.
    let drained: Vec<_> = source_before.iter().map(|(id, _, _)| (*id, 0, 0)).collect();
    let source_parts = ledger::parts(&source_before, &drained);
    let source_edr = ledger::write_edr(
        conn,
        &source,
        EdrType::Merge,
        Some(source_sub.id),
        &who,
        now,
        &source_parts,
    )?;
    let target_parts = ledger::parts(&target_before, &target_after);
    let target_edr = ledger::write_edr(
        conn,
        &target,
        EdrType::Merge,
        Some(target_sub),
        &who,
        now,
        &target_parts,
    )?;
    wallet::fold_into(conn, source.id, target.id)?;
    let target_now = wallet::find(conn, WalletId(target.id))?;
    AuditEvent::new(ObjectKind::Wallet, source.id, Action::Merge)
        .before(&source)
        .after_value(serde_json::json!({
            "merged_into": target.wallet_ref,
            "deleted": true,
            "edr_id": source_edr,
        }))
        .reason(r.reason.as_deref())
        .write(conn, &actor)?;
    AuditEvent::new(ObjectKind::Wallet, target.id, Action::Merge)
        .before(&target)
        .after_value(serde_json::json!({
            "merged_from": source.wallet_ref,
            "expiry_policy": r.expiry.code(),
            "bucket_policy": r.buckets.code(),
            "wallet": target_now,
            "edr_id": target_edr,
        }))
        .reason(r.reason.as_deref())
        .write(conn, &actor)?;
    // The merged buckets may take a tracker balance to a promotion's threshold.
    if let Some(t) = target_now {
        super::promotions::award_due(
            conn,
            &t,
            Some(target_sub),
            &super::promotions::Who {
                operator_name: Some(who.operator_name),
                actor: &actor,
            },
            now,
        )?;
    }
    Ok(())
}

/// Where a source bucket's value goes.
enum Dest {
    /// Added to the target's undated bucket of its balance type.
    Undated,
    /// Joins this target bucket, which takes the later expiry.
    Join(Bucket),
    /// Moves over with its dates.
    Move,
}

/// The source's buckets into the target, under the bucket policy and the target's maximums.
fn move_buckets(
    conn: &mut DbConnection,
    source: &Wallet,
    target: &Wallet,
    policy: BucketPolicy,
    now: i64,
    decimals: u32,
) -> Result<(), Fail> {
    let target_balances = balance::of_wallet(conn, WalletId(target.id))?;
    for b in balance::of_wallet(conn, WalletId(source.id))? {
        let bt = &b.balance_type;
        let mine = target_balances.iter().find(|t| t.balance_type.id == bt.id);
        let mut plan: Vec<(Bucket, Dest)> = b
            .buckets
            .iter()
            .map(|k| {
                let into = if k.starts_at.is_none() && k.expires_at.is_none() {
                    Dest::Undated
                } else if policy == BucketPolicy::Merge && k.starts_at.is_none() {
                    mine.and_then(|t| {
                        t.buckets
                            .iter()
                            .find(|x| x.expires_at.is_some() && x.starts_at.is_none())
                    })
                    .map(|x| Dest::Join(x.clone()))
                    .unwrap_or(Dest::Move)
                } else {
                    Dest::Move
                };
                (k.clone(), into)
            })
            .collect();
        // The maximum: what the merge adds to the target's counted total must fit.
        if let Some(max) = bt.max_value {
            let total = mine.map(|t| t.total_at(now)).unwrap_or(0);
            let added: i64 = plan
                .iter()
                .filter(|(k, _)| k.dates().counts_at(now))
                .map(|(k, _)| k.value)
                .sum();
            let mut excess = (total + added - max).min(added);
            if excess > 0 && added > 0 {
                if bt.max_policy == MaxPolicy::Reject {
                    return refuse(
                        "source_wallet_type",
                        format!(
                            "The merge would take {} beyond its maximum of {}; nothing was changed.",
                            bt.code,
                            crate::domain::Amount::from_minor(max).show(bt.unit, decimals)
                        ),
                    );
                }
                for (k, _) in plan.iter_mut().rev() {
                    if excess <= 0 {
                        break;
                    }
                    if k.dates().counts_at(now) && k.value > 0 {
                        let cut = k.value.min(excess);
                        k.value -= cut;
                        excess -= cut;
                    }
                }
            }
        }
        let balance_id = balance::balance_id(conn, WalletId(target.id), bt.id)?;
        for (k, into) in plan {
            match into {
                Dest::Undated => ledger::credit_undated(conn, target.id, bt.id, k.value)?,
                Dest::Join(x) => {
                    // Read it again: an earlier source bucket may have joined it already.
                    let current = balance::of_wallet(conn, WalletId(target.id))?
                        .into_iter()
                        .flat_map(|b| b.buckets)
                        .find(|y| y.id == x.id)
                        .unwrap_or(x);
                    let later = current.expires_at.max(k.expires_at);
                    balance::update_bucket(
                        conn,
                        current.id,
                        current.value.saturating_add(k.value),
                        BucketDates {
                            starts_at: None,
                            expires_at: later,
                        },
                    )?;
                }
                Dest::Move => {
                    balance::insert_bucket(conn, balance_id, k.value, k.dates())?;
                }
            }
        }
    }
    Ok(())
}
