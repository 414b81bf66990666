//! The edit screen: GET `/subscribers/{id}` (every role may look), POST `/subscribers/{id}` saves
//! every panel at once (the service checks the form, plans and applies it). A save based on an
//! older version answers 409 with what is saved now; a refused form answers 422.

use super::edit_view::{self, EditPage};
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::db::models::SubscriberId;
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::subscribers::edit::{self as service, SaveOutcome};
use crate::service::subscribers::{edit_data, EditData};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};

/// The Balances panel's filter: `?category=` a category code (anything else: all).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct BalanceFilter {
    pub category: String,
}

pub async fn page(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    filter: web::Query<BalanceFilter>,
    flashes: IncomingFlashMessages,
) -> AppResult<EditPage> {
    let id = path.into_inner();
    let scope = op.service_provider_id;
    let operator = op.id;
    let data = with_conn(&state, move |conn| {
        edit_data(conn, scope, operator, SubscriberId(id))
    })
    .await?;
    let form = edit_view::saved_state(&data);
    let mut p = edit_view::page(Layout::for_operator(&op, &flashes), data, form, &op, false);
    p.filter_balances(&filter.category);
    Ok(p)
}

pub async fn save(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0;
    let id = path.into_inner();
    let layout = Layout::for_operator(&op, &flashes);
    match service::save(&state, &op, SubscriberId(id), form.0).await? {
        SaveOutcome::Saved => {
            FlashMessage::success("Subscriber saved.").send();
            Ok(see_other(&format!("/subscribers/{id}")))
        }
        SaveOutcome::Unchanged => {
            FlashMessage::info("Nothing was changed, so nothing was saved.").send();
            Ok(see_other(&format!("/subscribers/{id}")))
        }
        SaveOutcome::Invalid(data, f) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &edit_view::page(layout, *data, f, &op, false),
        ),
        SaveOutcome::Stale(data) => stale(layout, *data, &op),
    }
}

/// 409: someone saved in between; the page shows what is saved now, nothing of the form.
fn stale(layout: Layout, data: EditData, op: &CurrentOperator) -> AppResult<HttpResponse> {
    let form = edit_view::saved_state(&data);
    render(
        StatusCode::CONFLICT,
        &edit_view::page(layout, data, form, op, true),
    )
}
