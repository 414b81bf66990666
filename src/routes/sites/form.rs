//! Site create (`/customers/{id}/sites/new`, POST `/customers/{id}/sites`) and edit
//! (`/sites/{id}/edit`, POST `/sites/{id}`).

use crate::auth::access::{ensure_customer_visible, ensure_site_visible};
use crate::auth::{CsrfField, CsrfForm, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::site::{self, NewSite, SiteUpdate};
use crate::db::write_transaction;
use crate::domain::country_list::COUNTRIES;
use crate::domain::time_zone_list::TIME_ZONES;
use crate::domain::FormState;
use crate::domain::{Country, Description, LongText, ObjectName, TimeZone};
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SiteForm {
    pub csrf_token: String,
    pub name: String,
    pub description: String,
    pub address: String,
    pub country: String,
    pub time_zone: String,
    pub version: String,
}

impl CsrfField for SiteForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// A site form that parsed: every field valid.
struct ValidSite {
    name: String,
    description: String,
    address: String,
    country: &'static str,
    time_zone: &'static str,
}

impl SiteForm {
    fn state(&self) -> FormState {
        let mut f = FormState::default();
        f.set("name", &self.name);
        f.set("description", &self.description);
        f.set("address", &self.address);
        f.set("country", &self.country);
        f.set("time_zone", &self.time_zone);
        f
    }

    fn parse(&self) -> Result<ValidSite, FormState> {
        let mut f = self.state();
        let name = f.check("name", ObjectName::parse(&self.name));
        let description = f.check("description", Description::parse(&self.description));
        let address = f.check("address", LongText::parse(&self.address));
        let country = f.check("country", Country::parse(&self.country));
        let time_zone = f.check("time_zone", TimeZone::parse(&self.time_zone));
        match (name, description, address, country, time_zone) {
            (Some(name), Some(description), Some(address), Some(country), Some(time_zone)) => {
                Ok(ValidSite {
                    name: name.into_inner(),
                    description: description.into_inner(),
                    address: address.into_inner(),
                    country: country.code(),
                    time_zone: time_zone.as_str(),
                })
            }
            _ => Err(f),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "sites/form.html")]
pub struct SiteFormPage {
    pub layout: Layout,
    pub heading: String,
    pub action: String,
    pub cancel_href: String,
    pub submit_label: &'static str,
    pub form: FormState,
    pub version: Option<i32>,
    pub countries: Vec<(String, String)>,
    pub time_zones: Vec<(String, String)>,
}

fn page(
    layout: Layout,
    heading: String,
    action: String,
    cancel_href: String,
    submit_label: &'static str,
    form: FormState,
    version: Option<i32>,
) -> SiteFormPage {
    SiteFormPage {
        layout,
        heading,
        action,
        cancel_href,
        submit_label,
        form,
        version,
        countries: COUNTRIES
            .iter()
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect(),
        time_zones: TIME_ZONES
            .iter()
            .map(|z| (z.to_string(), z.to_string()))
            .collect(),
    }
}

pub async fn new_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<SiteFormPage> {
    let c = ensure_customer_visible(&state, &editor.0, path.into_inner()).await?;
    crate::auth::access::refuse_if_demo(&c)?;
    let mut form = FormState::default();
    form.set("country", &c.country);
    Ok(page(
        Layout::for_operator(&editor.0, &flashes),
        format!("Add a site to {}", c.company),
        format!("/customers/{}/sites", c.id),
        format!("/customers?customer={}", c.id),
        "Create site",
        form,
        None,
    ))
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<SiteForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let c = ensure_customer_visible(&state, &editor.0, path.into_inner()).await?;
    crate::auth::access::refuse_if_demo(&c)?;
    let form = form.0;
    let valid = match form.parse() {
        Ok(v) => v,
        Err(state_with_errors) => {
            let p = page(
                Layout::for_operator(&editor.0, &flashes),
                format!("Add a site to {}", c.company),
                format!("/customers/{}/sites", c.id),
                format!("/customers?customer={}", c.id),
                "Create site",
                state_with_errors,
                None,
            );
            return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let actor = editor.0.actor();
    let customer_id = c.id;
    let created = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let now = crate::db::now();
            let s = site::insert(
                conn,
                &NewSite {
                    customer_id,
                    name: valid.name,
                    description: valid.description,
                    address: valid.address,
                    country: valid.country.to_string(),
                    time_zone: valid.time_zone.to_string(),
                    created_at: now,
                    updated_at: now,
                },
            )?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "create",
                    object_type: "site",
                    object_id: s.id,
                    before: None,
                    after: audit::image(&s),
                    reason: None,
                },
            )?;
            Ok::<_, AppError>(s)
        })
    })
    .await?;
    FlashMessage::success(format!("Site “{}” created.", created.name)).send();
    Ok(see_other(&format!(
        "/customers?customer={customer_id}&site={}",
        created.id
    )))
}

pub async fn edit_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<SiteFormPage> {
    let (s, c) = ensure_site_visible(&state, &editor.0, path.into_inner()).await?;
    crate::auth::access::refuse_if_demo(&c)?;
    let form = SiteForm {
        name: s.name.clone(),
        description: s.description.clone(),
        address: s.address.clone(),
        country: s.country.clone(),
        time_zone: s.time_zone.clone(),
        ..Default::default()
    };
    Ok(page(
        Layout::for_operator(&editor.0, &flashes),
        format!("Edit site {} of {}", s.name, c.company),
        format!("/sites/{}", s.id),
        format!("/customers?customer={}&site={}", c.id, s.id),
        "Save site",
        form.state(),
        Some(s.version),
    ))
}

pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<SiteForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (s, c) = ensure_site_visible(&state, &editor.0, path.into_inner()).await?;
    crate::auth::access::refuse_if_demo(&c)?;
    let form = form.0;
    let version: i32 = form.version.trim().parse().map_err(|_| {
        AppError::BadRequest("The form is missing its version; reload the page.".into())
    })?;
    let err_page = |f: FormState, layout: Layout| {
        page(
            layout,
            format!("Edit site {} of {}", s.name, c.company),
            format!("/sites/{}", s.id),
            format!("/customers?customer={}&site={}", c.id, s.id),
            "Save site",
            f,
            Some(version),
        )
    };
    let valid = match form.parse() {
        Ok(v) => v,
        Err(f) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &err_page(f, Layout::for_operator(&editor.0, &flashes)),
            )
        }
    };
    let actor = editor.0.actor();
    let before = s.clone();
    let updated = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let changes = SiteUpdate {
                name: valid.name,
                description: valid.description,
                address: valid.address,
                country: valid.country.to_string(),
                time_zone: valid.time_zone.to_string(),
                updated_at: crate::db::now(),
            };
            let Some(after) = site::update(conn, before.id, version, &changes)? else {
                return Ok(None);
            };
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "update",
                    object_type: "site",
                    object_id: after.id,
                    before: audit::image(&before),
                    after: audit::image(&after),
                    reason: None,
                },
            )?;
            Ok::<_, AppError>(Some(after))
        })
    })
    .await?;
    match updated {
        Some(after) => {
            FlashMessage::success(format!("Site “{}” saved.", after.name)).send();
            Ok(see_other(&format!(
                "/customers?customer={}&site={}",
                c.id, after.id
            )))
        }
        None => {
            let mut f = form.state();
            f.error(
                "name",
                "Someone else changed this site after you opened the form, so nothing was saved. \
                 Open the form again to see their change.",
            );
            render(
                StatusCode::CONFLICT,
                &err_page(f, Layout::for_operator(&editor.0, &flashes)),
            )
        }
    }
}
