//! CDR imports: rows (from a CSV file, or parsed by the API) are checked one by one (a known
//! account code within the operator's provider, a duration ≥ 0, a cost with the customer's
//! decimals, a start time) and inserted in batches in **one transaction**; a row whose key
//! (account code, start, calling, called) is on file already is skipped, never doubled. A
//! preview runs the same checks and only reads (the keys on file, and those met earlier in
//! the file), so it never holds the write lock while it counts what a commit would do.
//!
//! A file being previewed waits in a staging folder under a random number the uploader's
//! session holds; the commit reads it again and removes it.

use crate::db::models::billing::{self, Account, NewCdr, NewCdrImport};
use crate::db::{write_transaction, DbConnection};
use crate::domain::billing::{cdr_fields, dest_prefix, CdrFields};
use crate::error::{AppError, AppResult};
use crate::service::access::Scope;
use crate::service::audit::{AuditEvent, ObjectKind};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
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

/// Imports `rows` (`(line number, fields or the line's mistake)`) for an operator limited to
/// `scope`: a row of a customer outside the scope is reported as an unknown account code.
/// A preview only reads (a row is new unless its key is on file or came earlier in the same
/// rows), so it never holds the write lock; a commit inserts in one transaction.
#[tracing::instrument(skip(conn, rows))]
pub fn import(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    rows: impl Iterator<Item = (u64, Result<CdrFields, String>)>,
    mode: Mode,
) -> AppResult<Report> {
    match mode {
        Mode::Preview => preview(conn, scope, rows),
        Mode::Commit => commit(conn, scope, actor, rows),
    }
}

/// Checks rows against the customers on file (looked up once per account code).
struct Checker {
    scope: Scope,
    accounts: HashMap<String, Option<Account>>,
}

impl Checker {
    fn new(scope: Scope) -> Self {
        Checker {
            scope,
            accounts: HashMap::new(),
        }
    }

    /// The row to insert, or `None` when the line is bad (then counted in `report`).
    fn row(
        &mut self,
        conn: &mut DbConnection,
        report: &mut Report,
        (line, fields): (u64, Result<CdrFields, String>),
        import_id: Option<i64>,
    ) -> AppResult<Option<NewCdr>> {
        let fields = match fields {
            Ok(f) => f,
            Err(m) => {
                report.bad(line, m);
                return Ok(None);
            }
        };
        let account = match self.accounts.get(&fields.account_code) {
            Some(a) => *a,
            None => {
                let scope = self.scope;
                let a = billing::account(conn, &fields.account_code)?
                    .filter(|a| scope.is_none_or(|sp| sp == a.service_provider_id));
                self.accounts.insert(fields.account_code.clone(), a);
                a
            }
        };
        let Some(account) = account else {
            report.bad(
                line,
                format!("Unknown account code “{}”.", fields.account_code),
            );
            return Ok(None);
        };
        let cost = match fields
            .cost
            .minor(account.billing_decimals.clamp(0, 6) as u32)
        {
            Ok(c) => c,
            Err(m) => {
                report.bad(line, m);
                return Ok(None);
            }
        };
        Ok(Some(NewCdr {
            customer_id: account.customer_id,
            dest_prefix: dest_prefix(&fields.called),
            account_code: fields.account_code,
            started_at: fields.started_at,
            duration_s: fields.duration_s,
            calling: fields.calling,
            called: fields.called,
            cost_minor: cost,
            import_id,
        }))
    }
}

type Key = (String, i64, String, String);

fn key_of(r: &NewCdr) -> Key {
    (
        r.account_code.clone(),
        r.started_at,
        r.calling.clone(),
        r.called.clone(),
    )
}

/// Counts what a commit would do, reading only. Keys met earlier in the same rows are kept
/// as 64-bit hashes (8 bytes a row, not the rows).
fn preview(
    conn: &mut DbConnection,
    scope: Scope,
    rows: impl Iterator<Item = (u64, Result<CdrFields, String>)>,
) -> AppResult<Report> {
    let mut report = Report::default();
    let mut checker = Checker::new(scope);
    let mut seen: HashSet<u64> = HashSet::new();
    let mut batch: Vec<Key> = Vec::with_capacity(BATCH);
    for row in rows {
        if let Some(r) = checker.row(conn, &mut report, row, None)? {
            batch.push(key_of(&r));
            if batch.len() == BATCH {
                count(conn, &mut batch, &mut seen, &mut report)?;
            }
        }
    }
    count(conn, &mut batch, &mut seen, &mut report)?;
    Ok(report)
}

fn count(
    conn: &mut DbConnection,
    batch: &mut Vec<Key>,
    seen: &mut HashSet<u64>,
    report: &mut Report,
) -> AppResult<()> {
    let on_file = billing::existing_keys(conn, batch)?;
    for k in batch.drain(..) {
        let mut h = DefaultHasher::new();
        k.hash(&mut h);
        if on_file.contains(&k) || !seen.insert(h.finish()) {
            report.duplicate_rows += 1;
        } else {
            report.new_rows += 1;
        }
    }
    Ok(())
}

/// Inserts the rows in batches in one transaction, with the import's row and audit event.
fn commit(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    rows: impl Iterator<Item = (u64, Result<CdrFields, String>)>,
) -> AppResult<Report> {
    let mut report = Report::default();
    write_transaction(conn, |conn| -> AppResult<()> {
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
        let mut checker = Checker::new(scope);
        let mut batch: Vec<NewCdr> = Vec::with_capacity(BATCH);
        for row in rows {
            if let Some(r) = checker.row(conn, &mut report, row, Some(import.id))? {
                batch.push(r);
                if batch.len() == BATCH {
                    flush(conn, &mut batch, &mut report)?;
                }
            }
        }
        flush(conn, &mut batch, &mut report)?;
        let counts = (report.new_rows, report.duplicate_rows, report.bad_rows);
        let row = billing::finish_import(conn, import.id, counts)?;
        AuditEvent::created(ObjectKind::CdrImport, row.id, &row).write(conn, actor)?;
        report.import_id = Some(row.id);
        Ok(())
    })?;
    Ok(report)
}

fn flush(conn: &mut DbConnection, batch: &mut Vec<NewCdr>, report: &mut Report) -> AppResult<()> {
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

/// The records of a staged CSV file, streamed (a first line starting with `account_code` is
/// skipped, so are blank lines); each with the line it starts on and its fields or the line's
/// mistake. A file that cannot be read further ends with a bad row saying so.
pub fn csv_rows(
    path: &std::path::Path,
) -> AppResult<impl Iterator<Item = (u64, Result<CdrFields, String>)>> {
    let file = std::fs::File::open(path).map_err(|_| AppError::NotFound)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(256 * 1024, file));
    let mut record = csv::StringRecord::new();
    let mut ended = false;
    Ok(std::iter::from_fn(move || loop {
        if ended {
            return None;
        }
        let at = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => return None,
            Ok(true) => {
                let line = record.position().map_or(at, csv::Position::line);
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
                let line = e.position().map_or(at, csv::Position::line);
                let message = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "The line is not UTF-8 text.".to_string(),
                    csv::ErrorKind::Io(_) => {
                        ended = true;
                        "The file could not be read from here on.".to_string()
                    }
                    _ => "The line could not be read as CSV.".to_string(),
                };
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
