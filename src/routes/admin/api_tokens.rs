//! `/admin/api-tokens` (admins): the charging API's tokens — list with last use, the add form
//! (the new token is shown once, in an element with `data-token`), and revoking.

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::domain::FormState;
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::charging::tokens::{self as service, Created, TokenForm};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub provider: String,
    pub created: String,
    pub created_by: String,
    pub last_used: String,
    pub revoked: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/api_tokens.html")]
pub struct ApiTokensPage {
    pub layout: Layout,
    pub rows: Vec<TokenRow>,
    pub providers: Vec<(String, String)>,
    pub form: FormState,
    /// The token just made, shown this once.
    pub new_token: String,
    pub new_name: String,
}

async fn page(
    state: &web::Data<AppState>,
    admin: &Admin,
    flashes: &IncomingFlashMessages,
    form: FormState,
    new: Option<(String, String)>,
) -> AppResult<ApiTokensPage> {
    let list = with_conn(state, service::list).await?;
    let zone = &admin.0.zone;
    let rows = list
        .tokens
        .iter()
        .map(|(t, provider)| TokenRow {
            id: t.id,
            name: t.name.clone(),
            provider: provider.clone(),
            created: zone.time(t.created_at),
            created_by: t.created_by.clone(),
            last_used: t.last_used_at.map(|at| zone.time(at)).unwrap_or_default(),
            revoked: t.revoked_at.map(|at| zone.time(at)).unwrap_or_default(),
        })
        .collect();
    let (new_name, new_token) = new.unwrap_or_default();
    Ok(ApiTokensPage {
        layout: Layout::for_operator(&admin.0, flashes),
        rows,
        providers: list
            .providers
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
        form,
        new_token,
        new_name,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<ApiTokensPage> {
    page(&state, &admin, &flashes, FormState::default(), None).await
}

pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let posted = TokenForm {
        name: form.0.get("name").unwrap_or("").to_string(),
        service_provider_id: form.0.get("service_provider_id").unwrap_or("").to_string(),
    };
    let actor = admin.0.actor();
    match with_conn(&state, move |conn| service::create(conn, &actor, &posted)).await? {
        Created::Created(row, token) => {
            let new = Some((row.name, token.reveal().to_string()));
            let p = page(&state, &admin, &flashes, FormState::default(), new).await?;
            render(StatusCode::OK, &p)
        }
        Created::Invalid(f) => {
            let p = page(&state, &admin, &flashes, f, None).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}

pub async fn revoke(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (actor, id) = (admin.0.actor(), path.into_inner());
    let t = with_conn(&state, move |conn| service::revoke(conn, &actor, id)).await?;
    FlashMessage::success(format!("API token “{}” was revoked.", t.name)).send();
    Ok(see_other("/admin/api-tokens"))
}
