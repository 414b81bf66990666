//! Each list declared once: its columns (key, label, export kind and width, whether and how it
//! sorts, whether the pane shows it, whether it is edited in place, and the one function from a
//! row to the cell value), its filters and its keyset row source. The pane, the sort allow-list,
//! the column chooser and every export format derive from the declaration, so the page and the
//! files can never disagree.
//!
//! To add a column to a list, add one `ListColumn` to that list's `COLUMNS` (its file here).

pub mod audit;
pub mod counts;
pub mod customers;
pub mod edrs;
pub mod export_jobs;
pub mod inventory;
pub mod links;
pub mod sites;
pub mod source;
pub mod spec;
pub mod statement;
pub mod subscribers;

pub use crate::db::models::{KeysetValue, Order, SortDir};
use crate::domain::Zone;
pub use crate::export::{Cell, Column, FlatCell, Kind};
pub use source::{Keyset, Source};

/// Where a column appears on the three-pane page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Only in exports ("all data").
    Never,
    /// In the pane's column chooser, off until chosen.
    Optional,
    /// In the pane unless the operator chose otherwise.
    ByDefault,
}

/// How a list is sorted by a column: the SQL it is ordered by (a constant, never input) and the
/// row's value in it, where the next keyset chunk carries on.
pub struct Sort<R: 'static> {
    pub sql: &'static str,
    pub value: fn(&R) -> KeysetValue,
}

/// How a lean CSV/TXT export reads a column without the row struct: a constant SQL expression
/// and how its value is written (the same text as `cell`; `tests/api/exports.rs` compares them).
#[derive(Debug, Clone, Copy)]
pub struct Flat {
    pub sql: &'static str,
    pub cell: FlatCell,
}

/// One column of a list of `R` rows.
pub struct ListColumn<R: 'static> {
    /// The name in URLs, preferences and export column lists.
    pub key: &'static str,
    pub label: &'static str,
    /// How exports write it, and its width there in characters.
    pub kind: Kind,
    pub width: u16,
    pub shown: Shown,
    /// Edited in place on the pane, with this maximum length.
    pub inline: Option<u32>,
    /// Sortable (the allow-list), and how.
    pub sort: Option<Sort<R>>,
    /// The value of this column in a row: the pane shows it, every export writes it.
    pub cell: fn(&R) -> Cell,
    /// The same value read straight from the database, for lists with a lean reading.
    pub flat: Option<Flat>,
}

impl<R> Clone for Sort<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Sort<R> {}
impl<R> Clone for ListColumn<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for ListColumn<R> {}

impl<R> ListColumn<R> {
    /// A column that exports only; the builders below add the rest.
    pub const fn new(
        key: &'static str,
        label: &'static str,
        kind: Kind,
        width: u16,
        cell: fn(&R) -> Cell,
    ) -> Self {
        ListColumn {
            key,
            label,
            kind,
            width,
            shown: Shown::Never,
            inline: None,
            sort: None,
            cell,
            flat: None,
        }
    }

    /// Read by lean exports as `sql`, written as `cell` says.
    pub const fn flat(mut self, sql: &'static str, cell: FlatCell) -> Self {
        self.flat = Some(Flat { sql, cell });
        self
    }

    /// Sortable by `sql`, carrying on after `value` of the last row.
    pub const fn sort(mut self, sql: &'static str, value: fn(&R) -> KeysetValue) -> Self {
        self.sort = Some(Sort { sql, value });
        self
    }

    /// Shown on the pane by default.
    pub const fn shown(mut self) -> Self {
        self.shown = Shown::ByDefault;
        self
    }

    /// Offered in the pane's column chooser, off by default.
    pub const fn optional(mut self) -> Self {
        self.shown = Shown::Optional;
        self
    }

    /// Edited in place on the pane, up to `max` characters.
    pub const fn inline(mut self, max: u32) -> Self {
        self.inline = Some(max);
        self
    }

    /// The column as the export writers see it.
    pub fn export(&self) -> Column {
        Column {
            key: self.key,
            label: self.label,
            kind: self.kind,
            width: self.width,
        }
    }

    /// The value as the pane shows it, times in the viewer's `zone`.
    pub fn text(&self, row: &R, zone: &Zone) -> String {
        pane_text((self.cell)(row), zone)
    }

    pub fn on_pane(&self) -> bool {
        self.shown != Shown::Never
    }
}

/// How the pane shows a cell: dates without the time, times to the minute (both in the
/// viewer's `zone`), whole numbers with their digits grouped (`100,000`; exports write the
/// number itself), money as written.
pub fn pane_text(cell: Cell, zone: &Zone) -> String {
    match cell {
        Cell::Text(s) => s,
        Cell::Int(n) => crate::format::thousands(n),
        Cell::Date(ts) => zone.date(ts),
        Cell::Time(ts) => zone.time(ts),
        Cell::Empty => String::new(),
        money @ (Cell::Money(_) | Cell::Minor(..)) => money.display(zone),
    }
}

/// Text, or nothing when empty.
pub fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

/// A code shown by its label when it is a known one, else as stored.
pub fn label_or_code<T>(
    code: &str,
    parse: impl Fn(&str) -> Result<T, String>,
    label: fn(T) -> &'static str,
) -> Cell {
    text(parse(code).map(label).unwrap_or(code))
}

/// `Yes` / `No`.
pub fn yes_no(flag: bool) -> Cell {
    text(if flag { "Yes" } else { "No" })
}

/// A text sort value.
pub fn by_text(s: &str) -> KeysetValue {
    KeysetValue::Text(s.to_string())
}

/// The row id, name and version every pane row carries.
pub trait Row {
    fn id(&self) -> i64;
    fn version(&self) -> i32;
    /// What the row is called ("Select …").
    fn label(&self) -> &str;
}

/// The sort column asked for if the list allows sorting by it, else the list's default.
pub fn sort_column<R>(
    all: &'static [ListColumn<R>],
    asked: Option<&str>,
    default: &'static str,
) -> &'static ListColumn<R> {
    let sortable = |key: &str| all.iter().find(|c| c.key == key && c.sort.is_some());
    asked
        .and_then(sortable)
        .or_else(|| sortable(default))
        .unwrap_or(&all[0])
}

/// A list's order for the queries: the chosen column's SQL and the direction.
pub fn order<R>(column: &ListColumn<R>, dir: SortDir) -> Order {
    Order {
        column: column.sort.map(|s| s.sql).unwrap_or("id"),
        dir,
    }
}

/// The columns to export: those named, in the order named (unknown names dropped), or all.
pub fn choose<R>(
    all: &'static [ListColumn<R>],
    keys: Option<&[&str]>,
) -> Vec<&'static ListColumn<R>> {
    match keys {
        Some(keys) => keys
            .iter()
            .filter_map(|k| all.iter().find(|c| c.key == *k))
            .collect(),
        None => all.iter().collect(),
    }
}

/// The three panes of the customers page, as named in URLs, forms and preference keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaneKind {
    Customers,
    Sites,
    Links,
}

impl PaneKind {
    pub fn parse(name: &str) -> Option<PaneKind> {
        match name {
            "customers" => Some(PaneKind::Customers),
            "sites" => Some(PaneKind::Sites),
            "links" => Some(PaneKind::Links),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PaneKind::Customers => "customers",
            PaneKind::Sites => "sites",
            PaneKind::Links => "links",
        }
    }

    /// The preference that remembers an operator's columns of this pane.
    pub fn pref_key(self) -> String {
        format!("columns.{}", self.name())
    }

    /// The keys of the columns the pane can show, in the pane's order.
    pub fn keys(self) -> Vec<&'static str> {
        fn of<R>(all: &'static [ListColumn<R>]) -> Vec<&'static str> {
            all.iter().filter(|c| c.on_pane()).map(|c| c.key).collect()
        }
        match self {
            PaneKind::Customers => of(customers::COLUMNS),
            PaneKind::Sites => of(sites::COLUMNS),
            PaneKind::Links => of(links::COLUMNS),
        }
    }

    /// The keys of the columns shown, from a stored choice or the defaults.
    pub fn visible_keys(self, stored: Option<&str>) -> Vec<&'static str> {
        fn of<R>(all: &'static [ListColumn<R>], stored: Option<&str>) -> Vec<&'static str> {
            visible(all, stored).iter().map(|c| c.key).collect()
        }
        match self {
            PaneKind::Customers => of(customers::COLUMNS, stored),
            PaneKind::Sites => of(sites::COLUMNS, stored),
            PaneKind::Links => of(links::COLUMNS, stored),
        }
    }

    /// Keeps only the pane's own column keys, in the pane's order; `None` when none is left.
    pub fn sanitize<'a>(self, keys: impl Iterator<Item = &'a str>) -> Option<String> {
        let wanted: Vec<&str> = keys.collect();
        let kept: Vec<&str> = self
            .keys()
            .into_iter()
            .filter(|k| wanted.contains(k))
            .collect();
        if kept.is_empty() {
            None
        } else {
            Some(kept.join(","))
        }
    }
}

/// The pane's columns from a stored choice (comma list), or its defaults when nothing (valid)
/// is stored.
pub fn visible<R>(
    all: &'static [ListColumn<R>],
    stored: Option<&str>,
) -> Vec<&'static ListColumn<R>> {
    let chosen: Vec<&ListColumn<R>> = match stored {
        Some(s) => {
            let keys: Vec<&str> = s.split(',').collect();
            all.iter()
                .filter(|c| c.on_pane() && keys.contains(&c.key))
                .collect()
        }
        None => Vec::new(),
    };
    if chosen.is_empty() {
        all.iter().filter(|c| c.shown == Shown::ByDefault).collect()
    } else {
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys<R>(cols: &[&ListColumn<R>]) -> Vec<&'static str> {
        cols.iter().map(|c| c.key).collect()
    }

    #[test]
    fn sanitize_drops_unknown_keys() {
        assert_eq!(
            PaneKind::Links.sanitize(["status", "evil", "name"].into_iter()),
            Some("name,status".into())
        );
        assert_eq!(PaneKind::Links.sanitize(["evil"].into_iter()), None);
        assert_eq!(PaneKind::parse("nope"), None);
    }

    #[test]
    fn current_view_keeps_the_pane_order_and_drops_unknown_keys() {
        let cols = choose(customers::COLUMNS, Some(&["status", "company", "bogus"]));
        assert_eq!(keys(&cols), ["status", "company"]);
        assert_eq!(choose(sites::COLUMNS, None).len(), sites::COLUMNS.len());
    }

    #[test]
    fn unknown_or_unsortable_sort_keys_fall_back_to_the_default() {
        let pick = |k| sort_column(customers::COLUMNS, Some(k), "company").key;
        assert_eq!(pick("password_hash"), "company");
        assert_eq!(pick("description"), "company", "not in the allow-list");
        assert_eq!(pick("status"), "status");
        assert_eq!(sort_column(sites::COLUMNS, None, "name").key, "name");
    }

    #[test]
    fn every_pane_column_of_every_list_is_declared_once() {
        for pane in [PaneKind::Customers, PaneKind::Sites, PaneKind::Links] {
            let mut k = pane.keys();
            let n = k.len();
            k.sort();
            k.dedup();
            assert_eq!(k.len(), n, "{pane:?}");
        }
    }
}
