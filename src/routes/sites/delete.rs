//! Deleting a site (its access links go with it): confirmation page, then POST.

use crate::auth::access::ensure_site_visible;
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::site;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::routes::confirm::ConfirmDeletePage;
use crate::routes::{see_other, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};

pub async fn confirm(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<ConfirmDeletePage> {
    let (s, c) = ensure_site_visible(&state, &editor.0, path.into_inner()).await?;
    Ok(ConfirmDeletePage {
        layout: Layout::for_operator(&editor.0, &flashes),
        title: format!("Delete site {}?", s.name),
        message: format!("The site “{}” of {} will be deleted.", s.name, c.company),
        consequences: vec!["All access links of this site are deleted with it.".into()],
        action: format!("/sites/{}/delete", s.id),
        button: "Delete",
        cancel_href: format!("/customers?customer={}&site={}", c.id, s.id),
    })
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (s, c) = ensure_site_visible(&state, &editor.0, path.into_inner()).await?;
    let actor = editor.0.actor();
    let name = s.name.clone();
    with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            site::delete(conn, s.id)?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "delete",
                    object_type: "site",
                    object_id: s.id,
                    before: audit::image(&s),
                    after: None,
                    reason: None,
                },
            )?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    FlashMessage::success(format!("Site “{name}” and its access links were deleted.")).send();
    Ok(see_other(&format!("/customers?customer={}", c.id)))
}
