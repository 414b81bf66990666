//! The API's CDR upload (`POST /api/v1/cdrs`): the rows go through the same import as the CSV
//! file (`billing::import`), scoped to the token's provider. Unlike the file, a batch with a bad
//! row is refused whole (422 naming each bad row by its index) so a network element can fix and
//! resend it; a row already on file is skipped, so resending a batch never doubles it.

use super::tokens::authenticate;
use super::{refuse, Outcome, Refusal};
use crate::db::DbConnection;
use crate::domain::billing::CdrFields;
use crate::domain::charging::BearerToken;
use crate::service::billing::import::{self, Mode, Report};

/// The most rows one request may carry.
pub const MAX_ROWS: usize = 10_000;

/// Why a batch was refused: the bad rows (index from 0, message), at most
/// `import::MAX_ERRORS` of them, and how many there were in all.
#[derive(Debug, Clone)]
pub struct BadRows {
    pub count: i64,
    pub rows: Vec<(u64, String)>,
}

/// A batch's end: stored (the report), or refused for its bad rows.
#[derive(Debug, Clone)]
pub enum Uploaded {
    Stored(Report),
    Refused(BadRows),
}

/// Checks every row (reads only), then inserts them in one transaction when all are good.
#[tracing::instrument(skip(conn, token, rows))]
pub fn upload(
    conn: &mut DbConnection,
    token: Option<&BearerToken>,
    rows: Vec<Result<CdrFields, String>>,
) -> Outcome<Uploaded> {
    let client = authenticate(conn, token)?;
    if rows.is_empty() || rows.len() > MAX_ROWS {
        return refuse(Refusal::Invalid(format!(
            "Send from 1 to {MAX_ROWS} CDRs in one request."
        )));
    }
    let scope = Some(client.service_provider_id);
    let actor = format!("API token {}", client.token_id);
    let numbered = || rows.iter().cloned().enumerate().map(|(i, r)| (i as u64, r));
    let checked = import::import(conn, scope, &actor, numbered(), Mode::Preview)?;
    if checked.bad_rows > 0 {
        return Ok(Uploaded::Refused(BadRows {
            count: checked.bad_rows,
            rows: checked.errors,
        }));
    }
    let report = import::import(conn, scope, &actor, numbered(), Mode::Commit)?;
    Ok(Uploaded::Stored(report))
}
