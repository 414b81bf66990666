//! The money forms of the edit screen's Balances panel: `POST /wallets/{id}/adjustments`,
//! `/wallets/{id}/buckets`, `/wallets/{id}/buckets/{bucket_id}` and `…/{bucket_id}/delete`.
//! Done → 303 back to the edit screen; refused → 422, the screen with the message on the form.

use super::edit_view;
use super::Posted;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::{SubscriberId, WalletId};
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::money::changes::{self, MoneyForm, Op};
use crate::service::money::MoneyOutcome;
use crate::service::subscribers::edit_data;
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};

async fn run(
    state: web::Data<AppState>,
    editor: Editor,
    wallet: i64,
    op: Op,
    form: MoneyForm,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let by = editor.0;
    let who = by.clone();
    let outcome = with_conn(&state, move |conn| {
        changes::apply(conn, &who, WalletId(wallet), op, &form)
    })
    .await?;
    match outcome {
        MoneyOutcome::Done { subscriber_id } => {
            FlashMessage::success(match op {
                Op::Adjust => "Balance adjusted.",
                Op::AddBucket => "Bucket added.",
                Op::EditBucket(_) => "Bucket changed.",
                Op::DeleteBucket(_) => "Bucket deleted.",
            })
            .send();
            Ok(see_other(&format!(
                "/subscribers/{subscriber_id}#p-balances"
            )))
        }
        MoneyOutcome::Refused {
            subscriber_id,
            form,
        } => {
            let (scope, operator) = (by.service_provider_id, by.id);
            let data = with_conn(&state, move |conn| {
                edit_data(conn, scope, operator, SubscriberId(subscriber_id))
            })
            .await?;
            let saved = edit_view::saved_state(&data);
            let layout = Layout::for_operator(&by, &flashes);
            let page = edit_view::page_with_money(layout, data, saved, &by, form);
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

pub async fn adjust(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Posted<MoneyForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    run(state, editor, id, Op::Adjust, form.0.form, flashes).await
}

pub async fn add_bucket(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Posted<MoneyForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    run(state, editor, id, Op::AddBucket, form.0.form, flashes).await
}

pub async fn edit_bucket(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<Posted<MoneyForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (id, bucket) = path.into_inner();
    run(
        state,
        editor,
        id,
        Op::EditBucket(bucket),
        form.0.form,
        flashes,
    )
    .await
}

pub async fn delete_bucket(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<Posted<MoneyForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (id, bucket) = path.into_inner();
    run(
        state,
        editor,
        id,
        Op::DeleteBucket(bucket),
        form.0.form,
        flashes,
    )
    .await
}
