//! Credit transfers: the definitions admins keep per service provider (`definitions`), the
//! transfer executed from the edit screen (`execute`: purchaser and recipient wallets in one
//! transaction), the balance moves it shares with BPL tasks (`movement`), and what the edit
//! screen's Credit transfers and BPL tasks panels read (`panel`).

pub mod definitions;
pub mod execute;
pub mod movement;
pub mod panel;

/// Why an action of the edit screen changed nothing: the field the message goes next to
/// (a panel's own name, such as `transfer`, for the panel as a whole) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: String,
    pub message: String,
}

impl Refusal {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Refusal {
        Refusal {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// What an "Execute only" of the edit screen led to.
#[derive(Debug)]
pub enum Executed {
    /// Done: what happened, in words for the screen.
    Done(String),
    /// Refused: nothing changed on any wallet.
    Refused(Refusal),
}

/// A refusal or a database error inside a transaction (which then rolls back).
pub enum Fail {
    Refused(Refusal),
    App(crate::error::AppError),
}

impl From<diesel::result::Error> for Fail {
    fn from(e: diesel::result::Error) -> Self {
        Fail::App(crate::error::AppError::Db(e))
    }
}

impl From<crate::error::AppError> for Fail {
    fn from(e: crate::error::AppError) -> Self {
        Fail::App(e)
    }
}

pub(crate) fn refuse<T>(field: impl Into<String>, message: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Refused(Refusal::new(field, message)))
}
