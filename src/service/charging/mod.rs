//! The charging domain: API tokens, and the use cases of the JSON API (wallet balances,
//! reservations, commits, releases, direct charges), the reservations panel's operator actions,
//! and the expiry of reservations by the background worker.
//!
//! Every use case that moves money runs in one write transaction that first holds the wallet's
//! row (`balance::lock_wallet`; SQLite's write lock is held from the first statement), so the
//! check of the available balance and the debit cannot interleave with another's; a
//! reservation ends by a conditional update, so it ends (and is charged) exactly once.

pub mod api;
pub mod cdrs;
pub mod expiry;
pub mod panel;
pub mod recharge;
pub mod tokens;

use crate::db::DbConnection;
use crate::error::AppError;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Why the API refused a request; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No token, or one that is unknown or revoked.
    Unauthorized,
    /// No such wallet or reservation for this token's provider.
    NotFound,
    /// The request is not what the endpoint reads (a control character in a string).
    BadRequest(String),
    /// Well formed but not acceptable (an unknown balance type, an amount out of range).
    Invalid(String),
    /// The available balance does not cover the amount.
    NotCovered,
    /// The wallet holds its `max_concurrent` open reservations already.
    TooMany,
    /// The reservation has ended already (committed, released, expired, …).
    Ended(String),
}

/// A refusal, or a failure of the database.
#[derive(Debug)]
pub enum Fail {
    Refused(Refusal),
    App(AppError),
}

impl From<DieselError> for Fail {
    fn from(e: DieselError) -> Self {
        Fail::App(AppError::Db(e))
    }
}

impl From<AppError> for Fail {
    fn from(e: AppError) -> Self {
        Fail::App(e)
    }
}

pub type Outcome<T> = Result<T, Fail>;

pub(crate) fn refuse<T>(r: Refusal) -> Outcome<T> {
    Err(Fail::Refused(r))
}

/// How often a transaction that lost a serialisation race (a PostgreSQL deadlock or
/// serialisation failure, SQLite busy past its timeout) is tried in all.
const ATTEMPTS: u32 = 4;

fn retryable(f: &Fail) -> bool {
    match f {
        Fail::App(AppError::Db(DieselError::DatabaseError(kind, info))) => {
            matches!(kind, DatabaseErrorKind::SerializationFailure)
                || info.message().contains("deadlock detected")
                || info.message().contains("database is locked")
        }
        _ => false,
    }
}

/// Runs `f` in a write transaction, again (a bounded number of times) when it lost a
/// serialisation race; refusals and other errors roll back and return at once.
pub(crate) fn in_write_transaction<T>(
    conn: &mut DbConnection,
    mut f: impl FnMut(&mut DbConnection) -> Outcome<T>,
) -> Outcome<T> {
    let mut attempt = 1;
    loop {
        match crate::db::write_transaction(conn, &mut f) {
            Err(e) if attempt < ATTEMPTS && retryable(&e) => {
                tracing::debug!(attempt, "charging transaction retried after a conflict");
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(5 * u64::from(attempt)));
            }
            other => return other,
        }
    }
}
