//! Operator sign-in (`/login`) and sign-out (`/logout`).

pub mod get;
pub mod post;

use crate::routes::Layout;
use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "login/login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub username: String,
    pub error: String,
    pub notice: String,
}
