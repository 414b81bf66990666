//! The OpenAPI document, generated from the handlers' annotations and types (`utoipa`).

use super::{cdrs, charging, recharges};
use actix_web::HttpResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Selfcare charging API", description = "Wallets, reservations, charges, voucher recharges and CDR uploads. \
        Amounts are integers in minor units of the wallet currency, seconds or units."),
    paths(
        charging::wallet,
        charging::reserve,
        charging::commit,
        charging::release,
        charging::charge,
        recharges::recharge,
        cdrs::upload,
    ),
    components(schemas(
        charging::ErrorBody,
        charging::WalletBody,
        charging::BalanceBody,
        charging::ReserveRequest,
        charging::ReserveResponse,
        charging::CommitRequest,
        charging::EndedResponse,
        charging::ChargeRequest,
        charging::ChargeResponse,
        recharges::RechargeRequest,
        recharges::RechargeResponse,
        cdrs::CdrBody,
        cdrs::CdrUpload,
        cdrs::CdrStored,
        cdrs::CdrError,
        cdrs::CdrRefused,
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document as JSON.
pub fn json() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| serde_json::json!({}))
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(json())
}
