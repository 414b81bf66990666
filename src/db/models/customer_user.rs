//! `customer_users` and `customer_user_addons`: a customer's users, each holding one package
//! and any add-ons, and the counts that the customer's quantities bound.

use crate::db::schema::{customer_user_addons, customer_users, sip_devices};
use crate::db::DbConnection;
use diesel::prelude::*;
use serde::Serialize;

/// One user of a customer, as stored (the password hash never leaves through audit images).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = customer_users)]
pub struct CustomerUser {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub email: String,
    pub extension: String,
    pub sip_username: String,
    #[serde(skip)]
    pub sip_key: String,
    pub package_id: i64,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A new user's row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = customer_users)]
pub struct NewCustomerUser {
    pub customer_id: i64,
    pub name: String,
    pub email: String,
    pub extension: String,
    pub sip_username: String,
    pub sip_key: String,
    pub package_id: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn insert(conn: &mut DbConnection, new: &NewCustomerUser) -> QueryResult<CustomerUser> {
    let id: i64 = diesel::insert_into(customer_users::table)
        .values(new.clone())
        .returning(customer_users::id)
        .get_result(conn)?;
    customer_users::table
        .find(id)
        .select(CustomerUser::as_select())
        .first(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<CustomerUser>> {
    customer_users::table
        .find(id)
        .select(CustomerUser::as_select())
        .first(conn)
        .optional()
}

/// The customer's users by extension.
pub fn list(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<CustomerUser>> {
    customer_users::table
        .filter(customer_users::customer_id.eq(customer_id))
        .order(customer_users::extension)
        .select(CustomerUser::as_select())
        .load(conn)
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(customer_users::table.find(id)).execute(conn)
}

/// `(user id, add-on id)` of the customer's users' add-ons.
pub fn addons(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<(i64, i64)>> {
    customer_user_addons::table
        .filter(customer_user_addons::customer_id.eq(customer_id))
        .select((
            customer_user_addons::user_id,
            customer_user_addons::package_id,
        ))
        .load(conn)
}

pub fn add_addon(
    conn: &mut DbConnection,
    customer_id: i64,
    user_id: i64,
    addon_id: i64,
) -> QueryResult<()> {
    diesel::insert_into(customer_user_addons::table)
        .values((
            customer_user_addons::customer_id.eq(customer_id),
            customer_user_addons::user_id.eq(user_id),
            customer_user_addons::package_id.eq(addon_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes an add-on from a user; returns whether they had it.
pub fn remove_addon(conn: &mut DbConnection, user_id: i64, addon_id: i64) -> QueryResult<bool> {
    let n = diesel::delete(
        customer_user_addons::table
            .filter(customer_user_addons::user_id.eq(user_id))
            .filter(customer_user_addons::package_id.eq(addon_id)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// How many of the customer's users hold package `package_id` as their package.
pub fn holding_package(
    conn: &mut DbConnection,
    customer_id: i64,
    package_id: i64,
) -> QueryResult<i64> {
    customer_users::table
        .filter(customer_users::customer_id.eq(customer_id))
        .filter(customer_users::package_id.eq(package_id))
        .count()
        .get_result(conn)
}

/// How many of the customer's users have add-on `addon_id`.
pub fn holding_addon(conn: &mut DbConnection, customer_id: i64, addon_id: i64) -> QueryResult<i64> {
    customer_user_addons::table
        .filter(customer_user_addons::customer_id.eq(customer_id))
        .filter(customer_user_addons::package_id.eq(addon_id))
        .count()
        .get_result(conn)
}

/// What the customer's users hold, per package or add-on id: `(id, count)`.
pub fn in_use(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<(i64, i64)>> {
    let mut packages: Vec<(i64, i64)> = customer_users::table
        .filter(customer_users::customer_id.eq(customer_id))
        .group_by(customer_users::package_id)
        .select((customer_users::package_id, diesel::dsl::count_star()))
        .load(conn)?;
    let addons: Vec<(i64, i64)> = customer_user_addons::table
        .filter(customer_user_addons::customer_id.eq(customer_id))
        .group_by(customer_user_addons::package_id)
        .select((customer_user_addons::package_id, diesel::dsl::count_star()))
        .load(conn)?;
    packages.extend(addons);
    Ok(packages)
}

/// The user (id, customer) holding SIP key `key`, if any.
pub fn sip_user_holder(conn: &mut DbConnection, key: &str) -> QueryResult<Option<(i64, i64)>> {
    customer_users::table
        .filter(customer_users::sip_key.eq(key))
        .select((customer_users::id, customer_users::customer_id))
        .first(conn)
        .optional()
}

/// The customer of the SIP device whose login key is `key`, if any.
pub fn sip_device_holder(conn: &mut DbConnection, key: &str) -> QueryResult<Option<i64>> {
    sip_devices::table
        .filter(sip_devices::login_key.eq(key))
        .select(sip_devices::customer_id)
        .first(conn)
        .optional()
}

/// Whether another user of the customer has this extension.
pub fn extension_taken(
    conn: &mut DbConnection,
    customer_id: i64,
    extension: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        customer_users::table
            .filter(customer_users::customer_id.eq(customer_id))
            .filter(customer_users::extension.eq(extension)),
    ))
    .get_result(conn)
}

/// The longest extension any of the customer's users (or SIP devices) has, in digits.
pub fn longest_extension(conn: &mut DbConnection, customer_id: i64) -> QueryResult<i64> {
    let users: Vec<String> = customer_users::table
        .filter(customer_users::customer_id.eq(customer_id))
        .select(customer_users::extension)
        .load(conn)?;
    let devices: Vec<String> = sip_devices::table
        .filter(sip_devices::customer_id.eq(customer_id))
        .select(sip_devices::extension)
        .load(conn)?;
    Ok(users
        .iter()
        .chain(devices.iter())
        .map(|e| e.len() as i64)
        .max()
        .unwrap_or(0))
}

/// Sets the password a user chose through their one-time link.
pub fn set_password_hash(conn: &mut DbConnection, id: i64, hash: &str) -> QueryResult<()> {
    diesel::update(customer_users::table.find(id))
        .set((
            customer_users::password_hash.eq(Some(hash)),
            customer_users::version.eq(customer_users::version + 1),
            customer_users::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}
