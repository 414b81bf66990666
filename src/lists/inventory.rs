//! The inventory: every access link of every customer (or of one service provider), with its
//! customer and site, in id order. Its link columns are the links list's own.

use super::links;
use super::{text, FlatCell, Keyset, Kind, ListColumn};
use crate::db::models::flat::FlatQuery;
use crate::db::models::link::{self, AccessLink};
use crate::db::DbConnection;
use diesel::QueryResult;

/// One link with the names of its customer and site.
pub struct InventoryRow {
    pub link: AccessLink,
    pub account_code: String,
    pub company: String,
    pub site: String,
}

/// A column of the links list, read from the row's link (optionally relabelled).
macro_rules! link_column {
    ($c:path) => {
        link_column!($c, $c.label, $c.width)
    };
    ($c:path, $label:expr, $width:expr) => {
        ListColumn {
            flat: $c.flat,
            ..ListColumn::new($c.key, $label, $c.kind, $width, |r: &InventoryRow| {
                ($c.cell)(&r.link)
            })
        }
    };
}

pub const COLUMNS: &[ListColumn<InventoryRow>] = &[
    ListColumn::new(
        "account_code",
        "Account code",
        Kind::Ident,
        14,
        |r: &InventoryRow| text(&r.account_code),
    )
    .flat("customers.account_code", FlatCell::Text),
    ListColumn::new("company", "Company", Kind::Text, 22, |r: &InventoryRow| {
        text(&r.company)
    })
    .flat("customers.company", FlatCell::Text),
    ListColumn::new("site", "Site", Kind::Text, 18, |r: &InventoryRow| {
        text(&r.site)
    })
    .flat("sites.name", FlatCell::Text),
    link_column!(links::NAME, "Link", 12),
    link_column!(links::LINK_TYPE),
    link_column!(links::BANDWIDTH_DOWN),
    link_column!(links::BANDWIDTH_UP),
    link_column!(links::IP_ADDRESS),
    link_column!(links::CIRCUIT_ID),
    link_column!(links::STATUS),
];

/// Every link in scope, in id order.
pub struct Inventory {
    pub service_provider: Option<i64>,
}

impl Keyset for Inventory {
    type Row = InventoryRow;
    fn chunk(
        &self,
        conn: &mut DbConnection,
        after: Option<&InventoryRow>,
        limit: i64,
    ) -> QueryResult<Vec<InventoryRow>> {
        let after_id = after.map(|r| r.link.id).unwrap_or(0);
        Ok(
            link::inventory_after(conn, self.service_provider, after_id, limit)?
                .into_iter()
                .map(|(link, account_code, company, site)| InventoryRow {
                    link,
                    account_code,
                    company,
                    site,
                })
                .collect(),
        )
    }
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        link::inventory_count(conn, self.service_provider)
    }
    fn flat<'a>(&self, columns: &'a str) -> Option<FlatQuery<'a>> {
        Some(link::inventory_flat(self.service_provider, columns))
    }
}
