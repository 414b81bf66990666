//! GET/POST `/admin/settings`: instance-wide switches, kept in `app_settings` so every instance
//! sees them. Today: whether financial changes must give a reason (`service::settings`).

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::error::AppResult;
use crate::routes::{see_other, Layout};
use crate::service::settings as service;
use crate::service::subscribers::form::checkbox;
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "admin/settings.html")]
pub struct SettingsPage {
    pub layout: Layout,
    pub audit_financial_changes: bool,
}

pub async fn page(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<SettingsPage> {
    let on = with_conn(&state, service::audit_financial_changes).await?;
    Ok(SettingsPage {
        layout: Layout::for_operator(&admin.0, &flashes),
        audit_financial_changes: on,
    })
}

pub async fn save(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let on = checkbox(form.0.get("audit_financial_changes").unwrap_or(""));
    let actor = admin.0.actor();
    with_conn(&state, move |conn| {
        service::set_audit_financial_changes(conn, &actor, on)
    })
    .await?;
    FlashMessage::success(if on {
        "Settings saved: wallet changes now ask for a reason."
    } else {
        "Settings saved: wallet changes no longer ask for a reason."
    })
    .send();
    Ok(see_other("/admin/settings"))
}
