//! Access links: create and edit forms, deletion.

pub mod delete;
pub mod form;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sites/{id}/links", web::post().to(form::create))
        .route("/sites/{id}/links/new", web::get().to(form::new_form))
        .route("/links/{id}/edit", web::get().to(form::edit_form))
        .route("/links/{id}", web::post().to(form::update))
        .route("/links/{id}/delete", web::get().to(delete::confirm))
        .route("/links/{id}/delete", web::post().to(delete::delete));
}
