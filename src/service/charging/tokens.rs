//! API tokens (admins): made for one service provider and shown once, stored as a SHA-256,
//! revocable; and the check of a presented token on every API request (its last use recorded
//! at most once a minute, so a busy client does not cost a write per request).
//!
//! A valid token's provider is kept in memory for `CACHE_SECS`, so a busy client costs no
//! query for it: a revocation made on this instance is refused at once (the cache is emptied),
//! one made on another instance within `CACHE_SECS`.

use super::{refuse, Outcome, Refusal};
use crate::db::models::api_token::{self, ApiToken, NewApiToken};
use crate::db::models::reference;
use crate::db::{write_transaction, DbConnection};
use crate::domain::charging::BearerToken;
use crate::domain::{FormState, ObjectName};
use crate::error::{AppError, AppResult};
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// How stale `last_used_at` may get before a request writes it again.
const TOUCH_EVERY_SECS: i64 = 60;

/// How long an instance trusts a valid token it read: the longest another instance's
/// revocation takes to reach it.
pub const CACHE_SECS: u64 = 2;

/// More valid tokens than this in the cache empties it (only valid tokens are kept, and a
/// provider has a handful; this bounds it whatever happens).
const CACHE_MAX: usize = 1024;

/// Valid tokens by hash, with when they were read; and the revocations made here so far, so a
/// read that raced a revocation is not kept.
struct TokenCache {
    revocations: u64,
    tokens: HashMap<String, (ApiClient, Instant)>,
}

static CACHE: LazyLock<Mutex<TokenCache>> = LazyLock::new(|| {
    Mutex::new(TokenCache {
        revocations: 0,
        tokens: HashMap::new(),
    })
});

fn cache() -> std::sync::MutexGuard<'static, TokenCache> {
    // A panic while holding it leaves nothing half-done: the map is only ever whole entries.
    CACHE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The cached client of a token hash, if read less than `CACHE_SECS` ago; and the revocation
/// count the caller's read must be compared with to be kept.
fn cached(hash: &str) -> (Option<ApiClient>, u64) {
    let mut c = cache();
    let hit = match c.tokens.get(hash) {
        Some((client, at)) if at.elapsed() < Duration::from_secs(CACHE_SECS) => Some(*client),
        Some(_) => {
            c.tokens.remove(hash);
            None
        }
        None => None,
    };
    (hit, c.revocations)
}

/// Keeps a valid token read from the database, unless a revocation happened here meanwhile.
fn remember(hash: String, client: ApiClient, revocations: u64) {
    let mut c = cache();
    if c.revocations != revocations {
        return;
    }
    if c.tokens.len() >= CACHE_MAX {
        c.tokens.clear();
    }
    c.tokens.insert(hash, (client, Instant::now()));
}

/// Forgets every cached token (after a revocation committed).
fn forget_all() {
    let mut c = cache();
    c.revocations += 1;
    c.tokens.clear();
}

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
    let hash = token.hash();
    let (hit, revocations) = cached(&hash);
    if let Some(client) = hit {
        return Ok(client);
    }
    let Some(t) = api_token::by_hash(conn, &hash)? else {
        return refuse(Refusal::Unauthorized);
    };
    if t.revoked_at.is_some() {
        return refuse(Refusal::Unauthorized);
    }
    let now = crate::db::now();
    if t.last_used_at.is_none_or(|at| at <= now - TOUCH_EVERY_SECS) {
        api_token::touch(conn, t.id, now)?;
    }
    let client = ApiClient {
        token_id: t.id,
        service_provider_id: t.service_provider_id,
    };
    remember(hash, client, revocations);
    Ok(client)
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
    let out = write_transaction(conn, |conn| {
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
    });
    // Emptied after the commit: a request that read the token before it is not kept either.
    forget_all();
    out
}
