//! Who may see what: an operator limited to one service provider sees only that provider's
//! customers, sites, links and subscribers; anything else answers 404 (nothing is revealed).
//! Demo customers can no longer be changed. Services and handlers both ask here.

use crate::auth::CurrentOperator;
use crate::db::models::customer::{self, Customer, CustomerId};
use crate::db::models::subscriber::{self, Subscriber};
use crate::db::models::{link, reference, site};
use crate::db::models::{LinkId, SiteId, SubscriberId};
use crate::db::DbConnection;
use crate::domain::CustomerType;
use crate::error::{AppError, AppResult};
use crate::state::{with_conn, AppState};

/// The service provider an operator is limited to, if any.
pub type Scope = Option<i64>;

fn in_scope(scope: Scope, service_provider_id: i64) -> bool {
    scope.is_none_or(|sp| sp == service_provider_id)
}

/// The customer, if it exists and is in scope; settles overdue compliance reviews first so the
/// status read is current.
pub fn customer_visible(conn: &mut DbConnection, scope: Scope, id: i64) -> AppResult<Customer> {
    super::compliance::settle_overdue(conn)?;
    customer::find(conn, CustomerId(id))?
        .filter(|c| in_scope(scope, c.service_provider_id))
        .ok_or(AppError::NotFound)
}

/// The site and its customer, if in scope.
pub fn site_visible(
    conn: &mut DbConnection,
    scope: Scope,
    site_id: i64,
) -> AppResult<(site::Site, Customer)> {
    let s = site::find(conn, SiteId(site_id))?.ok_or(AppError::NotFound)?;
    let c = customer::find(conn, CustomerId(s.customer_id))?
        .filter(|c| in_scope(scope, c.service_provider_id))
        .ok_or(AppError::NotFound)?;
    Ok((s, c))
}

/// The link with its site and customer, if in scope.
pub fn link_visible(
    conn: &mut DbConnection,
    scope: Scope,
    link_id: i64,
) -> AppResult<(link::AccessLink, site::Site, Customer)> {
    let l = link::find(conn, LinkId(link_id))?.ok_or(AppError::NotFound)?;
    let (s, c) = site_visible(conn, scope, l.site_id)?;
    Ok((l, s, c))
}

/// The subscriber, if in scope.
pub fn subscriber_visible(conn: &mut DbConnection, scope: Scope, id: i64) -> AppResult<Subscriber> {
    subscriber::find(conn, SubscriberId(id))?
        .filter(|s| in_scope(scope, s.service_provider_id))
        .ok_or(AppError::NotFound)
}

/// The service providers an operator may work in, as `(id, name)`: their own, or all of them.
pub fn providers_for(conn: &mut DbConnection, scope: Scope) -> AppResult<Vec<(String, String)>> {
    Ok(reference::service_providers(conn)?
        .into_iter()
        .filter(|sp| in_scope(scope, sp.id))
        .map(|sp| (sp.id.to_string(), sp.name))
        .collect())
}

/// Refuses any change to a demo customer: it can only be deleted.
pub fn refuse_if_demo(c: &Customer) -> AppResult<()> {
    if c.customer_type == CustomerType::Live {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "{} is a demo customer: it can no longer be changed, only deleted.",
            c.company
        )))
    }
}

pub async fn ensure_customer_visible(
    state: &AppState,
    op: &CurrentOperator,
    id: i64,
) -> AppResult<Customer> {
    let scope = op.service_provider_id;
    with_conn(state, move |conn| customer_visible(conn, scope, id)).await
}

pub async fn ensure_site_visible(
    state: &AppState,
    op: &CurrentOperator,
    site_id: i64,
) -> AppResult<(site::Site, Customer)> {
    let scope = op.service_provider_id;
    with_conn(state, move |conn| site_visible(conn, scope, site_id)).await
}

pub async fn ensure_link_visible(
    state: &AppState,
    op: &CurrentOperator,
    link_id: i64,
) -> AppResult<(link::AccessLink, site::Site, Customer)> {
    let scope = op.service_provider_id;
    with_conn(state, move |conn| link_visible(conn, scope, link_id)).await
}

pub async fn ensure_subscriber_visible(
    state: &AppState,
    op: &CurrentOperator,
    id: i64,
) -> AppResult<Subscriber> {
    let scope = op.service_provider_id;
    with_conn(state, move |conn| subscriber_visible(conn, scope, id)).await
}
