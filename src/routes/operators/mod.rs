//! The operators page (`/operators`, admins only): provider staff accounts. Creating one,
//! changing its role or service provider, disabling it and resetting its password are audited;
//! every change but creation ends that operator's sessions, so a new role or a disabled account
//! takes effect at once. The last enabled admin cannot be disabled or demoted.

pub mod manage;

use crate::auth::{Admin, CsrfField, CsrfForm};
use crate::db::models::audit::{self, Change};
use crate::db::models::operator::{self, NewOperator, OperatorRow};
use crate::db::models::reference::{self, ServiceProvider};
use crate::db::{write_transaction, DbConnection};
use crate::domain::FormState;
use crate::domain::{OperatorPassword, OperatorUsername, Role};
use crate::error::{AppError, AppResult};
use crate::format::format_date;
use crate::routes::{render, see_other, Layout};
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
        .route("/operators/{id}/enable", web::post().to(manage::enable))
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

fn view(o: &OperatorRow, providers: &[ServiceProvider]) -> OperatorView {
    OperatorView {
        id: o.id,
        username: o.username.clone(),
        role: Role::parse(&o.role)
            .map(|r| r.label().to_string())
            .unwrap_or_else(|_| o.role.clone()),
        service_provider: match o.service_provider_id {
            Some(id) => providers
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            None => "All".into(),
        },
        disabled: o.disabled,
        created: format_date(o.created_at),
    }
}

struct Loaded {
    operators: Vec<OperatorRow>,
    providers: Vec<ServiceProvider>,
}

fn load(conn: &mut DbConnection) -> AppResult<Loaded> {
    Ok(Loaded {
        operators: operator::list(conn)?,
        providers: reference::service_providers(conn)?,
    })
}

async fn render_page(
    state: &web::Data<AppState>,
    admin: &Admin,
    form: FormState,
    flashes: &IncomingFlashMessages,
) -> AppResult<OperatorsPage> {
    let loaded = with_conn(state, load).await?;
    Ok(OperatorsPage {
        layout: Layout::for_operator(&admin.0, flashes),
        operators: loaded
            .operators
            .iter()
            .map(|o| view(o, &loaded.providers))
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

/// A service provider from the form: empty means "all", anything else must be on file.
pub fn parse_provider(input: &str, providers: &[ServiceProvider]) -> Result<Option<i64>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    providers
        .iter()
        .find(|p| p.id.to_string() == t)
        .map(|p| Some(p.id))
        .ok_or_else(|| "Choose a service provider from the list.".to_string())
}

pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<NewOperatorForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let providers = with_conn(&state, |conn| Ok(reference::service_providers(conn)?)).await?;
    let mut f = FormState::default();
    f.set("username", &form.username);
    f.set("role", &form.role);
    f.set("service_provider_id", &form.service_provider_id);
    let username = f.check("username", OperatorUsername::parse(&form.username));
    let password = f.check("password", OperatorPassword::parse(&form.password));
    if password.is_some() && form.password != form.password_confirm {
        f.error("password_confirm", "The two passwords differ.");
    }
    let role = f.check("role", Role::parse(&form.role));
    let sp = f.check(
        "service_provider_id",
        parse_provider(&form.service_provider_id, &providers),
    );
    let (Some(username), Some(password), Some(role), Some(sp)) = (username, password, role, sp)
    else {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &render_page(&state, &admin, f, &flashes).await?,
        );
    };
    if f.has_errors() {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &render_page(&state, &admin, f, &flashes).await?,
        );
    }
    let hash = web::block(move || crate::auth::password::hash(password.expose())).await??;
    let actor = admin.0.actor();
    let name = username.as_str().to_string();
    let created = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            if operator::find_by_username(conn, &name)?.is_some() {
                return Ok(None);
            }
            let now = crate::db::now();
            let o = operator::insert(
                conn,
                &NewOperator {
                    username: name.clone(),
                    password_hash: hash,
                    role: role.code().into(),
                    service_provider_id: sp,
                    disabled: false,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "create",
                    object_type: "operator",
                    object_id: o.id,
                    before: None,
                    after: audit::image(&o),
                    reason: None,
                },
            )?;
            Ok::<_, AppError>(Some(o))
        })
    })
    .await?;
    match created {
        Some(o) => {
            FlashMessage::success(format!("Operator {} created.", o.username)).send();
            Ok(see_other("/operators"))
        }
        None => {
            f.error("username", "This username is taken; choose another.");
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &render_page(&state, &admin, f, &flashes).await?,
            )
        }
    }
}
