//! A customer's administrators: `/customers/{id}/admins` for operators and `/c/{webid}/admins`
//! in the portal. Add (`username, password, password_confirm, role` → 303, or 422 with the
//! messages), disable (their sessions end) and enable. Viewers see the list only; a POST of
//! theirs is 403 (the extractors `Editor` / `PortalEditor` say so before anything runs).

use super::{Frame, Side};
use crate::auth::{CsrfField, CsrfForm, CurrentOperator, Editor, PortalEditor, PortalUser};
use crate::domain::{AdminRole, FormState};
use crate::error::AppResult;
use crate::routes::portal::PortalLayout;
use crate::routes::{see_other, Layout};
use crate::service::customer_users::admins::{self as service, AdminInput, Toggled};
use crate::service::customer_users::Changed;
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/{id}/admins", web::get().to(op_page))
        .route("/customers/{id}/admins", web::post().to(op_create))
        .route(
            "/customers/{id}/admins/{admin}/disable",
            web::post().to(op_disable),
        )
        .route(
            "/customers/{id}/admins/{admin}/enable",
            web::post().to(op_enable),
        )
        .route("/c/{webid}/admins", web::get().to(portal_page))
        .route("/c/{webid}/admins", web::post().to(portal_create))
        .route(
            "/c/{webid}/admins/{admin}/disable",
            web::post().to(portal_disable),
        )
        .route(
            "/c/{webid}/admins/{admin}/enable",
            web::post().to(portal_enable),
        );
}

pub struct AdminRow {
    pub id: i64,
    pub username: String,
    pub role: &'static str,
    pub primary: bool,
    pub disabled: bool,
    pub is_me: bool,
}

/// What both sides' pages show.
pub struct AdminsView {
    pub base: String,
    pub csrf_token: String,
    pub can_edit: bool,
    pub rows: Vec<AdminRow>,
    pub form: FormState,
    pub roles: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/admins.html")]
pub struct AdminsPage {
    pub layout: Layout,
    pub view: AdminsView,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/portal_admins.html")]
pub struct PortalAdminsPage {
    pub layout: PortalLayout,
    pub view: AdminsView,
}

#[derive(Deserialize)]
pub struct AdminForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    csrf_token: String,
}

impl CsrfField for AdminForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn show(
    side: Side,
    state: web::Data<AppState>,
    status: StatusCode,
    form: Option<FormState>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let whose = side.whose();
    let (_, admins) = with_conn(&state, move |conn| service::list(conn, &whose)).await?;
    let me = side.admin_id();
    let view = AdminsView {
        base: side.base(),
        csrf_token: side.csrf_token(),
        can_edit: side.can_edit(),
        rows: admins
            .into_iter()
            .map(|a| AdminRow {
                id: a.id,
                username: a.username,
                role: a.role.label(),
                primary: a.is_primary,
                disabled: a.disabled,
                is_me: me == Some(a.id),
            })
            .collect(),
        form: form.unwrap_or_else(|| {
            let mut f = FormState::default();
            f.set("role", AdminRole::Viewer.code());
            f
        }),
        roles: AdminRole::ALL
            .iter()
            .map(|r| (r.code().to_string(), r.label().to_string()))
            .collect(),
    };
    let frame = Frame::of(&side, &state, &flashes).await?;
    people_page!(frame, status, view, AdminsPage, PortalAdminsPage)
}

async fn create(
    side: Side,
    state: web::Data<AppState>,
    form: AdminForm,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (whose, actor) = (side.whose(), side.actor());
    let input = AdminInput {
        username: form.username,
        password: form.password,
        password_confirm: form.password_confirm,
        role: form.role,
    };
    let outcome = with_conn(&state, move |conn| {
        service::create(conn, &whose, &actor, &input)
    })
    .await?;
    match outcome {
        Changed::Done => {
            FlashMessage::success("Administrator added.").send();
            Ok(see_other(&format!("{}/admins", side.base())))
        }
        Changed::Invalid(f) => {
            show(
                side,
                state,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(f),
                flashes,
            )
            .await
        }
    }
}

async fn toggle(
    side: Side,
    state: web::Data<AppState>,
    admin_id: i64,
    disabled: bool,
) -> AppResult<HttpResponse> {
    let (whose, actor, me) = (side.whose(), side.actor(), side.admin_id());
    let outcome = with_conn(&state, move |conn| {
        service::set_disabled(conn, &whose, &actor, me, admin_id, disabled)
    })
    .await?;
    match outcome {
        Toggled::Done if disabled => {
            FlashMessage::success("Administrator disabled; their sessions ended.").send()
        }
        Toggled::Done => FlashMessage::success("Administrator enabled.").send(),
        Toggled::Refused(why) => FlashMessage::error(why).send(),
    }
    Ok(see_other(&format!("{}/admins", side.base())))
}

pub async fn op_page(
    state: web::Data<AppState>,
    op: CurrentOperator,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let side = Side::operator(op, path.into_inner());
    show(side, state, StatusCode::OK, None, flashes).await
}

pub async fn op_create(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<AdminForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let side = Side::operator(editor.0, path.into_inner());
    create(side, state, form.0, flashes).await
}

pub async fn op_disable(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<crate::auth::csrf::Fields>,
) -> AppResult<HttpResponse> {
    let (id, admin) = path.into_inner();
    toggle(Side::operator(editor.0, id), state, admin, true).await
}

pub async fn op_enable(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<crate::auth::csrf::Fields>,
) -> AppResult<HttpResponse> {
    let (id, admin) = path.into_inner();
    toggle(Side::operator(editor.0, id), state, admin, false).await
}

pub async fn portal_page(
    state: web::Data<AppState>,
    user: PortalUser,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    show(Side::portal(user), state, StatusCode::OK, None, flashes).await
}

pub async fn portal_create(
    state: web::Data<AppState>,
    user: PortalEditor,
    form: CsrfForm<AdminForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    create(Side::portal(user.0), state, form.0, flashes).await
}

pub async fn portal_disable(
    state: web::Data<AppState>,
    user: PortalEditor,
    path: web::Path<(String, i64)>,
    _form: CsrfForm<crate::auth::csrf::Fields>,
) -> AppResult<HttpResponse> {
    let admin = path.into_inner().1;
    toggle(Side::portal(user.0), state, admin, true).await
}

pub async fn portal_enable(
    state: web::Data<AppState>,
    user: PortalEditor,
    path: web::Path<(String, i64)>,
    _form: CsrfForm<crate::auth::csrf::Fields>,
) -> AppResult<HttpResponse> {
    let admin = path.into_inner().1;
    toggle(Side::portal(user.0), state, admin, false).await
}
