//! The customer's branding as files the portal pages load: a tiny stylesheet with the primary
//! colour (the CSP allows no inline styles) and the logo. Served to anyone, since the sign-in
//! page needs them.

use crate::auth::portal::customer_by_webid;
use crate::domain::HexColor;
use crate::error::{AppError, AppResult};
use crate::service::brandings;
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};

/// The colour every portal falls back to when a stored one is unusable.
const DEFAULT_COLOR: &str = "#1f5fa8";

pub async fn css(state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let customer = customer_by_webid(&state, &path.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let branding_id = customer.branding_id;
    let color = with_conn(&state, move |conn| {
        brandings::primary_color(conn, branding_id)
    })
    .await?;
    // Only a well-formed colour reaches the stylesheet, whatever is stored; one saved before
    // the contrast rule is darkened until the header's white text reads on it.
    let color = color
        .and_then(|c| HexColor::parse(&c).ok())
        .map(|c| c.readable_under_white().as_str().to_string())
        .unwrap_or_else(|| DEFAULT_COLOR.to_string());
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(stylesheet(&color)))
}

fn stylesheet(color: &str) -> String {
    format!(
        ":root {{ --accent: {color}; --brand: {color}; }}\n\
         body.portal .topbar {{ background: {color}; }}\n\
         body.portal .brand-name {{ color: #fff; }}\n"
    )
}

/// The logo as stored, with the type its content was recognised as (nosniff is on).
pub fn logo_response(found: Option<(String, Vec<u8>)>) -> AppResult<HttpResponse> {
    let (content_type, data) = found.ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(data))
}

pub async fn logo(state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let customer = customer_by_webid(&state, &path.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let branding_id = customer.branding_id;
    let found = with_conn(&state, move |conn| brandings::logo(conn, branding_id)).await?;
    logo_response(found)
}
