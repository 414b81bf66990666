//! A customer administrator changes their own web access password in the portal: the current
//! one first, then the new one twice under the web access password policy. Every session of
//! that administrator ends in the same transaction (the caller renews its own session's id),
//! and the change is audited (under the customer) without either password.

use crate::auth::throttle::{LoginThrottle, Verdict};
use crate::auth::{password, session_keys};
use crate::db::models::customer::{self, Customer, CustomerId};
use crate::db::models::customer_admin::{self, CustomerAdmin};
use crate::db::models::session;
use crate::db::{write_transaction, DbConnection};
use crate::domain::{FormState, WebPassword};
use crate::error::AppResult;
use crate::service::audit::{AuditEvent, ObjectKind};
use crate::service::sign_in::{locked_message, portal_throttle_name};

/// The password form as posted.
#[derive(Debug, Default)]
pub struct PasswordInput {
    pub current_password: String,
    pub password: String,
    pub password_confirm: String,
}

impl PasswordInput {
    /// The new password if the form's own rules pass (the current one is checked later).
    fn parse(&self) -> Result<WebPassword, FormState> {
        let mut f = FormState::default();
        if self.current_password.is_empty() {
            f.error("current_password", "Enter your current password.");
        }
        let new = f.check("password", WebPassword::parse(&self.password));
        if new.is_some() && self.password != self.password_confirm {
            f.error("password_confirm", "The two passwords differ.");
        }
        match new {
            Some(p) if !f.has_errors() => Ok(p),
            _ => Err(f),
        }
    }
}

/// How a password change ended.
#[derive(Debug)]
pub enum PasswordChange {
    /// The new password is stored and every session of the customer ended.
    Changed,
    /// A rule refused the form (or the current password was wrong): nothing changed.
    Invalid(FormState),
}

/// Where the attempt comes from: wrong current passwords count against the account's and the
/// address's sign-in failures, so a taken-over session cannot be used to guess the password.
pub struct Attempt<'a> {
    pub throttle: &'a LoginThrottle,
    pub ip: &'a str,
}

/// Changes `c`'s web access password as `actor`. Blocking (argon2, and the throttle's delay):
/// call it through `with_conn`, never on an async worker.
#[tracing::instrument(skip(conn, c, admin, input, attempt), fields(customer_id = c.id))]
pub fn change(
    conn: &mut DbConnection,
    actor: &str,
    c: &Customer,
    admin: &CustomerAdmin,
    input: &PasswordInput,
    attempt: Attempt<'_>,
) -> AppResult<PasswordChange> {
    let new = match input.parse() {
        Ok(p) => p,
        Err(f) => return Ok(PasswordChange::Invalid(f)),
    };
    let name = portal_throttle_name(&c.webid, &admin.username_key);
    let now = crate::db::now();
    if let Verdict::Locked { minutes } = attempt.throttle.check(conn, &name, attempt.ip, now)? {
        let mut f = FormState::default();
        f.error("current_password", locked_message(minutes));
        return Ok(PasswordChange::Invalid(f));
    }
    if !password::verify(&input.current_password, &admin.password_hash) {
        tracing::warn!(target: "signin", webid = %c.webid, ip = %attempt.ip, outcome = "failed", "portal password change: wrong current password");
        let (delay, locked) = attempt
            .throttle
            .record_failure(conn, &name, attempt.ip, now)?;
        std::thread::sleep(delay);
        let mut f = FormState::default();
        if locked {
            f.error(
                "current_password",
                locked_message(attempt.throttle.lock_minutes()),
            );
        } else {
            f.error("current_password", "This is not your current password.");
        }
        return Ok(PasswordChange::Invalid(f));
    }
    attempt.throttle.record_success(conn, &name)?;
    let hash = password::hash(new.expose())?;
    write_transaction(conn, |conn| {
        customer_admin::set_password_hash(conn, admin.id, &hash)?;
        if admin.is_primary {
            // The customer row's copy of the first account stays alike (nothing signs in by it).
            customer::set_password_hash(conn, CustomerId(c.id), &hash)?;
        }
        session::delete_for_principal(
            conn,
            &session_keys::customer_admin_principal(c.id, admin.id),
        )?;
        AuditEvent::new(
            ObjectKind::CustomerAdmin,
            c.id,
            crate::service::audit::Action::Update,
        )
        .reason(Some(format!(
            "web access password of {} changed by themselves",
            admin.username
        )))
        .write(conn, actor)?;
        Ok(PasswordChange::Changed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(current: &str, new: &str, again: &str) -> PasswordInput {
        PasswordInput {
            current_password: current.into(),
            password: new.into(),
            password_confirm: again.into(),
        }
    }

    #[test]
    fn the_form_wants_the_current_password_and_the_new_one_twice() {
        let f = input("", "Secret1!x", "Secret1!x").parse().unwrap_err();
        assert_eq!(
            f.message("current_password"),
            "Enter your current password."
        );
        let f = input("old", "Secret1!x", "Secret1!y").parse().unwrap_err();
        assert_eq!(f.message("password_confirm"), "The two passwords differ.");
        assert!(input("old", "Secret1!x", "Secret1!x").parse().is_ok());
    }
}
