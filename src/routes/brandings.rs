//! Branding profiles (`/brandings`, operators who edit): the list, the new and edit forms (with
//! the profile's own history), the delete confirmation and the logo preview. The logo arrives
//! as a real file upload (multipart); the rules and the audit live in `service::brandings`.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator, SharedEditor};
use crate::domain::FormState;
use crate::domain::MAX_LOGO_BYTES;
use crate::error::{AppError, AppResult};
use crate::routes::confirm::ConfirmDeletePage;
use crate::routes::history::HistoryView;
use crate::routes::multipart::{self, Upload};
use crate::routes::{render, see_other, Layout};
use crate::service::brandings::{self, BrandingDeleted, BrandingEdit, BrandingForm, BrandingSaved};
use crate::service::Refusal;
use crate::state::with_conn;
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/brandings", web::get().to(list))
        .route("/brandings", web::post().to(create))
        .route("/brandings/new", web::get().to(new_form))
        .route("/brandings/{id}/edit", web::get().to(edit_form))
        .route("/brandings/{id}", web::post().to(update))
        .route("/brandings/{id}/delete", web::get().to(delete_confirm))
        .route("/brandings/{id}/delete", web::post().to(delete))
        .route("/brandings/{id}/logo", web::get().to(logo));
}

pub struct BrandingRow {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub color: String,
    pub footer: String,
    pub has_logo: bool,
    pub customers: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "brandings/index.html")]
pub struct BrandingsPage {
    pub layout: Layout,
    pub rows: Vec<BrandingRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "brandings/form.html")]
pub struct BrandingFormPage {
    pub layout: Layout,
    pub heading: String,
    pub action: String,
    pub submit_label: &'static str,
    pub form: FormState,
    pub version: Option<i32>,
    /// Where the present logo can be seen (edit form of a profile with a logo).
    pub logo_href: Option<String>,
    /// The profile's own audit entries (edit form only).
    pub history: Option<Vec<HistoryView>>,
}

pub async fn list(
    state: web::Data<AppState>,
    editor: SharedEditor,
    flashes: IncomingFlashMessages,
) -> AppResult<BrandingsPage> {
    let summaries = with_conn(&state, brandings::list).await?;
    let rows = summaries
        .into_iter()
        .map(|s| BrandingRow {
            has_logo: s.has_logo,
            customers: s.customers,
            id: s.profile.id,
            name: s.profile.name,
            display_name: s.profile.display_name,
            color: s.profile.primary_color,
            footer: s.profile.footer_text,
        })
        .collect();
    Ok(BrandingsPage {
        layout: Layout::for_operator(&editor.0, &flashes),
        rows,
    })
}

/// The posted upload as the service reads it.
fn branding_form(mut upload: Upload) -> BrandingForm {
    let get = |k: &str| upload.fields.get(k).unwrap_or("").to_string();
    BrandingForm {
        name: get("name"),
        display_name: get("display_name"),
        primary_color: get("primary_color"),
        footer_text: get("footer_text"),
        remove_logo: upload.fields.get("remove_logo").is_some(),
        logo: upload.files.remove("logo"),
    }
}

fn new_page(layout: Layout, form: FormState) -> BrandingFormPage {
    BrandingFormPage {
        layout,
        heading: "New branding profile".into(),
        action: "/brandings".into(),
        submit_label: "Create profile",
        form,
        version: None,
        logo_href: None,
        history: None,
    }
}

fn edit_page(layout: Layout, d: &BrandingEdit, form: FormState, version: i32) -> BrandingFormPage {
    let b = &d.profile;
    let zone = layout.zone();
    BrandingFormPage {
        layout,
        heading: format!("Edit branding profile {}", b.name),
        action: format!("/brandings/{}", b.id),
        submit_label: "Save profile",
        form,
        version: Some(version),
        logo_href: d.has_logo.then(|| format!("/brandings/{}/logo", b.id)),
        history: Some(HistoryView::all(&d.history, "Branding profile", &zone)),
    }
}

pub async fn new_form(editor: SharedEditor, flashes: IncomingFlashMessages) -> BrandingFormPage {
    let mut f = FormState::default();
    f.set("primary_color", "#1f5fa8");
    new_page(Layout::for_operator(&editor.0, &flashes), f)
}

pub async fn create(
    state: web::Data<AppState>,
    editor: SharedEditor,
    session: Session,
    payload: Multipart,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let form = branding_form(multipart::read(payload, &session, MAX_LOGO_BYTES).await?);
    let actor = editor.0.actor();
    let outcome = with_conn(&state, move |conn| brandings::create(conn, &actor, form)).await?;
    match outcome {
        BrandingSaved::Saved(b) => {
            FlashMessage::success(format!("Branding profile {} created.", b.name)).send();
            Ok(see_other("/brandings"))
        }
        BrandingSaved::Refused(Refusal::Invalid(f) | Refusal::Stale(f)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_page(Layout::for_operator(&editor.0, &flashes), f),
        ),
    }
}

pub async fn edit_form(
    state: web::Data<AppState>,
    editor: SharedEditor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<BrandingFormPage> {
    let id = path.into_inner();
    let d = with_conn(&state, move |conn| brandings::edit_form(conn, id)).await?;
    let b = &d.profile;
    let mut f = FormState::default();
    f.set("name", &b.name);
    f.set("display_name", &b.display_name);
    f.set("primary_color", &b.primary_color);
    f.set("footer_text", &b.footer_text);
    let layout = Layout::for_operator(&editor.0, &flashes);
    Ok(edit_page(layout, &d, f, b.version))
}

pub async fn update(
    state: web::Data<AppState>,
    editor: SharedEditor,
    session: Session,
    path: web::Path<i64>,
    payload: Multipart,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let upload = multipart::read(payload, &session, MAX_LOGO_BYTES).await?;
    let version: i32 = upload
        .fields
        .get("version")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            AppError::BadRequest("The form is missing its version; reload the page.".into())
        })?;
    let form = branding_form(upload);
    let actor = editor.0.actor();
    let outcome = with_conn(&state, move |conn| {
        brandings::update(conn, &actor, id, version, form)
    })
    .await?;
    let (status, f) = match outcome {
        BrandingSaved::Saved(after) => {
            FlashMessage::success(format!("Branding profile {} saved.", after.name)).send();
            return Ok(see_other("/brandings"));
        }
        BrandingSaved::Refused(Refusal::Invalid(f)) => (StatusCode::UNPROCESSABLE_ENTITY, f),
        BrandingSaved::Refused(Refusal::Stale(f)) => (StatusCode::CONFLICT, f),
    };
    let d = with_conn(&state, move |conn| brandings::edit_form(conn, id)).await?;
    let layout = Layout::for_operator(&editor.0, &flashes);
    render(status, &edit_page(layout, &d, f, version))
}

pub async fn delete_confirm(
    state: web::Data<AppState>,
    editor: SharedEditor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<ConfirmDeletePage> {
    let id = path.into_inner();
    let (b, _) = with_conn(&state, move |conn| brandings::find(conn, id)).await?;
    Ok(ConfirmDeletePage {
        layout: Layout::for_operator(&editor.0, &flashes),
        title: format!("Delete branding profile {}?", b.name),
        message: format!(
            "The branding profile {} and its logo will be deleted.",
            b.name
        ),
        consequences: vec!["A profile that a customer uses cannot be deleted.".into()],
        action: format!("/brandings/{}/delete", b.id),
        button: "Delete",
        cancel_href: "/brandings".into(),
    })
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: SharedEditor,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let actor = editor.0.actor();
    let outcome = with_conn(&state, move |conn| brandings::delete(conn, &actor, id)).await?;
    match outcome {
        BrandingDeleted::Deleted { name } => {
            FlashMessage::success(format!("Branding profile {name} was deleted.")).send()
        }
        BrandingDeleted::InUse { name, customers } => FlashMessage::error(format!(
            "Branding profile {name} is used by {customers} customer{} and cannot be deleted; \
             give them another profile first.",
            if customers == 1 { "" } else { "s" }
        ))
        .send(),
        BrandingDeleted::LastOne => FlashMessage::error(
            "The last branding profile cannot be deleted: new customers need one.",
        )
        .send(),
    }
    Ok(see_other("/brandings"))
}

/// The logo for operators' previews.
pub async fn logo(
    state: web::Data<AppState>,
    _op: CurrentOperator,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let found = with_conn(&state, move |conn| brandings::logo(conn, id)).await?;
    crate::routes::portal::brand::logo_response(found)
}
