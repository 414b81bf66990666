//! GET `/customers`: Customers | Customer Sites | Site Access Links, all state in the URL.
//! The panes are loaded by `service::panes::load` and built by `pane_view::build`, as in the
//! customer portal; this page adds the filters and the selected customer's card.

use super::pane_view::{self, DetailItem, Overlay, PaneView, Scope};
use crate::auth::CurrentOperator;
use crate::db::models::customer::{Customer, CustomerFilter};
use crate::domain::{CustomerStatus, CustomerType, Region, Role, Zone};
use crate::error::AppResult;
use crate::routes::query_url::PanesQuery;
use crate::routes::{see_other, Layout};
use crate::service::panes::{self, Viewer};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;

pub struct FilterView {
    pub company: String,
    pub username: String,
    pub name: String,
    pub ip: String,
    pub account: String,
    pub sip_user: String,
    pub status: String,
    pub webid: String,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub active: bool,
    pub hidden: Vec<(&'static str, String)>,
    /// Filters refused (too short to use an index, unreadable network), by parameter name.
    pub errors: Vec<(&'static str, String)>,
}

impl FilterView {
    /// The message next to the filter `key`, if it was refused.
    pub fn error(&self, key: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, m)| m.as_str())
    }
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
    /// The default dial-in code of the billing country's region, the region, and the billing
    /// country that decided it, so the card can say where the code comes from.
    pub dial_in: &'static str,
    pub region: &'static str,
    pub country: String,
    /// Whether the customer waits for a compliance review (the card says so), and whether
    /// this operator may decide it (the card then links to its row in the review queue).
    pub pending_review: bool,
    pub may_review: bool,
    pub email: String,
    pub phone: String,
    /// "admin at 2026-11-27 10:04", from the audit log; empty when nothing was recorded.
    pub last_change: String,
}

impl CustomerCard {
    fn with_last_change(mut self, last: Option<&(String, i64)>, zone: &Zone) -> CustomerCard {
        if let Some((actor, at)) = last {
            let who = actor.strip_prefix("operator:").unwrap_or(actor);
            self.last_change = format!("{who} at {}", zone.time(*at));
        }
        self
    }

    fn of(c: &Customer, can_edit: bool, may_review: bool) -> CustomerCard {
        let status = c.status;
        let is_demo = c.customer_type != CustomerType::Live;
        CustomerCard {
            id: c.id,
            company: c.company.clone(),
            account_code: c.account_code.clone(),
            webid: c.webid.clone(),
            status: status.label().to_string(),
            status_code: status.code().to_string(),
            type_label: c.customer_type.label().to_string(),
            is_demo,
            can_edit,
            status_settable: can_edit && !is_demo && status.operator_may_set(),
            dial_in: Region::of(&c.country).dial_in_code(),
            region: Region::of(&c.country).label(),
            country: c.country.clone(),
            pending_review: status == CustomerStatus::PendingReview,
            may_review,
            email: c.email.clone(),
            phone: c.phone.clone(),
            last_change: String::new(),
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

pub async fn page(
    op: CurrentOperator,
    state: web::Data<AppState>,
    query: web::Query<PanesQuery>,
    req: HttpRequest,
    flashes: IncomingFlashMessages,
) -> AppResult<PanesPage> {
    let query_string = req.uri().query().unwrap_or("").to_string();
    let layout = Layout::for_operator(&op, &flashes);
    render(op, state, query.into_inner(), &query_string, layout, None).await
}

/// The page again after a refused "Save changes", with every value typed kept and the cell at
/// fault marked (422). `return_to` is the page the save was made from.
pub async fn refused(
    op: CurrentOperator,
    state: web::Data<AppState>,
    return_to: &str,
    flashes: &IncomingFlashMessages,
    overlay: Overlay,
) -> AppResult<HttpResponse> {
    let (q, query_string) = PanesQuery::of_return_to(return_to);
    let layout = Layout::for_operator(&op, flashes);
    let (pane, message) = (overlay.pane.name(), overlay.refusal.message.clone());
    let mut page = render(op, state, q, query_string, layout, Some(overlay)).await?;
    if !page.panes.iter().any(|p| p.key == pane) {
        // The page came back to does not show the pane saved: the refusal is said on top.
        page.layout.flashes.push(crate::routes::layout::Flash {
            level: "error",
            text: message,
        });
    }
    crate::routes::render(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn render(
    op: CurrentOperator,
    state: web::Data<AppState>,
    q: PanesQuery,
    query_string: &str,
    layout: Layout,
    overlay: Option<Overlay>,
) -> AppResult<PanesPage> {
    let ask = q.ask();
    let viewer = Viewer::Operator {
        id: op.id,
        scope: op.service_provider_id,
    };
    let filter = ask.filter.clone();
    let shared = state.clone();
    let loaded = with_conn(&state, move |conn| {
        panes::load(conn, &viewer, &ask, &shared.counts)
    })
    .await?;
    let can_edit = op.role.can_edit();
    let may_review = matches!(op.role, Role::Admin | Role::Compliance);
    let view = pane_view::build(
        Scope::Operators { zone: &op.zone },
        &q,
        &loaded,
        can_edit,
        overlay.as_ref(),
    );
    let return_to = match query_string {
        "" => "/customers".into(),
        qs => format!("/customers?{qs}"),
    };
    Ok(PanesPage {
        customer_card: loaded.customer.as_ref().map(|c| {
            CustomerCard::of(c, can_edit, may_review)
                .with_last_change(loaded.last_change.as_ref(), &op.zone)
        }),
        layout,
        filter: FilterView::of(filter, &q, loaded.refused.clone()),
        panes: view.panes,
        return_to,
        link_details: view.link_details,
        link_title: view.link_title,
        clear_filters_href: q.href(&[
            ("q_company", None),
            ("q_username", None),
            ("q_name", None),
            ("q_ip", None),
            ("q_account", None),
            ("q_sip_user", None),
            ("q_status", None),
            ("q_webid", None),
            ("c_page", None),
        ]),
    })
}

impl FilterView {
    fn of(
        filter: CustomerFilter,
        q: &PanesQuery,
        errors: Vec<(&'static str, String)>,
    ) -> FilterView {
        let hidden: Vec<(&'static str, String)> = [
            ("customer", q.customer.clone()),
            ("c_sort", q.c_sort.clone()),
            ("c_dir", q.c_dir.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
        FilterView {
            active: !(filter.company.is_empty()
                && filter.username.is_empty()
                && filter.name.is_empty()
                && filter.ip.is_empty()
                && filter.account.is_empty()
                && filter.sip_user.is_empty()
                && filter.status.is_empty()
                && filter.webid.is_empty()),
            company: filter.company,
            username: filter.username,
            name: filter.name,
            ip: filter.ip,
            account: filter.account,
            sip_user: filter.sip_user,
            status: filter.status,
            webid: filter.webid,
            statuses: CustomerStatus::ALL
                .iter()
                .map(|s| (s.code(), s.label()))
                .collect(),
            hidden,
            errors,
        }
    }
}
