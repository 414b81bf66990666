//! The three-pane page's data, for an operator (within their service provider, with their
//! chosen columns) or for one customer's portal (their own sites and links): one load shared
//! by both pages, and the operator's column choice.

use crate::db::models::customer::{self, Customer, CustomerFilter, CustomerId};
use crate::db::models::link::{self, AccessLink};
use crate::db::models::site::{self, Site};
use crate::db::models::{preference, Page, SortDir};
use crate::db::models::{LinkId, SiteId};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::lists::counts::{CountCache, RowCount};
use crate::lists::customers::{self as customer_list, Customers};
use crate::lists::links::{self as link_list, Links};
use crate::lists::sites::{self as site_list, Sites};
use crate::lists::{visible, ListColumn, PaneKind, Row};
use std::collections::HashMap;

/// Rows per pane page unless the operator chose another of [`PAGE_SIZES`].
pub const PER_PAGE: i64 = 50;

/// The page sizes an operator may choose per pane.
pub const PAGE_SIZES: [i64; 4] = [25, 50, 100, 200];

/// What the URL asks of one pane: its sort (checked against the list's allow-list here) and
/// page (0-based).
#[derive(Debug, Clone, Default)]
pub struct PaneAsk {
    pub sort: Option<String>,
    pub dir: SortDir,
    pub page: i64,
    /// Whether the URL named the page (else the selected row decides it).
    pub page_given: bool,
}

/// The page's state as the URL asks for it.
#[derive(Debug, Clone, Default)]
pub struct PanesAsk {
    /// The customers pane's filters (the viewer's scope is added by [`load`]).
    pub filter: CustomerFilter,
    pub customers: PaneAsk,
    pub sites: PaneAsk,
    pub links: PaneAsk,
    pub customer: Option<i64>,
    pub site: Option<i64>,
    pub link: Option<i64>,
}

/// Who looks at the panes.
#[derive(Debug, Clone)]
pub enum Viewer {
    /// An operator, limited to one service provider or not.
    Operator { id: i64, scope: Option<i64> },
    /// A customer's administrator in the portal: their own customer only.
    Portal { customer: Box<Customer> },
}

/// One loaded pane: a page of rows, in which order, with which columns.
pub struct Pane<R: 'static> {
    pub rows: Page<R>,
    pub index: i64,
    /// Rows per page, and how many rows the whole list holds.
    pub per_page: i64,
    pub count: RowCount,
    pub sort: &'static ListColumn<R>,
    pub dir: SortDir,
    pub visible: Vec<&'static ListColumn<R>>,
    /// The selected row when it is not on this page, and the page (0-based) it is on.
    pub pinned: Option<R>,
    pub pinned_page: Option<i64>,
    /// Why the rows are not in the order asked, when they are not (`Customers::order_note`).
    pub order_note: Option<String>,
}

/// Everything the page shows. The customers pane is the operators' only.
pub struct Panes {
    pub customers: Option<Pane<Customer>>,
    /// The customers pane's filters refused (`lists::customers::refusals`): the pane is then
    /// empty and the page says why next to each.
    pub refused: Vec<(&'static str, String)>,
    pub customer: Option<Customer>,
    pub sites: Option<Pane<Site>>,
    pub site: Option<Site>,
    pub links: Option<Pane<AccessLink>>,
    pub link: Option<AccessLink>,
    /// Who changed the selected customer last, and when (operators only).
    pub last_change: Option<(String, i64)>,
}

/// The count of a list whose page `index` of `per_page` rows is `rows`: known without a query
/// on a first page that is also the last.
fn count_of<R>(
    rows: &Page<R>,
    index: i64,
    count: impl FnOnce() -> diesel::QueryResult<RowCount>,
) -> AppResult<RowCount> {
    if index == 0 && !rows.has_more {
        return Ok(RowCount::Exact(rows.rows.len() as i64));
    }
    Ok(count()?)
}

/// Loads the panes for `viewer`; a selection the viewer may not see is simply not there.
#[tracing::instrument(skip(conn, viewer, counts))]
pub fn load(
    conn: &mut DbConnection,
    viewer: &Viewer,
    ask: &PanesAsk,
    counts: &CountCache,
) -> AppResult<Panes> {
    let prefs = operator_prefs(conn, viewer)?;
    let chosen = |pane: PaneKind| prefs.get(&pane.pref_key()).map(String::as_str);
    let size = |pane: PaneKind| page_size(prefs.get(&size_key(pane)).map(String::as_str));
    let refused = customer_list::refusals(&ask.filter);
    let customer_list = match viewer {
        Viewer::Operator { scope, .. } => Some(Customers {
            filter: CustomerFilter {
                service_provider_id: *scope,
                ..ask.filter.clone()
            },
            sort: customer_list::sort(ask.customers.sort.as_deref()),
            dir: ask.customers.dir,
        }),
        Viewer::Portal { .. } => None,
    };
    let per_page = size(PaneKind::Customers);
    let (listing, first) = match &customer_list {
        Some(list) if refused.is_empty() => {
            let (listing, first) = list.listing(conn, per_page)?;
            (Some(listing), first)
        }
        _ => (None, None),
    };
    let mut customers = match &customer_list {
        Some(list) => {
            let rows = match (listing, first) {
                (Some(_), Some(first)) if ask.customers.page == 0 => first,
                (Some(listing), _) => list.page_as(conn, listing, ask.customers.page, per_page)?,
                (None, _) => Page {
                    rows: Vec::new(),
                    has_more: false,
                },
            };
            let count = count_of(&rows, ask.customers.page, || list.row_count(conn, counts))?;
            Some(Pane {
                rows,
                index: ask.customers.page,
                per_page,
                count,
                sort: list.sort,
                dir: list.dir,
                visible: visible(customer_list::COLUMNS, chosen(PaneKind::Customers)),
                pinned: None,
                pinned_page: None,
                order_note: listing.and_then(|l| list.order_note(l)),
            })
        }
        None => None,
    };
    let (customer, mut site, link) = selection(conn, viewer, ask, customers.as_ref())?;
    if let (Some(list), Some(listing), Some(pane), Some(c)) =
        (&customer_list, listing, customers.as_mut(), &customer)
    {
        show_selected(
            conn,
            pane,
            c,
            &ask.customers,
            |conn, r| list.position_as(conn, listing, r),
            |conn, page, n| list.page_as(conn, listing, page, n),
        )?;
    }
    let sites = match &customer {
        Some(c) => {
            let list = Sites {
                customer_id: c.id,
                sort: site_list::sort(ask.sites.sort.as_deref()),
                dir: ask.sites.dir,
            };
            let per_page = size(PaneKind::Sites);
            let rows = list.page(conn, ask.sites.page, per_page)?;
            if let Some(id) = deferred_site(ask) {
                site = site_on_pane(conn, &rows, id, c.id)?;
            }
            let count = count_of(&rows, ask.sites.page, || list.row_count(conn, counts))?;
            let mut pane = Pane {
                rows,
                index: ask.sites.page,
                per_page,
                count,
                sort: list.sort,
                dir: list.dir,
                visible: visible(site_list::COLUMNS, chosen(PaneKind::Sites)),
                pinned: None,
                pinned_page: None,
                order_note: None,
            };
            if let Some(s) = &site {
                show_selected(
                    conn,
                    &mut pane,
                    s,
                    &ask.sites,
                    |conn, r| list.position(conn, r),
                    |conn, page, n| list.page(conn, page, n),
                )?;
            }
            Some(pane)
        }
        None => None,
    };
    let links = match &site {
        Some(s) => {
            let list = Links {
                site_id: s.id,
                sort: link_list::sort(ask.links.sort.as_deref()),
                dir: ask.links.dir,
            };
            let per_page = size(PaneKind::Links);
            let rows = list.page(conn, ask.links.page, per_page)?;
            let count = count_of(&rows, ask.links.page, || list.row_count(conn, counts))?;
            let mut pane = Pane {
                rows,
                index: ask.links.page,
                per_page,
                count,
                sort: list.sort,
                dir: list.dir,
                visible: visible(link_list::COLUMNS, chosen(PaneKind::Links)),
                pinned: None,
                pinned_page: None,
                order_note: None,
            };
            if let Some(l) = &link {
                show_selected(
                    conn,
                    &mut pane,
                    l,
                    &ask.links,
                    |conn, r| list.position(conn, r),
                    |conn, page, n| list.page(conn, page, n),
                )?;
            }
            Some(pane)
        }
        None => None,
    };
    let last_change = match (viewer, &customer) {
        (Viewer::Operator { .. }, Some(c)) => {
            crate::db::models::audit::last_change(conn, "customer", c.id)?
        }
        _ => None,
    };
    Ok(Panes {
        customers,
        refused,
        customer,
        sites,
        site,
        links,
        link,
        last_change,
    })
}

/// Makes sure the selected row is in view. When the URL names no page (just after Add, or a
/// bookmark) the pane opens on the page the row sorts onto; when it names another page, the
/// row is pinned above that page's rows, with the page it is on.
fn show_selected<R: Row + Clone>(
    conn: &mut DbConnection,
    pane: &mut Pane<R>,
    selected: &R,
    ask: &PaneAsk,
    position: impl FnOnce(&mut DbConnection, &R) -> diesel::QueryResult<Option<i64>>,
    page: impl FnOnce(&mut DbConnection, i64, i64) -> diesel::QueryResult<Page<R>>,
) -> AppResult<()> {
    if pane.rows.rows.iter().any(|r| r.id() == selected.id()) {
        return Ok(());
    }
    let Some(place) = position(conn, selected)? else {
        return Ok(());
    };
    let on = place / pane.per_page;
    if ask.page_given {
        pane.pinned = Some(selected.clone());
        pane.pinned_page = Some(on);
    } else {
        pane.rows = page(conn, on, pane.per_page)?;
        pane.index = on;
    }
    Ok(())
}

/// The preference key of a pane's page size.
fn size_key(pane: PaneKind) -> String {
    format!("page_size.{}", pane.name())
}

/// A stored page size, if it is one of [`PAGE_SIZES`], else the default.
fn page_size(stored: Option<&str>) -> i64 {
    stored
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|n| PAGE_SIZES.contains(n))
        .unwrap_or(PER_PAGE)
}

/// An operator's stored column choices and page sizes (settling overdue compliance reviews
/// first, so the statuses shown are current); the portal shows the defaults.
fn operator_prefs(conn: &mut DbConnection, viewer: &Viewer) -> AppResult<HashMap<String, String>> {
    match viewer {
        Viewer::Operator { id, .. } => {
            crate::service::compliance::settle_overdue(conn)?;
            Ok(preference::get_prefixed(conn, *id, "")?
                .into_iter()
                .collect())
        }
        Viewer::Portal { .. } => Ok(HashMap::new()),
    }
}

type Selection = (Option<Customer>, Option<Site>, Option<AccessLink>);

/// The selected customer, site and link. A deeper selection alone (a bookmarked link) brings
/// its parents along; each must belong to the one above it. A site named beside its customer
/// is left to [`site_on_pane`] ([`deferred_site`]).
fn selection(
    conn: &mut DbConnection,
    viewer: &Viewer,
    ask: &PanesAsk,
    customers: Option<&Pane<Customer>>,
) -> AppResult<Selection> {
    let link = match ask.link {
        Some(id) => link::find(conn, LinkId(id))?,
        None => None,
    };
    let site = match ask.site.or(link.as_ref().map(|l| l.site_id)) {
        Some(_) if deferred_site(ask).is_some() => None,
        Some(id) => site::find(conn, SiteId(id))?,
        None => None,
    };
    let customer = match viewer {
        Viewer::Portal { customer } => Some(customer.as_ref().clone()),
        Viewer::Operator { scope, .. } => {
            match ask.customer.or(site.as_ref().map(|s| s.customer_id)) {
                Some(id) => match customers.and_then(|p| p.rows.rows.iter().find(|r| r.id == id)) {
                    Some(r) => Some(r.clone()),
                    None => customer::find(conn, CustomerId(id))?,
                },
                None => None,
            }
            .filter(|c| scope.is_none_or(|sp| c.service_provider_id == sp))
        }
    };
    let site = site.filter(|s| customer.as_ref().is_some_and(|c| c.id == s.customer_id));
    let link = link.filter(|l| site.as_ref().is_some_and(|s| s.id == l.site_id));
    Ok((customer, site, link))
}

/// The selected site, when it is looked for among the selected customer's sites pane rather
/// than read on its own: a site clicked in the pane (the customer named beside it) is nearly
/// always on the pane's page, which saves a statement per view. A bookmarked link or a site
/// named alone brings its parents, so it is read first.
fn deferred_site(ask: &PanesAsk) -> Option<i64> {
    ask.site
        .filter(|_| ask.link.is_none() && ask.customer.is_some())
}

/// The deferred selected site: among the sites pane's `rows` when it is on the page shown,
/// else read, and kept only when it is `customer_id`'s.
fn site_on_pane(
    conn: &mut DbConnection,
    rows: &Page<Site>,
    id: i64,
    customer_id: i64,
) -> AppResult<Option<Site>> {
    Ok(match rows.rows.iter().find(|r| r.id == id) {
        Some(r) => Some(r.clone()),
        None => site::find(conn, SiteId(id))?.filter(|s| s.customer_id == customer_id),
    })
}

/// How saving a column choice ended.
#[derive(Debug, PartialEq, Eq)]
pub enum ColumnsSaved {
    Saved,
    /// Nothing known was chosen: the choice is kept as it was.
    NoneChosen,
}

/// Remembers which columns `pane` shows for this operator (unknown keys are dropped).
#[tracing::instrument(skip(conn, keys))]
pub fn save_columns(
    conn: &mut DbConnection,
    operator_id: i64,
    pane: PaneKind,
    keys: Vec<String>,
) -> AppResult<ColumnsSaved> {
    let Some(value) = pane.sanitize(keys.iter().map(String::as_str)) else {
        return Ok(ColumnsSaved::NoneChosen);
    };
    preference::set(conn, operator_id, &pane.pref_key(), &value)?;
    Ok(ColumnsSaved::Saved)
}

/// How saving a page size ended.
#[derive(Debug, PartialEq, Eq)]
pub enum PageSizeSaved {
    Saved,
    /// Not one of [`PAGE_SIZES`]: nothing changed.
    NotOffered,
}

/// Remembers how many rows `pane` shows per page for this operator.
#[tracing::instrument(skip(conn))]
pub fn save_page_size(
    conn: &mut DbConnection,
    operator_id: i64,
    pane: PaneKind,
    size: &str,
) -> AppResult<PageSizeSaved> {
    let Some(size) = size
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| PAGE_SIZES.contains(n))
    else {
        return Ok(PageSizeSaved::NotOffered);
    };
    preference::set(conn, operator_id, &size_key(pane), &size.to_string())?;
    Ok(PageSizeSaved::Saved)
}

/// What the quick search above the panes found.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// One customer: the page opens on it.
    One(i64),
    /// Several, by this filter (`q_…`): the list is filtered by it.
    Several(&'static str),
    /// None (or the text is too short to look for).
    Nothing,
}

/// Finds the customer a person typed into the quick search: tried as WebID, account code,
/// web username, SIP user, IP address, then company, each answered by the filter of the same
/// name (an index range), within the viewer's service provider. The first filter that matches
/// decides.
#[tracing::instrument(skip(conn))]
pub fn quick_find(conn: &mut DbConnection, scope: Option<i64>, typed: &str) -> AppResult<Found> {
    let text: String = typed.trim().chars().take(100).collect();
    if text.is_empty() {
        return Ok(Found::Nothing);
    }
    let blank = CustomerFilter {
        service_provider_id: scope,
        ..CustomerFilter::default()
    };
    let tries: [(&'static str, CustomerFilter); 6] = [
        (
            "q_webid",
            CustomerFilter {
                webid: text.clone(),
                ..blank.clone()
            },
        ),
        (
            "q_account",
            CustomerFilter {
                account: text.clone(),
                ..blank.clone()
            },
        ),
        (
            "q_username",
            CustomerFilter {
                username: text.clone(),
                ..blank.clone()
            },
        ),
        (
            "q_sip_user",
            CustomerFilter {
                sip_user: text.clone(),
                ..blank.clone()
            },
        ),
        (
            "q_ip",
            CustomerFilter {
                ip: text.clone(),
                ..blank.clone()
            },
        ),
        (
            "q_company",
            CustomerFilter {
                company: text.clone(),
                ..blank
            },
        ),
    ];
    for (key, filter) in tries {
        if !customer_list::refusals(&filter).is_empty() {
            continue;
        }
        let list = Customers {
            filter,
            sort: customer_list::sort(None),
            dir: SortDir::Asc,
        };
        // Asked as the pane asks for its first page: with a page of one row PostgreSQL's
        // planner walks the company index to a bunched word's matches (1.6 s for "nordic" at
        // a million customers), with a page of 50 it takes the same plan as the pane.
        let page = match list.listing(conn, PER_PAGE)? {
            (_, Some(first)) => first,
            (listing, None) => list.page_as(conn, listing, 0, PER_PAGE)?,
        };
        match (page.rows.as_slice(), page.has_more) {
            ([c], false) => return Ok(Found::One(c.id)),
            ([], _) => {}
            _ => return Ok(Found::Several(key)),
        }
    }
    Ok(Found::Nothing)
}
