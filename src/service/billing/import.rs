//! CDR imports: rows (from a CSV file, or parsed by the API) are checked one by one (a known
//! account code within the operator's provider, a duration ≥ 0, a cost with the customer's
//! decimals, a start time) and inserted in batches in **one transaction**; a row whose key
//! (account code, start, calling, called) is on file already is skipped, never doubled. A
//! preview runs the same import and rolls it back, so its counts are exactly what a commit
//! would do at that moment.
//!
//! A file being previewed waits in a staging folder under a random number the uploader's
//! session holds; the commit reads it again and removes it.

use crate::db::models::billing::{self, Account, NewCdr, NewCdrImport};
use crate::db::{write_transaction, DbConnection};
use crate::domain::billing::{cdr_fields, dest_prefix, CdrFields};
use crate::error::{AppError, AppResult};
use crate::service::access::Scope;
use crate::service::audit::{AuditEvent, ObjectKind};
use std::collections::HashMap;
use std::path::PathBuf;

/// Rows inserted per statement (9 values a row: well under either engine's limit).
pub const BATCH: usize = 1_000;
/// Row errors a report keeps (the counts cover every row).
pub const MAX_ERRORS: usize = 100;
/// A staged file older than this is removed when the next one is staged.
const STAGED_FOR_SECS: u64 = 24 * 3600;

/// Preview (counted, then rolled back) or commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Preview,
    Commit,
}

/// What an import did (or, previewed, would do).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    pub new_rows: i64,
    pub duplicate_rows: i64,
    pub bad_rows: i64,
    /// `(line, message)` of the first `MAX_ERRORS` bad rows.
    pub errors: Vec<(u64, String)>,
    /// The import's id once committed.
    pub import_id: Option<i64>,
}

impl Report {
    fn bad(&mut self, line: u64, message: String) {
        self.bad_rows += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push((line, message));
        }
    }
}

/// Rows flow through here; the transaction is rolled back to end a preview.
struct Rollback;

/// Imports `rows` (`(line number, fields or the line's mistake)`) for an operator limited to
/// `scope`: a row of a customer outside the scope is reported as an unknown account code.
#[tracing::instrument(skip(conn, rows))]
pub fn import(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    rows: impl Iterator<Item = (u64, Result<CdrFields, String>)>,
    mode: Mode,
) -> AppResult<Report> {
    let mut report = Report::default();
    let result = write_transaction(conn, |conn| -> Result<(), Outcome> {
        let import = billing::insert_import(
            conn,
            &NewCdrImport {
                service_provider_id: scope,
                actor: actor.to_string(),
                new_rows: 0,
                duplicate_rows: 0,
                bad_rows: 0,
                created_at: crate::db::now(),
            },
        )?;
        let mut accounts: HashMap<String, Option<Account>> = HashMap::new();
        let mut batch: Vec<NewCdr> = Vec::with_capacity(BATCH);
        for (line, fields) in rows {
            let fields = match fields {
                Ok(f) => f,
                Err(m) => {
                    report.bad(line, m);
                    continue;
                }
            };
            let account = match accounts.get(&fields.account_code) {
                Some(a) => *a,
                None => {
                    let a = billing::account(conn, &fields.account_code)?
                        .filter(|a| scope.is_none_or(|sp| sp == a.service_provider_id));
                    accounts.insert(fields.account_code.clone(), a);
                    a
                }
            };
            let Some(account) = account else {
                report.bad(
                    line,
                    format!("Unknown account code “{}”.", fields.account_code),
                );
                continue;
            };
            let cost = match fields.cost.minor(account.billing_decimals.clamp(0, 6) as u32) {
                Ok(c) => c,
                Err(m) => {
                    report.bad(line, m);
                    continue;
                }
            };
            batch.push(NewCdr {
                customer_id: account.customer_id,
                dest_prefix: dest_prefix(&fields.called),
                account_code: fields.account_code,
                started_at: fields.started_at,
                duration_s: fields.duration_s,
                calling: fields.calling,
                called: fields.called,
                cost_minor: cost,
                import_id: Some(import.id),
            });
            if batch.len() == BATCH {
                flush(conn, &mut batch, &mut report)?;
            }
        }
        flush(conn, &mut batch, &mut report)?;
        if mode == Mode::Preview {
            return Err(Outcome::Rollback(Rollback));
        }
        let counts = (report.new_rows, report.duplicate_rows, report.bad_rows);
        let row = billing::finish_import(conn, import.id, counts)?;
        AuditEvent::created(ObjectKind::CdrImport, row.id, &row).write(conn, actor)?;
        report.import_id = Some(row.id);
        Ok(())
    });
    match result {
        Ok(()) | Err(Outcome::Rollback(Rollback)) => Ok(report),
        Err(Outcome::Failed(e)) => Err(e),
    }
}

enum Outcome {
    Rollback(Rollback),
    Failed(AppError),
}

impl From<diesel::result::Error> for Outcome {
    fn from(e: diesel::result::Error) -> Self {
        Outcome::Failed(e.into())
    }
}

fn flush(conn: &mut DbConnection, batch: &mut Vec<NewCdr>, report: &mut Report) -> Result<(), Outcome> {
    let inserted = billing::insert_cdrs(conn, batch)? as i64;
    report.new_rows += inserted;
    report.duplicate_rows += batch.len() as i64 - inserted;
    batch.clear();
    Ok(())
}

/// The folder staged files wait in.
pub fn staging_dir() -> PathBuf {
    std::env::temp_dir().join("selfcare-cdr-imports")
}

/// The staged file of `token` (a number, so never a path of its own).
pub fn staged_path(token: u64) -> PathBuf {
    staging_dir().join(format!("{token}.csv"))
}

/// A new staging token, with stale staged files removed.
pub fn new_token() -> std::io::Result<u64> {
    let dir = staging_dir();
    std::fs::create_dir_all(&dir)?;
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > STAGED_FOR_SECS);
            if old {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(rand::random::<u64>() >> 1)
}

/// The records of a staged CSV file, streamed (a header line starting with `account_code` is
/// skipped); each with its line number and its fields or the line's mistake.
pub fn csv_rows(
    path: &std::path::Path,
) -> AppResult<impl Iterator<Item = (u64, Result<CdrFields, String>)>> {
    let file = std::fs::File::open(path).map_err(|_| {
        AppError::NotFound
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(256 * 1024, file));
    let mut record = csv::StringRecord::new();
    let mut line = 0u64;
    Ok(std::iter::from_fn(move || loop {
        line += 1;
        match reader.read_record(&mut record) {
            Ok(false) => return None,
            Ok(true) => {
                if line == 1 && record.get(0).is_some_and(|f| f.trim() == "account_code") {
                    continue;
                }
                if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty()) {
                    continue;
                }
                let fields: Vec<&str> = record.iter().collect();
                return Some((line, cdr_fields(&fields)));
            }
            Err(e) => {
                let message = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "The line is not UTF-8 text.".to_string(),
                    _ => "The line could not be read as CSV.".to_string(),
                };
                if e.is_io_error() {
                    return None;
                }
                return Some((line, Err(message)));
            }
        }
    }))
}

/// Previews or commits the staged file of `token`: 404 when it is gone (committed already).
pub fn import_staged(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    token: u64,
    mode: Mode,
) -> AppResult<Report> {
    let path = staged_path(token);
    let rows = csv_rows(&path)?;
    let report = import(conn, scope, actor, rows, mode)?;
    if mode == Mode::Commit {
        let _ = std::fs::remove_file(&path);
    }
    Ok(report)
}
