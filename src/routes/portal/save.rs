//! POSTs of the portal's Save buttons: the customer's own name and description, its sites,
//! and the access links of one of its sites. `service::pane_save` does the work, as for the
//! operators' panes, limited to rows of the signed-in customer.

use super::safe_portal_return;
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, PortalUser};
use crate::error::AppResult;
use crate::routes::see_other;
use crate::service::pane_save::{self, Pane, PaneSaved, Saver};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;

/// Saves `pane` of the portal's customer and sends the browser back with a message.
async fn save(
    state: web::Data<AppState>,
    user: PortalUser,
    pane: Pane,
    fields: Fields,
) -> AppResult<HttpResponse> {
    let return_to = safe_portal_return(&user.customer.webid, fields.get("return_to"));
    let saver = Saver::Portal {
        customer_id: user.customer.id,
    };
    let actor = user.actor();
    let outcome = with_conn(&state, move |conn| {
        pane_save::save(conn, saver, pane, &actor, &fields)
    })
    .await?;
    match &outcome {
        PaneSaved::NoChanges => FlashMessage::info(outcome.message()).send(),
        PaneSaved::Saved(_) => FlashMessage::success(outcome.message()).send(),
        PaneSaved::Refused(_) => FlashMessage::error(outcome.message()).send(),
    }
    Ok(see_other(&return_to))
}

pub async fn customer(
    state: web::Data<AppState>,
    user: PortalUser,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    save(state, user, Pane::Customers, form.0).await
}

pub async fn sites(
    state: web::Data<AppState>,
    user: PortalUser,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let customer_id = user.customer.id;
    save(state, user, Pane::Sites { customer_id }, form.0).await
}

pub async fn links(
    state: web::Data<AppState>,
    user: PortalUser,
    path: web::Path<(String, i64)>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (_, site_id) = path.into_inner();
    save(state, user, Pane::Links { site_id }, form.0).await
}
