//! The customers area: the three-pane page, customer creation, pane saves, lifecycle and
//! deletion.

pub mod create;
pub mod delete;
pub mod edit;
pub mod find;
pub mod impersonate;
pub mod lifecycle;
pub mod numbers;
pub mod pane_view;
pub mod panes;
pub mod save;
pub mod telephony;

use actix_web::web;

/// The three-pane page, customer create/edit/delete, lifecycle, and the panes' inline saves.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(panes::home))
        .route("/customers", web::get().to(panes::page))
        .route("/customers", web::post().to(create::create))
        .route("/customers/new", web::get().to(create::form))
        .route("/customers/find", web::get().to(find::find))
        .route("/customers/save", web::post().to(save::save_customers))
        .route("/customers/{id}/delete", web::get().to(delete::confirm))
        .route("/customers/{id}/delete", web::post().to(delete::delete))
        .route("/customers/{id}/edit", web::get().to(edit::form))
        .route("/customers/{id}", web::post().to(edit::update))
        .route(
            "/customers/{id}/impersonate",
            web::post().to(impersonate::impersonate),
        )
        .route(
            "/customers/{id}/status",
            web::post().to(lifecycle::set_status),
        )
        .route(
            "/customers/{id}/demo",
            web::get().to(lifecycle::demo_confirm),
        )
        .route("/customers/{id}/demo", web::post().to(lifecycle::demo))
        .route(
            "/customers/{id}/sites/save",
            web::post().to(save::save_sites),
        )
        .route("/sites/{id}/links/save", web::post().to(save::save_links));
}
