//! The sites list: a customer's sites, on the sites pane and in its exports.

use super::counts::{CountCache, RowCount};
use super::{by_text, text, Cell, Keyset, KeysetValue, Kind, ListColumn, Row, SortDir};
use crate::db::models::site::{self, Site};
use crate::db::models::Page;
use crate::db::DbConnection;
use crate::domain::Country;
use diesel::QueryResult;

const fn col(
    key: &'static str,
    label: &'static str,
    kind: Kind,
    width: u16,
    cell: fn(&Site) -> Cell,
) -> ListColumn<Site> {
    ListColumn::new(key, label, kind, width, cell)
}

/// Every column, in the order of the pane and of "all data" exports.
pub const COLUMNS: &[ListColumn<Site>] = &[
    col("name", "Name", Kind::Text, 18, |s| text(&s.name))
        .sort("sites.name", |s| by_text(&s.name))
        .shown()
        .inline(30),
    col("description", "Description", Kind::Text, 26, |s| {
        text(&s.description)
    })
    .sort("sites.description", |s| by_text(&s.description))
    .shown()
    .inline(200),
    col("address", "Address", Kind::Text, 26, |s| text(&s.address))
        .sort("sites.address", |s| by_text(&s.address))
        .optional(),
    col("country", "Country", Kind::Text, 14, |s| {
        text(Country::name_of(&s.country))
    })
    .sort("sites.country", |s| by_text(&s.country))
    .shown(),
    col("time_zone", "Time zone", Kind::Text, 18, |s| {
        text(&s.time_zone)
    })
    .sort("sites.time_zone", |s| by_text(&s.time_zone))
    .shown(),
    col("created_at", "Created", Kind::Date, 16, |s| {
        Cell::Date(s.created_at)
    })
    .sort("sites.created_at", |s| KeysetValue::Int(s.created_at))
    .optional(),
    col("updated_at", "Updated", Kind::Date, 16, |s| {
        Cell::Date(s.updated_at)
    }),
];

/// The sort column asked for, if allowed, else by name.
pub fn sort(asked: Option<&str>) -> &'static ListColumn<Site> {
    super::sort_column(COLUMNS, asked, "name")
}

impl Row for Site {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i32 {
        self.version
    }
    fn label(&self) -> &str {
        &self.name
    }
}

/// One customer's sites, in one column's order.
pub struct Sites {
    pub customer_id: i64,
    pub sort: &'static ListColumn<Site>,
    pub dir: SortDir,
}

impl Sites {
    /// One page of the pane.
    pub fn page(
        &self,
        conn: &mut DbConnection,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Page<Site>> {
        let order = super::order(self.sort, self.dir);
        site::list_for_customer(conn, self.customer_id, order, page, per_page)
    }
}

impl Sites {
    /// The 0-based place of `row` among the customer's sites.
    pub fn position(&self, conn: &mut DbConnection, row: &Site) -> QueryResult<Option<i64>> {
        match self.sort.sort {
            Some(s) => site::position(
                conn,
                self.customer_id,
                super::order(self.sort, self.dir),
                ((s.value)(row), row.id),
            )
            .map(Some),
            None => Ok(None),
        }
    }

    /// How many sites the customer has (`lists::counts`).
    pub fn row_count(&self, conn: &mut DbConnection, cache: &CountCache) -> QueryResult<RowCount> {
        let id = self.customer_id;
        cache.count_with(
            &format!("sites of {id}"),
            conn,
            |conn, n| site::more_than_for_customer(conn, id, n),
            |conn| site::count_for_customer(conn, id),
        )
    }
}

impl Keyset for Sites {
    type Row = Site;
    fn chunk(
        &self,
        conn: &mut DbConnection,
        after: Option<&Site>,
        limit: i64,
    ) -> QueryResult<Vec<Site>> {
        let after = after.and_then(|r| self.sort.sort.map(|s| ((s.value)(r), r.id)));
        let order = super::order(self.sort, self.dir);
        site::list_after(conn, self.customer_id, order, after, limit)
    }
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        site::count_for_customer(conn, self.customer_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::visible;

    fn keys(cols: &[&ListColumn<Site>]) -> Vec<&'static str> {
        cols.iter().map(|c| c.key).collect()
    }

    #[test]
    fn defaults_when_nothing_stored_or_nothing_valid() {
        let d = visible(COLUMNS, None);
        assert_eq!(keys(&d), ["name", "description", "country", "time_zone"]);
        assert_eq!(visible(COLUMNS, Some("bogus")).len(), d.len());
        assert_eq!(
            keys(&visible(COLUMNS, Some("address,name"))),
            ["name", "address"]
        );
        assert_eq!(
            visible(COLUMNS, Some("updated_at")).len(),
            d.len(),
            "an export-only column is not a pane column"
        );
    }
}
