//! The access links list: a site's links, on the links pane, in the link's details and in its
//! exports. Its columns are named constants, so the inventory of all links reuses them.

use super::counts::{CountCache, RowCount};
use super::{by_text, text, Cell, FlatCell, Keyset, KeysetValue, Kind, ListColumn, Row, SortDir};
use crate::db::models::link::{self, AccessLink};
use crate::db::models::Page;
use crate::db::DbConnection;
use crate::domain::{LinkStatus, LinkType, Zone};
use diesel::QueryResult;

const fn col(
    key: &'static str,
    label: &'static str,
    kind: Kind,
    width: u16,
    cell: fn(&AccessLink) -> Cell,
) -> ListColumn<AccessLink> {
    ListColumn::new(key, label, kind, width, cell)
}

pub const NAME: ListColumn<AccessLink> = col("name", "Name", Kind::Text, 14, |l| text(&l.name))
    .sort("access_links.name", |l| by_text(&l.name))
    .shown()
    .inline(30)
    .flat("access_links.name", FlatCell::Text);
pub const DESCRIPTION: ListColumn<AccessLink> =
    col("description", "Description", Kind::Text, 22, |l| {
        text(&l.description)
    })
    .sort("access_links.description", |l| by_text(&l.description))
    .shown()
    .inline(200)
    .flat("access_links.description", FlatCell::Text);
pub const LINK_TYPE: ListColumn<AccessLink> = col("link_type", "Type", Kind::Text, 9, |l| {
    text(l.link_type.label())
})
.sort("access_links.link_type", |l| by_text(l.link_type.code()))
.shown()
.flat(
    "access_links.link_type",
    FlatCell::Label(|code| {
        LinkType::ALL
            .iter()
            .find(|t| t.code() == code)
            .map(|t| t.label())
    }),
);
pub const BANDWIDTH_DOWN: ListColumn<AccessLink> =
    col("bandwidth_down_kbps", "Down (kbit/s)", Kind::Int, 11, |l| {
        Cell::Int(l.bandwidth_down_kbps)
    })
    .sort("access_links.bandwidth_down_kbps", |l| {
        KeysetValue::Int(l.bandwidth_down_kbps)
    })
    .shown()
    .flat("access_links.bandwidth_down_kbps", FlatCell::Int);
pub const BANDWIDTH_UP: ListColumn<AccessLink> =
    col("bandwidth_up_kbps", "Up (kbit/s)", Kind::Int, 11, |l| {
        Cell::Int(l.bandwidth_up_kbps)
    })
    .sort("access_links.bandwidth_up_kbps", |l| {
        KeysetValue::Int(l.bandwidth_up_kbps)
    })
    .optional()
    .flat("access_links.bandwidth_up_kbps", FlatCell::Int);
pub const IP_ADDRESS: ListColumn<AccessLink> =
    col("ip_address", "IP address", Kind::Text, 18, |l| {
        text(&l.ip_address)
    })
    .sort("access_links.ip_address", |l| by_text(&l.ip_address))
    .shown()
    .flat("access_links.ip_address", FlatCell::Text);
pub const CIRCUIT_ID: ListColumn<AccessLink> =
    col("circuit_id", "Circuit id", Kind::Ident, 14, |l| {
        text(&l.circuit_id)
    })
    .sort("access_links.circuit_id", |l| by_text(&l.circuit_id))
    .optional()
    .flat("access_links.circuit_id", FlatCell::Text);
pub const STATUS: ListColumn<AccessLink> = col("status", "Status", Kind::Text, 8, |l| {
    text(l.status.label())
})
.sort("access_links.status", |l| by_text(l.status.code()))
.shown()
.flat(
    "access_links.status",
    FlatCell::Label(|code| {
        LinkStatus::ALL
            .iter()
            .find(|s| s.code() == code)
            .map(|s| s.label())
    }),
);
pub const CREATED_AT: ListColumn<AccessLink> = col("created_at", "Created", Kind::Date, 16, |l| {
    Cell::Date(l.created_at)
})
.flat("access_links.created_at", FlatCell::Date);
pub const UPDATED_AT: ListColumn<AccessLink> = col("updated_at", "Updated", Kind::Date, 16, |l| {
    Cell::Date(l.updated_at)
})
.flat("access_links.updated_at", FlatCell::Date);

/// Every column, in the order of the pane and of "all data" exports.
pub const COLUMNS: &[ListColumn<AccessLink>] = &[
    NAME,
    DESCRIPTION,
    LINK_TYPE,
    BANDWIDTH_DOWN,
    BANDWIDTH_UP,
    IP_ADDRESS,
    CIRCUIT_ID,
    STATUS,
    CREATED_AT,
    UPDATED_AT,
];

/// The sort column asked for, if allowed, else by name.
pub fn sort(asked: Option<&str>) -> &'static ListColumn<AccessLink> {
    super::sort_column(COLUMNS, asked, "name")
}

/// A link's details as the page shows them: every column the pane can show, times in `zone`.
pub fn details(l: &AccessLink, zone: &Zone) -> Vec<(&'static str, String)> {
    COLUMNS
        .iter()
        .filter(|c| c.on_pane())
        .map(|c| (c.label, c.text(l, zone)))
        .collect()
}

impl Row for AccessLink {
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

/// One site's access links, in one column's order.
pub struct Links {
    pub site_id: i64,
    pub sort: &'static ListColumn<AccessLink>,
    pub dir: SortDir,
}

impl Links {
    /// One page of the pane.
    pub fn page(
        &self,
        conn: &mut DbConnection,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Page<AccessLink>> {
        let order = super::order(self.sort, self.dir);
        link::list_for_site(conn, self.site_id, order, page, per_page)
    }
}

impl Links {
    /// The 0-based place of `row` among the site's access links.
    pub fn position(&self, conn: &mut DbConnection, row: &AccessLink) -> QueryResult<Option<i64>> {
        match self.sort.sort {
            Some(s) => link::position(
                conn,
                self.site_id,
                super::order(self.sort, self.dir),
                ((s.value)(row), row.id),
            )
            .map(Some),
            None => Ok(None),
        }
    }

    /// How many access links the site has (`lists::counts`).
    pub fn row_count(&self, conn: &mut DbConnection, cache: &CountCache) -> QueryResult<RowCount> {
        let id = self.site_id;
        cache.count_with(
            &format!("links of {id}"),
            conn,
            |conn, n| link::more_than_for_site(conn, id, n),
            |conn| link::count_for_site(conn, id),
        )
    }
}

impl Keyset for Links {
    type Row = AccessLink;
    fn chunk(
        &self,
        conn: &mut DbConnection,
        after: Option<&AccessLink>,
        limit: i64,
    ) -> QueryResult<Vec<AccessLink>> {
        let after = after.and_then(|r| self.sort.sort.map(|s| ((s.value)(r), r.id)));
        let order = super::order(self.sort, self.dir);
        link::list_after(conn, self.site_id, order, after, limit)
    }
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        link::count_for_site(conn, self.site_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(link_type: LinkType) -> AccessLink {
        AccessLink {
            id: 1,
            site_id: 1,
            name: "uplink".into(),
            description: String::new(),
            link_type,
            bandwidth_down_kbps: 1000,
            bandwidth_up_kbps: 100,
            ip_address: "192.0.2.1".into(),
            circuit_id: "CKT-1".into(),
            status: LinkStatus::Active,
            version: 1,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn the_pane_and_the_export_show_the_same_value() {
        for t in LinkType::ALL {
            let l = link(*t);
            let exported = (LINK_TYPE.cell)(&l).display(&Zone::utc());
            assert_eq!(LINK_TYPE.text(&l, &Zone::utc()), exported, "{t}");
        }
        assert_eq!(
            LINK_TYPE.text(&link(LinkType::Fiber), &Zone::utc()),
            "Fiber"
        );
        assert!(
            LinkType::try_from("CARRIER_PIGEON".to_string()).is_err(),
            "an unknown stored type is a load error, never shown as a guess"
        );
        // Numbers: the pane groups their digits, the export keeps the number itself.
        assert_eq!(
            BANDWIDTH_DOWN.text(&link(LinkType::Fiber), &Zone::utc()),
            "1,000"
        );
        assert!(matches!(
            (BANDWIDTH_DOWN.cell)(&link(LinkType::Fiber)),
            Cell::Int(1000)
        ));
    }
}
