//! `/admin/transfer-definitions` (admins): the credit transfer definitions of every provider,
//! the add form, `/{id}` the edit form (version-checked), `/{id}/delete`.

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::domain::transfer::TransferKind;
use crate::domain::FormState;
use crate::error::AppResult;
use crate::routes::object_form::choices;
use crate::routes::subscribers::movements_view::{allowed_text, gives_text};
use crate::routes::{render, see_other, Layout};
use crate::service::transfers::definitions::{self as service, Saved, GIVES_ROWS};
use crate::service::transfers::panel::Movements;
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub struct DefinitionRow {
    pub id: i64,
    pub provider: String,
    pub name: String,
    pub kind: &'static str,
    pub cost: String,
    pub gives: String,
    pub allowed: String,
    pub pin_required: bool,
}

/// One "recipient gets" row of the form: its field names.
pub struct GivesFields {
    pub n: usize,
    pub balance_type: String,
    pub value: String,
    pub days: String,
}

/// A product type's checkbox.
pub struct AllowedBox {
    pub id: String,
    pub name: String,
    pub key: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/transfer_definitions.html")]
pub struct DefinitionsPage {
    pub layout: Layout,
    pub rows: Vec<DefinitionRow>,
    pub providers: Vec<(String, String)>,
    pub kinds: Vec<(String, String)>,
    pub cash_types: Vec<(String, String)>,
    pub balance_types: Vec<(String, String)>,
    pub product_types: Vec<(String, String)>,
    pub allowed: Vec<AllowedBox>,
    pub gives_rows: Vec<GivesFields>,
    /// The definition being edited (`None`: the add form).
    pub editing: Option<i64>,
    pub stale: bool,
    pub form: FormState,
}

async fn page(
    state: &web::Data<AppState>,
    layout: Layout,
    form: FormState,
    editing: Option<i64>,
) -> AppResult<DefinitionsPage> {
    let l = with_conn(state, service::listing).await?;
    let name_of = |id: i64| provider_name(&l, id);
    let names = Movements {
        definitions: Vec::new(),
        tasks: Vec::new(),
        balance_types: l.balance_types.clone(),
        product_types: l.product_types.clone(),
    };
    let rows = l
        .definitions
        .iter()
        .map(|d| definition_row(&l, &names, d))
        .collect();
    let type_option = |t: &crate::db::models::balance::BalanceType| {
        (
            t.id.to_string(),
            format!(
                "{} — {} ({})",
                name_of(t.service_provider_id),
                t.code,
                t.unit.label()
            ),
        )
    };
    Ok(DefinitionsPage {
        layout,
        rows,
        providers: l
            .providers
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
        kinds: choices(TransferKind::ALL, TransferKind::code, TransferKind::label),
        cash_types: l
            .balance_types
            .iter()
            .filter(|t| t.unit == crate::domain::Unit::Cash)
            .map(type_option)
            .collect(),
        balance_types: l.balance_types.iter().map(type_option).collect(),
        product_types: l
            .product_types
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
        allowed: l
            .product_types
            .iter()
            .map(|(id, n)| AllowedBox {
                id: id.to_string(),
                name: n.clone(),
                key: format!("allowed_product_type_{id}"),
            })
            .collect(),
        gives_rows: (1..=GIVES_ROWS)
            .map(|n| GivesFields {
                n,
                balance_type: format!("gives_balance_type_id_{n}"),
                value: format!("gives_value_{n}"),
                days: format!("gives_expiry_extension_days_{n}"),
            })
            .collect(),
        editing,
        stale: false,
        form,
    })
}

/// A provider's name from the listing.
fn provider_name(l: &service::Listing, id: i64) -> String {
    crate::routes::object_form::name_of(&l.providers, id)
}

/// One definition as the list shows it: its cost and what the recipient gets, in words.
fn definition_row(
    l: &service::Listing,
    names: &Movements,
    d: &crate::db::models::transfer::Definition,
) -> DefinitionRow {
    let cost_type = l
        .balance_types
        .iter()
        .find(|t| t.id == d.row.cost_balance_type_id);
    DefinitionRow {
        id: d.row.id,
        provider: provider_name(l, d.row.service_provider_id),
        name: d.row.name.clone(),
        kind: d.row.kind.label(),
        cost: format!(
            "{} {}",
            crate::domain::Amount::from_minor(d.row.cost).show(crate::domain::Unit::Cash, 2),
            cost_type.map(|t| t.code.as_str()).unwrap_or("")
        ),
        gives: gives_text(names, d),
        allowed: allowed_text(names, d),
        pin_required: d.row.pin_required,
    }
}

pub async fn list(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<DefinitionsPage> {
    let mut f = FormState::default();
    f.set("kind", TransferKind::PeerToPeer.code());
    page(&state, Layout::for_operator(&admin.0, &flashes), f, None).await
}

pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let actor = admin.0.actor();
    let fields = form.0;
    match with_conn(&state, move |conn| service::create(conn, &actor, &fields)).await? {
        Saved::Saved(_) => {
            FlashMessage::success("Transfer definition added.").send();
            Ok(see_other("/admin/transfer-definitions"))
        }
        Saved::Invalid(f) | Saved::Stale(f) => {
            let p = page(&state, Layout::for_operator(&admin.0, &flashes), f, None).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}

pub async fn edit(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<DefinitionsPage> {
    let id = path.into_inner();
    let (d, types) = with_conn(&state, move |conn| {
        Ok((
            service::find(conn, id)?,
            crate::db::models::balance::types(conn, None)?,
        ))
    })
    .await?;
    let f = service::form_of(&d, &types);
    page(
        &state,
        Layout::for_operator(&admin.0, &flashes),
        f,
        Some(id),
    )
    .await
}

pub async fn update(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let actor = admin.0.actor();
    let fields = form.0;
    let layout = Layout::for_operator(&admin.0, &flashes);
    match with_conn(&state, move |conn| {
        service::update(conn, &actor, id, &fields)
    })
    .await?
    {
        Saved::Saved(_) => {
            FlashMessage::success("Transfer definition saved.").send();
            Ok(see_other("/admin/transfer-definitions"))
        }
        Saved::Invalid(f) => {
            let p = page(&state, layout, f, Some(id)).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Saved::Stale(_) => {
            let (d, types) = with_conn(&state, move |conn| {
                Ok((
                    service::find(conn, id)?,
                    crate::db::models::balance::types(conn, None)?,
                ))
            })
            .await?;
            let mut p = page(&state, layout, service::form_of(&d, &types), Some(id)).await?;
            p.stale = true;
            render(StatusCode::CONFLICT, &p)
        }
    }
}

pub async fn delete(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let actor = admin.0.actor();
    let name = with_conn(&state, move |conn| service::delete(conn, &actor, id)).await?;
    FlashMessage::success(format!("Transfer definition {name} deleted.")).send();
    Ok(see_other("/admin/transfer-definitions"))
}
