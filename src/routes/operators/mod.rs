//! The operators page (`/operators`, admins only): the list of provider staff accounts and the
//! form that creates one. The rules, the audit and the session ending live in
//! `service::operators`; `manage` is one operator's page.

pub mod limits;
pub mod manage;

use crate::auth::{Admin, CsrfField, CsrfForm};
use crate::db::models::operator::OperatorRow;
use crate::db::models::reference::ServiceProvider;
use crate::domain::FormState;
use crate::domain::Role;
use crate::domain::Zone;
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::operators::{self, NewOperatorInput, OperatorCreated};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/operators", web::get().to(page))
        .route("/operators", web::post().to(create))
        .route("/operators/{id}", web::get().to(manage::page))
        .route("/operators/{id}", web::post().to(manage::set_role))
        .route("/operators/{id}/disable", web::post().to(manage::disable))
        .route("/operators/{id}/limits", web::get().to(limits::page))
        .route("/operators/{id}/limits", web::post().to(limits::save))
        .route("/operators/{id}/enable", web::post().to(manage::enable))
        .route(
            "/operators/{id}/edr-masking",
            web::post().to(manage::set_edr_masking),
        )
        .route(
            "/operators/{id}/time-zone",
            web::post().to(manage::set_time_zone),
        )
        .route(
            "/operators/{id}/password",
            web::post().to(manage::reset_password),
        );
}

pub struct OperatorView {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub service_provider: String,
    pub disabled: bool,
    pub created: String,
    pub edr_no_masking: bool,
}

/// The role and service provider choices of the forms.
pub struct RoleChoices {
    pub roles: Vec<(String, String)>,
    pub providers: Vec<(String, String)>,
}

impl RoleChoices {
    fn of(providers: &[ServiceProvider]) -> RoleChoices {
        RoleChoices {
            roles: Role::ALL
                .iter()
                .map(|r| (r.code().to_string(), r.label().to_string()))
                .collect(),
            providers: providers
                .iter()
                .map(|p| (p.id.to_string(), p.name.clone()))
                .collect(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "operators/index.html")]
pub struct OperatorsPage {
    pub layout: Layout,
    pub operators: Vec<OperatorView>,
    pub form: FormState,
    pub choices: RoleChoices,
}

fn view(o: &OperatorRow, providers: &[ServiceProvider], zone: &Zone) -> OperatorView {
    OperatorView {
        id: o.id,
        username: o.username.clone(),
        role: o.role.label().to_string(),
        service_provider: match o.service_provider_id {
            Some(id) => providers
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            None => "All".into(),
        },
        disabled: o.disabled,
        created: zone.date(o.created_at),
        edr_no_masking: o.edr_no_masking,
    }
}

async fn render_page(
    state: &web::Data<AppState>,
    admin: &Admin,
    form: FormState,
    flashes: &IncomingFlashMessages,
) -> AppResult<OperatorsPage> {
    let loaded = with_conn(state, operators::list).await?;
    Ok(OperatorsPage {
        layout: Layout::for_operator(&admin.0, flashes),
        operators: loaded
            .operators
            .iter()
            .map(|o| view(o, &loaded.providers, &admin.0.zone))
            .collect(),
        form,
        choices: RoleChoices::of(&loaded.providers),
    })
}

pub async fn page(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<OperatorsPage> {
    let mut f = FormState::default();
    f.set("role", Role::Operator.code());
    render_page(&state, &admin, f, &flashes).await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NewOperatorForm {
    csrf_token: String,
    username: String,
    password: String,
    password_confirm: String,
    role: String,
    service_provider_id: String,
}

impl CsrfField for NewOperatorForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<NewOperatorForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let input = NewOperatorInput {
        username: form.username,
        password: form.password,
        password_confirm: form.password_confirm,
        role: form.role,
        service_provider_id: form.service_provider_id,
    };
    let actor = admin.0.actor();
    let outcome = with_conn(&state, move |conn| operators::create(conn, &actor, &input)).await?;
    match outcome {
        OperatorCreated::Created(o) => {
            FlashMessage::success(format!("Operator {} created.", o.username)).send();
            Ok(see_other("/operators"))
        }
        OperatorCreated::Invalid(f) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &render_page(&state, &admin, f, &flashes).await?,
        ),
    }
}
