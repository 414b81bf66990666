//! `/admin/promotions` (admins): the tracker promotions of every provider, and the add form.

use super::super::subscribers::Posted;
use crate::auth::{Admin, CsrfForm};
use crate::domain::{Amount, FormState};
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::money::balance_types::CASH_DECIMALS;
use crate::service::money::promotions::{self as service, Created, PromotionForm};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub struct PromotionRow {
    pub id: i64,
    pub provider: String,
    pub name: String,
    pub tracker: String,
    pub threshold: String,
    pub reward: String,
    pub validity: String,
    pub ends: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/promotions.html")]
pub struct PromotionsPage {
    pub layout: Layout,
    pub rows: Vec<PromotionRow>,
    pub providers: Vec<(String, String)>,
    pub trackers: Vec<(String, String)>,
    pub types: Vec<(String, String)>,
    pub form: FormState,
}

async fn page(
    state: &web::Data<AppState>,
    layout: Layout,
    form: FormState,
    zone: crate::domain::Zone,
) -> AppResult<PromotionsPage> {
    let (promotions, types, providers) = with_conn(state, service::list).await?;
    let provider = |id: i64| crate::routes::object_form::name_of(&providers, id);
    let ty = |id: i64| types.iter().find(|t| t.id == id);
    let amount = |v: i64, id: i64| {
        let t = ty(id);
        format!(
            "{} {}",
            Amount::from_minor(v).show(
                t.map(|t| t.unit).unwrap_or(crate::domain::Unit::Units),
                CASH_DECIMALS
            ),
            t.map(|t| t.code.as_str()).unwrap_or("")
        )
    };
    let rows = promotions
        .iter()
        .map(|p| PromotionRow {
            id: p.id,
            provider: provider(p.service_provider_id),
            name: p.name.clone(),
            tracker: ty(p.tracker_balance_type_id)
                .map(|t| t.code.clone())
                .unwrap_or_default(),
            threshold: amount(p.threshold, p.tracker_balance_type_id),
            reward: amount(p.reward, p.reward_balance_type_id),
            validity: p
                .validity_days
                .map(|d| format!("{d} day(s)"))
                .unwrap_or_else(|| "Does not expire".into()),
            ends: p
                .ends_at
                .map(|t| format!("until {}", zone.time(t)))
                .unwrap_or_else(|| "Runs on".into()),
        })
        .collect();
    let option = |t: &crate::db::models::balance::BalanceType| {
        (
            t.id.to_string(),
            format!(
                "{} — {} ({})",
                t.code,
                t.name,
                provider(t.service_provider_id)
            ),
        )
    };
    Ok(PromotionsPage {
        layout,
        rows,
        providers: providers
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
        trackers: types
            .iter()
            .filter(|t| t.category == crate::domain::balance::Category::Tracker)
            .map(option)
            .collect(),
        types: types.iter().map(option).collect(),
        form,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<PromotionsPage> {
    let zone = admin.0.zone.clone();
    page(
        &state,
        Layout::for_operator(&admin.0, &flashes),
        FormState::default(),
        zone,
    )
    .await
}

pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<Posted<PromotionForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let actor = admin.0.actor();
    let posted = form.0.form;
    match with_conn(&state, move |conn| service::create(conn, &actor, &posted)).await? {
        Created::Created(p) => {
            FlashMessage::success(format!("Promotion {} added.", p.name)).send();
            Ok(see_other("/admin/promotions"))
        }
        Created::Invalid(f) => {
            let zone = admin.0.zone.clone();
            let p = page(&state, Layout::for_operator(&admin.0, &flashes), f, zone).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}
