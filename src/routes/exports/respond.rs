//! What every export handler shares once it knows the list: parse the format, the columns and
//! the mode; let `service::exports::start` decide; then follow a queued job to its page, or
//! stream the rows / build the file and send it at once.

use crate::error::{AppError, AppResult};
use crate::export::{self, Format};
use crate::lists::spec::ExportSpec;
use crate::routes::see_other;
use crate::service::exports::{self, ExportRequest, Mode, Requester, Started, View};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};

/// `mode=` of an export URL: `auto` (background above 50,000 rows), `direct` or `background`.
pub fn parse_mode(value: Option<&str>) -> AppResult<Mode> {
    match value {
        None | Some("") | Some("auto") => Ok(Mode::Auto),
        Some("direct") => Ok(Mode::Direct),
        Some("background") => Ok(Mode::Background),
        Some(other) => Err(AppError::BadRequest(format!(
            "“{other}” is not an export mode; use auto, direct or background."
        ))),
    }
}

/// `columns=` (an explicit comma-separated list) or else `view=`: `current` (the columns
/// shown, in order; the default) or `all`.
pub fn parse_view(view: Option<&str>, columns: Option<&str>) -> AppResult<View> {
    if let Some(list) = columns.filter(|l| !l.trim().is_empty()) {
        return Ok(View::Named(
            list.split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect(),
        ));
    }
    match view {
        Some("all") => Ok(View::All),
        None | Some("") | Some("current") => Ok(View::Current),
        Some(other) => Err(AppError::BadRequest(format!(
            "“{other}” is not a view; use current or all."
        ))),
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

/// Starts an export and answers with the file, or with the page of its background job.
pub async fn start(
    state: &web::Data<AppState>,
    who: Requester,
    request: ExportRequest,
) -> AppResult<HttpResponse> {
    let started = with_conn(state, move |conn| exports::start(conn, &who, request)).await?;
    answer(state, started).await
}

/// The answer once the service decided.
pub async fn answer(state: &web::Data<AppState>, started: Started) -> AppResult<HttpResponse> {
    match started {
        Started::Queued(id) => {
            state.jobs.notify();
            Ok(see_other(&format!("/exports/{id}")))
        }
        Started::Now(spec) => send_now(state, *spec).await,
    }
}

/// CSV and TXT leave row by row as they are read; the other formats are built in a temporary
/// file first, then sent.
async fn send_now(state: &web::Data<AppState>, spec: ExportSpec) -> AppResult<HttpResponse> {
    let file_name = spec.info.file_name(spec.format);
    let export::Prepared {
        format,
        info,
        mut source,
    } = spec.prepare();
    if format.streams() {
        let body = export::stream::delimited(state.pool.clone(), source, format);
        return Ok(attachment(format, &file_name).streaming(body));
    }
    let pool = state.pool.clone();
    let file = web::block(move || -> anyhow::Result<std::fs::File> {
        let mut conn = pool.get()?;
        export::build_temp(format, &info, source.as_mut(), &mut conn)
    })
    .await?
    .map_err(AppError::Internal)?;
    Ok(attachment(format, &file_name).streaming(export::stream::file(file)))
}
