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
