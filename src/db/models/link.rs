//! `access_links`: rows, insert and update forms, a site's links in a given order, the
//! inventory of every link.

use super::LinkId;
use super::{After, KeysetValue, Order, Page};
use crate::db::schema::access_links;
use crate::db::DbConnection;
use crate::domain::{LinkStatus, LinkType};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = access_links)]
pub struct AccessLink {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub description: String,
    #[diesel(deserialize_as = String)]
    pub link_type: LinkType,
    pub bandwidth_down_kbps: i64,
    pub bandwidth_up_kbps: i64,
    pub ip_address: String,
    pub circuit_id: String,
    #[diesel(deserialize_as = String)]
    pub status: LinkStatus,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = access_links)]
pub struct NewAccessLink {
    pub site_id: i64,
    pub name: String,
    pub description: String,
    #[diesel(serialize_as = String)]
    pub link_type: LinkType,
    pub bandwidth_down_kbps: i64,
    pub bandwidth_up_kbps: i64,
    pub ip_address: String,
    pub circuit_id: String,
    #[diesel(serialize_as = String)]
    pub status: LinkStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = access_links)]
pub struct AccessLinkUpdate {
    pub name: String,
    pub description: String,
    #[diesel(serialize_as = String)]
    pub link_type: LinkType,
    pub bandwidth_down_kbps: i64,
    pub bandwidth_up_kbps: i64,
    pub ip_address: String,
    pub circuit_id: String,
    #[diesel(serialize_as = String)]
    pub status: LinkStatus,
    pub updated_at: i64,
}

/// One page of a site's access links, in `order` (a column of the links list's allow-list).
pub fn list_for_site(
    conn: &mut DbConnection,
    site_id: i64,
    order: Order,
    page: i64,
    per_page: i64,
) -> QueryResult<Page<AccessLink>> {
    let rows = access_links::table
        .filter(access_links::site_id.eq(site_id))
        .order(order.by("access_links.id"))
        .select(AccessLink::as_select())
        .limit(per_page + 1)
        .offset(page.max(0) * per_page)
        .load(conn)?;
    Ok(Page::from_overfetch(rows, per_page))
}

pub fn find(conn: &mut DbConnection, id: LinkId) -> QueryResult<Option<AccessLink>> {
    access_links::table
        .find(id.0)
        .select(AccessLink::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, new: &NewAccessLink) -> QueryResult<AccessLink> {
    let id: i64 = diesel::insert_into(access_links::table)
        .values(new.clone())
        .returning(access_links::id)
        .get_result(conn)?;
    access_links::table
        .find(id)
        .select(AccessLink::as_select())
        .first(conn)
}

pub fn update(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    changes: &AccessLinkUpdate,
) -> QueryResult<Option<AccessLink>> {
    let n = diesel::update(
        access_links::table
            .filter(access_links::id.eq(id))
            .filter(access_links::version.eq(version)),
    )
    .set((changes.clone(), access_links::version.eq(version + 1)))
    .execute(conn)?;
    if n == 1 {
        find(conn, LinkId(id))
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
        access_links::table
            .filter(access_links::id.eq(id))
            .filter(access_links::version.eq(version)),
    )
    .set((
        access_links::name.eq(name),
        access_links::description.eq(description),
        access_links::version.eq(version + 1),
        access_links::updated_at.eq(crate::db::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn delete(conn: &mut DbConnection, id: LinkId) -> QueryResult<usize> {
    diesel::delete(access_links::table.find(id.0)).execute(conn)
}

/// A site's links after `after` in `order` (keyset pagination for exports).
pub fn list_after(
    conn: &mut DbConnection,
    site_id: i64,
    order: Order,
    after: After,
    limit: i64,
) -> QueryResult<Vec<AccessLink>> {
    let mut q = access_links::table
        .filter(access_links::site_id.eq(site_id))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(cond) = order.after(after, "access_links.id") {
        q = q.filter(cond);
    }
    q.order(order.by("access_links.id"))
        .select(AccessLink::as_select())
        .limit(limit)
        .load(conn)
}

/// Whether the site has more than `n` access links.
pub fn more_than_for_site(conn: &mut DbConnection, site_id: i64, n: i64) -> QueryResult<bool> {
    access_links::table
        .filter(access_links::site_id.eq(site_id))
        .select(access_links::id)
        .offset(n)
        .limit(1)
        .first::<i64>(conn)
        .optional()
        .map(|row| row.is_some())
}

/// How many of the site's access links come before link `id` (`value` in `order`'s column).
pub fn position(
    conn: &mut DbConnection,
    site_id: i64,
    order: Order,
    (value, id): (KeysetValue, i64),
) -> QueryResult<i64> {
    access_links::table
        .filter(access_links::site_id.eq(site_id))
        .into_boxed::<crate::db::MultiBackend>()
        .filter(order.before(value, id, "access_links.id"))
        .count()
        .get_result(conn)
}

pub fn count_for_site(conn: &mut DbConnection, site_id: i64) -> QueryResult<i64> {
    access_links::table
        .filter(access_links::site_id.eq(site_id))
        .count()
        .get_result(conn)
}

/// Every access link with its site and customer, in id order after `after_id` (the inventory
/// export across all customers; `service_provider` limits it for operators bound to one).
pub fn inventory_after(
    conn: &mut DbConnection,
    service_provider: Option<i64>,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<(AccessLink, String, String, String)>> {
    use crate::db::schema::{customers, sites};
    let mut q = access_links::table
        .inner_join(sites::table.inner_join(customers::table))
        .filter(access_links::id.gt(after_id))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(sp) = service_provider {
        q = q.filter(customers::service_provider_id.eq(sp));
    }
    q.order(access_links::id.asc())
        .select((
            AccessLink::as_select(),
            customers::account_code,
            customers::company,
            sites::name,
        ))
        .limit(limit)
        .load(conn)
}

pub fn inventory_count(conn: &mut DbConnection, service_provider: Option<i64>) -> QueryResult<i64> {
    use crate::db::schema::{customers, sites};
    let mut q = access_links::table
        .inner_join(sites::table.inner_join(customers::table))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(sp) = service_provider {
        q = q.filter(customers::service_provider_id.eq(sp));
    }
    q.count().get_result(conn)
}

/// The customers (company, service provider) other than `except_customer` with a link on
/// exactly this address or prefix (as stored, normalised), at most `limit`, by company.
pub fn other_holders_of_ip(
    conn: &mut DbConnection,
    ip: &str,
    except_customer: i64,
    limit: i64,
) -> QueryResult<Vec<(String, i64)>> {
    use crate::db::schema::{customers, sites};
    access_links::table
        .inner_join(sites::table.inner_join(customers::table))
        .filter(access_links::ip_address.eq(ip))
        .filter(customers::id.ne(except_customer))
        .select((customers::company, customers::service_provider_id))
        .distinct()
        .order(customers::company.asc())
        .limit(limit)
        .load(conn)
}

/// The inventory's rows for a lean export: `columns` (constant SQL of the chosen columns) of
/// every link with its site and customer, in id order, as [`super::flat::after_id`] reads them.
pub fn inventory_flat(service_provider: Option<i64>, columns: &str) -> super::flat::FlatQuery<'_> {
    super::flat::FlatQuery {
        id_sql: "access_links.id",
        columns,
        from: "access_links INNER JOIN sites ON sites.id = access_links.site_id \
               INNER JOIN customers ON customers.id = sites.customer_id",
        filter: service_provider.map(|sp| format!("customers.service_provider_id = {sp}")),
    }
}
