//! Background exports: "My exports" (`/exports`), one job's progress (`/exports/{id}`, refreshing
//! itself until done, no script needed) and its download (`/exports/{id}/download`).

use super::respond::attachment;
use crate::auth::CurrentOperator;
use crate::db::models::export_job::{self, ExportJob};
use crate::error::{AppError, AppResult};
use crate::export::Format;
use crate::format::format_time;
use crate::routes::Layout;
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;

pub struct JobView {
    pub id: i64,
    pub title: String,
    pub format: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub rows_done: i64,
    pub rows_total: i64,
    pub percent: i64,
    pub size: String,
    pub created: String,
    pub expires: String,
    pub error: String,
    pub downloadable: bool,
    pub file_name: String,
}

fn human_size(bytes: Option<i64>) -> String {
    match bytes {
        None => String::new(),
        Some(b) if b < 1024 => format!("{b} B"),
        Some(b) if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        Some(b) => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

fn view(j: ExportJob) -> JobView {
    let (status, status_label) = match j.status.as_str() {
        export_job::QUEUED => ("queued", "Waiting to start"),
        export_job::RUNNING => ("running", "Running"),
        export_job::DONE => ("done", "Ready"),
        export_job::FAILED => ("failed", "Failed"),
        _ => ("expired", "Expired (files are kept 7 days)"),
    };
    let total = j.rows_total.max(1);
    JobView {
        id: j.id,
        title: j.title,
        format: j.format.to_uppercase(),
        status,
        status_label,
        rows_done: j.rows_done,
        rows_total: j.rows_total,
        percent: if status == "done" {
            100
        } else {
            (j.rows_done * 100 / total).clamp(0, 100)
        },
        size: human_size(j.size_bytes),
        created: format_time(j.created_at),
        expires: format_time(j.expires_at),
        error: j.error.unwrap_or_default(),
        downloadable: status == "done" && j.file_path.is_some(),
        file_name: j.file_name,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "exports/list.html")]
pub struct ExportsPage {
    pub layout: Layout,
    pub jobs: Vec<JobView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "exports/job.html")]
pub struct JobPage {
    pub layout: Layout,
    pub job: JobView,
    pub refresh: bool,
}

pub async fn list(
    op: CurrentOperator,
    state: web::Data<AppState>,
    flashes: IncomingFlashMessages,
) -> AppResult<ExportsPage> {
    let op_id = op.id;
    let jobs = with_conn(&state, move |conn| {
        Ok(export_job::list_for(conn, op_id, 100)?)
    })
    .await?;
    Ok(ExportsPage {
        layout: Layout::for_operator(&op, &flashes),
        jobs: jobs.into_iter().map(view).collect(),
    })
}

async fn mine(state: &web::Data<AppState>, op: &CurrentOperator, id: i64) -> AppResult<ExportJob> {
    let op_id = op.id;
    with_conn(state, move |conn| {
        export_job::find_for(conn, id, op_id)?.ok_or(AppError::NotFound)
    })
    .await
}

pub async fn show(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<JobPage> {
    let job = view(mine(&state, &op, path.into_inner()).await?);
    Ok(JobPage {
        layout: Layout::for_operator(&op, &flashes),
        refresh: matches!(job.status, "queued" | "running"),
        job,
    })
}

pub async fn download(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let job = mine(&state, &op, path.into_inner()).await?;
    let (Some(file_path), export_job::DONE) = (job.file_path.clone(), job.status.as_str()) else {
        return Err(AppError::Refused(
            "This export is not ready to download (or has expired).".into(),
        ));
    };
    let format = Format::parse(&job.format).ok_or(AppError::NotFound)?;
    let file = web::block(move || std::fs::File::open(file_path))
        .await?
        .map_err(|_| {
            AppError::Refused(
                "The file of this export is no longer there; please export again.".into(),
            )
        })?;
    Ok(attachment(format, &job.file_name).streaming(crate::export::stream::file(file)))
}
