//! The subscribers search list: one row per wallet a subscriber holds, on the search page (the
//! first rows) and in its exports (every row, read in chunks after the last row).

use super::{label_or_code, text, yes_no, Cell, Keyset, Kind, ListColumn};
use crate::db::models::subscriber_search::{self, SearchRow, SubscriberQuery};
use crate::db::DbConnection;
use crate::domain::subscriber::{WalletState, WalletType};
use diesel::QueryResult;

const fn col(
    key: &'static str,
    label: &'static str,
    kind: Kind,
    width: u16,
    cell: fn(&SearchRow) -> Cell,
) -> ListColumn<SearchRow> {
    ListColumn::new(key, label, kind, width, cell)
}

fn optional(v: &Option<String>) -> Cell {
    v.as_deref().map(text).unwrap_or(Cell::Empty)
}

pub const CARD_NUMBER: ListColumn<SearchRow> =
    col("card_number", "Card number", Kind::Ident, 14, |r| {
        text(&r.card_number)
    });
pub const SUBSCRIBER_ID: ListColumn<SearchRow> =
    col("subscriber_id", "Subscriber ID", Kind::Ident, 14, |r| {
        text(&r.cli)
    });
pub const WALLET_REF: ListColumn<SearchRow> =
    col("wallet_ref", "Wallet reference", Kind::Ident, 14, |r| {
        optional(&r.wallet_ref)
    });
pub const WALLET_TYPE: ListColumn<SearchRow> =
    col("wallet_type", "Wallet type", Kind::Text, 9, |r| {
        match &r.wallet_type {
            Some(t) => label_or_code(t, WalletType::parse, WalletType::label),
            None => Cell::Empty,
        }
    });
pub const WALLET_STATE: ListColumn<SearchRow> = col(
    "wallet_state",
    "Wallet state",
    Kind::Text,
    10,
    |r| match &r.wallet_state {
        Some(s) => label_or_code(s, WalletState::parse, WalletState::label),
        None => Cell::Empty,
    },
);
pub const PRODUCT_TYPE: ListColumn<SearchRow> =
    col("product_type", "Product type", Kind::Text, 16, |r| {
        optional(&r.product_type)
    });
pub const CUSTOMER: ListColumn<SearchRow> = col("customer", "Customer", Kind::Text, 22, |r| {
    optional(&r.customer)
});
pub const DESCRIPTION: ListColumn<SearchRow> =
    col("description", "Description", Kind::Text, 24, |r| {
        text(&r.description)
    });
pub const BLACKLISTED: ListColumn<SearchRow> =
    col("blacklisted", "Blacklisted", Kind::Text, 6, |r| {
        yes_no(r.blacklisted)
    });

pub const GENERAL_CASH: ListColumn<SearchRow> =
    col("general_cash", "General cash", Kind::Text, 16, |r| {
        optional(&r.general_cash)
    });

/// Every column, in the order of "all data" exports.
pub const COLUMNS: &[ListColumn<SearchRow>] = &[
    CARD_NUMBER,
    SUBSCRIBER_ID,
    WALLET_REF,
    WALLET_TYPE,
    WALLET_STATE,
    PRODUCT_TYPE,
    GENERAL_CASH,
    CUSTOMER,
    DESCRIPTION,
    BLACKLISTED,
];

/// The rows of one search.
pub struct Subscribers {
    pub query: SubscriberQuery,
}

impl Subscribers {
    /// The first `limit` rows (the page asks for one more than it shows, to say "more").
    pub fn first(&self, conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<SearchRow>> {
        subscriber_search::search(conn, &self.query, None, limit)
    }
}

impl Keyset for Subscribers {
    type Row = SearchRow;
    fn chunk(
        &self,
        conn: &mut DbConnection,
        after: Option<&SearchRow>,
        limit: i64,
    ) -> QueryResult<Vec<SearchRow>> {
        subscriber_search::search(conn, &self.query, after, limit)
    }
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        subscriber_search::count(conn, &self.query)
    }
}
