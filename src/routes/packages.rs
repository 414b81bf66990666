//! The package list (`/packages`, operators who edit): the packages customers get quantities
//! of. A package some customer holds cannot be deleted. Audited.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::packages;
use crate::db::write_transaction;
use crate::domain::FormState;
use crate::domain::{Description, ObjectName};
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/packages", web::get().to(page))
        .route("/packages", web::post().to(create))
        .route("/packages/{id}/delete", web::post().to(delete));
}

pub struct PackageRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub customers: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "packages.html")]
pub struct PackagesPage {
    pub layout: Layout,
    pub rows: Vec<PackageRow>,
    pub form: FormState,
}

async fn render_page(
    state: &web::Data<AppState>,
    editor: &Editor,
    form: FormState,
    flashes: &IncomingFlashMessages,
) -> AppResult<PackagesPage> {
    let rows = with_conn(state, |conn| {
        let mut rows = Vec::new();
        for p in packages::list(conn)? {
            rows.push(PackageRow {
                customers: packages::customers_holding(conn, p.id)?,
                id: p.id,
                name: p.name,
                description: p.description,
            });
        }
        Ok(rows)
    })
    .await?;
    Ok(PackagesPage {
        layout: Layout::for_operator(&editor.0, flashes),
        rows,
        form,
    })
}

pub async fn page(
    state: web::Data<AppState>,
    editor: Editor,
    flashes: IncomingFlashMessages,
) -> AppResult<PackagesPage> {
    render_page(&state, &editor, FormState::default(), &flashes).await
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let mut f = FormState::default();
    let (name, description) = (
        form.0.get("name").unwrap_or(""),
        form.0.get("description").unwrap_or(""),
    );
    f.set("name", name);
    f.set("description", description);
    let name = f.check("name", ObjectName::parse(name));
    let description = f.check("description", Description::parse(description));
    let (Some(name), Some(description)) = (name, description) else {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &render_page(&state, &editor, f, &flashes).await?,
        );
    };
    let actor = editor.0.actor();
    let created = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            if packages::name_taken(conn, name.as_str())? {
                return Ok(false);
            }
            let p = packages::insert(conn, name.as_str(), description.as_str())?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "create",
                    object_type: "package",
                    object_id: p.id,
                    before: None,
                    after: audit::image(&p),
                    reason: None,
                },
            )?;
            Ok::<_, AppError>(true)
        })
    })
    .await?;
    if !created {
        f.error("name", "A package with this name exists.");
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &render_page(&state, &editor, f, &flashes).await?,
        );
    }
    FlashMessage::success("Package created.").send();
    Ok(see_other("/packages"))
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let actor = editor.0.actor();
    let refused = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let p = packages::find(conn, id)?.ok_or(AppError::NotFound)?;
            let holding = packages::customers_holding(conn, id)?;
            if holding > 0 {
                return Ok(Some(format!(
                    "Package {} is held by {holding} customer{} and cannot be deleted.",
                    p.name,
                    if holding == 1 { "" } else { "s" }
                )));
            }
            packages::delete(conn, id)?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "delete",
                    object_type: "package",
                    object_id: id,
                    before: audit::image(&p),
                    after: None,
                    reason: None,
                },
            )?;
            Ok::<_, AppError>(None)
        })
    })
    .await?;
    match refused {
        Some(m) => FlashMessage::error(m).send(),
        None => FlashMessage::success("Package deleted.").send(),
    }
    Ok(see_other("/packages"))
}
