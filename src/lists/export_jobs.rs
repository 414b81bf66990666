//! The export jobs list ("My exports"): an operator's background exports, newest first, and
//! what each one's state means to the reader.

use super::{text, Cell, Kind, ListColumn};
use crate::db::models::export_job::{self, ExportJob, JobStatus};
use crate::db::DbConnection;
use diesel::QueryResult;

/// Jobs the list shows at most.
pub const LIMIT: i64 = 100;

/// The state of a job as the page names it: a code (for `data-status`) and a label.
pub fn status(j: &ExportJob) -> (&'static str, &'static str) {
    (j.status.code(), j.status.label())
}

/// How far along it is, 0–100.
pub fn percent(j: &ExportJob) -> i64 {
    if j.status == JobStatus::Done {
        100
    } else {
        (j.rows_done * 100 / j.rows_total.max(1)).clamp(0, 100)
    }
}

/// Whether its file can be downloaded.
pub fn downloadable(j: &ExportJob) -> bool {
    j.status == JobStatus::Done && j.file_path.is_some()
}

pub fn human_size(bytes: Option<i64>) -> String {
    match bytes {
        None => String::new(),
        Some(b) if b < 1024 => format!("{b} B"),
        Some(b) if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        Some(b) => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

const fn col(
    key: &'static str,
    label: &'static str,
    width: u16,
    cell: fn(&ExportJob) -> Cell,
) -> ListColumn<ExportJob> {
    ListColumn::new(key, label, Kind::Text, width, cell).shown()
}

pub const TITLE: ListColumn<ExportJob> = col("title", "Export", 30, |j| text(&j.title));
pub const FORMAT: ListColumn<ExportJob> =
    col("format", "Format", 6, |j| text(&j.format.to_uppercase()));
pub const STATUS: ListColumn<ExportJob> = col("status", "Status", 14, |j| text(status(j).1));
pub const ROWS: ListColumn<ExportJob> = col("rows", "Rows", 14, |j| {
    text(&format!("{} / {}", j.rows_done, j.rows_total))
});
pub const SIZE: ListColumn<ExportJob> = col("size", "Size", 9, |j| text(&human_size(j.size_bytes)));
pub const STARTED: ListColumn<ExportJob> =
    col("created_at", "Started", 20, |j| Cell::Time(j.created_at));
pub const KEPT_UNTIL: ListColumn<ExportJob> =
    col("expires_at", "Kept until", 20, |j| Cell::Time(j.expires_at));

/// The columns of the list, in order.
pub const COLUMNS: &[ListColumn<ExportJob>] =
    &[TITLE, FORMAT, STATUS, ROWS, SIZE, STARTED, KEPT_UNTIL];

/// An operator's jobs, newest first (nobody sees another's exports).
pub fn of_operator(conn: &mut DbConnection, operator_id: i64) -> QueryResult<Vec<ExportJob>> {
    export_job::list_for(conn, operator_id, LIMIT)
}

/// One job of this operator.
pub fn find(conn: &mut DbConnection, id: i64, operator_id: i64) -> QueryResult<Option<ExportJob>> {
    export_job::find_for(conn, id, operator_id)
}
