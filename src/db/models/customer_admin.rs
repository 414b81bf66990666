//! `customer_admins`: the people who sign in to a customer's portal, each with a role within
//! the customer. Names are unique per customer (case-folded in `username_key`).

use crate::db::schema::customer_admins;
use crate::db::DbConnection;
use crate::domain::AdminRole;
use diesel::prelude::*;
use serde::Serialize;

/// One administrator of a customer, as stored (the hash never leaves through audit images).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = customer_admins)]
pub struct CustomerAdmin {
    pub id: i64,
    pub customer_id: i64,
    pub username: String,
    #[serde(skip)]
    pub username_key: String,
    #[serde(skip)]
    pub password_hash: String,
    #[diesel(deserialize_as = String)]
    pub role: AdminRole,
    pub is_primary: bool,
    pub disabled: bool,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A new administrator's row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = customer_admins)]
pub struct NewCustomerAdmin {
    pub customer_id: i64,
    pub username: String,
    pub username_key: String,
    pub password_hash: String,
    #[diesel(serialize_as = String)]
    pub role: AdminRole,
    pub is_primary: bool,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn insert(conn: &mut DbConnection, new: &NewCustomerAdmin) -> QueryResult<CustomerAdmin> {
    let id: i64 = diesel::insert_into(customer_admins::table)
        .values(new.clone())
        .returning(customer_admins::id)
        .get_result(conn)?;
    customer_admins::table
        .find(id)
        .select(CustomerAdmin::as_select())
        .first(conn)
}

/// The customer's administrators, the primary one first, then by name.
pub fn list(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<CustomerAdmin>> {
    customer_admins::table
        .filter(customer_admins::customer_id.eq(customer_id))
        .order((
            customer_admins::is_primary.desc(),
            customer_admins::username_key,
        ))
        .select(CustomerAdmin::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<CustomerAdmin>> {
    customer_admins::table
        .find(id)
        .select(CustomerAdmin::as_select())
        .first(conn)
        .optional()
}

/// The administrator of `customer_id` named `key` (case-folded), if any.
pub fn find_by_key(
    conn: &mut DbConnection,
    customer_id: i64,
    key: &str,
) -> QueryResult<Option<CustomerAdmin>> {
    customer_admins::table
        .filter(customer_admins::customer_id.eq(customer_id))
        .filter(customer_admins::username_key.eq(key))
        .select(CustomerAdmin::as_select())
        .first(conn)
        .optional()
}

/// Enables or disables an administrator; returns whether the row was there.
pub fn set_disabled(conn: &mut DbConnection, id: i64, disabled: bool) -> QueryResult<bool> {
    let n = diesel::update(customer_admins::table.find(id))
        .set((
            customer_admins::disabled.eq(disabled),
            customer_admins::version.eq(customer_admins::version + 1),
            customer_admins::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn set_password_hash(conn: &mut DbConnection, id: i64, hash: &str) -> QueryResult<()> {
    diesel::update(customer_admins::table.find(id))
        .set((
            customer_admins::password_hash.eq(hash),
            customer_admins::version.eq(customer_admins::version + 1),
            customer_admins::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Follows the customer edit form's web access account onto the primary administrator: its
/// name, and its password when one was given.
pub fn sync_primary(
    conn: &mut DbConnection,
    customer_id: i64,
    username: &str,
    username_key: &str,
    password_hash: Option<&str>,
) -> QueryResult<()> {
    let target = customer_admins::table
        .filter(customer_admins::customer_id.eq(customer_id))
        .filter(customer_admins::is_primary.eq(true));
    diesel::update(target)
        .set((
            customer_admins::username.eq(username),
            customer_admins::username_key.eq(username_key),
            customer_admins::version.eq(customer_admins::version + 1),
            customer_admins::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    if let Some(hash) = password_hash {
        let target = customer_admins::table
            .filter(customer_admins::customer_id.eq(customer_id))
            .filter(customer_admins::is_primary.eq(true));
        diesel::update(target)
            .set(customer_admins::password_hash.eq(hash))
            .execute(conn)?;
    }
    Ok(())
}
