//! The subscribers area's pages: search, new subscriber, its new-wallet step, the edit screen
//! with its panels, deletion. Each write is one call into `service::subscribers`; the form
//! helpers the pages share are re-exported here from there.

pub mod cards;
pub mod create;
pub mod delete;
pub mod edit;
pub mod edit_view;
pub mod edrs;
pub mod money;
pub mod movements;
pub mod movements_view;
pub mod panels;
pub mod promo_view;
pub mod reservations;
pub mod search;
pub mod wallet_new;

use crate::auth::CsrfField;
use actix_web::web;
use serde::Deserialize;

/// The form helpers live with the services that read forms; this area's pages (search among
/// them) keep reaching them here, whichever they use today.
#[allow(unused_imports)]
pub use crate::service::subscribers::form::{checkbox, id_options, on, pick_option, pick_provider};

pub fn configure(cfg: &mut web::ServiceConfig) {
    configure_movements(cfg);
    cfg.route("/subscribers", web::get().to(search::page))
        .route("/subscribers", web::post().to(create::create))
        .route("/subscribers/new", web::get().to(create::form))
        .route(
            "/subscribers/export.{fmt}",
            web::get().to(crate::routes::exports::lists::subscribers),
        )
        .route(
            "/subscribers/export.{fmt}",
            web::post().to(crate::routes::exports::lists::subscribers),
        )
        .route("/subscribers/{id}/edrs", web::get().to(edrs::page))
        .route(
            "/subscribers/{id}/edrs/export.{fmt}",
            web::get().to(crate::routes::exports::lists::edrs),
        )
        .route(
            "/subscribers/{id}/edrs/export.{fmt}",
            web::post().to(crate::routes::exports::lists::edrs),
        )
        .route("/edrs/{id}", web::get().to(edrs::details))
        .route("/edrs/{id}/reverse", web::post().to(edrs::reverse))
        .route("/subscribers/{id}", web::get().to(edit::page))
        .route("/subscribers/{id}", web::post().to(edit::save))
        .route(
            "/subscribers/{id}/wallets/new",
            web::get().to(wallet_new::form),
        )
        .route(
            "/subscribers/{id}/wallets",
            web::post().to(wallet_new::create),
        )
        .route("/subscribers/{id}/delete", web::get().to(delete::confirm))
        .route("/subscribers/{id}/delete", web::post().to(delete::delete))
        .route("/wallets/{id}/adjustments", web::post().to(money::adjust))
        .route(
            "/wallets/{id}/adjustments/save",
            web::post().to(money::save_and_execute),
        )
        .route("/subscribers/{id}/merge", web::post().to(money::merge))
        .route("/wallets/{id}/recharges", web::post().to(money::recharge))
        .route("/wallets/{id}/buckets", web::post().to(money::add_bucket))
        .route(
            "/wallets/{id}/buckets/{bucket_id}",
            web::post().to(money::edit_bucket),
        )
        .route(
            "/wallets/{id}/buckets/{bucket_id}/delete",
            web::post().to(money::delete_bucket),
        )
        .route(
            "/reservations/{id}/{action}",
            web::get().to(reservations::confirm),
        )
        .route(
            "/reservations/{id}/{action}",
            web::post().to(reservations::act),
        );
}

/// The edit screen's money movements: transfers, BPL tasks and credit cards.
fn configure_movements(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/subscribers/{id}/transfers/{definition_id}",
        web::post().to(movements::transfer),
    )
    .route(
        "/subscribers/{id}/transfers/{definition_id}/save",
        web::post().to(movements::transfer_save),
    )
    .route(
        "/subscribers/{id}/bpl-tasks/{task_id}",
        web::post().to(movements::task),
    )
    .route(
        "/subscribers/{id}/bpl-tasks/{task_id}/save",
        web::post().to(movements::task_save),
    )
    .route(
        "/subscribers/{id}/credit-cards",
        web::post().to(cards::register),
    )
    .route("/credit-cards/{id}/{action}", web::post().to(cards::act));
}

/// A posted form: its CSRF token (checked by `CsrfForm`), and the rest as the service reads it.
#[derive(Debug, Deserialize)]
pub struct Posted<T> {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(flatten)]
    pub form: T,
}

impl<T> CsrfField for Posted<T> {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}
