//! Validated values: each type can only be built by `parse`, which answers a message a person
//! understands when the input is not acceptable.

mod address_list;
pub mod balance;
pub mod billing;
pub mod card;
pub mod charging;
mod choices;
mod color;
mod contact;
pub mod country_list;
pub mod country_zones;
mod credentials;
pub mod customer_search;
pub mod customer_users;
pub mod exchange;
mod form_state;
pub mod geo;
mod logo;
pub mod money;
mod network;
mod numbers;
pub mod promotion;
mod region;
pub mod screening;
pub mod subscriber;
pub mod subscriber_rules;
pub mod telephony;
mod text;
pub mod time_zone_list;
pub mod topup;
pub mod transfer;
mod zone;

pub use address_list::AddressList;
pub use billing::{civil_date_in, PaymentKind};
pub(crate) use choices::choice;
pub use choices::{
    portal_refusal, BillingType, CustomerStatus, CustomerType, LinkStatus, LinkType, Role, TaxFlag,
};
pub use color::{BrandColor, HexColor};
pub use contact::{Country, Email, Phone, PostalPin, TimeZone};
pub use credentials::{OperatorPassword, OperatorUsername, WebId, WebPassword, WebUsername};
pub use customer_users::{
    AdminRole, ManagedBy, PackageKind, PbxOptionKind, SetPasswordToken, UserExtension,
};
pub use form_state::FormState;
pub use logo::{Logo, MAX_LOGO_BYTES};
pub use money::{Amount, CreditLimit, Unit};
pub use network::IpNet;
pub use numbers::{DialNumber, DidField, DidRange};
pub use region::Region;
pub use text::{Description, LongText, ObjectName, PartyName, ShortList};
pub use zone::Zone;

/// Parses a whole number in `min..=max`, naming the range when it is not.
pub fn parse_int_in(input: &str, min: i64, max: i64) -> Result<i64, String> {
    let t = input.trim();
    if t.is_empty() {
        return Err("Enter a value.".into());
    }
    match t.parse::<i64>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        Ok(_) => Err(format!("Enter a whole number from {min} to {max}.")),
        Err(_) => Err(format!("Enter a whole number from {min} to {max}.")),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_int_in;

    #[test]
    fn ints_at_their_edges() {
        assert_eq!(parse_int_in("1", 1, 30), Ok(1));
        assert_eq!(parse_int_in(" 30 ", 1, 30), Ok(30));
        assert!(parse_int_in("0", 1, 30).is_err());
        assert!(parse_int_in("31", 1, 30).is_err());
        assert!(parse_int_in("1.5", 1, 30).is_err());
        assert!(parse_int_in("", 1, 30).is_err());
    }
}
