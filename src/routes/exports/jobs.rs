//! Background exports: "My exports" (`/exports`, the list declared in `lists::export_jobs`), one
//! job's progress (`/exports/{id}`, refreshing itself until done, no script needed) and its
//! download (`/exports/{id}/download`).

use super::respond::attachment;
use crate::auth::CurrentOperator;
use crate::db::models::export_job::{ExportJob, JobStatus};
use crate::domain::Zone;
use crate::error::{AppError, AppResult};
use crate::export::Format;
use crate::lists::export_jobs;
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

impl JobView {
    /// The job as the list declares it (`lists::export_jobs`).
    fn of(j: ExportJob, zone: &Zone) -> JobView {
        use crate::lists::export_jobs::{self as list, FORMAT, KEPT_UNTIL, SIZE, STARTED, TITLE};
        let (status, status_label) = list::status(&j);
        JobView {
            id: j.id,
            title: TITLE.text(&j, zone),
            format: FORMAT.text(&j, zone),
            status,
            status_label,
            rows_done: j.rows_done,
            rows_total: j.rows_total,
            percent: list::percent(&j),
            size: SIZE.text(&j, zone),
            created: STARTED.text(&j, zone),
            expires: KEPT_UNTIL.text(&j, zone),
            downloadable: list::downloadable(&j),
            error: j.error.unwrap_or_default(),
            file_name: j.file_name,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "exports/list.html")]
pub struct ExportsPage {
    pub layout: Layout,
    /// The list's column labels.
    pub columns: Vec<&'static str>,
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
        Ok(export_jobs::of_operator(conn, op_id)?)
    })
    .await?;
    Ok(ExportsPage {
        layout: Layout::for_operator(&op, &flashes),
        columns: export_jobs::COLUMNS.iter().map(|c| c.label).collect(),
        jobs: jobs.into_iter().map(|j| JobView::of(j, &op.zone)).collect(),
    })
}

async fn mine(state: &web::Data<AppState>, op: &CurrentOperator, id: i64) -> AppResult<ExportJob> {
    let op_id = op.id;
    with_conn(state, move |conn| {
        export_jobs::find(conn, id, op_id)?.ok_or(AppError::NotFound)
    })
    .await
}

pub async fn show(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<JobPage> {
    let job = JobView::of(mine(&state, &op, path.into_inner()).await?, &op.zone);
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
    let (Some(file_path), JobStatus::Done) = (job.file_path.clone(), job.status) else {
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
