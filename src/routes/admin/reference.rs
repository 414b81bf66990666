//! `/admin/reference/{kind}`: the reference lists of subscribers and wallets (service providers,
//! product types, currencies, languages, closed user groups, charging domains). An admin lists,
//! adds, and deletes what nothing uses.

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::db::models::audit::{self, Change};
use crate::db::models::ref_data::{self, RefEntry, RefKind};
use crate::db::write_transaction;
use crate::domain::parse_int_in;
use crate::domain::subscriber::{CurrencyCode, RefName};
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
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
    let rows = with_conn(state, move |conn| {
        let mut out = Vec::new();
        for e in ref_data::list(conn, kind)? {
            let used = ref_data::usage(conn, kind, e.id)?;
            out.push((e, used));
        }
        Ok(out)
    })
    .await?;
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
    let fields = form.0;
    let get = |n: &str| fields.get(n).unwrap_or("").to_string();
    let mut f = FormState::default();
    for n in ["name", "code", "decimals"] {
        f.set(n, get(n));
    }
    let name = f.check("name", RefName::parse(&get("name")));
    let (code, decimals) = if kind == RefKind::Currencies {
        (
            f.check("code", CurrencyCode::parse(&get("code"))).map(Some),
            f.check(
                "decimals",
                parse_int_in(&get("decimals"), 0, 3)
                    .map_err(|_| "Decimals run from 0 to 3.".to_string()),
            ),
        )
    } else {
        (Some(None), Some(0))
    };
    let layout = Layout::for_operator(&admin.0, &flashes);
    let (Some(name), Some(code), Some(decimals)) = (name, code, decimals) else {
        let p = page(&state, layout, kind, f, String::new()).await?;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    };
    let actor = admin.0.actor();
    let key = code
        .as_ref()
        .map(|c| c.as_str().to_string())
        .unwrap_or_else(|| name.as_str().to_string());
    let created = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            if ref_data::name_taken(conn, kind, &key)? {
                return Ok(None);
            }
            let id = match &code {
                Some(c) => {
                    ref_data::create_currency(conn, c.as_str(), name.as_str(), decimals as i32)?
                }
                None => ref_data::create_named(conn, kind, name.as_str())?,
            };
            let after = ref_data::find(conn, kind, id)?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "create",
                    object_type: kind.audit_type(),
                    object_id: id,
                    before: None,
                    after: after.as_ref().and_then(audit::image),
                    reason: None,
                },
            )?;
            Ok::<_, AppError>(Some(id))
        })
    })
    .await?;
    match created {
        Some(_) => {
            FlashMessage::success(format!("{} entry added.", kind.title())).send();
            Ok(see_other(&format!("/admin/reference/{}", kind.slug())))
        }
        None => {
            let field = if kind == RefKind::Currencies {
                "code"
            } else {
                "name"
            };
            f.error(field, "This one is in the list already.");
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
    let outcome = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let Some(entry) = ref_data::find(conn, kind, id)? else {
                return Err(AppError::NotFound);
            };
            let used = ref_data::usage(conn, kind, id)?;
            if used > 0 {
                return Ok(Err((entry.name, used)));
            }
            ref_data::delete(conn, kind, id)?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "delete",
                    object_type: kind.audit_type(),
                    object_id: id,
                    before: audit::image(&entry),
                    after: None,
                    reason: None,
                },
            )?;
            Ok(Ok(entry.name))
        })
    })
    .await?;
    match outcome {
        Ok(name) => {
            FlashMessage::success(format!("“{name}” was deleted.")).send();
            Ok(see_other(&format!("/admin/reference/{}", kind.slug())))
        }
        Err((name, used)) => {
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
