//! `export_jobs`: background exports, claimed by exactly one instance each.

use crate::db::schema::export_jobs;
use crate::db::DbConnection;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = export_jobs)]
pub struct ExportJob {
    pub id: i64,
    pub operator_id: i64,
    pub title: String,
    pub format: String,
    pub spec: String,
    #[diesel(deserialize_as = String)]
    pub status: JobStatus,
    pub rows_done: i64,
    pub rows_total: i64,
    pub file_name: String,
    pub file_path: Option<String>,
    pub size_bytes: Option<i64>,
    pub error: Option<String>,
    pub attempts: i32,
    pub claimed_by: Option<String>,
    pub heartbeat_at: Option<i64>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = export_jobs)]
pub struct NewExportJob {
    pub operator_id: i64,
    pub title: String,
    pub format: String,
    pub spec: String,
    #[diesel(serialize_as = String)]
    pub status: JobStatus,
    pub rows_total: i64,
    pub file_name: String,
    pub created_at: i64,
    pub expires_at: i64,
}

crate::domain::choice!(
    /// Where a background export is: waiting, being written, ready, given up, or past its
    /// expiry (the file removed). The label is what "My exports" shows.
    JobStatus, "Unknown export status.", [
        Queued => "queued", "Waiting to start";
        Running => "running", "Running";
        Done => "done", "Ready";
        Failed => "failed", "Failed";
        Expired => "expired", "Expired (files are kept 7 days)";
    ]
);

pub fn insert(conn: &mut DbConnection, new: &NewExportJob) -> QueryResult<i64> {
    diesel::insert_into(export_jobs::table)
        .values(new.clone())
        .returning(export_jobs::id)
        .get_result(conn)
}

/// A job of this operator (nobody sees another's exports).
pub fn find_for(
    conn: &mut DbConnection,
    id: i64,
    operator_id: i64,
) -> QueryResult<Option<ExportJob>> {
    export_jobs::table
        .filter(export_jobs::id.eq(id))
        .filter(export_jobs::operator_id.eq(operator_id))
        .select(ExportJob::as_select())
        .first(conn)
        .optional()
}

pub fn list_for(
    conn: &mut DbConnection,
    operator_id: i64,
    limit: i64,
) -> QueryResult<Vec<ExportJob>> {
    export_jobs::table
        .filter(export_jobs::operator_id.eq(operator_id))
        .order(export_jobs::id.desc())
        .limit(limit)
        .select(ExportJob::as_select())
        .load(conn)
}

/// Takes the oldest queued job for `worker`. The conditional update lets exactly one instance
/// win when several try at once.
pub fn claim_next(
    conn: &mut DbConnection,
    worker: &str,
    now: i64,
) -> QueryResult<Option<ExportJob>> {
    let candidates: Vec<i64> = export_jobs::table
        .filter(export_jobs::status.eq(JobStatus::Queued.code()))
        .order(export_jobs::id.asc())
        .limit(5)
        .select(export_jobs::id)
        .load(conn)?;
    for id in candidates {
        let won = diesel::update(
            export_jobs::table
                .filter(export_jobs::id.eq(id))
                .filter(export_jobs::status.eq(JobStatus::Queued.code())),
        )
        .set((
            export_jobs::status.eq(JobStatus::Running.code()),
            export_jobs::claimed_by.eq(worker),
            export_jobs::heartbeat_at.eq(now),
            export_jobs::rows_done.eq(0),
            export_jobs::attempts.eq(export_jobs::attempts + 1),
        ))
        .execute(conn)?;
        if won == 1 {
            return export_jobs::table
                .find(id)
                .select(ExportJob::as_select())
                .first(conn)
                .optional();
        }
    }
    Ok(None)
}

pub fn progress(conn: &mut DbConnection, id: i64, rows_done: i64, now: i64) -> QueryResult<()> {
    diesel::update(export_jobs::table.find(id))
        .set((
            export_jobs::rows_done.eq(rows_done),
            export_jobs::heartbeat_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn finish(
    conn: &mut DbConnection,
    id: i64,
    path: &str,
    size: i64,
    rows: i64,
    now: i64,
    expires_at: i64,
) -> QueryResult<()> {
    diesel::update(export_jobs::table.find(id))
        .set((
            export_jobs::status.eq(JobStatus::Done.code()),
            export_jobs::file_path.eq(path),
            export_jobs::size_bytes.eq(size),
            export_jobs::rows_done.eq(rows),
            export_jobs::finished_at.eq(now),
            export_jobs::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn fail(conn: &mut DbConnection, id: i64, error: &str, now: i64) -> QueryResult<()> {
    diesel::update(export_jobs::table.find(id))
        .set((
            export_jobs::status.eq(JobStatus::Failed.code()),
            export_jobs::error.eq(error),
            export_jobs::finished_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Jobs whose instance stopped beating (a restart, a crash): queued again, or failed after
/// three tries, so none stays "running" for ever.
pub fn recover_stale(
    conn: &mut DbConnection,
    stale_before: i64,
    now: i64,
) -> QueryResult<(usize, usize)> {
    let stale = export_jobs::table
        .filter(export_jobs::status.eq(JobStatus::Running.code()))
        .filter(export_jobs::heartbeat_at.lt(stale_before));
    let failed = diesel::update(stale.filter(export_jobs::attempts.ge(3)))
        .set((
            export_jobs::status.eq(JobStatus::Failed.code()),
            export_jobs::error.eq("The export was interrupted three times and was given up."),
            export_jobs::finished_at.eq(now),
        ))
        .execute(conn)?;
    let requeued = diesel::update(stale)
        .set((
            export_jobs::status.eq(JobStatus::Queued.code()),
            export_jobs::claimed_by.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok((requeued, failed))
}

/// Finished jobs past their expiry, with their files (to be removed).
pub fn expired(conn: &mut DbConnection, now: i64) -> QueryResult<Vec<(i64, Option<String>)>> {
    export_jobs::table
        .filter(export_jobs::status.eq_any([JobStatus::Done.code(), JobStatus::Failed.code()]))
        .filter(export_jobs::expires_at.lt(now))
        .select((export_jobs::id, export_jobs::file_path))
        .limit(100)
        .load(conn)
}

pub fn mark_expired(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(export_jobs::table.find(id))
        .set((
            export_jobs::status.eq(JobStatus::Expired.code()),
            export_jobs::file_path.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}
