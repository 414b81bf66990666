//! POST `/login` and POST `/logout`.

use super::LoginPage;
use crate::auth::csrf::{self, Fields};
use crate::auth::session_keys as keys;
use crate::auth::throttle::Verdict;
use crate::auth::{CsrfField, CsrfForm};
use crate::db::models::operator;
use crate::domain::Role;
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

impl CsrfField for LoginForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// The same words for an unknown user and a wrong password.
pub const GENERIC_FAILURE: &str = "Unknown username or wrong password.";

pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub fn locked_message(minutes: u64) -> String {
    format!(
        "Too many failed sign-in attempts. Signing in to this account or from your address is locked \
         for {minutes} minute{}; try again later.",
        if minutes == 1 { "" } else { "s" }
    )
}

fn failed_page(
    session: &Session,
    flashes: &IncomingFlashMessages,
    username: String,
    error: String,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    render(
        status,
        &LoginPage {
            layout: Layout::anonymous(csrf::token(session), flashes),
            username,
            error,
            notice: String::new(),
        },
    )
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: CsrfForm<LoginForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let LoginForm {
        username, password, ..
    } = form.0;
    let username = username.trim().to_lowercase();
    let ip = client_ip(&req);
    if let Verdict::Locked { minutes } = state.throttle.check(&username, &ip) {
        tracing::warn!(target: "signin", %username, %ip, outcome = "locked", "operator sign-in refused");
        return failed_page(
            &session,
            &flashes,
            username,
            locked_message(minutes),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let name = username.clone();
    let found = with_conn(&state, move |conn| {
        Ok(operator::find_by_username(conn, &name)?)
    })
    .await?;
    let ok = web::block(move || match found {
        Some(op) if !op.disabled && crate::auth::password::verify(&password, &op.password_hash) => {
            Some(op)
        }
        Some(_) => None,
        None => {
            crate::auth::password::verify_dummy(&password);
            None
        }
    })
    .await?;
    let Some(op) = ok else {
        let (delay, locked) = state.throttle.record_failure(&username, &ip);
        tracing::warn!(target: "signin", %username, %ip, outcome = "failed", "operator sign-in failed");
        if !delay.is_zero() {
            actix_web::rt::time::sleep(delay).await;
        }
        let message = if locked {
            locked_message(state.throttle.lock_minutes())
        } else {
            GENERIC_FAILURE.to_string()
        };
        let status = if locked {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNAUTHORIZED
        };
        return failed_page(&session, &flashes, username, message, status);
    };
    state.throttle.record_success(&username);
    tracing::info!(target: "signin", %username, %ip, outcome = "ok", "operator signed in");
    let role = Role::parse(&op.role).unwrap_or(Role::Viewer);
    let now = crate::db::now();
    session.renew();
    session.clear();
    let stored = (|| -> Result<(), actix_session::SessionInsertError> {
        session.insert(keys::PRINCIPAL, keys::operator_principal(op.id))?;
        session.insert(keys::OPERATOR_ID, op.id)?;
        session.insert(keys::OPERATOR_NAME, &op.username)?;
        session.insert(keys::OPERATOR_ROLE, role.code())?;
        if let Some(sp) = op.service_provider_id {
            session.insert(keys::OPERATOR_SP, sp)?;
        }
        session.insert(keys::CREATED, now)?;
        session.insert(keys::SEEN, now)?;
        Ok(())
    })();
    if stored.is_err() {
        return Err(crate::error::AppError::Internal(anyhow::anyhow!(
            "could not store the session"
        )));
    }
    csrf::token(&session);
    Ok(see_other("/customers"))
}

pub async fn logout(session: Session, _form: CsrfForm<Fields>) -> HttpResponse {
    session.purge();
    FlashMessage::info("You are signed out.").send();
    see_other("/login")
}
