//! Export downloads of every list (`…/export.{csv,txt,xlsx,pdf,xls}`).

pub mod jobs;
pub mod lists;
pub mod respond;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // GET exports at once or shows the page that confirms a background export; that page's
    // POST (CSRF-checked) creates the job.
    cfg.route("/customers/export.{fmt}", web::get().to(lists::customers))
        .route("/customers/export.{fmt}", web::post().to(lists::customers))
        .route(
            "/customers/{id}/sites/export.{fmt}",
            web::post().to(lists::sites),
        )
        .route(
            "/sites/{id}/links/export.{fmt}",
            web::post().to(lists::links),
        )
        .route("/links/export.{fmt}", web::post().to(lists::inventory))
        .route(
            "/customers/{id}/sites/export.{fmt}",
            web::get().to(lists::sites),
        )
        .route(
            "/sites/{id}/links/export.{fmt}",
            web::get().to(lists::links),
        )
        .route("/links/export.{fmt}", web::get().to(lists::inventory))
        .route("/exports", web::get().to(jobs::list))
        .route("/exports/{id}", web::get().to(jobs::show))
        .route("/exports/{id}/download", web::get().to(jobs::download));
}
