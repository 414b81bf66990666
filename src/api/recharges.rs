//! The voucher recharge endpoint.

use super::charging::ErrorBody;
use super::{app_error, bearer, failure};
use crate::service::charging::recharge as service;
use crate::state::{with_conn, AppState};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct RechargeRequest {
    /// The voucher's number (digits; spaces and dashes are ignored).
    pub voucher_number: String,
    /// The voucher's serial number: needed once the subscriber is blacklisted (three failed
    /// recharges in a row); when given, it must match.
    #[serde(default)]
    pub serial_number: String,
}

#[derive(Serialize, ToSchema)]
pub struct RechargeResponse {
    /// The EDR written for the recharge.
    pub edr_id: i64,
    /// What was credited: the voucher's value, or less when the balance's maximum cut it.
    pub credited: i64,
}

/// Recharges a wallet with a voucher.
#[utoipa::path(
    post,
    path = "/api/v1/wallets/{wallet_ref}/recharges",
    params(("wallet_ref" = String, Path, description = "The wallet's reference")),
    request_body = RechargeRequest,
    responses(
        (status = 201, description = "Recharged", body = RechargeResponse),
        (status = 400, description = "Bad JSON or wrong types", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 404, description = "No such wallet of the token's provider", body = ErrorBody),
        (status = 422, description = "Bad, used or expired voucher, serial number needed, or the balance at its maximum", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn recharge(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<RechargeRequest>,
) -> HttpResponse {
    let (token, wallet_ref, b) = (bearer(&req), path.into_inner(), body.into_inner());
    let done = with_conn(&state, move |conn| {
        Ok(service::recharge(
            conn,
            token.as_ref(),
            &wallet_ref,
            &b.voucher_number,
            &b.serial_number,
        ))
    })
    .await;
    match done {
        Ok(Ok(r)) => HttpResponse::Created().json(RechargeResponse {
            edr_id: r.edr_id,
            credited: r.credited,
        }),
        Ok(Err(f)) => failure(f),
        Err(e) => app_error(e),
    }
}
