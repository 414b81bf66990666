//! The package list (`/packages`, operators who edit): the packages customers get quantities
//! of. A package some customer holds cannot be deleted. Audited (by `service::packages`).

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, SharedEditor};
use crate::domain::{FormState, PackageKind};
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::packages::{self as service, CreateOutcome, DeleteOutcome};
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
    pub kind: &'static str,
    pub description: String,
    pub customers: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "packages.html")]
pub struct PackagesPage {
    pub layout: Layout,
    pub rows: Vec<PackageRow>,
    pub form: FormState,
    /// Package or add-on.
    pub kinds: Vec<(String, String)>,
}

async fn render_page(
    state: &web::Data<AppState>,
    editor: &SharedEditor,
    form: FormState,
    flashes: &IncomingFlashMessages,
) -> AppResult<PackagesPage> {
    let rows = with_conn(state, service::list).await?;
    Ok(PackagesPage {
        layout: Layout::for_operator(&editor.0, flashes),
        rows: rows
            .into_iter()
            .map(|(p, customers)| PackageRow {
                customers,
                id: p.id,
                kind: p.kind.label(),
                name: p.name,
                description: p.description,
            })
            .collect(),
        form,
        kinds: PackageKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), k.label().to_string()))
            .collect(),
    })
}

pub async fn page(
    state: web::Data<AppState>,
    editor: SharedEditor,
    flashes: IncomingFlashMessages,
) -> AppResult<PackagesPage> {
    let mut form = FormState::default();
    form.set("kind", PackageKind::Package.code());
    render_page(&state, &editor, form, &flashes).await
}

pub async fn create(
    state: web::Data<AppState>,
    editor: SharedEditor,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let actor = editor.0.actor();
    let outcome = with_conn(&state, move |conn| {
        let name = form.0.get("name").unwrap_or("");
        let description = form.0.get("description").unwrap_or("");
        // Posts from before add-ons existed name no kind: a package.
        let kind = form.0.get("kind").unwrap_or("package");
        service::create(conn, &actor, name, description, kind)
    })
    .await?;
    match outcome {
        CreateOutcome::Created(_) => {
            FlashMessage::success("Package created.").send();
            Ok(see_other("/packages"))
        }
        CreateOutcome::Invalid(f) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &render_page(&state, &editor, f, &flashes).await?,
        ),
    }
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: SharedEditor,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (actor, id) = (editor.0.actor(), path.into_inner());
    let outcome = with_conn(&state, move |conn| service::delete(conn, &actor, id)).await?;
    match outcome {
        DeleteOutcome::Held { name, customers } => FlashMessage::error(format!(
            "Package {name} is held by {customers} customer{} and cannot be deleted.",
            if customers == 1 { "" } else { "s" }
        ))
        .send(),
        DeleteOutcome::Deleted => FlashMessage::success("Package deleted.").send(),
    }
    Ok(see_other("/packages"))
}
