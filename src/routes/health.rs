//! GET `/healthz`: 200 when the database answers, 503 when it does not.

use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match with_conn(&state, |conn| Ok(conn.batch_execute("SELECT 1")?)).await {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable")
        }
    }
}
