//! Deleting a subscriber: a confirmation page, then POST. Its wallets go with it, except a shared
//! wallet another subscriber still holds. Taking wallets away is a financial change, so a reason
//! is asked for while such changes are audited.

use crate::auth::access::ensure_subscriber_visible as ensure_visible;
use crate::auth::access::subscriber_visible as visible;
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::settings;
use crate::db::models::subscriber::{self, Subscriber};
use crate::db::models::subscriber_profile as profile;
use crate::db::models::wallet::{self, HeldWallet};
use crate::db::write_transaction;
use crate::domain::subscriber::ChangeReason;
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
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
                    h.wallet_type, h.wallet.wallet_ref
                )
            }
        })
        .collect();
    out.push("Its comments, zones, number lists and other settings are deleted.".into());
    out
}

async fn load(
    state: &web::Data<AppState>,
    sp: Option<i64>,
    id: i64,
) -> AppResult<(Subscriber, Vec<HeldWallet>, bool)> {
    with_conn(state, move |conn| {
        let s = visible(conn, sp, id)?;
        Ok((
            s,
            wallet::held_by(conn, id)?,
            settings::audit_financial_changes(conn)?,
        ))
    })
    .await
}

pub async fn confirm(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<DeletePage> {
    let (s, wallets, audit_on) =
        load(&state, editor.0.service_provider_id, path.into_inner()).await?;
    Ok(DeletePage {
        layout: Layout::for_operator(&editor.0, &flashes),
        consequences: consequences(&wallets),
        subscriber: s,
        audit_on,
        form: FormState::default(),
    })
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0;
    let s = ensure_visible(&state, &op, path.into_inner()).await?;
    let (s, wallets, audit_on) = load(&state, op.service_provider_id, s.id).await?;
    let typed = form.0.get("change_reason").unwrap_or("").to_string();
    let reason = if audit_on || !typed.trim().is_empty() {
        match ChangeReason::parse(&typed) {
            Ok(r) => Some(r.into_inner()),
            Err(m) => {
                let mut f = FormState::default();
                f.set("change_reason", typed);
                f.error("change_reason", m);
                return render(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &DeletePage {
                        layout: Layout::for_operator(&op, &flashes),
                        consequences: consequences(&wallets),
                        subscriber: s,
                        audit_on,
                        form: f,
                    },
                );
            }
        }
    } else {
        None
    };
    let actor = op.actor();
    let card = s.card_number.clone();
    let id = s.id;
    with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let before = profile::audit_image(&s, &profile::load(conn, id)?);
            let held = wallet::held_by(conn, id)?;
            subscriber::delete(conn, id)?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "delete",
                    object_type: "subscriber",
                    object_id: id,
                    before,
                    after: None,
                    reason: reason.as_deref(),
                },
            )?;
            // The links went with the subscriber; a wallet nobody holds now goes too.
            for h in held {
                if wallet::delete_if_unheld(conn, h.wallet.id)? {
                    audit::record(
                        conn,
                        Change {
                            actor: &actor,
                            action: "delete",
                            object_type: "wallet",
                            object_id: h.wallet.id,
                            before: audit::image(&h.wallet),
                            after: None,
                            reason: reason.as_deref(),
                        },
                    )?;
                }
            }
            Ok::<_, AppError>(())
        })
    })
    .await?;
    FlashMessage::success(format!("Subscriber {card} was deleted.")).send();
    Ok(see_other("/subscribers"))
}
