//! GET `/login`: the sign-in form.

use super::LoginPage;
use crate::auth::csrf;
use crate::routes::Layout;
use actix_session::Session;
use actix_web::web;
use actix_web_flash_messages::IncomingFlashMessages;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    pub expired: Option<String>,
}

pub async fn login_form(
    session: Session,
    query: web::Query<LoginQuery>,
    flashes: IncomingFlashMessages,
) -> LoginPage {
    let notice = if query.expired.is_some() {
        "Your session ended. Please sign in again.".to_string()
    } else {
        String::new()
    };
    LoginPage {
        layout: Layout::anonymous(csrf::token(&session), &flashes),
        username: String::new(),
        error: String::new(),
        notice,
    }
}
