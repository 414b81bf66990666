//! POST `/login` and POST `/logout`.

use super::LoginPage;
use crate::auth::csrf::{self, Fields};
use crate::auth::sessions;
use crate::auth::throttle::client_ip;
use crate::auth::{CsrfField, CsrfForm};
use crate::error::AppResult;
use crate::routes::{render, see_other, with_cookie, Layout};
use crate::service::sign_in::{self, SignIn};
use crate::state::AppState;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

impl CsrfField for LoginForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: CsrfForm<LoginForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let LoginForm {
        username, password, ..
    } = form.0;
    let outcome = sign_in::operator(
        &state,
        &username,
        password,
        &client_ip(&req, &state.trusted_proxies),
    )
    .await?;
    let status = match &outcome {
        SignIn::SignedIn(op) => {
            sessions::start_operator(&session, op)?;
            return Ok(see_other("/customers"));
        }
        SignIn::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
        SignIn::NotActive(_) => StatusCode::FORBIDDEN,
        SignIn::Refused => StatusCode::UNAUTHORIZED,
    };
    let (token, cookie) = csrf::form_token(&req, &session);
    let page = LoginPage {
        layout: Layout::anonymous(token, &flashes),
        username: username.trim().to_lowercase(),
        error: outcome.message(),
        notice: String::new(),
    };
    with_cookie(render(status, &page)?, cookie)
}

pub async fn logout(session: Session, _form: CsrfForm<Fields>) -> HttpResponse {
    session.purge();
    FlashMessage::info("You are signed out.").send();
    see_other("/login")
}
