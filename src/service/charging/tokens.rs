//! API tokens (admins): made for one service provider and shown once, stored as a SHA-256,
//! revocable; and the check of a presented token on every API request (its last use recorded
//! at most once a minute, so a busy client does not cost a write per request).

use super::{refuse, Outcome, Refusal};
use crate::db::models::api_token::{self, ApiToken, NewApiToken};
use crate::db::models::reference;
use crate::db::{write_transaction, DbConnection};
use crate::domain::charging::BearerToken;
use crate::domain::{FormState, ObjectName};
use crate::error::{AppError, AppResult};
use crate::service::audit::{Action, AuditEvent, ObjectKind};

/// How stale `last_used_at` may get before a request writes it again.
const TOUCH_EVERY_SECS: i64 = 60;

/// Who an API request is from.
#[derive(Debug, Clone, Copy)]
pub struct ApiClient {
    pub token_id: i64,
    pub service_provider_id: i64,
}

/// The token presented (`None`: no `Authorization: Bearer` header): its provider, or 401.
pub fn authenticate(conn: &mut DbConnection, token: Option<&BearerToken>) -> Outcome<ApiClient> {
    let Some(token) = token else {
        return refuse(Refusal::Unauthorized);
    };
    let Some(t) = api_token::by_hash(conn, &token.hash())? else {
        return refuse(Refusal::Unauthorized);
    };
    if t.revoked_at.is_some() {
        return refuse(Refusal::Unauthorized);
    }
    let now = crate::db::now();
    if t.last_used_at.is_none_or(|at| at <= now - TOUCH_EVERY_SECS) {
        api_token::touch(conn, t.id, now)?;
    }
    Ok(ApiClient {
        token_id: t.id,
        service_provider_id: t.service_provider_id,
    })
}

/// What the tokens page lists: each token with its provider's name, and the providers.
pub struct TokenList {
    pub tokens: Vec<(ApiToken, String)>,
    pub providers: Vec<(i64, String)>,
}

pub fn list(conn: &mut DbConnection) -> AppResult<TokenList> {
    Ok(TokenList {
        tokens: api_token::all(conn)?,
        providers: reference::service_providers(conn)?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect(),
    })
}

/// The posted form of a new token.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct TokenForm {
    pub name: String,
    pub service_provider_id: String,
}

pub enum Created {
    /// The new token, to be shown this once.
    Created(ApiToken, BearerToken),
    Invalid(FormState),
}

#[tracing::instrument(skip(conn, form))]
pub fn create(conn: &mut DbConnection, actor: &str, form: &TokenForm) -> AppResult<Created> {
    let mut f = FormState::default();
    f.set("name", form.name.trim());
    f.set("service_provider_id", form.service_provider_id.trim());
    let name = f.check("name", ObjectName::parse(&form.name));
    let providers = reference::service_providers(conn)?;
    let provider = form
        .service_provider_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| providers.iter().any(|p| p.id == *id));
    if provider.is_none() {
        f.error(
            "service_provider_id",
            "Choose a service provider from the list.",
        );
    }
    let (Some(name), Some(provider)) = (name, provider) else {
        return Ok(Created::Invalid(f));
    };
    let token = BearerToken::generate();
    let row = write_transaction(conn, |conn| -> AppResult<ApiToken> {
        let row = api_token::insert(
            conn,
            &NewApiToken {
                service_provider_id: provider,
                name: name.into_inner(),
                token_hash: token.hash(),
                created_by: actor.to_string(),
                created_at: crate::db::now(),
            },
        )?;
        AuditEvent::created(ObjectKind::ApiToken, row.id, &row).write(conn, actor)?;
        Ok(row)
    })?;
    Ok(Created::Created(row, token))
}

/// Revokes a token (404 when there is none; revoking twice changes nothing more).
#[tracing::instrument(skip(conn))]
pub fn revoke(conn: &mut DbConnection, actor: &str, id: i64) -> AppResult<ApiToken> {
    write_transaction(conn, |conn| {
        let before = api_token::find(conn, id)?.ok_or(AppError::NotFound)?;
        if api_token::revoke(conn, id, crate::db::now())? {
            let after = api_token::find(conn, id)?.ok_or(AppError::NotFound)?;
            AuditEvent::new(ObjectKind::ApiToken, id, Action::Revoke)
                .before(&before)
                .after(&after)
                .write(conn, actor)?;
            return Ok(after);
        }
        Ok(before)
    })
}
