//! The charging endpoints: a wallet's balances, reservations (reserve, commit, release) and
//! direct charges. Amounts are integers in minor units / seconds / units.

use super::{app_error, bearer, failure};
use crate::service::charging::api::{self as service, Charge, Reserve};
use crate::service::charging::Outcome;
use crate::state::{with_conn, writing, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An error answer.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// What was wrong, for people.
    pub error: String,
}

/// One balance of a wallet.
#[derive(Serialize, ToSchema)]
pub struct BalanceBody {
    /// The balance type's code, e.g. `GENERAL_CASH`.
    pub balance_type: String,
    /// The sum of the buckets that count now.
    pub total: i64,
    /// Total less what open reservations hold.
    pub available: i64,
    /// What open reservations hold.
    pub reserved: i64,
}

#[derive(Serialize, ToSchema)]
pub struct WalletBody {
    pub wallet_ref: String,
    /// pre_use, active, dormant, suspended, frozen or terminated.
    pub state: String,
    pub balances: Vec<BalanceBody>,
}

#[derive(Deserialize, ToSchema)]
pub struct ReserveRequest {
    /// The balance type's code.
    pub balance_type: String,
    /// More than 0, at most 10^15.
    pub amount: i64,
    /// Seconds until the reservation is released by itself (1–86400; default 300).
    #[serde(default = "default_expiry")]
    pub expires_in_s: i64,
    /// Digits with an optional leading +; may be empty.
    #[serde(default)]
    pub called_number: String,
    /// Whether an operator's delete charges the reserved amount (default false).
    #[serde(default)]
    pub charge_on_delete: bool,
}

fn default_expiry() -> i64 {
    300
}

#[derive(Serialize, ToSchema)]
pub struct ReserveResponse {
    /// The reservation's id, for commit and release.
    pub id: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct CommitRequest {
    /// What was used: from 0 to the reserved amount; the rest is released.
    pub used: i64,
}

#[derive(Serialize, ToSchema)]
pub struct EndedResponse {
    pub id: i64,
    /// committed or released.
    pub state: String,
    /// What was charged.
    pub used: i64,
    /// The EDR of a commit.
    pub edr_id: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct ChargeRequest {
    /// The balance type's code.
    pub balance_type: String,
    /// More than 0, at most 10^15.
    pub amount: i64,
    /// Digits with an optional leading +; may be empty.
    #[serde(default)]
    pub called_number: String,
    /// The call's duration in seconds (0–604800).
    #[serde(default)]
    pub duration_s: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ChargeResponse {
    /// The EDR written for the charge.
    pub edr_id: i64,
}

/// Answers `status` with the body of a service call's result, or its refusal.
fn respond<T, B: Serialize>(
    out: crate::error::AppResult<Outcome<T>>,
    status: StatusCode,
    body: impl FnOnce(T) -> B,
) -> HttpResponse {
    match out {
        Ok(Ok(v)) => HttpResponse::build(status).json(body(v)),
        Ok(Err(f)) => failure(f),
        Err(e) => app_error(e),
    }
}

/// A wallet's balances.
#[utoipa::path(
    get,
    path = "/api/v1/wallets/{wallet_ref}",
    params(("wallet_ref" = String, Path, description = "The wallet's reference")),
    responses(
        (status = 200, description = "The wallet and its balances", body = WalletBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 404, description = "No such wallet of the token's provider", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn wallet(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let (token, wallet_ref) = (bearer(&req), path.into_inner());
    respond(
        with_conn(&state, move |conn| {
            Ok(service::wallet(conn, token.as_ref(), &wallet_ref))
        })
        .await,
        StatusCode::OK,
        |w| WalletBody {
            wallet_ref: w.wallet_ref,
            state: w.state,
            balances: w
                .balances
                .into_iter()
                .map(|b| BalanceBody {
                    balance_type: b.balance_type,
                    total: b.total,
                    available: b.available,
                    reserved: b.reserved,
                })
                .collect(),
        },
    )
}

/// Reserves an amount of a balance.
#[utoipa::path(
    post,
    path = "/api/v1/wallets/{wallet_ref}/reservations",
    params(("wallet_ref" = String, Path, description = "The wallet's reference")),
    request_body = ReserveRequest,
    responses(
        (status = 201, description = "Reserved", body = ReserveResponse),
        (status = 400, description = "Bad JSON or wrong types", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 404, description = "No such wallet of the token's provider", body = ErrorBody),
        (status = 409, description = "The available balance does not cover it", body = ErrorBody),
        (status = 422, description = "Unknown balance type or a value out of range", body = ErrorBody),
        (status = 429, description = "max_concurrent open reservations already", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn reserve(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<ReserveRequest>,
) -> HttpResponse {
    let (token, wallet_ref, b) = (bearer(&req), path.into_inner(), body.into_inner());
    let r = Reserve {
        balance_type: b.balance_type,
        amount: b.amount,
        expires_in_s: b.expires_in_s,
        called_number: b.called_number,
        charge_on_delete: b.charge_on_delete,
    };
    respond(
        writing(&state, move |conn| {
            service::reserve(conn, token.as_ref(), &wallet_ref, &r)
        })
        .await,
        StatusCode::CREATED,
        |id| ReserveResponse { id },
    )
}

fn ended(e: service::Ended) -> EndedResponse {
    EndedResponse {
        id: e.id,
        state: e.state.code().to_string(),
        used: e.used,
        edr_id: e.edr_id,
    }
}

/// Commits a reservation: charges what was used and releases the rest.
#[utoipa::path(
    post,
    path = "/api/v1/reservations/{id}/commit",
    params(("id" = i64, Path, description = "The reservation's id")),
    request_body = CommitRequest,
    responses(
        (status = 200, description = "Committed", body = EndedResponse),
        (status = 400, description = "Bad JSON or wrong types", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 404, description = "No such reservation of the token's provider", body = ErrorBody),
        (status = 409, description = "The reservation has ended already", body = ErrorBody),
        (status = 422, description = "used is more than the reserved amount", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn commit(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<i64>,
    body: web::Json<CommitRequest>,
) -> HttpResponse {
    let (token, id, used) = (bearer(&req), path.into_inner(), body.used);
    respond(
        writing(&state, move |conn| {
            service::commit(conn, token.as_ref(), id, used)
        })
        .await,
        StatusCode::OK,
        ended,
    )
}

/// Releases a reservation without a charge.
#[utoipa::path(
    post,
    path = "/api/v1/reservations/{id}/release",
    params(("id" = i64, Path, description = "The reservation's id")),
    responses(
        (status = 200, description = "Released", body = EndedResponse),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 404, description = "No such reservation of the token's provider", body = ErrorBody),
        (status = 409, description = "The reservation has ended already", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn release(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<i64>,
) -> HttpResponse {
    let (token, id) = (bearer(&req), path.into_inner());
    respond(
        writing(&state, move |conn| {
            service::release(conn, token.as_ref(), id)
        })
        .await,
        StatusCode::OK,
        ended,
    )
}

/// Charges a balance directly (no reservation).
#[utoipa::path(
    post,
    path = "/api/v1/wallets/{wallet_ref}/charges",
    params(("wallet_ref" = String, Path, description = "The wallet's reference")),
    request_body = ChargeRequest,
    responses(
        (status = 201, description = "Charged", body = ChargeResponse),
        (status = 400, description = "Bad JSON or wrong types", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 404, description = "No such wallet of the token's provider", body = ErrorBody),
        (status = 409, description = "The available balance does not cover it", body = ErrorBody),
        (status = 422, description = "Unknown balance type or a value out of range", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn charge(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<ChargeRequest>,
) -> HttpResponse {
    let (token, wallet_ref, b) = (bearer(&req), path.into_inner(), body.into_inner());
    let c = Charge {
        balance_type: b.balance_type,
        amount: b.amount,
        called_number: b.called_number,
        duration_s: b.duration_s,
    };
    respond(
        writing(&state, move |conn| {
            service::charge(conn, token.as_ref(), &wallet_ref, &c)
        })
        .await,
        StatusCode::CREATED,
        |edr_id| ChargeResponse { edr_id },
    )
}
