//! r2d2 pool whose manager picks the engine from the URL scheme.

use super::{establish, DbConnection};
use std::time::Duration;

pub type DbPool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Connection manager for `DbConnection` (diesel's own would try each engine in turn).
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        establish(&self.url)
    }

    /// Called on every PostgreSQL check-out (a SQLite file cannot drop its connection). It
    /// reads what waits on the connection's socket and sends nothing (libpq's `PQconsumeInput`,
    /// which never blocks), so a live connection costs no round trip where `SELECT 1` cost one.
    /// A connection the server ended (a restart, a failover, a terminated backend) is then
    /// usually seen at its end of file and replaced before a request gets it; one that dies
    /// after this read fails its request with the "temporarily unavailable" page, as before.
    /// Two reads, because a terminated backend's last message arrives before its end of file.
    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        match conn {
            DbConnection::Sqlite(_) => Ok(()),
            DbConnection::Postgresql(c) => {
                for _ in 0..2 {
                    if let Some(Err(e)) = c.notifications_iter().next() {
                        return Err(diesel::ConnectionError::CouldntSetupConfiguration(e));
                    }
                }
                Ok(())
            }
        }
    }

    /// On its return to the pool, a connection still inside a transaction (its user panicked
    /// in the middle of one) or whose transaction failed is dropped, not handed out again: the
    /// check-out's read would not see it, where `SELECT 1` saw a failed transaction.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Builds the pool without connecting yet, so the portal starts even while the database is down
/// and answers with the "database unavailable" page until it comes back.
pub fn build_pool(url: &str, max_size: u32) -> DbPool {
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        // After a burst, idle connections close (r2d2 looks every 30 s) and free their page and
        // statement caches; `memory::trim` then gives the memory back to the system.
        .idle_timeout(Some(Duration::from_secs(30)))
        .connection_timeout(Duration::from_secs(3))
        // On PostgreSQL, `is_valid` answers without a round trip (see there).
        .test_on_check_out(super::Engine::from_url(url) == super::Engine::Postgres)
        .build_unchecked(Manager {
            url: url.to_string(),
        })
}
