//! What every export handler shares once it knows the list: parse the format, the columns and
//! the mode; let `service::exports::start` decide; then follow a queued job to its page, or
//! stream the rows / build the file and send it at once.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator};
use crate::error::{AppError, AppResult};
use crate::export::{self, Format};
use crate::lists::spec::ExportSpec;
use crate::routes::{render, see_other, Layout};
use crate::service::exports::{self, ExportRequest, Mode, Requester, Started, View};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use futures_util::future::LocalBoxFuture;

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

/// How an operator asked for an export: by GET (which never starts a background job), or by
/// the confirmation page's POST with a valid CSRF token; and what that page needs.
pub struct Ask {
    pub confirmed: bool,
    /// The export URL as asked (path and query), where the confirmation posts.
    pub action: String,
    pub layout: Layout,
}

impl FromRequest for Ask {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let op = CurrentOperator::from_request(req, payload);
        let flashes = IncomingFlashMessages::from_request(req, payload);
        let post = *req.method() == Method::POST;
        let confirm = Option::<CsrfForm<Fields>>::from_request(req, payload);
        let action = match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{q}", req.path()),
        };
        Box::pin(async move {
            let op = op.await?;
            let flashes = flashes.await?;
            let confirmed = post && matches!(confirm.await, Ok(Some(_)));
            Ok(Ask {
                confirmed,
                action,
                layout: Layout::for_operator(&op, &flashes),
            })
        })
    }
}

#[derive(Template)]
#[template(path = "exports/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    action: String,
    title: String,
    rows: i64,
}

/// Starts an export and answers with the file, the page of its background job, or (asked by
/// GET) the page that confirms a background export.
pub async fn start(
    state: &web::Data<AppState>,
    who: Requester,
    mut request: ExportRequest,
    ask: Option<Ask>,
) -> AppResult<HttpResponse> {
    request.confirmed = ask.as_ref().is_some_and(|a| a.confirmed);
    let started = with_conn(state, move |conn| exports::start(conn, &who, request)).await?;
    answer(state, started, ask).await
}

/// The answer once the service decided.
pub async fn answer(
    state: &web::Data<AppState>,
    started: Started,
    ask: Option<Ask>,
) -> AppResult<HttpResponse> {
    match started {
        Started::Queued(id) => {
            state.jobs.notify();
            Ok(see_other(&format!("/exports/{id}")))
        }
        Started::Now(spec) => send_now(state, *spec).await,
        Started::Confirm { title, rows } => {
            let ask = ask.ok_or_else(|| {
                AppError::BadRequest("This export can only run in the background.".into())
            })?;
            let page = ConfirmPage {
                layout: ask.layout,
                action: ask.action,
                title,
                rows,
            };
            render(StatusCode::OK, &page)
        }
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
        let zone = info.zone();
        let body = export::stream::delimited(state.pool.clone(), source, format, zone);
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
