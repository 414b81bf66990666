//! Operations endpoints: `/readyz` (the database answers and its migrations are current) and
//! `/metrics` (Prometheus text, only for the addresses in `SELFCARE_METRICS_ALLOW`).

use crate::error::AppError;
use crate::state::{with_conn, AppState};
use actix_web::{web, HttpRequest, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics));
}

fn plain(status: actix_web::http::StatusCode, body: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(body)
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    use actix_web::http::StatusCode;
    match with_conn(&state, |conn| {
        crate::db::pending_migrations(conn).map_err(AppError::Internal)
    })
    .await
    {
        Ok(false) => plain(StatusCode::OK, "ready"),
        Ok(true) => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "database migrations are pending",
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            plain(StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let allowed = req
        .peer_addr()
        .is_some_and(|peer| state.metrics_allow.contains(peer.ip()));
    if !allowed {
        return Err(AppError::NotFound);
    }
    let jobs = with_conn(&state, |conn| {
        Ok(crate::db::models::stats::export_jobs_by_status(conn)?)
    })
    .await?;
    crate::metrics::set_gauges(&state.pool, &jobs);
    let body = crate::metrics::render().unwrap_or_default();
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}
