//! Every request: an id (taken from a well-formed `X-Request-Id` of the proxy, or made here),
//! sent back as `X-Request-Id` and shown on error pages; one access-log line; the request
//! counted and timed in the metrics under its route pattern (never the raw path, so ids in
//! paths do not multiply the series).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use rand::RngCore;
use std::time::Instant;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

/// A proxy's id is kept when it is short and plain; anything else is replaced.
fn incoming_id(req: &ServiceRequest) -> Option<String> {
    let v = req.headers().get(HEADER)?.to_str().ok()?;
    let ok = !v.is_empty()
        && v.len() <= 64
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then(|| v.to_string())
}

fn new_id() -> String {
    let mut bytes = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let id = incoming_id(&req).unwrap_or_else(new_id);
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let path = req.path().to_string();
    let span = tracing::info_span!("request", request_id = %id, %method, %route);
    let result =
        crate::telemetry::with_request_id(id.clone(), next.call(req).instrument(span.clone()))
            .await;
    // An error raised by a middleware (not a handler) becomes its page after this point; it
    // is still counted and logged.
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    let seconds = started.elapsed().as_secs_f64();
    crate::metrics::request(&method, &route, status, seconds);
    span.in_scope(|| {
        tracing::info!(
            target: "access",
            status,
            ms = (seconds * 1000.0).round() as u64,
            path = %path,
            "{method} {path} {status}"
        );
    });
    let mut res = result?;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(HeaderName::from_static(HEADER), v);
    }
    Ok(res)
}
