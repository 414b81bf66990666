//! The Credit transfers and BPL tasks buttons of the edit screen (formaction buttons of the
//! edit form, so each post carries the whole screen): `POST /subscribers/{id}/transfers/{def}`
//! and `/subscribers/{id}/bpl-tasks/{task}` execute only; `…/save` saves the screen and
//! executes together. Done → 303 back to the panel with the result as a flash; refused → 422,
//! the screen with the message at its field.

use super::edit_view;
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::db::models::SubscriberId;
use crate::domain::FormState;
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::bpl::execute::{self as bpl, TaskForm};
use crate::service::subscribers::edit::{self as edit_service, SaveOutcome};
use crate::service::subscribers::edit_data;
use crate::service::subscribers::edit_form::posted_state;
use crate::service::transfers::execute::{self as transfer, TransferForm};
use crate::service::transfers::{Executed, Fail, Refusal};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};

fn get(fields: &Fields, name: &str) -> String {
    fields.get(name).unwrap_or("").to_string()
}

fn transfer_form(fields: &Fields) -> TransferForm {
    TransferForm {
        recipient_cli: get(fields, "transfer_recipient_cli"),
        purchaser_wallet_type: get(fields, "transfer_purchaser_wallet_type"),
        recipient_wallet_type: get(fields, "transfer_recipient_wallet_type"),
        pin: get(fields, "transfer_pin"),
        change_reason: get(fields, "transfer_change_reason"),
        primary_version: get(fields, "primary_version"),
        secondary_version: get(fields, "secondary_version"),
    }
}

fn task_form(fields: &Fields) -> TaskForm {
    TaskForm {
        wallet_type: get(fields, "bpl_wallet_type"),
        params: fields
            .0
            .iter()
            .filter(|(k, _)| k.starts_with("bpl_param_"))
            .cloned()
            .collect(),
        change_reason: get(fields, "bpl_change_reason"),
        primary_version: get(fields, "primary_version"),
        secondary_version: get(fields, "secondary_version"),
    }
}

/// 422: the screen with what was posted (the whole edit form when the browser sent it, else
/// the saved values with the panel's fields) and the message at its field.
async fn refused(
    state: &web::Data<AppState>,
    op: &CurrentOperator,
    id: i64,
    fields: &Fields,
    r: Refusal,
    flashes: &IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (scope, operator) = (op.service_provider_id, op.id);
    let data = with_conn(state, move |conn| {
        edit_data(conn, scope, operator, SubscriberId(id))
    })
    .await?;
    let mut form: FormState = if fields.get("version").is_some() {
        posted_state(fields)
    } else {
        let mut f = edit_view::saved_state(&data);
        for (k, v) in &fields.0 {
            if k.starts_with("transfer_") || k.starts_with("bpl_") {
                f.set(k, v.clone());
            }
        }
        f
    };
    form.set("transfer_pin", "");
    form.error(&r.field, r.message);
    let page = edit_view::page(Layout::for_operator(op, flashes), data, form, op, false);
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn answer(
    state: &web::Data<AppState>,
    op: &CurrentOperator,
    id: i64,
    fields: &Fields,
    executed: Executed,
    anchor: &str,
    flashes: &IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    match executed {
        Executed::Done(message) => {
            FlashMessage::success(message).send();
            Ok(see_other(&format!("/subscribers/{id}#{anchor}")))
        }
        Executed::Refused(r) => refused(state, op, id, fields, r, flashes).await,
    }
}

/// The answer of a Save & execute.
fn saved(
    op: &CurrentOperator,
    id: i64,
    outcome: SaveOutcome,
    done: Option<String>,
    anchor: &str,
    layout: Layout,
) -> AppResult<HttpResponse> {
    match outcome {
        SaveOutcome::Saved | SaveOutcome::Unchanged => {
            FlashMessage::success(format!("Saved. {}", done.unwrap_or_default())).send();
            Ok(see_other(&format!("/subscribers/{id}#{anchor}")))
        }
        SaveOutcome::Invalid(data, mut f) => {
            f.set("transfer_pin", "");
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_view::page(layout, *data, f, op, false),
            )
        }
        SaveOutcome::Stale(data) => {
            let form = edit_view::saved_state(&data);
            render(
                StatusCode::CONFLICT,
                &edit_view::page(layout, *data, form, op, true),
            )
        }
    }
}

/// Refusals of a transaction's action as the edit save wants them: (field, message).
fn as_refusal(result: Result<String, Fail>) -> AppResult<Result<String, (String, String)>> {
    match result {
        Ok(s) => Ok(Ok(s)),
        Err(Fail::Refused(r)) => Ok(Err((r.field, r.message))),
        Err(Fail::App(e)) => Err(e),
    }
}

pub async fn transfer(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0;
    let (id, definition) = path.into_inner();
    let fields = form.0;
    let executed = transfer::execute(
        &state,
        &op,
        SubscriberId(id),
        definition,
        transfer_form(&fields),
    )
    .await?;
    answer(&state, &op, id, &fields, executed, "p-transfers", &flashes).await
}

pub async fn transfer_save(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0;
    let (id, definition) = path.into_inner();
    let fields = form.0;
    let posted = transfer_form(&fields);
    let p = match transfer::prepare(&state, &op, SubscriberId(id), definition, &posted).await? {
        Ok(p) => p,
        Err(r) => return refused(&state, &op, id, &fields, r, &flashes).await,
    };
    let who = op.clone();
    let versions = (p.versions().to_vec(), "transfer");
    let (outcome, done) = edit_service::save_and_run(
        &state,
        &op,
        SubscriberId(id),
        fields,
        versions,
        move |conn| as_refusal(transfer::within(conn, &who, &p)),
    )
    .await?;
    let layout = Layout::for_operator(&op, &flashes);
    saved(&op, id, outcome, done, "p-transfers", layout)
}

pub async fn task(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0;
    let (id, task) = path.into_inner();
    let fields = form.0;
    let executed = bpl::execute(&state, &op, SubscriberId(id), task, task_form(&fields)).await?;
    answer(&state, &op, id, &fields, executed, "p-bpl", &flashes).await
}

pub async fn task_save(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0;
    let (id, task) = path.into_inner();
    let fields = form.0;
    let posted = task_form(&fields);
    let scope = op.service_provider_id;
    let prepared = with_conn(&state, move |conn| {
        bpl::prepare(conn, scope, SubscriberId(id), task, &posted)
    })
    .await?;
    let p = match prepared {
        Ok(p) => p,
        Err(r) => return refused(&state, &op, id, &fields, r, &flashes).await,
    };
    let who = op.clone();
    let versions = (p.versions().to_vec(), "bpl");
    let (outcome, done) = edit_service::save_and_run(
        &state,
        &op,
        SubscriberId(id),
        fields,
        versions,
        move |conn| {
            let result = bpl::within(conn, &who, &p).map_err(|f| match f {
                Fail::Refused(mut r) if r.field == "transfer" => {
                    r.field = "bpl".into();
                    Fail::Refused(r)
                }
                other => other,
            });
            as_refusal(result)
        },
    )
    .await?;
    let layout = Layout::for_operator(&op, &flashes);
    saved(&op, id, outcome, done, "p-bpl", layout)
}
