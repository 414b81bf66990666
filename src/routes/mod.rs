//! HTTP routes, one module per area; handlers stay thin (extract, parse, query, render).

mod admin;
mod audit;
mod brandings;
mod compliance;
mod confirm;
mod customers;
mod exports;
mod health;
mod layout;
mod links;
mod login;
mod multipart;
mod operators;
mod packages;
mod portal;
mod preferences;
mod query_url;
mod sites;
mod static_files;
mod subscribers;

pub use layout::{FormState, Layout};

use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/static/{path:.*}", web::get().to(static_files::serve))
        .route("/", web::get().to(customers::panes::home))
        .route("/login", web::get().to(login::get::login_form))
        .route("/login", web::post().to(login::post::login))
        .route("/logout", web::post().to(login::post::logout))
        .route(
            "/customers/export.{fmt}",
            web::get().to(exports::lists::customers),
        )
        .route(
            "/customers/{id}/sites/export.{fmt}",
            web::get().to(exports::lists::sites),
        )
        .route(
            "/sites/{id}/links/export.{fmt}",
            web::get().to(exports::lists::links),
        )
        .route(
            "/links/export.{fmt}",
            web::get().to(exports::lists::inventory),
        )
        .route("/exports", web::get().to(exports::jobs::list))
        .route("/exports/{id}", web::get().to(exports::jobs::show))
        .route(
            "/exports/{id}/download",
            web::get().to(exports::jobs::download),
        )
        .route("/customers", web::get().to(customers::panes::page))
        .route("/customers", web::post().to(customers::create::create))
        .route("/customers/new", web::get().to(customers::create::form))
        .route(
            "/customers/save",
            web::post().to(customers::save::save_customers),
        )
        .route(
            "/customers/{id}/delete",
            web::get().to(customers::delete::confirm),
        )
        .route("/customers/{id}/edit", web::get().to(customers::edit::form))
        .route("/customers/{id}", web::post().to(customers::edit::update))
        .route(
            "/customers/{id}/impersonate",
            web::post().to(customers::impersonate::impersonate),
        )
        .route(
            "/customers/{id}/status",
            web::post().to(customers::lifecycle::set_status),
        )
        .route(
            "/customers/{id}/demo",
            web::get().to(customers::lifecycle::demo_confirm),
        )
        .route(
            "/customers/{id}/demo",
            web::post().to(customers::lifecycle::demo),
        )
        .route(
            "/customers/{id}/delete",
            web::post().to(customers::delete::delete),
        )
        .route("/customers/{id}/sites", web::post().to(sites::form::create))
        .route(
            "/customers/{id}/sites/new",
            web::get().to(sites::form::new_form),
        )
        .route(
            "/customers/{id}/sites/save",
            web::post().to(customers::save::save_sites),
        )
        .route("/sites/{id}/edit", web::get().to(sites::form::edit_form))
        .route("/sites/{id}", web::post().to(sites::form::update))
        .route("/sites/{id}/delete", web::get().to(sites::delete::confirm))
        .route("/sites/{id}/delete", web::post().to(sites::delete::delete))
        .route("/sites/{id}/links", web::post().to(links::form::create))
        .route(
            "/sites/{id}/links/new",
            web::get().to(links::form::new_form),
        )
        .route(
            "/sites/{id}/links/save",
            web::post().to(customers::save::save_links),
        )
        .route("/links/{id}/edit", web::get().to(links::form::edit_form))
        .route("/links/{id}", web::post().to(links::form::update))
        .route("/links/{id}/delete", web::get().to(links::delete::confirm))
        .route("/links/{id}/delete", web::post().to(links::delete::delete))
        .route(
            "/preferences/columns",
            web::post().to(preferences::save_columns),
        )
        .route("/audit", web::get().to(audit::page))
        .configure(portal::configure)
        .configure(operators::configure)
        .configure(brandings::configure)
        .configure(compliance::configure)
        .configure(packages::configure)
        .configure(customers::numbers::configure)
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

/// Runs blocking database work on the thread pool with a pooled connection.
pub async fn with_conn<T, F>(state: &web::Data<AppState>, f: F) -> AppResult<T>
where
    F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
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

/// Formats a UTC timestamp for display.
pub fn format_time(ts: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

pub fn format_date(ts: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
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

    #[test]
    fn times_show_in_utc() {
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_date(86400), "1970-01-02");
    }
}
