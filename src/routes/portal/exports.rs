//! A customer administrator's own exports: `/c/{webid}/sites/export.{fmt}` and
//! `/c/{webid}/sites/{site_id}/links/export.{fmt}`, always scoped to the signed-in customer.

use crate::auth::PortalUser;
use crate::db::models::{link, site, SortDir};
use crate::error::{AppError, AppResult};
use crate::export::lists as catalog;
use crate::export::spec::{ExportSpec, ListSpec};
use crate::export::{Column, ExportInfo};
use crate::routes::customers::{columns as pane_columns, pane_view};
use crate::routes::exports::lists::ExportQuery;
use crate::routes::exports::respond::{parse_format, send, Mode};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};

/// The portal panes show the default columns; "all" gives every column.
fn columns(q: &ExportQuery, pane: &str, all: &'static [Column]) -> AppResult<Vec<String>> {
    let chosen = match q.view.as_deref() {
        Some("all") => all.to_vec(),
        None | Some("") | Some("current") => {
            let keys: Vec<&str> = pane_columns::visible(pane, None)
                .iter()
                .map(|c| c.key)
                .collect();
            catalog::choose(all, Some(&keys))
        }
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "“{other}” is not a view; use current or all."
            )))
        }
    };
    Ok(chosen.iter().map(|c| c.key.to_string()).collect())
}

fn info(user: &PortalUser, title: String, stem: &str) -> ExportInfo {
    ExportInfo {
        title,
        stem: stem.into(),
        filters: vec![("Customer".into(), user.customer.company.clone())],
        exported_by: user.actor(),
        exported_at: crate::db::now(),
    }
}

pub async fn sites(
    user: PortalUser,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<ExportQuery>,
) -> AppResult<HttpResponse> {
    let (_, ext) = path.into_inner();
    let format = parse_format(&ext)?;
    let q = query.into_inner();
    let spec = ExportSpec {
        list: ListSpec::Sites {
            customer_id: user.customer.id,
            sort: pane_view::sort_key(&q.panes.s_sort, site::SORT_COLUMNS, "name").into(),
            dir: SortDir::parse(q.panes.s_dir.as_deref()),
        },
        format,
        columns: columns(&q, "sites", catalog::SITE_COLUMNS)?,
        info: info(
            &user,
            format!("Sites of {}", user.customer.company),
            "sites",
        ),
    };
    send(&state, None, spec, Mode::Direct).await
}

pub async fn links(
    user: PortalUser,
    state: web::Data<AppState>,
    path: web::Path<(String, i64, String)>,
    query: web::Query<ExportQuery>,
) -> AppResult<HttpResponse> {
    let (_, site_id, ext) = path.into_inner();
    let format = parse_format(&ext)?;
    let customer_id = user.customer.id;
    // Another customer's site is simply not there.
    let s = with_conn(&state, move |conn| {
        site::find(conn, site_id)?
            .filter(|s| s.customer_id == customer_id)
            .ok_or(AppError::NotFound)
    })
    .await?;
    let q = query.into_inner();
    let spec = ExportSpec {
        list: ListSpec::Links {
            site_id: s.id,
            sort: pane_view::sort_key(&q.panes.l_sort, link::SORT_COLUMNS, "name").into(),
            dir: SortDir::parse(q.panes.l_dir.as_deref()),
        },
        format,
        columns: columns(&q, "links", catalog::LINK_COLUMNS)?,
        info: info(
            &user,
            format!("Access links of {} — {}", user.customer.company, s.name),
            "access-links",
        ),
    };
    send(&state, None, spec, Mode::Direct).await
}
