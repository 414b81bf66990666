//! Operators (provider staff accounts): creating one, changing its role or service provider,
//! disabling or enabling it, resetting its password. Every change but creation ends that
//! operator's sessions in the same transaction, so a new role or a disabled account takes
//! effect at once; the last enabled admin keeps the role and stays enabled, and nobody takes
//! the role from, or disables, themselves. Each write is audited.
//!
//! Functions that take a password hash it (argon2, blocking): call them through `with_conn`.

use crate::auth::password;
use crate::auth::session_keys;
use crate::db::models::audit::AuditEntry;
use crate::db::models::operator::{self, NewOperator, OperatorRow};
use crate::db::models::reference::{self, ServiceProvider};
use crate::db::models::session;
use crate::db::models::OperatorId;
use crate::db::{write_transaction, DbConnection};
use crate::domain::{FormState, OperatorPassword, OperatorUsername, Role, Zone};
use crate::error::{AppError, AppResult};
use crate::service::audit::{self, AuditEvent, ObjectKind};

/// How many of an operator's audit entries their page shows.
const HISTORY: i64 = 200;

/// A service provider from a form: empty means "all", anything else must be on file.
pub fn parse_provider(input: &str, providers: &[ServiceProvider]) -> Result<Option<i64>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    providers
        .iter()
        .find(|p| p.id.to_string() == t)
        .map(|p| Some(p.id))
        .ok_or_else(|| "Choose a service provider from the list.".to_string())
}

/// The new-operator form as posted (the command line fills it in the same way).
#[derive(Debug, Default)]
pub struct NewOperatorInput {
    pub username: String,
    pub password: String,
    pub password_confirm: String,
    pub role: String,
    /// Empty for "all service providers".
    pub service_provider_id: String,
}

/// The new operator's fields, checked.
struct ValidOperator {
    username: OperatorUsername,
    password: OperatorPassword,
    role: Role,
    service_provider_id: Option<i64>,
}

/// A new password typed twice, checked (the new-operator form and the reset form).
fn check_password(f: &mut FormState, typed: &str, again: &str) -> Option<OperatorPassword> {
    let password = f.check("password", OperatorPassword::parse(typed));
    if password.is_some() && typed != again {
        f.error("password_confirm", "The two passwords differ.");
    }
    password
}

fn parse_new(
    input: &NewOperatorInput,
    providers: &[ServiceProvider],
) -> Result<ValidOperator, FormState> {
    let mut f = FormState::default();
    f.set("username", &input.username);
    f.set("role", &input.role);
    f.set("service_provider_id", &input.service_provider_id);
    let username = f.check("username", OperatorUsername::parse(&input.username));
    let password = check_password(&mut f, &input.password, &input.password_confirm);
    let role = f.check("role", Role::parse(&input.role));
    let sp = f.check(
        "service_provider_id",
        parse_provider(&input.service_provider_id, providers),
    );
    match (username, password, role, sp) {
        (Some(username), Some(password), Some(role), Some(service_provider_id))
            if !f.has_errors() =>
        {
            Ok(ValidOperator {
                username,
                password,
                role,
                service_provider_id,
            })
        }
        _ => Err(f),
    }
}

/// How creating an operator ended.
#[derive(Debug)]
pub enum OperatorCreated {
    Created(OperatorRow),
    /// A rule refused the form, or the username is taken: nothing was saved.
    Invalid(FormState),
}

/// The message on the username when it is taken.
pub const USERNAME_TAKEN: &str = "This username is taken; choose another.";

/// Creates an operator as `actor` (an operator's audit name, or `cli`).
#[tracing::instrument(skip(conn, input), fields(username = %input.username, role = %input.role))]
pub fn create(
    conn: &mut DbConnection,
    actor: &str,
    input: &NewOperatorInput,
) -> AppResult<OperatorCreated> {
    let providers = reference::service_providers(conn)?;
    let valid = match parse_new(input, &providers) {
        Ok(v) => v,
        Err(f) => return Ok(OperatorCreated::Invalid(f)),
    };
    let hash = password::hash(valid.password.expose())?;
    write_transaction(conn, |conn| {
        let name = valid.username.as_str();
        if operator::find_by_username(conn, name)?.is_some() {
            let mut f = FormState::default();
            f.set("username", &input.username);
            f.set("role", &input.role);
            f.set("service_provider_id", &input.service_provider_id);
            f.error("username", USERNAME_TAKEN);
            return Ok(OperatorCreated::Invalid(f));
        }
        let now = crate::db::now();
        let o = operator::insert(
            conn,
            &NewOperator {
                username: name.to_string(),
                password_hash: hash,
                role: valid.role,
                service_provider_id: valid.service_provider_id,
                disabled: false,
                created_at: now,
                updated_at: now,
            },
        )?;
        AuditEvent::created(ObjectKind::Operator, o.id, &o).write(conn, actor)?;
        Ok(OperatorCreated::Created(o))
    })
}

/// Why a change to an operator was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorRefusal {
    /// The admin role stays with the acting admin and with the last enabled admin.
    AdminRoleStays,
    /// Nobody disables themselves, nor the last enabled admin.
    CannotDisable,
}

impl OperatorRefusal {
    pub fn message(self) -> &'static str {
        match self {
            OperatorRefusal::AdminRoleStays => {
                "The admin role stays: you cannot take it from yourself, nor from the last \
                 enabled admin."
            }
            OperatorRefusal::CannotDisable => {
                "You cannot disable yourself, nor the last enabled admin."
            }
        }
    }
}

/// How a change to an existing operator ended.
#[derive(Debug)]
pub enum OperatorChanged {
    /// Saved and audited; the operator's sessions ended.
    Saved(OperatorRow),
    /// The form broke a rule: nothing changed.
    Invalid(FormState),
    /// A rule about admins refused it: nothing changed.
    Refused(OperatorRefusal),
}

/// Applies `change` to operator `id` in one transaction with its audit entry (with `reason`),
/// ending the operator's sessions.
fn change_operator(
    conn: &mut DbConnection,
    actor: &str,
    id: i64,
    reason: Option<&str>,
    change: impl FnOnce(
        &mut DbConnection,
        &OperatorRow,
    ) -> AppResult<Result<OperatorRow, OperatorRefusal>>,
) -> AppResult<OperatorChanged> {
    write_transaction(conn, |conn| {
        let before = operator::find(conn, OperatorId(id))?.ok_or(AppError::NotFound)?;
        let after = match change(conn, &before)? {
            Ok(after) => after,
            Err(refusal) => return Ok(OperatorChanged::Refused(refusal)),
        };
        AuditEvent::updated(ObjectKind::Operator, id, &before, &after)
            .reason(reason)
            .write(conn, actor)?;
        session::delete_for_principal(conn, &session_keys::operator_principal(id))?;
        Ok(OperatorChanged::Saved(after))
    })
}

/// Whether taking `before`'s admin powers away would leave no enabled admin.
fn last_admin(conn: &mut DbConnection, before: &OperatorRow) -> AppResult<bool> {
    Ok(before.role == Role::Admin && !before.disabled && operator::enabled_admins(conn)? <= 1)
}

/// The role form as posted.
#[derive(Debug, Default)]
pub struct RoleInput {
    pub role: String,
    /// Empty for "all service providers".
    pub service_provider_id: String,
}

/// Gives operator `id` a role and service provider, as admin `me` (audited as `actor`).
#[tracing::instrument(skip(conn, input), fields(role = %input.role))]
pub fn set_role(
    conn: &mut DbConnection,
    actor: &str,
    me: i64,
    id: OperatorId,
    input: &RoleInput,
) -> AppResult<OperatorChanged> {
    let providers = reference::service_providers(conn)?;
    let mut f = FormState::default();
    f.set("role", &input.role);
    f.set("service_provider_id", &input.service_provider_id);
    let role = f.check("role", Role::parse(&input.role));
    let sp = f.check(
        "service_provider_id",
        parse_provider(&input.service_provider_id, &providers),
    );
    let (Some(role), Some(sp)) = (role, sp) else {
        return Ok(OperatorChanged::Invalid(f));
    };
    change_operator(conn, actor, id.0, None, |conn, before| {
        if role != Role::Admin && (before.id == me || last_admin(conn, before)?) {
            return Ok(Err(OperatorRefusal::AdminRoleStays));
        }
        Ok(Ok(
            operator::set_role(conn, before.id, role, sp)?.ok_or(AppError::NotFound)?
        ))
    })
}

/// Disables (or enables again) operator `id`, as admin `me` (audited as `actor`).
#[tracing::instrument(skip(conn))]
pub fn set_disabled(
    conn: &mut DbConnection,
    actor: &str,
    me: i64,
    id: OperatorId,
    disabled: bool,
) -> AppResult<OperatorChanged> {
    let reason = if disabled { "disabled" } else { "enabled" };
    change_operator(conn, actor, id.0, Some(reason), |conn, before| {
        if disabled && (before.id == me || last_admin(conn, before)?) {
            return Ok(Err(OperatorRefusal::CannotDisable));
        }
        Ok(Ok(
            operator::set_disabled(conn, before.id, disabled)?.ok_or(AppError::NotFound)?
        ))
    })
}

/// The password-reset form as posted.
#[derive(Debug, Default)]
pub struct PasswordInput {
    pub password: String,
    pub password_confirm: String,
}

/// Gives operator `id` a new password (audited as `actor`, without the password).
#[tracing::instrument(skip(conn, input))]
pub fn reset_password(
    conn: &mut DbConnection,
    actor: &str,
    id: OperatorId,
    input: &PasswordInput,
) -> AppResult<OperatorChanged> {
    let mut f = FormState::default();
    let password = check_password(&mut f, &input.password, &input.password_confirm);
    let Some(password) = password.filter(|_| !f.has_errors()) else {
        return Ok(OperatorChanged::Invalid(f));
    };
    let hash = password::hash(password.expose())?;
    change_operator(conn, actor, id.0, Some("password reset"), |conn, before| {
        operator::set_password_hash(conn, before.id, &hash)?;
        Ok(Ok(
            operator::find(conn, OperatorId(before.id))?.ok_or(AppError::NotFound)?
        ))
    })
}

/// A time zone from a form: empty means "the server's", anything else must be on the list.
pub fn parse_time_zone(input: &str) -> Result<Option<Zone>, String> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        Zone::parse(input).map(Some)
    }
}

/// Gives operator `id` their own time zone (`input` empty: the server's), audited as `actor`.
/// A display preference ends no session: the caller updates the session it is made in, and the
/// operator's other sessions pick it up at their next sign-in.
#[tracing::instrument(skip(conn))]
pub fn set_time_zone(
    conn: &mut DbConnection,
    actor: &str,
    id: OperatorId,
    input: &str,
) -> AppResult<OperatorChanged> {
    let zone = match parse_time_zone(input) {
        Ok(zone) => zone,
        Err(message) => {
            let mut f = FormState::default();
            f.set("time_zone", input);
            f.error("time_zone", message);
            return Ok(OperatorChanged::Invalid(f));
        }
    };
    write_transaction(conn, |conn| {
        let before = operator::find(conn, id)?.ok_or(AppError::NotFound)?;
        let after = operator::set_time_zone(conn, id.0, zone.as_ref().map(Zone::name))?
            .ok_or(AppError::NotFound)?;
        AuditEvent::updated(ObjectKind::Operator, id.0, &before, &after)
            .reason(Some("time zone"))
            .write(conn, actor)?;
        Ok(OperatorChanged::Saved(after))
    })
}

/// Lets operator `id` see called numbers in EDRs unmasked (or masks them again), audited as
/// `actor`. Read at each view, so no session needs to end.
#[tracing::instrument(skip(conn))]
pub fn set_edr_no_masking(
    conn: &mut DbConnection,
    actor: &str,
    id: OperatorId,
    no_masking: bool,
) -> AppResult<OperatorChanged> {
    write_transaction(conn, |conn| {
        let before = operator::find(conn, id)?.ok_or(AppError::NotFound)?;
        let after =
            operator::set_edr_no_masking(conn, id.0, no_masking)?.ok_or(AppError::NotFound)?;
        AuditEvent::updated(ObjectKind::Operator, id.0, &before, &after)
            .reason(Some("EDR masking"))
            .write(conn, actor)?;
        Ok(OperatorChanged::Saved(after))
    })
}

/// The operator's own time zone as stored, if they chose one.
#[tracing::instrument(skip(conn))]
pub fn own_time_zone(conn: &mut DbConnection, id: OperatorId) -> AppResult<Option<String>> {
    Ok(operator::find(conn, id)?
        .ok_or(AppError::NotFound)?
        .time_zone)
}

/// What the operators page lists: every operator, and the service providers they may be
/// limited to.
#[derive(Debug)]
pub struct OperatorsList {
    pub operators: Vec<OperatorRow>,
    pub providers: Vec<ServiceProvider>,
}

#[tracing::instrument(skip(conn))]
pub fn list(conn: &mut DbConnection) -> AppResult<OperatorsList> {
    Ok(OperatorsList {
        operators: operator::list(conn)?,
        providers: reference::service_providers(conn)?,
    })
}

/// What one operator's page shows: the operator, the providers to choose from, and the
/// operator's own history.
#[derive(Debug)]
pub struct OperatorDetail {
    pub operator: OperatorRow,
    pub providers: Vec<ServiceProvider>,
    pub history: Vec<AuditEntry>,
}

#[tracing::instrument(skip(conn))]
pub fn detail(conn: &mut DbConnection, id: OperatorId) -> AppResult<OperatorDetail> {
    let operator = operator::find(conn, id)?.ok_or(AppError::NotFound)?;
    Ok(OperatorDetail {
        operator,
        providers: reference::service_providers(conn)?,
        history: audit::history(conn, ObjectKind::Operator, id.0, HISTORY)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn providers() -> Vec<ServiceProvider> {
        vec![ServiceProvider {
            id: 1,
            name: "Default".into(),
        }]
    }

    #[test]
    fn a_time_zone_is_the_servers_or_one_on_the_list() {
        assert_eq!(parse_time_zone(" "), Ok(None));
        assert_eq!(
            parse_time_zone("America/New_York").map(|z| z.map(|z| z.name())),
            Ok(Some("America/New_York"))
        );
        assert!(parse_time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn a_provider_is_all_or_one_on_file() {
        assert_eq!(parse_provider(" ", &providers()), Ok(None));
        assert_eq!(parse_provider("1", &providers()), Ok(Some(1)));
        assert!(parse_provider("2", &providers()).is_err());
    }

    #[test]
    fn a_new_operator_needs_the_password_twice_and_a_known_role() {
        let input = NewOperatorInput {
            username: "nina".into(),
            password: "Viewer-Passw0rd!".into(),
            password_confirm: "Viewer-Passw0rd?".into(),
            role: "root".into(),
            service_provider_id: String::new(),
        };
        let f = parse_new(&input, &providers()).err().unwrap();
        assert_eq!(f.message("password_confirm"), "The two passwords differ.");
        assert!(!f.message("role").is_empty());
        assert_eq!(f.value("username"), "nina");
    }
}
