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
