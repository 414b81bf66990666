//! POSTs of the operators' panes' "Save changes" (customers, one customer's sites, one site's
//! access links): `service::pane_save` saves every changed row or none; the browser goes back to
//! the page it came from with a message.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::error::AppResult;
use crate::routes::pane_save::{save_and_return, PaneSave};
use crate::routes::safe_return;
use crate::service::pane_save::{Pane, Saver};
use crate::state::AppState;
use actix_web::{web, HttpResponse};

/// Saves `pane` as the operator and sends the browser back with a message.
async fn save(
    state: web::Data<AppState>,
    editor: Editor,
    pane: Pane,
    fields: Fields,
) -> AppResult<HttpResponse> {
    let save = PaneSave {
        saver: Saver::Operator(editor.0.service_provider_id),
        actor: editor.0.actor(),
        pane,
        return_to: safe_return(fields.get("return_to")),
    };
    save_and_return(&state, save, fields).await
}

pub async fn save_customers(
    state: web::Data<AppState>,
    editor: Editor,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    save(state, editor, Pane::Customers, form.0).await
}

pub async fn save_sites(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let customer_id = path.into_inner();
    save(state, editor, Pane::Sites { customer_id }, form.0).await
}

pub async fn save_links(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let site_id = path.into_inner();
    save(state, editor, Pane::Links { site_id }, form.0).await
}
