//! Customer creation: GET `/customers/new` shows the form, POST `/customers` creates the customer
//! or answers 422 with every mistake next to its field and the typed values kept. The form, its
//! parsing and its page are shared with the edit form (`edit.rs`).

use crate::auth::{CsrfField, CsrfForm, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::customer::{self, NewCustomer};
use crate::db::models::reference;
use crate::db::{write_transaction, DbConnection};
use crate::domain::country_list::COUNTRIES;
use crate::domain::FormState;
use crate::domain::{
    parse_int_in, BillingType, Country, CreditLimit, CustomerStatus, CustomerType, Email,
    PartyName, Phone, PostalPin, ShortList, TaxFlag, WebId, WebPassword, WebUsername,
};
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;
use rand::Rng;
use serde::Deserialize;

/// The create form as posted; every field is text so nothing is lost before it is checked.
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
}

impl CsrfField for CustomerForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// Everything needed to insert or update, after every rule has passed.
pub(super) struct ValidCustomer {
    pub customer_type: CustomerType,
    pub username: WebUsername,
    /// `None` on an edit that keeps the present password.
    pub password: Option<WebPassword>,
    pub tariff_id: i64,
    pub billing_type: BillingType,
    pub payment_term_days: i64,
    pub credit_limit: CreditLimit,
    pub billing_decimals: i64,
    pub tax_flag: TaxFlag,
    pub max_call_sessions: i64,
    pub calls_per_second: i64,
    pub call_with_media: bool,
    pub codec_list: String,
    pub max_call_duration: Option<i64>,
    pub name: String,
    pub company: String,
    pub description: String,
    pub email: Email,
    pub address: String,
    pub phone: Phone,
    pub country: Country,
    pub pin: PostalPin,
    pub webid: WebId,
    pub branding_id: i64,
}

/// Reference lists the form offers, also used to check the posted ids.
pub struct Choices {
    pub tariffs: Vec<(String, String)>,
    pub brandings: Vec<(String, String)>,
}

pub(super) fn load_choices(conn: &mut DbConnection) -> AppResult<Choices> {
    Ok(Choices {
        tariffs: reference::tariffs(conn)?
            .into_iter()
            .map(|t| (t.id.to_string(), t.name))
            .collect(),
        brandings: reference::brandings(conn)?
            .into_iter()
            .map(|b| (b.id.to_string(), b.name))
            .collect(),
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

impl CustomerForm {
    /// The typed values to show again (never the passwords).
    pub(super) fn state(&self) -> FormState {
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
        f
    }

    /// Checks every field; on an edit (`password_required` false) both password fields left
    /// empty keep the present password.
    pub(super) fn parse(
        &self,
        choices: &Choices,
        password_required: bool,
    ) -> Result<ValidCustomer, FormState> {
        let mut f = self.state();
        let customer_type = f.check("customer_type", CustomerType::parse(&self.customer_type));
        let username = f.check("username", WebUsername::parse(&self.username));
        let keep_password =
            !password_required && self.password.is_empty() && self.password_confirm.is_empty();
        let password = if keep_password {
            Some(None)
        } else {
            f.check("password", WebPassword::parse(&self.password))
                .map(Some)
        };
        if matches!(password, Some(Some(_))) && self.password != self.password_confirm {
            f.error("password_confirm", "The two passwords differ.");
        }
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
        let max_call_sessions = f.check(
            "max_call_sessions",
            parse_int_in(&self.max_call_sessions, 0, 1_000_000),
        );
        let calls_per_second = f.check(
            "calls_per_second",
            parse_int_in(&self.calls_per_second, 0, 100_000),
        );
        let call_with_media = match self.call_with_media.trim() {
            "" | "no" | "0" | "false" => Some(false),
            "yes" | "1" | "true" | "on" => Some(true),
            _ => {
                f.error("call_with_media", "Choose yes or no.");
                None
            }
        };
        let codec_list = f.check("codec_list", ShortList::parse(&self.codec_list));
        let max_call_duration = f.check(
            "max_call_duration",
            optional_int(&self.max_call_duration, 1, 86_400),
        );
        let name = f.check(
            "name",
            PartyName::parse(&self.name).map_err(|_| name_message(&self.name, "a name")),
        );
        let company = f.check(
            "company",
            PartyName::parse(&self.company)
                .map_err(|_| name_message(&self.company, "the company name")),
        );
        let description = f.check(
            "description",
            crate::domain::Description::parse(&self.description),
        );
        let email = f.check("email", Email::parse(&self.email));
        let address = f.check("address", crate::domain::LongText::parse(&self.address));
        let phone = f.check("phone", Phone::parse(&self.phone));
        let country = f.check("country", Country::parse(&self.country));
        let pin = f.check("pin", PostalPin::parse(&self.pin));
        let webid = f.check("webid", WebId::parse(&self.webid));
        let branding_id = f.check(
            "branding_id",
            pick_id(&self.branding_id, &choices.brandings, "branding profile"),
        );
        if f.has_errors() {
            return Err(f);
        }
        match (
            customer_type,
            username,
            password,
            tariff_id,
            billing_type,
            payment_term_days,
            credit_limit,
            billing_decimals,
            tax_flag,
            max_call_sessions,
            calls_per_second,
            call_with_media,
            codec_list,
            max_call_duration,
            name,
            company,
            description,
            email,
            address,
            phone,
            country,
            pin,
            webid,
            branding_id,
        ) {
            (
                Some(customer_type),
                Some(username),
                Some(password),
                Some(tariff_id),
                Some(billing_type),
                Some(payment_term_days),
                Some(credit_limit),
                Some(billing_decimals),
                Some(tax_flag),
                Some(max_call_sessions),
                Some(calls_per_second),
                Some(call_with_media),
                Some(codec_list),
                Some(max_call_duration),
                Some(name),
                Some(company),
                Some(description),
                Some(email),
                Some(address),
                Some(phone),
                Some(country),
                Some(pin),
                Some(webid),
                Some(branding_id),
            ) => Ok(ValidCustomer {
                customer_type,
                username,
                password,
                tariff_id,
                billing_type,
                payment_term_days,
                credit_limit,
                billing_decimals,
                tax_flag,
                max_call_sessions,
                calls_per_second,
                call_with_media,
                codec_list: codec_list.into_inner(),
                max_call_duration,
                name: name.into_inner(),
                company: company.into_inner(),
                description: description.into_inner(),
                email,
                address: address.into_inner(),
                phone,
                country,
                pin,
                webid,
                branding_id,
            }),
            _ => Err(f),
        }
    }
}

fn name_message(input: &str, what: &str) -> String {
    if input.trim().is_empty() {
        format!("Enter {what}.")
    } else {
        format!("Use at most 100 characters for {what}.")
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
        account_code: frame.account_code,
        version: frame.version,
        form,
        tariffs: choices.tariffs,
        brandings: choices.brandings,
        countries: COUNTRIES
            .iter()
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect(),
        customer_types: pairs(CustomerType::ALL, CustomerType::code, CustomerType::code),
        billing_types: pairs(BillingType::ALL, BillingType::code, BillingType::label),
        tax_flags: pairs(TaxFlag::ALL, TaxFlag::code, TaxFlag::code),
        yes_no: vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
    }
}

pub async fn form(
    state: web::Data<AppState>,
    editor: Editor,
    flashes: IncomingFlashMessages,
) -> AppResult<NewCustomerPage> {
    let choices = with_conn(&state, load_choices).await?;
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
    if let [(only, _)] = choices.tariffs.as_slice() {
        f.set("tariff_id", only.clone());
    }
    if let Some((first, _)) = choices.brandings.first() {
        f.set("branding_id", first.clone());
    }
    Ok(page(Layout::for_operator(&editor.0, &flashes), f, choices))
}

enum Created {
    /// The new id, and the restricted party it matched when it is now on hold.
    Ok(i64, Option<String>),
    Invalid(FormState, Choices),
}

fn new_account_code(conn: &mut DbConnection) -> AppResult<String> {
    let mut rng = rand::thread_rng();
    for _ in 0..10 {
        let code = format!("{:012}", rng.gen_range(100_000_000_000u64..900_000_000_000));
        if !customer::account_code_taken(conn, &code)? {
            return Ok(code);
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "no free account code after 10 tries"
    )))
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    form: CsrfForm<CustomerForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let op = editor.0.clone();
    let choices = with_conn(&state, load_choices).await?;
    let valid = match form.parse(&choices, true) {
        Ok(v) => v,
        Err(f) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(Layout::for_operator(&op, &flashes), f, choices),
            )
        }
    };
    let password = valid.password.clone().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("a new customer always has a password"))
    })?;
    let hash = web::block(move || crate::auth::password::hash(password.expose())).await??;
    let actor = op.actor();
    let sp_limit = op.service_provider_id;
    let form_state = form.state();
    let outcome = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let mut f = form_state;
            if customer::username_taken(conn, &valid.username.key())? {
                f.error("username", "This username is taken; choose another.");
            }
            if customer::webid_taken(conn, valid.webid.as_str())? {
                f.error("webid", "This WebID is taken; choose another.");
            }
            if f.has_errors() {
                return Ok(Created::Invalid(f, load_choices(conn)?));
            }
            let service_provider_id = match sp_limit {
                Some(sp) => sp,
                None => reference::service_providers(conn)?
                    .first()
                    .map(|s| s.id)
                    .ok_or_else(|| {
                        AppError::Internal(anyhow::anyhow!("no service provider on file"))
                    })?,
            };
            let now = crate::db::now();
            let new = NewCustomer {
                service_provider_id,
                account_code: new_account_code(conn)?,
                customer_type: valid.customer_type.code().into(),
                username: valid.username.as_str().into(),
                username_key: valid.username.key(),
                password_hash: hash,
                tariff_id: valid.tariff_id,
                billing_type: valid.billing_type.code().into(),
                payment_term_days: valid.payment_term_days as i32,
                credit_limit_cents: valid.credit_limit.cents(),
                billing_decimals: valid.billing_decimals as i32,
                tax_flag: valid.tax_flag.code().into(),
                max_call_sessions: valid.max_call_sessions as i32,
                calls_per_second: valid.calls_per_second as i32,
                call_with_media: valid.call_with_media,
                codec_list: valid.codec_list,
                max_call_duration_secs: valid.max_call_duration.map(|d| d as i32),
                name: valid.name,
                company: valid.company,
                description: valid.description,
                email: valid.email.as_str().into(),
                address: valid.address,
                phone: valid.phone.as_str().into(),
                country: valid.country.code().into(),
                pin: valid.pin.as_str().into(),
                webid: valid.webid.as_str().into(),
                branding_id: valid.branding_id,
                status: CustomerStatus::Active.code().into(),
                created_at: now,
                updated_at: now,
            };
            let c = customer::insert(conn, &new)?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "create",
                    object_type: "customer",
                    object_id: c.id,
                    before: None,
                    after: audit::image(&c),
                    reason: None,
                },
            )?;
            let held = crate::lifecycle::compliance::screen(conn, &c, &actor)?;
            Ok(Created::Ok(c.id, held))
        })
    })
    .await;
    match outcome {
        Ok(Created::Ok(id, held)) => {
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
        Ok(Created::Invalid(f, choices)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(Layout::for_operator(&op, &flashes), f, choices),
        ),
        // Two people creating the same username or WebID at once: the index decides.
        Err(AppError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => {
            let mut f = form.state();
            f.error(
                "username",
                "This username or WebID was just taken by someone else; check both.",
            );
            let choices = with_conn(&state, load_choices).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(Layout::for_operator(&op, &flashes), f, choices),
            )
        }
        Err(e) => Err(e),
    }
}
