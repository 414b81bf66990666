//! GET `/audit`: the audit log, newest first, filterable by actor, object type and id.

use crate::auth::CurrentOperator;
use crate::db::models::audit::{self, AuditFilter};
use crate::error::AppResult;
use crate::format::format_time;
use crate::routes::Layout;
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::web;
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    actor: Option<String>,
    object_type: Option<String>,
    object_id: Option<String>,
    page: Option<String>,
}

pub struct EntryView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: i64,
    pub before: String,
    pub after: String,
    pub reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub actor: String,
    pub object_type: String,
    pub object_id: String,
    pub entries: Vec<EntryView>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

const PER_PAGE: i64 = 50;

pub async fn page(
    op: CurrentOperator,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
    flashes: IncomingFlashMessages,
) -> AppResult<AuditPage> {
    let q = query.into_inner();
    let filter = AuditFilter {
        actor: q.actor.clone().unwrap_or_default(),
        object_type: q.object_type.clone().unwrap_or_default(),
        object_id: q.object_id.as_deref().and_then(|v| v.trim().parse().ok()),
    };
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .map(|p| (p - 1).clamp(0, 100_000))
        .unwrap_or(0);
    let f = filter.clone();
    let result = with_conn(&state, move |conn| {
        Ok(audit::search(conn, &f, page, PER_PAGE)?)
    })
    .await?;
    let href = |p: i64| {
        let pairs = [
            ("actor", filter.actor.clone()),
            ("object_type", filter.object_type.clone()),
            (
                "object_id",
                filter.object_id.map(|i| i.to_string()).unwrap_or_default(),
            ),
            ("page", p.to_string()),
        ];
        let kept: Vec<_> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        format!(
            "/audit?{}",
            serde_urlencoded::to_string(kept).unwrap_or_default()
        )
    };
    Ok(AuditPage {
        layout: Layout::for_operator(&op, &flashes),
        actor: filter.actor.clone(),
        object_type: filter.object_type.clone(),
        object_id: filter.object_id.map(|i| i.to_string()).unwrap_or_default(),
        prev_href: (page > 0).then(|| href(page)),
        next_href: result.has_more.then(|| href(page + 2)),
        entries: result
            .rows
            .into_iter()
            .map(|e| EntryView {
                id: e.id,
                at: format_time(e.at),
                actor: e.actor,
                action: e.action,
                object_type: e.object_type,
                object_id: e.object_id,
                before: e.before_json.unwrap_or_default(),
                after: e.after_json.unwrap_or_default(),
                reason: e.reason.unwrap_or_default(),
            })
            .collect(),
    })
}
