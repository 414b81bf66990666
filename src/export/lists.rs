//! The lists that export: their columns (all data) and how their rows are read in chunks.

use super::{Cell, Column, Kind, RowSource};
use crate::db::models::customer::{self, Customer, CustomerFilter};
use crate::db::models::link::{self, AccessLink};
use crate::db::models::site::{self, Site};
use crate::db::models::subscriber_search::{self, SearchRow, SubscriberQuery};
use crate::db::models::SortDir;
use crate::db::DbConnection;
use crate::domain::{Country, CustomerStatus, LinkStatus, LinkType};
use diesel::QueryResult;

/// Rows read per query.
pub const CHUNK: i64 = 2_000;

const fn col(key: &'static str, label: &'static str, kind: Kind, width: u16) -> Column {
    Column {
        key,
        label,
        kind,
        width,
    }
}

pub const CUSTOMER_COLUMNS: &[Column] = &[
    col("account_code", "Account code", Kind::Ident, 14),
    col("company", "Company", Kind::Text, 24),
    col("name", "Name", Kind::Text, 20),
    col("description", "Description", Kind::Text, 24),
    col("username", "Web username", Kind::Text, 14),
    col("email", "Email", Kind::Text, 22),
    col("phone", "Phone", Kind::Ident, 12),
    col("address", "Address", Kind::Text, 26),
    col("country", "Country", Kind::Text, 14),
    col("pin", "Postal code", Kind::Ident, 9),
    col("webid", "WebID", Kind::Text, 16),
    col("status", "Status", Kind::Text, 12),
    col("customer_type", "Type", Kind::Text, 6),
    col("billing_type", "Billing", Kind::Text, 9),
    col("payment_term_days", "Payment term (days)", Kind::Int, 8),
    col("credit_limit", "Credit limit", Kind::Money, 12),
    col("billing_decimals", "Billing decimals", Kind::Int, 8),
    col("tax_flag", "VAT/tax", Kind::Text, 6),
    col("max_call_sessions", "Max call sessions", Kind::Int, 8),
    col("calls_per_second", "Calls per second", Kind::Int, 8),
    col("call_with_media", "Call with media", Kind::Text, 6),
    col("codec_list", "Codecs", Kind::Text, 12),
    col("max_call_duration", "Max call duration (s)", Kind::Int, 8),
    col("created_at", "Created", Kind::Date, 16),
    col("updated_at", "Updated", Kind::Date, 16),
];

pub const SITE_COLUMNS: &[Column] = &[
    col("name", "Name", Kind::Text, 18),
    col("description", "Description", Kind::Text, 26),
    col("address", "Address", Kind::Text, 26),
    col("country", "Country", Kind::Text, 14),
    col("time_zone", "Time zone", Kind::Text, 18),
    col("created_at", "Created", Kind::Date, 16),
    col("updated_at", "Updated", Kind::Date, 16),
];

pub const LINK_COLUMNS: &[Column] = &[
    col("name", "Name", Kind::Text, 14),
    col("description", "Description", Kind::Text, 22),
    col("link_type", "Type", Kind::Text, 9),
    col("bandwidth_down_kbps", "Down (kbit/s)", Kind::Int, 11),
    col("bandwidth_up_kbps", "Up (kbit/s)", Kind::Int, 11),
    col("ip_address", "IP address", Kind::Text, 18),
    col("circuit_id", "Circuit id", Kind::Ident, 14),
    col("status", "Status", Kind::Text, 8),
    col("created_at", "Created", Kind::Date, 16),
    col("updated_at", "Updated", Kind::Date, 16),
];

pub const INVENTORY_COLUMNS: &[Column] = &[
    col("account_code", "Account code", Kind::Ident, 14),
    col("company", "Company", Kind::Text, 22),
    col("site", "Site", Kind::Text, 18),
    col("name", "Link", Kind::Text, 12),
    col("link_type", "Type", Kind::Text, 9),
    col("bandwidth_down_kbps", "Down (kbit/s)", Kind::Int, 11),
    col("bandwidth_up_kbps", "Up (kbit/s)", Kind::Int, 11),
    col("ip_address", "IP address", Kind::Text, 18),
    col("circuit_id", "Circuit id", Kind::Ident, 14),
    col("status", "Status", Kind::Text, 8),
];

/// The subscribers search: one row per wallet a subscriber holds.
pub const SUBSCRIBER_COLUMNS: &[Column] = &[
    col("card_number", "Card number", Kind::Ident, 14),
    col("subscriber_id", "Subscriber ID", Kind::Ident, 14),
    col("wallet_ref", "Wallet reference", Kind::Ident, 14),
    col("wallet_type", "Wallet type", Kind::Text, 9),
    col("wallet_state", "Wallet state", Kind::Text, 10),
    col("product_type", "Product type", Kind::Text, 16),
    col("customer", "Customer", Kind::Text, 22),
    col("description", "Description", Kind::Text, 24),
    col("blacklisted", "Blacklisted", Kind::Text, 6),
];

/// The columns to export: the pane's visible ones in their order ("current view"), or all.
pub fn choose(all: &[Column], visible: Option<&[&str]>) -> Vec<Column> {
    match visible {
        Some(keys) => keys
            .iter()
            .filter_map(|k| all.iter().find(|c| c.key == *k).copied())
            .collect(),
        None => all.to_vec(),
    }
}

fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

fn customer_cell(c: &Customer, key: &str) -> Cell {
    match key {
        "account_code" => text(&c.account_code),
        "company" => text(&c.company),
        "name" => text(&c.name),
        "description" => text(&c.description),
        "username" => text(&c.username),
        "email" => text(&c.email),
        "phone" => text(&c.phone),
        "address" => text(&c.address),
        "country" => text(Country::name_of(&c.country)),
        "pin" => text(&c.pin),
        "webid" => text(&c.webid),
        "status" => text(
            CustomerStatus::parse(&c.status)
                .map(|s| s.label())
                .unwrap_or(&c.status),
        ),
        "customer_type" => text(&c.customer_type),
        "billing_type" => text(&c.billing_type),
        "payment_term_days" => Cell::Int(c.payment_term_days.into()),
        "credit_limit" => Cell::Money(c.credit_limit_cents),
        "billing_decimals" => Cell::Int(c.billing_decimals.into()),
        "tax_flag" => text(&c.tax_flag),
        "max_call_sessions" => Cell::Int(c.max_call_sessions.into()),
        "calls_per_second" => Cell::Int(c.calls_per_second.into()),
        "call_with_media" => text(if c.call_with_media { "Yes" } else { "No" }),
        "codec_list" => text(&c.codec_list),
        "max_call_duration" => c
            .max_call_duration_secs
            .map(|d| Cell::Int(d.into()))
            .unwrap_or(Cell::Empty),
        "created_at" => Cell::Date(c.created_at),
        "updated_at" => Cell::Date(c.updated_at),
        _ => Cell::Empty,
    }
}

fn site_cell(s: &Site, key: &str) -> Cell {
    match key {
        "name" => text(&s.name),
        "description" => text(&s.description),
        "address" => text(&s.address),
        "country" => text(Country::name_of(&s.country)),
        "time_zone" => text(&s.time_zone),
        "created_at" => Cell::Date(s.created_at),
        "updated_at" => Cell::Date(s.updated_at),
        _ => Cell::Empty,
    }
}

fn link_cell(l: &AccessLink, key: &str) -> Cell {
    match key {
        "name" => text(&l.name),
        "description" => text(&l.description),
        "link_type" => text(
            LinkType::parse(&l.link_type)
                .map(|t| t.label())
                .unwrap_or(&l.link_type),
        ),
        "bandwidth_down_kbps" => Cell::Int(l.bandwidth_down_kbps),
        "bandwidth_up_kbps" => Cell::Int(l.bandwidth_up_kbps),
        "ip_address" => text(&l.ip_address),
        "circuit_id" => text(&l.circuit_id),
        "status" => text(
            LinkStatus::parse(&l.status)
                .map(|t| t.label())
                .unwrap_or(&l.status),
        ),
        "created_at" => Cell::Date(l.created_at),
        "updated_at" => Cell::Date(l.updated_at),
        _ => Cell::Empty,
    }
}

/// The customers pane with its filters and sort.
pub struct CustomersSource {
    pub filter: CustomerFilter,
    pub sort: &'static str,
    pub dir: SortDir,
    pub columns: Vec<Column>,
    last: Option<Customer>,
    done: bool,
}

impl CustomersSource {
    pub fn new(
        filter: CustomerFilter,
        sort: &'static str,
        dir: SortDir,
        columns: Vec<Column>,
    ) -> Self {
        CustomersSource {
            filter,
            sort,
            dir,
            columns,
            last: None,
            done: false,
        }
    }
}

impl RowSource for CustomersSource {
    fn columns(&self) -> &[Column] {
        &self.columns
    }
    fn next_chunk(&mut self, conn: &mut DbConnection) -> QueryResult<Option<Vec<Vec<Cell>>>> {
        if self.done {
            return Ok(None);
        }
        let rows = customer::list_after(
            conn,
            &self.filter,
            self.sort,
            self.dir,
            self.last.as_ref(),
            CHUNK,
        )?;
        self.done = (rows.len() as i64) < CHUNK;
        let out: Vec<Vec<Cell>> = rows
            .iter()
            .map(|c| {
                self.columns
                    .iter()
                    .map(|col| customer_cell(c, col.key))
                    .collect()
            })
            .collect();
        self.last = rows.into_iter().last();
        Ok(if out.is_empty() { None } else { Some(out) })
    }
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        customer::count_filtered(conn, &self.filter)
    }
}

/// One customer's sites.
pub struct SitesSource {
    pub customer_id: i64,
    pub sort: &'static str,
    pub dir: SortDir,
    pub columns: Vec<Column>,
    last: Option<Site>,
    done: bool,
}

impl SitesSource {
    pub fn new(customer_id: i64, sort: &'static str, dir: SortDir, columns: Vec<Column>) -> Self {
        SitesSource {
            customer_id,
            sort,
            dir,
            columns,
            last: None,
            done: false,
        }
    }
}

impl RowSource for SitesSource {
    fn columns(&self) -> &[Column] {
        &self.columns
    }
    fn next_chunk(&mut self, conn: &mut DbConnection) -> QueryResult<Option<Vec<Vec<Cell>>>> {
        if self.done {
            return Ok(None);
        }
        let rows = site::list_after(
            conn,
            self.customer_id,
            self.sort,
            self.dir,
            self.last.as_ref(),
            CHUNK,
        )?;
        self.done = (rows.len() as i64) < CHUNK;
        let out: Vec<Vec<Cell>> = rows
            .iter()
            .map(|s| {
                self.columns
                    .iter()
                    .map(|col| site_cell(s, col.key))
                    .collect()
            })
            .collect();
        self.last = rows.into_iter().last();
        Ok(if out.is_empty() { None } else { Some(out) })
    }
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        site::count_for_customer(conn, self.customer_id)
    }
}

/// One site's access links.
pub struct LinksSource {
    pub site_id: i64,
    pub sort: &'static str,
    pub dir: SortDir,
    pub columns: Vec<Column>,
    last: Option<AccessLink>,
    done: bool,
}

impl LinksSource {
    pub fn new(site_id: i64, sort: &'static str, dir: SortDir, columns: Vec<Column>) -> Self {
        LinksSource {
            site_id,
            sort,
            dir,
            columns,
            last: None,
            done: false,
        }
    }
}

impl RowSource for LinksSource {
    fn columns(&self) -> &[Column] {
        &self.columns
    }
    fn next_chunk(&mut self, conn: &mut DbConnection) -> QueryResult<Option<Vec<Vec<Cell>>>> {
        if self.done {
            return Ok(None);
        }
        let rows = link::list_after(
            conn,
            self.site_id,
            self.sort,
            self.dir,
            self.last.as_ref(),
            CHUNK,
        )?;
        self.done = (rows.len() as i64) < CHUNK;
        let out: Vec<Vec<Cell>> = rows
            .iter()
            .map(|l| {
                self.columns
                    .iter()
                    .map(|col| link_cell(l, col.key))
                    .collect()
            })
            .collect();
        self.last = rows.into_iter().last();
        Ok(if out.is_empty() { None } else { Some(out) })
    }
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        link::count_for_site(conn, self.site_id)
    }
}

/// Every access link of every customer (the network inventory), in id order.
pub struct InventorySource {
    pub service_provider: Option<i64>,
    pub columns: Vec<Column>,
    last_id: i64,
    done: bool,
}

impl InventorySource {
    pub fn new(service_provider: Option<i64>, columns: Vec<Column>) -> Self {
        InventorySource {
            service_provider,
            columns,
            last_id: 0,
            done: false,
        }
    }
}

impl RowSource for InventorySource {
    fn columns(&self) -> &[Column] {
        &self.columns
    }
    fn next_chunk(&mut self, conn: &mut DbConnection) -> QueryResult<Option<Vec<Vec<Cell>>>> {
        if self.done {
            return Ok(None);
        }
        let rows = link::inventory_after(conn, self.service_provider, self.last_id, CHUNK)?;
        self.done = (rows.len() as i64) < CHUNK;
        if let Some((l, ..)) = rows.last() {
            self.last_id = l.id;
        }
        // The rows are consumed: their strings move into the cells instead of being copied.
        let owned = |s: &mut String| {
            if s.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(std::mem::take(s))
            }
        };
        let out: Vec<Vec<Cell>> = rows
            .into_iter()
            .map(|(mut l, mut account, mut company, mut site)| {
                self.columns
                    .iter()
                    .map(|col| match col.key {
                        "account_code" => owned(&mut account),
                        "company" => owned(&mut company),
                        "site" => owned(&mut site),
                        "name" => owned(&mut l.name),
                        "description" => owned(&mut l.description),
                        "ip_address" => owned(&mut l.ip_address),
                        "circuit_id" => owned(&mut l.circuit_id),
                        key => link_cell(&l, key),
                    })
                    .collect()
            })
            .collect();
        Ok(if out.is_empty() { None } else { Some(out) })
    }
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        link::inventory_count(conn, self.service_provider)
    }
}

fn subscriber_cell(r: &SearchRow, key: &str) -> Cell {
    use crate::domain::subscriber::{WalletState, WalletType};
    let opt = |v: &Option<String>| v.as_deref().map(text).unwrap_or(Cell::Empty);
    match key {
        "card_number" => text(&r.card_number),
        "subscriber_id" => text(&r.cli),
        "wallet_ref" => opt(&r.wallet_ref),
        "wallet_type" => r
            .wallet_type
            .as_deref()
            .map(|t| text(WalletType::parse(t).map(|t| t.label()).unwrap_or(t)))
            .unwrap_or(Cell::Empty),
        "wallet_state" => r
            .wallet_state
            .as_deref()
            .map(|s| text(WalletState::parse(s).map(|s| s.label()).unwrap_or(s)))
            .unwrap_or(Cell::Empty),
        "product_type" => opt(&r.product_type),
        "customer" => opt(&r.customer),
        "description" => text(&r.description),
        "blacklisted" => text(if r.blacklisted { "Yes" } else { "No" }),
        _ => Cell::Empty,
    }
}

/// The rows of a subscribers search, continuing after the last row of each chunk.
pub struct SubscribersSource {
    pub query: SubscriberQuery,
    pub columns: Vec<Column>,
    last: Option<SearchRow>,
    done: bool,
}

impl SubscribersSource {
    pub fn new(query: SubscriberQuery, columns: Vec<Column>) -> Self {
        SubscribersSource {
            query,
            columns,
            last: None,
            done: false,
        }
    }
}

impl RowSource for SubscribersSource {
    fn columns(&self) -> &[Column] {
        &self.columns
    }
    fn next_chunk(&mut self, conn: &mut DbConnection) -> QueryResult<Option<Vec<Vec<Cell>>>> {
        if self.done {
            return Ok(None);
        }
        let rows = subscriber_search::search(conn, &self.query, self.last.as_ref(), CHUNK)?;
        self.done = (rows.len() as i64) < CHUNK;
        let out: Vec<Vec<Cell>> = rows
            .iter()
            .map(|r| {
                self.columns
                    .iter()
                    .map(|col| subscriber_cell(r, col.key))
                    .collect()
            })
            .collect();
        self.last = rows.into_iter().last();
        Ok(if out.is_empty() { None } else { Some(out) })
    }
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        subscriber_search::count(conn, &self.query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_view_keeps_the_pane_order_and_drops_unknown_keys() {
        let cols = choose(CUSTOMER_COLUMNS, Some(&["status", "company", "bogus"]));
        assert_eq!(
            cols.iter().map(|c| c.key).collect::<Vec<_>>(),
            ["status", "company"]
        );
        assert_eq!(choose(SITE_COLUMNS, None).len(), SITE_COLUMNS.len());
    }
}
