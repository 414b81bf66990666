//! New subscriber: GET `/subscribers/new` shows the form, POST `/subscribers` creates the
//! subscriber (it exists from here on, even without a wallet) and continues to its new-wallet
//! step, or answers 422 with every mistake next to its field.

use super::details::{self, PinChange};
use super::{id_options, pick_provider};
use crate::auth::access::providers_for;
use crate::auth::{CsrfField, CsrfForm, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::ref_data::{self, RefKind};
use crate::db::models::subscriber::{self, NewSubscriber};
use crate::db::{write_transaction, DbConnection};
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
use serde::Deserialize;

/// The form as posted; every field is text so nothing is lost before it is checked.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SubscriberForm {
    pub csrf_token: String,
    pub service_provider_id: String,
    pub card_number: String,
    pub subscriber_id: String,
    pub description: String,
    pub pin_defined: String,
    pub pin: String,
    pub pin_confirm: String,
    pub language: String,
    pub cli_restricted: String,
    pub disable_incoming_roaming: String,
    pub blacklisted: String,
    pub disable_sms: String,
}

impl CsrfField for SubscriberForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl SubscriberForm {
    fn get(&self, name: &str) -> String {
        match name {
            "card_number" => &self.card_number,
            "subscriber_id" => &self.subscriber_id,
            "description" => &self.description,
            "pin_defined" => &self.pin_defined,
            "pin" => &self.pin,
            "pin_confirm" => &self.pin_confirm,
            "language" => &self.language,
            "cli_restricted" => &self.cli_restricted,
            "disable_incoming_roaming" => &self.disable_incoming_roaming,
            "blacklisted" => &self.blacklisted,
            "disable_sms" => &self.disable_sms,
            "service_provider_id" => &self.service_provider_id,
            _ => "",
        }
        .to_string()
    }

    fn state(&self) -> FormState {
        let mut f = FormState::default();
        f.set("service_provider_id", self.service_provider_id.trim());
        details::keep_typed(&|n| self.get(n), &mut f);
        f
    }
}

pub struct Choices {
    pub providers: Vec<(String, String)>,
    pub languages: Vec<(String, String)>,
}

fn load_choices(conn: &mut DbConnection, op_sp: Option<i64>) -> AppResult<Choices> {
    Ok(Choices {
        providers: providers_for(conn, op_sp)?,
        languages: id_options(ref_data::options(conn, RefKind::Languages)?),
    })
}

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
    let op_sp = editor.0.service_provider_id;
    let choices = with_conn(&state, move |conn| load_choices(conn, op_sp)).await?;
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

enum Created {
    Ok(i64),
    Invalid(FormState),
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    form: CsrfForm<SubscriberForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let op = editor.0.clone();
    let op_sp = op.service_provider_id;
    let choices = with_conn(&state, move |conn| load_choices(conn, op_sp)).await?;
    let mut f = form.state();
    let sp = choices
        .providers
        .iter()
        .find(|(id, _)| *id == form.service_provider_id.trim())
        .and_then(|(id, _)| id.parse::<i64>().ok());
    if sp.is_none() {
        f.error(
            "service_provider_id",
            "Choose a service provider from the list.",
        );
    }
    let valid = details::parse(&|n| form.get(n), &choices.languages, false, &mut f);
    let (Some(sp), Some(valid)) = (sp, valid) else {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(Layout::for_operator(&op, &flashes), f, choices),
        );
    };
    let pin_hash = match &valid.pin {
        PinChange::Set(pin) => {
            let pin = pin.as_str().to_string();
            Some(web::block(move || crate::auth::password::hash(&pin)).await??)
        }
        PinChange::Keep | PinChange::Remove => None,
    };
    let actor = op.actor();
    let outcome = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            if subscriber::card_taken(conn, sp, valid.card_number.as_str(), None)? {
                f.error(
                    "card_number",
                    "Another subscriber of this service provider has this card number.",
                );
            }
            if subscriber::cli_taken(conn, sp, valid.cli.as_str(), None)? {
                f.error(
                    "subscriber_id",
                    "Another subscriber of this service provider has this subscriber ID.",
                );
            }
            if f.has_errors() {
                return Ok(Created::Invalid(f));
            }
            let now = crate::db::now();
            let s = subscriber::insert(
                conn,
                &NewSubscriber {
                    service_provider_id: sp,
                    card_number: valid.card_number.into_inner(),
                    cli: valid.cli.into_inner(),
                    description: valid.description,
                    pin_hash,
                    language_id: valid.language_id,
                    cli_restricted: valid.cli_restricted,
                    disable_incoming_roaming: valid.disable_incoming_roaming,
                    blacklisted: valid.blacklisted,
                    disable_sms: valid.disable_sms,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "create",
                    object_type: "subscriber",
                    object_id: s.id,
                    before: None,
                    after: audit::image(&s),
                    reason: None,
                },
            )?;
            Ok::<_, AppError>(Created::Ok(s.id))
        })
    })
    .await;
    match outcome {
        Ok(Created::Ok(id)) => {
            FlashMessage::success("Subscriber saved. Now give it a wallet.").send();
            Ok(see_other(&format!("/subscribers/{id}/wallets/new")))
        }
        Ok(Created::Invalid(f)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(Layout::for_operator(&op, &flashes), f, choices),
        ),
        // Two people saving the same card number or subscriber ID at once: the index decides.
        Err(AppError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => {
            let mut f = form.state();
            f.error(
                "card_number",
                "This card number or subscriber ID was just taken by someone else; check both.",
            );
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(Layout::for_operator(&op, &flashes), f, choices),
            )
        }
        Err(e) => Err(e),
    }
}
