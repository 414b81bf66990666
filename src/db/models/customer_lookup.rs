//! How the customers pane's filters are asked of each engine: the one place the engines differ
//! for them (what each filter means is `domain::customer_search`).
//!
//! - Contains-matches (company, name): PostgreSQL answers `lower(x) LIKE '%text%'` from a
//!   `pg_trgm` GIN index and its planner weighs it against walking the sort order. SQLite has
//!   no statistics on a full-text index, so the choice is made here: the FTS5 trigram index
//!   (`customers_search`) is asked how many rows match, up to [`DENSE`]; fewer, and the matches
//!   drive the query (found by rowid, then sorted); that many or more, and a page is found
//!   sooner by walking the sort order and testing each row — unless the list is sorted by the
//!   searched column itself, where the matches of a word bunch together (every "Nordic …"
//!   after every "Atlas …") and a walk could read most of the table before the first one.
//!   Non-ASCII text always goes through the index, since SQLite's `lower()` folds ASCII only.
//! - Prefix ranges on customers' own columns (account code, username key) compare byte-wise:
//!   SQLite's BINARY collation; `COLLATE "C"` on PostgreSQL, served by the "C" indexes.

use super::{contains_pattern, lower};
use crate::db::schema::customers;
use crate::db::{DbConnection, MultiBackend};
use crate::domain::customer_search::KeyRange;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

/// A condition on the customers table, on either engine.
pub type Pred = Box<dyn BoxableExpression<customers::table, MultiBackend, SqlType = Bool>>;

/// From this many matches on, SQLite walks the sort order instead of sorting the matches.
pub const DENSE: i64 = 2000;

/// The text columns searched by contains-matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextColumn {
    Company,
    Name,
}

impl TextColumn {
    fn name(self) -> &'static str {
        match self {
            TextColumn::Company => "company",
            TextColumn::Name => "name",
        }
    }
    fn sql(self) -> &'static str {
        match self {
            TextColumn::Company => "customers.company",
            TextColumn::Name => "customers.name",
        }
    }
}

/// Customers whose column contains `text` (already case folded, at least three characters),
/// for a list in `sorted_by` order (a column's SQL name; `None`: a count).
pub fn contains(
    conn: &mut DbConnection,
    column: TextColumn,
    text: &str,
    sorted_by: Option<&str>,
) -> QueryResult<Pred> {
    match conn {
        DbConnection::Postgresql(_) => Ok(like(column, text)),
        DbConnection::Sqlite(_) => {
            let query = fts_query(column, text);
            let walk = sorted_by.is_some_and(|s| s != column.sql());
            if walk && text.is_ascii() && fts_matches(conn, &query, DENSE)? >= DENSE {
                return Ok(like(column, text));
            }
            Ok(Box::new(
                sql::<Bool>(
                    "customers.id IN (SELECT rowid FROM customers_search \
                     WHERE customers_search MATCH ",
                )
                .bind::<Text, _>(query)
                .sql(")"),
            ))
        }
    }
}

/// How many rows of the SQLite full-text index match, counting no further than `cap`.
fn fts_matches(conn: &mut DbConnection, query: &str, cap: i64) -> QueryResult<i64> {
    diesel::select(
        sql::<BigInt>(
            "(SELECT count(*) FROM (SELECT 1 FROM customers_search \
             WHERE customers_search MATCH ",
        )
        .bind::<Text, _>(query.to_string())
        .sql(" LIMIT ")
        .bind::<BigInt, _>(cap)
        .sql("))"),
    )
    .get_result(conn)
}

/// An FTS5 query for the substring `text` in one column: a quoted string is taken literally
/// (no operators, no wildcards), `"` written twice.
fn fts_query(column: TextColumn, text: &str) -> String {
    format!("{} : \"{}\"", column.name(), text.replace('"', "\"\""))
}

/// `lower(column) LIKE '%text%'` with the wildcards escaped.
fn like(column: TextColumn, text: &str) -> Pred {
    let pattern = contains_pattern(text);
    match column {
        TextColumn::Company => Box::new(lower(customers::company).like(pattern).escape('\\')),
        TextColumn::Name => Box::new(lower(customers::name).like(pattern).escape('\\')),
    }
}

/// The customers' own columns filtered by a key range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyColumn {
    AccountCode,
    UsernameKey,
}

/// Customers whose `column` is in `range`, compared byte-wise on both engines.
pub fn key_range(conn: &DbConnection, column: KeyColumn, range: &KeyRange) -> Pred {
    let name = match column {
        KeyColumn::AccountCode => "customers.account_code",
        KeyColumn::UsernameKey => "customers.username_key",
    };
    let key = match conn {
        DbConnection::Postgresql(_) => format!("{name} COLLATE \"C\""),
        DbConnection::Sqlite(_) => name.to_string(),
    };
    match range {
        KeyRange::Exact(k) => {
            Box::new(sql::<Bool>(&format!("{name} = ")).bind::<Text, _>(k.clone()))
        }
        KeyRange::Prefix { lo, hi } => Box::new(
            sql::<Bool>(&format!("{key} >= "))
                .bind::<Text, _>(lo.clone())
                .sql(&format!(" AND {key} < "))
                .bind::<Text, _>(hi.clone()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_queries_are_literal_strings() {
        assert_eq!(
            fts_query(TextColumn::Company, "a \"b\" OR c*"),
            "company : \"a \"\"b\"\" OR c*\""
        );
    }
}
