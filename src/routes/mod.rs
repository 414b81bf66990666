//! HTTP routes, one module per area; handlers stay thin (extract, parse, query, render).

mod admin;
mod audit;
mod billing;
mod brandings;
mod compliance;
mod confirm;
mod customers;
mod exports;
pub mod flash_store;
mod health;
pub mod history;
pub mod input_guard;
mod layout;
mod limits_page;
mod links;
mod login;
mod multipart;
mod my_preferences;
mod object_form;
pub mod observe;
mod operators;
mod ops;
mod packages;
mod pane_save;
mod people;
mod portal;
mod preferences;
mod query_url;
mod sites;
mod static_files;
mod subscribers;

pub use layout::Layout;

use crate::error::{AppError, AppResult};
use actix_web::http::header;
use actix_web::{web, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/static/{path:.*}", web::get().to(static_files::serve))
        .configure(ops::configure)
        .configure(login::configure)
        .configure(exports::configure)
        .configure(customers::configure)
        .configure(sites::configure)
        .configure(links::configure)
        .route("/preferences", web::get().to(my_preferences::page))
        .route("/preferences", web::post().to(my_preferences::save))
        .route(
            "/preferences/columns",
            web::post().to(preferences::save_columns),
        )
        .route(
            "/preferences/page-size",
            web::post().to(preferences::save_page_size),
        )
        .route("/audit", web::get().to(audit::page))
        .configure(portal::configure)
        .configure(operators::configure)
        .configure(brandings::configure)
        .configure(compliance::configure)
        .configure(packages::configure)
        .configure(customers::numbers::configure)
        .configure(customers::telephony::configure)
        .configure(people::configure)
        .configure(billing::configure)
        .configure(subscribers::configure)
        .configure(admin::configure)
        .default_service(web::to(not_found));
}

async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// Bad form bodies get the error page, not a bare text answer.
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(512 * 1024)
        .error_handler(|err, _| {
            AppError::BadRequest(format!("The form could not be read ({err}).")).into()
        })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        AppError::BadRequest(format!("The address could not be read ({err}).")).into()
    })
}

/// An id in the path that is not a number names nothing: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into())
}

/// Renders a page with a status other than 200 (422 for a form with mistakes).
pub fn render<T: askama::Template>(
    status: actix_web::http::StatusCode,
    page: &T,
) -> AppResult<HttpResponse> {
    let body = page
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// Adds a cookie (the visitor's form token) to a rendered page when one is to be set.
pub fn with_cookie(
    mut resp: HttpResponse,
    cookie: Option<actix_web::cookie::Cookie<'static>>,
) -> AppResult<HttpResponse> {
    if let Some(c) = cookie {
        resp.add_cookie(&c)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    }
    Ok(resp)
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A `return_to` from a form, accepted only if it points back into the customers page.
pub fn safe_return(to: Option<&str>) -> String {
    match to {
        Some(t) if t.starts_with("/customers") && !t.contains("//") && !t.contains('\\') => {
            t.to_string()
        }
        _ => "/customers".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_to_stays_on_the_customers_page() {
        assert_eq!(
            safe_return(Some("/customers?customer=3")),
            "/customers?customer=3"
        );
        assert_eq!(safe_return(Some("https://evil.example/")), "/customers");
        assert_eq!(safe_return(Some("/customers//evil")), "/customers");
        assert_eq!(safe_return(None), "/customers");
    }
}
