//! GET `/audit`: the audit log (declared in `lists::audit`), newest first, searchable by who,
//! action, object type and id, and a range of days (`from`/`to`, YYYY-MM-DD, both included).

use crate::auth::CurrentOperator;
use crate::domain::FormState;
use crate::error::AppResult;
use crate::lists::audit::{self as list, COLUMNS, FILTERS};
use crate::lists::pane_text;
use crate::routes::{render, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    actor: String,
    action: String,
    object_type: String,
    object_id: String,
    from: String,
    to: String,
    page: Option<String>,
}

impl AuditQuery {
    fn form(&self) -> FormState {
        let mut f = FormState::default();
        for (name, value) in FILTERS.iter().zip([
            &self.actor,
            &self.action,
            &self.object_type,
            &self.object_id,
            &self.from,
            &self.to,
        ]) {
            f.set(name, value.trim());
        }
        f
    }
}

pub struct EntryView {
    pub id: i64,
    pub cells: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub form: FormState,
    pub columns: Vec<&'static str>,
    pub entries: Vec<EntryView>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

/// `/audit?…` with the form's filters and page `p` (1-based).
fn href(form: &FormState, p: i64) -> String {
    let page = p.to_string();
    let kept: Vec<(&str, &str)> = FILTERS
        .iter()
        .map(|name| (*name, form.value(name)))
        .chain([("page", page.as_str())])
        .filter(|(_, v)| !v.is_empty())
        .collect();
    format!(
        "/audit?{}",
        serde_urlencoded::to_string(kept).unwrap_or_default()
    )
}

pub async fn page(
    op: CurrentOperator,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .map(|p| p.saturating_sub(1).clamp(0, 100_000))
        .unwrap_or(0);
    let mut form = q.form();
    let (found, status) = match list::filter(&form, &op.zone) {
        Ok(mut filter) => {
            filter.scope = op.service_provider_id;
            let found = with_conn(&state, move |conn| Ok(list::page(conn, &filter, page)?)).await?;
            (Some(found), StatusCode::OK)
        }
        Err(f) => {
            form = f;
            (None, StatusCode::UNPROCESSABLE_ENTITY)
        }
    };
    let has_more = found.as_ref().is_some_and(|p| p.has_more);
    let entries = found
        .map(|p| p.rows)
        .unwrap_or_default()
        .into_iter()
        .map(|e| EntryView {
            id: e.id,
            cells: COLUMNS
                .iter()
                .map(|c| pane_text((c.cell)(&e), &op.zone))
                .collect(),
        })
        .collect();
    let page_view = AuditPage {
        layout: Layout::for_operator(&op, &flashes),
        columns: COLUMNS.iter().map(|c| c.label).collect(),
        entries,
        prev_href: (page > 0).then(|| href(&form, page)),
        next_href: has_more.then(|| href(&form, page + 2)),
        form,
    };
    render(status, &page_view)
}
