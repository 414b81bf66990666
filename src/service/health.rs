//! Whether the database answers, for the health check.

use crate::db::DbConnection;
use crate::error::AppResult;
use diesel::connection::SimpleConnection;

/// Runs the cheapest query there is; an error means the database does not answer.
#[tracing::instrument(level = "debug", skip(conn))]
pub fn database_answers(conn: &mut DbConnection) -> AppResult<()> {
    Ok(conn.batch_execute("SELECT 1")?)
}
