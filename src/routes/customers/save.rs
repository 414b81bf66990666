//! POSTs of the operators' panes' "Save changes" (customers, one customer's sites, one site's
//! access links): `service::pane_save` saves every changed row or none; the browser goes back to
//! the page it came from with a message, or sees that page again with what was typed and the
//! cell at fault marked when the save was refused.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::error::AppResult;
use crate::routes::pane_save::{save_and_return, PaneSave, SaveAnswer};
use crate::routes::safe_return;
use crate::service::pane_save::{Pane, Saver};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;

/// Saves `pane` as the operator and answers as `pane_save` decides.
async fn save(
    state: web::Data<AppState>,
    editor: Editor,
    flashes: IncomingFlashMessages,
    pane: Pane,
    fields: Fields,
) -> AppResult<HttpResponse> {
    let return_to = safe_return(fields.get("return_to"));
    let save = PaneSave {
        saver: Saver::Operator(editor.0.service_provider_id),
        actor: editor.0.actor(),
        pane,
        return_to: return_to.clone(),
    };
    match save_and_return(&state, save, fields).await? {
        SaveAnswer::Back(answer) => Ok(answer),
        SaveAnswer::Refused(overlay) => {
            super::panes::refused(editor.0, state, &return_to, &flashes, overlay).await
        }
    }
}

pub async fn save_customers(
    state: web::Data<AppState>,
    editor: Editor,
    flashes: IncomingFlashMessages,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    save(state, editor, flashes, Pane::Customers, form.0).await
}

pub async fn save_sites(
    state: web::Data<AppState>,
    editor: Editor,
    flashes: IncomingFlashMessages,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let customer_id = path.into_inner();
    save(state, editor, flashes, Pane::Sites { customer_id }, form.0).await
}

pub async fn save_links(
    state: web::Data<AppState>,
    editor: Editor,
    flashes: IncomingFlashMessages,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let site_id = path.into_inner();
    save(state, editor, flashes, Pane::Links { site_id }, form.0).await
}
