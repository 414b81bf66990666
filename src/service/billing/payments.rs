//! A customer's ledger: payments, credits and debits, entered with an exact amount in the
//! customer's currency; never edited, only reversed once by a counter-entry with a reason.

use crate::db::models::billing::{self, NewPayment, Payment};
use crate::db::models::customer::Customer;
use crate::db::{write_transaction, DbConnection};
use crate::domain::{civil_date_in, Amount, FormState, PaymentKind, Unit, Zone};
use crate::error::{AppError, AppResult};
use crate::service::access::{customer_visible, Scope};
use crate::service::audit::{AuditEvent, ObjectKind};
use crate::service::customers::editable;
use diesel::result::{DatabaseErrorKind, Error as DbError};
use serde::Deserialize;

/// Entries the page lists at most (newest first).
pub const SHOWN: i64 = 200;
const MAX_REFERENCE: usize = 40;
const MAX_NOTE: usize = 200;

/// The payment form as posted (`kind`, `amount`, `reference`, `note`, `date`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PaymentInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub note: String,
    /// `YYYY-MM-DD` in the viewer's zone; blank: now.
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub csrf_token: String,
}

/// What the payments page shows.
#[derive(Debug)]
pub struct Ledger {
    pub customer: Customer,
    /// Newest first, each with whether it has been reversed.
    pub entries: Vec<(Payment, bool)>,
    /// Entries minus all charges, now (minor units).
    pub balance: i64,
}

/// The customer's decimals (0–6).
pub fn decimals(c: &Customer) -> u32 {
    c.billing_decimals.clamp(0, 6) as u32
}

/// Shows a customer's amount.
pub fn show(c: &Customer, minor: i64) -> String {
    Amount::from_minor(minor).show(Unit::Cash, decimals(c))
}

#[tracing::instrument(skip(conn))]
pub fn ledger(conn: &mut DbConnection, scope: Scope, customer_id: i64) -> AppResult<Ledger> {
    let customer = customer_visible(conn, scope, customer_id)?;
    let rows = billing::payments_of(conn, customer.id, SHOWN)?;
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let reversed = billing::reversed_among(conn, &ids)?;
    let now = crate::db::now() + 1;
    let balance = billing::ledger_before(conn, customer.id, now)?
        - billing::charges_before(conn, customer.id, now)?;
    Ok(Ledger {
        entries: rows
            .into_iter()
            .map(|p| {
                let r = reversed.contains(&p.id);
                (p, r)
            })
            .collect(),
        balance,
        customer,
    })
}

/// What became of an entry.
#[derive(Debug)]
pub enum Entered {
    Done(Payment),
    /// Refused: the typed values with a message per field; nothing was saved.
    Invalid(FormState),
}

fn bounded(input: &str, max: usize, what: &str) -> Result<String, String> {
    let t = input.trim();
    if t.chars().count() > max {
        Err(format!("The {what} can be at most {max} characters."))
    } else {
        Ok(t.to_string())
    }
}

/// Enters a payment, credit or debit (an amount above zero with at most the customer's
/// decimals, a date not in the future).
#[tracing::instrument(skip(conn, input))]
pub fn enter(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    zone: &Zone,
    customer_id: i64,
    input: &PaymentInput,
) -> AppResult<Entered> {
    let c = editable(conn, scope, customer_id)?;
    let mut f = FormState::default();
    for (k, v) in [
        ("kind", &input.kind),
        ("amount", &input.amount),
        ("reference", &input.reference),
        ("note", &input.note),
        ("date", &input.date),
    ] {
        f.set(k, v.as_str());
    }
    let kind = f.check("kind", PaymentKind::parse(&input.kind));
    let amount = f.check(
        "amount",
        Amount::parse_non_negative(&input.amount, Unit::Cash, decimals(&c)).and_then(|a| {
            if a.minor() == 0 {
                Err("Enter an amount above zero.".into())
            } else {
                Ok(a)
            }
        }),
    );
    let reference = f.check(
        "reference",
        bounded(&input.reference, MAX_REFERENCE, "reference"),
    );
    let note = f.check("note", bounded(&input.note, MAX_NOTE, "note"));
    let now = crate::db::now();
    let paid_at = f.check(
        "date",
        if input.date.trim().is_empty() {
            Ok(now)
        } else {
            civil_date_in(&input.date, zone).and_then(|t| {
                if t > now {
                    Err("The date cannot be in the future.".into())
                } else {
                    Ok(t)
                }
            })
        },
    );
    let (Some(kind), Some(amount), Some(reference), Some(note), Some(paid_at)) =
        (kind, amount, reference, note, paid_at)
    else {
        return Ok(Entered::Invalid(f));
    };
    let new = NewPayment {
        customer_id: c.id,
        kind,
        amount_minor: amount.minor(),
        paid_at,
        reference,
        note,
        reverses_id: None,
        actor: actor.to_string(),
        created_at: now,
    };
    let row = write_transaction(conn, |conn| {
        let row = billing::insert_payment(conn, &new)?;
        AuditEvent::created(ObjectKind::Payment, row.id, &row).write(conn, actor)?;
        Ok::<_, AppError>(row)
    })?;
    Ok(Entered::Done(row))
}

/// What became of a reversal.
#[derive(Debug)]
pub enum Reversed {
    Done(Payment),
    /// No reason given: nothing was saved.
    Invalid(FormState),
}

/// Reverses an entry of the customer by a counter-entry (same kind, the amount negated, dated
/// now) carrying `reason`. An entry is reversed at most once — a second reversal, even one
/// racing the first, is refused (409) — and a counter-entry is never reversed itself.
#[tracing::instrument(skip(conn))]
pub fn reverse(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    payment_id: i64,
    reason: &str,
) -> AppResult<Reversed> {
    let c = editable(conn, scope, customer_id)?;
    let mut f = FormState::default();
    f.set("reason", reason);
    let reason = match bounded(reason, MAX_NOTE, "reason") {
        Ok(r) if r.is_empty() => {
            f.error("reason", "Say why the entry is reversed.");
            return Ok(Reversed::Invalid(f));
        }
        Ok(r) => r,
        Err(m) => {
            f.error("reason", m);
            return Ok(Reversed::Invalid(f));
        }
    };
    let already = || AppError::Conflict("This entry has already been reversed.".into());
    let result = write_transaction(conn, |conn| {
        let original = billing::find_payment(conn, payment_id)?
            .filter(|p| p.customer_id == c.id)
            .ok_or(AppError::NotFound)?;
        if original.reverses_id.is_some() {
            return Err(AppError::Conflict(
                "This entry is itself a reversal; enter a new entry instead.".into(),
            ));
        }
        if billing::reversal_of(conn, original.id)?.is_some() {
            return Err(already());
        }
        let now = crate::db::now();
        let new = NewPayment {
            customer_id: c.id,
            kind: original.kind,
            amount_minor: -original.amount_minor,
            paid_at: now,
            reference: original.reference.clone(),
            note: reason.clone(),
            reverses_id: Some(original.id),
            actor: actor.to_string(),
            created_at: now,
        };
        let row = billing::insert_payment(conn, &new)?;
        AuditEvent::created(ObjectKind::Payment, row.id, &row)
            .reason(Some(reason.clone()))
            .write(conn, actor)?;
        Ok(row)
    });
    match result {
        Ok(row) => Ok(Reversed::Done(row)),
        Err(AppError::Db(DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))) => {
            Err(already())
        }
        Err(e) => Err(e),
    }
}
