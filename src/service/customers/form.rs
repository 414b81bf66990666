//! The customer form (create and edit share it): the fields as posted, the reference lists it
//! offers, and its parse into a `ValidCustomer` once every rule has passed, with a message next
//! to each field that failed. Parsing is split by the form's four fieldsets.

use crate::db::models::customer::Customer;
use crate::db::models::pbx::PbxSettings;
use crate::db::models::reference;
use crate::db::DbConnection;
use crate::domain::{
    parse_int_in, BillingType, Country, CreditLimit, CustomerType, Description, Email, FormState,
    LongText, PartyName, Phone, PostalPin, ShortList, TaxFlag, WebId, WebPassword, WebUsername,
};
use crate::error::AppResult;
use crate::service::pbx_settings::{self, PbxFields, PbxLists, ValidPbx};
use serde::Deserialize;

/// The customer form as posted; every field is text so nothing is lost before it is checked.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CustomerForm {
    pub csrf_token: String,
    pub customer_type: String,
    pub username: String,
    pub password: String,
    pub password_confirm: String,
    pub tariff_id: String,
    pub billing_type: String,
    pub payment_term_days: String,
    pub credit_limit: String,
    pub billing_decimals: String,
    pub tax_flag: String,
    pub max_call_sessions: String,
    pub calls_per_second: String,
    pub call_with_media: String,
    pub codec_list: String,
    pub max_call_duration: String,
    pub name: String,
    pub company: String,
    pub description: String,
    pub email: String,
    pub address: String,
    pub phone: String,
    pub country: String,
    pub pin: String,
    pub webid: String,
    pub branding_id: String,
    /// The version the edit form was loaded at (empty on create).
    pub version: String,
    // The "Hosted PBX" fieldset (`service::pbx_settings`): optional, so that posts of the
    // original create contract still succeed with the defaults.
    pub platform_id: String,
    pub extension_length: String,
    pub dial_internal: String,
    pub dial_local: String,
    pub dial_national: String,
    pub dial_international: String,
    pub key_template_id: String,
    pub hotdesk_device_id: String,
    pub welcome_mail: String,
    pub confirm_billing: String,
    pub time_zone: String,
    pub managed_by: String,
}

/// Everything needed to insert or update, after every rule has passed.
#[derive(Debug)]
pub struct ValidCustomer {
    pub account: Account,
    pub billing: Billing,
    pub calls: Calls,
    pub contact: Contact,
    pub pbx: ValidPbx,
}

/// The "Account" fieldset: who signs in to the portal, and where.
#[derive(Debug)]
pub struct Account {
    pub customer_type: CustomerType,
    pub username: WebUsername,
    /// `None` on an edit that keeps the present password.
    pub password: Option<WebPassword>,
    pub webid: WebId,
    pub branding_id: i64,
}

/// The "Billing" fieldset.
#[derive(Debug)]
pub struct Billing {
    pub tariff_id: i64,
    pub billing_type: BillingType,
    pub payment_term_days: i64,
    pub credit_limit: CreditLimit,
    pub billing_decimals: i64,
    pub tax_flag: TaxFlag,
}

/// The "Calls" fieldset.
#[derive(Debug)]
pub struct Calls {
    pub max_call_sessions: i64,
    pub calls_per_second: i64,
    pub call_with_media: bool,
    pub codec_list: String,
    pub max_call_duration: Option<i64>,
}

/// The "Contact" fieldset: what compliance screening reads.
#[derive(Debug)]
pub struct Contact {
    pub name: String,
    pub company: String,
    pub description: String,
    pub email: Email,
    pub address: String,
    pub phone: Phone,
    pub country: Country,
    pub pin: PostalPin,
}

/// Reference lists the form offers as `(id, name)`, also used to check the posted ids.
#[derive(Debug, Default)]
pub struct Choices {
    pub tariffs: Vec<(String, String)>,
    pub brandings: Vec<(String, String)>,
    /// The PBX admin lists.
    pub pbx: PbxLists,
    /// What PBX fields left empty keep: the defaults (create) or the stored settings (edit).
    pub pbx_base: PbxSettings,
}

/// The tariffs and branding profiles the form offers.
#[tracing::instrument(skip(conn))]
pub fn choices(conn: &mut DbConnection) -> AppResult<Choices> {
    Ok(Choices {
        tariffs: reference::tariffs(conn)?
            .into_iter()
            .map(|t| (t.id.to_string(), t.name))
            .collect(),
        brandings: reference::brandings(conn)?
            .into_iter()
            .map(|b| (b.id.to_string(), b.name))
            .collect(),
        pbx: pbx_settings::lists(conn)?,
        pbx_base: PbxSettings::defaults(0),
    })
}

fn pick_id(value: &str, options: &[(String, String)], what: &str) -> Result<i64, String> {
    options
        .iter()
        .find(|(id, _)| id == value.trim())
        .and_then(|(id, _)| id.parse().ok())
        .ok_or_else(|| format!("Choose a {what} from the list."))
}

fn optional_int(input: &str, min: i64, max: i64) -> Result<Option<i64>, String> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        parse_int_in(input, min, max).map(Some)
    }
}

fn yes_no(input: &str) -> Result<bool, String> {
    match input.trim() {
        "" | "no" | "0" | "false" => Ok(false),
        "yes" | "1" | "true" | "on" => Ok(true),
        _ => Err("Choose yes or no.".into()),
    }
}

fn party_name(input: &str, what: &str) -> Result<String, String> {
    PartyName::parse(input)
        .map(PartyName::into_inner)
        .map_err(|_| {
            if input.trim().is_empty() {
                format!("Enter {what}.")
            } else {
                format!("Use at most 100 characters for {what}.")
            }
        })
}

impl CustomerForm {
    /// The stored customer as the edit form shows it (the password left empty to keep it).
    pub fn of(c: &Customer) -> CustomerForm {
        CustomerForm {
            customer_type: c.customer_type.code().to_string(),
            username: c.username.clone(),
            tariff_id: c.tariff_id.to_string(),
            billing_type: c.billing_type.code().to_string(),
            payment_term_days: c.payment_term_days.to_string(),
            credit_limit: CreditLimit::from_cents(c.credit_limit_cents).to_string(),
            billing_decimals: c.billing_decimals.to_string(),
            tax_flag: c.tax_flag.code().to_string(),
            max_call_sessions: c.max_call_sessions.to_string(),
            calls_per_second: c.calls_per_second.to_string(),
            call_with_media: if c.call_with_media { "yes" } else { "no" }.into(),
            codec_list: c.codec_list.clone(),
            max_call_duration: c
                .max_call_duration_secs
                .map(|d| d.to_string())
                .unwrap_or_default(),
            name: c.name.clone(),
            company: c.company.clone(),
            description: c.description.clone(),
            email: c.email.clone(),
            address: c.address.clone(),
            phone: c.phone.clone(),
            country: c.country.clone(),
            pin: c.pin.clone(),
            webid: c.webid.clone(),
            branding_id: c.branding_id.to_string(),
            version: c.version.to_string(),
            ..Default::default()
        }
    }

    /// The typed values to show again (never the passwords).
    pub fn state(&self) -> FormState {
        let mut f = FormState::default();
        for (k, v) in [
            ("customer_type", &self.customer_type),
            ("username", &self.username),
            ("tariff_id", &self.tariff_id),
            ("billing_type", &self.billing_type),
            ("payment_term_days", &self.payment_term_days),
            ("credit_limit", &self.credit_limit),
            ("billing_decimals", &self.billing_decimals),
            ("tax_flag", &self.tax_flag),
            ("max_call_sessions", &self.max_call_sessions),
            ("calls_per_second", &self.calls_per_second),
            ("call_with_media", &self.call_with_media),
            ("codec_list", &self.codec_list),
            ("max_call_duration", &self.max_call_duration),
            ("name", &self.name),
            ("company", &self.company),
            ("description", &self.description),
            ("email", &self.email),
            ("address", &self.address),
            ("phone", &self.phone),
            ("country", &self.country),
            ("pin", &self.pin),
            ("webid", &self.webid),
            ("branding_id", &self.branding_id),
        ] {
            f.set(k, v.as_str());
        }
        for (k, v) in self.pbx_fields().pairs() {
            f.set(k, v);
        }
        f
    }

    /// The "Hosted PBX" fieldset as posted.
    pub fn pbx_fields(&self) -> PbxFields {
        PbxFields {
            platform_id: self.platform_id.clone(),
            extension_length: self.extension_length.clone(),
            dial_internal: self.dial_internal.clone(),
            dial_local: self.dial_local.clone(),
            dial_national: self.dial_national.clone(),
            dial_international: self.dial_international.clone(),
            key_template_id: self.key_template_id.clone(),
            hotdesk_device_id: self.hotdesk_device_id.clone(),
            welcome_mail: self.welcome_mail.clone(),
            confirm_billing: self.confirm_billing.clone(),
            time_zone: self.time_zone.clone(),
            managed_by: self.managed_by.clone(),
        }
    }

    /// The form with the stored PBX settings filled in (the edit form).
    pub fn with_pbx(mut self, p: PbxFields) -> CustomerForm {
        self.platform_id = p.platform_id;
        self.extension_length = p.extension_length;
        self.dial_internal = p.dial_internal;
        self.dial_local = p.dial_local;
        self.dial_national = p.dial_national;
        self.dial_international = p.dial_international;
        self.key_template_id = p.key_template_id;
        self.hotdesk_device_id = p.hotdesk_device_id;
        self.welcome_mail = p.welcome_mail;
        self.confirm_billing = p.confirm_billing;
        self.time_zone = p.time_zone;
        self.managed_by = p.managed_by;
        self
    }

    /// Checks every field; on an edit (`password_required` false) both password fields left
    /// empty keep the present password. Refused: the typed values with a message per field.
    pub fn parse(
        &self,
        choices: &Choices,
        password_required: bool,
    ) -> Result<ValidCustomer, FormState> {
        let mut f = self.state();
        let account = self.account(&mut f, choices, password_required);
        let billing = self.billing(&mut f, choices);
        let calls = self.calls(&mut f);
        let contact = self.contact(&mut f);
        let pbx = pbx_settings::parse(&self.pbx_fields(), &choices.pbx, &choices.pbx_base, &mut f);
        match (account, billing, calls, contact, pbx) {
            (Some(account), Some(billing), Some(calls), Some(contact), Some(pbx))
                if !f.has_errors() =>
            {
                Ok(ValidCustomer {
                    account,
                    billing,
                    calls,
                    contact,
                    pbx,
                })
            }
            _ => Err(f),
        }
    }

    /// The new password: `Some(None)` keeps the present one, `None` is refused.
    fn password(&self, f: &mut FormState, required: bool) -> Option<Option<WebPassword>> {
        if !required && self.password.is_empty() && self.password_confirm.is_empty() {
            return Some(None);
        }
        let password = f.check("password", WebPassword::parse(&self.password));
        if password.is_some() && self.password != self.password_confirm {
            f.error("password_confirm", "The two passwords differ.");
        }
        password.map(Some)
    }

    fn account(&self, f: &mut FormState, choices: &Choices, required: bool) -> Option<Account> {
        let customer_type = f.check("customer_type", CustomerType::parse(&self.customer_type));
        let username = f.check("username", WebUsername::parse(&self.username));
        let password = self.password(f, required);
        let webid = f.check("webid", WebId::parse(&self.webid));
        let branding_id = f.check(
            "branding_id",
            pick_id(&self.branding_id, &choices.brandings, "branding profile"),
        );
        Some(Account {
            customer_type: customer_type?,
            username: username?,
            password: password?,
            webid: webid?,
            branding_id: branding_id?,
        })
    }

    fn billing(&self, f: &mut FormState, choices: &Choices) -> Option<Billing> {
        let tariff_id = f.check(
            "tariff_id",
            pick_id(&self.tariff_id, &choices.tariffs, "tariff"),
        );
        let billing_type = f.check("billing_type", BillingType::parse(&self.billing_type));
        let payment_term_days = f.check(
            "payment_term_days",
            parse_int_in(&self.payment_term_days, 1, 30),
        );
        let credit_limit = f.check("credit_limit", CreditLimit::parse(&self.credit_limit));
        let billing_decimals = f.check(
            "billing_decimals",
            parse_int_in(&self.billing_decimals, 0, 6),
        );
        let tax_flag = f.check("tax_flag", TaxFlag::parse(&self.tax_flag));
        Some(Billing {
            tariff_id: tariff_id?,
            billing_type: billing_type?,
            payment_term_days: payment_term_days?,
            credit_limit: credit_limit?,
            billing_decimals: billing_decimals?,
            tax_flag: tax_flag?,
        })
    }

    fn calls(&self, f: &mut FormState) -> Option<Calls> {
        let max_call_sessions = f.check(
            "max_call_sessions",
            parse_int_in(&self.max_call_sessions, 0, 1_000_000),
        );
        let calls_per_second = f.check(
            "calls_per_second",
            parse_int_in(&self.calls_per_second, 0, 100_000),
        );
        let call_with_media = f.check("call_with_media", yes_no(&self.call_with_media));
        let codec_list = f.check("codec_list", ShortList::parse(&self.codec_list));
        let max_call_duration = f.check(
            "max_call_duration",
            optional_int(&self.max_call_duration, 1, 86_400),
        );
        Some(Calls {
            max_call_sessions: max_call_sessions?,
            calls_per_second: calls_per_second?,
            call_with_media: call_with_media?,
            codec_list: codec_list?.into_inner(),
            max_call_duration: max_call_duration?,
        })
    }

    fn contact(&self, f: &mut FormState) -> Option<Contact> {
        let name = f.check("name", party_name(&self.name, "a name"));
        let company = f.check("company", party_name(&self.company, "the company name"));
        let description = f.check("description", Description::parse(&self.description));
        let email = f.check("email", Email::parse(&self.email));
        let address = f.check("address", LongText::parse(&self.address));
        let phone = f.check("phone", Phone::parse(&self.phone));
        let country = f.check("country", Country::parse(&self.country));
        let pin = f.check("pin", PostalPin::parse(&self.pin));
        Some(Contact {
            name: name?,
            company: company?,
            description: description?.into_inner(),
            email: email?,
            address: address?.into_inner(),
            phone: phone?,
            country: country?,
            pin: pin?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> Choices {
        Choices {
            tariffs: vec![("1".into(), "Standard".into())],
            brandings: vec![("2".into(), "Default".into())],
            pbx: PbxLists::default(),
            pbx_base: PbxSettings::defaults(0),
        }
    }

    fn valid() -> CustomerForm {
        CustomerForm {
            customer_type: "LIVE".into(),
            username: "acme".into(),
            password: "Secret#123".into(),
            password_confirm: "Secret#123".into(),
            tariff_id: "1".into(),
            billing_type: "PREPAID".into(),
            payment_term_days: "30".into(),
            credit_limit: "0".into(),
            billing_decimals: "2".into(),
            tax_flag: "NONE".into(),
            max_call_sessions: "10".into(),
            calls_per_second: "5".into(),
            call_with_media: "no".into(),
            name: "Ann Smith".into(),
            company: "Acme AS".into(),
            email: "ann@acme.example".into(),
            phone: "4791234567".into(),
            country: "NO".into(),
            pin: "0150".into(),
            webid: "acme".into(),
            branding_id: "2".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let v = valid().parse(&choices(), true).expect("valid");
        assert_eq!(v.account.branding_id, 2);
        assert_eq!(v.billing.tariff_id, 1);
        assert!(v.account.password.is_some());
        assert_eq!(v.contact.company, "Acme AS");
    }

    #[test]
    fn an_edit_keeps_the_password_when_both_fields_are_empty() {
        let form = CustomerForm {
            password: String::new(),
            password_confirm: String::new(),
            ..valid()
        };
        assert!(form.parse(&choices(), true).is_err());
        let v = form.parse(&choices(), false).expect("valid");
        assert!(v.account.password.is_none());
    }

    #[test]
    fn every_mistake_gets_its_own_message() {
        let form = CustomerForm {
            password_confirm: "Other#123".into(),
            tariff_id: "9".into(),
            call_with_media: "maybe".into(),
            company: String::new(),
            ..valid()
        };
        let f = form.parse(&choices(), true).expect_err("refused");
        assert_eq!(f.message("password_confirm"), "The two passwords differ.");
        assert_eq!(f.message("tariff_id"), "Choose a tariff from the list.");
        assert_eq!(f.message("call_with_media"), "Choose yes or no.");
        assert_eq!(f.message("company"), "Enter the company name.");
        assert_eq!(f.value("company"), "");
        assert_eq!(f.value("username"), "acme");
    }
}
