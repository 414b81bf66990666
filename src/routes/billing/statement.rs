//! `/customers/{id}/statement?from=&to=`: the account statement (opening balance, each day's
//! calls, each entry, closing balance) and its five export formats through the one export
//! pipeline (`lists::statement`).

use super::PeriodQuery;
use crate::auth::CurrentOperator;
use crate::domain::{Amount, Unit, Zone};
use crate::error::{AppError, AppResult};
use crate::lists::spec::ListSpec;
use crate::lists::statement::{Line, LineKind};
use crate::routes::exports::respond::{self, parse_format, Ask};
use crate::routes::exports::respond::{parse_mode, parse_view};
use crate::routes::Layout;
use crate::service::billing::payments::decimals;
use crate::service::billing::statement::{self as service, View};
use crate::service::billing::{period, Period};
use crate::service::exports::{ExportRequest, Requester};
use crate::state::{with_conn, AppState};
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;

pub struct LineView {
    pub date: String,
    pub entry: String,
    pub details: String,
    pub reference: String,
    pub amount: String,
    pub balance: String,
    pub kind: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/statement.html")]
pub struct StatementPage {
    pub layout: Layout,
    pub id: i64,
    pub company: String,
    pub from: String,
    pub to: String,
    pub error: String,
    pub opening: i64,
    pub closing: i64,
    pub sums: Vec<(&'static str, &'static str, i64, String)>,
    pub opening_text: String,
    pub closing_text: String,
    pub calls: i64,
    pub lines: Vec<LineView>,
    pub query: String,
}

fn line_view(l: &Line, zone: &Zone) -> LineView {
    let show = |m: i64| Amount::from_minor(m).show(Unit::Cash, l.decimals);
    LineView {
        date: zone.date(l.at),
        entry: l.label(),
        details: l.details(),
        reference: l.reference.clone(),
        amount: match l.kind {
            LineKind::Opening | LineKind::Closing => String::new(),
            _ => show(l.amount),
        },
        balance: show(l.balance),
        kind: match l.kind {
            LineKind::Opening => "opening",
            LineKind::Charges => "charges",
            LineKind::Payment(k) => k.code(),
            LineKind::Closing => "closing",
        },
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
        // A bad period: the message, and this month meanwhile.
        Err(m) => (period(None, None, &zone).map_err(AppError::BadRequest)?, m),
    };
    let scope = op.service_provider_id;
    let (pz, zz) = (p.clone(), zone.clone());
    let v: View = with_conn(&state, move |conn| {
        service::statement(conn, scope, id, &pz, &zz)
    })
    .await?;
    let d = v.decimals;
    let show = |m: i64| Amount::from_minor(m).show(Unit::Cash, d);
    let page = StatementPage {
        id,
        company: v.customer.company.clone(),
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
        opening: v.opening,
        closing: v.closing,
        opening_text: show(v.opening),
        closing_text: show(v.closing),
        sums: vec![
            ("payments", "Payments", v.payments, show(v.payments)),
            ("credits", "Credits", v.credits, show(v.credits)),
            ("debits", "Debits", v.debits, show(v.debits)),
            ("charges", "Call charges", v.charges, show(v.charges)),
        ],
        calls: v.calls,
        lines: v.lines.iter().map(|l| line_view(l, &zone)).collect(),
        layout,
    };
    let status = if page.error.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    crate::routes::render(status, &page)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub mode: Option<String>,
}

pub async fn export(
    state: web::Data<AppState>,
    op: CurrentOperator,
    path: web::Path<(i64, String)>,
    query: web::Query<ExportQuery>,
    ask: Ask,
) -> AppResult<HttpResponse> {
    let (id, ext) = path.into_inner();
    let zone = op.zone.clone();
    let p: Period =
        period(query.from.as_deref(), query.to.as_deref(), &zone).map_err(AppError::BadRequest)?;
    let request = ExportRequest {
        list: ListSpec::Statement {
            customer_id: id,
            // Settled from the customer when the export is described.
            decimals: 2,
            start: p.start,
            end: p.end,
            zone: zone.name().to_string(),
        },
        format: parse_format(&ext)?,
        view: parse_view(None, None)?,
        mode: parse_mode(query.mode.as_deref())?,
        confirmed: false,
    };
    let who = Requester::Operator {
        id: op.id,
        username: op.username.clone(),
        scope: op.service_provider_id,
        zone,
    };
    let _ = decimals;
    respond::start(&state, who, request, Some(ask)).await
}
