//! `operators`: provider staff accounts.

use crate::db::schema::operators;
use crate::db::DbConnection;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = operators)]
pub struct OperatorRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub service_provider_id: Option<i64>,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = operators)]
pub struct NewOperator {
    pub username: String,
    pub password_hash: String,
    pub role: String,
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
        .values(new)
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
