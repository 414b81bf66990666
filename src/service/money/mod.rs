//! Wallet money: balance types (admin reference), adjustment limits, the balances panel, and
//! every change of a balance (adjustment, bucket added, changed, deleted; activation bonus;
//! merge), each in one transaction that holds the wallet, writes the EDR and the audit event.

pub mod activation;
pub mod balance_types;
pub mod changes;
pub mod debit;
pub mod edrs;
pub mod exchange_rates;
pub mod history;
pub mod ledger;
pub mod limits;
pub mod merge;
pub mod panel;
pub mod promotions;
pub mod topups;
pub mod vouchers;

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
