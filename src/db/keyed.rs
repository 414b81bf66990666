//! Reads kept prepared by their SQL text, for queries diesel would prepare afresh each time.
//!
//! Why: diesel prepares afresh every statement that holds a `sql()` literal or, on SQLite, an
//! `IN` list, since either could make the text differ on every call and fill the statement
//! cache. Where a read's text follows from its shape alone (never from its values), keeping it
//! prepared is safe, and it spares SQLite parsing and planning it again (the subscriber search's
//! five-table joins: 12 % of the server's CPU under its benchmark). diesel keys such statements
//! by their full SQL text and bind types, so two shapes never share one.
//!
//! On PostgreSQL a kept statement is a named prepared statement, which the server may plan
//! once for any values after five runs (a generic plan); the search's statements are index
//! ranges either way (`bench/README.md`, subscriber search on PostgreSQL).

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::QueryResult;

/// A read whose SQL text follows from its shape alone (which field is searched, exact or
/// prefix, first page or a later chunk), never from its values: kept prepared per connection
/// and found again by its SQL text (`IN` lists padded to a power of two: [`padded_ids`]).
///
/// Never wrap a query whose text carries a value (a `format!` of input): each call would add a
/// statement to the cache.
pub struct KeyedBySql<Q>(Q);

/// Wraps a read whose SQL text has a bounded number of shapes (see [`KeyedBySql`]).
pub fn keyed_by_sql<Q>(query: Q) -> KeyedBySql<Q> {
    KeyedBySql(query)
}

impl<Q> QueryId for KeyedBySql<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, DB> QueryFragment<DB> for KeyedBySql<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q: Query> Query for KeyedBySql<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> diesel::RunQueryDsl<Conn> for KeyedBySql<Q> {}

/// `ids` padded with its last id to a power-of-two length (at least 8), so that an `IN` list
/// built from it has one of a few SQL texts (SQLite binds each element; see [`KeyedBySql`]).
pub fn padded_ids(mut ids: Vec<i64>) -> Vec<i64> {
    if let Some(&last) = ids.last() {
        let len = ids.len().next_power_of_two().max(8);
        ids.resize(len, last);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::padded_ids;

    #[test]
    fn ids_are_padded_with_the_last_to_a_power_of_two() {
        assert_eq!(padded_ids(vec![]), Vec::<i64>::new());
        assert_eq!(padded_ids(vec![3]), vec![3; 8]);
        let p = padded_ids((1..=9).collect());
        assert_eq!(p.len(), 16);
        assert_eq!(&p[..9], &(1..=9).collect::<Vec<_>>()[..]);
        assert!(p[9..].iter().all(|&x| x == 9));
        assert_eq!(padded_ids((1..=64).collect()).len(), 64);
    }
}
