//! Pending billing changes: operators see them at `/customers/{id}/billing-changes`; the
//! customer's own admins see them at `/c/{webid}/billing-changes` and accept or decline them
//! there (an operator who switched to the portal cannot answer for the customer: 403).

use super::{Frame, Side};
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator, PortalEditor, PortalUser};
use crate::error::{AppError, AppResult};
use crate::routes::portal::PortalLayout;
use crate::routes::{see_other, Layout};
use crate::service::customer_users::billing_changes::{self as service, Decided};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/{id}/billing-changes", web::get().to(op_page))
        .route("/c/{webid}/billing-changes", web::get().to(portal_page))
        .route(
            "/c/{webid}/billing-changes/{change}/accept",
            web::post().to(accept),
        )
        .route(
            "/c/{webid}/billing-changes/{change}/decline",
            web::post().to(decline),
        );
}

pub struct LineRow {
    pub name: String,
    pub now: i64,
    pub wanted: i64,
}

pub struct ChangeRow {
    pub id: i64,
    pub status: &'static str,
    pub status_code: &'static str,
    pub pending: bool,
    pub requested_by: String,
    pub requested_at: String,
    pub decided_by: String,
    pub lines: Vec<LineRow>,
}

pub struct ChangesView {
    pub base: String,
    pub csrf_token: String,
    /// Whether this viewer may accept or decline (the customer's own admins).
    pub can_answer: bool,
    pub rows: Vec<ChangeRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/billing_changes.html")]
pub struct ChangesPage {
    pub layout: Layout,
    pub view: ChangesView,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/portal_billing_changes.html")]
pub struct PortalChangesPage {
    pub layout: PortalLayout,
    pub view: ChangesView,
}

async fn show(
    side: Side,
    state: web::Data<AppState>,
    zone: crate::domain::Zone,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let whose = side.whose();
    let changes = with_conn(&state, move |conn| service::list(conn, &whose)).await?;
    let can_answer = side.is_portal() && side.can_edit() && side.admin_id().is_some();
    let view = ChangesView {
        base: side.base(),
        csrf_token: side.csrf_token(),
        can_answer,
        rows: changes
            .into_iter()
            .map(|v| ChangeRow {
                id: v.change.id,
                status: v.change.status.label(),
                status_code: v.change.status.code(),
                pending: v.change.status
                    == crate::db::models::billing_change::ChangeStatus::Pending,
                requested_by: v.change.requested_by.clone(),
                requested_at: zone.time(v.change.created_at),
                decided_by: v.change.decided_by.clone().unwrap_or_default(),
                lines: v
                    .lines
                    .into_iter()
                    .map(|l| LineRow {
                        name: l.name,
                        now: l.now,
                        wanted: l.wanted,
                    })
                    .collect(),
            })
            .collect(),
    };
    let frame = Frame::of(&side, &state, &flashes).await?;
    people_page!(frame, StatusCode::OK, view, ChangesPage, PortalChangesPage)
}

pub async fn op_page(
    state: web::Data<AppState>,
    op: CurrentOperator,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let zone = op.zone.clone();
    show(Side::operator(op, path.into_inner()), state, zone, flashes).await
}

pub async fn portal_page(
    state: web::Data<AppState>,
    user: PortalUser,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let zone = user.zone.clone();
    show(Side::portal(user), state, zone, flashes).await
}

async fn answer(
    state: web::Data<AppState>,
    user: PortalEditor,
    change_id: i64,
    accept: bool,
) -> AppResult<HttpResponse> {
    if user.0.admin.is_none() {
        // Only the customer's own administrators answer for it.
        return Err(AppError::Forbidden);
    }
    let side = Side::portal(user.0);
    let (whose, actor) = (side.whose(), side.actor());
    let outcome = with_conn(&state, move |conn| {
        service::decide(conn, &whose, &actor, change_id, accept)
    })
    .await?;
    match outcome {
        Decided::Accepted => {
            FlashMessage::success("Change accepted: the new quantities apply now.").send()
        }
        Decided::Declined => FlashMessage::success("Change declined.").send(),
        Decided::Refused(why) => FlashMessage::error(why).send(),
    }
    Ok(see_other(&format!("{}/billing-changes", side.base())))
}

pub async fn accept(
    state: web::Data<AppState>,
    user: PortalEditor,
    path: web::Path<(String, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    answer(state, user, path.into_inner().1, true).await
}

pub async fn decline(
    state: web::Data<AppState>,
    user: PortalEditor,
    path: web::Path<(String, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    answer(state, user, path.into_inner().1, false).await
}
