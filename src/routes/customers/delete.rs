//! Deleting a customer with everything it owns: confirmation page, then POST.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::error::AppResult;
use crate::routes::confirm::ConfirmDeletePage;
use crate::routes::{see_other, Layout};
use crate::service::access::ensure_customer_visible;
use crate::service::customers as service;
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
    let c = ensure_customer_visible(&state, &editor.0, path.into_inner()).await?;
    Ok(ConfirmDeletePage {
        layout: Layout::for_operator(&editor.0, &flashes),
        title: format!("Delete customer {}?", c.company),
        message: format!(
            "The customer {} (account {}) will be deleted.",
            c.company, c.account_code
        ),
        consequences: vec![
            "All of its sites and their access links are deleted with it.".into(),
            "Its administrators are signed out and can no longer sign in.".into(),
        ],
        action: format!("/customers/{}/delete", c.id),
        button: "Delete",
        cancel_href: format!("/customers?customer={}", c.id),
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
    let c = with_conn(&state, move |conn| service::delete(conn, scope, &actor, id)).await?;
    FlashMessage::success(format!(
        "Customer {} and everything it owned were deleted.",
        c.company
    ))
    .send();
    Ok(see_other("/customers"))
}
