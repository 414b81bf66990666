//! Access link create (`/sites/{id}/links/new`, POST `/sites/{id}/links`) and edit
//! (`/links/{id}/edit` with the link's own history, POST `/links/{id}`). The form's fields and
//! rules are `service::links`'.

use crate::auth::{CsrfField, CsrfForm, Editor};
use crate::db::models::customer::Customer;
use crate::db::models::site::Site;
use crate::db::models::LinkId;
use crate::db::models::SiteId;
use crate::domain::FormState;
use crate::domain::{LinkStatus, LinkType};
use crate::error::AppResult;
use crate::format::bandwidth::bandwidth;
use crate::format::thousands;
use crate::routes::history::HistoryView;
use crate::routes::object_form::{choices, refused, FormFrame};
use crate::routes::{render, see_other, Layout};
use crate::service::access::ensure_site_visible;
use crate::service::links::{
    self as service, parse_kbps, CreateOutcome, EditForm, LinkForm, UpdateOutcome,
};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

impl CsrfField for LinkForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "links/form.html")]
pub struct LinkFormPage {
    pub layout: Layout,
    pub frame: FormFrame,
    pub form: FormState,
    pub link_types: Vec<(String, String)>,
    pub statuses: Vec<(String, String)>,
    /// The typed bandwidths in words ("1 Gbit/s down, 100 Mbit/s up"); empty until both read.
    pub bandwidth_shown: String,
    /// Another customer's link uses the stored address (edit form only).
    pub ip_warning: Option<String>,
}

fn page(layout: Layout, frame: FormFrame, form: FormState) -> LinkFormPage {
    let kbps = |name: &str| parse_kbps(form.value(name)).ok();
    let bandwidth_shown = match (kbps("bandwidth_down_kbps"), kbps("bandwidth_up_kbps")) {
        (Some(down), Some(up)) => format!(
            "{} down ({} kbit/s), {} up ({} kbit/s)",
            bandwidth(down),
            thousands(down),
            bandwidth(up),
            thousands(up)
        ),
        _ => String::new(),
    };
    LinkFormPage {
        layout,
        frame,
        form,
        link_types: choices(LinkType::ALL, LinkType::code, LinkType::label),
        statuses: choices(LinkStatus::ALL, LinkStatus::code, LinkStatus::label),
        bandwidth_shown,
        ip_warning: None,
    }
}

/// The form adding a link to site `s` of `c`.
fn new_page(layout: Layout, s: &Site, c: &Customer, form: FormState) -> LinkFormPage {
    let frame = FormFrame::new(
        format!("Add an access link to {} ({})", s.name, c.company),
        format!("/sites/{}/links", s.id),
        format!("/customers?customer={}&site={}", c.id, s.id),
        "Create access link",
    );
    page(layout, frame, form)
}

/// The edit form of `data`'s link, showing `form` as of `version`.
fn edit_page(layout: Layout, data: &EditForm, form: FormState, version: i32) -> LinkFormPage {
    let (l, s, c) = (&data.link, &data.site, &data.customer);
    let zone = layout.zone();
    let frame = FormFrame::new(
        format!("Edit access link {} of {} ({})", l.name, s.name, c.company),
        format!("/links/{}", l.id),
        format!("/customers?customer={}&site={}&link={}", c.id, s.id, l.id),
        "Save access link",
    )
    .editing(
        version,
        HistoryView::all(&data.history, "Access link", &zone),
    );
    LinkFormPage {
        ip_warning: data.ip_warning.clone(),
        ..page(layout, frame, form)
    }
}

pub async fn new_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<LinkFormPage> {
    let (s, c) = ensure_site_visible(&state, &editor.0, path.into_inner()).await?;
    crate::service::access::refuse_if_demo(&c)?;
    let mut form = FormState::default();
    form.set("status", LinkStatus::Active.code());
    form.set("link_type", LinkType::Fiber.code());
    Ok(new_page(
        Layout::for_operator(&editor.0, &flashes),
        &s,
        &c,
        form,
    ))
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<LinkForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (scope, actor, id) = (
        editor.0.service_provider_id,
        editor.0.actor(),
        path.into_inner(),
    );
    let outcome = with_conn(&state, move |conn| {
        service::create(conn, scope, &actor, SiteId(id), &form.0)
    })
    .await?;
    match outcome {
        CreateOutcome::Created {
            link,
            customer_id,
            warning,
        } => {
            FlashMessage::success(format!("Access link “{}” created.", link.name)).send();
            if let Some(w) = warning {
                FlashMessage::warning(w).send();
            }
            Ok(see_other(&format!(
                "/customers?customer={customer_id}&site={}&link={}",
                link.site_id, link.id
            )))
        }
        CreateOutcome::Invalid(f, place) => {
            let (s, c) = *place;
            let layout = Layout::for_operator(&editor.0, &flashes);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_page(layout, &s, &c, f),
            )
        }
    }
}

pub async fn edit_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<LinkFormPage> {
    let (scope, id) = (editor.0.service_provider_id, path.into_inner());
    let data = with_conn(&state, move |conn| {
        service::edit_form(conn, scope, LinkId(id))
    })
    .await?;
    let form = LinkForm::of(&data.link).state();
    let layout = Layout::for_operator(&editor.0, &flashes);
    Ok(edit_page(layout, &data, form, data.link.version))
}

pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<LinkForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (scope, actor, id) = (
        editor.0.service_provider_id,
        editor.0.actor(),
        path.into_inner(),
    );
    let outcome = with_conn(&state, move |conn| {
        service::update(conn, scope, &actor, LinkId(id), &form.0)
    })
    .await?;
    match outcome {
        UpdateOutcome::Saved {
            link,
            customer_id,
            warning,
        } => {
            FlashMessage::success(format!("Access link “{}” saved.", link.name)).send();
            if let Some(w) = warning {
                FlashMessage::warning(w).send();
            }
            Ok(see_other(&format!(
                "/customers?customer={customer_id}&site={}&link={}",
                link.site_id, link.id
            )))
        }
        UpdateOutcome::Refused(refusal, data, version) => {
            let (status, f) = refused(refusal);
            let layout = Layout::for_operator(&editor.0, &flashes);
            render(status, &edit_page(layout, &data, f, version))
        }
    }
}
