//! `packages` and `customer_packages`: the package list operators maintain, and how many of
//! each a customer may hand out.

use crate::db::schema::{customer_packages, packages};
use crate::db::DbConnection;
use crate::domain::PackageKind;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = packages)]
pub struct Package {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub created_at: i64,
    /// A package (one per user) or an add-on (assigned per user on top).
    #[diesel(deserialize_as = String)]
    pub kind: PackageKind,
}

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Package>> {
    packages::table
        .order((packages::kind.desc(), packages::name))
        .select(Package::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Package>> {
    packages::table
        .find(id)
        .select(Package::as_select())
        .first(conn)
        .optional()
}

pub fn name_taken(conn: &mut DbConnection, name: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        packages::table.filter(packages::name.eq(name)),
    ))
    .get_result(conn)
}

pub fn insert(
    conn: &mut DbConnection,
    name: &str,
    description: &str,
    kind: PackageKind,
) -> QueryResult<Package> {
    let id: i64 = diesel::insert_into(packages::table)
        .values((
            packages::name.eq(name),
            packages::description.eq(description),
            packages::kind.eq(kind.code()),
            packages::created_at.eq(crate::db::now()),
        ))
        .returning(packages::id)
        .get_result(conn)?;
    packages::table
        .find(id)
        .select(Package::as_select())
        .first(conn)
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(packages::table.find(id)).execute(conn)
}

/// How many customers hold a quantity of the package (one in use cannot be deleted).
pub fn customers_holding(conn: &mut DbConnection, id: i64) -> QueryResult<i64> {
    customer_packages::table
        .filter(customer_packages::package_id.eq(id))
        .count()
        .get_result(conn)
}

/// The customer's quantities, by package id.
pub fn quantities(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<(i64, i64)>> {
    customer_packages::table
        .filter(customer_packages::customer_id.eq(customer_id))
        .select((customer_packages::package_id, customer_packages::quantity))
        .load(conn)
}

/// Replaces the customer's quantities (zero quantities are not stored).
pub fn set_quantities(
    conn: &mut DbConnection,
    customer_id: i64,
    quantities: &[(i64, i64)],
) -> QueryResult<()> {
    diesel::delete(customer_packages::table.filter(customer_packages::customer_id.eq(customer_id)))
        .execute(conn)?;
    for (package_id, quantity) in quantities.iter().filter(|(_, q)| *q > 0) {
        diesel::insert_into(customer_packages::table)
            .values((
                customer_packages::customer_id.eq(customer_id),
                customer_packages::package_id.eq(package_id),
                customer_packages::quantity.eq(quantity),
            ))
            .execute(conn)?;
    }
    Ok(())
}
