//! A customer's users: each holds exactly one package and any add-ons, never more users per
//! package or add-on than the customer's quantity — also when several admins add users at the
//! same moment: the count and the insert happen in one write transaction holding the
//! customer's row. SIP usernames share one key space with SIP device logins, system-wide: both
//! tables are checked under the one write lock that SIP devices take too (each table's unique
//! index backs it). The extension has exactly the customer's extension length. With welcome
//! mail on, the new user's welcome mail is queued in the same transaction.

use super::Whose;
use crate::db::models::customer::{self, Customer, CustomerId};
use crate::db::models::customer_user::{self as rows, CustomerUser, NewCustomerUser};
use crate::db::models::numbers::lock_ranges as lock_key_spaces;
use crate::db::models::packages::{self, Package};
use crate::db::models::pbx::{self, PbxSettings};
use crate::db::{write_transaction, DbConnection};
use crate::domain::telephony::SipLogin;
use crate::domain::{Email, FormState, PackageKind, PartyName, UserExtension};
use crate::error::{AppError, AppResult};
use crate::service::audit::{AuditEvent, ObjectKind};

/// What the users page shows.
#[derive(Debug)]
pub struct Users {
    pub customer: Customer,
    pub settings: PbxSettings,
    pub users: Vec<CustomerUser>,
    /// `(user id, add-on id)`.
    pub addons: Vec<(i64, i64)>,
    /// Packages and add-ons the customer has a quantity of, with `(quantity, in use)`.
    pub held: Vec<(Package, i64, i64)>,
}

/// The customer's users and what their packages and add-ons use of its quantities.
#[tracing::instrument(skip(conn))]
pub fn users(conn: &mut DbConnection, whose: &Whose) -> AppResult<Users> {
    let customer = whose.customer(conn)?;
    let quantities = packages::quantities(conn, customer.id)?;
    let in_use = rows::in_use(conn, customer.id)?;
    let count = |list: &[(i64, i64)], id: i64| {
        list.iter()
            .find(|(p, _)| *p == id)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let held = packages::list(conn)?
        .into_iter()
        .filter_map(|p| {
            let (q, used) = (count(&quantities, p.id), count(&in_use, p.id));
            (q > 0 || used > 0).then_some((p, q, used))
        })
        .collect();
    Ok(Users {
        settings: pbx::settings(conn, customer.id)?,
        users: rows::list(conn, customer.id)?,
        addons: rows::addons(conn, customer.id)?,
        held,
        customer,
    })
}

/// The new-user form as posted (`addon_id` may repeat).
#[derive(Debug, Default, Clone)]
pub struct UserInput {
    pub name: String,
    pub email: String,
    pub extension: String,
    pub sip_username: String,
    pub package_id: String,
    pub addon_ids: Vec<String>,
}

struct ValidUser {
    name: PartyName,
    email: Email,
    extension: UserExtension,
    sip: SipLogin,
    package_id: i64,
    addon_ids: Vec<i64>,
}

fn typed(input: &UserInput) -> FormState {
    let mut f = FormState::default();
    f.set("name", input.name.trim());
    f.set("email", input.email.trim());
    f.set("extension", input.extension.trim());
    f.set("sip_username", input.sip_username.trim());
    f.set("package_id", input.package_id.trim());
    f
}

fn parse(input: &UserInput, extension_length: usize) -> Result<ValidUser, FormState> {
    let mut f = typed(input);
    let name = f.check("name", PartyName::parse(&input.name));
    let email = f.check("email", Email::parse(&input.email));
    let extension = f.check(
        "extension",
        UserExtension::parse(&input.extension, extension_length),
    );
    let sip = f.check("sip_username", SipLogin::parse(&input.sip_username));
    let package_id = f.check(
        "package_id",
        input
            .package_id
            .trim()
            .parse::<i64>()
            .map_err(|_| "Choose a package.".to_string()),
    );
    let mut addon_ids = Vec::new();
    for a in &input.addon_ids {
        match a.trim().parse::<i64>() {
            Ok(id) if !addon_ids.contains(&id) => addon_ids.push(id),
            Ok(_) => {}
            Err(_) => f.error("addon_id", "Choose add-ons from the list."),
        }
    }
    match (name, email, extension, sip, package_id) {
        (Some(name), Some(email), Some(extension), Some(sip), Some(package_id))
            if !f.has_errors() =>
        {
            Ok(ValidUser {
                name,
                email,
                extension,
                sip,
                package_id,
                addon_ids,
            })
        }
        _ => Err(f),
    }
}

/// The message when a SIP username is held by a user or a SIP device (the same words either
/// way, and never whose it is: SIP usernames are system-wide).
pub const SIP_TAKEN: &str =
    "This SIP username is taken (by a user or a SIP device); choose another.";
const EXTENSION_TAKEN: &str = "Another user of this customer has this extension.";

/// Whether `key` is held by any user (but `except`) or any SIP device, system-wide.
pub fn sip_key_taken(conn: &mut DbConnection, key: &str, except: Option<i64>) -> AppResult<bool> {
    let user = rows::sip_user_holder(conn, key)?.filter(|(id, _)| Some(*id) != except);
    Ok(user.is_some() || rows::sip_device_holder(conn, key)?.is_some())
}

/// The message when all of a package's or add-on's quantity is in use, else `None`.
fn over_quantity(
    conn: &mut DbConnection,
    customer_id: i64,
    p: &Package,
) -> AppResult<Option<String>> {
    let quantity = packages::quantities(conn, customer_id)?
        .into_iter()
        .find(|(id, _)| *id == p.id)
        .map(|(_, q)| q)
        .unwrap_or(0);
    let used = match p.kind {
        PackageKind::Package => rows::holding_package(conn, customer_id, p.id)?,
        PackageKind::Addon => rows::holding_addon(conn, customer_id, p.id)?,
    };
    Ok(if quantity == 0 {
        Some(format!("This customer has no quantity of {}.", p.name))
    } else if used >= quantity {
        Some(format!(
            "All {quantity} of {} are in use ({used} of {quantity}); raise the quantity first.",
            p.name
        ))
    } else {
        None
    })
}

/// What became of a new user.
#[derive(Debug)]
pub enum Created {
    Done(CustomerUser),
    Invalid(FormState),
}

/// Adds a user holding a package (and add-ons) within the customer's quantities.
#[tracing::instrument(skip(conn, input))]
pub fn create(
    conn: &mut DbConnection,
    whose: &Whose,
    actor: &str,
    input: &UserInput,
) -> AppResult<Created> {
    let c = whose.editable(conn)?;
    let settings = pbx::settings(conn, c.id)?;
    let v = match parse(input, settings.extension_length as usize) {
        Ok(v) => v,
        Err(f) => return Ok(Created::Invalid(f)),
    };
    let mut f = typed(input);
    let outcome = write_transaction(conn, |conn| {
        customer::lock(conn, CustomerId(c.id))?;
        lock_key_spaces(conn)?;
        let package =
            packages::find(conn, v.package_id)?.filter(|p| p.kind == PackageKind::Package);
        match &package {
            None => f.error("package_id", "Choose a package from the list."),
            Some(p) => {
                if let Some(m) = over_quantity(conn, c.id, p)? {
                    f.error("package_id", m);
                }
            }
        }
        let mut addons = Vec::new();
        for id in &v.addon_ids {
            match packages::find(conn, *id)?.filter(|p| p.kind == PackageKind::Addon) {
                None => f.error("addon_id", "Choose add-ons from the list."),
                Some(a) => {
                    if let Some(m) = over_quantity(conn, c.id, &a)? {
                        f.error("addon_id", m);
                    }
                    addons.push(a);
                }
            }
        }
        if sip_key_taken(conn, &v.sip.key(), None)? {
            f.error("sip_username", SIP_TAKEN);
        }
        if rows::extension_taken(conn, c.id, v.extension.as_str())? {
            f.error("extension", EXTENSION_TAKEN);
        }
        if f.has_errors() {
            return Ok(Created::Invalid(f.clone()));
        }
        let now = crate::db::now();
        let user = rows::insert(
            conn,
            &NewCustomerUser {
                customer_id: c.id,
                name: v.name.as_str().to_string(),
                email: v.email.as_str().to_string(),
                extension: v.extension.as_str().to_string(),
                sip_username: v.sip.as_str().to_string(),
                sip_key: v.sip.key(),
                package_id: v.package_id,
                created_at: now,
                updated_at: now,
            },
        )?;
        for a in &addons {
            rows::add_addon(conn, c.id, user.id, a.id)?;
        }
        if settings.welcome_mail {
            super::welcome::queue(conn, actor, &c, &user)?;
        }
        AuditEvent::created(ObjectKind::CustomerUser, c.id, &user)
            .reason((!addons.is_empty()).then(|| {
                let names: Vec<&str> = addons.iter().map(|a| a.name.as_str()).collect();
                format!("add-ons: {}", names.join(", "))
            }))
            .write(conn, actor)?;
        Ok::<_, AppError>(Created::Done(user))
    });
    match outcome {
        Ok(o) => Ok(o),
        Err(e) => {
            let mut f = typed(input);
            crate::service::unique_to_field(
                e,
                &mut f,
                &[
                    ("sip", "sip_username", SIP_TAKEN),
                    ("extension", "extension", EXTENSION_TAKEN),
                ],
            )?;
            Ok(Created::Invalid(f))
        }
    }
}

/// What became of an add-on change or a deletion, in words for a flash message.
#[derive(Debug, PartialEq, Eq)]
pub enum Toggled {
    Done,
    Refused(String),
}

/// Gives a user an add-on (within the customer's quantity) or takes it away.
#[tracing::instrument(skip(conn))]
pub fn set_addon(
    conn: &mut DbConnection,
    whose: &Whose,
    actor: &str,
    user_id: i64,
    addon_id: i64,
    on: bool,
) -> AppResult<Toggled> {
    let c = whose.editable(conn)?;
    write_transaction(conn, |conn| {
        customer::lock(conn, CustomerId(c.id))?;
        let user = rows::find(conn, user_id)?
            .filter(|u| u.customer_id == c.id)
            .ok_or(AppError::NotFound)?;
        let addon = packages::find(conn, addon_id)?
            .filter(|p| p.kind == PackageKind::Addon)
            .ok_or(AppError::NotFound)?;
        let has = rows::addons(conn, c.id)?.contains(&(user.id, addon.id));
        if on && !has {
            if let Some(m) = over_quantity(conn, c.id, &addon)? {
                return Ok(Toggled::Refused(m));
            }
            rows::add_addon(conn, c.id, user.id, addon.id)?;
        } else if !on && has {
            rows::remove_addon(conn, user.id, addon.id)?;
        } else {
            return Ok(Toggled::Done);
        }
        let what = if on { "add-on given" } else { "add-on taken" };
        AuditEvent::updated(ObjectKind::CustomerUser, c.id, &user, &user)
            .reason(Some(format!(
                "{what}: {} ({} {})",
                addon.name, user.name, user.extension
            )))
            .write(conn, actor)?;
        Ok::<_, AppError>(Toggled::Done)
    })
}

/// Deletes a user of the customer (their package and add-ons become free).
#[tracing::instrument(skip(conn))]
pub fn delete(
    conn: &mut DbConnection,
    whose: &Whose,
    actor: &str,
    user_id: i64,
) -> AppResult<Toggled> {
    let c = whose.editable(conn)?;
    write_transaction(conn, |conn| {
        let user = rows::find(conn, user_id)?
            .filter(|u| u.customer_id == c.id)
            .ok_or(AppError::NotFound)?;
        rows::delete(conn, user.id)?;
        AuditEvent::deleted(ObjectKind::CustomerUser, c.id, &user).write(conn, actor)?;
        Ok::<_, AppError>(Toggled::Done)
    })
}
