//! Admin pages of the subscribers area: reference data (lists the forms choose from) and the
//! global settings.

pub mod api_tokens;
pub mod balance_types;
pub mod bpl_tasks;
pub mod credit_cards;
pub mod exchange_rates;
pub mod limits;
pub mod promotions;
pub mod reference;
pub mod settings;
pub mod topup_rules;
pub mod transfer_definitions;
pub mod vouchers;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/settings", web::get().to(settings::page))
        .route("/admin/api-tokens", web::get().to(api_tokens::list))
        .route("/admin/api-tokens", web::post().to(api_tokens::create))
        .route(
            "/admin/api-tokens/{id}/revoke",
            web::post().to(api_tokens::revoke),
        )
        .route("/admin/balance-types", web::get().to(balance_types::list))
        .route(
            "/admin/balance-types",
            web::post().to(balance_types::create),
        )
        .route(
            "/admin/product-types/{id}/limits",
            web::get().to(limits::page),
        )
        .route(
            "/admin/product-types/{id}/limits",
            web::post().to(limits::save),
        )
        .route(
            "/admin/product-types/{id}/bonus",
            web::post().to(limits::save_bonus),
        )
        .route("/admin/exchange-rates", web::get().to(exchange_rates::list))
        .route("/admin/exchange-rates", web::post().to(exchange_rates::set))
        .route(
            "/admin/exchange-rates/{id}/delete",
            web::post().to(exchange_rates::delete),
        )
        .route("/admin/settings", web::post().to(settings::save))
        .route(
            "/admin/transfer-definitions",
            web::get().to(transfer_definitions::list),
        )
        .route(
            "/admin/transfer-definitions",
            web::post().to(transfer_definitions::create),
        )
        .route(
            "/admin/transfer-definitions/{id}",
            web::get().to(transfer_definitions::edit),
        )
        .route(
            "/admin/transfer-definitions/{id}",
            web::post().to(transfer_definitions::update),
        )
        .route(
            "/admin/transfer-definitions/{id}/delete",
            web::post().to(transfer_definitions::delete),
        )
        .route("/admin/bpl-tasks", web::get().to(bpl_tasks::list))
        .route("/admin/bpl-tasks", web::post().to(bpl_tasks::create))
        .route(
            "/admin/bpl-tasks/{id}/delete",
            web::post().to(bpl_tasks::delete),
        )
        .route("/admin/promotions", web::get().to(promotions::list))
        .route("/admin/promotions", web::post().to(promotions::create))
        .route("/admin/topup-rules", web::get().to(topup_rules::list))
        .route("/admin/topup-rules", web::post().to(topup_rules::create))
        .route("/admin/credit-cards", web::get().to(credit_cards::page))
        .route("/admin/credit-cards", web::post().to(credit_cards::save))
        .route("/admin/vouchers", web::get().to(vouchers::list))
        .route("/admin/vouchers", web::post().to(vouchers::create))
        .route("/admin/reference", web::get().to(reference::index))
        .route("/admin/reference/{kind}", web::get().to(reference::list))
        .route("/admin/reference/{kind}", web::post().to(reference::create))
        .route(
            "/admin/reference/{kind}/{id}/delete",
            web::post().to(reference::delete),
        );
}
