//! Reading a `multipart/form-data` form (file uploads): text fields and files, each with a size
//! limit, and the CSRF token checked as on every other form.

use crate::auth::csrf::{self, Fields};
use crate::error::{AppError, AppResult};
use actix_multipart::Multipart;
use actix_session::Session;
use futures_util::StreamExt;
use std::collections::HashMap;

/// A text field longer than this is refused (names, colours, footers are short).
const TEXT_LIMIT: usize = 16 * 1024;
const MAX_FIELDS: usize = 50;

/// The posted form: text fields in order, and the bytes of each file field that had a file.
pub struct Upload {
    pub fields: Fields,
    /// File bytes by field name; a file larger than the limit is cut at limit + 1 bytes, so
    /// the checker can still tell it was too large.
    pub files: HashMap<String, Vec<u8>>,
}

fn unreadable(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("The form could not be read ({e})."))
}

/// Reads the whole form, keeping at most `file_limit + 1` bytes of any file, then checks the
/// CSRF token against the session.
pub async fn read(
    mut payload: Multipart,
    session: &Session,
    file_limit: usize,
) -> AppResult<Upload> {
    let mut fields = Vec::new();
    let mut files = HashMap::new();
    let mut count = 0;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(unreadable)?;
        count += 1;
        if count > MAX_FIELDS {
            return Err(AppError::BadRequest("The form has too many fields.".into()));
        }
        let name = field.name().unwrap_or("").to_string();
        let is_file = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .is_some();
        let limit = if is_file { file_limit + 1 } else { TEXT_LIMIT };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            let room = limit.saturating_sub(bytes.len());
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if !is_file && bytes.len() >= TEXT_LIMIT {
                return Err(AppError::BadRequest(format!(
                    "The field {name} is too long."
                )));
            }
        }
        if is_file {
            if !bytes.is_empty() {
                files.insert(name, bytes);
            }
        } else {
            let text = String::from_utf8(bytes)
                .map_err(|_| AppError::BadRequest(format!("The field {name} is not text.")))?;
            fields.push((name, text));
        }
    }
    let fields = Fields(fields);
    csrf::verify(session, fields.get("csrf_token").unwrap_or(""))?;
    Ok(Upload { fields, files })
}

/// Reads a form whose one file field is streamed into `dest` (never held in memory), at most
/// `file_limit` bytes (more: 400); the text fields are returned, the CSRF token checked. Says
/// whether a file came.
pub async fn read_into_file(
    mut payload: Multipart,
    session: &Session,
    file_limit: u64,
    dest: &std::path::Path,
) -> AppResult<(Fields, bool)> {
    use std::io::Write;
    let mut fields = Vec::new();
    let mut count = 0;
    let mut got_file = false;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(unreadable)?;
        count += 1;
        if count > MAX_FIELDS {
            return Err(AppError::BadRequest("The form has too many fields.".into()));
        }
        let name = field.name().unwrap_or("").to_string();
        let is_file = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .is_some();
        if is_file {
            if got_file {
                return Err(AppError::BadRequest("Send one file.".into()));
            }
            let file = std::fs::File::create(dest).map_err(|e| AppError::Internal(e.into()))?;
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
            let mut written = 0u64;
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(unreadable)?;
                written += chunk.len() as u64;
                if written > file_limit {
                    let _ = std::fs::remove_file(dest);
                    return Err(AppError::BadRequest(format!(
                        "The file is larger than {} MB.",
                        file_limit / (1024 * 1024)
                    )));
                }
                out.write_all(&chunk)
                    .map_err(|e| AppError::Internal(e.into()))?;
            }
            out.flush().map_err(|e| AppError::Internal(e.into()))?;
            got_file = written > 0;
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            bytes.extend_from_slice(&chunk);
            if bytes.len() >= TEXT_LIMIT {
                return Err(AppError::BadRequest(format!(
                    "The field {name} is too long."
                )));
            }
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| AppError::BadRequest(format!("The field {name} is not text.")))?;
        fields.push((name, text));
    }
    let fields = Fields(fields);
    if let Err(e) = csrf::verify(session, fields.get("csrf_token").unwrap_or("")) {
        let _ = std::fs::remove_file(dest);
        return Err(e);
    }
    Ok((fields, got_file))
}
