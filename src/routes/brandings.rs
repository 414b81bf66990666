//! Branding profiles (`/brandings`, operators who edit): display name, logo, primary colour and
//! footer of the customer portals that use them. The logo arrives as a real file upload
//! (multipart) and is accepted by its content only; a profile in use, or the last one, cannot be
//! deleted. Every change is audited.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::branding::{self, BrandingFields, BrandingProfile};
use crate::db::write_transaction;
use crate::domain::FormState;
use crate::domain::{Description, HexColor, Logo, PartyName, MAX_LOGO_BYTES};
use crate::error::{AppError, AppResult};
use crate::routes::confirm::ConfirmDeletePage;
use crate::routes::multipart::{self, Upload};
use crate::routes::{render, see_other, Layout};
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
}

pub async fn list(
    state: web::Data<AppState>,
    editor: Editor,
    flashes: IncomingFlashMessages,
) -> AppResult<BrandingsPage> {
    let rows = with_conn(&state, |conn| {
        let mut rows = Vec::new();
        for b in branding::list(conn)? {
            rows.push(BrandingRow {
                has_logo: branding::has_logo(conn, b.id)?,
                customers: branding::customers_using(conn, b.id)?,
                id: b.id,
                name: b.name,
                display_name: b.display_name,
                color: b.primary_color,
                footer: b.footer_text,
            });
        }
        Ok(rows)
    })
    .await?;
    Ok(BrandingsPage {
        layout: Layout::for_operator(&editor.0, &flashes),
        rows,
    })
}

/// What the form posted, checked: the profile's fields and what to do with the logo.
struct ValidBranding {
    fields: BrandingFields,
    logo: Option<Logo>,
    remove_logo: bool,
}

fn parse(upload: Upload) -> Result<ValidBranding, FormState> {
    let get = |k: &str| upload.fields.get(k).unwrap_or("").to_string();
    let mut f = FormState::default();
    for k in ["name", "display_name", "primary_color", "footer_text"] {
        f.set(k, get(k));
    }
    let name = f.check("name", PartyName::parse(&get("name")));
    let display_name = f.check("display_name", PartyName::parse(&get("display_name")));
    let color = f.check("primary_color", HexColor::parse(&get("primary_color")));
    let footer = f.check("footer_text", Description::parse(&get("footer_text")));
    let logo = match upload.files.get("logo") {
        Some(bytes) => f.check("logo", Logo::parse(bytes.clone())),
        None => None,
    };
    let remove_logo = upload.fields.get("remove_logo").is_some();
    match (name, display_name, color, footer) {
        (Some(name), Some(display_name), Some(color), Some(footer)) if !f.has_errors() => {
            Ok(ValidBranding {
                fields: BrandingFields {
                    name: name.into_inner(),
                    display_name: display_name.into_inner(),
                    primary_color: color.as_str().to_string(),
                    footer_text: footer.into_inner(),
                },
                logo,
                remove_logo,
            })
        }
        _ => Err(f),
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
    }
}

fn edit_page(
    layout: Layout,
    b: &BrandingProfile,
    has_logo: bool,
    form: FormState,
    version: i32,
) -> BrandingFormPage {
    BrandingFormPage {
        layout,
        heading: format!("Edit branding profile {}", b.name),
        action: format!("/brandings/{}", b.id),
        submit_label: "Save profile",
        form,
        version: Some(version),
        logo_href: has_logo.then(|| format!("/brandings/{}/logo", b.id)),
    }
}

pub async fn new_form(editor: Editor, flashes: IncomingFlashMessages) -> BrandingFormPage {
    let mut f = FormState::default();
    f.set("primary_color", "#1f5fa8");
    new_page(Layout::for_operator(&editor.0, &flashes), f)
}

fn record(
    conn: &mut crate::db::DbConnection,
    actor: &str,
    action: &str,
    id: i64,
    before: Option<&BrandingProfile>,
    after: Option<&BrandingProfile>,
    reason: Option<&str>,
) -> AppResult<()> {
    audit::record(
        conn,
        Change {
            actor,
            action,
            object_type: "branding",
            object_id: id,
            before: before.and_then(audit::image),
            after: after.and_then(audit::image),
            reason,
        },
    )?;
    Ok(())
}

fn logo_reason(v: &ValidBranding) -> Option<&'static str> {
    if v.logo.is_some() {
        Some("logo uploaded")
    } else if v.remove_logo {
        Some("logo removed")
    } else {
        None
    }
}

pub async fn create(
    state: web::Data<AppState>,
    editor: Editor,
    session: Session,
    payload: Multipart,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let upload = multipart::read(payload, &session, MAX_LOGO_BYTES).await?;
    let valid = match parse(upload) {
        Ok(v) => v,
        Err(f) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_page(Layout::for_operator(&editor.0, &flashes), f),
            )
        }
    };
    let actor = editor.0.actor();
    let created = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            if branding::name_taken(conn, &valid.fields.name, None)? {
                return Ok(None);
            }
            let b = branding::insert(conn, &valid.fields)?;
            if let Some(logo) = &valid.logo {
                branding::set_logo(conn, b.id, logo.content_type(), logo.bytes())?;
            }
            record(
                conn,
                &actor,
                "create",
                b.id,
                None,
                Some(&b),
                logo_reason(&valid),
            )?;
            Ok::<_, AppError>(Some(b))
        })
    })
    .await?;
    match created {
        Some(b) => {
            FlashMessage::success(format!("Branding profile {} created.", b.name)).send();
            Ok(see_other("/brandings"))
        }
        None => {
            let mut f = FormState::default();
            f.error("name", "A profile with this name exists; choose another.");
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_page(Layout::for_operator(&editor.0, &flashes), f),
            )
        }
    }
}

async fn find(state: &web::Data<AppState>, id: i64) -> AppResult<(BrandingProfile, bool)> {
    with_conn(state, move |conn| {
        let b = branding::find(conn, id)?.ok_or(AppError::NotFound)?;
        let has_logo = branding::has_logo(conn, id)?;
        Ok((b, has_logo))
    })
    .await
}

pub async fn edit_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<BrandingFormPage> {
    let (b, has_logo) = find(&state, path.into_inner()).await?;
    let mut f = FormState::default();
    f.set("name", &b.name);
    f.set("display_name", &b.display_name);
    f.set("primary_color", &b.primary_color);
    f.set("footer_text", &b.footer_text);
    Ok(edit_page(
        Layout::for_operator(&editor.0, &flashes),
        &b,
        has_logo,
        f,
        b.version,
    ))
}

pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    session: Session,
    path: web::Path<i64>,
    payload: Multipart,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (b, has_logo) = find(&state, path.into_inner()).await?;
    let upload = multipart::read(payload, &session, MAX_LOGO_BYTES).await?;
    let version: i32 = upload
        .fields
        .get("version")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            AppError::BadRequest("The form is missing its version; reload the page.".into())
        })?;
    let layout = Layout::for_operator(&editor.0, &flashes);
    let valid = match parse(upload) {
        Ok(v) => v,
        Err(f) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_page(layout, &b, has_logo, f, version),
            )
        }
    };
    let actor = editor.0.actor();
    let before = b.clone();
    let mut typed = FormState::default();
    typed.set("name", &valid.fields.name);
    typed.set("display_name", &valid.fields.display_name);
    typed.set("primary_color", &valid.fields.primary_color);
    typed.set("footer_text", &valid.fields.footer_text);
    let outcome = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            if branding::name_taken(conn, &valid.fields.name, Some(before.id))? {
                return Ok(Err("name"));
            }
            let Some(after) = branding::update(conn, before.id, version, &valid.fields)? else {
                return Ok(Err("version"));
            };
            if let Some(logo) = &valid.logo {
                branding::set_logo(conn, after.id, logo.content_type(), logo.bytes())?;
            } else if valid.remove_logo {
                branding::remove_logo(conn, after.id)?;
            }
            record(
                conn,
                &actor,
                "update",
                after.id,
                Some(&before),
                Some(&after),
                logo_reason(&valid),
            )?;
            Ok::<_, AppError>(Ok(after))
        })
    })
    .await?;
    match outcome {
        Ok(after) => {
            FlashMessage::success(format!("Branding profile {} saved.", after.name)).send();
            Ok(see_other("/brandings"))
        }
        Err(which) => {
            let (status, message) = if which == "name" {
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "A profile with this name exists; choose another.",
                )
            } else {
                (
                    StatusCode::CONFLICT,
                    "Someone else saved this profile after you opened the form, so nothing was \
                     saved. Open it again to see their change.",
                )
            };
            typed.error("name", message);
            render(status, &edit_page(layout, &b, has_logo, typed, version))
        }
    }
}

pub async fn delete_confirm(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<ConfirmDeletePage> {
    let (b, _) = find(&state, path.into_inner()).await?;
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
    editor: Editor,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (b, _) = find(&state, path.into_inner()).await?;
    let actor = editor.0.actor();
    let name = b.name.clone();
    let refused = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let using = branding::customers_using(conn, b.id)?;
            if using > 0 {
                return Ok(Some(format!(
                    "Branding profile {} is used by {using} customer{} and cannot be deleted; \
                     give them another profile first.",
                    b.name,
                    if using == 1 { "" } else { "s" }
                )));
            }
            if branding::count(conn)? <= 1 {
                return Ok(Some(
                    "The last branding profile cannot be deleted: new customers need one.".into(),
                ));
            }
            branding::delete(conn, b.id)?;
            record(conn, &actor, "delete", b.id, Some(&b), None, None)?;
            Ok::<_, AppError>(None)
        })
    })
    .await?;
    match refused {
        Some(m) => FlashMessage::error(m).send(),
        None => FlashMessage::success(format!("Branding profile {name} was deleted.")).send(),
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
    let found = with_conn(&state, move |conn| Ok(branding::logo(conn, id)?)).await?;
    crate::routes::portal::brand::logo_response(found)
}
