//! The EDR viewer of the edit screen (`GET /subscribers/{id}/edrs?…`, declared in
//! `lists::edrs`), one EDR's details (`GET /edrs/{id}`) and its reverse charge
//! (`POST /edrs/{id}/reverse`: 303 back to the viewer; 422 refused; 409 reversed already).

use super::Posted;
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::domain::balance::EdrType;
use crate::domain::subscriber::WalletType;
use crate::domain::{Amount, FormState};
use crate::error::AppResult;
use crate::lists::edrs::{EdrParams, EdrSort, COLUMNS, FILTERS};
use crate::lists::pane_text;
use crate::routes::{render, see_other, Layout};
use crate::service::money::edrs::{self as service, Reversed};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

pub struct EdrView {
    pub id: i64,
    pub cells: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "subscribers/edrs.html")]
pub struct EdrsPage {
    pub layout: Layout,
    pub subscriber_id: i64,
    pub cli: String,
    pub form: FormState,
    pub columns: Vec<&'static str>,
    pub rows: Vec<EdrView>,
    pub more: bool,
    pub masked: bool,
    pub wallet_types: Vec<(String, String)>,
    pub edr_types: Vec<(String, String)>,
    pub sorts: Vec<(String, String)>,
    /// The filters as a query string, for the export links and the column sorts.
    pub export_query: String,
    pub date_sort: &'static str,
    pub type_sort: &'static str,
    /// The viewer again in another order (clicking a column heading).
    pub date_href: String,
    pub type_href: String,
    pub cost_href: String,
}

/// The filters of `form` as a query string, with `sort` replaced when given.
fn query_string(form: &FormState, sort: Option<&str>) -> String {
    let kept: Vec<(&str, &str)> = FILTERS
        .iter()
        .map(|k| {
            let v = if *k == "sort" {
                sort.unwrap_or(form.value(k))
            } else {
                form.value(k)
            };
            (*k, v)
        })
        .filter(|(k, v)| !v.is_empty() || *k == "start" || *k == "end")
        .collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

pub async fn page(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: web::Query<EdrParams>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let params = query.into_inner();
    let who = op.clone();
    let v = with_conn(&state, move |conn| service::viewer(conn, &who, id, &params)).await?;
    let status = if v.form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let sort = EdrSort::parse(v.form.value("sort"));
    let date_sort = if sort == EdrSort::Date {
        EdrSort::DateAsc
    } else {
        EdrSort::Date
    };
    let type_sort = if sort == EdrSort::EdrType {
        EdrSort::EdrTypeDesc
    } else {
        EdrSort::EdrType
    };
    let page = EdrsPage {
        layout: Layout::for_operator(&op, &flashes),
        subscriber_id: v.subscriber.id,
        cli: v.subscriber.cli.clone(),
        columns: COLUMNS.iter().map(|c| c.label).collect(),
        rows: v
            .rows
            .iter()
            .map(|r| EdrView {
                id: r.edr.id,
                cells: COLUMNS
                    .iter()
                    .map(|c| pane_text((c.cell)(r), &op.zone))
                    .collect(),
            })
            .collect(),
        more: v.more,
        masked: v.masked,
        wallet_types: WalletType::ALL
            .iter()
            .map(|t| (t.code().to_string(), t.label().to_string()))
            .collect(),
        edr_types: EdrType::ALL
            .iter()
            .map(|t| (t.code().to_string(), t.label().to_string()))
            .collect(),
        sorts: EdrSort::ALL
            .iter()
            .map(|s| (s.key().to_string(), s.label().to_string()))
            .collect(),
        export_query: query_string(&v.form, None),
        date_href: format!(
            "/subscribers/{id}/edrs?{}",
            query_string(&v.form, Some(date_sort.key()))
        ),
        type_href: format!(
            "/subscribers/{id}/edrs?{}",
            query_string(&v.form, Some(type_sort.key()))
        ),
        cost_href: format!(
            "/subscribers/{id}/edrs?{}",
            query_string(&v.form, Some("cost"))
        ),
        date_sort: date_sort.key(),
        type_sort: type_sort.key(),
        form: v.form,
    };
    render(status, &page)
}

pub struct PartView {
    pub code: String,
    pub cost: String,
    pub before: String,
    pub after: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "subscribers/edr.html")]
pub struct EdrPage {
    pub layout: Layout,
    pub id: i64,
    pub fields: Vec<(&'static str, String)>,
    pub parts: Vec<PartView>,
    pub subscriber_id: Option<i64>,
    pub reverses: Option<i64>,
    pub reversed_by: Option<i64>,
    pub reversible: bool,
    pub reason_required: bool,
    pub can_edit: bool,
    pub form: FormState,
}

async fn details_page(
    state: &web::Data<AppState>,
    op: &CurrentOperator,
    id: i64,
    form: FormState,
    flashes: &IncomingFlashMessages,
) -> AppResult<EdrPage> {
    let who = op.clone();
    let d = with_conn(state, move |conn| service::details(conn, &who, id)).await?;
    let r = &d.row;
    let fields = COLUMNS
        .iter()
        .map(|c| (c.label, pane_text((c.cell)(r), &op.zone)))
        .collect();
    let parts = r
        .parts
        .iter()
        .map(|p| {
            let show = |v: i64| Amount::from_minor(v).show(p.unit, r.decimals);
            PartView {
                code: p.code.clone(),
                cost: show(p.cost),
                before: show(p.before_total),
                after: show(p.after_total),
            }
        })
        .collect();
    Ok(EdrPage {
        layout: Layout::for_operator(op, flashes),
        id: r.edr.id,
        fields,
        parts,
        subscriber_id: r.edr.subscriber_id,
        reverses: r.edr.reverses_edr_id,
        reversed_by: d.reversed_by,
        reversible: d.reversible,
        reason_required: d.reason_required,
        can_edit: op.role.can_edit(),
        form,
    })
}

pub async fn details(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<EdrPage> {
    details_page(
        &state,
        &op,
        path.into_inner(),
        FormState::default(),
        &flashes,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReverseForm {
    pub change_reason: String,
}

pub async fn reverse(
    editor: Editor,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: CsrfForm<Posted<ReverseForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let op = editor.0;
    let who = op.clone();
    let reason = form.0.form.change_reason;
    let outcome = with_conn(&state, move |conn| {
        service::reverse(conn, &who, id, &reason)
    })
    .await?;
    let (status, f) = match outcome {
        Reversed::Done {
            reversal_id,
            subscriber_id,
        } => {
            FlashMessage::success(format!("EDR {id} reversed (reversal EDR {reversal_id})."))
                .send();
            return Ok(see_other(&match subscriber_id {
                Some(s) => format!("/subscribers/{s}/edrs"),
                None => format!("/edrs/{reversal_id}"),
            }));
        }
        Reversed::Refused(f) => (StatusCode::UNPROCESSABLE_ENTITY, f),
        Reversed::AlreadyReversed(f) => (StatusCode::CONFLICT, f),
    };
    render(status, &details_page(&state, &op, id, f, &flashes).await?)
}
