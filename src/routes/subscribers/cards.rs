//! The Credit cards panel's forms: `POST /subscribers/{id}/credit-cards` (register: card_number,
//! expiry, holder, change_reason) and `POST /credit-cards/{id}/{confirm|freeze|deregister}`
//! (change_reason). Done → 303 back to the panel; refused → 422, the screen with the message on
//! the form (the number typed is never shown back).

use super::edit_view;
use super::Posted;
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::db::models::SubscriberId;
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
use crate::service::subscribers::cards::{self as service, CardAction, CardForm, CardOutcome};
use crate::service::subscribers::edit_data;
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};

async fn answer(
    state: &web::Data<AppState>,
    by: CurrentOperator,
    outcome: CardOutcome,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    match outcome {
        CardOutcome::Done {
            subscriber_id,
            message,
        } => {
            FlashMessage::success(message).send();
            Ok(see_other(&format!("/subscribers/{subscriber_id}#p-cards")))
        }
        CardOutcome::Refused {
            subscriber_id,
            form,
        } => {
            let (scope, operator) = (by.service_provider_id, by.id);
            let data = with_conn(state, move |conn| {
                edit_data(conn, scope, operator, SubscriberId(subscriber_id))
            })
            .await?;
            let saved = edit_view::saved_state(&data);
            let promo = super::promo_view::view(&data, &form, &by.zone);
            let layout = Layout::for_operator(&by, &flashes);
            let mut page = edit_view::page(layout, data, saved, &by, false);
            page.promo = promo;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

pub async fn register(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Posted<CardForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let by = editor.0;
    let who = by.clone();
    let id = path.into_inner();
    let posted = form.0.form;
    let outcome = with_conn(&state, move |conn| {
        service::register(conn, &who, id, &posted)
    })
    .await?;
    answer(&state, by, outcome, flashes).await
}

pub async fn act(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, String)>,
    form: CsrfForm<Posted<CardForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let by = editor.0;
    let who = by.clone();
    let (id, action) = path.into_inner();
    let action = CardAction::parse(&action).ok_or(AppError::NotFound)?;
    let reason = form.0.form.change_reason;
    let outcome = with_conn(&state, move |conn| {
        service::act(conn, &who, id, action, &reason)
    })
    .await?;
    answer(&state, by, outcome, flashes).await
}
