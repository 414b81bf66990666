//! Wallet money: balance types (admin reference), adjustment limits, the balances panel, and
//! every change of a balance (adjustment, bucket added, changed, deleted), each in one
//! transaction that holds the wallet, writes one EDR and the audit event.

pub mod balance_types;
pub mod changes;
pub mod debit;
pub mod limits;
pub mod panel;

/// What a money form led to.
#[derive(Debug)]
pub enum MoneyOutcome {
    /// Done; the screen to go back to is this subscriber's.
    Done { subscriber_id: i64 },
    /// Refused by a rule or bad input: nothing changed; the form with its messages, and the
    /// subscriber whose screen shows it.
    Refused {
        subscriber_id: i64,
        form: crate::domain::FormState,
    },
}
