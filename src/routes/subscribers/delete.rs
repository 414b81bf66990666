//! Deleting a subscriber: a confirmation page listing what goes with it, then POST. Its wallets
//! go with it, except a shared wallet another subscriber still holds; a reason is asked for
//! while financial changes are audited.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::subscriber::Subscriber;
use crate::db::models::wallet::HeldWallet;
use crate::db::models::SubscriberId;
use crate::domain::FormState;
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::subscribers::delete::{self as service, DeleteInfo, DeleteOutcome};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "subscribers/delete.html")]
pub struct DeletePage {
    pub layout: Layout,
    pub subscriber: Subscriber,
    pub consequences: Vec<String>,
    pub audit_on: bool,
    pub form: FormState,
}

fn consequences(wallets: &[HeldWallet]) -> Vec<String> {
    let mut out: Vec<String> = wallets
        .iter()
        .map(|h| {
            if h.holders > 1 {
                format!(
                    "Wallet {} stays: {} other subscriber(s) share it.",
                    h.wallet.wallet_ref,
                    h.holders - 1
                )
            } else {
                format!(
                    "Its {} wallet {} is deleted with it.",
                    h.wallet_type.code(),
                    h.wallet.wallet_ref
                )
            }
        })
        .collect();
    out.push("Its comments, zones, number lists and other settings are deleted.".into());
    out
}

fn page(layout: Layout, info: DeleteInfo, form: FormState) -> DeletePage {
    DeletePage {
        layout,
        consequences: consequences(&info.wallets),
        subscriber: info.subscriber,
        audit_on: info.audit_on,
        form,
    }
}

async fn info(state: &AppState, scope: Option<i64>, id: i64) -> AppResult<DeleteInfo> {
    with_conn(state, move |conn| {
        service::delete_info(conn, scope, SubscriberId(id))
    })
    .await
}

pub async fn confirm(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<DeletePage> {
    let info = info(&state, editor.0.service_provider_id, path.into_inner()).await?;
    Ok(page(
        Layout::for_operator(&editor.0, &flashes),
        info,
        FormState::default(),
    ))
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0;
    let id = path.into_inner();
    let typed = form.0.get("change_reason").unwrap_or("").to_string();
    let by = op.clone();
    let outcome = with_conn(&state, move |conn| {
        service::delete(conn, &by, SubscriberId(id), &typed)
    })
    .await?;
    match outcome {
        DeleteOutcome::Deleted { card_number } => {
            FlashMessage::success(format!("Subscriber {card_number} was deleted.")).send();
            Ok(see_other("/subscribers"))
        }
        DeleteOutcome::Invalid(f) => {
            let info = info(&state, op.service_provider_id, id).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(Layout::for_operator(&op, &flashes), info, f),
            )
        }
    }
}
