//! The welcome mail outbox of a customer (`/customers/{id}/mail`, operators: links cut short)
//! and a user's one-time set-password page (`/set-password/{token}`, no sign-in: the link is
//! the credential; it works once, within its days).

use crate::auth::csrf::{self, Fields};
use crate::auth::{CsrfForm, CurrentOperator};
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, with_cookie, Layout};
use crate::service::customer_users::welcome::{self as service, PasswordSet};
use crate::service::customer_users::Whose;
use crate::state::{with_conn, AppState};
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/{id}/mail", web::get().to(outbox))
        .route("/set-password/{token}", web::get().to(form))
        .route("/set-password/{token}", web::post().to(set));
}

pub struct MailRow {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub status: &'static str,
    pub created: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/outbox.html")]
pub struct OutboxPage {
    pub layout: Layout,
    pub customer_id: i64,
    pub rows: Vec<MailRow>,
}

pub async fn outbox(
    state: web::Data<AppState>,
    op: CurrentOperator,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<OutboxPage> {
    let customer_id = path.into_inner();
    let whose = Whose::Operator {
        scope: op.service_provider_id,
        customer_id,
    };
    let mails = with_conn(&state, move |conn| service::outbox(conn, &whose)).await?;
    Ok(OutboxPage {
        layout: Layout::for_operator(&op, &flashes),
        customer_id,
        rows: mails
            .into_iter()
            .map(|m| MailRow {
                id: m.id,
                to: m.to_address,
                subject: m.subject,
                body: m.body,
                status: m.status.label(),
                created: op.zone.time(m.created_at),
            })
            .collect(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "people/set_password.html")]
pub struct SetPasswordPage {
    pub layout: Layout,
    pub action: String,
    pub works: bool,
    pub form: FormState,
}

pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let t = token.clone();
    let works = with_conn(&state, move |conn| service::link_works(conn, &t)).await?;
    let (csrf_token, cookie) = csrf::form_token(&req, &session);
    let page = SetPasswordPage {
        layout: Layout::anonymous(csrf_token, &flashes),
        action: format!("/set-password/{token}"),
        works,
        form: FormState::default(),
    };
    let status = if works {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    with_cookie(render(status, &page)?, cookie)
}

pub async fn set(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let (t, fields) = (token.clone(), form.0);
    let outcome = with_conn(&state, move |conn| {
        service::set_password(
            conn,
            &t,
            fields.get("password").unwrap_or(""),
            fields.get("password_confirm").unwrap_or(""),
        )
    })
    .await?;
    let form = match outcome {
        PasswordSet::Done => {
            FlashMessage::success("Your password is set. You can use it on your phone now.").send();
            return Ok(see_other("/login"));
        }
        PasswordSet::Gone => return Err(AppError::NotFound),
        PasswordSet::Invalid(f) => f,
    };
    let (csrf_token, cookie) = csrf::form_token(&req, &session);
    let page = SetPasswordPage {
        layout: Layout::anonymous(csrf_token, &flashes),
        action: format!("/set-password/{token}"),
        works: true,
        form,
    };
    with_cookie(render(StatusCode::UNPROCESSABLE_ENTITY, &page)?, cookie)
}
