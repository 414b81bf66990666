//! GET `/login`: the sign-in form.

use super::LoginPage;
use crate::auth::csrf;
use crate::error::AppResult;
use crate::routes::{render, with_cookie, Layout};
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    pub expired: Option<String>,
}

pub async fn login_form(
    req: HttpRequest,
    session: Session,
    query: web::Query<LoginQuery>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let notice = if query.expired.is_some() {
        "Your session ended. Please sign in again.".to_string()
    } else {
        String::new()
    };
    let (token, cookie) = csrf::form_token(&req, &session);
    let page = LoginPage {
        layout: Layout::anonymous(token, &flashes),
        username: String::new(),
        error: String::new(),
        notice,
    };
    with_cookie(render(StatusCode::OK, &page)?, cookie)
}
