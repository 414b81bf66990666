//! GET `/c/{webid}/`: the customer's own data in panes like the operators' (without the
//! customers pane): their customer, its sites, the selected site's access links. The pane view
//! models are the operators' own, in portal scope.

use super::{load_brand, PortalLayout};
use crate::auth::PortalUser;
use crate::db::models::link::{self, AccessLink};
use crate::db::models::site::{self, Site};
use crate::db::models::{Page, SortDir};
use crate::domain::{Country, CustomerStatus};
use crate::error::AppResult;
use crate::routes::customers::columns;
use crate::routes::customers::pane_view::{self, link_text, PaneInput, PaneView, Scope};
use crate::routes::customers::panes::DetailItem;
use crate::routes::query_url::PanesQuery;
use crate::routes::see_other;
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;

const PER_PAGE: i64 = 50;

/// The customer as its administrator sees it: details, and the name and description they may
/// change (with the version the page was loaded at).
pub struct OwnCustomerView {
    pub id: i64,
    pub version: i32,
    pub name: String,
    pub description: String,
    pub details: Vec<DetailItem>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/home.html")]
pub struct PortalHomePage {
    pub layout: PortalLayout,
    pub customer: OwnCustomerView,
    pub panes: Vec<PaneView>,
    pub return_to: String,
    pub link_details: Vec<DetailItem>,
    pub link_title: String,
}

pub async fn to_home(path: web::Path<String>) -> HttpResponse {
    see_other(&format!("/c/{}/", path.into_inner()))
}

struct Loaded {
    brand: super::BrandView,
    sites: Page<Site>,
    site: Option<Site>,
    links: Option<Page<AccessLink>>,
    link: Option<AccessLink>,
}

pub async fn page(
    user: PortalUser,
    state: web::Data<AppState>,
    query: web::Query<PanesQuery>,
    req: HttpRequest,
    flashes: IncomingFlashMessages,
) -> AppResult<PortalHomePage> {
    let q = query.into_inner();
    let c = user.customer.clone();
    let s_sort = pane_view::sort_key(&q.s_sort, site::SORT_COLUMNS, "name");
    let l_sort = pane_view::sort_key(&q.l_sort, link::SORT_COLUMNS, "name");
    let (s_dir, l_dir) = (
        SortDir::parse(q.s_dir.as_deref()),
        SortDir::parse(q.l_dir.as_deref()),
    );
    let (s_page, l_page) = (PanesQuery::page(&q.s_page), PanesQuery::page(&q.l_page));
    let (want_site, want_link) = (PanesQuery::id(&q.site), PanesQuery::id(&q.link));
    let (customer_id, branding_id) = (c.id, c.branding_id);
    let loaded = with_conn(&state, move |conn| {
        let brand = load_brand(conn, branding_id)?;
        let link = match want_link {
            Some(id) => link::find(conn, id)?,
            None => None,
        };
        let site = match want_site.or(link.as_ref().map(|l| l.site_id)) {
            Some(id) => site::find(conn, id)?,
            None => None,
        }
        // Another customer's site named in the URL is simply not there.
        .filter(|s| s.customer_id == customer_id);
        let link = link.filter(|l| site.as_ref().is_some_and(|s| s.id == l.site_id));
        let sites = site::list_for_customer(conn, customer_id, s_sort, s_dir, s_page, PER_PAGE)?;
        let links = match &site {
            Some(s) => Some(link::list_for_site(
                conn, s.id, l_sort, l_dir, l_page, PER_PAGE,
            )?),
            None => None,
        };
        Ok(Loaded {
            brand,
            sites,
            site,
            links,
            link,
        })
    })
    .await?;
    let scope = Scope::Portal { webid: &c.webid };
    let visible_s = columns::visible("sites", None);
    let visible_l = columns::visible("links", None);
    let mut panes = vec![pane_view::sites_pane(
        PaneInput {
            scope,
            q: &q,
            page: &loaded.sites,
            page_index: s_page,
            visible: &visible_s,
            sort: s_sort,
            dir: s_dir,
            selected: loaded.site.as_ref().map(|s| s.id),
            can_edit: true,
        },
        c.id,
        &c.company,
    )];
    if let (Some(s), Some(links)) = (&loaded.site, &loaded.links) {
        panes.push(pane_view::links_pane(
            PaneInput {
                scope,
                q: &q,
                page: links,
                page_index: l_page,
                visible: &visible_l,
                sort: l_sort,
                dir: l_dir,
                selected: loaded.link.as_ref().map(|l| l.id),
                can_edit: true,
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
                .map(|col| DetailItem {
                    label: col.label,
                    value: link_text(l, col.key),
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
    let home = user.home();
    let return_to = match req.uri().query() {
        Some(qs) if !qs.is_empty() => format!("{home}?{qs}"),
        _ => home,
    };
    let customer = OwnCustomerView {
        id: c.id,
        version: c.version,
        name: c.name.clone(),
        description: c.description.clone(),
        details: vec![
            DetailItem {
                label: "Company",
                value: c.company.clone(),
            },
            DetailItem {
                label: "Account code",
                value: c.account_code.clone(),
            },
            DetailItem {
                label: "Status",
                value: CustomerStatus::parse(&c.status)
                    .map(|s| s.label().to_string())
                    .unwrap_or_default(),
            },
            DetailItem {
                label: "Email",
                value: c.email.clone(),
            },
            DetailItem {
                label: "Phone",
                value: c.phone.clone(),
            },
            DetailItem {
                label: "Country",
                value: Country::name_of(&c.country).to_string(),
            },
        ],
    };
    Ok(PortalHomePage {
        layout: PortalLayout::signed_in(&user, loaded.brand, &flashes),
        customer,
        panes,
        return_to,
        link_details,
        link_title,
    })
}
