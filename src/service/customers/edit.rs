//! Editing a customer: the edit form's data (the customer, the lists it offers, its own
//! history) and the save, refused whole when the form's version is stale, with the audit event,
//! a new compliance screening when screened fields changed, and the portal sessions ended when
//! the credentials or the portal address changed.

use super::create::TAKEN_MEANWHILE;
use super::form::{choices, Choices, CustomerForm, ValidCustomer};
use crate::auth::session_keys;
use crate::db::models::audit::AuditEntry;
use crate::db::models::billing;
use crate::db::models::customer::{self, Customer, CustomerId, CustomerUpdate};
use crate::db::models::customer_admin;
use crate::db::models::session;
use crate::db::{write_transaction, DbConnection};
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::service::access::Scope;
use crate::service::audit::{self, AuditEvent, ObjectKind};
use crate::service::pbx_settings::{self, PbxFields};
use crate::service::{compliance, unique_to_field, Refusal};
use crate::state::{blocking, with_conn, AppState};

/// How many entries of its own history the edit page shows.
pub const HISTORY: i64 = 50;

const STALE: &str = "Someone else saved this customer after you opened the form, so nothing was \
                     saved. Your values are still here: open the customer again in another tab to \
                     see their change, then save yours on top of it.";

const DECIMALS_FIXED: &str =
    "The billing decimals cannot change once the customer has payments or \
                              CDRs: their amounts are kept in units of the present decimals.";

/// What the edit form shows: the customer, the lists it offers and the customer's own history.
#[derive(Debug)]
pub struct EditForm {
    pub customer: Customer,
    pub choices: Choices,
    pub history: Vec<AuditEntry>,
    /// The stored PBX settings as the form's fields.
    pub pbx: PbxFields,
}

/// The edit form of a visible, live customer.
#[tracing::instrument(skip(conn))]
pub fn edit_form(conn: &mut DbConnection, scope: Scope, id: i64) -> AppResult<EditForm> {
    let customer = super::editable(conn, scope, id)?;
    form_data(conn, customer)
}

fn form_data(conn: &mut DbConnection, customer: Customer) -> AppResult<EditForm> {
    let (settings, chosen) = pbx_settings::stored(conn, customer.id)?;
    let mut lists = choices(conn)?;
    lists.pbx_base = settings.clone();
    Ok(EditForm {
        pbx: PbxFields::of(&settings, &chosen),
        choices: lists,
        history: audit::history(conn, ObjectKind::Customer, customer.id, HISTORY)?,
        customer,
    })
}

/// A refused save: why, the form to show again (the customer as it was when the save began)
/// and the version the form was posted with.
#[derive(Debug)]
pub struct Refused {
    pub refusal: Refusal,
    pub form: EditForm,
    pub version: i32,
}

/// What became of an edit.
#[derive(Debug)]
pub enum UpdateOutcome {
    /// The customer as saved, and the restricted party it matched when it is now on hold.
    Saved {
        customer: Box<Customer>,
        held: Option<String>,
    },
    Refused(Box<Refused>),
}

/// Saves the posted form over a visible, live customer, as `actor`.
#[tracing::instrument(skip(state, form))]
pub async fn update(
    state: &AppState,
    scope: Scope,
    actor: String,
    id: i64,
    mut form: CustomerForm,
) -> AppResult<UpdateOutcome> {
    let before = with_conn(state, move |conn| super::editable(conn, scope, id)).await?;
    // The type is not edited here (demo conversion has its own confirmation).
    form.customer_type = before.customer_type.code().to_string();
    let version: i32 = form.version.trim().parse().map_err(|_| {
        AppError::BadRequest("The form is missing its version; reload the page.".into())
    })?;
    let lists = with_conn(state, move |conn| {
        let mut lists = choices(conn)?;
        lists.pbx_base = pbx_settings::stored(conn, id)?.0;
        Ok(lists)
    })
    .await?;
    let valid = match form.parse(&lists, false) {
        Ok(v) => v,
        Err(f) => return refused(state, Refusal::Invalid(f), before, version).await,
    };
    let hash = match valid.account.password.clone() {
        Some(p) => Some(blocking(move || Ok(crate::auth::password::hash(p.expose())?)).await?),
        None => None,
    };
    let typed = form.state();
    let saving = before.clone();
    let saved = with_conn(state, move |conn| {
        let mut f = typed.clone();
        let change = Edit {
            before: &saving,
            version,
            valid,
            hash,
        };
        match write_transaction(conn, |conn| save(conn, &actor, change, typed)) {
            Ok(saved) => Ok(saved),
            Err(e) => {
                unique_to_field(e, &mut f, TAKEN_MEANWHILE)?;
                Ok(Err(Refusal::Invalid(f)))
            }
        }
    })
    .await?;
    match saved {
        Ok((customer, held)) => Ok(UpdateOutcome::Saved { customer, held }),
        Err(refusal) => refused(state, refusal, before, version).await,
    }
}

async fn refused(
    state: &AppState,
    refusal: Refusal,
    before: Customer,
    version: i32,
) -> AppResult<UpdateOutcome> {
    let form = with_conn(state, move |conn| form_data(conn, before)).await?;
    Ok(UpdateOutcome::Refused(Box::new(Refused {
        refusal,
        form,
        version,
    })))
}

/// One edit, ready to be written.
struct Edit<'a> {
    before: &'a Customer,
    version: i32,
    valid: ValidCustomer,
    /// The new password's hash, when it changes.
    hash: Option<String>,
}

type Saved = Result<(Box<Customer>, Option<String>), Refusal>;

fn save(conn: &mut DbConnection, actor: &str, change: Edit, mut f: FormState) -> AppResult<Saved> {
    let before = change.before;
    let id = CustomerId(before.id);
    let username = &change.valid.account.username;
    if customer::username_taken_by_other(conn, &username.key(), id)? {
        f.error("username", "This username is taken; choose another.");
    }
    if let Some(other) = customer_admin::find_by_key(conn, before.id, &username.key())? {
        if !other.is_primary {
            f.error(
                "username",
                "Another administrator of this customer has this username.",
            );
        }
    }
    if customer::webid_taken_by_other(conn, change.valid.account.webid.as_str(), id)? {
        f.error("webid", "This WebID is taken; choose another.");
    }
    if i64::from(before.billing_decimals) != change.valid.billing.billing_decimals
        && billing::has_amounts(conn, before.id)?
    {
        f.error("billing_decimals", DECIMALS_FIXED);
    }
    // Users and SIP devices are counted while the customer's row is held.
    customer::lock(conn, id)?;
    if let Some(m) =
        pbx_settings::check_lowering(conn, before.id, change.valid.pbx.extension_length)?
    {
        f.error("extension_length", m);
    }
    if f.has_errors() {
        return Ok(Err(Refusal::Invalid(f)));
    }
    let password_changed = change.hash.is_some();
    let pbx = change.valid.pbx.clone();
    let (name, key, hash) = (
        username.as_str().to_string(),
        username.key(),
        change.hash.clone(),
    );
    let update = changes(change.valid, change.hash);
    let Some(after) = customer::update(conn, id, change.version, &update)? else {
        f.error("version", STALE);
        return Ok(Err(Refusal::Stale(f)));
    };
    // The web access account of the form is the customer's first administrator.
    customer_admin::sync_primary(conn, before.id, &name, &key, hash.as_deref())?;
    pbx_settings::write(conn, actor, before.id, &pbx)?;
    AuditEvent::updated(ObjectKind::Customer, after.id, before, &after)
        .reason(password_changed.then_some("web access password changed"))
        .write(conn, actor)?;
    let mut held = None;
    if compliance::needs_screening(before, &after) {
        held = compliance::screen(conn, &after, actor)?;
    }
    // New credentials or a new portal address: whoever was signed in signs in again.
    if password_changed || after.username_key != before.username_key || after.webid != before.webid
    {
        session::delete_for_principal(conn, &session_keys::customer_principal(after.id))?;
    }
    Ok(Ok((Box::new(after), held)))
}

fn changes(v: ValidCustomer, hash: Option<String>) -> CustomerUpdate {
    let (a, b, calls, contact) = (v.account, v.billing, v.calls, v.contact);
    CustomerUpdate {
        username: a.username.as_str().into(),
        username_key: a.username.key(),
        password_hash: hash,
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
        max_call_duration_secs: Some(calls.max_call_duration.map(|d| d as i32)),
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
        updated_at: crate::db::now(),
    }
}
