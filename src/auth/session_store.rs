//! actix-session store backed by the `web_sessions` table, so sessions survive restarts, are
//! shared by every instance, and can be ended on the server.

use crate::db::models::session as sessions;
use crate::db::DbPool;
use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use actix_web::web;
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
        let pool = self.pool.clone();
        let key = session_key.as_ref().to_string();
        let found = web::block(move || -> anyhow::Result<Option<String>> {
            let mut conn = pool
                .get()
                .map_err(|e| anyhow::anyhow!("{}: {e}", crate::error::DB_UNAVAILABLE))?;
            Ok(sessions::load(&mut conn, &key, crate::db::now())?)
        })
        .await
        .map_err(|e| LoadError::Other(anyhow::anyhow!(e.to_string())))?
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
        let pool = self.pool.clone();
        let expires = expiry(ttl);
        let k = key.clone();
        web::block(move || -> anyhow::Result<()> {
            let mut conn = pool
                .get()
                .map_err(|e| anyhow::anyhow!("{}: {e}", crate::error::DB_UNAVAILABLE))?;
            Ok(sessions::insert(
                &mut conn,
                &k,
                &text,
                principal.as_deref(),
                expires,
            )?)
        })
        .await
        .map_err(|e| SaveError::Other(anyhow::anyhow!(e.to_string())))?
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
        let pool = self.pool.clone();
        let expires = expiry(ttl);
        let k = session_key.as_ref().to_string();
        let updated = web::block(move || -> anyhow::Result<bool> {
            let mut conn = pool
                .get()
                .map_err(|e| anyhow::anyhow!("{}: {e}", crate::error::DB_UNAVAILABLE))?;
            Ok(sessions::update(
                &mut conn,
                &k,
                &text,
                principal.as_deref(),
                expires,
            )?)
        })
        .await
        .map_err(|e| UpdateError::Other(anyhow::anyhow!(e.to_string())))?
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
        let pool = self.pool.clone();
        let k = session_key.as_ref().to_string();
        let expires = expiry(ttl);
        web::block(move || -> anyhow::Result<()> {
            let mut conn = pool
                .get()
                .map_err(|e| anyhow::anyhow!("{}: {e}", crate::error::DB_UNAVAILABLE))?;
            Ok(sessions::touch(&mut conn, &k, expires)?)
        })
        .await
        .map_err(|e| anyhow::anyhow!(e.to_string()))?
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        let pool = self.pool.clone();
        let k = session_key.as_ref().to_string();
        web::block(move || -> anyhow::Result<()> {
            let mut conn = pool
                .get()
                .map_err(|e| anyhow::anyhow!("{}: {e}", crate::error::DB_UNAVAILABLE))?;
            Ok(sessions::delete(&mut conn, &k)?)
        })
        .await
        .map_err(|e| anyhow::anyhow!(e.to_string()))?
    }
}
