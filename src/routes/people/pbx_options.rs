//! The PBX admin lists (`/admin/pbx-options`, admins): platforms (platform groups), key
//! templates and hotdesk devices that the customer form's Hosted PBX fieldset offers.

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::domain::{FormState, PbxOptionKind};
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::pbx_settings as service;
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/pbx-options", web::get().to(page))
        .route("/admin/pbx-options", web::post().to(add));
}

pub struct OptionRow {
    pub id: i64,
    pub kind: &'static str,
    pub name: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/pbx_options.html")]
pub struct PbxOptionsPage {
    pub layout: Layout,
    pub rows: Vec<OptionRow>,
    pub kinds: Vec<(String, String)>,
    pub form: FormState,
}

async fn show(
    state: &web::Data<AppState>,
    admin: &Admin,
    status: StatusCode,
    form: FormState,
    flashes: &IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let all = with_conn(state, service::all_options).await?;
    let page = PbxOptionsPage {
        layout: Layout::for_operator(&admin.0, flashes),
        rows: all
            .into_iter()
            .map(|o| OptionRow {
                id: o.id,
                kind: o.kind.label(),
                name: o.name,
            })
            .collect(),
        kinds: PbxOptionKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), k.label().to_string()))
            .collect(),
        form,
    };
    render(status, &page)
}

pub async fn page(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    show(
        &state,
        &admin,
        StatusCode::OK,
        FormState::default(),
        &flashes,
    )
    .await
}

pub async fn add(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let actor = admin.0.actor();
    let fields = form.0;
    let outcome = with_conn(&state, move |conn| {
        service::add_option(
            conn,
            &actor,
            fields.get("kind").unwrap_or(""),
            fields.get("name").unwrap_or(""),
        )
    })
    .await?;
    match outcome {
        Ok(()) => {
            FlashMessage::success("Entry added.").send();
            Ok(see_other("/admin/pbx-options"))
        }
        Err(f) => {
            show(
                &state,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                &flashes,
            )
            .await
        }
    }
}
