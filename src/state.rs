//! What every handler and service can reach: the pool, the login throttle, the engine, the
//! export worker's signal; and the one way to run blocking database work off the async workers.

use crate::auth::throttle::LoginThrottle;
use crate::db::{DbConnection, DbPool, Engine};
use crate::error::AppResult;
use std::sync::Arc;

pub struct AppState {
    pub pool: DbPool,
    pub throttle: LoginThrottle,
    pub engine: Engine,
    /// Wakes this instance's background export worker.
    pub jobs: Arc<crate::export::jobs::JobSignal>,
    /// Served over https (the public URL): cookies are `Secure`.
    pub https: bool,
    /// Peers that may read `/metrics`.
    pub metrics_allow: crate::domain::AddressList,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`auth::throttle::client_ip`).
    pub trusted_proxies: crate::domain::AddressList,
    /// The zone times are shown in when the viewer chose none (`SELFCARE_TIME_ZONE`).
    pub time_zone: crate::domain::Zone,
    /// Seals and opens SIP device secrets (`auth::secret_box`).
    pub secrets: crate::auth::secret_box::SecretBox,
    /// Large list counts of this instance, reused for a minute (`lists::counts`).
    pub counts: crate::lists::counts::CountCache,
    /// SQLite: the instance's group committer for the charging API's short writes
    /// (`writing`); `None` on PostgreSQL, whose writers run side by side.
    pub writer: Option<crate::db::group_commit::GroupCommit>,
}

/// Runs blocking database work on the thread pool with a pooled connection.
pub async fn with_conn<T, F>(state: &AppState, f: F) -> AppResult<T>
where
    F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    actix_web::web::block(move || {
        let mut conn = crate::metrics::waiting_for_pool(|| pool.get())?;
        f(&mut conn)
    })
    .await?
}

/// Runs a short write (a charging API call): on SQLite as a job of the instance's group
/// committer, batched with the others queued at the same time in one transaction; otherwise
/// like `with_conn`. `f` writes inside `db::write_transaction` (there a savepoint), so that an
/// `Err` leaves nothing of its own behind.
pub async fn writing<T, E, F>(state: &AppState, f: F) -> AppResult<Result<T, E>>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<diesel::result::Error> + Send + 'static,
{
    match &state.writer {
        Some(w) => w.run(f).await.map_err(|_| {
            crate::error::AppError::Unavailable("the write batch did not commit".into())
        }),
        None => with_conn(state, move |conn| Ok(f(conn))).await,
    }
}

/// Runs blocking work that needs no connection (password hashing) on the thread pool.
pub async fn blocking<T, F>(f: F) -> AppResult<T>
where
    F: FnOnce() -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    actix_web::web::block(f).await?
}
