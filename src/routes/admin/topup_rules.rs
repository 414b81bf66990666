//! `/admin/topup-rules` (admins): the periodic top-up rules with their last run, and the add
//! form (a product type's active wallets, or one subscriber's primary wallet).

use super::super::subscribers::Posted;
use crate::auth::{Admin, CsrfForm};
use crate::domain::topup::TopupPeriod;
use crate::domain::{Amount, FormState, Unit};
use crate::error::AppResult;
use crate::routes::object_form::choices;
use crate::routes::{render, see_other, Layout};
use crate::service::money::balance_types::CASH_DECIMALS;
use crate::service::money::topups::{self as service, Created, RuleForm};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub struct RuleRow {
    pub id: i64,
    pub provider: String,
    pub name: String,
    pub balance_type: String,
    pub amount: String,
    pub period: &'static str,
    pub applies_to: String,
    pub last_run: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/topup_rules.html")]
pub struct RulesPage {
    pub layout: Layout,
    pub rows: Vec<RuleRow>,
    pub providers: Vec<(String, String)>,
    pub types: Vec<(String, String)>,
    pub periods: Vec<(String, String)>,
    pub product_types: Vec<(String, String)>,
    pub form: FormState,
}

async fn page(
    state: &web::Data<AppState>,
    admin: &Admin,
    layout: Layout,
    form: FormState,
) -> AppResult<RulesPage> {
    let l = with_conn(state, service::list).await?;
    let provider = |id: i64| crate::routes::object_form::name_of(&l.providers, id);
    let rows = l
        .rules
        .iter()
        .map(|(r, last)| {
            let t = l.types.iter().find(|t| t.id == r.balance_type_id);
            RuleRow {
                id: r.id,
                provider: provider(r.service_provider_id),
                name: r.name.clone(),
                balance_type: t.map(|t| t.code.clone()).unwrap_or_default(),
                amount: Amount::from_minor(r.amount)
                    .show(t.map(|t| t.unit).unwrap_or(Unit::Units), CASH_DECIMALS),
                period: r.period.label(),
                applies_to: match (r.product_type_id, r.subscriber_id) {
                    (_, Some(s)) => format!("Subscriber #{s}"),
                    (Some(p), None) => format!(
                        "Product type {}",
                        l.product_types
                            .iter()
                            .find(|(id, _)| *id == p)
                            .map(|(_, n)| n.as_str())
                            .unwrap_or("?")
                    ),
                    (None, None) => String::new(),
                },
                last_run: last
                    .map(|t| admin.0.zone.time(t))
                    .unwrap_or_else(|| "Not run yet".into()),
            }
        })
        .collect();
    Ok(RulesPage {
        layout,
        rows,
        providers: l
            .providers
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
        types: l
            .types
            .iter()
            .map(|t| {
                (
                    t.id.to_string(),
                    format!(
                        "{} — {} ({})",
                        t.code,
                        t.name,
                        provider(t.service_provider_id)
                    ),
                )
            })
            .collect(),
        periods: choices(TopupPeriod::ALL, TopupPeriod::code, TopupPeriod::label),
        product_types: l
            .product_types
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
        form,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<RulesPage> {
    let layout = Layout::for_operator(&admin.0, &flashes);
    page(&state, &admin, layout, FormState::default()).await
}

pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<Posted<RuleForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let actor = admin.0.actor();
    let posted = form.0.form;
    match with_conn(&state, move |conn| service::create(conn, &actor, &posted)).await? {
        Created::Created(r) => {
            FlashMessage::success(format!("Top-up rule {} added.", r.name)).send();
            Ok(see_other("/admin/topup-rules"))
        }
        Created::Invalid(f) => {
            let layout = Layout::for_operator(&admin.0, &flashes);
            let p = page(&state, &admin, layout, f).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}
