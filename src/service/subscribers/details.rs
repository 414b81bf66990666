//! The subscriber's details as the new-subscriber form and the edit screen's Details panel post
//! them, checked the same way in both places.

use super::form::{checkbox, on, pick_option};
use crate::domain::subscriber::{CardNumber, Cli, Pin};
use crate::domain::Description;
use crate::domain::FormState;

/// The names of the detail fields, in form order.
pub const FIELDS: [&str; 11] = [
    "card_number",
    "subscriber_id",
    "description",
    "pin_defined",
    "pin",
    "pin_confirm",
    "language",
    "cli_restricted",
    "disable_incoming_roaming",
    "blacklisted",
    "disable_sms",
];

/// What becomes of the PIN.
#[derive(Debug, Clone)]
pub enum PinChange {
    Keep,
    Remove,
    Set(Pin),
}

#[derive(Debug, Clone)]
pub struct ValidDetails {
    pub card_number: CardNumber,
    pub cli: Cli,
    pub description: String,
    pub pin: PinChange,
    pub language_id: i64,
    pub cli_restricted: bool,
    pub disable_incoming_roaming: bool,
    pub blacklisted: bool,
    pub disable_sms: bool,
}

/// Checks the detail fields (`get` reads a posted field); messages go next to each field in
/// `f`. `has_pin`: the subscriber already has a PIN, so leaving the PIN empty keeps it.
pub fn parse(
    get: &dyn Fn(&str) -> String,
    languages: &[(String, String)],
    has_pin: bool,
    f: &mut FormState,
) -> Option<ValidDetails> {
    let card_number = f.check("card_number", CardNumber::parse(&get("card_number")));
    let cli = f.check("subscriber_id", Cli::parse(&get("subscriber_id")));
    let description = f.check(
        "description",
        Description::parse(&get("description")).map(Description::into_inner),
    );
    let language_id = f.check(
        "language",
        pick_option(&get("language"), languages, "a language"),
    );
    let (pin, confirm) = (get("pin"), get("pin_confirm"));
    let pin = if !checkbox(&get("pin_defined")) {
        Some(if has_pin {
            PinChange::Remove
        } else {
            PinChange::Keep
        })
    } else if pin.trim().is_empty() && confirm.trim().is_empty() && has_pin {
        Some(PinChange::Keep)
    } else {
        match Pin::parse(&pin) {
            Ok(p) if p.as_str() == confirm.trim() => Some(PinChange::Set(p)),
            Ok(_) => {
                f.error("pin_confirm", "The two PINs differ.");
                None
            }
            Err(m) => {
                f.error("pin", m);
                None
            }
        }
    };
    Some(ValidDetails {
        card_number: card_number?,
        cli: cli?,
        description: description?,
        pin: pin?,
        language_id: language_id?,
        cli_restricted: checkbox(&get("cli_restricted")),
        disable_incoming_roaming: checkbox(&get("disable_incoming_roaming")),
        blacklisted: checkbox(&get("blacklisted")),
        disable_sms: checkbox(&get("disable_sms")),
    })
}

/// Puts the typed detail values back into a form state (never the PIN).
pub fn keep_typed(get: &dyn Fn(&str) -> String, f: &mut FormState) {
    for name in FIELDS {
        if name == "pin" || name == "pin_confirm" {
            continue;
        }
        let v = get(name);
        match name {
            "pin_defined"
            | "cli_restricted"
            | "disable_incoming_roaming"
            | "blacklisted"
            | "disable_sms" => f.set(name, on(checkbox(&v))),
            _ => f.set(name, v),
        }
    }
}
