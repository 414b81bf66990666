//! Database access: one connection type over both engines, the pool, migrations and seed data.
//!
//! Query code lives in `models/`, grouped per table; it returns `QueryResult` and knows nothing
//! of HTTP.

pub mod group_commit;
pub mod keyed;
pub mod models;
pub mod pool;
pub mod prepared;
pub mod schema;

pub use pool::{build_pool, DbPool, PooledConn};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Either engine behind one type, so queries are written once (diesel `MultiConnection`).
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Runs a diesel query on the engine's own connection instead of through `DbConnection`:
/// `on_engine!(conn, |c| query.load(c))`, the body written once and compiled for each engine.
///
/// Why: the `MultiConnection` writes a query's SQL out again on every call (to key its statement
/// cache, and again to bind), where the engine's own connection finds a prepared statement of a
/// fixed-shape query by its type and builds nothing. That was a fifth of the SQLite writer's
/// time in the charging API (`bench/README.md`, Charging); use it on such hot paths, not as a
/// habit.
#[macro_export]
macro_rules! on_engine {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgresql($c) => $body,
        }
    };
}

/// Which engine a `DATABASE_URL` names; decided by its scheme, never by trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Postgres,
    Sqlite,
}

impl Engine {
    pub fn from_url(url: &str) -> Engine {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            Engine::Sqlite
        }
    }
}

/// Strips the `sqlite://` scheme that SQLite itself does not understand.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

/// Opens one connection of the engine the URL names, with SQLite's pragmas set.
pub fn establish(url: &str) -> ConnectionResult<DbConnection> {
    match Engine::from_url(url) {
        Engine::Postgres => Ok(DbConnection::Postgresql(diesel::PgConnection::establish(
            url,
        )?)),
        Engine::Sqlite => {
            let mut conn = diesel::SqliteConnection::establish(sqlite_path(url))?;
            conn.batch_execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                 PRAGMA cache_size = -32000; PRAGMA temp_store = MEMORY;",
            )
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(DbConnection::Sqlite(conn))
        }
    }
}

/// Runs start-up work (migrations, seeds, the first operator) while no other instance does
/// the same, so instances started together on one database do it once, one after another:
/// PostgreSQL holds an advisory lock for the session; SQLite (whose instances share one
/// machine) an exclusive lock on a file beside the database.
pub fn exclusively<T>(
    conn: &mut DbConnection,
    url: &str,
    f: impl FnOnce(&mut DbConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    /// Any fixed number: the lock's name among the database's advisory locks.
    const SETUP_LOCK: i64 = 0x5e1f_ca7e;
    match conn {
        DbConnection::Postgresql(_) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({SETUP_LOCK})")).execute(conn)?;
            let out = f(conn);
            let unlocked =
                diesel::sql_query(format!("SELECT pg_advisory_unlock({SETUP_LOCK})")).execute(conn);
            let out = out?;
            unlocked?;
            Ok(out)
        }
        DbConnection::Sqlite(_) => {
            let path = format!("{}.setup-lock", sqlite_path(url));
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| anyhow::anyhow!("cannot open {path}: {e}"))?;
            file.lock()
                .map_err(|e| anyhow::anyhow!("cannot lock {path}: {e}"))?;
            let out = f(conn);
            let _ = file.unlock();
            out
        }
    }
}

/// Applies the embedded migrations of the connection's engine.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    let result = match conn {
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| anyhow::anyhow!("running migrations: {e}"))
}

/// Whether migrations embedded in this binary have not been applied yet (readiness).
pub fn pending_migrations(conn: &mut DbConnection) -> anyhow::Result<bool> {
    let result = match conn {
        DbConnection::Postgresql(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
    };
    result.map_err(|e| anyhow::anyhow!("reading migrations: {e}"))
}

/// Runs `f` in a transaction that holds the write lock from its first statement.
///
/// SQLite upgrades a read transaction to a write one lazily, and two such upgrades at once fail
/// with "database is locked" instead of waiting; taking the lock first makes writers queue
/// behind `busy_timeout`. PostgreSQL needs nothing of the kind. Inside a transaction already
/// (a job of `group_commit`) this is a savepoint, and the lock is held already.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let nested = in_transaction(conn);
    conn.transaction(|conn| {
        if !nested {
            take_write_lock(conn)?;
        }
        f(conn)
    })
}

/// SQLite: takes the database's write lock for the open transaction (a no-op write).
pub(crate) fn take_write_lock(conn: &mut DbConnection) -> QueryResult<()> {
    if matches!(conn, DbConnection::Sqlite(_)) {
        diesel::sql_query("UPDATE app_settings SET value = value WHERE name = 'write_lock'")
            .execute(conn)?;
    }
    Ok(())
}

/// Whether a transaction is open on the connection (SQLite; PostgreSQL answers false, as it
/// takes no lock up front anyway).
fn in_transaction(conn: &mut DbConnection) -> bool {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()
            .is_ok_and(|d| d.is_some()),
        DbConnection::Postgresql(_) => false,
    }
}

/// Current time as UTC seconds since the epoch, the unit every timestamp column uses.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
