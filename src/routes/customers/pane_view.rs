//! The one view builder of the three panes, for the operators' page and the customer portal
//! alike: columns with sort links, rows with cells (from the lists' declarations), toolbar and
//! export links, the selected link's details.

use crate::db::models::SortDir;
use crate::domain::{CustomerType, Zone};
use crate::export::Format;
use crate::format::thousands;
use crate::lists::counts::RowCount;
use crate::lists::{links, ListColumn, PaneKind, Row};
use crate::routes::query_url::{PanesQuery, CUSTOMER_FILTERS};
use crate::service::pane_save::posted_versions;
use crate::service::panes::{Pane, Panes, PAGE_SIZES};

pub struct ColumnView {
    pub key: &'static str,
    pub label: &'static str,
    pub sort_href: String,
    /// "ascending" / "descending" / "none", for `aria-sort`.
    pub aria_sort: &'static str,
    pub indicator: &'static str,
}

pub struct CellView {
    /// The column's label, for the input's accessible name.
    pub label: &'static str,
    pub text: String,
    /// Name of the input when the cell is edited in place.
    pub input: Option<String>,
    /// Whether the column is edited in place at all (a demo row's cell then lines up as text).
    pub inline: bool,
    /// The value the page first showed, when a refused save's `text` differs from it (`None`
    /// otherwise: most cells are never edited, and a copy of each was an allocation per cell).
    pub original: Option<String>,
    /// The refused save's message, on the cell that broke a rule.
    pub error: Option<String>,
    pub maxlength: u32,
}

pub struct RowView {
    pub id: i64,
    pub version: i32,
    pub href: String,
    pub selected: bool,
    /// The selected row shown on a page it does not sort onto (just added, or bookmarked).
    pub pinned: bool,
    /// Where it does sort onto ("3", or "3 of about 2,000").
    pub page_text: String,
    pub label: String,
    pub cells: Vec<CellView>,
}

/// A refused save of one pane, shown again with what was typed (`fields` as posted).
pub struct Overlay {
    pub pane: PaneKind,
    pub fields: crate::auth::csrf::Fields,
    pub refusal: crate::service::pane_save::Refusal,
}

/// The refused save's message above its pane, with a link to the cell at fault.
pub struct SaveErrorView {
    pub message: String,
    /// The id of the cell's input, and what the cell is ("Name of Oslo").
    pub field: Option<String>,
    pub cell: String,
}

pub struct ChooserItem {
    pub key: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// Download links of one format: the columns shown, or every column. Each carries only what
/// its list's export reads (the pane's sort, and the customers' filters), not the selection.
pub struct ExportLink {
    pub label: &'static str,
    pub ext: &'static str,
    pub current: String,
    pub all: String,
}

/// One line of a details list.
pub struct DetailItem {
    pub label: &'static str,
    pub value: String,
}

pub struct PaneView {
    pub key: &'static str,
    pub exports: Vec<ExportLink>,
    /// Whether the viewer has "My exports" (operators do): only then are background exports
    /// offered. The portal's exports are always sent at once.
    pub background_exports: bool,
    pub title: String,
    pub columns: Vec<ColumnView>,
    pub rows: Vec<RowView>,
    pub add_href: Option<String>,
    pub edit_href: Option<String>,
    pub delete_href: Option<String>,
    pub save_action: Option<String>,
    /// How many rows the list holds ("1,234", "about 120,000").
    pub count_text: String,
    pub first_href: Option<String>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub last_href: Option<String>,
    pub page_number: i64,
    /// "12", or "about 2,400" when the count is an estimate.
    pub page_count_text: String,
    /// The page sizes offered (size, chosen), empty where none may be chosen (the portal), and
    /// the page to come back to after choosing (this pane's first page).
    pub sizes: Vec<(i64, bool)>,
    pub size_return: String,
    pub chooser: Vec<ChooserItem>,
    pub empty_message: String,
    pub save_error: Option<SaveErrorView>,
    /// Why the rows are not in the order the URL asks (too many matches to sort).
    pub order_note: Option<String>,
}

/// Where the panes are shown: the operators' page, or a customer's own portal (where there is
/// no adding, deleting, editing forms or column choice, and links stay inside the portal).
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// The operators' page, times in the operator's zone.
    Operators { zone: &'a Zone },
    /// A customer's portal, times in the portal's zone.
    Portal { webid: &'a str, zone: &'a Zone },
}

impl<'a> Scope<'a> {
    fn base(&self) -> String {
        match self {
            Scope::Operators { .. } => "/customers".into(),
            Scope::Portal { webid, .. } => crate::auth::portal::home_of(webid),
        }
    }
    fn href(&self, q: &PanesQuery, changes: &[(&str, Option<String>)]) -> String {
        q.href_at(&self.base(), changes)
    }
    /// The zone the viewer sees times in.
    fn zone(&self) -> &'a Zone {
        match self {
            Scope::Operators { zone } | Scope::Portal { zone, .. } => zone,
        }
    }
    fn operators(&self) -> bool {
        matches!(self, Scope::Operators { .. })
    }
}

/// Which sort/dir/page parameters belong to a pane.
struct PaneParams {
    sort: &'static str,
    dir: &'static str,
    page: &'static str,
}

impl PaneKind {
    fn params(self) -> PaneParams {
        match self {
            PaneKind::Customers => PaneParams {
                sort: "c_sort",
                dir: "c_dir",
                page: "c_page",
            },
            PaneKind::Sites => PaneParams {
                sort: "s_sort",
                dir: "s_dir",
                page: "s_page",
            },
            PaneKind::Links => PaneParams {
                sort: "l_sort",
                dir: "l_dir",
                page: "l_page",
            },
        }
    }
}

/// What differs between the three panes: their links, title and wording.
struct Setup {
    kind: PaneKind,
    title: String,
    export_base: String,
    add_href: Option<String>,
    /// `…/edit` and `…/delete` are under this, followed by the selected row's id.
    edit_base: Option<&'static str>,
    delete_base: Option<&'static str>,
    save_action: Option<String>,
    chooser: bool,
    empty_message: &'static str,
    /// The URL changes that select a row (`{id}` is the row's id).
    select: &'static [(&'static str, Option<&'static str>)],
}

fn column_views<R>(
    scope: Scope<'_>,
    q: &PanesQuery,
    params: &PaneParams,
    visible: &[&'static ListColumn<R>],
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

fn chooser<R>(
    all: &'static [ListColumn<R>],
    visible: &[&'static ListColumn<R>],
) -> Vec<ChooserItem> {
    all.iter()
        .filter(|c| c.on_pane())
        .map(|c| ChooserItem {
            key: c.key,
            label: c.label,
            checked: visible.iter().any(|v| v.key == c.key),
        })
        .collect()
}

/// The pager's links: first, previous, next, last (each absent where it would not move).
struct Pager {
    first: Option<String>,
    prev: Option<String>,
    next: Option<String>,
    last: Option<String>,
}

fn pager(
    scope: Scope<'_>,
    q: &PanesQuery,
    params: &PaneParams,
    page: i64,
    has_more: bool,
    pages: i64,
) -> Pager {
    let to = |index: i64| {
        scope.href(
            q,
            &[(params.page, (index > 0).then(|| (index + 1).to_string()))],
        )
    };
    Pager {
        first: (page > 0).then(|| to(0)),
        prev: (page > 0).then(|| to(page - 1)),
        next: has_more.then(|| to(page + 1)),
        last: (has_more && pages > page + 1).then(|| to(pages - 1)),
    }
}

fn cells<R>(
    visible: &[&'static ListColumn<R>],
    row: &R,
    id: i64,
    can_edit: bool,
    zone: &Zone,
    overlay: Option<&Overlay>,
) -> Vec<CellView> {
    visible
        .iter()
        .map(|c| {
            let shown = c.text(row, zone);
            let input = c
                .inline
                .filter(|_| can_edit)
                .map(|_| format!("{}_{id}", c.key));
            let posted = overlay.zip(input.as_deref()).and_then(|(o, name)| {
                let typed = o.fields.get(name)?;
                let original = o.fields.get(&format!("o_{name}")).unwrap_or(&shown);
                Some((typed.to_string(), original.to_string()))
            });
            let (text, original) = match posted {
                Some((typed, original)) if typed != original => (typed, Some(original)),
                Some((typed, _)) => (typed, None),
                None => (shown, None),
            };
            let error = overlay
                .filter(|o| o.refusal.row == Some(id) && o.refusal.field == Some(c.key))
                .filter(|_| input.is_some())
                .map(|o| o.refusal.message.clone());
            CellView {
                label: c.label,
                text,
                original,
                error,
                input,
                inline: c.inline.is_some(),
                maxlength: c.inline.unwrap_or(0),
            }
        })
        .collect()
}

fn rows<R: Row>(
    scope: Scope<'_>,
    q: &PanesQuery,
    setup: &Setup,
    pane: &Pane<R>,
    selected: Option<i64>,
    editable: impl Fn(&R) -> bool,
    overlay: Option<&Overlay>,
) -> Vec<RowView> {
    let pinned_page = pane.pinned_page.map(|p| match pane.count {
        RowCount::Exact(_) => thousands(p + 1),
        RowCount::About(_) => format!(
            "{} of about {}",
            thousands(p + 1),
            thousands(pane.count.pages(pane.per_page))
        ),
    });
    let posted = overlay.map_or_else(Vec::new, |o| posted_versions(&o.fields));
    let pinned = pane.pinned.as_ref().map(|r| (r, true));
    pinned
        .into_iter()
        .chain(pane.rows.rows.iter().map(|r| (r, false)))
        .map(|(r, pinned)| {
            let id = r.id().to_string();
            // The page shown is named, so the next selection needs no search for its page.
            let page = (pane.index > 0).then(|| (pane.index + 1).to_string());
            let changes: Vec<(&str, Option<String>)> = setup
                .select
                .iter()
                .map(|(k, v)| (*k, v.map(|v| v.replace("{id}", &id))))
                .chain(std::iter::once((setup.kind.params().page, page.clone())))
                .collect();
            // A refused save is shown at the versions it was made at: a row changed by someone
            // else meanwhile stays refused until the page is reloaded.
            let version = posted
                .iter()
                .find(|(posted_id, _)| *posted_id == r.id())
                .map_or(r.version(), |(_, v)| *v);
            RowView {
                id: r.id(),
                version,
                href: scope.href(q, &changes),
                selected: selected == Some(r.id()),
                pinned,
                page_text: if pinned {
                    pinned_page.clone().unwrap_or_default()
                } else {
                    String::new()
                },
                label: r.label().to_string(),
                cells: cells(&pane.visible, r, r.id(), editable(r), scope.zone(), overlay),
            }
        })
        .collect()
}

/// One pane's view model.
fn pane<R: Row>(
    scope: Scope<'_>,
    q: &PanesQuery,
    setup: Setup,
    (pane, all): (&Pane<R>, &'static [ListColumn<R>]),
    selected: Option<i64>,
    editable: impl Fn(&R) -> bool,
    overlay: Option<&Overlay>,
) -> PaneView {
    let overlay = overlay.filter(|o| o.pane == setup.kind);
    let params = setup.kind.params();
    let pages = pane.count.pages(pane.per_page);
    let links = pager(scope, q, &params, pane.index, pane.rows.has_more, pages);
    let page_count_text = match pane.count {
        RowCount::Exact(_) => thousands(pages),
        RowCount::About(_) => format!("about {}", thousands(pages)),
    };
    PaneView {
        key: setup.kind.name(),
        rows: rows(scope, q, &setup, pane, selected, editable, overlay),
        exports: export_links(&setup.export_base, &export_query(q, setup.kind)),
        background_exports: scope.operators(),
        title: setup.title,
        // Rows listed in another order than asked mark no column as sorted.
        columns: column_views(
            scope,
            q,
            &params,
            &pane.visible,
            if pane.order_note.is_some() {
                ""
            } else {
                pane.sort.key
            },
            pane.dir,
        ),
        order_note: pane.order_note.clone(),
        add_href: setup.add_href,
        edit_href: setup
            .edit_base
            .zip(selected)
            .map(|(base, id)| format!("{base}/{id}/edit")),
        delete_href: setup
            .delete_base
            .zip(selected)
            .map(|(base, id)| format!("{base}/{id}/delete")),
        save_action: setup.save_action,
        count_text: pane.count.text(),
        first_href: links.first,
        prev_href: links.prev,
        next_href: links.next,
        last_href: links.last,
        page_number: pane.index + 1,
        page_count_text,
        // A list that fits on the smallest page has no use for a choice of page size.
        sizes: if scope.operators() && pane.count.value() > PAGE_SIZES[0] {
            PAGE_SIZES
                .iter()
                .map(|n| (*n, *n == pane.per_page))
                .collect()
        } else {
            Vec::new()
        },
        size_return: scope.href(q, &[(params.page, None)]),
        chooser: if setup.chooser {
            chooser(all, &pane.visible)
        } else {
            Vec::new()
        },
        empty_message: setup.empty_message.into(),
        save_error: overlay.map(|o| save_error(setup.kind, o, pane)),
    }
}

/// The message of a refused save, naming the cell at fault when it is on this page.
fn save_error<R: Row>(kind: PaneKind, o: &Overlay, pane: &Pane<R>) -> SaveErrorView {
    let at_fault = o.refusal.row.zip(o.refusal.field).and_then(|(id, field)| {
        let row = pane.rows.rows.iter().find(|r| r.id() == id)?;
        let column = pane.visible.iter().find(|c| c.key == field)?;
        Some((
            format!("{}-{field}_{id}", kind.name()),
            format!("{} of {}", column.label, row.label()),
        ))
    });
    let (field, cell) = match at_fault {
        Some((field, cell)) => (Some(field), cell),
        None => (None, String::new()),
    };
    SaveErrorView {
        message: o.refusal.message.clone(),
        field,
        cell,
    }
}

fn customers_setup(can_edit: bool) -> Setup {
    Setup {
        kind: PaneKind::Customers,
        title: "Customers".into(),
        export_base: "/customers/export".into(),
        add_href: can_edit.then(|| "/customers/new".to_string()),
        edit_base: None,
        delete_base: can_edit.then_some("/customers"),
        save_action: can_edit.then(|| "/customers/save".to_string()),
        chooser: true,
        empty_message: "No customers match.",
        select: &[
            ("customer", Some("{id}")),
            ("site", None),
            ("link", None),
            ("s_page", None),
            ("l_page", None),
        ],
    }
}

fn sites_setup(scope: Scope<'_>, can_edit: bool, customer_id: i64, label: &str) -> Setup {
    let ops = can_edit && scope.operators();
    Setup {
        kind: PaneKind::Sites,
        title: format!("Customer Sites — {label}"),
        export_base: match scope {
            Scope::Operators { .. } => format!("/customers/{customer_id}/sites/export"),
            Scope::Portal { webid, .. } => format!("/c/{webid}/sites/export"),
        },
        add_href: ops.then(|| format!("/customers/{customer_id}/sites/new")),
        edit_base: ops.then_some("/sites"),
        delete_base: ops.then_some("/sites"),
        save_action: can_edit.then(|| match scope {
            Scope::Operators { .. } => format!("/customers/{customer_id}/sites/save"),
            Scope::Portal { webid, .. } => format!("/c/{webid}/sites/save"),
        }),
        chooser: scope.operators(),
        empty_message: "This customer has no sites yet.",
        select: &[("site", Some("{id}")), ("link", None), ("l_page", None)],
    }
}

fn links_setup(scope: Scope<'_>, can_edit: bool, site_id: i64, label: &str) -> Setup {
    let ops = can_edit && scope.operators();
    Setup {
        kind: PaneKind::Links,
        title: format!("Site Access Links — {label}"),
        export_base: match scope {
            Scope::Operators { .. } => format!("/sites/{site_id}/links/export"),
            Scope::Portal { webid, .. } => format!("/c/{webid}/sites/{site_id}/links/export"),
        },
        add_href: ops.then(|| format!("/sites/{site_id}/links/new")),
        edit_base: ops.then_some("/links"),
        delete_base: ops.then_some("/links"),
        save_action: can_edit.then(|| match scope {
            Scope::Operators { .. } => format!("/sites/{site_id}/links/save"),
            Scope::Portal { webid, .. } => format!("/c/{webid}/sites/{site_id}/links/save"),
        }),
        chooser: scope.operators(),
        empty_message: "This site has no access links yet.",
        select: &[("link", Some("{id}"))],
    }
}

/// The panes as the page shows them, and the selected link's details.
pub struct PanesView {
    pub panes: Vec<PaneView>,
    pub link_title: String,
    pub link_details: Vec<DetailItem>,
}

/// Builds the panes of `loaded` for `scope`. `can_edit`: the viewer may edit at all; a demo
/// customer's sites and links are as frozen as the customer itself (operators' page).
pub fn build(
    scope: Scope<'_>,
    q: &PanesQuery,
    loaded: &Panes,
    can_edit: bool,
    overlay: Option<&Overlay>,
) -> PanesView {
    use crate::lists::{customers as c, links as l, sites as s};
    let mut panes = Vec::new();
    if let Some(p) = &loaded.customers {
        let selected = loaded.customer.as_ref().map(|c| c.id);
        panes.push(pane(
            scope,
            q,
            customers_setup(can_edit),
            (p, c::COLUMNS),
            selected,
            |r| {
                // A demo customer can no longer be edited, only deleted.
                can_edit && r.customer_type == CustomerType::Live
            },
            overlay,
        ));
    }
    let nested_edit = match scope {
        Scope::Operators { .. } => {
            can_edit
                && loaded
                    .customer
                    .as_ref()
                    .is_some_and(|c| c.customer_type == CustomerType::Live)
        }
        Scope::Portal { .. } => can_edit,
    };
    if let (Some(c), Some(p)) = (&loaded.customer, &loaded.sites) {
        let setup = sites_setup(scope, nested_edit, c.id, &c.company);
        let selected = loaded.site.as_ref().map(|s| s.id);
        panes.push(pane(
            scope,
            q,
            setup,
            (p, s::COLUMNS),
            selected,
            |_| nested_edit,
            overlay,
        ));
    }
    if let (Some(site), Some(p)) = (&loaded.site, &loaded.links) {
        let setup = links_setup(scope, nested_edit, site.id, &site.name);
        let selected = loaded.link.as_ref().map(|l| l.id);
        panes.push(pane(
            scope,
            q,
            setup,
            (p, l::COLUMNS),
            selected,
            |_| nested_edit,
            overlay,
        ));
    }
    let (link_title, link_details) = match &loaded.link {
        Some(l) => (
            l.name.clone(),
            links::details(l, scope.zone())
                .into_iter()
                .map(|(label, value)| DetailItem { label, value })
                .collect(),
        ),
        None => (String::new(), Vec::new()),
    };
    PanesView {
        panes,
        link_title,
        link_details,
    }
}

/// The part of the page's state `kind`'s export reads, encoded: its sort and, for customers,
/// the filters.
fn export_query(q: &PanesQuery, kind: PaneKind) -> String {
    let params = kind.params();
    let own = [params.sort, params.dir];
    let filters = match kind {
        PaneKind::Customers => CUSTOMER_FILTERS,
        PaneKind::Sites | PaneKind::Links => &[],
    };
    q.only(own.iter().chain(filters))
}

/// The five formats' links under `base` (`…/export`), with `query` (encoded, may be empty).
fn export_links(base: &str, query: &str) -> Vec<ExportLink> {
    let (current_q, all_q) = if query.is_empty() {
        (String::new(), "?view=all".to_string())
    } else {
        (format!("?{query}"), format!("?{query}&view=all"))
    };
    Format::ALL
        .iter()
        .map(|f| {
            let ext = f.extension();
            ExportLink {
                label: match f {
                    Format::Csv => "CSV",
                    Format::Txt => "TXT",
                    Format::Xlsx => "XLSX",
                    Format::Pdf => "PDF",
                    Format::Xls => "XLS",
                },
                ext,
                // The columns shown are what an export without `view` gives.
                current: format!("{base}.{ext}{current_q}"),
                all: format!("{base}.{ext}{all_q}"),
            }
        })
        .collect()
}
