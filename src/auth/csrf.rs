//! Per-session CSRF token, checked in constant time on every POST form.

use super::session_keys;
use crate::error::AppError;
use actix_session::{Session, SessionExt};
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
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let t: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    // A session that cannot store the token simply fails the later check.
    let _ = session.insert(session_keys::CSRF, &t);
    t
}

pub fn verify(session: &Session, presented: &str) -> Result<(), AppError> {
    let expected = session
        .get::<String>(session_keys::CSRF)
        .ok()
        .flatten()
        .ok_or(AppError::Csrf)?;
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
        Box::pin(async move {
            let form = form.await?.into_inner();
            verify(&session, form.csrf_token())?;
            Ok(CsrfForm(form))
        })
    }
}

/// Every field of a form as posted, in order (for forms with one field per row).
#[derive(Debug, serde::Deserialize)]
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
