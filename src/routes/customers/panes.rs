//! GET `/customers`: Customers | Customer Sites | Site Access Links, all state in the URL.

use super::columns;
use super::pane_view::{self, link_text, PaneInput, PaneView, Scope};
use crate::auth::CurrentOperator;
use crate::db::models::customer::{self, CustomerFilter, CustomerListRow};
use crate::db::models::link::{self, AccessLink};
use crate::db::models::site::{self, Site};
use crate::db::models::{preference, Page, SortDir};
use crate::domain::{CustomerStatus, CustomerType, Region};
use crate::error::AppResult;
use crate::routes::query_url::PanesQuery;
use crate::routes::{see_other, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;
use std::collections::HashMap;

const PER_PAGE: i64 = 50;
const LINKS_PER_PAGE: i64 = 50;

pub struct FilterView {
    pub company: String,
    pub username: String,
    pub name: String,
    pub ip: String,
    pub account: String,
    pub sip_user: String,
    pub status: String,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub active: bool,
    pub hidden: Vec<(&'static str, String)>,
}

pub struct DetailItem {
    pub label: &'static str,
    pub value: String,
}

/// The selected customer's summary and its lifecycle actions.
pub struct CustomerCard {
    pub id: i64,
    pub company: String,
    pub account_code: String,
    pub webid: String,
    pub status: String,
    pub status_code: String,
    pub type_label: String,
    pub is_demo: bool,
    pub can_edit: bool,
    /// Whether an operator may set the status by hand now (not during a compliance review).
    pub status_settable: bool,
    pub statuses: Vec<(&'static str, &'static str)>,
    /// The default dial-in code of the billing country's region, and the region.
    pub dial_in: &'static str,
    pub region: &'static str,
}

impl CustomerCard {
    fn of(c: &CustomerListRow, can_edit: bool) -> CustomerCard {
        let status = CustomerStatus::parse(&c.status).ok();
        let is_demo = c.customer_type != CustomerType::Live.code();
        CustomerCard {
            id: c.id,
            company: c.company.clone(),
            account_code: c.account_code.clone(),
            webid: c.webid.clone(),
            status: status
                .map(|s| s.label().to_string())
                .unwrap_or_else(|| c.status.clone()),
            status_code: c.status.clone(),
            type_label: CustomerType::parse(&c.customer_type)
                .map(|t| t.label().to_string())
                .unwrap_or_default(),
            is_demo,
            can_edit,
            status_settable: can_edit && !is_demo && status.is_some_and(|s| s.operator_may_set()),
            dial_in: Region::of(&c.country).dial_in_code(),
            region: Region::of(&c.country).label(),
            statuses: CustomerStatus::OPERATOR_SETTABLE
                .iter()
                .map(|s| (s.code(), s.label()))
                .collect(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/index.html")]
pub struct PanesPage {
    pub layout: Layout,
    pub customer_card: Option<CustomerCard>,
    pub filter: FilterView,
    pub panes: Vec<PaneView>,
    pub return_to: String,
    pub link_details: Vec<DetailItem>,
    pub link_title: String,
    pub clear_filters_href: String,
}

pub async fn home() -> HttpResponse {
    see_other("/customers")
}

/// Everything the page shows, loaded in one trip to the thread pool.
struct Loaded {
    prefs: HashMap<String, String>,
    customers: Page<CustomerListRow>,
    customer: Option<CustomerListRow>,
    sites: Option<Page<Site>>,
    site: Option<Site>,
    links: Option<Page<AccessLink>>,
    link: Option<AccessLink>,
}

pub async fn page(
    op: CurrentOperator,
    state: web::Data<AppState>,
    query: web::Query<PanesQuery>,
    req: HttpRequest,
    flashes: IncomingFlashMessages,
) -> AppResult<PanesPage> {
    let q = query.into_inner();
    let filter = CustomerFilter {
        company: PanesQuery::text(&q.q_company),
        username: PanesQuery::text(&q.q_username),
        name: PanesQuery::text(&q.q_name),
        ip: PanesQuery::text(&q.q_ip),
        account: PanesQuery::text(&q.q_account),
        sip_user: PanesQuery::text(&q.q_sip_user),
        status: CustomerStatus::parse(&PanesQuery::text(&q.q_status))
            .map(|s| s.code().to_string())
            .unwrap_or_default(),
        service_provider_id: op.service_provider_id,
    };
    let c_sort = pane_view::sort_key(&q.c_sort, customer::SORT_COLUMNS, "company");
    let s_sort = pane_view::sort_key(&q.s_sort, site::SORT_COLUMNS, "name");
    let l_sort = pane_view::sort_key(&q.l_sort, link::SORT_COLUMNS, "name");
    let (c_dir, s_dir, l_dir) = (
        SortDir::parse(q.c_dir.as_deref()),
        SortDir::parse(q.s_dir.as_deref()),
        SortDir::parse(q.l_dir.as_deref()),
    );
    let (c_page, s_page, l_page) = (
        PanesQuery::page(&q.c_page),
        PanesQuery::page(&q.s_page),
        PanesQuery::page(&q.l_page),
    );
    let (want_customer, want_site, want_link) = (
        PanesQuery::id(&q.customer),
        PanesQuery::id(&q.site),
        PanesQuery::id(&q.link),
    );
    let op_id = op.id;
    let sp = op.service_provider_id;
    let f = filter.clone();
    let loaded = with_conn(&state, move |conn| {
        crate::service::compliance::settle_overdue(conn)?;
        let prefs: HashMap<String, String> = preference::get_prefixed(conn, op_id, "columns.")?
            .into_iter()
            .collect();
        let customers = customer::list(conn, &f, c_sort, c_dir, c_page, PER_PAGE)?;
        // A deeper selection alone (a bookmarked link) brings its parents along.
        let link = match want_link {
            Some(id) => link::find(conn, id)?,
            None => None,
        };
        let site_id = want_site.or(link.as_ref().map(|l| l.site_id));
        let site = match site_id {
            Some(id) => site::find(conn, id)?,
            None => None,
        };
        let customer_id = want_customer.or(site.as_ref().map(|s| s.customer_id));
        let customer = match customer_id {
            Some(id) => match customers.rows.iter().find(|r| r.id == id) {
                Some(r) => Some(r.clone()),
                None => customer::find_list_row(conn, customer::CustomerId(id))?,
            },
            None => None,
        }
        .filter(|c| sp.is_none_or(|sp| c.service_provider_id == sp));
        let site = site.filter(|s| customer.as_ref().is_some_and(|c| c.id == s.customer_id));
        let link = link.filter(|l| site.as_ref().is_some_and(|s| s.id == l.site_id));
        let sites = match &customer {
            Some(c) => Some(site::list_for_customer(
                conn, c.id, s_sort, s_dir, s_page, PER_PAGE,
            )?),
            None => None,
        };
        let links = match &site {
            Some(s) => Some(link::list_for_site(
                conn,
                s.id,
                l_sort,
                l_dir,
                l_page,
                LINKS_PER_PAGE,
            )?),
            None => None,
        };
        Ok(Loaded {
            prefs,
            customers,
            customer,
            sites,
            site,
            links,
            link,
        })
    })
    .await?;

    let can_edit = op.role.can_edit();
    let visible_c = columns::visible(
        "customers",
        loaded
            .prefs
            .get(&columns::pref_key("customers"))
            .map(String::as_str),
    );
    let visible_s = columns::visible(
        "sites",
        loaded
            .prefs
            .get(&columns::pref_key("sites"))
            .map(String::as_str),
    );
    let visible_l = columns::visible(
        "links",
        loaded
            .prefs
            .get(&columns::pref_key("links"))
            .map(String::as_str),
    );
    let mut panes = vec![pane_view::customers_pane(PaneInput {
        scope: Scope::Operators,
        q: &q,
        page: &loaded.customers,
        page_index: c_page,
        visible: &visible_c,
        sort: c_sort,
        dir: c_dir,
        selected: loaded.customer.as_ref().map(|c| c.id),
        can_edit,
    })];
    // A demo customer's sites and links are as frozen as the customer itself.
    let live = loaded
        .customer
        .as_ref()
        .is_some_and(|c| c.customer_type == CustomerType::Live.code());
    if let (Some(c), Some(sites)) = (&loaded.customer, &loaded.sites) {
        panes.push(pane_view::sites_pane(
            PaneInput {
                scope: Scope::Operators,
                q: &q,
                page: sites,
                page_index: s_page,
                visible: &visible_s,
                sort: s_sort,
                dir: s_dir,
                selected: loaded.site.as_ref().map(|s| s.id),
                can_edit: can_edit && live,
            },
            c.id,
            &c.company,
        ));
    }
    if let (Some(s), Some(links)) = (&loaded.site, &loaded.links) {
        panes.push(pane_view::links_pane(
            PaneInput {
                scope: Scope::Operators,
                q: &q,
                page: links,
                page_index: l_page,
                visible: &visible_l,
                sort: l_sort,
                dir: l_dir,
                selected: loaded.link.as_ref().map(|l| l.id),
                can_edit: can_edit && live,
            },
            s.id,
            &s.name,
        ));
    }
    let (link_title, link_details) = match &loaded.link {
        Some(l) => (
            l.name.clone(),
            columns::LINK_COLUMNS
                .iter()
                .map(|c| DetailItem {
                    label: c.label,
                    value: link_text(l, c.key),
                })
                .collect(),
        ),
        None => (String::new(), Vec::new()),
    };
    let query_string = req.uri().query().unwrap_or("").to_string();
    let panes: Vec<PaneView> = panes
        .into_iter()
        .map(|p| p.with_exports(&query_string))
        .collect();
    let return_to = match req.uri().query() {
        Some(qs) if !qs.is_empty() => format!("/customers?{qs}"),
        _ => "/customers".into(),
    };
    let hidden: Vec<(&'static str, String)> = [
        ("customer", q.customer.clone()),
        ("c_sort", q.c_sort.clone()),
        ("c_dir", q.c_dir.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
    .collect();
    let clear_filters_href = q.href(&[
        ("q_company", None),
        ("q_username", None),
        ("q_name", None),
        ("q_ip", None),
        ("q_account", None),
        ("q_sip_user", None),
        ("q_status", None),
        ("c_page", None),
    ]);
    Ok(PanesPage {
        layout: Layout::for_operator(&op, &flashes),
        customer_card: loaded
            .customer
            .as_ref()
            .map(|c| CustomerCard::of(c, can_edit)),
        filter: FilterView {
            active: !(filter.company.is_empty()
                && filter.username.is_empty()
                && filter.name.is_empty()
                && filter.ip.is_empty()
                && filter.account.is_empty()
                && filter.sip_user.is_empty()
                && filter.status.is_empty()),
            company: filter.company,
            username: filter.username,
            name: filter.name,
            ip: filter.ip,
            account: filter.account,
            sip_user: filter.sip_user,
            status: filter.status,
            statuses: CustomerStatus::ALL
                .iter()
                .map(|s| (s.code(), s.label()))
                .collect(),
            hidden,
        },
        panes,
        return_to,
        link_details,
        link_title,
        clear_filters_href,
    })
}
