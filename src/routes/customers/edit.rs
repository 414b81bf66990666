//! Customer edit: GET `/customers/{id}/edit` shows the create form filled in (the account code
//! shown, never editable; the password left empty to keep it), POST `/customers/{id}` saves it.
//! A save based on a version someone else has since replaced is refused whole, with the typed
//! values kept so nothing is lost.

use super::create::{form_page, load_choices, Choices, CustomerForm, FormFrame, ValidCustomer};
use crate::auth::access::ensure_customer_visible;
use crate::auth::access::refuse_if_demo;
use crate::auth::session_keys;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::customer::{self, Customer, CustomerId, CustomerUpdate};
use crate::db::models::session;
use crate::db::write_transaction;
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};

use super::create::NewCustomerPage;

fn frame(c: &Customer, version: i32) -> FormFrame {
    FormFrame {
        heading: format!("Edit customer {}", c.company),
        action: format!("/customers/{}", c.id),
        submit_label: "Save customer",
        cancel_href: format!("/customers?customer={}", c.id),
        account_code: Some(c.account_code.clone()),
        version: Some(version),
    }
}

/// The stored customer as the form shows it.
fn form_of(c: &Customer) -> CustomerForm {
    CustomerForm {
        customer_type: c.customer_type.clone(),
        username: c.username.clone(),
        tariff_id: c.tariff_id.to_string(),
        billing_type: c.billing_type.clone(),
        payment_term_days: c.payment_term_days.to_string(),
        credit_limit: crate::domain::CreditLimit::from_cents(c.credit_limit_cents).to_string(),
        billing_decimals: c.billing_decimals.to_string(),
        tax_flag: c.tax_flag.clone(),
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

pub async fn form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<NewCustomerPage> {
    let c = ensure_customer_visible(&state, &editor.0, path.into_inner()).await?;
    refuse_if_demo(&c)?;
    let choices = with_conn(&state, load_choices).await?;
    Ok(form_page(
        Layout::for_operator(&editor.0, &flashes),
        frame(&c, c.version),
        form_of(&c).state(),
        choices,
    ))
}

enum Saved {
    /// The saved customer, and the restricted party it matched when it is now on hold.
    Ok(Box<Customer>, Option<String>),
    Invalid(FormState, Choices),
}

fn changes(v: ValidCustomer, hash: Option<String>) -> CustomerUpdate {
    CustomerUpdate {
        username: v.username.as_str().into(),
        username_key: v.username.key(),
        password_hash: hash,
        tariff_id: v.tariff_id,
        billing_type: v.billing_type.code().into(),
        payment_term_days: v.payment_term_days as i32,
        credit_limit_cents: v.credit_limit.cents(),
        billing_decimals: v.billing_decimals as i32,
        tax_flag: v.tax_flag.code().into(),
        max_call_sessions: v.max_call_sessions as i32,
        calls_per_second: v.calls_per_second as i32,
        call_with_media: v.call_with_media,
        codec_list: v.codec_list,
        max_call_duration_secs: Some(v.max_call_duration.map(|d| d as i32)),
        name: v.name,
        company: v.company,
        description: v.description,
        email: v.email.as_str().into(),
        address: v.address,
        phone: v.phone.as_str().into(),
        country: v.country.code().into(),
        pin: v.pin.as_str().into(),
        webid: v.webid.as_str().into(),
        branding_id: v.branding_id,
        updated_at: crate::db::now(),
    }
}

const STALE: &str = "Someone else saved this customer after you opened the form, so nothing was \
                     saved. Your values are still here: open the customer again in another tab to \
                     see their change, then save yours on top of it.";

pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<CustomerForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let c = ensure_customer_visible(&state, &editor.0, path.into_inner()).await?;
    refuse_if_demo(&c)?;
    let mut form = form.0;
    // The type is not edited here (demo conversion has its own confirmation).
    form.customer_type = c.customer_type.clone();
    let version: i32 = form.version.trim().parse().map_err(|_| {
        AppError::BadRequest("The form is missing its version; reload the page.".into())
    })?;
    let op = editor.0.clone();
    let choices = with_conn(&state, load_choices).await?;
    let valid = match form.parse(&choices, false) {
        Ok(v) => v,
        Err(f) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(
                    Layout::for_operator(&op, &flashes),
                    frame(&c, version),
                    f,
                    choices,
                ),
            )
        }
    };
    let hash = match valid.password.clone() {
        Some(p) => Some(web::block(move || crate::auth::password::hash(p.expose())).await??),
        None => None,
    };
    let actor = op.actor();
    let before = c.clone();
    let form_state = form.state();
    let outcome = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let mut f = form_state;
            let id = CustomerId(before.id);
            if customer::username_taken_by_other(conn, &valid.username.key(), id)? {
                f.error("username", "This username is taken; choose another.");
            }
            if customer::webid_taken_by_other(conn, valid.webid.as_str(), id)? {
                f.error("webid", "This WebID is taken; choose another.");
            }
            if f.has_errors() {
                return Ok(Saved::Invalid(f, load_choices(conn)?));
            }
            let password_changed = hash.is_some();
            let mut held = None;
            let Some(after) = customer::update(conn, id, version, &changes(valid, hash))? else {
                f.error("version", STALE);
                return Ok(Saved::Invalid(f, load_choices(conn)?));
            };
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "update",
                    object_type: "customer",
                    object_id: after.id,
                    before: audit::image(&before),
                    after: audit::image(&after),
                    reason: password_changed.then_some("web access password changed"),
                },
            )?;
            if crate::lifecycle::compliance::needs_screening(&before, &after) {
                if let Some(party) = crate::lifecycle::compliance::screen(conn, &after, &actor)? {
                    held = Some(party);
                }
            }
            // New credentials or a new portal address: whoever was signed in signs in again.
            if password_changed
                || after.username_key != before.username_key
                || after.webid != before.webid
            {
                session::delete_for_principal(conn, &session_keys::customer_principal(after.id))?;
            }
            Ok::<_, AppError>(Saved::Ok(Box::new(after), held))
        })
    })
    .await;
    match outcome {
        Ok(Saved::Ok(after, held)) => {
            match held {
                Some(party) => FlashMessage::warning(format!(
                    "Customer {} saved. It now matches “{party}” on the restricted-party list, so \
                     it waits for a compliance review.",
                    after.company
                ))
                .send(),
                None => FlashMessage::success(format!("Customer {} saved.", after.company)).send(),
            }
            Ok(see_other(&format!("/customers?customer={}", after.id)))
        }
        Ok(Saved::Invalid(f, choices)) => {
            let status = if f.message("version").is_empty() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            render(
                status,
                &form_page(
                    Layout::for_operator(&op, &flashes),
                    frame(&c, version),
                    f,
                    choices,
                ),
            )
        }
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
                &form_page(
                    Layout::for_operator(&op, &flashes),
                    frame(&c, version),
                    f,
                    choices,
                ),
            )
        }
        Err(e) => Err(e),
    }
}
