//! Write statements kept prepared between calls, for the charging API's hot path.
//!
//! Why: diesel 2.3 never keeps an `UPDATE` prepared (its SQL could differ between calls, so
//! each call writes the SQL out and has the engine parse it again), which is a sound default and
//! a cost the charging API pays on every commit. An update whose shape cannot change (a fixed
//! `WHERE`, and a `SET` of `column.eq(value)` pairs, `Option` values bound as NULL) has the same
//! SQL every time: wrapped in `Prepared` with a marker type of its own, it is prepared once per
//! connection and found again by that marker.
//!
//! `is_safe_to_cache_prepared` is a documented-but-hidden method of diesel's `QueryFragment`
//! (public with the `i-implement-a-third-party-backend…` feature); `Cargo.lock` pins diesel, and
//! `tests/api/charging.rs` covers every statement wrapped here on both engines.
//!
//! Run an update with `returning` and `load` / `get_result`, not `execute`: `execute` hands
//! diesel the statement by reference, and a reference does not pass on this answer to "may it be
//! kept prepared?", so the update's own "no" would stand. (`execute` does keep an insert of plain
//! column values prepared, which diesel deems safe itself: the marker spares building its SQL.)
//!
//! Never wrap a statement whose SQL depends on its values: an `IN` list, an insert of a struct
//! with optional fields (SQLite leaves out the columns that are `None`), an `AsChangeset` struct
//! (it skips `None` fields). The marker must be used by one statement only.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::QueryResult;
use std::marker::PhantomData;

/// `query`, prepared once per connection under the marker type `Id` (see the module).
pub struct Prepared<Q, Id> {
    query: Q,
    id: PhantomData<Id>,
}

/// Wraps a statement of fixed shape; `Id` is a marker type named for this statement alone.
pub fn prepared<Q, Id>(query: Q) -> Prepared<Q, Id> {
    Prepared {
        query,
        id: PhantomData,
    }
}

impl<Q, Id: 'static> QueryId for Prepared<Q, Id> {
    type QueryId = Id;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<Q, Id, DB> QueryFragment<DB> for Prepared<Q, Id>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q: Query, Id> Query for Prepared<Q, Id> {
    type SqlType = Q::SqlType;
}

impl<Q, Id, Conn> diesel::RunQueryDsl<Conn> for Prepared<Q, Id> {}

/// A read whose SQL text follows from its shape alone (which field is searched, exact or
/// prefix, first page or a later chunk), never from its values: kept prepared per connection
/// and found again by its SQL text.
///
/// Why: diesel prepares afresh every statement that holds a `sql()` literal or, on SQLite, an
/// `IN` list, since either could make the text differ on every call and fill the cache. The
/// subscriber search holds both, so SQLite parsed and planned its five-table joins on every
/// request (12 % of the server's CPU under the search benchmark). Here the texts are few (one
/// per shape; `IN` lists padded to a power of two), so keeping each is safe.
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
