//! `access_links`: rows, insert and update forms, the links pane listing.

use super::{Page, SortDir};
use crate::db::schema::access_links;
use crate::db::DbConnection;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = access_links)]
pub struct AccessLink {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub description: String,
    pub link_type: String,
    pub bandwidth_down_kbps: i64,
    pub bandwidth_up_kbps: i64,
    pub ip_address: String,
    pub circuit_id: String,
    pub status: String,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = access_links)]
pub struct NewAccessLink {
    pub site_id: i64,
    pub name: String,
    pub description: String,
    pub link_type: String,
    pub bandwidth_down_kbps: i64,
    pub bandwidth_up_kbps: i64,
    pub ip_address: String,
    pub circuit_id: String,
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = access_links)]
pub struct AccessLinkUpdate {
    pub name: String,
    pub description: String,
    pub link_type: String,
    pub bandwidth_down_kbps: i64,
    pub bandwidth_up_kbps: i64,
    pub ip_address: String,
    pub circuit_id: String,
    pub status: String,
    pub updated_at: i64,
}

pub const SORT_COLUMNS: &[&str] = &[
    "name",
    "description",
    "link_type",
    "bandwidth_down_kbps",
    "bandwidth_up_kbps",
    "ip_address",
    "circuit_id",
    "status",
];

macro_rules! order_by {
    ($q:expr, $col:expr, $dir:expr) => {
        match $dir {
            SortDir::Asc => $q.order(($col.asc(), access_links::id.asc())),
            SortDir::Desc => $q.order(($col.desc(), access_links::id.desc())),
        }
    };
}

pub fn list_for_site(
    conn: &mut DbConnection,
    site_id: i64,
    sort: &str,
    dir: SortDir,
    page: i64,
    per_page: i64,
) -> QueryResult<Page<AccessLink>> {
    let q = access_links::table
        .filter(access_links::site_id.eq(site_id))
        .into_boxed::<crate::db::MultiBackend>();
    let q = match sort {
        "description" => order_by!(q, access_links::description, dir),
        "link_type" => order_by!(q, access_links::link_type, dir),
        "bandwidth_down_kbps" => order_by!(q, access_links::bandwidth_down_kbps, dir),
        "bandwidth_up_kbps" => order_by!(q, access_links::bandwidth_up_kbps, dir),
        "ip_address" => order_by!(q, access_links::ip_address, dir),
        "circuit_id" => order_by!(q, access_links::circuit_id, dir),
        "status" => order_by!(q, access_links::status, dir),
        _ => order_by!(q, access_links::name, dir),
    };
    let rows = q
        .select(AccessLink::as_select())
        .limit(per_page + 1)
        .offset(page.max(0) * per_page)
        .load(conn)?;
    Ok(Page::from_overfetch(rows, per_page))
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<AccessLink>> {
    access_links::table
        .find(id)
        .select(AccessLink::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, new: &NewAccessLink) -> QueryResult<AccessLink> {
    let id: i64 = diesel::insert_into(access_links::table)
        .values(new)
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
    .set((changes, access_links::version.eq(version + 1)))
    .execute(conn)?;
    if n == 1 {
        find(conn, id)
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

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(access_links::table.find(id)).execute(conn)
}

fn sort_value(sort: &str, l: &AccessLink) -> (&'static str, super::KeysetValue) {
    use super::KeysetValue::{Int, Text};
    match sort {
        "description" => ("access_links.description", Text(l.description.clone())),
        "link_type" => ("access_links.link_type", Text(l.link_type.clone())),
        "bandwidth_down_kbps" => (
            "access_links.bandwidth_down_kbps",
            Int(l.bandwidth_down_kbps),
        ),
        "bandwidth_up_kbps" => ("access_links.bandwidth_up_kbps", Int(l.bandwidth_up_kbps)),
        "ip_address" => ("access_links.ip_address", Text(l.ip_address.clone())),
        "circuit_id" => ("access_links.circuit_id", Text(l.circuit_id.clone())),
        "status" => ("access_links.status", Text(l.status.clone())),
        _ => ("access_links.name", Text(l.name.clone())),
    }
}

/// A site's links after `after` in the pane's order (keyset pagination for exports).
pub fn list_after(
    conn: &mut DbConnection,
    site_id: i64,
    sort: &str,
    dir: SortDir,
    after: Option<&AccessLink>,
    limit: i64,
) -> QueryResult<Vec<AccessLink>> {
    let mut q = access_links::table
        .filter(access_links::site_id.eq(site_id))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(last) = after {
        let (column, value) = sort_value(sort, last);
        q = q.filter(super::keyset_after(
            column,
            value,
            "access_links.id",
            last.id,
            dir,
        ));
    }
    let q = match sort {
        "description" => order_by!(q, access_links::description, dir),
        "link_type" => order_by!(q, access_links::link_type, dir),
        "bandwidth_down_kbps" => order_by!(q, access_links::bandwidth_down_kbps, dir),
        "bandwidth_up_kbps" => order_by!(q, access_links::bandwidth_up_kbps, dir),
        "ip_address" => order_by!(q, access_links::ip_address, dir),
        "circuit_id" => order_by!(q, access_links::circuit_id, dir),
        "status" => order_by!(q, access_links::status, dir),
        _ => order_by!(q, access_links::name, dir),
    };
    q.select(AccessLink::as_select()).limit(limit).load(conn)
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
