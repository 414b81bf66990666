//! Customer creation: GET `/customers/new` shows the form, POST `/customers` creates the customer
//! or answers 422 with every mistake next to its field and the typed values kept. The form page
//! is shared with the edit form (`edit.rs`); the form's fields and rules are
//! `service::customers::form`'s.

use crate::auth::{CsrfField, CsrfForm, Editor};
use crate::domain::country_list::COUNTRIES;
use crate::domain::customer_users::EXTENSION_LENGTHS;
use crate::domain::time_zone_list::TIME_ZONES;
use crate::domain::FormState;
use crate::domain::ManagedBy;
use crate::domain::{BillingType, CustomerType, TaxFlag};
use crate::error::AppResult;
use crate::routes::history::HistoryView;
use crate::routes::{render, see_other, Layout};
use crate::service::customers::{self as service, Choices, CreateOutcome, CustomerForm};
use crate::service::pbx_settings::{PbxFields, PbxLists};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

impl CsrfField for CustomerForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/form.html")]
pub struct NewCustomerPage {
    pub layout: Layout,
    pub heading: String,
    pub action: String,
    pub submit_label: &'static str,
    pub cancel_href: String,
    pub password_label: &'static str,
    /// The password's attributes: required on create, optional on edit (blank keeps it).
    pub password_attrs: &'static str,
    /// Shown, never editable, on the edit form.
    pub account_code: Option<String>,
    pub version: Option<i32>,
    pub form: FormState,
    pub tariffs: Vec<(String, String)>,
    pub brandings: Vec<(String, String)>,
    pub countries: Vec<(String, String)>,
    pub customer_types: Vec<(String, String)>,
    pub billing_types: Vec<(String, String)>,
    pub tax_flags: Vec<(String, String)>,
    pub yes_no: Vec<(String, String)>,
    /// The customer's own history, on the edit form.
    pub history: Option<Vec<HistoryView>>,
    /// The "Hosted PBX" fieldset's lists.
    pub pbx: PbxLists,
    pub managed_by: Vec<(String, String)>,
    pub time_zones: Vec<(String, String)>,
    pub extension_lengths: Vec<(String, String)>,
}

pub(super) fn pairs<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|t| (code(*t).to_string(), label(*t).to_string()))
        .collect()
}

/// What differs between the create and the edit form.
pub(super) struct FormFrame {
    pub heading: String,
    pub action: String,
    pub submit_label: &'static str,
    pub cancel_href: String,
    pub account_code: Option<String>,
    pub version: Option<i32>,
    pub history: Option<Vec<HistoryView>>,
}

impl FormFrame {
    fn create() -> FormFrame {
        FormFrame {
            heading: "New customer".into(),
            action: "/customers".into(),
            submit_label: "Create customer",
            cancel_href: "/customers".into(),
            account_code: None,
            version: None,
            history: None,
        }
    }
}

fn page(layout: Layout, form: FormState, choices: Choices) -> NewCustomerPage {
    form_page(layout, FormFrame::create(), form, choices)
}

pub(super) fn form_page(
    layout: Layout,
    frame: FormFrame,
    form: FormState,
    choices: Choices,
) -> NewCustomerPage {
    NewCustomerPage {
        layout,
        heading: frame.heading,
        action: frame.action,
        submit_label: frame.submit_label,
        cancel_href: frame.cancel_href,
        password_label: if frame.account_code.is_some() {
            "New web access password (optional)"
        } else {
            "Web access password"
        },
        password_attrs: if frame.account_code.is_some() {
            "maxlength=\"30\" autocomplete=\"new-password\""
        } else {
            "maxlength=\"30\" autocomplete=\"new-password\" required"
        },
        account_code: frame.account_code,
        version: frame.version,
        form,
        tariffs: choices.tariffs,
        brandings: choices.brandings,
        countries: COUNTRIES
            .iter()
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect(),
        customer_types: pairs(CustomerType::ALL, CustomerType::code, CustomerType::label),
        billing_types: pairs(BillingType::ALL, BillingType::code, BillingType::label),
        tax_flags: pairs(TaxFlag::ALL, TaxFlag::code, TaxFlag::label),
        yes_no: vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
        history: frame.history,
        pbx: choices.pbx,
        managed_by: pairs(ManagedBy::ALL, ManagedBy::code, ManagedBy::label),
        time_zones: TIME_ZONES
            .iter()
            .map(|z| (z.to_string(), z.to_string()))
            .collect(),
        extension_lengths: EXTENSION_LENGTHS
            .map(|n| (n.to_string(), format!("{n} digits")))
            .collect(),
    }
}

/// The values a new customer's form starts with.
fn defaults(choices: &Choices) -> FormState {
    let mut f = FormState::default();
    f.set("customer_type", "LIVE");
    f.set("billing_type", "PREPAID");
    f.set("payment_term_days", "30");
    f.set("credit_limit", "0");
    f.set("billing_decimals", "2");
    f.set("tax_flag", "NONE");
    f.set("max_call_sessions", "10");
    f.set("calls_per_second", "5");
    f.set("call_with_media", "no");
    for (k, v) in PbxFields::of(&choices.pbx_base, &[]).pairs() {
        f.set(k, v);
    }
    if let [(only, _)] = choices.tariffs.as_slice() {
        f.set("tariff_id", only.clone());
    }
    if let Some((first, _)) = choices.brandings.first() {
        f.set("branding_id", first.clone());
    }
    f
}

pub async fn form(
    state: web::Data<AppState>,
    editor: Editor,
    flashes: IncomingFlashMessages,
) -> AppResult<NewCustomerPage> {
    let choices = with_conn(&state, service::choices).await?;
    let f = defaults(&choices);
    Ok(page(Layout::for_operator(&editor.0, &flashes), f, choices))
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    form: CsrfForm<CustomerForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = &editor.0;
    match service::create(&state, op.service_provider_id, op.actor(), form.0).await? {
        CreateOutcome::Created { id, held } => {
            match held {
                Some(party) => FlashMessage::warning(format!(
                    "Customer created. It matches “{party}” on the restricted-party list, so it \
                     waits for a compliance review (at most 72 hours) before it can be used."
                ))
                .send(),
                None => FlashMessage::success("Customer created.").send(),
            }
            Ok(see_other(&format!("/customers?customer={id}")))
        }
        CreateOutcome::Invalid(f, choices) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(Layout::for_operator(op, &flashes), f, *choices),
        ),
    }
}
