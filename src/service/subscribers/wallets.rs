//! The new-wallet step of a subscriber: either a private wallet (its reference generated when
//! left blank) or a link to an existing wallet of the same provider, which is then shared. A
//! subscriber holds at most a primary and a secondary wallet; a reason is asked for while
//! financial changes are audited.

use super::edit_data::currency_options;
use super::form::{checkbox, id_options, on, pick_option};
use crate::auth::CurrentOperator;
use crate::db::models::ref_data::{self, Currency, RefKind};
use crate::db::models::settings;
use crate::db::models::subscriber::Subscriber;
use crate::db::models::wallet::{self, NewWallet, Wallet};
use crate::db::models::SubscriberId;
use crate::db::{write_transaction, DbConnection};
use crate::domain::subscriber::{
    parse_max_concurrent, ChangeReason, LimitType, WalletRef, WalletState, WalletType,
};
use crate::domain::{Amount, FormState, Unit};
use crate::error::{AppError, AppResult};
use crate::service::access::{subscriber_visible, Scope};
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use crate::service::unique_to_field;
use rand::Rng;
use serde::Deserialize;

/// The form as posted; every field is text so nothing is lost before it is checked.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct WalletForm {
    pub wallet_type: String,
    pub link_existing: String,
    pub wallet_ref: String,
    pub charging_domain_id: String,
    pub product_type_id: String,
    pub display_currency_id: String,
    pub currency_id: String,
    pub customer: String,
    pub limit_type: String,
    pub min_credit: String,
    pub max_concurrent: String,
    pub change_reason: String,
}

impl WalletForm {
    /// The typed values, to show the form again.
    pub fn state(&self) -> FormState {
        let mut f = FormState::default();
        for (k, v) in [
            ("wallet_type", &self.wallet_type),
            ("wallet_ref", &self.wallet_ref),
            ("charging_domain_id", &self.charging_domain_id),
            ("product_type_id", &self.product_type_id),
            ("display_currency_id", &self.display_currency_id),
            ("currency_id", &self.currency_id),
            ("customer", &self.customer),
            ("limit_type", &self.limit_type),
            ("min_credit", &self.min_credit),
            ("max_concurrent", &self.max_concurrent),
            ("change_reason", &self.change_reason),
        ] {
            f.set(k, v.trim());
        }
        f.set("link_existing", on(checkbox(&self.link_existing)));
        f
    }
}

/// Lists the form offers, and what it needs to know about the subscriber.
pub struct Choices {
    pub domains: Vec<(String, String)>,
    pub product_types: Vec<(String, String)>,
    pub currencies: Vec<Currency>,
    pub currency_options: Vec<(String, String)>,
    /// The wallet types the subscriber does not hold yet.
    pub free_types: Vec<(String, String)>,
    pub audit_on: bool,
}

/// The subscriber (404 outside the operator's scope) and what its new-wallet form offers.
#[tracing::instrument(skip(conn))]
pub fn new_wallet_form(
    conn: &mut DbConnection,
    scope: Scope,
    subscriber_id: SubscriberId,
) -> AppResult<(Subscriber, Choices)> {
    let s = subscriber_visible(conn, scope, subscriber_id.0)?;
    let choices = choices(conn, s.id)?;
    Ok((s, choices))
}

fn choices(conn: &mut DbConnection, subscriber_id: i64) -> AppResult<Choices> {
    let held: Vec<WalletType> = wallet::held_by(conn, subscriber_id)?
        .into_iter()
        .map(|h| h.wallet_type)
        .collect();
    let currencies = ref_data::all_currencies(conn)?;
    Ok(Choices {
        domains: id_options(ref_data::options(conn, RefKind::ChargingDomains)?),
        product_types: id_options(ref_data::options(conn, RefKind::ProductTypes)?),
        currency_options: currency_options(&currencies),
        currencies,
        free_types: WalletType::ALL
            .iter()
            .filter(|t| !held.contains(t))
            .map(|t| (t.code().to_string(), t.label().to_string()))
            .collect(),
        audit_on: settings::audit_financial_changes(conn)?,
    })
}

/// What adding a wallet ended in.
#[derive(Debug)]
pub enum AddWalletOutcome {
    Added {
        wallet_ref: String,
        wallet_type: WalletType,
    },
    Invalid(FormState),
}

/// Adds a private or shared wallet to subscriber `subscriber_id` (404 outside `op`'s scope).
#[tracing::instrument(skip(conn, op, form), fields(operator = %op.username))]
pub fn add(
    conn: &mut DbConnection,
    op: &CurrentOperator,
    subscriber_id: SubscriberId,
    form: &WalletForm,
) -> AppResult<AddWalletOutcome> {
    let s = subscriber_visible(conn, op.service_provider_id, subscriber_id.0)?;
    let choices = choices(conn, s.id)?;
    let mut f = form.state();
    let (wallet_type, plan) = match parse(form, &choices, &mut f) {
        Some(p) if !f.has_errors() => p,
        _ => return Ok(AddWalletOutcome::Invalid(f)),
    };
    let to = Target {
        sp: s.service_provider_id,
        subscriber_id: s.id,
        wallet_type,
        reason: Some(form.change_reason.trim().to_string()).filter(|r| !r.is_empty()),
        actor: op.actor(),
    };
    let written: AppResult<AddWalletOutcome> =
        write_transaction(conn, |conn| add_in_transaction(conn, &to, plan, f));
    // Two saves racing for the same reference or wallet slot: the indexes decide, and whichever
    // it was, the message goes on the reference.
    written.or_else(|e| {
        let mut f = form.state();
        unique_to_field(
            e,
            &mut f,
            &[(
                "",
                "wallet_ref",
                "Someone else just added this wallet or reference; reload and check.",
            )],
        )?;
        Ok(AddWalletOutcome::Invalid(f))
    })
}

/// Where the wallet goes, and who records it why.
struct Target {
    sp: i64,
    subscriber_id: i64,
    wallet_type: WalletType,
    reason: Option<String>,
    actor: String,
}

fn add_in_transaction(
    conn: &mut DbConnection,
    to: &Target,
    plan: WalletPlan,
    f: FormState,
) -> AppResult<AddWalletOutcome> {
    let found = match plan {
        WalletPlan::Link(r) => existing(conn, to, &r, f)?,
        WalletPlan::Private(p) => private(conn, to, p, f)?,
    };
    let w = match found {
        Ok(w) => w,
        Err(f) => return Ok(AddWalletOutcome::Invalid(f)),
    };
    wallet::link(conn, to.subscriber_id, to.wallet_type, w.id)?;
    let shared = wallet::holders(conn, w.id)? > 1;
    AuditEvent::new(ObjectKind::Subscriber, to.subscriber_id, Action::AddWallet)
        .after_value(serde_json::json!({
            "wallet_type": to.wallet_type.code(),
            "wallet_ref": w.wallet_ref,
            "wallet_id": w.id,
            "shared": shared,
        }))
        .reason(to.reason.as_deref())
        .write(conn, &to.actor)?;
    Ok(AddWalletOutcome::Added {
        wallet_ref: w.wallet_ref,
        wallet_type: to.wallet_type,
    })
}

/// The wallet to share, if it exists in the provider and the subscriber does not hold it yet.
fn existing(
    conn: &mut DbConnection,
    to: &Target,
    r: &WalletRef,
    mut f: FormState,
) -> AppResult<Result<Wallet, FormState>> {
    let Some(w) = wallet::find_by_ref(conn, to.sp, r.as_str())? else {
        f.error(
            "wallet_ref",
            "No wallet of this service provider has this reference.",
        );
        return Ok(Err(f));
    };
    let held = wallet::held_by(conn, to.subscriber_id)?;
    if held.iter().any(|h| h.wallet.id == w.id) {
        f.error("wallet_ref", "This subscriber already holds this wallet.");
        return Ok(Err(f));
    }
    Ok(Ok(w))
}

/// A new private wallet, once its customer and reference pass; recorded as created.
fn private(
    conn: &mut DbConnection,
    to: &Target,
    p: PrivateWallet,
    mut f: FormState,
) -> AppResult<Result<Wallet, FormState>> {
    let customer_id = match &p.customer {
        None => None,
        Some(code) => match wallet::customer_by_account(conn, to.sp, code)? {
            Some(c) => Some(c.id),
            None => {
                f.error(
                    "customer",
                    "No customer of this service provider has this account code.",
                );
                None
            }
        },
    };
    let wallet_ref = match p.wallet_ref {
        Some(r) if wallet::ref_taken(conn, to.sp, r.as_str())? => {
            f.error(
                "wallet_ref",
                "A wallet with this reference exists already. Tick “link to an existing wallet” to share it, or choose another reference.",
            );
            r
        }
        Some(r) => r,
        None => generate_ref(conn, to.sp)?,
    };
    if f.has_errors() {
        return Ok(Err(f));
    }
    let now = crate::db::now();
    let w = wallet::insert(
        conn,
        &NewWallet {
            service_provider_id: to.sp,
            wallet_ref: wallet_ref.into_inner(),
            charging_domain_id: p.charging_domain_id,
            product_type_id: p.product_type_id,
            currency_id: p.currency_id,
            display_currency_id: p.display_currency_id,
            customer_id,
            limit_type: p.limit_type,
            min_credit_minor: p.min_credit,
            max_concurrent: p.max_concurrent,
            state: WalletState::PreUse,
            created_at: now,
            updated_at: now,
        },
    )?;
    AuditEvent::created(ObjectKind::Wallet, w.id, &w)
        .reason(to.reason.as_deref())
        .write(conn, &to.actor)?;
    Ok(Ok(w))
}

fn generate_ref(conn: &mut DbConnection, sp: i64) -> AppResult<WalletRef> {
    let mut rng = rand::thread_rng();
    for _ in 0..10 {
        let r = WalletRef::generated(rng.gen_range(10_000_000_000u64..100_000_000_000));
        if !wallet::ref_taken(conn, sp, r.as_str())? {
            return Ok(r);
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "no free wallet reference after 10 tries"
    )))
}

/// A private wallet with every rule checked (the customer and the reference are checked in the
/// database later).
struct PrivateWallet {
    wallet_ref: Option<WalletRef>,
    charging_domain_id: i64,
    product_type_id: i64,
    display_currency_id: i64,
    currency_id: i64,
    customer: Option<String>,
    limit_type: LimitType,
    min_credit: Option<i64>,
    max_concurrent: i32,
}

enum WalletPlan {
    Link(WalletRef),
    Private(PrivateWallet),
}

/// Checks the form (no database); messages go next to their fields in `f`.
fn parse(
    form: &WalletForm,
    choices: &Choices,
    f: &mut FormState,
) -> Option<(WalletType, WalletPlan)> {
    let wallet_type = wallet_type(form, choices, f);
    // Required while financial changes are audited; checked whenever one is given.
    if choices.audit_on || !form.change_reason.trim().is_empty() {
        f.check("change_reason", ChangeReason::parse(&form.change_reason));
    }
    if checkbox(&form.link_existing) {
        if form.wallet_ref.trim().is_empty() {
            f.error("wallet_ref", "Enter the reference of the wallet to share.");
            return None;
        }
        let r = f.check("wallet_ref", WalletRef::parse(&form.wallet_ref));
        return Some((wallet_type?, WalletPlan::Link(r?)));
    }
    let private = private_wallet(form, choices, f);
    Some((wallet_type?, WalletPlan::Private(private?)))
}

/// The wallet type asked for (the first free one when none is), if the subscriber has none yet.
fn wallet_type(form: &WalletForm, choices: &Choices, f: &mut FormState) -> Option<WalletType> {
    let wallet_type = if form.wallet_type.trim().is_empty() {
        choices
            .free_types
            .first()
            .and_then(|(t, _)| WalletType::parse(t).ok())
    } else {
        WalletType::parse(&form.wallet_type)
            .ok()
            .filter(|t| choices.free_types.iter().any(|(c, _)| c == t.code()))
    };
    if wallet_type.is_none() {
        f.error(
            "wallet_type",
            if choices.free_types.is_empty() {
                "This subscriber already has a primary and a secondary wallet."
            } else {
                "Choose a wallet type this subscriber does not have yet."
            },
        );
    }
    wallet_type
}

fn private_wallet(
    form: &WalletForm,
    choices: &Choices,
    f: &mut FormState,
) -> Option<PrivateWallet> {
    let wallet_ref = if form.wallet_ref.trim().is_empty() {
        Some(None)
    } else {
        f.check("wallet_ref", WalletRef::parse(&form.wallet_ref).map(Some))
    };
    let mut pick = |field: &str, value: &str, options: &[(String, String)], what: &str| {
        f.check(field, pick_option(value, options, what))
    };
    let domain = pick(
        "charging_domain_id",
        &form.charging_domain_id,
        &choices.domains,
        "a charging domain",
    );
    let product_type = pick(
        "product_type_id",
        &form.product_type_id,
        &choices.product_types,
        "a product type",
    );
    let display = pick(
        "display_currency_id",
        &form.display_currency_id,
        &choices.currency_options,
        "a display currency",
    );
    let currency = pick(
        "currency_id",
        &form.currency_id,
        &choices.currency_options,
        "a wallet currency",
    );
    let limit_type = f.check("limit_type", LimitType::parse(&form.limit_type));
    let min_credit = min_credit(form, choices, limit_type, display, f);
    let max_concurrent = f.check(
        "max_concurrent",
        parse_max_concurrent(if form.max_concurrent.trim().is_empty() {
            "1"
        } else {
            &form.max_concurrent
        }),
    );
    let customer = form.customer.trim();
    Some(PrivateWallet {
        wallet_ref: wallet_ref?,
        charging_domain_id: domain?,
        product_type_id: product_type?,
        display_currency_id: display?,
        currency_id: currency?,
        customer: (!customer.is_empty()).then(|| customer.to_string()),
        limit_type: limit_type?,
        min_credit: min_credit?,
        max_concurrent: max_concurrent?,
    })
}

/// The minimum credit, in the display currency's minor units: only a Limited Postpaid wallet
/// has one, and it must.
fn min_credit(
    form: &WalletForm,
    choices: &Choices,
    limit_type: Option<LimitType>,
    display: Option<i64>,
    f: &mut FormState,
) -> Option<Option<i64>> {
    match limit_type {
        Some(t) if t.has_minimum_credit() => {
            let decimals = display
                .and_then(|id| choices.currencies.iter().find(|c| c.id == id))
                .map(|c| c.decimals.max(0) as u32)
                .unwrap_or(2);
            f.check(
                "min_credit",
                Amount::parse_non_negative(&form.min_credit, Unit::Cash, decimals)
                    .map(|a| Some(a.minor()))
                    .map_err(|m| format!("A Limited Postpaid wallet needs a minimum credit. {m}")),
            )
        }
        Some(_) if !form.min_credit.trim().is_empty() => {
            f.error(
                "min_credit",
                "Only a Limited Postpaid wallet has a minimum credit; leave this empty.",
            );
            None
        }
        _ => Some(None),
    }
}
