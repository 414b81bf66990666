//! What every export does once its spec is known: check the size, then either queue a background
//! job (large lists, or when asked) or stream the rows / build the file and send it at once.

use crate::auth::CurrentOperator;
use crate::db::models::export_job::{self, NewExportJob};
use crate::error::{AppError, AppResult};
use crate::export::jobs::{BACKGROUND_THRESHOLD, KEEP_SECS};
use crate::export::spec::ExportSpec;
use crate::export::{self, Format};
use crate::routes::see_other;
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};

/// `mode=` of an export URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// In the background above [`BACKGROUND_THRESHOLD`] rows, else at once.
    Auto,
    Direct,
    Background,
}

impl Mode {
    pub fn parse(value: Option<&str>) -> AppResult<Mode> {
        match value {
            None | Some("") | Some("auto") => Ok(Mode::Auto),
            Some("direct") => Ok(Mode::Direct),
            Some("background") => Ok(Mode::Background),
            Some(other) => Err(AppError::BadRequest(format!(
                "“{other}” is not an export mode; use auto, direct or background."
            ))),
        }
    }
}

/// Parses `csv`, `txt`, … from the path; anything else is a clear 400.
pub fn parse_format(ext: &str) -> AppResult<Format> {
    Format::parse(ext).ok_or_else(|| {
        AppError::BadRequest(format!(
            "“{ext}” is not an export format. Choose csv, txt, xlsx, pdf or xls."
        ))
    })
}

pub fn attachment(format: Format, file_name: &str) -> actix_web::HttpResponseBuilder {
    let mut b = HttpResponse::Ok();
    b.content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    b
}

/// Sends an export. `owner` is the operator a background job belongs to; customer
/// administrators (no owner) always get their (small) lists at once.
pub async fn send(
    state: &web::Data<AppState>,
    owner: Option<&CurrentOperator>,
    spec: ExportSpec,
    mode: Mode,
) -> AppResult<HttpResponse> {
    let format = spec.format;
    let file_name = spec.info.file_name(format);
    // Size limits are checked before anything is sent, so a refusal is a page, not a broken file.
    let counted = spec.clone();
    let rows = with_conn(state, move |conn| Ok(counted.source().count(conn)?)).await?;
    if let Some(max) = format.max_rows() {
        if rows as u64 > max {
            return Err(AppError::Refused(format!(
                "This list has {rows} rows, but a {} file holds at most {max}. Export it as CSV or XLSX instead.",
                format.extension().to_uppercase()
            )));
        }
    }
    tracing::info!(target: "export", list = %spec.info.stem, format = format.extension(), rows, by = %spec.info.exported_by, "export");
    let background =
        mode == Mode::Background || (mode == Mode::Auto && rows > BACKGROUND_THRESHOLD);
    if let (true, Some(op)) = (background, owner) {
        let now = crate::db::now();
        let text = serde_json::to_string(&spec).map_err(|e| AppError::Internal(e.into()))?;
        let job = NewExportJob {
            operator_id: op.id,
            title: spec.info.title.clone(),
            format: format.extension().into(),
            spec: text,
            status: export_job::QUEUED.into(),
            rows_total: rows,
            file_name,
            created_at: now,
            expires_at: now + KEEP_SECS,
        };
        let id = with_conn(state, move |conn| Ok(export_job::insert(conn, &job)?)).await?;
        state.jobs.notify();
        return Ok(see_other(&format!("/exports/{id}")));
    }
    let source = spec.source();
    if format.streams() {
        let body = export::stream::delimited(state.pool.clone(), source, format);
        return Ok(attachment(format, &file_name).streaming(body));
    }
    let pool = state.pool.clone();
    let mut source = source;
    let info = spec.info;
    let file = web::block(move || -> anyhow::Result<std::fs::File> {
        let mut conn = pool.get()?;
        export::build_temp(format, &info, source.as_mut(), &mut conn)
    })
    .await?
    .map_err(AppError::Internal)?;
    Ok(attachment(format, &file_name).streaming(export::stream::file(file)))
}
