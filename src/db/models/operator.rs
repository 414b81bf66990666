//! `operators`: provider staff accounts.

use super::OperatorId;
use crate::db::schema::operators;
use crate::db::DbConnection;
use crate::domain::Role;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = operators)]
pub struct OperatorRow {
    pub id: i64,
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    #[diesel(deserialize_as = String)]
    pub role: Role,
    pub service_provider_id: Option<i64>,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// The operator's own zone for the times they see (an IANA name); `None`: the server's.
    pub time_zone: Option<String>,
    /// Sees called numbers in EDRs unmasked (admins always do).
    pub edr_no_masking: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = operators)]
pub struct NewOperator {
    pub username: String,
    pub password_hash: String,
    #[diesel(serialize_as = String)]
    pub role: Role,
    pub service_provider_id: Option<i64>,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn find_by_username(
    conn: &mut DbConnection,
    username: &str,
) -> QueryResult<Option<OperatorRow>> {
    operators::table
        .filter(operators::username.eq(username))
        .select(OperatorRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, new: &NewOperator) -> QueryResult<OperatorRow> {
    let id: i64 = diesel::insert_into(operators::table)
        .values(new.clone())
        .returning(operators::id)
        .get_result(conn)?;
    operators::table
        .find(id)
        .select(OperatorRow::as_select())
        .first(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    operators::table.count().get_result(conn)
}

/// Every operator, by username (a provider has tens of them, not thousands).
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<OperatorRow>> {
    operators::table
        .order(operators::username)
        .select(OperatorRow::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: OperatorId) -> QueryResult<Option<OperatorRow>> {
    operators::table
        .find(id.0)
        .select(OperatorRow::as_select())
        .first(conn)
        .optional()
}

/// How many enabled operators hold the admin role (never let it drop to zero).
pub fn enabled_admins(conn: &mut DbConnection) -> QueryResult<i64> {
    operators::table
        .filter(operators::role.eq(Role::Admin.code()))
        .filter(operators::disabled.eq(false))
        .count()
        .get_result(conn)
}

pub fn set_role(
    conn: &mut DbConnection,
    id: i64,
    role: Role,
    service_provider_id: Option<i64>,
) -> QueryResult<Option<OperatorRow>> {
    diesel::update(operators::table.find(id))
        .set((
            operators::role.eq(role.code()),
            operators::service_provider_id.eq(service_provider_id),
            operators::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    find(conn, OperatorId(id))
}

pub fn set_disabled(
    conn: &mut DbConnection,
    id: i64,
    disabled: bool,
) -> QueryResult<Option<OperatorRow>> {
    diesel::update(operators::table.find(id))
        .set((
            operators::disabled.eq(disabled),
            operators::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    find(conn, OperatorId(id))
}

pub fn set_password_hash(conn: &mut DbConnection, id: i64, hash: &str) -> QueryResult<()> {
    diesel::update(operators::table.find(id))
        .set((
            operators::password_hash.eq(hash),
            operators::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets (or with `None` clears) the operator's own time zone.
pub fn set_time_zone(
    conn: &mut DbConnection,
    id: i64,
    time_zone: Option<&str>,
) -> QueryResult<Option<OperatorRow>> {
    diesel::update(operators::table.find(id))
        .set((
            operators::time_zone.eq(time_zone),
            operators::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    find(conn, OperatorId(id))
}

/// Allows (or stops) operator `id` seeing called numbers in EDRs unmasked.
pub fn set_edr_no_masking(
    conn: &mut DbConnection,
    id: i64,
    no_masking: bool,
) -> QueryResult<Option<OperatorRow>> {
    diesel::update(operators::table.find(id))
        .set((
            operators::edr_no_masking.eq(no_masking),
            operators::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    find(conn, OperatorId(id))
}
