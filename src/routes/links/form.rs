//! Access link create (`/sites/{id}/links/new`, POST `/sites/{id}/links`) and edit
//! (`/links/{id}/edit`, POST `/links/{id}`).

use crate::auth::access::ensure_link_visible;
use crate::auth::access::ensure_site_visible;
use crate::auth::{CsrfField, CsrfForm, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::link::{self, AccessLinkUpdate, NewAccessLink};
use crate::db::write_transaction;
use crate::domain::FormState;
use crate::domain::{parse_int_in, Description, IpNet, LinkStatus, LinkType, ObjectName};
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

/// Highest bandwidth accepted: 1 Tbit/s in kbit/s.
const MAX_KBPS: i64 = 1_000_000_000;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub csrf_token: String,
    pub name: String,
    pub description: String,
    pub link_type: String,
    pub bandwidth_down_kbps: String,
    pub bandwidth_up_kbps: String,
    pub ip_address: String,
    pub circuit_id: String,
    pub status: String,
    pub version: String,
}

impl CsrfField for LinkForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

struct ValidLink {
    name: String,
    description: String,
    link_type: LinkType,
    down: i64,
    up: i64,
    ip: String,
    circuit_id: String,
    status: LinkStatus,
}

fn parse_circuit(input: &str) -> Result<String, String> {
    let t = input.trim();
    if t.chars().count() > 50 {
        return Err("A circuit id can be at most 50 characters.".into());
    }
    if t.chars().any(char::is_control) {
        return Err("The circuit id contains characters that are not allowed.".into());
    }
    Ok(t.to_string())
}

impl LinkForm {
    fn state(&self) -> FormState {
        let mut f = FormState::default();
        for (k, v) in [
            ("name", &self.name),
            ("description", &self.description),
            ("link_type", &self.link_type),
            ("bandwidth_down_kbps", &self.bandwidth_down_kbps),
            ("bandwidth_up_kbps", &self.bandwidth_up_kbps),
            ("ip_address", &self.ip_address),
            ("circuit_id", &self.circuit_id),
            ("status", &self.status),
        ] {
            f.set(k, v.as_str());
        }
        f
    }

    fn parse(&self) -> Result<ValidLink, FormState> {
        let mut f = self.state();
        let name = f.check("name", ObjectName::parse(&self.name));
        let description = f.check("description", Description::parse(&self.description));
        let link_type = f.check("link_type", LinkType::parse(&self.link_type));
        let down = f.check(
            "bandwidth_down_kbps",
            parse_int_in(&self.bandwidth_down_kbps, 0, MAX_KBPS),
        );
        let up = f.check(
            "bandwidth_up_kbps",
            parse_int_in(&self.bandwidth_up_kbps, 0, MAX_KBPS),
        );
        let ip = f.check("ip_address", IpNet::parse(&self.ip_address));
        let circuit_id = f.check("circuit_id", parse_circuit(&self.circuit_id));
        let status = f.check("status", LinkStatus::parse(&self.status));
        match (
            name,
            description,
            link_type,
            down,
            up,
            ip,
            circuit_id,
            status,
        ) {
            (
                Some(name),
                Some(description),
                Some(link_type),
                Some(down),
                Some(up),
                Some(ip),
                Some(circuit_id),
                Some(status),
            ) => Ok(ValidLink {
                name: name.into_inner(),
                description: description.into_inner(),
                link_type,
                down,
                up,
                ip: ip.as_str().to_string(),
                circuit_id,
                status,
            }),
            _ => Err(f),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "links/form.html")]
pub struct LinkFormPage {
    pub layout: Layout,
    pub heading: String,
    pub action: String,
    pub cancel_href: String,
    pub submit_label: &'static str,
    pub form: FormState,
    pub version: Option<i32>,
    pub link_types: Vec<(String, String)>,
    pub statuses: Vec<(String, String)>,
}

fn page(
    layout: Layout,
    heading: String,
    action: String,
    cancel_href: String,
    submit_label: &'static str,
    form: FormState,
    version: Option<i32>,
) -> LinkFormPage {
    LinkFormPage {
        layout,
        heading,
        action,
        cancel_href,
        submit_label,
        form,
        version,
        link_types: LinkType::ALL
            .iter()
            .map(|t| (t.code().to_string(), t.label().to_string()))
            .collect(),
        statuses: LinkStatus::ALL
            .iter()
            .map(|t| (t.code().to_string(), t.label().to_string()))
            .collect(),
    }
}

pub async fn new_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<LinkFormPage> {
    let (s, c) = ensure_site_visible(&state, &editor.0, path.into_inner()).await?;
    crate::auth::access::refuse_if_demo(&c)?;
    let mut form = FormState::default();
    form.set("status", LinkStatus::Active.code());
    form.set("link_type", LinkType::Fiber.code());
    Ok(page(
        Layout::for_operator(&editor.0, &flashes),
        format!("Add an access link to {} ({})", s.name, c.company),
        format!("/sites/{}/links", s.id),
        format!("/customers?customer={}&site={}", c.id, s.id),
        "Create access link",
        form,
        None,
    ))
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<LinkForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (s, c) = ensure_site_visible(&state, &editor.0, path.into_inner()).await?;
    crate::auth::access::refuse_if_demo(&c)?;
    let valid = match form.0.parse() {
        Ok(v) => v,
        Err(f) => {
            let p = page(
                Layout::for_operator(&editor.0, &flashes),
                format!("Add an access link to {} ({})", s.name, c.company),
                format!("/sites/{}/links", s.id),
                format!("/customers?customer={}&site={}", c.id, s.id),
                "Create access link",
                f,
                None,
            );
            return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let actor = editor.0.actor();
    let site_id = s.id;
    let created = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let now = crate::db::now();
            let l = link::insert(
                conn,
                &NewAccessLink {
                    site_id,
                    name: valid.name,
                    description: valid.description,
                    link_type: valid.link_type.code().into(),
                    bandwidth_down_kbps: valid.down,
                    bandwidth_up_kbps: valid.up,
                    ip_address: valid.ip,
                    circuit_id: valid.circuit_id,
                    status: valid.status.code().into(),
                    created_at: now,
                    updated_at: now,
                },
            )?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "create",
                    object_type: "access_link",
                    object_id: l.id,
                    before: None,
                    after: audit::image(&l),
                    reason: None,
                },
            )?;
            Ok::<_, AppError>(l)
        })
    })
    .await?;
    FlashMessage::success(format!("Access link “{}” created.", created.name)).send();
    Ok(see_other(&format!(
        "/customers?customer={}&site={}&link={}",
        c.id, s.id, created.id
    )))
}

fn form_of(l: &link::AccessLink) -> LinkForm {
    LinkForm {
        name: l.name.clone(),
        description: l.description.clone(),
        link_type: l.link_type.clone(),
        bandwidth_down_kbps: l.bandwidth_down_kbps.to_string(),
        bandwidth_up_kbps: l.bandwidth_up_kbps.to_string(),
        ip_address: l.ip_address.clone(),
        circuit_id: l.circuit_id.clone(),
        status: l.status.clone(),
        ..Default::default()
    }
}

pub async fn edit_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<LinkFormPage> {
    let (l, s, c) = ensure_link_visible(&state, &editor.0, path.into_inner()).await?;
    crate::auth::access::refuse_if_demo(&c)?;
    Ok(page(
        Layout::for_operator(&editor.0, &flashes),
        format!("Edit access link {} of {} ({})", l.name, s.name, c.company),
        format!("/links/{}", l.id),
        format!("/customers?customer={}&site={}&link={}", c.id, s.id, l.id),
        "Save access link",
        form_of(&l).state(),
        Some(l.version),
    ))
}

pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<LinkForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (l, s, c) = ensure_link_visible(&state, &editor.0, path.into_inner()).await?;
    crate::auth::access::refuse_if_demo(&c)?;
    let form = form.0;
    let version: i32 = form.version.trim().parse().map_err(|_| {
        AppError::BadRequest("The form is missing its version; reload the page.".into())
    })?;
    let err_page = |f: FormState| {
        page(
            Layout::for_operator(&editor.0, &flashes),
            format!("Edit access link {} of {} ({})", l.name, s.name, c.company),
            format!("/links/{}", l.id),
            format!("/customers?customer={}&site={}&link={}", c.id, s.id, l.id),
            "Save access link",
            f,
            Some(version),
        )
    };
    let valid = match form.parse() {
        Ok(v) => v,
        Err(f) => return render(StatusCode::UNPROCESSABLE_ENTITY, &err_page(f)),
    };
    let actor = editor.0.actor();
    let before = l.clone();
    let updated = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let changes = AccessLinkUpdate {
                name: valid.name,
                description: valid.description,
                link_type: valid.link_type.code().into(),
                bandwidth_down_kbps: valid.down,
                bandwidth_up_kbps: valid.up,
                ip_address: valid.ip,
                circuit_id: valid.circuit_id,
                status: valid.status.code().into(),
                updated_at: crate::db::now(),
            };
            let Some(after) = link::update(conn, before.id, version, &changes)? else {
                return Ok(None);
            };
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "update",
                    object_type: "access_link",
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
            FlashMessage::success(format!("Access link “{}” saved.", after.name)).send();
            Ok(see_other(&format!(
                "/customers?customer={}&site={}&link={}",
                c.id, s.id, after.id
            )))
        }
        None => {
            let mut f = form.state();
            f.error(
                "name",
                "Someone else changed this access link after you opened the form, so nothing was saved. \
                 Open the form again to see their change.",
            );
            render(StatusCode::CONFLICT, &err_page(f))
        }
    }
}
