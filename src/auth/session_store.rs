//! actix-session store backed by the `web_sessions` table, so sessions survive restarts, are
//! shared by every instance, and can be ended on the server.

use crate::db::models::session as sessions;
use crate::db::{DbConnection, DbPool};
use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use actix_web::web;
use diesel::QueryResult;
use rand::distributions::Alphanumeric;
use rand::Rng;
use std::collections::HashMap;

type State = HashMap<String, String>;

#[derive(Clone)]
pub struct DbSessionStore {
    pool: DbPool,
}

impl DbSessionStore {
    pub fn new(pool: DbPool) -> Self {
        DbSessionStore { pool }
    }
}

fn principal_of(state: &State) -> Option<String> {
    state
        .get(super::session_keys::PRINCIPAL)
        .and_then(|v| serde_json::from_str::<String>(v).ok())
}

/// Runs `f` with a pooled connection on the blocking pool. A database out of reach — no
/// connection, or one lost in the middle of the query — is marked so that the middleware answers
/// with the "temporarily unavailable" page (503) rather than a 500.
async fn with_db<T, F>(pool: &DbPool, f: F) -> anyhow::Result<T>
where
    F: FnOnce(&mut DbConnection) -> QueryResult<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool
            .get()
            .map_err(|e| anyhow::anyhow!("{}: {e}", crate::error::DB_UNAVAILABLE))?;
        f(&mut conn).map_err(|e| {
            let e = crate::error::AppError::Db(e);
            if e.is_unavailable() {
                anyhow::anyhow!("{}: {e}", crate::error::DB_UNAVAILABLE)
            } else {
                anyhow::anyhow!(e)
            }
        })
    })
    .await
    .map_err(|e| anyhow::anyhow!(e.to_string()))?
}

fn new_key() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(64)
        .map(char::from)
        .collect()
}

fn expiry(ttl: &Duration) -> i64 {
    crate::db::now() + ttl.whole_seconds()
}

impl SessionStore for DbSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let key = session_key.as_ref().to_string();
        let found = with_db(&self.pool, move |conn| {
            sessions::load(conn, &key, crate::db::now())
        })
        .await
        .map_err(LoadError::Other)?;
        match found {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| LoadError::Deserialization(e.into())),
        }
    }

    async fn save(&self, state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let text = serde_json::to_string(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        let principal = principal_of(&state);
        let key = new_key();
        let expires = expiry(ttl);
        let k = key.clone();
        with_db(&self.pool, move |conn| {
            sessions::insert(conn, &k, &text, principal.as_deref(), expires)
        })
        .await
        .map_err(SaveError::Other)?;
        SessionKey::try_from(key).map_err(|e| SaveError::Other(e.into()))
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let text =
            serde_json::to_string(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let principal = principal_of(&state);
        let expires = expiry(ttl);
        let k = session_key.as_ref().to_string();
        let updated = with_db(&self.pool, move |conn| {
            sessions::update(conn, &k, &text, principal.as_deref(), expires)
        })
        .await
        .map_err(UpdateError::Other)?;
        if updated {
            Ok(session_key)
        } else {
            // The session was ended on the server meanwhile (sign-out elsewhere, account
            // disabled): start a fresh anonymous one rather than bring the old one back.
            let anonymous: State = state
                .into_iter()
                .filter(|(k, _)| k == super::session_keys::CSRF)
                .collect();
            self.save(anonymous, ttl).await.map_err(|e| match e {
                SaveError::Serialization(e) => UpdateError::Serialization(e),
                SaveError::Other(e) => UpdateError::Other(e),
            })
        }
    }

    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Duration) -> anyhow::Result<()> {
        let k = session_key.as_ref().to_string();
        let expires = expiry(ttl);
        with_db(&self.pool, move |conn| sessions::touch(conn, &k, expires)).await
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        let k = session_key.as_ref().to_string();
        with_db(&self.pool, move |conn| sessions::delete(conn, &k)).await
    }
}
