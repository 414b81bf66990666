//! The customer portal at `/c/{webid}/`: a customer's administrators sign in on their own
//! branded page, see their customer, sites and access links, rename and describe them, and
//! change their password. Every handler here is scoped by the customer the `PortalUser`
//! extractor returns; ids in paths and forms are checked against it.

pub mod brand;
pub mod exports;
mod home;
pub mod login;
pub mod password;
pub mod save;
mod telephony;

use crate::auth::PortalUser;
use crate::db::models::reference::Branding;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::routes::layout::{collect_flashes, Flash};
use actix_web::web;
use actix_web_flash_messages::IncomingFlashMessages;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{webid}/login", web::get().to(login::form))
        .route("/c/{webid}/login", web::post().to(login::login))
        .route("/c/{webid}/logout", web::post().to(login::logout))
        .route("/c/{webid}/leave", web::post().to(login::leave))
        .route("/c/{webid}/brand.css", web::get().to(brand::css))
        .route("/c/{webid}/logo", web::get().to(brand::logo))
        .route("/c/{webid}/", web::get().to(home::page))
        .route("/c/{webid}", web::get().to(home::to_home))
        .route("/c/{webid}/telephony", web::get().to(telephony::page))
        .route("/c/{webid}/customer/save", web::post().to(save::customer))
        .route("/c/{webid}/sites/save", web::post().to(save::sites))
        .route(
            "/c/{webid}/sites/{site_id}/links/save",
            web::post().to(save::links),
        )
        .route(
            "/c/{webid}/sites/export.{fmt}",
            web::get().to(exports::sites),
        )
        .route(
            "/c/{webid}/sites/{site_id}/links/export.{fmt}",
            web::get().to(exports::links),
        )
        .route("/c/{webid}/password", web::get().to(password::form))
        .route("/c/{webid}/password", web::post().to(password::change));
}

/// What the portal's frame shows of the customer's branding.
pub struct BrandView {
    pub name: String,
    pub footer: String,
    pub has_logo: bool,
}

impl BrandView {
    fn of(b: Option<Branding>, has_logo: bool) -> BrandView {
        match b {
            Some(b) => BrandView {
                name: if b.display_name.trim().is_empty() {
                    b.name
                } else {
                    b.display_name
                },
                footer: b.footer_text,
                has_logo,
            },
            None => BrandView {
                name: "Customer portal".into(),
                footer: String::new(),
                has_logo: false,
            },
        }
    }
}

/// Who is signed in to the portal, for the frame.
pub struct PortalWho {
    pub username: String,
    /// Whether they may change things (the portal's forms show only then).
    pub can_edit: bool,
    pub company: String,
    /// The operator who switched to this portal, if that is who is looking.
    pub impersonator: Option<String>,
}

/// The frame of every portal page: branding, CSRF token, flash messages, who is signed in.
pub struct PortalLayout {
    pub webid: String,
    pub brand: BrandView,
    pub csrf_token: String,
    pub flashes: Vec<Flash>,
    pub who: Option<PortalWho>,
    /// The zone the page's times are in, named at its foot (signed-in pages).
    pub time_zone: Option<&'static str>,
}

/// The branding of a customer, read in the caller's database trip.
pub fn load_brand(conn: &mut DbConnection, branding_id: i64) -> AppResult<BrandView> {
    let (branding, has_logo) = crate::service::brandings::portal_brand(conn, branding_id)?;
    Ok(BrandView::of(branding, has_logo))
}

impl PortalLayout {
    pub fn signed_in(
        user: &PortalUser,
        brand: BrandView,
        flashes: &IncomingFlashMessages,
    ) -> PortalLayout {
        PortalLayout {
            webid: user.customer.webid.clone(),
            brand,
            csrf_token: user.csrf_token.clone(),
            flashes: collect_flashes(flashes),
            who: Some(PortalWho {
                username: user.username().to_string(),
                can_edit: user.role.can_edit(),
                company: user.customer.company.clone(),
                impersonator: user.impersonator.clone(),
            }),
            time_zone: Some(user.zone.name()),
        }
    }

    pub fn anonymous(
        webid: &str,
        brand: BrandView,
        csrf_token: String,
        flashes: &IncomingFlashMessages,
    ) -> PortalLayout {
        PortalLayout {
            webid: webid.to_string(),
            brand,
            csrf_token,
            flashes: collect_flashes(flashes),
            who: None,
            time_zone: None,
        }
    }
}

/// A `return_to` from a portal form, accepted only if it stays inside this portal.
pub fn safe_portal_return(webid: &str, to: Option<&str>) -> String {
    let home = crate::auth::portal::home_of(webid);
    match to {
        Some(t) if t.starts_with(&home) && !t.contains("//") && !t.contains('\\') => t.to_string(),
        _ => home,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_to_stays_inside_the_portal() {
        assert_eq!(
            safe_portal_return("acme", Some("/c/acme/?site=3")),
            "/c/acme/?site=3"
        );
        assert_eq!(safe_portal_return("acme", Some("/c/other/")), "/c/acme/");
        assert_eq!(safe_portal_return("acme", Some("/customers")), "/c/acme/");
        assert_eq!(
            safe_portal_return("acme", Some("/c/acme//evil")),
            "/c/acme/"
        );
        assert_eq!(safe_portal_return("acme", None), "/c/acme/");
    }
}
