//! The new-wallet step: GET `/subscribers/{id}/wallets/new`, POST `/subscribers/{id}/wallets`.
//! Either a private wallet (its reference generated when left blank) or a link to an existing
//! wallet of the same provider, which is then shared. A subscriber holds at most a primary and a
//! secondary wallet.

use super::Posted;
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::db::models::subscriber::Subscriber;
use crate::db::models::SubscriberId;
use crate::domain::subscriber::LimitType;
use crate::domain::FormState;
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::subscribers::wallets::{
    self as service, AddWalletOutcome, Choices, WalletForm,
};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "subscribers/wallet_new.html")]
pub struct NewWalletPage {
    pub layout: Layout,
    pub subscriber: Subscriber,
    pub form: FormState,
    pub choices: Choices,
    pub limit_types: Vec<(String, String)>,
}

fn page(
    layout: Layout,
    subscriber: Subscriber,
    form: FormState,
    choices: Choices,
) -> NewWalletPage {
    NewWalletPage {
        layout,
        subscriber,
        form,
        choices,
        limit_types: LimitType::ALL
            .iter()
            .map(|t| (t.code().to_string(), t.label().to_string()))
            .collect(),
    }
}

async fn screen(
    state: &AppState,
    op: &CurrentOperator,
    id: i64,
) -> AppResult<(Subscriber, Choices)> {
    let scope = op.service_provider_id;
    with_conn(state, move |conn| {
        service::new_wallet_form(conn, scope, SubscriberId(id))
    })
    .await
}

/// The form's first values: the first free type, the first domain and product type, EUR.
fn defaults(choices: &Choices) -> FormState {
    let mut f = FormState::default();
    if let Some((t, _)) = choices.free_types.first() {
        f.set("wallet_type", t.clone());
    }
    for (field, list) in [
        ("charging_domain_id", &choices.domains),
        ("product_type_id", &choices.product_types),
    ] {
        if let Some((first, _)) = list.first() {
            f.set(field, first.clone());
        }
    }
    if let Some(c) = choices
        .currencies
        .iter()
        .find(|c| c.code == "EUR")
        .or(choices.currencies.first())
    {
        f.set("currency_id", c.id.to_string());
        f.set("display_currency_id", c.id.to_string());
    }
    f.set("limit_type", LimitType::Prepaid.code());
    f.set("max_concurrent", "1");
    f
}

pub async fn form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<NewWalletPage> {
    let (s, choices) = screen(&state, &editor.0, path.into_inner()).await?;
    let f = defaults(&choices);
    Ok(page(
        Layout::for_operator(&editor.0, &flashes),
        s,
        f,
        choices,
    ))
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Posted<WalletForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0;
    let id = path.into_inner();
    let (by, form) = (op.clone(), form.0.form);
    let outcome = with_conn(&state, move |conn| {
        service::add(conn, &by, SubscriberId(id), &form)
    })
    .await?;
    match outcome {
        AddWalletOutcome::Added {
            wallet_ref,
            wallet_type,
        } => {
            FlashMessage::success(format!(
                "{} wallet {wallet_ref} added.",
                wallet_type.label()
            ))
            .send();
            Ok(see_other(&format!("/subscribers/{id}#p-wallets")))
        }
        AddWalletOutcome::Invalid(f) => {
            let (s, choices) = screen(&state, &op, id).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(Layout::for_operator(&op, &flashes), s, f, choices),
            )
        }
    }
}
