//! Operator sign-in (`/login`) and sign-out (`/logout`).

pub mod get;
pub mod post;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(get::login_form))
        .route("/login", web::post().to(post::login))
        .route("/logout", web::post().to(post::logout));
}

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
