//! One operator's page (`/operators/{id}`): role and service provider, disable/enable, a
//! password reset, their time zone, and the operator's own history. Each change but the time
//! zone ends the operator's sessions (their session holds the role); the rules live in
//! `service::operators`.

use super::{view, OperatorView, RoleChoices};
use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::db::models::OperatorId;
use crate::domain::time_zone_list::TIME_ZONES;
use crate::domain::FormState;
use crate::error::AppResult;
use crate::routes::history::HistoryView;
use crate::routes::{render, see_other, Layout};
use crate::service::operators::{self, OperatorChanged, PasswordInput, RoleInput};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "operators/manage.html")]
pub struct ManagePage {
    pub layout: Layout,
    pub operator: OperatorView,
    pub form: FormState,
    pub choices: RoleChoices,
    /// The operator's own time zone (empty: the server's).
    pub zone_form: FormState,
    pub server_zone: &'static str,
    pub zones: Vec<(String, String)>,
    pub history: Vec<HistoryView>,
}

async fn render_page(
    state: &web::Data<AppState>,
    admin: &Admin,
    id: i64,
    form: Option<FormState>,
    zone_form: Option<FormState>,
    flashes: &IncomingFlashMessages,
) -> AppResult<ManagePage> {
    let d = with_conn(state, move |conn| operators::detail(conn, OperatorId(id))).await?;
    let o = &d.operator;
    let form = form.unwrap_or_else(|| {
        let mut f = FormState::default();
        f.set("role", o.role.code());
        f.set(
            "service_provider_id",
            o.service_provider_id
                .map(|s| s.to_string())
                .unwrap_or_default(),
        );
        f
    });
    let zone_form = zone_form.unwrap_or_else(|| {
        let mut f = FormState::default();
        f.set("time_zone", o.time_zone.clone().unwrap_or_default());
        f
    });
    Ok(ManagePage {
        layout: Layout::for_operator(&admin.0, flashes),
        operator: view(o, &d.providers, &admin.0.zone),
        form,
        choices: RoleChoices::of(&d.providers),
        zone_form,
        server_zone: state.time_zone.name(),
        zones: TIME_ZONES
            .iter()
            .map(|z| (z.to_string(), z.to_string()))
            .collect(),
        history: HistoryView::all(&d.history, "Operator", &admin.0.zone),
    })
}

pub async fn page(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<ManagePage> {
    render_page(&state, &admin, path.into_inner(), None, None, &flashes).await
}

/// Back to the operator's page with a flash saying how the change ended; a form the rules
/// refused comes back as `Err` for its page to be shown again.
fn flash_back(id: i64, outcome: OperatorChanged, success: &str) -> Result<HttpResponse, FormState> {
    match outcome {
        OperatorChanged::Saved(o) => {
            FlashMessage::success(format!("{} {success}", o.username)).send()
        }
        OperatorChanged::Refused(refusal) => FlashMessage::error(refusal.message()).send(),
        OperatorChanged::Invalid(f) => return Err(f),
    }
    Ok(see_other(&format!("/operators/{id}")))
}

/// The operator's page again, with the messages of the refused form.
async fn invalid(
    state: &web::Data<AppState>,
    admin: &Admin,
    id: i64,
    f: FormState,
    flashes: &IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &render_page(state, admin, id, Some(f), None, flashes).await?,
    )
}

pub async fn set_role(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let input = RoleInput {
        role: form.0.get("role").unwrap_or("").to_string(),
        service_provider_id: form.0.get("service_provider_id").unwrap_or("").to_string(),
    };
    let (actor, me) = (admin.0.actor(), admin.0.id);
    let outcome = with_conn(&state, move |conn| {
        operators::set_role(conn, &actor, me, OperatorId(id), &input)
    })
    .await?;
    let success = "was saved; their sessions ended, so the change applies at once.";
    match flash_back(id, outcome, success) {
        Ok(back) => Ok(back),
        Err(f) => invalid(&state, &admin, id, f, &flashes).await,
    }
}

async fn set_disabled(
    state: web::Data<AppState>,
    admin: Admin,
    id: i64,
    disabled: bool,
) -> AppResult<HttpResponse> {
    let (actor, me) = (admin.0.actor(), admin.0.id);
    let outcome = with_conn(&state, move |conn| {
        operators::set_disabled(conn, &actor, me, OperatorId(id), disabled)
    })
    .await?;
    let success = if disabled {
        "is disabled and was signed out everywhere."
    } else {
        "may sign in again."
    };
    // Disabling has no form, so nothing comes back as a refused form.
    Ok(flash_back(id, outcome, success).unwrap_or_else(|_| see_other(&format!("/operators/{id}"))))
}

pub async fn disable(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    set_disabled(state, admin, path.into_inner(), true).await
}

pub async fn enable(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    set_disabled(state, admin, path.into_inner(), false).await
}

pub async fn reset_password(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let input = PasswordInput {
        password: form.0.get("password").unwrap_or("").to_string(),
        password_confirm: form.0.get("password_confirm").unwrap_or("").to_string(),
    };
    let actor = admin.0.actor();
    let outcome = with_conn(&state, move |conn| {
        operators::reset_password(conn, &actor, OperatorId(id), &input)
    })
    .await?;
    let success = "has a new password and was signed out everywhere.";
    match flash_back(id, outcome, success) {
        Ok(back) => Ok(back),
        Err(f) => invalid(&state, &admin, id, f, &flashes).await,
    }
}

/// Sets the operator's own time zone (empty: the server's). Their sessions are kept: the zone
/// applies at their next sign-in (at once when admins set their own).
pub async fn set_time_zone(
    state: web::Data<AppState>,
    admin: Admin,
    session: actix_session::Session,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let input = form.0.get("time_zone").unwrap_or("").to_string();
    let actor = admin.0.actor();
    let outcome = with_conn(&state, move |conn| {
        operators::set_time_zone(conn, &actor, OperatorId(id), &input)
    })
    .await?;
    if let OperatorChanged::Saved(o) = &outcome {
        if o.id == admin.0.id {
            crate::auth::sessions::set_operator_zone(&session, o.time_zone.as_deref())?;
        }
    }
    let success = "has a new time zone (from their next sign-in).";
    match flash_back(id, outcome, success) {
        Ok(back) => Ok(back),
        Err(f) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &render_page(&state, &admin, id, None, Some(f), &flashes).await?,
        ),
    }
}

/// Lets the operator see called numbers in EDRs unmasked (`no_masking=on`), or masks them.
pub async fn set_edr_masking(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let no_masking = form.0.get("no_masking") == Some("on");
    let actor = admin.0.actor();
    let outcome = with_conn(&state, move |conn| {
        operators::set_edr_no_masking(conn, &actor, OperatorId(id), no_masking)
    })
    .await?;
    let success = if no_masking {
        "sees called numbers in EDRs unmasked."
    } else {
        "sees called numbers in EDRs masked."
    };
    Ok(flash_back(id, outcome, success).unwrap_or_else(|_| see_other(&format!("/operators/{id}"))))
}
