//! A new subscriber: the form is checked (provider, details, PIN), the card number and subscriber
//! ID must be free within the provider, then the subscriber is stored with its audit event. It
//! exists from here on, even before it has a wallet.

use super::details::{self, PinChange, ValidDetails};
use super::form::id_options;
use crate::auth::CurrentOperator;
use crate::db::models::ref_data::{self, RefKind};
use crate::db::models::subscriber::{self, NewSubscriber};
use crate::db::{write_transaction, DbConnection};
use crate::domain::FormState;
use crate::error::AppResult;
use crate::service::access::{providers_for, Scope};
use crate::service::audit::{AuditEvent, ObjectKind};
use crate::service::unique_to_field;
use crate::state::{blocking, with_conn, AppState};
use serde::Deserialize;

/// The form as posted; every field is text so nothing is lost before it is checked.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SubscriberForm {
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

    /// The typed values, to show the form again (never the PIN).
    pub fn state(&self) -> FormState {
        let mut f = FormState::default();
        f.set("service_provider_id", self.service_provider_id.trim());
        details::keep_typed(&|n| self.get(n), &mut f);
        f
    }
}

/// The lists the form chooses from.
pub struct Choices {
    pub providers: Vec<(String, String)>,
    pub languages: Vec<(String, String)>,
}

/// The providers this operator may create in, and the languages.
#[tracing::instrument(skip(conn))]
pub fn choices(conn: &mut DbConnection, scope: Scope) -> AppResult<Choices> {
    Ok(Choices {
        providers: providers_for(conn, scope)?,
        languages: id_options(ref_data::options(conn, RefKind::Languages)?),
    })
}

/// What creating a subscriber ended in.
#[derive(Debug)]
pub enum CreateOutcome {
    Created(i64),
    Invalid(FormState),
}

/// Creates a subscriber in a provider the operator may work in.
#[tracing::instrument(skip(state, op, form), fields(operator = %op.username))]
pub async fn create(
    state: &AppState,
    op: &CurrentOperator,
    form: SubscriberForm,
) -> AppResult<CreateOutcome> {
    let scope = op.service_provider_id;
    let choices = with_conn(state, move |conn| choices(conn, scope)).await?;
    let mut f = form.state();
    let Some((sp, valid)) = parse(&form, &choices, &mut f) else {
        return Ok(CreateOutcome::Invalid(f));
    };
    let pin_hash = match &valid.pin {
        PinChange::Set(pin) => {
            let pin = pin.as_str().to_string();
            Some(blocking(move || Ok(crate::auth::password::hash(&pin)?)).await?)
        }
        PinChange::Keep | PinChange::Remove => None,
    };
    let actor = op.actor();
    with_conn(state, move |conn| {
        insert(conn, &actor, sp, valid, pin_hash, f)
    })
    .await
}

/// The provider and the details, checked; messages go next to their fields in `f`.
fn parse(
    form: &SubscriberForm,
    choices: &Choices,
    f: &mut FormState,
) -> Option<(i64, ValidDetails)> {
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
    let valid = details::parse(&|n| form.get(n), &choices.languages, false, f);
    Some((sp?, valid?))
}

/// Checks the card number and subscriber ID are free, then stores the subscriber.
fn insert(
    conn: &mut DbConnection,
    actor: &str,
    sp: i64,
    valid: ValidDetails,
    pin_hash: Option<String>,
    f: FormState,
) -> AppResult<CreateOutcome> {
    let typed = f.clone();
    let written: AppResult<CreateOutcome> = write_transaction(conn, |conn| {
        let mut f = f;
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
            return Ok(CreateOutcome::Invalid(f));
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
        AuditEvent::created(ObjectKind::Subscriber, s.id, &s).write(conn, actor)?;
        Ok(CreateOutcome::Created(s.id))
    });
    // Two people saving the same card number or subscriber ID at once: the index decides, and
    // whichever unique index it was, the message goes on the card number.
    written.or_else(|e| {
        let mut f = typed;
        unique_to_field(
            e,
            &mut f,
            &[(
                "",
                "card_number",
                "This card number or subscriber ID was just taken by someone else; check both.",
            )],
        )?;
        Ok(CreateOutcome::Invalid(f))
    })
}
