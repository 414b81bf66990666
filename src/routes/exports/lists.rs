//! GET `/customers/export.{fmt}`, `/customers/{id}/sites/export.{fmt}`,
//! `/sites/{id}/links/export.{fmt}`, `/links/export.{fmt}` (all links, the inventory) and
//! `/subscribers/export.{fmt}` (a subscribers search).

use super::respond::{parse_format, send, Mode};
use crate::auth::access::ensure_customer_visible;
use crate::auth::CurrentOperator;
use crate::db::models::customer::{self, CustomerFilter};
use crate::db::models::{link, preference, site, SortDir};
use crate::domain::{Country, CustomerStatus};
use crate::error::{AppError, AppResult};
use crate::export::lists as catalog;
use crate::export::spec::{ExportSpec, ListSpec};
use crate::export::{Column, ExportInfo};
use crate::routes::customers::{columns as pane_columns, pane_view};
use crate::routes::query_url::PanesQuery;
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

fn keys(columns: &[Column]) -> Vec<String> {
    columns.iter().map(|c| c.key.to_string()).collect()
}

/// Which columns to export: an explicit list (unknown names refused), all, or the pane's view.
async fn columns_for(
    state: &web::Data<AppState>,
    op: &CurrentOperator,
    q: &ExportQuery,
    pane: &'static str,
    all: &'static [Column],
) -> AppResult<Vec<Column>> {
    if let Some(list) = q.columns.as_deref().filter(|l| !l.trim().is_empty()) {
        let keys: Vec<&str> = list
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .collect();
        if let Some(bad) = keys.iter().find(|k| !all.iter().any(|c| c.key == **k)) {
            return Err(AppError::BadRequest(format!(
                "There is no column “{bad}” in this list."
            )));
        }
        return Ok(catalog::choose(all, Some(&keys)));
    }
    match q.view.as_deref() {
        Some("all") => Ok(all.to_vec()),
        None | Some("") | Some("current") => {
            let op_id = op.id;
            let stored = with_conn(state, move |conn| {
                Ok(preference::get(conn, op_id, &pane_columns::pref_key(pane))?)
            })
            .await?;
            let visible: Vec<&str> = pane_columns::visible(pane, stored.as_deref())
                .iter()
                .map(|c| c.key)
                .collect();
            Ok(catalog::choose(all, Some(&visible)))
        }
        Some(other) => Err(AppError::BadRequest(format!(
            "“{other}” is not a view; use current or all."
        ))),
    }
}

fn info(
    title: String,
    stem: &'static str,
    filters: Vec<(String, String)>,
    op: &CurrentOperator,
) -> ExportInfo {
    ExportInfo {
        title,
        stem: stem.to_string(),
        filters,
        exported_by: op.username.clone(),
        exported_at: crate::db::now(),
    }
}

fn sort_note(sort: &str, dir: SortDir) -> (String, String) {
    (
        "Sorted by".into(),
        format!(
            "{sort} {}",
            if dir == SortDir::Desc {
                "descending"
            } else {
                "ascending"
            }
        ),
    )
}

pub async fn customers(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> AppResult<HttpResponse> {
    let format = parse_format(&path.into_inner())?;
    let q = query.into_inner();
    let p = &q.panes;
    let filter = CustomerFilter {
        company: PanesQuery::text(&p.q_company),
        username: PanesQuery::text(&p.q_username),
        name: PanesQuery::text(&p.q_name),
        ip: PanesQuery::text(&p.q_ip),
        account: PanesQuery::text(&p.q_account),
        sip_user: PanesQuery::text(&p.q_sip_user),
        status: CustomerStatus::parse(&PanesQuery::text(&p.q_status))
            .map(|s| s.code().to_string())
            .unwrap_or_default(),
        service_provider_id: op.service_provider_id,
    };
    let sort = pane_view::sort_key(&p.c_sort, customer::SORT_COLUMNS, "company");
    let dir = SortDir::parse(p.c_dir.as_deref());
    let columns = columns_for(&state, &op, &q, "customers", catalog::CUSTOMER_COLUMNS).await?;
    let mut filters: Vec<(String, String)> = [
        ("Company", &filter.company),
        ("Web username", &filter.username),
        ("Name", &filter.name),
        ("IP address", &filter.ip),
        ("Account code", &filter.account),
        ("SIP user", &filter.sip_user),
        ("Status", &filter.status),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect();
    filters.push(sort_note(sort, dir));
    let spec = ExportSpec {
        list: ListSpec::Customers {
            filter,
            sort: sort.into(),
            dir,
        },
        format,
        columns: keys(&columns),
        info: info("Customers".into(), "customers", filters, &op),
    };
    send(&state, Some(&op), spec, Mode::parse(q.mode.as_deref())?).await
}

pub async fn sites(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    query: web::Query<ExportQuery>,
) -> AppResult<HttpResponse> {
    let (customer_id, ext) = path.into_inner();
    let format = parse_format(&ext)?;
    let c = ensure_customer_visible(&state, &op, customer_id).await?;
    let q = query.into_inner();
    let sort = pane_view::sort_key(&q.panes.s_sort, site::SORT_COLUMNS, "name");
    let dir = SortDir::parse(q.panes.s_dir.as_deref());
    let columns = columns_for(&state, &op, &q, "sites", catalog::SITE_COLUMNS).await?;
    let filters = vec![
        (
            "Customer".to_string(),
            format!("{} ({})", c.company, c.account_code),
        ),
        sort_note(sort, dir),
    ];
    let spec = ExportSpec {
        list: ListSpec::Sites {
            customer_id: c.id,
            sort: sort.into(),
            dir,
        },
        format,
        columns: keys(&columns),
        info: info(format!("Sites of {}", c.company), "sites", filters, &op),
    };
    send(&state, Some(&op), spec, Mode::parse(q.mode.as_deref())?).await
}

pub async fn links(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    query: web::Query<ExportQuery>,
) -> AppResult<HttpResponse> {
    let (site_id, ext) = path.into_inner();
    let format = parse_format(&ext)?;
    let (s, c) = crate::auth::access::ensure_site_visible(&state, &op, site_id).await?;
    let q = query.into_inner();
    let sort = pane_view::sort_key(&q.panes.l_sort, link::SORT_COLUMNS, "name");
    let dir = SortDir::parse(q.panes.l_dir.as_deref());
    let columns = columns_for(&state, &op, &q, "links", catalog::LINK_COLUMNS).await?;
    let filters = vec![
        (
            "Customer".to_string(),
            format!("{} ({})", c.company, c.account_code),
        ),
        (
            "Site".to_string(),
            format!("{} ({})", s.name, Country::name_of(&s.country)),
        ),
        sort_note(sort, dir),
    ];
    let spec = ExportSpec {
        list: ListSpec::Links {
            site_id: s.id,
            sort: sort.into(),
            dir,
        },
        format,
        columns: keys(&columns),
        info: info(
            format!("Access links of {} — {}", c.company, s.name),
            "access-links",
            filters,
            &op,
        ),
    };
    send(&state, Some(&op), spec, Mode::parse(q.mode.as_deref())?).await
}

pub async fn inventory(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> AppResult<HttpResponse> {
    let format = parse_format(&path.into_inner())?;
    let q = query.into_inner();
    let columns = match q.columns.as_deref().filter(|l| !l.trim().is_empty()) {
        Some(_) => columns_for(&state, &op, &q, "links", catalog::INVENTORY_COLUMNS).await?,
        None => catalog::INVENTORY_COLUMNS.to_vec(),
    };
    let spec = ExportSpec {
        list: ListSpec::Inventory {
            service_provider: op.service_provider_id,
        },
        format,
        columns: keys(&columns),
        info: info(
            "All access links".into(),
            "all-access-links",
            vec![("Sorted by".into(), "id".into())],
            &op,
        ),
    };
    send(&state, Some(&op), spec, Mode::parse(q.mode.as_deref())?).await
}

/// The subscribers page's query string plus the export options.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SubscriberExportQuery {
    pub service_provider_id: String,
    pub wallet_ref: String,
    pub card_number: String,
    pub subscriber_id: String,
    pub customer: String,
    #[serde(rename = "match")]
    pub match_mode: String,
    pub columns: Option<String>,
    pub mode: Option<String>,
}

pub async fn subscribers(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<SubscriberExportQuery>,
) -> AppResult<HttpResponse> {
    use crate::auth::access::providers_for;
    use crate::db::models::subscriber_search::SearchField;
    use crate::routes::subscribers::search::SearchParams;
    let format = parse_format(&path.into_inner())?;
    let q = query.into_inner();
    let params = SearchParams {
        service_provider_id: q.service_provider_id.clone(),
        wallet_ref: q.wallet_ref.clone(),
        card_number: q.card_number.clone(),
        subscriber_id: q.subscriber_id.clone(),
        customer: q.customer.clone(),
        match_mode: q.match_mode.clone(),
    };
    let op_sp = op.service_provider_id;
    let providers = with_conn(&state, move |conn| providers_for(conn, op_sp)).await?;
    let search = params.parse(&providers).map_err(|f| {
        let message = ["search", "match", "service_provider_id"]
            .iter()
            .map(|k| f.message(k))
            .find(|m| !m.is_empty())
            .unwrap_or("This search cannot be exported.")
            .to_string();
        AppError::Refused(message)
    })?;
    let all = catalog::SUBSCRIBER_COLUMNS;
    let columns = match q.columns.as_deref().filter(|l| !l.trim().is_empty()) {
        Some(list) => {
            let keys: Vec<&str> = list
                .split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .collect();
            if let Some(bad) = keys.iter().find(|k| !all.iter().any(|c| c.key == **k)) {
                return Err(AppError::BadRequest(format!(
                    "There is no column “{bad}” in this list."
                )));
            }
            catalog::choose(all, Some(&keys))
        }
        None => all.to_vec(),
    };
    let provider = providers
        .iter()
        .find(|(id, _)| *id == search.service_provider_id.to_string())
        .map(|(_, name)| name.clone())
        .unwrap_or_default();
    let mut filters = vec![("Service provider".to_string(), provider)];
    if search.field != SearchField::Browse {
        filters.push((
            search.field.label().to_string(),
            format!("{} ({})", search.text, search.mode().label()),
        ));
    }
    let spec = ExportSpec {
        list: ListSpec::Subscribers { query: search },
        format,
        columns: keys(&columns),
        info: info("Subscribers".into(), "subscribers", filters, &op),
    };
    send(&state, Some(&op), spec, Mode::parse(q.mode.as_deref())?).await
}
