//! `/admin/reference/{kind}`: the reference lists of subscribers and wallets (service providers,
//! product types, currencies, languages, closed user groups, charging domains). An admin lists,
//! adds, and deletes what nothing uses; the rules are `service::reference`'s.

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::db::models::ref_data::{RefEntry, RefKind};
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
use crate::service::reference::{self as service, RefCreated, RefDeleted, RefForm};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub struct KindLink {
    pub slug: &'static str,
    pub title: &'static str,
}

fn kinds() -> Vec<KindLink> {
    RefKind::ALL
        .iter()
        .map(|k| KindLink {
            slug: k.slug(),
            title: k.title(),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/reference.html")]
pub struct ReferencePage {
    pub layout: Layout,
    pub kinds: Vec<KindLink>,
    pub slug: &'static str,
    pub title: &'static str,
    pub is_currency: bool,
    pub rows: Vec<(RefEntry, i64)>,
    pub form: FormState,
    pub problem: String,
}

pub async fn index() -> HttpResponse {
    see_other(&format!("/admin/reference/{}", RefKind::ALL[0].slug()))
}

fn kind_of(slug: &str) -> AppResult<RefKind> {
    RefKind::from_slug(slug).ok_or(AppError::NotFound)
}

async fn page(
    state: &web::Data<AppState>,
    layout: Layout,
    kind: RefKind,
    form: FormState,
    problem: String,
) -> AppResult<ReferencePage> {
    let rows = with_conn(state, move |conn| service::list_with_usage(conn, kind)).await?;
    Ok(ReferencePage {
        layout,
        kinds: kinds(),
        slug: kind.slug(),
        title: kind.title(),
        is_currency: kind == RefKind::Currencies,
        rows,
        form,
        problem,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<String>,
    flashes: IncomingFlashMessages,
) -> AppResult<ReferencePage> {
    let kind = kind_of(&path.into_inner())?;
    let mut f = FormState::default();
    f.set("decimals", "2");
    page(
        &state,
        Layout::for_operator(&admin.0, &flashes),
        kind,
        f,
        String::new(),
    )
    .await
}

pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<String>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let kind = kind_of(&path.into_inner())?;
    let get = |n: &str| form.0.get(n).unwrap_or("").to_string();
    let posted = RefForm {
        name: get("name"),
        code: get("code"),
        decimals: get("decimals"),
    };
    let actor = admin.0.actor();
    let outcome = with_conn(&state, move |conn| {
        service::create(conn, &actor, kind, &posted)
    })
    .await?;
    match outcome {
        RefCreated::Created(_) => {
            FlashMessage::success(format!("{} entry added.", kind.title())).send();
            Ok(see_other(&format!("/admin/reference/{}", kind.slug())))
        }
        RefCreated::Invalid(f) => {
            let layout = Layout::for_operator(&admin.0, &flashes);
            let p = page(&state, layout, kind, f, String::new()).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}

pub async fn delete(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<(String, i64)>,
    _form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (slug, id) = path.into_inner();
    let kind = kind_of(&slug)?;
    let actor = admin.0.actor();
    let outcome = with_conn(&state, move |conn| service::delete(conn, &actor, kind, id)).await?;
    match outcome {
        RefDeleted::Deleted(name) => {
            FlashMessage::success(format!("“{name}” was deleted.")).send();
            Ok(see_other(&format!("/admin/reference/{}", kind.slug())))
        }
        RefDeleted::InUse { name, used } => {
            let p = page(
                &state,
                Layout::for_operator(&admin.0, &flashes),
                kind,
                FormState::default(),
                format!("“{name}” is still in use ({used} record(s) refer to it), so it was not deleted."),
            )
            .await?;
            render(StatusCode::CONFLICT, &p)
        }
    }
}
