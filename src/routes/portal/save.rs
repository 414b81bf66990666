//! POSTs of the portal's Save buttons: the customer's own name and description, its sites,
//! and the access links of one of its sites. The operators' pane-save code does the work,
//! limited to rows of the signed-in customer.

use super::safe_portal_return;
use crate::auth::access::refuse_if_demo;
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, PortalUser};
use crate::db::models::site;
use crate::error::{AppError, AppResult};
use crate::routes::customers::save::{save_pane, Pane};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};

pub async fn customer(
    state: web::Data<AppState>,
    user: PortalUser,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    refuse_if_demo(&user.customer)?;
    let return_to = safe_portal_return(&user.customer.webid, form.0.get("return_to"));
    let pane = Pane::OwnCustomer {
        customer_id: user.customer.id,
    };
    save_pane(state, user.actor(), form.0, pane, return_to).await
}

pub async fn sites(
    state: web::Data<AppState>,
    user: PortalUser,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    refuse_if_demo(&user.customer)?;
    let return_to = safe_portal_return(&user.customer.webid, form.0.get("return_to"));
    let pane = Pane::Sites {
        customer_id: user.customer.id,
    };
    save_pane(state, user.actor(), form.0, pane, return_to).await
}

pub async fn links(
    state: web::Data<AppState>,
    user: PortalUser,
    path: web::Path<(String, i64)>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    refuse_if_demo(&user.customer)?;
    let (_, site_id) = path.into_inner();
    let customer_id = user.customer.id;
    // A site of another customer is not there, as far as this portal can tell.
    with_conn(&state, move |conn| {
        site::find(conn, site_id)?
            .filter(|s| s.customer_id == customer_id)
            .map(|_| ())
            .ok_or(AppError::NotFound)
    })
    .await?;
    let return_to = safe_portal_return(&user.customer.webid, form.0.get("return_to"));
    save_pane(
        state,
        user.actor(),
        form.0,
        Pane::Links { site_id },
        return_to,
    )
    .await
}
