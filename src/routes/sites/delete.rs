//! Deleting a site (its access links go with it): confirmation page, then POST.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::SiteId;
use crate::error::AppResult;
use crate::routes::confirm::ConfirmDeletePage;
use crate::routes::{see_other, Layout};
use crate::service::access::ensure_site_visible;
use crate::service::sites as service;
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
    let (scope, actor, id) = (
        editor.0.service_provider_id,
        editor.0.actor(),
        path.into_inner(),
    );
    let s = with_conn(&state, move |conn| {
        service::delete(conn, scope, &actor, SiteId(id))
    })
    .await?;
    FlashMessage::success(format!(
        "Site “{}” and its access links were deleted.",
        s.name
    ))
    .send();
    Ok(see_other(&format!("/customers?customer={}", s.customer_id)))
}
