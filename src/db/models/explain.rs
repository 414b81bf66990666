//! The query plan of any diesel query, on either engine: tests use it to prove that searches
//! walk an index instead of reading whole tables.

use crate::db::{DbConnection, MultiBackend};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Text;

/// `EXPLAIN <query>` (PostgreSQL) or `EXPLAIN QUERY PLAN <query>` (SQLite), binds included.
pub struct Explain<Q> {
    prefix: &'static str,
    query: Q,
}

impl<Q: QueryFragment<MultiBackend>> QueryFragment<MultiBackend> for Explain<Q> {
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        pass.push_sql(self.prefix);
        self.query.walk_ast(pass.reborrow())
    }
}

impl<Q> QueryId for Explain<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> Query for Explain<Q> {
    type SqlType = diesel::sql_types::Untyped;
}

impl<Q> RunQueryDsl<DbConnection> for Explain<Q> {}

#[derive(QueryableByName)]
struct SqlitePlanRow {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct PgPlanRow {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// The plan's lines, as the engine prints them.
pub fn plan<Q>(conn: &mut DbConnection, query: Q) -> QueryResult<Vec<String>>
where
    Q: QueryFragment<MultiBackend>,
{
    match conn {
        DbConnection::Postgresql(_) => Ok(Explain {
            prefix: "EXPLAIN ",
            query,
        }
        .load::<PgPlanRow>(conn)?
        .into_iter()
        .map(|r| r.line)
        .collect()),
        DbConnection::Sqlite(_) => Ok(Explain {
            prefix: "EXPLAIN QUERY PLAN ",
            query,
        }
        .load::<SqlitePlanRow>(conn)?
        .into_iter()
        .map(|r| r.detail)
        .collect()),
    }
}
