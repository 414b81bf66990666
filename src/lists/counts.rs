//! How many rows a pane holds, cheaply at a million rows: exact up to [`EXACT_UP_TO`] (found by
//! probing for one row past it, so a small list costs a small count), above it the full count
//! taken at most once a minute per list and filter on this instance, shown as "about".

use crate::format::thousands;
use diesel::QueryResult;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts up to this are exact on every request.
pub const EXACT_UP_TO: i64 = 10_000;

/// How long a large count is reused before it is taken again.
const FRESH_FOR: Duration = Duration::from_secs(60);

/// Large counts kept at most (oldest dropped first).
const KEPT: usize = 256;

/// The number of rows of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowCount {
    Exact(i64),
    /// More than [`EXACT_UP_TO`]: the last full count, up to a minute old.
    About(i64),
}

impl RowCount {
    pub fn value(self) -> i64 {
        match self {
            RowCount::Exact(n) | RowCount::About(n) => n,
        }
    }

    /// "1,234", or "about 120,000" (two significant digits).
    pub fn text(self) -> String {
        match self {
            RowCount::Exact(n) => thousands(n),
            RowCount::About(n) => format!("about {}", thousands(round_to_two_digits(n))),
        }
    }

    /// The pages of `per_page` rows it fills (at least one, the empty page).
    pub fn pages(self, per_page: i64) -> i64 {
        let n = self.value().max(0);
        ((n + per_page - 1) / per_page.max(1)).max(1)
    }
}

fn round_to_two_digits(n: i64) -> i64 {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    (n + unit / 2) / unit * unit
}

/// Large counts of this instance, by list and filter.
#[derive(Default)]
pub struct CountCache {
    large: Mutex<HashMap<String, (Instant, i64)>>,
}

/// What a list offers to be counted.
pub trait Countable {
    /// Whether the list holds more than `n` rows (one row probed past the first `n`).
    fn more_than(&mut self, n: i64) -> QueryResult<bool>;
    /// Every row counted.
    fn count_all(&mut self) -> QueryResult<i64>;
}

/// A list counted through two queries on one connection.
struct Queries<'a, M, A> {
    conn: &'a mut crate::db::DbConnection,
    more_than: M,
    count_all: A,
}

impl<M, A> Countable for Queries<'_, M, A>
where
    M: Fn(&mut crate::db::DbConnection, i64) -> QueryResult<bool>,
    A: Fn(&mut crate::db::DbConnection) -> QueryResult<i64>,
{
    fn more_than(&mut self, n: i64) -> QueryResult<bool> {
        (self.more_than)(self.conn, n)
    }
    fn count_all(&mut self) -> QueryResult<i64> {
        (self.count_all)(self.conn)
    }
}

impl CountCache {
    /// [`CountCache::count`] of a list given by its two queries: whether it holds more than `n`
    /// rows, and all its rows counted.
    pub fn count_with(
        &self,
        key: &str,
        conn: &mut crate::db::DbConnection,
        more_than: impl Fn(&mut crate::db::DbConnection, i64) -> QueryResult<bool>,
        count_all: impl Fn(&mut crate::db::DbConnection) -> QueryResult<i64>,
    ) -> QueryResult<RowCount> {
        self.count(
            key,
            &mut Queries {
                conn,
                more_than,
                count_all,
            },
        )
    }

    /// The count of the list known under `key` (which must name the list, its parent or the
    /// viewer's scope, and every filter).
    pub fn count(&self, key: &str, list: &mut impl Countable) -> QueryResult<RowCount> {
        if let Some(n) = self.fresh(key) {
            return Ok(RowCount::About(n));
        }
        if !list.more_than(EXACT_UP_TO)? {
            return list.count_all().map(RowCount::Exact);
        }
        let n = list.count_all()?;
        self.keep(key, n);
        Ok(RowCount::About(n))
    }

    fn fresh(&self, key: &str) -> Option<i64> {
        let large = self.large.lock().ok()?;
        large
            .get(key)
            .filter(|(at, _)| at.elapsed() < FRESH_FOR)
            .map(|(_, n)| *n)
    }

    fn keep(&self, key: &str, n: i64) {
        let Ok(mut large) = self.large.lock() else {
            return;
        };
        if large.len() >= KEPT {
            if let Some(oldest) = large
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone())
            {
                large.remove(&oldest);
            }
        }
        large.insert(key.to_string(), (Instant::now(), n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake {
        rows: i64,
        full_counts: u32,
    }

    impl Countable for Fake {
        fn more_than(&mut self, n: i64) -> QueryResult<bool> {
            Ok(self.rows > n)
        }
        fn count_all(&mut self) -> QueryResult<i64> {
            self.full_counts += 1;
            Ok(self.rows)
        }
    }

    #[test]
    fn small_lists_are_counted_exactly_every_time() {
        let cache = CountCache::default();
        let mut list = Fake {
            rows: 10_000,
            full_counts: 0,
        };
        assert_eq!(cache.count("k", &mut list), Ok(RowCount::Exact(10_000)));
        list.rows = 9_999;
        assert_eq!(cache.count("k", &mut list), Ok(RowCount::Exact(9_999)));
        assert_eq!(list.full_counts, 2);
    }

    #[test]
    fn large_lists_are_counted_once_a_minute_and_said_about() {
        let cache = CountCache::default();
        let mut list = Fake {
            rows: 123_456,
            full_counts: 0,
        };
        let first = cache.count("k", &mut list).unwrap();
        assert_eq!(first, RowCount::About(123_456));
        assert_eq!(first.text(), "about 120,000");
        list.rows = 200_000;
        assert_eq!(cache.count("k", &mut list), Ok(RowCount::About(123_456)));
        assert_eq!(list.full_counts, 1);
        // Another filter is another count.
        assert_eq!(cache.count("k2", &mut list), Ok(RowCount::About(200_000)));
    }

    #[test]
    fn pages_and_words() {
        assert_eq!(RowCount::Exact(0).pages(50), 1);
        assert_eq!(RowCount::Exact(50).pages(50), 1);
        assert_eq!(RowCount::Exact(51).pages(50), 2);
        assert_eq!(RowCount::Exact(1234).text(), "1,234");
        assert_eq!(RowCount::About(10_001).text(), "about 10,000");
        assert_eq!(RowCount::About(1_049_999).text(), "about 1,000,000");
        assert_eq!(RowCount::About(1_050_000).text(), "about 1,100,000");
    }
}
