//! GET `/c/{webid}/telephony`: the customer's own telephony configuration, read-only: devices,
//! dialing routes and translation rules; SIP secrets never (the page has no way to them).

use super::{load_brand, PortalLayout};
use crate::auth::PortalUser;
use crate::error::AppResult;
use crate::routes::customers::telephony::TelephonyView;
use crate::service::telephony as service;
use crate::state::{with_conn, AppState};
use actix_web::web;
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "portal/telephony.html")]
pub struct PortalTelephonyPage {
    pub layout: PortalLayout,
    pub view: TelephonyView,
}

pub async fn page(
    user: PortalUser,
    state: web::Data<AppState>,
    flashes: IncomingFlashMessages,
) -> AppResult<PortalTelephonyPage> {
    let customer = user.customer.clone();
    let branding_id = customer.branding_id;
    let (brand, t) = with_conn(&state, move |conn| {
        Ok((
            load_brand(conn, branding_id)?,
            service::own(conn, customer)?,
        ))
    })
    .await?;
    Ok(PortalTelephonyPage {
        layout: PortalLayout::signed_in(&user, brand, &flashes),
        view: TelephonyView::of(&t),
    })
}
