//! Extractors that admit only a signed-in operator (and, for `Editor`, one who may change data).

use super::session_keys as keys;
use crate::domain::Role;
use crate::error::AppError;
use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use std::future::{ready, Ready};

/// The signed-in operator, checked against the idle and absolute timeouts.
#[derive(Debug, Clone)]
pub struct CurrentOperator {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub service_provider_id: Option<i64>,
    pub csrf_token: String,
}

impl CurrentOperator {
    /// Name recorded in the audit log.
    pub fn actor(&self) -> String {
        format!("operator:{}", self.username)
    }
}

fn from_session(session: &Session) -> Result<CurrentOperator, AppError> {
    let sign_in = || AppError::SignIn("/login".into());
    let get_i64 = |k: &str| session.get::<i64>(k).ok().flatten();
    let Some(id) = get_i64(keys::OPERATOR_ID) else {
        return Err(sign_in());
    };
    let now = crate::db::now();
    let created = get_i64(keys::CREATED).unwrap_or(0);
    let seen = get_i64(keys::SEEN).unwrap_or(0);
    if now - created > keys::ABSOLUTE_TIMEOUT_SECS || now - seen > keys::IDLE_TIMEOUT_SECS {
        session.purge();
        return Err(AppError::SignIn("/login?expired=1".into()));
    }
    if now - seen >= keys::SEEN_RESOLUTION_SECS {
        let _ = session.insert(keys::SEEN, now);
    }
    let role = session
        .get::<String>(keys::OPERATOR_ROLE)
        .ok()
        .flatten()
        .and_then(|r| Role::parse(&r).ok())
        .ok_or_else(sign_in)?;
    Ok(CurrentOperator {
        id,
        username: session
            .get::<String>(keys::OPERATOR_NAME)
            .ok()
            .flatten()
            .unwrap_or_default(),
        role,
        service_provider_id: get_i64(keys::OPERATOR_SP),
        csrf_token: super::csrf::token(session),
    })
}

impl FromRequest for CurrentOperator {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_session(&req.get_session()))
    }
}

/// A signed-in operator with the `admin` role (operators, settings).
#[derive(Debug, Clone)]
pub struct Admin(pub CurrentOperator);

impl FromRequest for Admin {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_session(&req.get_session()).and_then(|op| {
            if op.role == Role::Admin {
                Ok(Admin(op))
            } else {
                Err(AppError::Forbidden)
            }
        }))
    }
}

/// A signed-in operator whose role may create, change and delete data.
#[derive(Debug, Clone)]
pub struct Editor(pub CurrentOperator);

impl FromRequest for Editor {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_session(&req.get_session()).and_then(|op| {
            if op.role.can_edit() {
                Ok(Editor(op))
            } else {
                Err(AppError::Forbidden)
            }
        }))
    }
}
