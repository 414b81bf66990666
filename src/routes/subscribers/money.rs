//! The money forms of the edit screen: `POST /wallets/{id}/adjustments` (Execute only),
//! `/wallets/{id}/adjustments/save` (Save & execute: the edit form and the adjustment in one
//! transaction), `/wallets/{id}/buckets`, `/wallets/{id}/buckets/{bucket_id}`, `…/delete`,
//! `/subscribers/{id}/merge` and `/wallets/{id}/recharges` (a voucher). Done → 303 back to the
//! edit screen; refused → 422, the screen with the message on the form.

use super::edit_view;
use super::Posted;
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::{SubscriberId, WalletId};
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::money::changes::{self, MoneyForm, Op};
use crate::service::money::merge::{self as merge_service, MergeForm};
use crate::service::money::vouchers::{self, RechargeBy, RechargeForm, RechargeOutcome};
use crate::service::money::MoneyOutcome;
use crate::service::subscribers::edit::{self as edit_service, SaveOutcome};
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
    let done = match op {
        Op::Adjust => "Balance adjusted.",
        Op::AddBucket => "Bucket added.",
        Op::EditBucket(_) => "Bucket changed.",
        Op::DeleteBucket(_) => "Bucket deleted.",
    };
    answer(&state, by, outcome, done, "p-balances", flashes).await
}

/// Done → 303 to the screen's `anchor`; refused → 422, the screen with the refused form.
async fn answer(
    state: &web::Data<AppState>,
    by: crate::auth::CurrentOperator,
    outcome: MoneyOutcome,
    done: &'static str,
    anchor: &str,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    match outcome {
        MoneyOutcome::Done { subscriber_id } => {
            FlashMessage::success(done).send();
            Ok(see_other(&format!("/subscribers/{subscriber_id}#{anchor}")))
        }
        MoneyOutcome::Refused {
            subscriber_id,
            form,
        } => {
            let (scope, operator) = (by.service_provider_id, by.id);
            let data = with_conn(state, move |conn| {
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

pub async fn merge(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Posted<MergeForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let by = editor.0;
    let who = by.clone();
    let id = SubscriberId(path.into_inner());
    let form = form.0.form;
    let outcome = with_conn(&state, move |conn| {
        merge_service::merge(conn, &who, id, &form)
    })
    .await?;
    answer(&state, by, outcome, "Wallets merged.", "p-merge", flashes).await
}

/// Save & execute: the edit form (which carries the adjustment's fields and, on the button,
/// the wallet's version) saved and the adjustment executed together.
pub async fn save_and_execute(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0;
    let wallet = WalletId(path.into_inner());
    let fields = form.0;
    let get = |n: &str| fields.get(n).unwrap_or("").to_string();
    let Ok(id) = get("screen_subscriber").trim().parse::<i64>() else {
        return Err(crate::error::AppError::NotFound);
    };
    let money = MoneyForm {
        balance_type_id: get("balance_type_id"),
        amount: get("amount"),
        change_reason: get("change_reason"),
        wallet_version: get("wallet_version"),
        screen_subscriber: id.to_string(),
        ..MoneyForm::default()
    };
    let layout = Layout::for_operator(&op, &flashes);
    match edit_service::save_and_adjust(&state, &op, SubscriberId(id), fields, wallet, money)
        .await?
    {
        SaveOutcome::Saved | SaveOutcome::Unchanged => {
            FlashMessage::success("Saved, and the balance adjusted.").send();
            Ok(see_other(&format!("/subscribers/{id}#p-adjustments")))
        }
        SaveOutcome::Invalid(data, f) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &edit_view::page(layout, *data, f, &op, false),
        ),
        SaveOutcome::Stale(data) => {
            let form = edit_view::saved_state(&data);
            render(
                StatusCode::CONFLICT,
                &edit_view::page(layout, *data, form, &op, true),
            )
        }
    }
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
