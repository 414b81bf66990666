//! View models of the three panes: columns with sort links, rows with cells, toolbar links.

use super::columns::{self, ColumnSpec};
use crate::db::models::customer::CustomerListRow;
use crate::db::models::link::AccessLink;
use crate::db::models::site::Site;
use crate::db::models::{Page, SortDir};
use crate::domain::{BillingType, Country, CustomerStatus, CustomerType, LinkStatus, LinkType};
use crate::format::format_date;
use crate::routes::query_url::PanesQuery;

pub struct ColumnView {
    pub key: &'static str,
    pub label: &'static str,
    pub sort_href: String,
    /// "ascending" / "descending" / "none", for `aria-sort`.
    pub aria_sort: &'static str,
    pub indicator: &'static str,
}

pub struct CellView {
    pub key: &'static str,
    pub text: String,
    /// Name of the input when the cell is edited in place.
    pub input: Option<String>,
    pub maxlength: u32,
    /// Visible width of the input, in characters.
    pub size: usize,
}

pub struct RowView {
    pub id: i64,
    pub version: i32,
    pub href: String,
    pub selected: bool,
    pub label: String,
    pub cells: Vec<CellView>,
}

pub struct ChooserItem {
    pub key: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// Download links of one format: the columns shown, or every column.
pub struct ExportLink {
    pub label: &'static str,
    pub ext: &'static str,
    pub current: String,
    pub all: String,
}

pub struct PaneView {
    pub key: &'static str,
    /// `…/export` of this pane's list; the format's extension and the page's query follow.
    pub export_base: String,
    pub exports: Vec<ExportLink>,
    pub title: String,
    pub columns: Vec<ColumnView>,
    pub rows: Vec<RowView>,
    pub add_href: Option<String>,
    pub edit_href: Option<String>,
    pub delete_href: Option<String>,
    pub save_action: Option<String>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub page_number: i64,
    pub chooser: Vec<ChooserItem>,
    pub empty_message: String,
}

/// Where the panes are shown: the operators' page, or a customer's own portal (where there is
/// no adding, deleting, editing forms or column choice, and links stay inside the portal).
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Operators,
    Portal { webid: &'a str },
}

impl Scope<'_> {
    fn base(&self) -> String {
        match self {
            Scope::Operators => "/customers".into(),
            Scope::Portal { webid } => crate::auth::portal::home_of(webid),
        }
    }
    fn href(&self, q: &PanesQuery, changes: &[(&str, Option<String>)]) -> String {
        q.href_at(&self.base(), changes)
    }
    fn operators(&self) -> bool {
        matches!(self, Scope::Operators)
    }
}

/// Which sort/dir/page parameters belong to a pane.
struct PaneParams {
    sort: &'static str,
    dir: &'static str,
    page: &'static str,
}

const CUSTOMERS: PaneParams = PaneParams {
    sort: "c_sort",
    dir: "c_dir",
    page: "c_page",
};
const SITES: PaneParams = PaneParams {
    sort: "s_sort",
    dir: "s_dir",
    page: "s_page",
};
const LINKS: PaneParams = PaneParams {
    sort: "l_sort",
    dir: "l_dir",
    page: "l_page",
};

fn column_views(
    scope: Scope<'_>,
    q: &PanesQuery,
    params: &PaneParams,
    visible: &[&'static ColumnSpec],
    sort: &str,
    dir: SortDir,
) -> Vec<ColumnView> {
    visible
        .iter()
        .map(|c| {
            let active = c.key == sort;
            let next_dir = if active && dir == SortDir::Asc {
                "desc"
            } else {
                "asc"
            };
            ColumnView {
                key: c.key,
                label: c.label,
                sort_href: scope.href(
                    q,
                    &[
                        (params.sort, Some(c.key.to_string())),
                        (params.dir, Some(next_dir.to_string())),
                        (params.page, None),
                    ],
                ),
                aria_sort: match (active, dir) {
                    (false, _) => "none",
                    (true, SortDir::Asc) => "ascending",
                    (true, SortDir::Desc) => "descending",
                },
                indicator: match (active, dir) {
                    (false, _) => "",
                    (true, SortDir::Asc) => " ▲",
                    (true, SortDir::Desc) => " ▼",
                },
            }
        })
        .collect()
}

fn chooser(pane: &str, visible: &[&'static ColumnSpec]) -> Vec<ChooserItem> {
    columns::specs(pane)
        .unwrap_or(&[])
        .iter()
        .map(|c| ChooserItem {
            key: c.key,
            label: c.label,
            checked: visible.iter().any(|v| v.key == c.key),
        })
        .collect()
}

fn pager(
    scope: Scope<'_>,
    q: &PanesQuery,
    params: &PaneParams,
    page: i64,
    has_more: bool,
) -> (Option<String>, Option<String>) {
    let prev =
        (page > 0).then(|| scope.href(q, &[(params.page, (page > 1).then(|| page.to_string()))]));
    let next = has_more.then(|| scope.href(q, &[(params.page, Some((page + 2).to_string()))]));
    (prev, next)
}

fn cells(
    visible: &[&'static ColumnSpec],
    id: i64,
    can_edit: bool,
    text_of: impl Fn(&str) -> String,
) -> Vec<CellView> {
    visible
        .iter()
        .map(|c| {
            let text = text_of(c.key);
            CellView {
                key: c.key,
                size: (text.chars().count() + 2).clamp(8, 40),
                text,
                input: (c.editable && can_edit).then(|| format!("{}_{id}", c.key)),
                maxlength: if c.key == "description" {
                    200
                } else if c.key == "name" {
                    100
                } else {
                    0
                },
            }
        })
        .collect()
}

/// Display text of a customer column.
fn customer_text(r: &CustomerListRow, key: &str) -> String {
    match key {
        "account_code" => r.account_code.clone(),
        "company" => r.company.clone(),
        "name" => r.name.clone(),
        "description" => r.description.clone(),
        "username" => r.username.clone(),
        "email" => r.email.clone(),
        "phone" => r.phone.clone(),
        "country" => Country::name_of(&r.country).to_string(),
        "status" => CustomerStatus::parse(&r.status)
            .map(|s| s.label().to_string())
            .unwrap_or_else(|_| r.status.clone()),
        "customer_type" => CustomerType::parse(&r.customer_type)
            .map(|s| s.label().to_string())
            .unwrap_or_default(),
        "billing_type" => BillingType::parse(&r.billing_type)
            .map(|s| s.label().to_string())
            .unwrap_or_default(),
        "created_at" => format_date(r.created_at),
        _ => String::new(),
    }
}

fn site_text(r: &Site, key: &str) -> String {
    match key {
        "name" => r.name.clone(),
        "description" => r.description.clone(),
        "address" => r.address.clone(),
        "country" => Country::name_of(&r.country).to_string(),
        "time_zone" => r.time_zone.clone(),
        "created_at" => format_date(r.created_at),
        _ => String::new(),
    }
}

pub fn link_text(r: &AccessLink, key: &str) -> String {
    match key {
        "name" => r.name.clone(),
        "description" => r.description.clone(),
        "link_type" => LinkType::parse(&r.link_type)
            .map(|t| t.label().to_string())
            .unwrap_or_default(),
        "bandwidth_down_kbps" => r.bandwidth_down_kbps.to_string(),
        "bandwidth_up_kbps" => r.bandwidth_up_kbps.to_string(),
        "ip_address" => r.ip_address.clone(),
        "circuit_id" => r.circuit_id.clone(),
        "status" => LinkStatus::parse(&r.status)
            .map(|t| t.label().to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Sort key from the URL if it is in the allow-list, else the pane's default.
pub fn sort_key(
    value: &Option<String>,
    allowed: &[&'static str],
    default: &'static str,
) -> &'static str {
    value
        .as_deref()
        .and_then(|v| allowed.iter().find(|a| **a == v).copied())
        .unwrap_or(default)
}

pub struct PaneInput<'a, T> {
    pub scope: Scope<'a>,
    pub q: &'a PanesQuery,
    pub page: &'a Page<T>,
    pub page_index: i64,
    pub visible: &'a [&'static ColumnSpec],
    pub sort: &'a str,
    pub dir: SortDir,
    pub selected: Option<i64>,
    pub can_edit: bool,
}

pub fn customers_pane(input: PaneInput<'_, CustomerListRow>) -> PaneView {
    let PaneInput {
        scope,
        q,
        page,
        page_index,
        visible,
        sort,
        dir,
        selected,
        can_edit,
    } = input;
    let (prev_href, next_href) = pager(scope, q, &CUSTOMERS, page_index, page.has_more);
    PaneView {
        key: "customers",
        export_base: "/customers/export".into(),
        exports: Vec::new(),
        title: "Customers".into(),
        columns: column_views(scope, q, &CUSTOMERS, visible, sort, dir),
        rows: page
            .rows
            .iter()
            .map(|r| RowView {
                id: r.id,
                version: r.version,
                href: scope.href(
                    q,
                    &[
                        ("customer", Some(r.id.to_string())),
                        ("site", None),
                        ("link", None),
                        ("s_page", None),
                        ("l_page", None),
                    ],
                ),
                selected: selected == Some(r.id),
                label: r.company.clone(),
                // A demo customer can no longer be edited, only deleted.
                cells: cells(visible, r.id, can_edit && r.customer_type == "LIVE", |k| {
                    customer_text(r, k)
                }),
            })
            .collect(),
        add_href: can_edit.then(|| "/customers/new".to_string()),
        edit_href: None,
        delete_href: selected
            .filter(|_| can_edit)
            .map(|id| format!("/customers/{id}/delete")),
        save_action: can_edit.then(|| "/customers/save".to_string()),
        prev_href,
        next_href,
        page_number: page_index + 1,
        chooser: chooser("customers", visible),
        empty_message: "No customers match.".into(),
    }
}

pub fn sites_pane(input: PaneInput<'_, Site>, customer_id: i64, customer_label: &str) -> PaneView {
    let PaneInput {
        scope,
        q,
        page,
        page_index,
        visible,
        sort,
        dir,
        selected,
        can_edit,
    } = input;
    let (prev_href, next_href) = pager(scope, q, &SITES, page_index, page.has_more);
    PaneView {
        key: "sites",
        export_base: match scope {
            Scope::Operators => format!("/customers/{customer_id}/sites/export"),
            Scope::Portal { webid } => format!("/c/{webid}/sites/export"),
        },
        exports: Vec::new(),
        title: format!("Customer Sites — {customer_label}"),
        columns: column_views(scope, q, &SITES, visible, sort, dir),
        rows: page
            .rows
            .iter()
            .map(|r| RowView {
                id: r.id,
                version: r.version,
                href: scope.href(
                    q,
                    &[
                        ("site", Some(r.id.to_string())),
                        ("link", None),
                        ("l_page", None),
                    ],
                ),
                selected: selected == Some(r.id),
                label: r.name.clone(),
                cells: cells(visible, r.id, can_edit, |k| site_text(r, k)),
            })
            .collect(),
        add_href: (can_edit && scope.operators())
            .then(|| format!("/customers/{customer_id}/sites/new")),
        edit_href: selected
            .filter(|_| can_edit && scope.operators())
            .map(|id| format!("/sites/{id}/edit")),
        delete_href: selected
            .filter(|_| can_edit && scope.operators())
            .map(|id| format!("/sites/{id}/delete")),
        save_action: can_edit.then(|| match scope {
            Scope::Operators => format!("/customers/{customer_id}/sites/save"),
            Scope::Portal { webid } => format!("/c/{webid}/sites/save"),
        }),
        prev_href,
        next_href,
        page_number: page_index + 1,
        chooser: if scope.operators() {
            chooser("sites", visible)
        } else {
            Vec::new()
        },
        empty_message: "This customer has no sites yet.".into(),
    }
}

pub fn links_pane(input: PaneInput<'_, AccessLink>, site_id: i64, site_label: &str) -> PaneView {
    let PaneInput {
        scope,
        q,
        page,
        page_index,
        visible,
        sort,
        dir,
        selected,
        can_edit,
    } = input;
    let (prev_href, next_href) = pager(scope, q, &LINKS, page_index, page.has_more);
    PaneView {
        key: "links",
        export_base: match scope {
            Scope::Operators => format!("/sites/{site_id}/links/export"),
            Scope::Portal { webid } => format!("/c/{webid}/sites/{site_id}/links/export"),
        },
        exports: Vec::new(),
        title: format!("Site Access Links — {site_label}"),
        columns: column_views(scope, q, &LINKS, visible, sort, dir),
        rows: page
            .rows
            .iter()
            .map(|r| RowView {
                id: r.id,
                version: r.version,
                href: scope.href(q, &[("link", Some(r.id.to_string()))]),
                selected: selected == Some(r.id),
                label: r.name.clone(),
                cells: cells(visible, r.id, can_edit, |k| link_text(r, k)),
            })
            .collect(),
        add_href: (can_edit && scope.operators()).then(|| format!("/sites/{site_id}/links/new")),
        edit_href: selected
            .filter(|_| can_edit && scope.operators())
            .map(|id| format!("/links/{id}/edit")),
        delete_href: selected
            .filter(|_| can_edit && scope.operators())
            .map(|id| format!("/links/{id}/delete")),
        save_action: can_edit.then(|| match scope {
            Scope::Operators => format!("/sites/{site_id}/links/save"),
            Scope::Portal { webid } => format!("/c/{webid}/sites/{site_id}/links/save"),
        }),
        prev_href,
        next_href,
        page_number: page_index + 1,
        chooser: if scope.operators() {
            chooser("links", visible)
        } else {
            Vec::new()
        },
        empty_message: "This site has no access links yet.".into(),
    }
}

impl PaneView {
    /// Fills the export links, carrying the page's filters and sort (`query`, already encoded).
    pub fn with_exports(mut self, query: &str) -> PaneView {
        let sep = if query.is_empty() {
            String::new()
        } else {
            format!("{query}&")
        };
        self.exports = crate::export::Format::ALL
            .iter()
            .map(|f| {
                let ext = f.extension();
                ExportLink {
                    label: match f {
                        crate::export::Format::Csv => "CSV",
                        crate::export::Format::Txt => "TXT",
                        crate::export::Format::Xlsx => "XLSX",
                        crate::export::Format::Pdf => "PDF",
                        crate::export::Format::Xls => "XLS",
                    },
                    ext,
                    current: format!("{}.{ext}?{sep}view=current", self.export_base),
                    all: format!("{}.{ext}?{sep}view=all", self.export_base),
                }
            })
            .collect();
        self
    }
}
