//! `sites`: rows, insert and update forms, a customer's sites in a given order.

use super::SiteId;
use super::{After, KeysetValue, Order, Page};
use crate::db::schema::sites;
use crate::db::DbConnection;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = sites)]
pub struct Site {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub description: String,
    pub address: String,
    pub country: String,
    pub time_zone: String,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = sites)]
pub struct NewSite {
    pub customer_id: i64,
    pub name: String,
    pub description: String,
    pub address: String,
    pub country: String,
    pub time_zone: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The editable fields of a site (the edit form).
#[derive(Debug, AsChangeset)]
#[diesel(table_name = sites)]
pub struct SiteUpdate {
    pub name: String,
    pub description: String,
    pub address: String,
    pub country: String,
    pub time_zone: String,
    pub updated_at: i64,
}

/// One page of a customer's sites, in `order` (a column of the sites list's allow-list).
pub fn list_for_customer(
    conn: &mut DbConnection,
    customer_id: i64,
    order: Order,
    page: i64,
    per_page: i64,
) -> QueryResult<Page<Site>> {
    let rows = sites::table
        .filter(sites::customer_id.eq(customer_id))
        .order(order.by("sites.id"))
        .select(Site::as_select())
        .limit(per_page + 1)
        .offset(page.max(0) * per_page)
        .load(conn)?;
    Ok(Page::from_overfetch(rows, per_page))
}

pub fn find(conn: &mut DbConnection, id: SiteId) -> QueryResult<Option<Site>> {
    sites::table
        .find(id.0)
        .select(Site::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, new: &NewSite) -> QueryResult<Site> {
    let id: i64 = diesel::insert_into(sites::table)
        .values(new)
        .returning(sites::id)
        .get_result(conn)?;
    sites::table.find(id).select(Site::as_select()).first(conn)
}

/// Applies the edit form if the row still has `version`; returns the new row if it did.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    changes: &SiteUpdate,
) -> QueryResult<Option<Site>> {
    let n = diesel::update(
        sites::table
            .filter(sites::id.eq(id))
            .filter(sites::version.eq(version)),
    )
    .set((changes, sites::version.eq(version.saturating_add(1))))
    .execute(conn)?;
    if n == 1 {
        find(conn, SiteId(id))
    } else {
        Ok(None)
    }
}

pub fn update_name_description(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    name: &str,
    description: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        sites::table
            .filter(sites::id.eq(id))
            .filter(sites::version.eq(version)),
    )
    .set((
        sites::name.eq(name),
        sites::description.eq(description),
        sites::version.eq(version.saturating_add(1)),
        sites::updated_at.eq(crate::db::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn delete(conn: &mut DbConnection, id: SiteId) -> QueryResult<usize> {
    diesel::delete(sites::table.find(id.0)).execute(conn)
}

/// A customer's sites after `after` in `order` (keyset pagination for exports).
pub fn list_after(
    conn: &mut DbConnection,
    customer_id: i64,
    order: Order,
    after: After,
    limit: i64,
) -> QueryResult<Vec<Site>> {
    let mut q = sites::table
        .filter(sites::customer_id.eq(customer_id))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(cond) = order.after(after, "sites.id") {
        q = q.filter(cond);
    }
    q.order(order.by("sites.id"))
        .select(Site::as_select())
        .limit(limit)
        .load(conn)
}

/// Whether the customer has more than `n` sites.
pub fn more_than_for_customer(
    conn: &mut DbConnection,
    customer_id: i64,
    n: i64,
) -> QueryResult<bool> {
    sites::table
        .filter(sites::customer_id.eq(customer_id))
        .select(sites::id)
        .offset(n)
        .limit(1)
        .first::<i64>(conn)
        .optional()
        .map(|row| row.is_some())
}

/// How many of the customer's sites come before site `id` (`value` in `order`'s column).
pub fn position(
    conn: &mut DbConnection,
    customer_id: i64,
    order: Order,
    (value, id): (KeysetValue, i64),
) -> QueryResult<i64> {
    sites::table
        .filter(sites::customer_id.eq(customer_id))
        .into_boxed::<crate::db::MultiBackend>()
        .filter(order.before(value, id, "sites.id"))
        .count()
        .get_result(conn)
}

pub fn count_for_customer(conn: &mut DbConnection, customer_id: i64) -> QueryResult<i64> {
    sites::table
        .filter(sites::customer_id.eq(customer_id))
        .count()
        .get_result(conn)
}
