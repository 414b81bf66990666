//! A customer administrator's own exports: `/c/{webid}/sites/export.{fmt}` and
//! `/c/{webid}/sites/{site_id}/links/export.{fmt}`, always scoped to the signed-in customer
//! (by `service::exports::start`) and always sent at once. The portal panes show the default
//! columns; `view=all` gives every column.

use crate::auth::PortalUser;
use crate::db::models::SortDir;
use crate::error::AppResult;
use crate::lists::spec::ListSpec;
use crate::routes::exports::lists::ExportQuery;
use crate::routes::exports::respond::{self, parse_format, parse_view};
use crate::service::exports::{ExportRequest, Mode, Requester};
use crate::state::AppState;
use actix_web::{web, HttpResponse};

async fn export(
    user: &PortalUser,
    state: &web::Data<AppState>,
    ext: &str,
    q: &ExportQuery,
    list: ListSpec,
) -> AppResult<HttpResponse> {
    let request = ExportRequest {
        list,
        format: parse_format(ext)?,
        view: parse_view(q.view.as_deref(), None)?,
        mode: Mode::Direct,
        confirmed: false,
    };
    let who = Requester::Portal {
        customer_id: user.customer.id,
        company: user.customer.company.clone(),
        actor: user.actor(),
        zone: user.zone.clone(),
    };
    respond::start(state, who, request, None).await
}

pub async fn sites(
    user: PortalUser,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<ExportQuery>,
) -> AppResult<HttpResponse> {
    let (_, ext) = path.into_inner();
    let list = ListSpec::Sites {
        customer_id: user.customer.id,
        sort: query.panes.s_sort.clone().unwrap_or_default(),
        dir: SortDir::parse(query.panes.s_dir.as_deref()),
    };
    export(&user, &state, &ext, &query, list).await
}

pub async fn links(
    user: PortalUser,
    state: web::Data<AppState>,
    path: web::Path<(String, i64, String)>,
    query: web::Query<ExportQuery>,
) -> AppResult<HttpResponse> {
    let (_, site_id, ext) = path.into_inner();
    let list = ListSpec::Links {
        site_id,
        sort: query.panes.l_sort.clone().unwrap_or_default(),
        dir: SortDir::parse(query.panes.l_dir.as_deref()),
    };
    export(&user, &state, &ext, &query, list).await
}
