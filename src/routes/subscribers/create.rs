//! New subscriber: GET `/subscribers/new` shows the form, POST `/subscribers` creates the
//! subscriber (it exists from here on, even without a wallet) and continues to its new-wallet
//! step, or answers 422 with every mistake next to its field.

use super::{pick_provider, Posted};
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::domain::FormState;
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::subscribers::create::SubscriberForm;
use crate::service::subscribers::create::{self as service, Choices, CreateOutcome};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "subscribers/new.html")]
pub struct NewSubscriberPage {
    pub layout: Layout,
    pub form: FormState,
    pub providers: Vec<(String, String)>,
    pub languages: Vec<(String, String)>,
}

fn page(layout: Layout, form: FormState, choices: Choices) -> NewSubscriberPage {
    NewSubscriberPage {
        layout,
        form,
        providers: choices.providers,
        languages: choices.languages,
    }
}

async fn choices(state: &AppState, op: &CurrentOperator) -> AppResult<Choices> {
    let scope = op.service_provider_id;
    with_conn(state, move |conn| service::choices(conn, scope)).await
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    pub service_provider_id: Option<String>,
}

pub async fn form(
    state: web::Data<AppState>,
    editor: Editor,
    query: web::Query<NewQuery>,
    flashes: IncomingFlashMessages,
) -> AppResult<NewSubscriberPage> {
    let choices = choices(&state, &editor.0).await?;
    let mut f = FormState::default();
    let asked = query.service_provider_id.clone().unwrap_or_default();
    if let Some(sp) = pick_provider(&asked, &choices.providers) {
        f.set("service_provider_id", sp.to_string());
    }
    if let Some((first, _)) = choices
        .languages
        .iter()
        .find(|(_, n)| n == "English")
        .or(choices.languages.first())
    {
        f.set("language", first.clone());
    }
    Ok(page(Layout::for_operator(&editor.0, &flashes), f, choices))
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    form: CsrfForm<Posted<SubscriberForm>>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0;
    match service::create(&state, &op, form.0.form).await? {
        CreateOutcome::Created(id) => {
            FlashMessage::success("Subscriber saved. Now give it a wallet.").send();
            Ok(see_other(&format!("/subscribers/{id}/wallets/new")))
        }
        CreateOutcome::Invalid(f) => {
            let choices = choices(&state, &op).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(Layout::for_operator(&op, &flashes), f, choices),
            )
        }
    }
}
