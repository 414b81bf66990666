//! Counts read when `/metrics` is scraped.

use crate::db::schema::export_jobs;
use crate::db::DbConnection;
use diesel::prelude::*;

/// Export jobs per status, e.g. `[("done", 12), ("queued", 1)]`.
pub fn export_jobs_by_status(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    export_jobs::table
        .group_by(export_jobs::status)
        .select((export_jobs::status, diesel::dsl::count_star()))
        .load(conn)
}
