//! GET `/c/{webid}/`: the customer's own data in panes like the operators' (without the
//! customers pane): their customer, its sites, the selected site's access links. The panes are
//! loaded and built by the operators' own load and view builder, in portal scope.

use super::{load_brand, PortalLayout};
use crate::auth::PortalUser;
use crate::db::models::customer::Customer;
use crate::domain::Country;
use crate::error::AppResult;
use crate::routes::customers::pane_view::{self, DetailItem, Overlay, PaneView, Scope};
use crate::routes::query_url::PanesQuery;
use crate::routes::see_other;
use crate::service::panes::{self, Viewer};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;

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

pub async fn page(
    user: PortalUser,
    state: web::Data<AppState>,
    query: web::Query<PanesQuery>,
    req: HttpRequest,
    flashes: IncomingFlashMessages,
) -> AppResult<PortalHomePage> {
    let query_string = req.uri().query().unwrap_or("").to_string();
    render(
        user,
        state,
        query.into_inner(),
        &query_string,
        &flashes,
        None,
    )
    .await
}

/// The page again after a refused save of the sites or links pane, with what was typed kept
/// and the cell at fault marked (422).
pub async fn refused(
    user: PortalUser,
    state: web::Data<AppState>,
    return_to: &str,
    flashes: &IncomingFlashMessages,
    overlay: Overlay,
) -> AppResult<HttpResponse> {
    let (q, query_string) = PanesQuery::of_return_to(return_to);
    let page = render(user, state, q, query_string, flashes, Some(overlay)).await?;
    crate::routes::render(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn render(
    user: PortalUser,
    state: web::Data<AppState>,
    q: PanesQuery,
    query_string: &str,
    flashes: &IncomingFlashMessages,
    overlay: Option<Overlay>,
) -> AppResult<PortalHomePage> {
    let ask = q.ask();
    let viewer = Viewer::Portal {
        customer: Box::new(user.customer.clone()),
    };
    let branding_id = user.customer.branding_id;
    let shared = state.clone();
    let (brand, loaded) = with_conn(&state, move |conn| {
        Ok((
            load_brand(conn, branding_id)?,
            panes::load(conn, &viewer, &ask, &shared.counts)?,
        ))
    })
    .await?;
    let scope = Scope::Portal {
        webid: &user.customer.webid,
        zone: &user.zone,
    };
    let view = pane_view::build(scope, &q, &loaded, true, overlay.as_ref());
    let home = user.home();
    let return_to = match query_string {
        "" => home,
        qs => format!("{home}?{qs}"),
    };
    Ok(PortalHomePage {
        layout: PortalLayout::signed_in(&user, brand, flashes),
        customer: OwnCustomerView::of(&user.customer),
        panes: view.panes,
        return_to,
        link_details: view.link_details,
        link_title: view.link_title,
    })
}

impl OwnCustomerView {
    fn of(c: &Customer) -> OwnCustomerView {
        let item = |label, value: &str| DetailItem {
            label,
            value: value.to_string(),
        };
        OwnCustomerView {
            id: c.id,
            version: c.version,
            name: c.name.clone(),
            description: c.description.clone(),
            details: vec![
                item("Company", &c.company),
                item("Account code", &c.account_code),
                item("Status", c.status.label()),
                item("Email", &c.email),
                item("Phone", &c.phone),
                item("Country", Country::name_of(&c.country)),
            ],
        }
    }
}
