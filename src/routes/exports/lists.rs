//! GET `/customers/export.{fmt}`, `/customers/{id}/sites/export.{fmt}`,
//! `/sites/{id}/links/export.{fmt}`, `/links/export.{fmt}` (all links, the inventory) and
//! `/subscribers/export.{fmt}` (a subscribers search): each names its list from the URL and
//! hands it to `service::exports::start` (through `respond::start`).

use super::respond::{self, parse_format, parse_mode, parse_view, Ask};
use crate::auth::CurrentOperator;
use crate::db::models::SortDir;
use crate::error::{AppError, AppResult};
use crate::lists::spec::ListSpec;
use crate::routes::query_url::PanesQuery;
use crate::routes::subscribers::search::SearchParams;
use crate::service::access::providers_for;
use crate::service::exports::{self, ExportRequest, Requester};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

/// Export options besides the pane's own URL state.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(flatten)]
    pub panes: PanesQuery,
    /// `current` (the columns shown, in order; the default) or `all`.
    pub view: Option<String>,
    /// An explicit comma-separated column list, instead of the view.
    pub columns: Option<String>,
    /// `auto` (background above 50,000 rows), `direct` or `background`.
    pub mode: Option<String>,
}

fn operator(op: &CurrentOperator) -> Requester {
    Requester::Operator {
        id: op.id,
        username: op.username.clone(),
        scope: op.service_provider_id,
        zone: op.zone.clone(),
    }
}

/// Exports `list` as the URL asks.
async fn export(
    op: &CurrentOperator,
    state: &web::Data<AppState>,
    (ext, q, ask): (&str, &ExportQuery, Ask),
    list: ListSpec,
) -> AppResult<HttpResponse> {
    let request = ExportRequest {
        list,
        format: parse_format(ext)?,
        view: parse_view(q.view.as_deref(), q.columns.as_deref())?,
        mode: parse_mode(q.mode.as_deref())?,
        confirmed: false,
    };
    respond::start(state, operator(op), request, Some(ask)).await
}

fn sort_of(sort: &Option<String>, dir: &Option<String>) -> (String, SortDir) {
    (
        sort.clone().unwrap_or_default(),
        SortDir::parse(dir.as_deref()),
    )
}

pub async fn customers(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ExportQuery>,
    ask: Ask,
) -> AppResult<HttpResponse> {
    let (sort, dir) = sort_of(&query.panes.c_sort, &query.panes.c_dir);
    let filter = query.panes.customer_filter();
    let list = ListSpec::Customers { filter, sort, dir };
    export(&op, &state, (&path, &query, ask), list).await
}

pub async fn sites(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    query: web::Query<ExportQuery>,
    ask: Ask,
) -> AppResult<HttpResponse> {
    let (customer_id, ext) = path.into_inner();
    let (sort, dir) = sort_of(&query.panes.s_sort, &query.panes.s_dir);
    let list = ListSpec::Sites {
        customer_id,
        sort,
        dir,
    };
    export(&op, &state, (&ext, &query, ask), list).await
}

pub async fn links(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    query: web::Query<ExportQuery>,
    ask: Ask,
) -> AppResult<HttpResponse> {
    let (site_id, ext) = path.into_inner();
    let (sort, dir) = sort_of(&query.panes.l_sort, &query.panes.l_dir);
    let list = ListSpec::Links { site_id, sort, dir };
    export(&op, &state, (&ext, &query, ask), list).await
}

pub async fn inventory(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ExportQuery>,
    ask: Ask,
) -> AppResult<HttpResponse> {
    // The inventory has no pane: every column unless some are named (`view=` plays no part).
    let request = ExportRequest {
        list: ListSpec::Inventory {
            service_provider: op.service_provider_id,
        },
        format: parse_format(&path)?,
        view: parse_view(None, query.columns.as_deref())?,
        mode: parse_mode(query.mode.as_deref())?,
        confirmed: false,
    };
    respond::start(&state, operator(&op), request, Some(ask)).await
}

/// The subscribers page's query string plus the export options.
#[derive(Debug, Default, Deserialize)]
pub struct SubscriberExportQuery {
    #[serde(flatten)]
    pub search: SearchParams,
    pub columns: Option<String>,
    pub mode: Option<String>,
}

pub async fn subscribers(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<SubscriberExportQuery>,
    ask: Ask,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let format = parse_format(&path)?;
    let view = parse_view(None, q.columns.as_deref())?;
    let mode = parse_mode(q.mode.as_deref())?;
    let who = operator(&op);
    let confirmed = ask.confirmed;
    let started = with_conn(&state, move |conn| {
        let providers = providers_for(conn, op.service_provider_id)?;
        let query = q.search.parse(&providers).map_err(|f| {
            let message = ["search", "match", "service_provider_id"]
                .iter()
                .map(|k| f.message(k))
                .find(|m| !m.is_empty())
                .unwrap_or("This search cannot be exported.");
            AppError::Refused(message.to_string())
        })?;
        let list = ListSpec::Subscribers { query };
        exports::start(
            conn,
            &who,
            ExportRequest {
                list,
                format,
                view,
                mode,
                confirmed,
            },
        )
    })
    .await?;
    respond::answer(&state, started, Some(ask)).await
}

/// The EDR viewer's query string plus the export options.
#[derive(Debug, Default, Deserialize)]
pub struct EdrExportQuery {
    #[serde(flatten)]
    pub filters: crate::lists::edrs::EdrParams,
    pub columns: Option<String>,
    pub mode: Option<String>,
}

/// `/subscribers/{id}/edrs/export.{fmt}`: the EDRs the viewer's filters find (masked unless
/// the operator may see called numbers; decided by `service::exports`).
pub async fn edrs(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    query: web::Query<EdrExportQuery>,
    ask: Ask,
) -> AppResult<HttpResponse> {
    let (subscriber_id, ext) = path.into_inner();
    let q = query.into_inner();
    let form = q.filters.form(&op.zone, crate::db::now());
    let query = crate::lists::edrs::parse(&form, subscriber_id, &op.zone).map_err(|f| {
        let message = crate::lists::edrs::FILTERS
            .iter()
            .map(|k| f.message(k))
            .find(|m| !m.is_empty())
            .unwrap_or("These filters cannot be exported.");
        AppError::BadRequest(message.to_string())
    })?;
    let request = ExportRequest {
        list: ListSpec::Edrs { query },
        format: parse_format(&ext)?,
        view: parse_view(None, q.columns.as_deref())?,
        mode: parse_mode(q.mode.as_deref())?,
        confirmed: false,
    };
    respond::start(&state, operator(&op), request, Some(ask)).await
}
