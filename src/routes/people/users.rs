//! A customer's users: `/customers/{id}/users` for operators and `/c/{webid}/users` in the
//! portal. Add (`name, email, extension, sip_username, package_id`, repeated `addon_id` → 303,
//! or 422 with the messages: package quantity reached, SIP username taken, extension length),
//! give or take an add-on, delete. What each package and add-on uses of the customer's
//! quantities is shown above the list.

use super::{Frame, Side};
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator, Editor, PortalEditor, PortalUser};
use crate::domain::{FormState, PackageKind};
use crate::error::AppResult;
use crate::routes::portal::PortalLayout;
use crate::routes::{see_other, Layout};
use crate::service::customer_users::users::{self as service, Created, Toggled, UserInput};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/{id}/users", web::get().to(op_page))
        .route("/customers/{id}/users", web::post().to(op_create))
        .route(
            "/customers/{id}/users/{user}/delete",
            web::post().to(op_delete),
        )
        .route(
            "/customers/{id}/users/{user}/addons",
            web::post().to(op_addon),
        )
        .route("/c/{webid}/users", web::get().to(portal_page))
        .route("/c/{webid}/users", web::post().to(portal_create))
        .route(
            "/c/{webid}/users/{user}/delete",
            web::post().to(portal_delete),
        )
        .route(
            "/c/{webid}/users/{user}/addons",
            web::post().to(portal_addon),
        );
}

pub struct AddonCell {
    pub id: i64,
    pub name: String,
    pub has: bool,
}

pub struct AddonOption {
    pub id: String,
    pub name: String,
    pub ticked: bool,
}

pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub extension: String,
    pub sip_username: String,
    pub package: String,
    pub addons: Vec<AddonCell>,
}

pub struct HeldRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub quantity: i64,
    pub used: i64,
}

/// What both sides' pages show.
pub struct UsersView {
    pub base: String,
    pub csrf_token: String,
    pub can_edit: bool,
    pub extension_length: i32,
    pub rows: Vec<UserRow>,
    pub held: Vec<HeldRow>,
    pub packages: Vec<(String, String)>,
    /// Add-ons to tick on the new-user form.
    pub addons: Vec<AddonOption>,
    pub form: FormState,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/users.html")]
pub struct UsersPage {
    pub layout: Layout,
    pub view: UsersView,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/portal_users.html")]
pub struct PortalUsersPage {
    pub layout: PortalLayout,
    pub view: UsersView,
}

async fn show(
    side: Side,
    state: web::Data<AppState>,
    status: StatusCode,
    form: Option<(FormState, Vec<String>)>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let whose = side.whose();
    let data = with_conn(&state, move |conn| service::users(conn, &whose)).await?;
    let (form, ticked) = form.unwrap_or_default();
    let name_of = |id: i64| {
        data.held
            .iter()
            .find(|(p, _, _)| p.id == id)
            .map(|(p, _, _)| p.name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    };
    let addon_list: Vec<(i64, String)> = data
        .held
        .iter()
        .filter(|(p, q, _)| p.kind == PackageKind::Addon && *q > 0)
        .map(|(p, _, _)| (p.id, p.name.clone()))
        .collect();
    let view = UsersView {
        base: side.base(),
        csrf_token: side.csrf_token(),
        can_edit: side.can_edit(),
        extension_length: data.settings.extension_length,
        rows: user_rows(&data, &addon_list, name_of),
        held: data
            .held
            .iter()
            .map(|(p, q, used)| HeldRow {
                id: p.id,
                name: p.name.clone(),
                kind: p.kind.label(),
                quantity: *q,
                used: *used,
            })
            .collect(),
        packages: data
            .held
            .iter()
            .filter(|(p, q, _)| p.kind == PackageKind::Package && *q > 0)
            .map(|(p, _, _)| (p.id.to_string(), p.name.clone()))
            .collect(),
        addons: addon_list
            .iter()
            .map(|(id, name)| {
                let id = id.to_string();
                AddonOption {
                    ticked: ticked.contains(&id),
                    id,
                    name: name.clone(),
                }
            })
            .collect(),
        form,
    };
    let frame = Frame::of(&side, &state, &flashes).await?;
    people_page!(frame, status, view, UsersPage, PortalUsersPage)
}

/// Each user's row: its package's name and, for every add-on the customer holds, whether the
/// user has it.
fn user_rows(
    data: &service::Users,
    addon_list: &[(i64, String)],
    name_of: impl Fn(i64) -> String,
) -> Vec<UserRow> {
    data.users
        .iter()
        .map(|u| UserRow {
            id: u.id,
            name: u.name.clone(),
            email: u.email.clone(),
            extension: u.extension.clone(),
            sip_username: u.sip_username.clone(),
            package: name_of(u.package_id),
            addons: addon_list
                .iter()
                .map(|(id, name)| AddonCell {
                    id: *id,
                    name: name.clone(),
                    has: data.addons.contains(&(u.id, *id)),
                })
                .collect(),
        })
        .collect()
}

fn input_of(fields: &Fields) -> UserInput {
    let get = |k: &str| fields.get(k).unwrap_or("").to_string();
    UserInput {
        name: get("name"),
        email: get("email"),
        extension: get("extension"),
        sip_username: get("sip_username"),
        package_id: get("package_id"),
        addon_ids: fields.all("addon_id").map(str::to_string).collect(),
    }
}

async fn create(
    side: Side,
    state: web::Data<AppState>,
    fields: Fields,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (whose, actor) = (side.whose(), side.actor());
    let input = input_of(&fields);
    let ticked = input.addon_ids.clone();
    let outcome = with_conn(&state, move |conn| {
        service::create(conn, &whose, &actor, &input)
    })
    .await?;
    match outcome {
        Created::Done(u) => {
            FlashMessage::success(format!("User {} added.", u.name)).send();
            Ok(see_other(&format!("{}/users", side.base())))
        }
        Created::Invalid(f) => {
            show(
                side,
                state,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((f, ticked)),
                flashes,
            )
            .await
        }
    }
}

async fn addon(
    side: Side,
    state: web::Data<AppState>,
    user_id: i64,
    fields: Fields,
) -> AppResult<HttpResponse> {
    let (whose, actor) = (side.whose(), side.actor());
    let addon_id = fields
        .get("addon_id")
        .and_then(|a| a.trim().parse::<i64>().ok())
        .ok_or(crate::error::AppError::NotFound)?;
    let on = fields.get("action") != Some("remove");
    let outcome = with_conn(&state, move |conn| {
        service::set_addon(conn, &whose, &actor, user_id, addon_id, on)
    })
    .await?;
    flash(
        outcome,
        if on {
            "Add-on given."
        } else {
            "Add-on taken away."
        },
    );
    Ok(see_other(&format!("{}/users", side.base())))
}

async fn delete(side: Side, state: web::Data<AppState>, user_id: i64) -> AppResult<HttpResponse> {
    let (whose, actor) = (side.whose(), side.actor());
    let outcome = with_conn(&state, move |conn| {
        service::delete(conn, &whose, &actor, user_id)
    })
    .await?;
    flash(outcome, "User deleted.");
    Ok(see_other(&format!("{}/users", side.base())))
}

fn flash(outcome: Toggled, done: &str) {
    match outcome {
        Toggled::Done => FlashMessage::success(done).send(),
        Toggled::Refused(why) => FlashMessage::error(why).send(),
    }
}

pub async fn op_page(
    state: web::Data<AppState>,
    op: CurrentOperator,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let side = Side::operator(op, path.into_inner());
    show(side, state, StatusCode::OK, None, flashes).await
}

pub async fn op_create(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let side = Side::operator(editor.0, path.into_inner());
    create(side, state, form.0, flashes).await
}

pub async fn op_delete(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (id, user) = path.into_inner();
    delete(Side::operator(editor.0, id), state, user).await
}

pub async fn op_addon(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (id, user) = path.into_inner();
    addon(Side::operator(editor.0, id), state, user, form.0).await
}

pub async fn portal_page(
    state: web::Data<AppState>,
    user: PortalUser,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    show(Side::portal(user), state, StatusCode::OK, None, flashes).await
}

pub async fn portal_create(
    state: web::Data<AppState>,
    user: PortalEditor,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    create(Side::portal(user.0), state, form.0, flashes).await
}

pub async fn portal_delete(
    state: web::Data<AppState>,
    user: PortalEditor,
    path: web::Path<(String, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    delete(Side::portal(user.0), state, path.into_inner().1).await
}

pub async fn portal_addon(
    state: web::Data<AppState>,
    user: PortalEditor,
    path: web::Path<(String, i64)>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    addon(Side::portal(user.0), state, path.into_inner().1, form.0).await
}
