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

    /// Called on every check-out. A SQLite file cannot drop its connection. A PostgreSQL server
    /// can: the check reads what is waiting on the connection's socket without sending anything
    /// (libpq's `PQconsumeInput`, which never blocks), so a live connection costs no round trip,
    /// and one whose server ended it is seen at its end of file and replaced before a request
    /// gets it. A backend that was terminated sends its last message before the end of file,
    /// hence two reads.
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

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
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
        // `is_valid` answers without a round trip (see there).
        .test_on_check_out(true)
        .build_unchecked(Manager {
            url: url.to_string(),
        })
}
