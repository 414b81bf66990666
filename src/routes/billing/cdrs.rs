//! `/cdrs/import` (editors): upload a CSV of CDRs (`account_code, started_at, duration_s,
//! calling, called, cost`), see the preview (counts new / duplicate / bad and the first 100
//! row errors) at `/cdrs/import/{token}`, then commit it in one transaction. The file waits in
//! a staging folder under a random token that only the uploader's session holds.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::error::{AppError, AppResult};
use crate::routes::{multipart, see_other, Layout};
use crate::service::billing::import::{self as service, Mode, Report};
use crate::state::{with_conn, AppState};
use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

/// The largest file accepted.
const MAX_FILE: u64 = 512 * 1024 * 1024;
const SESSION_KEY: &str = "cdr_import";

#[derive(Template, WebTemplate)]
#[template(path = "billing/import.html")]
pub struct ImportPage {
    pub layout: Layout,
    pub error: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/preview.html")]
pub struct PreviewPage {
    pub layout: Layout,
    pub token: u64,
    pub report: Report,
}

pub async fn form(editor: Editor, flashes: IncomingFlashMessages) -> ImportPage {
    ImportPage {
        layout: Layout::for_operator(&editor.0, &flashes),
        error: String::new(),
    }
}

/// Stages the uploaded file and leads to its preview.
pub async fn upload(
    editor: Editor,
    payload: Multipart,
    session: Session,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let token = service::new_token().map_err(|e| AppError::Internal(e.into()))?;
    let path = service::staged_path(token);
    let (_, got_file) = multipart::read_into_file(payload, &session, MAX_FILE, &path).await?;
    if !got_file {
        let _ = std::fs::remove_file(&path);
        let page = ImportPage {
            layout: Layout::for_operator(&editor.0, &flashes),
            error: "Choose a CSV file to import.".into(),
        };
        return crate::routes::render(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    session
        .insert(SESSION_KEY, token)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    Ok(see_other(&format!("/cdrs/import/{token}")))
}

/// The token if this session staged it (else 404: another person's import is not shown).
fn owned(session: &Session, token: u64) -> AppResult<u64> {
    match session.get::<u64>(SESSION_KEY) {
        Ok(Some(t)) if t == token => Ok(t),
        _ => Err(AppError::NotFound),
    }
}

pub async fn preview(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<u64>,
    session: Session,
    flashes: IncomingFlashMessages,
) -> AppResult<PreviewPage> {
    let token = owned(&session, path.into_inner())?;
    let (scope, actor) = (editor.0.service_provider_id, editor.0.actor());
    let report = with_conn(&state, move |conn| {
        service::import_staged(conn, scope, &actor, token, Mode::Preview)
    })
    .await?;
    Ok(PreviewPage {
        layout: Layout::for_operator(&editor.0, &flashes),
        token,
        report,
    })
}

pub async fn commit(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<u64>,
    session: Session,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let token = owned(&session, path.into_inner())?;
    let (scope, actor) = (editor.0.service_provider_id, editor.0.actor());
    let report = with_conn(&state, move |conn| {
        service::import_staged(conn, scope, &actor, token, Mode::Commit)
    })
    .await?;
    session.remove(SESSION_KEY);
    FlashMessage::success(format!(
        "Imported {} new CDRs; {} already on file and {} bad rows skipped.",
        report.new_rows, report.duplicate_rows, report.bad_rows
    ))
    .send();
    Ok(see_other("/cdrs/import"))
}
