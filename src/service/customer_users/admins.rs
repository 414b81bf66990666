//! A customer's administrators: listed, added (name unique within the customer, the web access
//! password policy, a role), disabled (their sessions end in the same transaction) and enabled
//! again. The last enabled administrator with the `admin` role cannot be disabled, so a
//! customer never locks itself out; nobody disables themselves.

use super::{Changed, Whose};
use crate::auth::{password, session_keys};
use crate::db::models::customer::{self, CustomerId};
use crate::db::models::customer_admin::{self, CustomerAdmin, NewCustomerAdmin};
use crate::db::models::session;
use crate::db::{write_transaction, DbConnection};
use crate::domain::{AdminRole, FormState, WebPassword, WebUsername};
use crate::error::{AppError, AppResult};
use crate::service::audit::{AuditEvent, ObjectKind};

/// The customer's administrators (primary first).
#[tracing::instrument(skip(conn))]
pub fn list(conn: &mut DbConnection, whose: &Whose) -> AppResult<(i64, Vec<CustomerAdmin>)> {
    let c = whose.customer(conn)?;
    Ok((c.id, customer_admin::list(conn, c.id)?))
}

/// The new-administrator form as posted.
#[derive(Debug, Default)]
pub struct AdminInput {
    pub username: String,
    pub password: String,
    pub password_confirm: String,
    pub role: String,
}

struct ValidAdmin {
    username: WebUsername,
    password: WebPassword,
    role: AdminRole,
}

fn parse(input: &AdminInput) -> Result<ValidAdmin, FormState> {
    let mut f = FormState::default();
    f.set("username", input.username.trim());
    f.set("role", input.role.trim());
    let username = f.check("username", WebUsername::parse(&input.username));
    let password = f.check("password", WebPassword::parse(&input.password));
    if password.is_some() && input.password != input.password_confirm {
        f.error("password_confirm", "The two passwords differ.");
    }
    let role = f.check("role", AdminRole::parse(&input.role));
    match (username, password, role) {
        (Some(username), Some(password), Some(role)) if !f.has_errors() => Ok(ValidAdmin {
            username,
            password,
            role,
        }),
        _ => Err(f),
    }
}

const NAME_TAKEN: &str = "This customer has an administrator with this username already.";

/// Adds an administrator. Blocking (argon2): call it through `with_conn`.
#[tracing::instrument(skip(conn, input))]
pub fn create(
    conn: &mut DbConnection,
    whose: &Whose,
    actor: &str,
    input: &AdminInput,
) -> AppResult<Changed> {
    let c = whose.editable(conn)?;
    let v = match parse(input) {
        Ok(v) => v,
        Err(f) => return Ok(Changed::Invalid(f)),
    };
    let mut f = FormState::default();
    f.set("username", v.username.as_str());
    f.set("role", v.role.code());
    if customer_admin::find_by_key(conn, c.id, &v.username.key())?.is_some() {
        f.error("username", NAME_TAKEN);
        return Ok(Changed::Invalid(f));
    }
    let hash = password::hash(v.password.expose())?;
    let now = crate::db::now();
    let new = NewCustomerAdmin {
        customer_id: c.id,
        username: v.username.as_str().to_string(),
        username_key: v.username.key(),
        password_hash: hash,
        role: v.role,
        is_primary: false,
        disabled: false,
        created_at: now,
        updated_at: now,
    };
    let written = write_transaction(conn, |conn| {
        let row = customer_admin::insert(conn, &new)?;
        AuditEvent::created(ObjectKind::CustomerAdmin, c.id, &row).write(conn, actor)?;
        Ok::<_, AppError>(())
    });
    match written {
        Ok(()) => Ok(Changed::Done),
        Err(e) => {
            crate::service::unique_to_field(e, &mut f, &[("username", "username", NAME_TAKEN)])?;
            Ok(Changed::Invalid(f))
        }
    }
}

/// Why a disable was refused, in words for a flash message.
#[derive(Debug, PartialEq, Eq)]
pub enum Toggled {
    Done,
    Refused(&'static str),
}

/// Disables (`disabled = true`: every session of theirs ends) or enables an administrator of
/// the customer. `me` is the administrator asking, when it is one (nobody disables themselves).
#[tracing::instrument(skip(conn))]
pub fn set_disabled(
    conn: &mut DbConnection,
    whose: &Whose,
    actor: &str,
    me: Option<i64>,
    admin_id: i64,
    disabled: bool,
) -> AppResult<Toggled> {
    let c = whose.editable(conn)?;
    write_transaction(conn, |conn| {
        customer::lock(conn, CustomerId(c.id))?;
        let before = customer_admin::find(conn, admin_id)?
            .filter(|a| a.customer_id == c.id)
            .ok_or(AppError::NotFound)?;
        if disabled && me == Some(admin_id) {
            return Ok(Toggled::Refused("You cannot disable your own account."));
        }
        if disabled && !before.disabled && before.role == AdminRole::Admin {
            let others = customer_admin::list(conn, c.id)?
                .into_iter()
                .filter(|a| a.id != admin_id && !a.disabled && a.role == AdminRole::Admin)
                .count();
            if others == 0 {
                return Ok(Toggled::Refused(
                    "The last enabled administrator with the admin role cannot be disabled.",
                ));
            }
        }
        customer_admin::set_disabled(conn, admin_id, disabled)?;
        if disabled {
            session::delete_for_principal(
                conn,
                &session_keys::customer_admin_principal(c.id, admin_id),
            )?;
        }
        let after = customer_admin::find(conn, admin_id)?.ok_or(AppError::NotFound)?;
        AuditEvent::updated(ObjectKind::CustomerAdmin, c.id, &before, &after).write(conn, actor)?;
        Ok(Toggled::Done)
    })
}
