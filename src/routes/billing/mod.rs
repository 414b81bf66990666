//! A customer's billing pages (DESIGN §5b): payments (`/customers/{id}/payments`), the account
//! statement and its exports, the call analysis with its SVG chart, and the CDR import
//! (`/cdrs/import`). Thin handlers; the rules are `service::billing`'s.

pub mod calls;
pub mod cdrs;
pub mod chart;
pub mod payments;
pub mod statement;

use actix_web::web;
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/{id}/payments", web::get().to(payments::page))
        .route("/customers/{id}/payments", web::post().to(payments::enter))
        .route(
            "/customers/{id}/payments/{pid}/reverse",
            web::post().to(payments::reverse),
        )
        .route("/customers/{id}/statement", web::get().to(statement::page))
        .route(
            "/customers/{id}/statement/export.{fmt}",
            web::get().to(statement::export),
        )
        .route(
            "/customers/{id}/statement/export.{fmt}",
            web::post().to(statement::export),
        )
        .route("/customers/{id}/calls", web::get().to(calls::page))
        .route("/cdrs/import", web::get().to(cdrs::form))
        .route("/cdrs/import", web::post().to(cdrs::upload))
        .route("/cdrs/import/{token}", web::get().to(cdrs::preview))
        .route("/cdrs/import/{token}/commit", web::post().to(cdrs::commit));
}

/// `?from=&to=` of the statement and the call analysis (dates in the viewer's zone).
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}
