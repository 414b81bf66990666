//! Site create (`/customers/{id}/sites/new`, POST `/customers/{id}/sites`) and edit
//! (`/sites/{id}/edit` with the site's own history, POST `/sites/{id}`). The form's fields and
//! rules are `service::sites`'.

use crate::auth::{CsrfField, CsrfForm, Editor};
use crate::db::models::customer::Customer;
use crate::db::models::SiteId;
use crate::domain::country_list::COUNTRIES;
use crate::domain::country_zones::COUNTRY_ZONES;
use crate::domain::time_zone_list::TIME_ZONES;
use crate::domain::{FormState, TimeZone};
use crate::error::AppResult;
use crate::routes::history::HistoryView;
use crate::routes::object_form::{refused, FormFrame};
use crate::routes::{render, see_other, Layout};
use crate::service::access::ensure_customer_visible;
use crate::service::sites::{self as service, CreateOutcome, EditForm, SiteForm, UpdateOutcome};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

impl CsrfField for SiteForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "sites/form.html")]
pub struct SiteFormPage {
    pub layout: Layout,
    pub frame: FormFrame,
    pub form: FormState,
    pub countries: Vec<(String, String)>,
    /// The chosen country's name and its zones, listed first; then every other zone.
    pub country_name: String,
    pub country_zones: Vec<String>,
    pub other_zones: Vec<String>,
    /// Every country's zones as JSON, for the script that re-orders them on a change.
    pub zones_json: String,
}

fn page(layout: Layout, frame: FormFrame, form: FormState) -> SiteFormPage {
    let country = form.value("country").to_string();
    let first = TimeZone::of_country(&country);
    let zones_json = serde_json::to_string(
        &COUNTRY_ZONES
            .iter()
            .copied()
            .collect::<std::collections::BTreeMap<_, _>>(),
    )
    .unwrap_or_else(|_| "{}".to_string());
    SiteFormPage {
        layout,
        frame,
        countries: COUNTRIES
            .iter()
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect(),
        country_name: crate::domain::Country::name_of(&country).to_string(),
        country_zones: first.iter().map(|z| z.to_string()).collect(),
        other_zones: TIME_ZONES
            .iter()
            .filter(|z| !first.contains(z))
            .map(|z| z.to_string())
            .collect(),
        zones_json,
        form,
    }
}

/// The form adding a site to `c`.
fn new_page(layout: Layout, c: &Customer, form: FormState) -> SiteFormPage {
    let frame = FormFrame::new(
        format!("Add a site to {}", c.company),
        format!("/customers/{}/sites", c.id),
        format!("/customers?customer={}", c.id),
        "Create site",
    );
    page(layout, frame, form)
}

/// The edit form of `data`'s site, showing `form` as of `version`.
fn edit_page(layout: Layout, data: &EditForm, form: FormState, version: i32) -> SiteFormPage {
    let (s, c) = (&data.site, &data.customer);
    let zone = layout.zone();
    let frame = FormFrame::new(
        format!("Edit site {} of {}", s.name, c.company),
        format!("/sites/{}", s.id),
        format!("/customers?customer={}&site={}", c.id, s.id),
        "Save site",
    )
    .editing(version, HistoryView::all(&data.history, "Site", &zone));
    page(layout, frame, form)
}

pub async fn new_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<SiteFormPage> {
    let c = ensure_customer_visible(&state, &editor.0, path.into_inner()).await?;
    crate::service::access::refuse_if_demo(&c)?;
    let mut form = FormState::default();
    form.set("country", &c.country);
    // A new site is most likely where its customer is: that country's main zone.
    if let Some(zone) = TimeZone::of_country(&c.country).first() {
        form.set("time_zone", *zone);
    }
    Ok(new_page(
        Layout::for_operator(&editor.0, &flashes),
        &c,
        form,
    ))
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<SiteForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (scope, actor, id) = (
        editor.0.service_provider_id,
        editor.0.actor(),
        path.into_inner(),
    );
    let outcome = with_conn(&state, move |conn| {
        service::create(conn, scope, &actor, id, &form.0)
    })
    .await?;
    match outcome {
        CreateOutcome::Created(s) => {
            FlashMessage::success(format!("Site “{}” created.", s.name)).send();
            Ok(see_other(&format!(
                "/customers?customer={}&site={}",
                s.customer_id, s.id
            )))
        }
        CreateOutcome::Invalid(f, c) => {
            let layout = Layout::for_operator(&editor.0, &flashes);
            render(StatusCode::UNPROCESSABLE_ENTITY, &new_page(layout, &c, f))
        }
    }
}

pub async fn edit_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<SiteFormPage> {
    let (scope, id) = (editor.0.service_provider_id, path.into_inner());
    let data = with_conn(&state, move |conn| {
        service::edit_form(conn, scope, SiteId(id))
    })
    .await?;
    let form = SiteForm::of(&data.site).state();
    let layout = Layout::for_operator(&editor.0, &flashes);
    Ok(edit_page(layout, &data, form, data.site.version))
}

pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<SiteForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (scope, actor, id) = (
        editor.0.service_provider_id,
        editor.0.actor(),
        path.into_inner(),
    );
    let outcome = with_conn(&state, move |conn| {
        service::update(conn, scope, &actor, SiteId(id), &form.0)
    })
    .await?;
    match outcome {
        UpdateOutcome::Saved(s) => {
            FlashMessage::success(format!("Site “{}” saved.", s.name)).send();
            Ok(see_other(&format!(
                "/customers?customer={}&site={}",
                s.customer_id, s.id
            )))
        }
        UpdateOutcome::Refused(refusal, data, version) => {
            let (status, f) = refused(refusal);
            let layout = Layout::for_operator(&editor.0, &flashes);
            render(status, &edit_page(layout, &data, f, version))
        }
    }
}
