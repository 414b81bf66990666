//! A customer's packages and numbers (`/customers/{id}/numbers`): package quantities, DID
//! ranges (never overlapping any customer's), CPN substitutions and emergency response
//! locations, with the default dial-in code its billing country's region gives it. Everyone
//! may look; editors change; every change is audited; a demo customer is frozen (the rules are
//! `service::numbers`').

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::db::models::numbers;
use crate::domain::FormState;
use crate::domain::{Country, CustomerType, DidRange, Region};
use crate::error::{AppError, AppResult};
use crate::routes::confirm::ConfirmDeletePage;
use crate::routes::{render, see_other, Layout};
use crate::service::numbers::{self as service, quantity_field, Changed, Item, Numbers};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/{id}/numbers", web::get().to(page))
        .route("/customers/{id}/packages", web::post().to(set_packages))
        .route("/customers/{id}/dids", web::post().to(add_did))
        .route(
            "/customers/{id}/dids/{item}/delete",
            web::get().to(confirm_delete_did),
        )
        .route(
            "/customers/{id}/dids/{item}/delete",
            web::post().to(delete_did),
        )
        .route("/customers/{id}/cpns", web::post().to(add_cpn))
        .route(
            "/customers/{id}/cpns/{item}/delete",
            web::get().to(confirm_delete_cpn),
        )
        .route(
            "/customers/{id}/cpns/{item}/delete",
            web::post().to(delete_cpn),
        )
        .route("/customers/{id}/emergency", web::post().to(add_emergency))
        .route(
            "/customers/{id}/emergency/{item}/delete",
            web::get().to(confirm_delete_emergency),
        )
        .route(
            "/customers/{id}/emergency/{item}/delete",
            web::post().to(delete_emergency),
        );
}

pub struct PackageView {
    pub name: String,
    pub description: String,
    pub field: String,
}

pub struct DidView {
    pub id: i64,
    pub start: String,
    pub end: String,
    pub count: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/numbers.html")]
pub struct NumbersPage {
    pub layout: Layout,
    pub id: i64,
    pub company: String,
    pub country: String,
    pub region: &'static str,
    pub dial_in: &'static str,
    pub can_edit: bool,
    pub packages: Vec<PackageView>,
    pub dids: Vec<DidView>,
    pub cpns: Vec<numbers::Cpn>,
    pub emergency: Vec<numbers::EmergencyLocation>,
    pub form: FormState,
}

/// The page; `form` carries typed values and messages after a refused change (else the
/// stored quantities).
fn numbers_page(
    layout: Layout,
    op: &CurrentOperator,
    data: Numbers,
    form: Option<FormState>,
) -> NumbersPage {
    let form = form.unwrap_or_else(|| {
        let mut f = FormState::default();
        for p in &data.packages {
            let q = data
                .quantities
                .iter()
                .find(|(pid, _)| *pid == p.id)
                .map(|(_, q)| *q)
                .unwrap_or(0);
            f.set(&quantity_field(p.id), q.to_string());
        }
        f
    });
    let c = data.customer;
    let region = Region::of(&c.country);
    NumbersPage {
        layout,
        id: c.id,
        company: c.company.clone(),
        country: Country::name_of(&c.country).to_string(),
        region: region.label(),
        dial_in: region.dial_in_code(),
        can_edit: op.role.can_edit() && c.customer_type == CustomerType::Live,
        packages: data
            .packages
            .into_iter()
            .map(|p| PackageView {
                field: quantity_field(p.id),
                name: p.name,
                description: p.description,
            })
            .collect(),
        dids: data
            .dids
            .into_iter()
            .map(|d| DidView {
                id: d.id,
                start: DidRange::show(d.digits, d.range_start),
                end: DidRange::show(d.digits, d.range_end),
                count: d.range_end - d.range_start + 1,
            })
            .collect(),
        cpns: data.cpns,
        emergency: data.emergency,
        form,
    }
}

pub async fn page(
    state: web::Data<AppState>,
    op: CurrentOperator,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<NumbersPage> {
    let (scope, id) = (op.service_provider_id, path.into_inner());
    let data = with_conn(&state, move |conn| service::numbers(conn, scope, id)).await?;
    Ok(numbers_page(
        Layout::for_operator(&op, &flashes),
        &op,
        data,
        None,
    ))
}

/// Back to the page after a change: with `done` said when it was made, else the page again
/// (422) with the typed values and their messages.
async fn answer(
    state: &web::Data<AppState>,
    editor: &Editor,
    id: i64,
    outcome: Changed,
    done: &str,
    flashes: &IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    match outcome {
        Changed::Done => {
            FlashMessage::success(done).send();
            Ok(see_other(&format!("/customers/{id}/numbers")))
        }
        Changed::Pending => {
            FlashMessage::info(
                "This customer confirms changes that affect billing: the new quantities wait \
                 for one of its administrators to accept them.",
            )
            .send();
            Ok(see_other(&format!("/customers/{id}/billing-changes")))
        }
        Changed::Invalid(form) => {
            let scope = editor.0.service_provider_id;
            let data = with_conn(state, move |conn| service::numbers(conn, scope, id)).await?;
            let layout = Layout::for_operator(&editor.0, flashes);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &numbers_page(layout, &editor.0, data, Some(form)),
            )
        }
    }
}

/// One of the page's forms, posted: which one it was.
#[derive(Clone, Copy)]
enum Posted {
    Packages,
    Did,
    Cpn,
    Emergency,
}

impl Posted {
    fn done(self) -> &'static str {
        match self {
            Posted::Packages => "Package quantities saved.",
            Posted::Did => "DID range added.",
            Posted::Cpn => "CPN substitution added.",
            Posted::Emergency => "Emergency response location added.",
        }
    }
}

/// Carries out one of the page's forms for an editor and answers.
async fn change(
    state: web::Data<AppState>,
    editor: Editor,
    id: i64,
    which: Posted,
    fields: Fields,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (scope, actor) = (editor.0.service_provider_id, editor.0.actor());
    let outcome = with_conn(&state, move |conn| {
        let f = &fields;
        match which {
            Posted::Packages => service::set_packages(conn, scope, &actor, id, f),
            Posted::Did => service::add_did(conn, scope, &actor, id, f),
            Posted::Cpn => service::add_cpn(conn, scope, &actor, id, f),
            Posted::Emergency => service::add_emergency(conn, scope, &actor, id, f),
        }
    })
    .await?;
    answer(&state, &editor, id, outcome, which.done(), &flashes).await
}

pub async fn set_packages(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    change(state, editor, id, Posted::Packages, form.0, flashes).await
}

pub async fn add_did(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    change(state, editor, id, Posted::Did, form.0, flashes).await
}

pub async fn add_cpn(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    change(state, editor, id, Posted::Cpn, form.0, flashes).await
}

pub async fn add_emergency(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    change(state, editor, id, Posted::Emergency, form.0, flashes).await
}

/// Deletes one item of the customer's lists (404 unless it is the customer's).
async fn delete_item(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    item: Item,
) -> AppResult<HttpResponse> {
    let (id, item_id) = path.into_inner();
    let (scope, actor) = (editor.0.service_provider_id, editor.0.actor());
    with_conn(&state, move |conn| {
        service::delete_item(conn, scope, &actor, id, item, item_id)
    })
    .await?;
    FlashMessage::success("Deleted.").send();
    Ok(see_other(&format!("/customers/{id}/numbers")))
}

/// What the confirm page says about one item of the customer's lists: title, message, and
/// what follows from the delete; `None` when the item is not the customer's (404).
fn confirm_text(data: &Numbers, item: Item, item_id: i64) -> Option<(String, String, Vec<String>)> {
    let company = &data.customer.company;
    match item {
        Item::DidRange => {
            let d = data.dids.iter().find(|d| d.id == item_id)?;
            let (start, end) = (
                DidRange::show(d.digits, d.range_start),
                DidRange::show(d.digits, d.range_end),
            );
            let count = d.range_end - d.range_start + 1;
            Some((
                format!("Delete the DID range {start}–{end}?"),
                format!(
                    "The range {start}–{end} ({count} number{}) will be taken from {company}.",
                    if count == 1 { "" } else { "s" },
                ),
                vec!["Its numbers are then free for any customer to take.".to_string()],
            ))
        }
        Item::Cpn => {
            let c = data.cpns.iter().find(|c| c.id == item_id)?;
            Some((
                format!("Delete the CPN substitution {}?", c.name),
                format!(
                    "Calls of {company} will no longer show \"{}\" with the number {}.",
                    c.name, c.number
                ),
                vec![],
            ))
        }
        Item::EmergencyLocation => {
            let e = data.emergency.iter().find(|e| e.id == item_id)?;
            Some((
                format!("Delete the emergency response location {}?", e.name),
                format!(
                    "The location {} (emergency number {}) will be taken from {company}.",
                    e.name, e.number
                ),
                vec!["Emergency calls will no longer be given this location.".to_string()],
            ))
        }
    }
}

/// Asks before an item of the customer's lists goes (a DID range's numbers are then free for
/// any customer to take). Works without scripts, like every other delete.
async fn confirm_delete(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    flashes: IncomingFlashMessages,
    item: Item,
    segment: &str,
) -> AppResult<ConfirmDeletePage> {
    let (id, item_id) = path.into_inner();
    let scope = editor.0.service_provider_id;
    let data = with_conn(&state, move |conn| service::numbers(conn, scope, id)).await?;
    let (title, message, consequences) =
        confirm_text(&data, item, item_id).ok_or(AppError::NotFound)?;
    Ok(ConfirmDeletePage {
        layout: Layout::for_operator(&editor.0, &flashes),
        title,
        message,
        consequences,
        action: format!("/customers/{id}/{segment}/{item_id}/delete"),
        button: "Delete",
        cancel_href: format!("/customers/{id}/numbers"),
    })
}

pub async fn confirm_delete_did(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    flashes: IncomingFlashMessages,
) -> AppResult<ConfirmDeletePage> {
    confirm_delete(state, editor, path, flashes, Item::DidRange, "dids").await
}

pub async fn confirm_delete_cpn(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    flashes: IncomingFlashMessages,
) -> AppResult<ConfirmDeletePage> {
    confirm_delete(state, editor, path, flashes, Item::Cpn, "cpns").await
}

pub async fn confirm_delete_emergency(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    flashes: IncomingFlashMessages,
) -> AppResult<ConfirmDeletePage> {
    confirm_delete(
        state,
        editor,
        path,
        flashes,
        Item::EmergencyLocation,
        "emergency",
    )
    .await
}

pub async fn delete_did(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    delete_item(state, editor, path, Item::DidRange).await
}

pub async fn delete_cpn(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    delete_item(state, editor, path, Item::Cpn).await
}

pub async fn delete_emergency(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    delete_item(state, editor, path, Item::EmergencyLocation).await
}
