//! `api_tokens`: bearer tokens of the charging API, one service provider each, stored as the
//! SHA-256 of the token.

use crate::db::schema::{api_tokens, service_providers};
use crate::db::DbConnection;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub service_provider_id: i64,
    pub name: String,
    #[serde(skip)]
    pub token_hash: String,
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken {
    pub service_provider_id: i64,
    pub name: String,
    pub token_hash: String,
    pub created_by: String,
    pub created_at: i64,
}

pub fn insert(conn: &mut DbConnection, new: &NewApiToken) -> QueryResult<ApiToken> {
    let id: i64 = diesel::insert_into(api_tokens::table)
        .values(new.clone())
        .returning(api_tokens::id)
        .get_result(conn)?;
    api_tokens::table
        .find(id)
        .select(ApiToken::as_select())
        .first(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ApiToken>> {
    api_tokens::table
        .find(id)
        .select(ApiToken::as_select())
        .first(conn)
        .optional()
}

/// The token with this hash, revoked or not.
pub fn by_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(hash))
        .select(ApiToken::as_select())
        .first(conn)
        .optional()
}

/// Every token with its provider's name, newest first.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<(ApiToken, String)>> {
    api_tokens::table
        .inner_join(service_providers::table)
        .order(api_tokens::id.desc())
        .select((ApiToken::as_select(), service_providers::name))
        .load(conn)
}

/// Revokes the token unless it is revoked already; true when this call revoked it.
pub fn revoke(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<bool> {
    let n = diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn touch(conn: &mut DbConnection, id: i64, now: i64) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(Some(now)))
        .execute(conn)
}
