//! Deleting an access link: confirmation page, then POST.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::LinkId;
use crate::error::AppResult;
use crate::routes::confirm::ConfirmDeletePage;
use crate::routes::{see_other, Layout};
use crate::service::access::ensure_link_visible;
use crate::service::links as service;
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
    let (l, s, c) = ensure_link_visible(&state, &editor.0, path.into_inner()).await?;
    Ok(ConfirmDeletePage {
        layout: Layout::for_operator(&editor.0, &flashes),
        title: format!("Delete access link {}?", l.name),
        message: format!(
            "The access link “{}” of site {} ({}) will be deleted.",
            l.name, s.name, c.company
        ),
        consequences: Vec::new(),
        action: format!("/links/{}/delete", l.id),
        button: "Delete",
        cancel_href: format!("/customers?customer={}&site={}&link={}", c.id, s.id, l.id),
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
    let (l, s) = with_conn(&state, move |conn| {
        service::delete(conn, scope, &actor, LinkId(id))
    })
    .await?;
    FlashMessage::success(format!("Access link “{}” was deleted.", l.name)).send();
    Ok(see_other(&format!(
        "/customers?customer={}&site={}",
        s.customer_id, s.id
    )))
}
