//! Signing in: the credentials check behind the login throttle, for operators (`/login`) and for
//! one of a customer's administrators (`/c/{webid}/login`). An unknown name, a wrong password and a
//! disabled operator all end alike (and take as long), so the answer does not tell strangers
//! which accounts exist; why a portal account cannot be used is said only after its password
//! was right. Every attempt is logged under the `signin` target.

use crate::auth::password;
pub use crate::auth::sessions::SignedInOperator;
use crate::auth::throttle::Verdict;
use crate::db::models::customer::Customer;
use crate::db::models::customer_admin;
use crate::db::models::operator;
use crate::domain::portal_refusal;
use crate::error::AppResult;
use crate::state::{blocking, with_conn, AppState};

/// The same words for an unknown user and a wrong password.
pub const GENERIC_FAILURE: &str = "Unknown username or wrong password.";

/// What a locked account or address is told.
pub fn locked_message(minutes: u64) -> String {
    format!(
        "Too many failed sign-in attempts. Signing in to this account or from your address is locked \
         for {minutes} minute{}; try again later.",
        if minutes == 1 { "" } else { "s" }
    )
}

/// How a sign-in attempt ended.
#[derive(Debug)]
pub enum SignIn<T> {
    /// The credentials were right and the account may be used.
    SignedIn(T),
    /// Unknown user, wrong password or a disabled operator: all look alike.
    Refused,
    /// Too many failures for this name or address: nothing was checked.
    Locked { minutes: u64 },
    /// The password was right but the account may not be used now (a suspended customer…).
    NotActive(&'static str),
}

impl<T> SignIn<T> {
    /// The message shown on the sign-in form when the attempt did not succeed.
    pub fn message(&self) -> String {
        match self {
            SignIn::SignedIn(_) => String::new(),
            SignIn::Refused => GENERIC_FAILURE.to_string(),
            SignIn::Locked { minutes } => locked_message(*minutes),
            SignIn::NotActive(why) => (*why).to_string(),
        }
    }
}

/// The name a portal account's failures are counted under: per portal and name, apart from
/// operator names (the address is shared). The portal's password change counts under it too.
pub fn portal_throttle_name(webid: &str, username: &str) -> String {
    format!("{webid}/{}", username.trim().to_lowercase())
}

/// Whether `name` or `ip` is locked now (on any instance).
async fn check(state: &AppState, name: &str, ip: &str) -> AppResult<Verdict> {
    let (throttle, name, ip) = (state.throttle.clone(), name.to_string(), ip.to_string());
    with_conn(state, move |conn| {
        Ok(throttle.check(conn, &name, &ip, crate::db::now())?)
    })
    .await
}

/// Counts a failure against `name` and `ip`, waits the throttle's delay, and says whether the
/// failure locked them.
async fn failed<T>(state: &AppState, name: &str, ip: &str) -> AppResult<SignIn<T>> {
    let (throttle, name, ip) = (state.throttle.clone(), name.to_string(), ip.to_string());
    let (delay, locked) = with_conn(state, move |conn| {
        Ok(throttle.record_failure(conn, &name, &ip, crate::db::now())?)
    })
    .await?;
    if !delay.is_zero() {
        actix_web::rt::time::sleep(delay).await;
    }
    Ok(if locked {
        SignIn::Locked {
            minutes: state.throttle.lock_minutes(),
        }
    } else {
        SignIn::Refused
    })
}

/// Clears the failures counted against `name` after a right password.
async fn succeeded(state: &AppState, name: &str) -> AppResult<()> {
    let (throttle, name) = (state.throttle.clone(), name.to_string());
    with_conn(state, move |conn| Ok(throttle.record_success(conn, &name)?)).await
}

/// Checks an operator's credentials (`username` as typed) from address `ip`.
#[tracing::instrument(skip(state, password))]
pub async fn operator(
    state: &AppState,
    username: &str,
    password: String,
    ip: &str,
) -> AppResult<SignIn<SignedInOperator>> {
    let username = username.trim().to_lowercase();
    if let Verdict::Locked { minutes } = check(state, &username, ip).await? {
        tracing::warn!(target: "signin", %username, %ip, outcome = "locked", "operator sign-in refused");
        return Ok(SignIn::Locked { minutes });
    }
    let name = username.clone();
    let found = with_conn(state, move |conn| {
        Ok(operator::find_by_username(conn, &name)?)
    })
    .await?;
    let admitted = blocking(move || {
        Ok(match found {
            Some(op) if !op.disabled && password::verify(&password, &op.password_hash) => Some(op),
            Some(_) => None,
            None => {
                password::verify_dummy(&password);
                None
            }
        })
    })
    .await?;
    let Some(op) = admitted else {
        tracing::warn!(target: "signin", %username, %ip, outcome = "failed", "operator sign-in failed");
        return failed(state, &username, ip).await;
    };
    succeeded(state, &username).await?;
    tracing::info!(target: "signin", %username, %ip, outcome = "ok", "operator signed in");
    Ok(SignIn::SignedIn(SignedInOperator {
        id: op.id,
        role: op.role,
        username: op.username,
        service_provider_id: op.service_provider_id,
        time_zone: op.time_zone,
    }))
}

/// Who a portal sign-in admitted.
#[derive(Debug, Clone, Copy)]
pub struct SignedInAdmin {
    pub customer_id: i64,
    pub admin_id: i64,
}

/// Checks the credentials of one of `customer`'s administrators (`typed` as typed) from `ip`;
/// another customer's username, and a disabled administrator, fail like a wrong password.
#[tracing::instrument(skip(state, customer, password), fields(webid = %customer.webid))]
pub async fn customer_admin(
    state: &AppState,
    customer: &Customer,
    typed: &str,
    password: String,
    ip: &str,
) -> AppResult<SignIn<SignedInAdmin>> {
    let webid = &customer.webid;
    let typed = typed.trim();
    let throttle_name = portal_throttle_name(webid, typed);
    if let Verdict::Locked { minutes } = check(state, &throttle_name, ip).await? {
        tracing::warn!(target: "signin", %webid, username = %typed, %ip, outcome = "locked", "portal sign-in refused");
        return Ok(SignIn::Locked { minutes });
    }
    let (customer_id, key) = (customer.id, typed.to_ascii_lowercase());
    let found = with_conn(state, move |conn| {
        Ok(customer_admin::find_by_key(conn, customer_id, &key)?)
    })
    .await?;
    let admitted = blocking(move || {
        Ok(match found {
            Some(a) if !a.disabled && password::verify(&password, &a.password_hash) => Some(a),
            Some(_) => None,
            None => {
                password::verify_dummy(&password);
                None
            }
        })
    })
    .await?;
    let Some(admin) = admitted else {
        tracing::warn!(target: "signin", %webid, username = %typed, %ip, outcome = "failed", "portal sign-in failed");
        return failed(state, &throttle_name, ip).await;
    };
    succeeded(state, &throttle_name).await?;
    if let Some(why) = portal_refusal(customer.customer_type, customer.status) {
        tracing::warn!(target: "signin", %webid, username = %typed, %ip, outcome = "refused", status = customer.status.code(), "portal sign-in refused");
        return Ok(SignIn::NotActive(why));
    }
    tracing::info!(target: "signin", %webid, username = %typed, %ip, outcome = "ok", "customer administrator signed in");
    Ok(SignIn::SignedIn(SignedInAdmin {
        customer_id: customer.id,
        admin_id: admin.id,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_the_same_words_and_locks_count_minutes() {
        assert_eq!(SignIn::<()>::Refused.message(), GENERIC_FAILURE);
        assert!(SignIn::<()>::Locked { minutes: 1 }
            .message()
            .contains("for 1 minute;"));
        assert!(SignIn::<()>::Locked { minutes: 15 }
            .message()
            .contains("for 15 minutes;"));
    }
}
