//! GET/POST `/admin/settings`: instance-wide switches, kept in `app_settings` so every instance
//! sees them. Today: whether financial changes must give a reason.

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::db::models::audit::{self, Change};
use crate::db::models::settings;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::routes::subscribers::checkbox;
use crate::routes::{see_other, Layout};
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
    let on = with_conn(&state, |conn| Ok(settings::audit_financial_changes(conn)?)).await?;
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
        write_transaction(conn, |conn| {
            let before = settings::audit_financial_changes(conn)?;
            if before != on {
                settings::set(
                    conn,
                    settings::AUDIT_FINANCIAL_CHANGES,
                    if on { "1" } else { "0" },
                )?;
                audit::record(
                    conn,
                    Change {
                        actor: &actor,
                        action: "update",
                        object_type: "setting",
                        object_id: 0,
                        before: Some(serde_json::json!({ "audit_financial_changes": before })),
                        after: Some(serde_json::json!({ "audit_financial_changes": on })),
                        reason: None,
                    },
                )?;
            }
            Ok::<_, AppError>(())
        })
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
