//! `/customers/{id}/calls?from=&to=`: calls, minutes and cost by destination prefix and by day,
//! with a server-side SVG chart of the cost per day.

use super::PeriodQuery;
use crate::auth::CurrentOperator;
use crate::domain::{Amount, Unit};
use crate::error::{AppError, AppResult};
use crate::routes::Layout;
use crate::service::billing::calls as service;
use crate::service::billing::period;
use crate::state::{with_conn, AppState};
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;

pub struct RowView {
    pub key: String,
    pub calls: i64,
    pub minutes: String,
    pub seconds: i64,
    pub cost: String,
    pub cost_minor: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/calls.html")]
pub struct CallsPage {
    pub layout: Layout,
    pub id: i64,
    pub company: String,
    pub from: String,
    pub to: String,
    pub error: String,
    pub total: RowView,
    pub prefixes: Vec<RowView>,
    pub days: Vec<RowView>,
    pub chart: String,
    pub query: String,
}

fn row(key: String, calls: i64, seconds: i64, cost: i64, d: u32) -> RowView {
    RowView {
        key,
        calls,
        minutes: Amount::from_minor(seconds).show(Unit::Time, 0),
        seconds,
        cost: Amount::from_minor(cost).show(Unit::Cash, d),
        cost_minor: cost,
    }
}

pub async fn page(
    state: web::Data<AppState>,
    op: CurrentOperator,
    path: web::Path<i64>,
    query: web::Query<PeriodQuery>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let zone = op.zone.clone();
    let layout = Layout::for_operator(&op, &flashes);
    let (p, error) = match period(query.from.as_deref(), query.to.as_deref(), &zone) {
        Ok(p) => (p, String::new()),
        Err(m) => (period(None, None, &zone).map_err(AppError::BadRequest)?, m),
    };
    let scope = op.service_provider_id;
    let (pz, zz) = (p.clone(), zone.clone());
    let a = with_conn(&state, move |conn| {
        service::analysis(conn, scope, id, &pz, &zz)
    })
    .await?;
    let d = a.decimals;
    let days: Vec<RowView> = a
        .days
        .iter()
        .map(|x| row(x.date.clone(), x.calls, x.seconds, x.cost, d))
        .collect();
    let chart = super::chart::bars(
        "Call cost per day",
        &a.days
            .iter()
            .map(|x| (x.date.clone(), x.cost))
            .collect::<Vec<_>>(),
    );
    let page = CallsPage {
        id,
        company: a.customer.company.clone(),
        query: format!("from={}&to={}", p.from, p.to),
        from: if error.is_empty() {
            p.from.clone()
        } else {
            query.from.clone().unwrap_or_default()
        },
        to: if error.is_empty() {
            p.to.clone()
        } else {
            query.to.clone().unwrap_or_default()
        },
        error,
        total: row(
            "all".into(),
            a.totals.calls,
            a.totals.seconds,
            a.totals.cost,
            d,
        ),
        prefixes: a
            .prefixes
            .iter()
            .map(|x| row(x.prefix.clone(), x.calls, x.seconds, x.cost, d))
            .collect(),
        days,
        chart,
        layout,
    };
    let status = if page.error.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    crate::routes::render(status, &page)
}
