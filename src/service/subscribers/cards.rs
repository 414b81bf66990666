//! A subscriber's credit cards: register (number, expiry, holder), confirm, freeze,
//! deregister; and the admin's limit on registrations per subscriber. The number is checked
//! (Luhn) and turned at once into a token — HMAC-SHA-256 under a per-database pepper — and its
//! last four digits; it is never stored, logged, audited or shown. Each action holds the
//! subscriber's row in its transaction (so concurrent registrations cannot pass the limit
//! together), moves the card by a conditional update, and writes the audit event (under the
//! subscriber, with the change reason).

use crate::auth::CurrentOperator;
use crate::db::models::credit_card::{self, CreditCard, NewCreditCard};
use crate::db::models::settings;
use crate::db::schema::subscribers;
use crate::db::{write_transaction, DbConnection};
use crate::domain::card::{CardExpiry, CardHolder, CardNumber, CardState};
use crate::domain::subscriber::ChangeReason;
use crate::domain::topup::civil_from_days;
use crate::domain::{parse_int_in, FormState};
use crate::error::{AppError, AppResult};
use crate::service::access::subscriber_visible;
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::Rng;
use serde::Deserialize;
use sha2::Sha256;

/// The setting holding the most cards a subscriber may have registered (not deregistered).
pub const MAX_SETTING: &str = "max_card_registrations";
/// Its value until an admin sets one.
pub const DEFAULT_MAX: i64 = 3;
const PEPPER: &str = "card_pepper";

/// The register form (its field names) and the action forms' reason.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct CardForm {
    pub card_number: String,
    pub expiry: String,
    pub holder: String,
    pub change_reason: String,
}

impl CardForm {
    /// What the form shows again after a refusal: never the number.
    fn state(&self) -> FormState {
        let mut f = FormState::default();
        f.set("expiry", self.expiry.trim());
        f.set("holder", self.holder.trim());
        f.set("change_reason", self.change_reason.trim());
        f
    }
}

/// What a card action led to.
#[derive(Debug)]
pub enum CardOutcome {
    Done {
        subscriber_id: i64,
        message: String,
    },
    /// Nothing changed: the form with its messages (`card_form` tells which card's form).
    Refused {
        subscriber_id: i64,
        form: FormState,
    },
}

/// An action on a registered card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardAction {
    Confirm,
    Freeze,
    Deregister,
}

impl CardAction {
    pub fn parse(s: &str) -> Option<CardAction> {
        match s {
            "confirm" => Some(CardAction::Confirm),
            "freeze" => Some(CardAction::Freeze),
            "deregister" => Some(CardAction::Deregister),
            _ => None,
        }
    }

    /// The states a card may be in for this action, and the state it goes to.
    fn moves(self) -> (&'static [CardState], CardState) {
        match self {
            CardAction::Confirm => (&[CardState::Registered], CardState::Confirmed),
            CardAction::Freeze => (
                &[CardState::Registered, CardState::Confirmed],
                CardState::Frozen,
            ),
            CardAction::Deregister => (
                &[
                    CardState::Registered,
                    CardState::Confirmed,
                    CardState::Frozen,
                ],
                CardState::Deregistered,
            ),
        }
    }

    fn audit(self) -> Action {
        match self {
            CardAction::Confirm => Action::ConfirmCard,
            CardAction::Freeze => Action::FreezeCard,
            CardAction::Deregister => Action::DeregisterCard,
        }
    }

    fn done(self) -> &'static str {
        match self {
            CardAction::Confirm => "confirmed",
            CardAction::Freeze => "frozen",
            CardAction::Deregister => "deregistered",
        }
    }
}

/// The most cards a subscriber may have registered.
pub fn max_registrations(conn: &mut DbConnection) -> QueryResult<i64> {
    Ok(settings::get(conn, MAX_SETTING)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MAX))
}

/// Sets the limit (admins; 1–20; audited); `Err` holds the form with its message.
pub fn set_max_registrations(
    conn: &mut DbConnection,
    actor: &str,
    typed: &str,
) -> AppResult<Result<i64, FormState>> {
    let mut f = FormState::default();
    f.set("max_card_registrations", typed.trim());
    let Some(n) = f.check("max_card_registrations", parse_int_in(typed, 1, 20)) else {
        return Ok(Err(f));
    };
    write_transaction(conn, |conn| -> AppResult<()> {
        let before = max_registrations(conn)?;
        settings::set(conn, MAX_SETTING, &n.to_string())?;
        AuditEvent::new(ObjectKind::Setting, 0, Action::Update)
            .before_value(serde_json::json!({ "max_card_registrations": before }))
            .after_value(serde_json::json!({ "max_card_registrations": n }))
            .write(conn, actor)?;
        Ok(())
    })?;
    Ok(Ok(n))
}

/// The subscriber's cards and the limit, for the panel.
pub fn of_subscriber(
    conn: &mut DbConnection,
    subscriber: i64,
) -> QueryResult<(Vec<CreditCard>, i64)> {
    Ok((
        credit_card::of_subscriber(conn, subscriber)?,
        max_registrations(conn)?,
    ))
}

fn pepper(conn: &mut DbConnection) -> QueryResult<Vec<u8>> {
    let fresh: String = (0..32)
        .map(|_| format!("{:02x}", OsRng.gen::<u8>()))
        .collect();
    Ok(settings::get_or_insert(conn, PEPPER, &fresh)?.into_bytes())
}

/// The token a card number is kept and compared by.
fn token(pepper: &[u8], number: &CardNumber) -> AppResult<String> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(pepper)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("card pepper: {e}")))?;
    mac.update(number.digits().as_bytes());
    Ok(mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The change reason: required while financial changes are audited, else optional.
fn reason(
    conn: &mut DbConnection,
    typed: &str,
    f: &mut FormState,
) -> QueryResult<Option<Option<String>>> {
    if settings::audit_financial_changes(conn)? || !typed.trim().is_empty() {
        Ok(f.check("change_reason", ChangeReason::parse(typed))
            .map(|r| Some(r.into_inner())))
    } else {
        Ok(Some(None))
    }
}

/// Holds the subscriber's row for the rest of the transaction (a write that changes nothing).
fn lock_subscriber(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    let n = diesel::update(subscribers::table.find(id))
        .set(subscribers::version.eq(subscribers::version))
        .execute(conn)?;
    Ok(n == 1)
}

/// Registers a card to subscriber `subscriber_id` (404 outside the operator's scope).
#[tracing::instrument(skip(conn, by, form), fields(operator = %by.username))]
pub fn register(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    subscriber_id: i64,
    form: &CardForm,
) -> AppResult<CardOutcome> {
    let s = subscriber_visible(conn, by.service_provider_id, subscriber_id)?;
    let mut f = form.state();
    f.set("card_form", "register");
    let now = crate::db::now();
    let (y, m, _) = civil_from_days(now.div_euclid(86_400));
    let number = f.check("card_number", CardNumber::parse(&form.card_number));
    let expiry = f.check(
        "expiry",
        CardExpiry::parse(&form.expiry, y as i32, m as i32),
    );
    let holder = f.check("holder", CardHolder::parse(&form.holder));
    let reason = reason(conn, &form.change_reason, &mut f)?;
    let refused = |f: FormState| {
        Ok(CardOutcome::Refused {
            subscriber_id: s.id,
            form: f,
        })
    };
    let (Some(number), Some(expiry), Some(holder), Some(reason)) = (number, expiry, holder, reason)
    else {
        return refused(f);
    };
    // Outside a transaction: two first uses racing agree on the first pepper written (on
    // PostgreSQL a unique violation inside a transaction would end it).
    let pepper = pepper(conn)?;
    let token = token(&pepper, &number)?;
    let last_four = number.last_four();
    let outcome = write_transaction(
        conn,
        |conn| -> AppResult<Result<CreditCard, (&'static str, String)>> {
            if !lock_subscriber(conn, s.id)? {
                return Err(AppError::NotFound);
            }
            let cards = credit_card::of_subscriber(conn, s.id)?;
            let max = max_registrations(conn)?;
            let held: Vec<&CreditCard> = cards.iter().filter(|c| c.state.counts()).collect();
            if held.iter().any(|c| c.token == token) {
                return Ok(Err((
                    "card_number",
                    format!(
                        "The card ending {last_four} is registered to this subscriber already."
                    ),
                )));
            }
            if held.len() as i64 >= max {
                return Ok(Err((
                    "card_number",
                    format!(
                    "This subscriber has {max} card(s) registered, the most allowed; deregister \
                     one first."
                ),
                )));
            }
            let card = credit_card::insert(
                conn,
                &NewCreditCard {
                    subscriber_id: s.id,
                    token: token.clone(),
                    last_four: last_four.clone(),
                    expiry_month: expiry.month,
                    expiry_year: expiry.year,
                    holder: holder.clone().into_inner(),
                    state: CardState::Registered,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            AuditEvent::new(ObjectKind::Subscriber, s.id, Action::RegisterCard)
                .after(&card)
                .reason(reason.clone())
                .write(conn, &by.actor())?;
            Ok(Ok(card))
        },
    )?;
    match outcome {
        Ok(card) => Ok(CardOutcome::Done {
            subscriber_id: s.id,
            message: format!("Card ending {} registered.", card.last_four),
        }),
        Err((field, message)) => {
            f.error(field, message);
            refused(f)
        }
    }
}

/// Confirms, freezes or deregisters card `card_id` (404 outside the operator's scope).
#[tracing::instrument(skip(conn, by, change_reason), fields(operator = %by.username))]
pub fn act(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    card_id: i64,
    action: CardAction,
    change_reason: &str,
) -> AppResult<CardOutcome> {
    let card = credit_card::find(conn, card_id)?.ok_or(AppError::NotFound)?;
    let s = subscriber_visible(conn, by.service_provider_id, card.subscriber_id)?;
    let mut f = FormState::default();
    f.set("card_form", format!("card-{card_id}"));
    f.set("change_reason", change_reason.trim());
    let refused = |mut f: FormState, m: String| {
        f.error("change_reason", m);
        Ok(CardOutcome::Refused {
            subscriber_id: s.id,
            form: f,
        })
    };
    let Some(reason) = reason(conn, change_reason, &mut f)? else {
        return Ok(CardOutcome::Refused {
            subscriber_id: s.id,
            form: f,
        });
    };
    let (from, to) = action.moves();
    let moved = write_transaction(conn, |conn| -> AppResult<Option<CreditCard>> {
        if !lock_subscriber(conn, s.id)? {
            return Err(AppError::NotFound);
        }
        let Some(card) = credit_card::find(conn, card_id)? else {
            return Ok(None);
        };
        if !from.contains(&card.state) || !credit_card::set_state(conn, card_id, card.state, to)? {
            return Ok(None);
        }
        let after = credit_card::find(conn, card_id)?;
        AuditEvent::new(ObjectKind::Subscriber, s.id, action.audit())
            .before(&card)
            .after(&after)
            .reason(reason.clone())
            .write(conn, &by.actor())?;
        Ok(Some(card))
    })?;
    match moved {
        Some(c) => Ok(CardOutcome::Done {
            subscriber_id: s.id,
            message: format!("Card ending {} {}.", c.last_four, action.done()),
        }),
        None => {
            let state = credit_card::find(conn, card_id)?
                .map(|c| c.state.label().to_lowercase())
                .unwrap_or_default();
            refused(
                f,
                format!(
                    "This card is {state}, so it cannot be {}; nothing was changed.",
                    action.done()
                ),
            )
        }
    }
}
