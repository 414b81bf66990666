//! Exchange rates, the admin's reference data for showing balances in a wallet's display
//! currency: list, set (a pair's rate is added, or replaced when the pair has one) and delete,
//! each audited.

use crate::db::models::exchange_rate::{self, ExchangeRate};
use crate::db::models::ref_data::{self, Currency};
use crate::db::{write_transaction, DbConnection};
use crate::domain::exchange::Rate;
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::service::audit::{AuditEvent, ObjectKind};
use serde::Deserialize;

/// The form as posted.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RateForm {
    pub from_currency_id: String,
    pub to_currency_id: String,
    pub rate: String,
}

pub enum RateOutcome {
    Set(ExchangeRate),
    Invalid(FormState),
}

/// The rates and the currencies they name.
pub fn list(conn: &mut DbConnection) -> AppResult<(Vec<ExchangeRate>, Vec<Currency>)> {
    Ok((exchange_rate::all(conn)?, ref_data::all_currencies(conn)?))
}

fn currency_field(
    f: &mut FormState,
    name: &str,
    typed: &str,
    currencies: &[Currency],
) -> Option<i64> {
    f.check(
        name,
        typed
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| currencies.iter().any(|c| c.id == *id))
            .ok_or_else(|| "Choose a currency from the list.".to_string()),
    )
}

/// Sets the rate of a pair of currencies; 422 with messages for bad input.
#[tracing::instrument(skip(conn, form))]
pub fn set(conn: &mut DbConnection, actor: &str, form: &RateForm) -> AppResult<RateOutcome> {
    let mut f = FormState::default();
    f.set("from_currency_id", form.from_currency_id.trim());
    f.set("to_currency_id", form.to_currency_id.trim());
    f.set("rate", form.rate.trim());
    let currencies = ref_data::all_currencies(conn)?;
    let from = currency_field(
        &mut f,
        "from_currency_id",
        &form.from_currency_id,
        &currencies,
    );
    let to = currency_field(&mut f, "to_currency_id", &form.to_currency_id, &currencies);
    let rate = f.check("rate", Rate::parse(&form.rate));
    if let (Some(a), Some(b)) = (from, to) {
        if a == b {
            f.error("to_currency_id", "Choose a currency other than the first.");
        }
    }
    let (Some(from), Some(to), Some(rate)) = (from, to, rate) else {
        return Ok(RateOutcome::Invalid(f));
    };
    if f.has_errors() {
        return Ok(RateOutcome::Invalid(f));
    }
    let result = write_transaction(conn, |conn| -> Result<ExchangeRate, AppError> {
        let event = match exchange_rate::of_pair(conn, from, to)? {
            Some(before) => {
                exchange_rate::update(conn, before.id, rate)?;
                let after = exchange_rate::find(conn, before.id)?.ok_or(AppError::NotFound)?;
                let e = AuditEvent::updated(ObjectKind::ExchangeRate, before.id, &before, &after);
                (after, e)
            }
            None => {
                let id = exchange_rate::insert(conn, from, to, rate)?;
                let after = exchange_rate::find(conn, id)?.ok_or(AppError::NotFound)?;
                let e = AuditEvent::created(ObjectKind::ExchangeRate, id, &after);
                (after, e)
            }
        };
        event.1.write(conn, actor)?;
        Ok(event.0)
    });
    match result {
        Ok(row) => Ok(RateOutcome::Set(row)),
        Err(e) => {
            // Two admins adding the same pair at once: the second is told to look again.
            crate::service::unique_to_field(
                e,
                &mut f,
                &[(
                    "currency",
                    "to_currency_id",
                    "A rate for this pair was set at the same moment; check it and try again.",
                )],
            )?;
            Ok(RateOutcome::Invalid(f))
        }
    }
}

/// Deletes a rate; `false` when there is none with this id.
#[tracing::instrument(skip(conn))]
pub fn delete(conn: &mut DbConnection, actor: &str, id: i64) -> AppResult<bool> {
    write_transaction(conn, |conn| -> Result<bool, AppError> {
        let Some(before) = exchange_rate::find(conn, id)? else {
            return Ok(false);
        };
        exchange_rate::delete(conn, id)?;
        AuditEvent::deleted(ObjectKind::ExchangeRate, id, &before).write(conn, actor)?;
        Ok(true)
    })
}
