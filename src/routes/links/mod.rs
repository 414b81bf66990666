//! Access links: create and edit forms, deletion.

pub mod delete;
pub mod form;

use crate::auth::CurrentOperator;
use crate::db::models::{customer, link, site};
use crate::error::{AppError, AppResult};
use crate::routes::with_conn;
use crate::startup::AppState;
use actix_web::web;

/// The link with its site and customer, if the operator may see them.
pub async fn ensure_link_visible(
    state: &web::Data<AppState>,
    op: &CurrentOperator,
    link_id: i64,
) -> AppResult<(link::AccessLink, site::Site, customer::Customer)> {
    let sp = op.service_provider_id;
    with_conn(state, move |conn| {
        let l = link::find(conn, link_id)?.ok_or(AppError::NotFound)?;
        let s = site::find(conn, l.site_id)?.ok_or(AppError::NotFound)?;
        let c = customer::find(conn, customer::CustomerId(s.customer_id))?
            .filter(|c| sp.is_none_or(|sp| c.service_provider_id == sp))
            .ok_or(AppError::NotFound)?;
        Ok((l, s, c))
    })
    .await
}
