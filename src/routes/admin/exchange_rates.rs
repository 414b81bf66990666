//! `/admin/exchange-rates` (admins): the exchange rates between currencies (exact decimals), the
//! form that sets a pair's rate, and deleting one.

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::domain::FormState;
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::money::exchange_rates::{self as service, RateForm, RateOutcome};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub struct RateRow {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub rate: String,
    pub updated: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/exchange_rates.html")]
pub struct ExchangeRatesPage {
    pub layout: Layout,
    pub rows: Vec<RateRow>,
    pub currencies: Vec<(String, String)>,
    pub form: FormState,
}

async fn page(
    state: &web::Data<AppState>,
    admin: &Admin,
    layout: Layout,
    form: FormState,
) -> AppResult<ExchangeRatesPage> {
    let (rates, currencies) = with_conn(state, service::list).await?;
    let code = |id: i64| {
        currencies
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.code.clone())
            .unwrap_or_default()
    };
    let rows = rates
        .iter()
        .map(|r| RateRow {
            id: r.id,
            from: code(r.from_currency_id),
            to: code(r.to_currency_id),
            rate: r.rate().map(|x| x.to_string()).unwrap_or_default(),
            updated: admin.0.zone.time(r.updated_at),
        })
        .collect();
    Ok(ExchangeRatesPage {
        layout,
        rows,
        currencies: currencies
            .iter()
            .map(|c| (c.id.to_string(), format!("{} — {}", c.code, c.name)))
            .collect(),
        form,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<ExchangeRatesPage> {
    let layout = Layout::for_operator(&admin.0, &flashes);
    page(&state, &admin, layout, FormState::default()).await
}

pub async fn set(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let get = |n: &str| form.0.get(n).unwrap_or("").to_string();
    let posted = RateForm {
        from_currency_id: get("from_currency_id"),
        to_currency_id: get("to_currency_id"),
        rate: get("rate"),
    };
    let actor = admin.0.actor();
    match with_conn(&state, move |conn| service::set(conn, &actor, &posted)).await? {
        RateOutcome::Set(_) => {
            FlashMessage::success("Exchange rate saved.").send();
            Ok(see_other("/admin/exchange-rates"))
        }
        RateOutcome::Invalid(f) => {
            let layout = Layout::for_operator(&admin.0, &flashes);
            let p = page(&state, &admin, layout, f).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}

pub async fn delete(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let actor = admin.0.actor();
    if with_conn(&state, move |conn| service::delete(conn, &actor, id)).await? {
        FlashMessage::success("Exchange rate deleted.").send();
        Ok(see_other("/admin/exchange-rates"))
    } else {
        Err(crate::error::AppError::NotFound)
    }
}
