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
use crate::lists::customers::{self as customer_list, Customers};
use crate::lists::links::{self as link_list, Links};
use crate::lists::sites::{self as site_list, Sites};
use crate::lists::{visible, ListColumn, PaneKind};
use std::collections::HashMap;

/// Rows per pane page.
pub const PER_PAGE: i64 = 50;

/// What the URL asks of one pane: its sort (checked against the list's allow-list here) and
/// page (0-based).
#[derive(Debug, Clone, Default)]
pub struct PaneAsk {
    pub sort: Option<String>,
    pub dir: SortDir,
    pub page: i64,
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
    pub sort: &'static ListColumn<R>,
    pub dir: SortDir,
    pub visible: Vec<&'static ListColumn<R>>,
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
}

/// Loads the panes for `viewer`; a selection the viewer may not see is simply not there.
#[tracing::instrument(skip(conn, viewer))]
pub fn load(conn: &mut DbConnection, viewer: &Viewer, ask: &PanesAsk) -> AppResult<Panes> {
    let prefs = column_prefs(conn, viewer)?;
    let chosen = |pane: PaneKind| prefs.get(&pane.pref_key()).map(String::as_str);
    let refused = customer_list::refusals(&ask.filter);
    let customers = match viewer {
        Viewer::Operator { scope, .. } => {
            let list = Customers {
                filter: CustomerFilter {
                    service_provider_id: *scope,
                    ..ask.filter.clone()
                },
                sort: customer_list::sort(ask.customers.sort.as_deref()),
                dir: ask.customers.dir,
            };
            let rows = if refused.is_empty() {
                list.page(conn, ask.customers.page, PER_PAGE)?
            } else {
                Page {
                    rows: Vec::new(),
                    has_more: false,
                }
            };
            Some(Pane {
                rows,
                index: ask.customers.page,
                sort: list.sort,
                dir: list.dir,
                visible: visible(customer_list::COLUMNS, chosen(PaneKind::Customers)),
            })
        }
        Viewer::Portal { .. } => None,
    };
    let (customer, site, link) = selection(conn, viewer, ask, customers.as_ref())?;
    let sites = match &customer {
        Some(c) => {
            let list = Sites {
                customer_id: c.id,
                sort: site_list::sort(ask.sites.sort.as_deref()),
                dir: ask.sites.dir,
            };
            Some(Pane {
                rows: list.page(conn, ask.sites.page, PER_PAGE)?,
                index: ask.sites.page,
                sort: list.sort,
                dir: list.dir,
                visible: visible(site_list::COLUMNS, chosen(PaneKind::Sites)),
            })
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
            Some(Pane {
                rows: list.page(conn, ask.links.page, PER_PAGE)?,
                index: ask.links.page,
                sort: list.sort,
                dir: list.dir,
                visible: visible(link_list::COLUMNS, chosen(PaneKind::Links)),
            })
        }
        None => None,
    };
    Ok(Panes {
        customers,
        refused,
        customer,
        sites,
        site,
        links,
        link,
    })
}

/// An operator's stored column choices (settling overdue compliance reviews first, so the
/// statuses shown are current); the portal shows the defaults.
fn column_prefs(conn: &mut DbConnection, viewer: &Viewer) -> AppResult<HashMap<String, String>> {
    match viewer {
        Viewer::Operator { id, .. } => {
            crate::service::compliance::settle_overdue(conn)?;
            Ok(preference::get_prefixed(conn, *id, "columns.")?
                .into_iter()
                .collect())
        }
        Viewer::Portal { .. } => Ok(HashMap::new()),
    }
}

type Selection = (Option<Customer>, Option<Site>, Option<AccessLink>);

/// The selected customer, site and link. A deeper selection alone (a bookmarked link) brings
/// its parents along; each must belong to the one above it.
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
