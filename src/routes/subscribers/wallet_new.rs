//! The new-wallet step: GET `/subscribers/{id}/wallets/new`, POST `/subscribers/{id}/wallets`.
//! Either a private wallet (its reference generated when left blank) or a link to an existing
//! wallet of the same provider, which is then shared. A subscriber holds at most a primary and a
//! secondary wallet.

use super::{checkbox, id_options, on, pick_option};
use crate::auth::access::ensure_subscriber_visible as ensure_visible;
use crate::auth::{CsrfField, CsrfForm, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::ref_data::{self, Currency, RefKind};
use crate::db::models::settings;
use crate::db::models::subscriber::Subscriber;
use crate::db::models::wallet::{self, NewWallet};
use crate::db::{write_transaction, DbConnection};
use crate::domain::subscriber::{
    parse_amount, parse_max_concurrent, ChangeReason, LimitType, WalletRef, WalletState, WalletType,
};
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;
use rand::Rng;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WalletForm {
    pub csrf_token: String,
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

impl CsrfField for WalletForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl WalletForm {
    fn state(&self) -> FormState {
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
    pub free_types: Vec<(String, String)>,
    pub audit_on: bool,
}

fn load_choices(conn: &mut DbConnection, subscriber_id: i64) -> AppResult<Choices> {
    let held: Vec<String> = wallet::held_by(conn, subscriber_id)?
        .into_iter()
        .map(|h| h.wallet_type)
        .collect();
    let currencies = ref_data::all_currencies(conn)?;
    Ok(Choices {
        domains: id_options(ref_data::options(conn, RefKind::ChargingDomains)?),
        product_types: id_options(ref_data::options(conn, RefKind::ProductTypes)?),
        currency_options: currencies
            .iter()
            .map(|c| (c.id.to_string(), format!("{} — {}", c.code, c.name)))
            .collect(),
        currencies,
        free_types: WalletType::ALL
            .iter()
            .filter(|t| !held.iter().any(|h| h == t.code()))
            .map(|t| (t.code().to_string(), t.label().to_string()))
            .collect(),
        audit_on: settings::audit_financial_changes(conn)?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "subscribers/wallet_new.html")]
pub struct NewWalletPage {
    pub layout: Layout,
    pub subscriber: Subscriber,
    pub form: FormState,
    pub choices: Choices,
    pub limit_types: Vec<(String, String)>,
}

fn page(
    layout: Layout,
    subscriber: Subscriber,
    form: FormState,
    choices: Choices,
) -> NewWalletPage {
    NewWalletPage {
        layout,
        subscriber,
        form,
        choices,
        limit_types: LimitType::ALL
            .iter()
            .map(|t| (t.code().to_string(), t.label().to_string()))
            .collect(),
    }
}

pub async fn form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<NewWalletPage> {
    let s = ensure_visible(&state, &editor.0, path.into_inner()).await?;
    let id = s.id;
    let choices = with_conn(&state, move |conn| load_choices(conn, id)).await?;
    let mut f = FormState::default();
    if let Some((t, _)) = choices.free_types.first() {
        f.set("wallet_type", t.clone());
    }
    for (field, list) in [
        ("charging_domain_id", &choices.domains),
        ("product_type_id", &choices.product_types),
    ] {
        if let Some((first, _)) = list.first() {
            f.set(field, first.clone());
        }
    }
    if let Some(c) = choices
        .currencies
        .iter()
        .find(|c| c.code == "EUR")
        .or(choices.currencies.first())
    {
        f.set("currency_id", c.id.to_string());
        f.set("display_currency_id", c.id.to_string());
    }
    f.set("limit_type", LimitType::Prepaid.code());
    f.set("max_concurrent", "1");
    Ok(page(
        Layout::for_operator(&editor.0, &flashes),
        s,
        f,
        choices,
    ))
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

enum Plan {
    Link(WalletRef),
    Private(PrivateWallet),
}

fn parse(form: &WalletForm, choices: &Choices, f: &mut FormState) -> Option<(WalletType, Plan)> {
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
        return Some((wallet_type?, Plan::Link(r?)));
    }
    let wallet_ref = if form.wallet_ref.trim().is_empty() {
        Some(None)
    } else {
        f.check("wallet_ref", WalletRef::parse(&form.wallet_ref).map(Some))
    };
    let domain = f.check(
        "charging_domain_id",
        pick_option(
            &form.charging_domain_id,
            &choices.domains,
            "a charging domain",
        ),
    );
    let product_type = f.check(
        "product_type_id",
        pick_option(
            &form.product_type_id,
            &choices.product_types,
            "a product type",
        ),
    );
    let display = f.check(
        "display_currency_id",
        pick_option(
            &form.display_currency_id,
            &choices.currency_options,
            "a display currency",
        ),
    );
    let currency = f.check(
        "currency_id",
        pick_option(
            &form.currency_id,
            &choices.currency_options,
            "a wallet currency",
        ),
    );
    let limit_type = f.check("limit_type", LimitType::parse(&form.limit_type));
    let min_credit = match limit_type {
        Some(t) if t.has_minimum_credit() => {
            let decimals = display
                .and_then(|id| choices.currencies.iter().find(|c| c.id == id))
                .map(|c| c.decimals.max(0) as u32)
                .unwrap_or(2);
            f.check(
                "min_credit",
                parse_amount(&form.min_credit, decimals)
                    .map(Some)
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
    };
    let max_concurrent = f.check(
        "max_concurrent",
        parse_max_concurrent(if form.max_concurrent.trim().is_empty() {
            "1"
        } else {
            &form.max_concurrent
        }),
    );
    let customer = form.customer.trim();
    Some((
        wallet_type?,
        Plan::Private(PrivateWallet {
            wallet_ref: wallet_ref?,
            charging_domain_id: domain?,
            product_type_id: product_type?,
            display_currency_id: display?,
            currency_id: currency?,
            customer: (!customer.is_empty()).then(|| customer.to_string()),
            limit_type: limit_type?,
            min_credit: min_credit?,
            max_concurrent: max_concurrent?,
        }),
    ))
}

enum Outcome {
    Added(String, WalletType),
    Invalid(FormState),
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

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<WalletForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0.clone();
    let s = ensure_visible(&state, &op, path.into_inner()).await?;
    let form = form.0;
    let sid = s.id;
    let choices = with_conn(&state, move |conn| load_choices(conn, sid)).await?;
    let mut f = form.state();
    let parsed = parse(&form, &choices, &mut f);
    let (wallet_type, plan) = match parsed {
        Some(p) if !f.has_errors() => p,
        _ => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(Layout::for_operator(&op, &flashes), s, f, choices),
            )
        }
    };
    let reason = Some(form.change_reason.trim().to_string()).filter(|r| !r.is_empty());
    let actor = op.actor();
    let sp = s.service_provider_id;
    let outcome = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let reason = reason.as_deref();
            let w = match plan {
                Plan::Link(r) => match wallet::find_by_ref(conn, sp, r.as_str())? {
                    None => {
                        f.error(
                            "wallet_ref",
                            "No wallet of this service provider has this reference.",
                        );
                        return Ok(Outcome::Invalid(f));
                    }
                    Some(w) => {
                        if wallet::held_by(conn, sid)?.iter().any(|h| h.wallet.id == w.id) {
                            f.error("wallet_ref", "This subscriber already holds this wallet.");
                            return Ok(Outcome::Invalid(f));
                        }
                        w
                    }
                },
                Plan::Private(p) => {
                    let customer_id = match &p.customer {
                        None => None,
                        Some(code) => match wallet::customer_by_account(conn, sp, code)? {
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
                        Some(r) if wallet::ref_taken(conn, sp, r.as_str())? => {
                            f.error(
                                "wallet_ref",
                                "A wallet with this reference exists already. Tick “link to an existing wallet” to share it, or choose another reference.",
                            );
                            r
                        }
                        Some(r) => r,
                        None => generate_ref(conn, sp)?,
                    };
                    if f.has_errors() {
                        return Ok(Outcome::Invalid(f));
                    }
                    let now = crate::db::now();
                    let w = wallet::insert(
                        conn,
                        &NewWallet {
                            service_provider_id: sp,
                            wallet_ref: wallet_ref.into_inner(),
                            charging_domain_id: p.charging_domain_id,
                            product_type_id: p.product_type_id,
                            currency_id: p.currency_id,
                            display_currency_id: p.display_currency_id,
                            customer_id,
                            limit_type: p.limit_type.code().into(),
                            min_credit_minor: p.min_credit,
                            max_concurrent: p.max_concurrent,
                            state: WalletState::PreUse.code().into(),
                            created_at: now,
                            updated_at: now,
                        },
                    )?;
                    audit::record(
                        conn,
                        Change {
                            actor: &actor,
                            action: "create",
                            object_type: "wallet",
                            object_id: w.id,
                            before: None,
                            after: audit::image(&w),
                            reason,
                        },
                    )?;
                    w
                }
            };
            wallet::link(conn, sid, wallet_type.code(), w.id)?;
            let shared = wallet::holders(conn, w.id)? > 1;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "add_wallet",
                    object_type: "subscriber",
                    object_id: sid,
                    before: None,
                    after: Some(serde_json::json!({
                        "wallet_type": wallet_type.code(),
                        "wallet_ref": w.wallet_ref,
                        "wallet_id": w.id,
                        "shared": shared,
                    })),
                    reason,
                },
            )?;
            Ok::<_, AppError>(Outcome::Added(w.wallet_ref, wallet_type))
        })
    })
    .await;
    match outcome {
        Ok(Outcome::Added(r, t)) => {
            FlashMessage::success(format!("{} wallet {r} added.", t.label())).send();
            Ok(see_other(&format!("/subscribers/{sid}#p-wallets")))
        }
        Ok(Outcome::Invalid(f)) => {
            let choices = with_conn(&state, move |conn| load_choices(conn, sid)).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(Layout::for_operator(&op, &flashes), s, f, choices),
            )
        }
        // Two saves racing for the same reference or wallet slot: the indexes decide.
        Err(AppError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => {
            let mut f = form.state();
            f.error(
                "wallet_ref",
                "Someone else just added this wallet or reference; reload and check.",
            );
            let choices = with_conn(&state, move |conn| load_choices(conn, sid)).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(Layout::for_operator(&op, &flashes), s, f, choices),
            )
        }
        Err(e) => Err(e),
    }
}
