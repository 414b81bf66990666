//! The JSON API under `/api/v1/` (charging, voucher recharges, CDR uploads), for network elements with a bearer token; and its
//! OpenAPI document with a page for people. Same rules as `routes`: thin handlers, one service
//! call each. Every answer is JSON, errors included (`{"error": "…"}`): bad JSON or wrong
//! types 400 (the `JsonConfig` error handler), no or bad token 401, another provider's wallet
//! 404. CSRF does not apply: a bearer token is not sent by a browser on its own.

pub mod cdrs;
pub mod charging;
pub mod docs;
pub mod openapi;
pub mod recharges;

use crate::domain::charging::BearerToken;
use crate::error::AppError;
use crate::service::charging::{Fail, Refusal};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/docs", web::get().to(docs::page)).service(
        web::scope("/api/v1")
            .app_data(json_config())
            .app_data(web::PathConfig::default().error_handler(|err, _| {
                actix_web::error::InternalError::from_response(
                    err,
                    error_response(StatusCode::NOT_FOUND, NOT_FOUND),
                )
                .into()
            }))
            .route("/openapi.json", web::get().to(openapi::document))
            .route("/wallets/{wallet_ref}", web::get().to(charging::wallet))
            .route(
                "/wallets/{wallet_ref}/reservations",
                web::post().to(charging::reserve),
            )
            .route(
                "/wallets/{wallet_ref}/charges",
                web::post().to(charging::charge),
            )
            .route(
                "/wallets/{wallet_ref}/recharges",
                web::post().to(recharges::recharge),
            )
            .route("/cdrs", web::post().to(cdrs::upload))
            .route(
                "/reservations/{id}/commit",
                web::post().to(charging::commit),
            )
            .route(
                "/reservations/{id}/release",
                web::post().to(charging::release),
            )
            .default_service(web::to(|| async {
                error_response(StatusCode::NOT_FOUND, NOT_FOUND)
            })),
    );
}

const NOT_FOUND: &str = "There is no such resource.";

/// A body that is not JSON, or not of the endpoint's shape and types: 400 with the reason.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(16 * 1024)
        .content_type_required(false)
        .error_handler(|err, _| {
            let message = format!("The JSON body could not be read: {err}");
            actix_web::error::InternalError::from_response(
                err,
                error_response(StatusCode::BAD_REQUEST, &message),
            )
            .into()
        })
}

/// `{"error": message}` with `status`.
pub fn error_response(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({ "error": message }))
}

/// The bearer token of the request, if it has one.
pub fn bearer(req: &HttpRequest) -> Option<BearerToken> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(BearerToken::from_header)
}

/// The answer to a refusal or a failure.
pub fn failure(f: Fail) -> HttpResponse {
    match f {
        Fail::Refused(r) => {
            let (status, message) = match r {
                Refusal::Unauthorized => (
                    StatusCode::UNAUTHORIZED,
                    "A valid API token is required (Authorization: Bearer <token>).".to_string(),
                ),
                Refusal::NotFound => (StatusCode::NOT_FOUND, NOT_FOUND.to_string()),
                Refusal::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
                Refusal::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, m),
                Refusal::NotCovered => (
                    StatusCode::CONFLICT,
                    "The available balance does not cover the amount.".to_string(),
                ),
                Refusal::TooMany => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "The wallet holds as many open reservations as it may.".to_string(),
                ),
                Refusal::Ended(m) => (StatusCode::CONFLICT, m),
            };
            let mut resp = error_response(status, &message);
            if status == StatusCode::UNAUTHORIZED {
                resp.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
            }
            resp
        }
        Fail::App(e) => app_error(e),
    }
}

/// A failure of the database or the blocking pool: 503 when it cannot be reached, else 500 with
/// the cause logged (never shown).
pub fn app_error(e: AppError) -> HttpResponse {
    if e.is_unavailable() {
        tracing::error!(error = %e, "database unavailable");
        error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "The database cannot be reached just now; try again.",
        )
    } else {
        tracing::error!(error = ?e, "API request failed");
        error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The request could not be completed; it has been logged.",
        )
    }
}
