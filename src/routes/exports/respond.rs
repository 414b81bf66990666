//! What every export does once its list is known: check the format and size, then stream the
//! rows or build the file off the async workers and send it as an attachment.

use crate::error::{AppError, AppResult};
use crate::export::{self, ExportInfo, Format, RowSource};
use crate::routes::with_conn;
use crate::startup::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};

/// A list ready to export.
pub struct ExportRequest {
    pub format: Format,
    pub info: ExportInfo,
    pub source: Box<dyn RowSource>,
}

/// Parses `csv`, `txt`, … from the path; anything else is a clear 400.
pub fn parse_format(ext: &str) -> AppResult<Format> {
    Format::parse(ext).ok_or_else(|| {
        AppError::BadRequest(format!(
            "“{ext}” is not an export format. Choose csv, txt, xlsx, pdf or xls."
        ))
    })
}

fn attachment(format: Format, file_name: &str) -> actix_web::HttpResponseBuilder {
    let mut b = HttpResponse::Ok();
    b.content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"));
    b
}

pub async fn send(state: &web::Data<AppState>, req: ExportRequest) -> AppResult<HttpResponse> {
    let ExportRequest {
        format,
        info,
        source,
    } = req;
    let file_name = info.file_name(format);
    // Size limits are checked before anything is sent, so a refusal is a page, not a broken file.
    let (source, rows) = with_conn(state, move |conn| {
        let rows = source.count(conn)?;
        Ok((source, rows))
    })
    .await?;
    if let Some(max) = format.max_rows() {
        if rows as u64 > max {
            return Err(AppError::Refused(format!(
                "This list has {rows} rows, but a {} file holds at most {max}. Export it as CSV or XLSX instead.",
                format.extension().to_uppercase()
            )));
        }
    }
    tracing::info!(target: "export", list = info.stem, format = format.extension(), rows, by = %info.exported_by, "export");
    if format.streams() {
        let body = export::stream::delimited(state.pool.clone(), source, format);
        return Ok(attachment(format, &file_name).streaming(body));
    }
    let pool = state.pool.clone();
    let mut source = source;
    let file = web::block(move || -> anyhow::Result<std::fs::File> {
        let mut conn = pool.get()?;
        export::build_temp(format, &info, source.as_mut(), &mut conn)
    })
    .await?
    .map_err(AppError::Internal)?;
    Ok(attachment(format, &file_name).streaming(export::stream::file(file)))
}
