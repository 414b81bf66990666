//! The money forms of the edit screen's Balances panel: `POST /wallets/{id}/adjustments`,
//! `/wallets/{id}/buckets`, `/wallets/{id}/buckets/{bucket_id}` and `…/{bucket_id}/delete`.
//! and `/wallets/{id}/recharges` (a voucher).
//! Done → 303 back to the edit screen; refused → 422, the screen with the message on the form.

use super::edit_view;
use super::Posted;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::{SubscriberId, WalletId};
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::money::changes::{self, MoneyForm, Op};
use crate::service::money::vouchers::{self, RechargeBy, RechargeForm, RechargeOutcome};
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

/// `POST /wallets/{id}/recharges`: recharge with a voucher (`voucher_number`, `serial_number`,
/// `change_reason`). Done → 303 back to the edit screen; refused → 422 with the message on the
/// form (a refused attempt is still recorded, and three in a row blacklist the subscriber).
pub async fn recharge(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Posted<RechargeForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let wallet = path.into_inner();
    let by = editor.0;
    let who = by.clone();
    let posted = form.0.form;
    let f = posted.clone();
    let outcome = with_conn(&state, move |conn| {
        vouchers::recharge(
            conn,
            who.service_provider_id,
            WalletId(wallet),
            &f.voucher_number,
            &f.serial_number,
            RechargeBy::Operator {
                op: &who,
                change_reason: &f.change_reason,
            },
        )
    })
    .await?;
    let back = |fallback: Option<i64>| posted.subscriber_id.trim().parse::<i64>().ok().or(fallback);
    match outcome {
        RechargeOutcome::Recharged { subscriber_id, .. } => {
            FlashMessage::success("Recharged with the voucher.").send();
            Ok(see_other(&match back(subscriber_id) {
                Some(s) => format!("/subscribers/{s}#p-balances"),
                None => "/subscribers".to_string(),
            }))
        }
        RechargeOutcome::Refused { why, subscriber_id } => {
            let money_form = posted.refused(wallet, &why);
            let (scope, operator) = (by.service_provider_id, by.id);
            let Some(sub) = subscriber_id else {
                return Err(crate::error::AppError::Refused(why.message().1));
            };
            let data = with_conn(&state, move |conn| {
                edit_data(conn, scope, operator, SubscriberId(sub))
            })
            .await?;
            let saved = edit_view::saved_state(&data);
            let layout = Layout::for_operator(&by, &flashes);
            let page = edit_view::page_with_money(layout, data, saved, &by, money_form);
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
