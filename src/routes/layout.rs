//! What every operator page's frame needs: who is signed in (and which menus they see), the
//! CSRF token, and the request's flash messages.

use crate::auth::CurrentOperator;
use crate::domain::Zone;
use actix_web_flash_messages::{IncomingFlashMessages, Level};

pub struct Flash {
    pub level: &'static str,
    pub text: String,
}

pub struct UserView {
    pub username: String,
    pub role: &'static str,
    /// Admins see the settings pages (operators, branding, lists) in the menu.
    pub is_admin: bool,
    /// Compliance reviewers (and admins) see the review queue.
    pub reviews: bool,
}

pub struct Layout {
    pub user: Option<UserView>,
    pub csrf_token: String,
    pub flashes: Vec<Flash>,
    /// The zone the page's times are in, named at its foot (signed-in pages).
    pub time_zone: Option<Zone>,
}

impl Layout {
    pub fn for_operator(op: &CurrentOperator, flashes: &IncomingFlashMessages) -> Layout {
        Layout {
            user: Some(UserView {
                username: op.username.clone(),
                role: op.role.label(),
                is_admin: op.role == crate::domain::Role::Admin,
                reviews: matches!(
                    op.role,
                    crate::domain::Role::Admin | crate::domain::Role::Compliance
                ),
            }),
            csrf_token: op.csrf_token.clone(),
            flashes: collect_flashes(flashes),
            time_zone: Some(op.zone.clone()),
        }
    }

    /// The zone the page's times are shown in (UTC on pages without a viewer).
    pub fn zone(&self) -> Zone {
        self.time_zone.clone().unwrap_or_else(Zone::utc)
    }

    pub fn anonymous(csrf_token: String, flashes: &IncomingFlashMessages) -> Layout {
        Layout {
            user: None,
            csrf_token,
            flashes: collect_flashes(flashes),
            time_zone: None,
        }
    }
}

/// The flash messages of a request, ready for a page.
pub fn collect_flashes(flashes: &IncomingFlashMessages) -> Vec<Flash> {
    flashes
        .iter()
        .map(|m| Flash {
            level: match m.level() {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Success => "success",
                _ => "info",
            },
            text: m.content().to_string(),
        })
        .collect()
}
