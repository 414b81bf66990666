//! The CDR upload endpoint: a batch of call records for the customers' billing.

use super::charging::ErrorBody;
use super::{app_error, bearer, failure};
use crate::domain::billing::{cdr_parts, CdrCost};
use crate::service::charging::cdrs::{self as service, Uploaded};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One call record.
#[derive(Deserialize, ToSchema)]
pub struct CdrBody {
    /// The customer's account code.
    pub account_code: String,
    /// `YYYY-MM-DD HH:MM:SS` (UTC) or RFC 3339.
    pub started_at: String,
    /// Whole seconds, 0 to a week.
    pub duration_s: i64,
    /// Digits, optionally after one `+`.
    pub calling: String,
    pub called: String,
    /// Minor units of the customer's billing currency (its billing decimals), ≥ 0.
    pub cost: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct CdrUpload {
    /// 1 to 10,000 records.
    pub cdrs: Vec<CdrBody>,
}

#[derive(Serialize, ToSchema)]
pub struct CdrStored {
    /// The import, as listed under CDR imports.
    pub import_id: Option<i64>,
    pub new_rows: i64,
    /// Rows already on file (same account code, start, calling and called), skipped.
    pub duplicate_rows: i64,
}

/// One refused record.
#[derive(Serialize, ToSchema)]
pub struct CdrError {
    /// Its position in `cdrs`, from 0.
    pub index: u64,
    pub error: String,
}

#[derive(Serialize, ToSchema)]
pub struct CdrRefused {
    pub error: String,
    /// How many records were bad.
    pub bad_rows: i64,
    /// The first 100 of them.
    pub errors: Vec<CdrError>,
}

/// Stores a batch of CDRs: all of them, or none when a record is bad.
#[utoipa::path(
    post,
    path = "/api/v1/cdrs",
    request_body = CdrUpload,
    responses(
        (status = 201, description = "Stored (duplicates skipped)", body = CdrStored),
        (status = 400, description = "Bad JSON or wrong types", body = ErrorBody),
        (status = 401, description = "No or bad token", body = ErrorBody),
        (status = 422, description = "A record is bad (unknown account code, bad number, negative duration or cost); nothing stored", body = CdrRefused),
    ),
    security(("bearer" = []))
)]
pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<CdrUpload>,
) -> HttpResponse {
    let token = bearer(&req);
    let rows = body
        .into_inner()
        .cdrs
        .into_iter()
        .map(|c| {
            cdr_parts(
                &c.account_code,
                &c.started_at,
                c.duration_s,
                (&c.calling, &c.called),
                CdrCost::Minor(c.cost),
            )
        })
        .collect();
    match with_conn(&state, move |conn| {
        Ok(service::upload(conn, token.as_ref(), rows))
    })
    .await
    {
        Ok(Ok(Uploaded::Stored(r))) => HttpResponse::Created().json(CdrStored {
            import_id: r.import_id,
            new_rows: r.new_rows,
            duplicate_rows: r.duplicate_rows,
        }),
        Ok(Ok(Uploaded::Refused(bad))) => HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY)
            .json(CdrRefused {
                error: format!("{} of the records are bad; nothing was stored.", bad.count),
                bad_rows: bad.count,
                errors: bad
                    .rows
                    .into_iter()
                    .map(|(index, error)| CdrError { index, error })
                    .collect(),
            }),
        Ok(Err(f)) => failure(f),
        Err(e) => app_error(e),
    }
}
