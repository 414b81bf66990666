//! Creating a customer: the form's rules, the password hash, a fresh account code, unique
//! username and WebID, the audit event and the compliance screening, in one transaction.

use super::form::{choices, Choices, CustomerForm, ValidCustomer};
use crate::db::models::customer::{self, NewCustomer};
use crate::db::models::customer_admin::{self, NewCustomerAdmin};
use crate::db::models::reference;
use crate::db::{write_transaction, DbConnection};
use crate::domain::{AdminRole, CustomerStatus, FormState};
use crate::error::{AppError, AppResult};
use crate::service::access::Scope;
use crate::service::audit::{AuditEvent, ObjectKind};
use crate::service::unique_to_field;
use crate::service::{compliance, pbx_settings};
use crate::state::{blocking, with_conn, AppState};
use rand::Rng;

/// What became of a create form.
#[derive(Debug)]
pub enum CreateOutcome {
    /// The new customer's id, and the restricted party it matched when it is now on hold.
    Created { id: i64, held: Option<String> },
    /// Refused: the typed values with a message per field, and the lists to offer again.
    Invalid(FormState, Box<Choices>),
}

/// Two people creating the same username or WebID at once: the unique index decides.
pub(super) const TAKEN_MEANWHILE: &[(&str, &str, &str)] = &[
    (
        "username",
        "username",
        "This username or WebID was just taken by someone else; check both.",
    ),
    (
        "webid",
        "username",
        "This username or WebID was just taken by someone else; check both.",
    ),
];

/// Creates a customer from the posted form, as `actor`, in the operator's service provider
/// (the first one on file for an operator not limited to one).
#[tracing::instrument(skip(state, form))]
pub async fn create(
    state: &AppState,
    scope: Scope,
    actor: String,
    form: CustomerForm,
) -> AppResult<CreateOutcome> {
    let lists = with_conn(state, choices).await?;
    let valid = match form.parse(&lists, true) {
        Ok(v) => v,
        Err(f) => return Ok(CreateOutcome::Invalid(f, Box::new(lists))),
    };
    let password = valid.account.password.clone().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("a new customer always has a password"))
    })?;
    let hash = blocking(move || Ok(crate::auth::password::hash(password.expose())?)).await?;
    let typed = form.state();
    with_conn(state, move |conn| {
        let mut f = typed.clone();
        match write_transaction(conn, |conn| insert(conn, scope, &actor, valid, hash, typed)) {
            Ok(outcome) => Ok(outcome),
            Err(e) => {
                unique_to_field(e, &mut f, TAKEN_MEANWHILE)?;
                Ok(CreateOutcome::Invalid(f, Box::new(choices(conn)?)))
            }
        }
    })
    .await
}

fn insert(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    valid: ValidCustomer,
    password_hash: String,
    mut f: FormState,
) -> AppResult<CreateOutcome> {
    if customer::username_taken(conn, &valid.account.username.key())? {
        f.error("username", "This username is taken; choose another.");
    }
    if customer::webid_taken(conn, valid.account.webid.as_str())? {
        f.error("webid", "This WebID is taken; choose another.");
    }
    if f.has_errors() {
        return Ok(CreateOutcome::Invalid(f, Box::new(choices(conn)?)));
    }
    let service_provider_id = match scope {
        Some(sp) => sp,
        None => reference::service_providers(conn)?
            .first()
            .map(|s| s.id)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no service provider on file")))?,
    };
    let pbx = valid.pbx.clone();
    let new = new_customer(
        valid,
        service_provider_id,
        new_account_code(conn)?,
        password_hash,
    );
    let c = customer::insert(conn, &new)?;
    AuditEvent::created(ObjectKind::Customer, c.id, &c).write(conn, actor)?;
    // The form's web access account is the customer's first administrator.
    let first = customer_admin::insert(
        conn,
        &NewCustomerAdmin {
            customer_id: c.id,
            username: c.username.clone(),
            username_key: c.username_key.clone(),
            password_hash: c.password_hash.clone(),
            role: AdminRole::Admin,
            is_primary: true,
            disabled: false,
            created_at: c.created_at,
            updated_at: c.created_at,
        },
    )?;
    AuditEvent::created(ObjectKind::CustomerAdmin, c.id, &first).write(conn, actor)?;
    pbx_settings::write(conn, actor, c.id, &pbx)?;
    let held = compliance::screen(conn, &c, actor)?;
    Ok(CreateOutcome::Created { id: c.id, held })
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

fn new_customer(
    v: ValidCustomer,
    service_provider_id: i64,
    account_code: String,
    password_hash: String,
) -> NewCustomer {
    let (a, b, calls, contact) = (v.account, v.billing, v.calls, v.contact);
    let now = crate::db::now();
    NewCustomer {
        service_provider_id,
        account_code,
        customer_type: a.customer_type,
        username: a.username.as_str().into(),
        username_key: a.username.key(),
        password_hash,
        tariff_id: b.tariff_id,
        billing_type: b.billing_type,
        payment_term_days: b.payment_term_days as i32,
        credit_limit_cents: b.credit_limit.cents(),
        billing_decimals: b.billing_decimals as i32,
        tax_flag: b.tax_flag,
        max_call_sessions: calls.max_call_sessions as i32,
        calls_per_second: calls.calls_per_second as i32,
        call_with_media: calls.call_with_media,
        codec_list: calls.codec_list,
        max_call_duration_secs: calls.max_call_duration.map(|d| d as i32),
        name: contact.name,
        company: contact.company,
        description: contact.description,
        email: contact.email.as_str().into(),
        address: contact.address,
        phone: contact.phone.as_str().into(),
        country: contact.country.code().into(),
        pin: contact.pin.as_str().into(),
        webid: a.webid.as_str().into(),
        branding_id: a.branding_id,
        status: CustomerStatus::Active,
        created_at: now,
        updated_at: now,
    }
}
