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
//!   A list whose texts all match many rows is walked in bounded windows instead
//!   (`customer::listing`), asking [`matches_many`] and testing rows with [`contains_test`];
//!   a walk names the other filters' columns through [`filter_column`].
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

/// Up to this many customers PostgreSQL counts whether a text matches [`DENSE`] or more;
/// above, its planner estimates it.
const COUNTED_UP_TO: i64 = 20_000;

/// The rows the top node of a PostgreSQL plan expects (`… rows=123 width=8)`).
fn estimated_rows(plan: &[String]) -> Option<i64> {
    let line = plan.first()?;
    let at = line.find("rows=")? + "rows=".len();
    let digits: String = line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

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

/// Whether at least [`DENSE`] customers contain `text` in `column` (counted no further; on
/// PostgreSQL above [`COUNTED_UP_TO`] customers, as its planner estimates), so
/// that a page of them may be found by walking an order and testing each row with
/// [`contains_test`] rather than by sorting every match. Never on SQLite for non-ASCII text,
/// whose `lower()` folds ASCII only (the test would miss "ÅSEN" for "åsen"): such text is
/// always found through the index.
pub fn matches_many(conn: &mut DbConnection, column: TextColumn, text: &str) -> QueryResult<bool> {
    match conn {
        DbConnection::Sqlite(_) if !text.is_ascii() => Ok(false),
        DbConnection::Sqlite(_) => Ok(fts_matches(conn, &fts_query(column, text), DENSE)? >= DENSE),
        DbConnection::Postgresql(_) => {
            // Counting up to the cap would cost a scan of `DENSE / share` rows (40,000 for a
            // word in one company of 20) or the trigram index's every match; at volume the
            // planner's estimate (from the statistics of the `lower(x)` index) answers instead.
            // A small table, or one never analysed, is counted.
            let rows: i64 = diesel::select(sql::<BigInt>(
                "(SELECT greatest(reltuples, 0)::bigint FROM pg_class \
                 WHERE oid = 'customers'::regclass)",
            ))
            .get_result(conn)?;
            if rows > COUNTED_UP_TO {
                let q = customers::table
                    .filter(like(column, text))
                    .select(customers::id);
                let plan = super::explain::plan(conn, q)?;
                return Ok(estimated_rows(&plan).is_some_and(|n| n >= DENSE));
            }
            let matches: i64 = diesel::select(
                sql::<BigInt>(&format!(
                    "(SELECT count(*) FROM (SELECT 1 FROM customers \
                     WHERE lower({}) LIKE ",
                    column.sql()
                ))
                .bind::<Text, _>(contains_pattern(text))
                .sql(" ESCAPE '\\' LIMIT ")
                .bind::<BigInt, _>(DENSE)
                .sql(") AS capped)"),
            )
            .get_result(conn)?;
            Ok(matches >= DENSE)
        }
    }
}

/// The row-by-row test "`column` contains `text`" (ASCII case folded on SQLite, so only for
/// the texts [`matches_many`] says yes to), for a walk of an order: a position in the text
/// (`instr` / `strpos`), which no index answers, so that PostgreSQL's planner walks the order
/// too rather than gathering every match from the trigram index first.
pub fn contains_test(conn: &DbConnection, column: TextColumn, text: &str) -> Pred {
    let function = match conn {
        DbConnection::Sqlite(_) => "instr",
        DbConnection::Postgresql(_) => "strpos",
    };
    Box::new(
        sql::<Bool>(&format!("{function}(lower({}), ", column.sql()))
            .bind::<Text, _>(text.to_string())
            .sql(") > 0"),
    )
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

/// A column of the customers as a filter names it (`customers.status`). In a walk of an
/// order (`walked`) a filter is a test of each row read; SQLite's planner, which has no
/// statistics, would rather answer an equality or a range from the column's index and then
/// sort every row it finds, so there the column is named `+customers.status` (the same value,
/// no index). PostgreSQL's planner weighs both from its statistics.
pub fn filter_column(conn: &DbConnection, name: &str, walked: bool) -> String {
    match conn {
        DbConnection::Sqlite(_) if walked => format!("+{name}"),
        _ => name.to_string(),
    }
}

/// Customers whose `column` is in `range`, compared byte-wise on both engines (`walked`: see
/// [`filter_column`]).
pub fn key_range(conn: &DbConnection, column: KeyColumn, range: &KeyRange, walked: bool) -> Pred {
    let name = match column {
        KeyColumn::AccountCode => "customers.account_code",
        KeyColumn::UsernameKey => "customers.username_key",
    };
    let name = filter_column(conn, name, walked);
    let key = match conn {
        DbConnection::Postgresql(_) => format!("{name} COLLATE \"C\""),
        DbConnection::Sqlite(_) => name.clone(),
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
    fn the_estimate_is_read_from_the_top_node() {
        let plan = [
            "Bitmap Heap Scan on customers  (cost=2199.45..57033.74 rows=50510 width=8)".into(),
            "  ->  Bitmap Index Scan on customers_company_trgm  (rows=99 width=0)".into(),
        ];
        assert_eq!(estimated_rows(&plan), Some(50510));
        assert_eq!(estimated_rows(&["Result".to_string()]), None);
        assert_eq!(estimated_rows(&[]), None);
    }

    #[test]
    fn fts_queries_are_literal_strings() {
        assert_eq!(
            fts_query(TextColumn::Company, "a \"b\" OR c*"),
            "company : \"a \"\"b\"\" OR c*\""
        );
    }
}
