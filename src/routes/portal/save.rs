//! POSTs of the portal's Save buttons: the customer's own name and description, its sites,
//! and the access links of one of its sites. `service::pane_save` does the work, as for the
//! operators' panes, limited to rows of the signed-in customer. A portal viewer gets 403.

use super::safe_portal_return;
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, PortalEditor, PortalUser};
use crate::error::AppResult;
use crate::routes::pane_save::{save_and_return, PaneSave, SaveAnswer};
use crate::routes::see_other;
use crate::service::pane_save::{Pane, Saver};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};

/// Saves `pane` of the portal's customer and sends the browser back with a message.
async fn save(
    state: web::Data<AppState>,
    user: PortalUser,
    flashes: IncomingFlashMessages,
    pane: Pane,
    fields: Fields,
) -> AppResult<HttpResponse> {
    let return_to = safe_portal_return(&user.customer.webid, fields.get("return_to"));
    let save = PaneSave {
        saver: Saver::Portal {
            customer_id: user.customer.id,
        },
        actor: user.actor(),
        pane,
        return_to: return_to.clone(),
    };
    match save_and_return(&state, save, fields).await? {
        SaveAnswer::Back(answer) => Ok(answer),
        // The customer's own details are a form of their own: its refusal is said above it.
        SaveAnswer::Refused(overlay) if pane == Pane::Customers => {
            FlashMessage::error(overlay.refusal.message).send();
            Ok(see_other(&return_to))
        }
        SaveAnswer::Refused(overlay) => {
            super::home::refused(user, state, &return_to, &flashes, overlay).await
        }
    }
}

pub async fn customer(
    state: web::Data<AppState>,
    PortalEditor(user): PortalEditor,
    flashes: IncomingFlashMessages,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    save(state, user, flashes, Pane::Customers, form.0).await
}

pub async fn sites(
    state: web::Data<AppState>,
    PortalEditor(user): PortalEditor,
    flashes: IncomingFlashMessages,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let customer_id = user.customer.id;
    save(state, user, flashes, Pane::Sites { customer_id }, form.0).await
}

pub async fn links(
    state: web::Data<AppState>,
    PortalEditor(user): PortalEditor,
    flashes: IncomingFlashMessages,
    path: web::Path<(String, i64)>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (_, site_id) = path.into_inner();
    save(state, user, flashes, Pane::Links { site_id }, form.0).await
}
