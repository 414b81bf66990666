//! Sites: create and edit forms, deletion, and the ownership checks the other areas reuse.

pub mod delete;
pub mod form;

use crate::auth::CurrentOperator;
use crate::db::models::{customer, site};
use crate::error::{AppError, AppResult};
use crate::routes::with_conn;
use crate::startup::AppState;
use actix_web::web;

/// The customer, if it exists and the operator may see it (else 404: nothing is revealed).
pub async fn ensure_customer_visible(
    state: &web::Data<AppState>,
    op: &CurrentOperator,
    customer_id: i64,
) -> AppResult<customer::Customer> {
    let sp = op.service_provider_id;
    with_conn(state, move |conn| {
        crate::lifecycle::compliance::settle_overdue(conn)?;
        customer::find(conn, customer::CustomerId(customer_id))?
            .filter(|c| sp.is_none_or(|sp| c.service_provider_id == sp))
            .ok_or(AppError::NotFound)
    })
    .await
}

/// The site and its customer, if the operator may see them.
pub async fn ensure_site_visible(
    state: &web::Data<AppState>,
    op: &CurrentOperator,
    site_id: i64,
) -> AppResult<(site::Site, customer::Customer)> {
    let sp = op.service_provider_id;
    with_conn(state, move |conn| {
        let s = site::find(conn, site_id)?.ok_or(AppError::NotFound)?;
        let c = customer::find(conn, customer::CustomerId(s.customer_id))?
            .filter(|c| sp.is_none_or(|sp| c.service_provider_id == sp))
            .ok_or(AppError::NotFound)?;
        Ok((s, c))
    })
    .await
}
