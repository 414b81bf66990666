//! Sites: create and edit forms, deletion, and the ownership checks the other areas reuse.

pub mod delete;
pub mod form;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/{id}/sites", web::post().to(form::create))
        .route("/customers/{id}/sites/new", web::get().to(form::new_form))
        .route("/sites/{id}/edit", web::get().to(form::edit_form))
        .route("/sites/{id}", web::post().to(form::update))
        .route("/sites/{id}/delete", web::get().to(delete::confirm))
        .route("/sites/{id}/delete", web::post().to(delete::delete));
}
