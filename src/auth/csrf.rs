//! Per-session CSRF token, checked in constant time on every POST form. A visitor without a
//! session (the sign-in pages) gets the token in a cookie of its own instead, so an anonymous
//! visit stores nothing on the server; the sign-in then starts the session with a new token.

use super::session_keys;
use crate::error::AppError;
use actix_session::{Session, SessionExt};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use rand::RngCore;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

/// The session's token, created on first use.
pub fn token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(session_keys::CSRF) {
        return t;
    }
    let t = fresh_token();
    // A session that cannot store the token simply fails the later check.
    let _ = session.insert(session_keys::CSRF, &t);
    t
}

/// The cookie that carries an anonymous visitor's token.
pub const PRE_SESSION_COOKIE: &str = "selfcare_csrf";

fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

fn fresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The token a form on a page for `req` carries: the session's when there is one, else the
/// visitor's cookie token (a new one comes with the cookie to set).
pub fn form_token(req: &HttpRequest, session: &Session) -> (String, Option<Cookie<'static>>) {
    if let Ok(Some(t)) = session.get::<String>(session_keys::CSRF) {
        return (t, None);
    }
    if let Some(t) = cookie_token(req) {
        return (t, None);
    }
    let t = fresh_token();
    let secure = req
        .app_data::<web::Data<crate::state::AppState>>()
        .is_some_and(|s| s.https);
    let cookie = Cookie::build(PRE_SESSION_COOKIE, t.clone())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .finish();
    (t, Some(cookie))
}

/// The visitor's cookie token of a request, if well formed.
pub fn cookie_token(req: &HttpRequest) -> Option<String> {
    req.cookie(PRE_SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|t| well_formed(t))
}

/// Checks a session's form token (multipart forms, which are only for signed-in people).
pub fn verify(session: &Session, presented: &str) -> Result<(), AppError> {
    verify_with(session, None, presented)
}

/// Checks the token of a POST: against the session's, or, without one, the visitor's cookie.
pub fn verify_with(
    session: &Session,
    cookie: Option<String>,
    presented: &str,
) -> Result<(), AppError> {
    let expected = match session.get::<String>(session_keys::CSRF).ok().flatten() {
        Some(t) => t,
        None => cookie.ok_or(AppError::Csrf)?,
    };
    if !presented.is_empty() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes())) {
        Ok(())
    } else {
        Err(AppError::Csrf)
    }
}

/// Forms that carry the `csrf_token` field.
pub trait CsrfField {
    fn csrf_token(&self) -> &str;
}

/// A url-encoded form whose CSRF token has been checked: handlers cannot forget the check.
pub struct CsrfForm<T>(pub T);

impl<T> FromRequest for CsrfForm<T>
where
    T: DeserializeOwned + CsrfField + 'static,
{
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Form::<T>::from_request(req, payload);
        let session = req.get_session();
        let cookie = cookie_token(req);
        Box::pin(async move {
            let form = form.await?.into_inner();
            verify_with(&session, cookie, form.csrf_token())?;
            Ok(CsrfForm(form))
        })
    }
}

/// Every field of a form as posted, in order (for forms with one field per row).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl CsrfField for Fields {
    fn csrf_token(&self) -> &str {
        self.get("csrf_token").unwrap_or("")
    }
}
