//! GET `/healthz`: 200 when the database answers, 503 when it does not.

use crate::service::health;
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match with_conn(&state, health::database_answers).await {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable")
        }
    }
}
