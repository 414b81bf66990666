//! Use cases, one function per action. A service function owns the transaction, the rules, the
//! audit event and a typed outcome; it knows nothing of HTTP (no requests, no pages, no
//! redirects). Routes call exactly one service function per request.

pub mod access;
pub mod audit;
pub mod billing;
pub mod brandings;
pub mod charging;
pub mod compliance;
pub mod customers;
pub mod exports;
pub mod health;
pub mod links;
pub mod money;
pub mod numbers;
pub mod operators;
pub mod packages;
pub mod pane_save;
pub mod panes;
pub mod periodic;
pub mod portal_password;
pub mod reference;
pub mod settings;
pub mod sign_in;
pub mod sites;
pub mod subscribers;
pub mod telephony;

use crate::domain::FormState;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What a form-backed write ended in, when it did not simply succeed.
#[derive(Debug)]
pub enum Refusal {
    /// Rules refused the input: the messages are on the form, next to their fields.
    Invalid(FormState),
    /// The row changed since the form was opened: nothing was saved.
    Stale(FormState),
}

/// The constraint a unique violation names, if the error is one. Both engines report it:
/// PostgreSQL by constraint name, SQLite in its message (`UNIQUE constraint failed: t.col`).
pub fn unique_violation(e: &DieselError) -> Option<String> {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => Some(
            info.constraint_name()
                .map(str::to_string)
                .unwrap_or_else(|| info.message().to_string()),
        ),
        _ => None,
    }
}

/// Maps a unique violation to a message on the form field whose column it names, using
/// `(column fragment, field, message)` triples; any other error is passed on.
pub fn unique_to_field(
    e: crate::error::AppError,
    form: &mut FormState,
    fields: &[(&str, &str, &str)],
) -> Result<(), crate::error::AppError> {
    let crate::error::AppError::Db(db) = &e else {
        return Err(e);
    };
    let Some(constraint) = unique_violation(db) else {
        return Err(e);
    };
    match fields.iter().find(|(col, _, _)| constraint.contains(col)) {
        Some((_, field, message)) => form.error(field, *message),
        None => match fields.first() {
            Some((_, field, message)) => form.error(field, *message),
            None => return Err(e),
        },
    }
    Ok(())
}
