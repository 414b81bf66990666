//! A customer's people, on both sides: operators at `/customers/{id}/…` and the customer's own
//! administrators in the portal at `/c/{webid}/…` (administrators, users, pending billing
//! changes). One handler body serves both; `Side` says who asks, whose customer it is and where
//! the pages' forms post. Viewers (operator or portal) see; only editors change.

/// Renders `view` in the frame of its side: `$op_page` / `$portal_page` are the two page
/// structs (fields `layout` and `view`) that share one body template.
macro_rules! people_page {
    ($frame:expr, $status:expr, $view:expr, $op_page:ident, $portal_page:ident) => {
        match $frame {
            crate::routes::people::Frame::Operator(layout) => crate::routes::render(
                $status,
                &$op_page {
                    layout,
                    view: $view,
                },
            ),
            crate::routes::people::Frame::Portal(layout) => crate::routes::render(
                $status,
                &$portal_page {
                    layout,
                    view: $view,
                },
            ),
        }
    };
}

pub mod admins;
pub mod billing_changes;
pub mod pbx_options;
pub mod users;
pub mod welcome;

use crate::auth::{CurrentOperator, PortalUser};
use crate::error::AppResult;
use crate::routes::portal::{load_brand, PortalLayout};
use crate::routes::Layout;
use crate::service::customer_users::Whose;
use crate::state::{with_conn, AppState};
use actix_web::web;
use actix_web_flash_messages::IncomingFlashMessages;

pub fn configure(cfg: &mut web::ServiceConfig) {
    admins::configure(cfg);
    billing_changes::configure(cfg);
    pbx_options::configure(cfg);
    users::configure(cfg);
    welcome::configure(cfg);
}

/// Who asks: an operator about a customer by id, or someone in a customer's portal.
pub enum Side {
    Operator {
        op: CurrentOperator,
        customer_id: i64,
        editor: bool,
    },
    Portal {
        user: Box<PortalUser>,
        editor: bool,
    },
}

impl Side {
    pub fn operator(op: CurrentOperator, customer_id: i64) -> Side {
        let editor = op.role.can_edit();
        Side::Operator {
            op,
            customer_id,
            editor,
        }
    }

    pub fn portal(user: PortalUser) -> Side {
        let editor = user.role.can_edit();
        Side::Portal {
            user: Box::new(user),
            editor,
        }
    }

    pub fn whose(&self) -> Whose {
        match self {
            Side::Operator {
                op, customer_id, ..
            } => Whose::Operator {
                scope: op.service_provider_id,
                customer_id: *customer_id,
            },
            Side::Portal { user, .. } => Whose::Portal(Box::new(user.customer.clone())),
        }
    }

    pub fn actor(&self) -> String {
        match self {
            Side::Operator { op, .. } => op.actor(),
            Side::Portal { user, .. } => user.actor(),
        }
    }

    /// Where this side's pages of the customer live: `/customers/{id}` or `/c/{webid}`.
    pub fn base(&self) -> String {
        match self {
            Side::Operator { customer_id, .. } => format!("/customers/{customer_id}"),
            Side::Portal { user, .. } => format!("/c/{}", user.customer.webid),
        }
    }

    pub fn can_edit(&self) -> bool {
        match self {
            Side::Operator { editor, .. } | Side::Portal { editor, .. } => *editor,
        }
    }

    pub fn is_portal(&self) -> bool {
        matches!(self, Side::Portal { .. })
    }

    pub fn csrf_token(&self) -> String {
        match self {
            Side::Operator { op, .. } => op.csrf_token.clone(),
            Side::Portal { user, .. } => user.csrf_token.clone(),
        }
    }

    /// The signed-in customer administrator's id (portal only).
    pub fn admin_id(&self) -> Option<i64> {
        match self {
            Side::Portal { user, .. } => user.admin.as_ref().map(|a| a.id),
            Side::Operator { .. } => None,
        }
    }
}

/// The frame of a page on either side.
pub enum Frame {
    Operator(Layout),
    Portal(PortalLayout),
}

impl Frame {
    pub async fn of(
        side: &Side,
        state: &web::Data<AppState>,
        flashes: &IncomingFlashMessages,
    ) -> AppResult<Frame> {
        Ok(match side {
            Side::Operator { op, .. } => Frame::Operator(Layout::for_operator(op, flashes)),
            Side::Portal { user, .. } => {
                let branding_id = user.customer.branding_id;
                let brand = with_conn(state, move |conn| load_brand(conn, branding_id)).await?;
                Frame::Portal(PortalLayout::signed_in(user, brand, flashes))
            }
        })
    }
}
