//! A customer's packages and numbers (`/customers/{id}/numbers`): package quantities, DID
//! ranges (never overlapping any customer's), CPN substitutions and emergency response
//! locations, with the default dial-in code its billing country's region gives it. Everyone
//! may look; editors change; every change is audited; a demo customer is frozen.

use crate::auth::access::ensure_customer_visible;
use crate::auth::access::refuse_if_demo;
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::customer::Customer;
use crate::db::models::numbers::{self, NewEmergencyLocation};
use crate::db::models::packages;
use crate::db::{write_transaction, DbConnection};
use crate::domain::FormState;
use crate::domain::{
    parse_int_in, Country, DialNumber, DidField, DidRange, LongText, ObjectName, PartyName, Region,
};
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
    cfg.route("/customers/{id}/numbers", web::get().to(page))
        .route("/customers/{id}/packages", web::post().to(set_packages))
        .route("/customers/{id}/dids", web::post().to(add_did))
        .route(
            "/customers/{id}/dids/{item}/delete",
            web::post().to(delete_did),
        )
        .route("/customers/{id}/cpns", web::post().to(add_cpn))
        .route(
            "/customers/{id}/cpns/{item}/delete",
            web::post().to(delete_cpn),
        )
        .route("/customers/{id}/emergency", web::post().to(add_emergency))
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

struct Lists {
    packages: Vec<packages::Package>,
    quantities: Vec<(i64, i64)>,
    dids: Vec<numbers::DidRangeRow>,
    cpns: Vec<numbers::Cpn>,
    emergency: Vec<numbers::EmergencyLocation>,
}

fn load(conn: &mut DbConnection, customer_id: i64) -> AppResult<Lists> {
    Ok(Lists {
        packages: packages::list(conn)?,
        quantities: packages::quantities(conn, customer_id)?,
        dids: numbers::dids(conn, customer_id)?,
        cpns: numbers::cpns(conn, customer_id)?,
        emergency: numbers::emergency(conn, customer_id)?,
    })
}

/// The page; `form` carries typed values and messages after a refused change (else the
/// stored quantities).
async fn numbers_page(
    state: &web::Data<AppState>,
    op: &CurrentOperator,
    c: &Customer,
    form: Option<FormState>,
    flashes: &IncomingFlashMessages,
) -> AppResult<NumbersPage> {
    let id = c.id;
    let lists = with_conn(state, move |conn| load(conn, id)).await?;
    let form = form.unwrap_or_else(|| {
        let mut f = FormState::default();
        for p in &lists.packages {
            let q = lists
                .quantities
                .iter()
                .find(|(pid, _)| *pid == p.id)
                .map(|(_, q)| *q)
                .unwrap_or(0);
            f.set(&format!("qty_{}", p.id), q.to_string());
        }
        f
    });
    let region = Region::of(&c.country);
    Ok(NumbersPage {
        layout: Layout::for_operator(op, flashes),
        id: c.id,
        company: c.company.clone(),
        country: Country::name_of(&c.country).to_string(),
        region: region.label(),
        dial_in: region.dial_in_code(),
        can_edit: op.role.can_edit() && c.customer_type == "LIVE",
        packages: lists
            .packages
            .into_iter()
            .map(|p| PackageView {
                field: format!("qty_{}", p.id),
                name: p.name,
                description: p.description,
            })
            .collect(),
        dids: lists
            .dids
            .into_iter()
            .map(|d| DidView {
                id: d.id,
                start: DidRange::show(d.digits, d.range_start),
                end: DidRange::show(d.digits, d.range_end),
                count: d.range_end - d.range_start + 1,
            })
            .collect(),
        cpns: lists.cpns,
        emergency: lists.emergency,
        form,
    })
}

pub async fn page(
    state: web::Data<AppState>,
    op: CurrentOperator,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<NumbersPage> {
    let c = ensure_customer_visible(&state, &op, path.into_inner()).await?;
    numbers_page(&state, &op, &c, None, &flashes).await
}

/// The customer an editor may change numbers of (visible, and not a demo).
async fn editable(state: &web::Data<AppState>, editor: &Editor, id: i64) -> AppResult<Customer> {
    let c = ensure_customer_visible(state, &editor.0, id).await?;
    refuse_if_demo(&c)?;
    Ok(c)
}

fn back(id: i64) -> HttpResponse {
    see_other(&format!("/customers/{id}/numbers"))
}

async fn refused(
    state: &web::Data<AppState>,
    editor: &Editor,
    c: &Customer,
    form: FormState,
    flashes: &IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &numbers_page(state, &editor.0, c, Some(form), flashes).await?,
    )
}

fn record(
    conn: &mut DbConnection,
    actor: &str,
    action: &str,
    object_type: &str,
    object_id: i64,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AppResult<()> {
    audit::record(
        conn,
        Change {
            actor,
            action,
            object_type,
            object_id,
            before,
            after,
            reason: None,
        },
    )?;
    Ok(())
}

pub async fn set_packages(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let c = editable(&state, &editor, path.into_inner()).await?;
    let all = with_conn(&state, |conn| Ok(packages::list(conn)?)).await?;
    let mut f = FormState::default();
    let mut wanted = Vec::new();
    for p in &all {
        let field = format!("qty_{}", p.id);
        let typed = form.0.get(&field).unwrap_or("0");
        f.set(&field, typed);
        let typed = if typed.trim().is_empty() { "0" } else { typed };
        if let Some(q) = f.check(&field, parse_int_in(typed, 0, 1_000_000)) {
            wanted.push((p.id, q));
        }
    }
    if f.has_errors() {
        return refused(&state, &editor, &c, f, &flashes).await;
    }
    let (id, actor) = (c.id, editor.0.actor());
    with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let before = packages::quantities(conn, id)?;
            packages::set_quantities(conn, id, &wanted)?;
            let after = packages::quantities(conn, id)?;
            record(
                conn,
                &actor,
                "update",
                "customer_packages",
                id,
                Some(serde_json::json!(before)),
                Some(serde_json::json!(after)),
            )
        })
    })
    .await?;
    FlashMessage::success("Package quantities saved.").send();
    Ok(back(c.id))
}

pub async fn add_did(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let c = editable(&state, &editor, path.into_inner()).await?;
    let (start, end) = (
        form.0.get("did_start").unwrap_or(""),
        form.0.get("did_end").unwrap_or(""),
    );
    let mut f = FormState::default();
    f.set("did_start", start);
    f.set("did_end", end);
    let range = match DidRange::parse(start, end) {
        Ok(r) => r,
        Err((field, m)) => {
            let name = match field {
                DidField::Start => "did_start",
                DidField::End => "did_end",
            };
            f.error(name, m);
            return refused(&state, &editor, &c, f, &flashes).await;
        }
    };
    let (id, actor, sp) = (c.id, editor.0.actor(), editor.0.service_provider_id);
    let clash = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            numbers::lock_ranges(conn)?;
            if let Some((held, company, holder_sp)) = numbers::overlapping(conn, &range)? {
                // An operator limited to one provider does not learn other providers' customers.
                let holder = if sp.is_none_or(|sp| sp == holder_sp) {
                    company
                } else {
                    "a customer of another service provider".into()
                };
                return Ok(Some(format!(
                    "This range overlaps {}–{}, which belongs to {holder}.",
                    DidRange::show(held.digits, held.range_start),
                    DidRange::show(held.digits, held.range_end),
                )));
            }
            let row = numbers::insert_did(conn, id, &range)?;
            record(
                conn,
                &actor,
                "create",
                "did_range",
                row.id,
                None,
                audit::image(&row),
            )?;
            Ok::<_, AppError>(None)
        })
    })
    .await?;
    if let Some(m) = clash {
        f.error("did_start", m);
        return refused(&state, &editor, &c, f, &flashes).await;
    }
    FlashMessage::success("DID range added.").send();
    Ok(back(c.id))
}

pub async fn add_cpn(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let c = editable(&state, &editor, path.into_inner()).await?;
    let mut f = FormState::default();
    let (name, number) = (
        form.0.get("cpn_name").unwrap_or(""),
        form.0.get("cpn_number").unwrap_or(""),
    );
    f.set("cpn_name", name);
    f.set("cpn_number", number);
    let name = f.check("cpn_name", ObjectName::parse(name));
    let number = f.check("cpn_number", DialNumber::parse(number));
    let (Some(name), Some(number)) = (name, number) else {
        return refused(&state, &editor, &c, f, &flashes).await;
    };
    let (id, actor) = (c.id, editor.0.actor());
    with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let row = numbers::insert_cpn(conn, id, name.as_str(), number.as_str())?;
            record(
                conn,
                &actor,
                "create",
                "cpn_substitution",
                row.id,
                None,
                audit::image(&row),
            )
        })
    })
    .await?;
    FlashMessage::success("CPN substitution added.").send();
    Ok(back(c.id))
}

pub async fn add_emergency(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let c = editable(&state, &editor, path.into_inner()).await?;
    let mut f = FormState::default();
    let get = |k: &str| form.0.get(k).unwrap_or("").to_string();
    for k in ["em_name", "em_number", "em_location", "em_zone"] {
        f.set(k, get(k));
    }
    let name = f.check("em_name", PartyName::parse(&get("em_name")));
    let number = f.check("em_number", DialNumber::parse(&get("em_number")));
    let location = f.check(
        "em_location",
        LongText::parse(&get("em_location")).and_then(|l| {
            if l.as_str().is_empty() {
                Err("Enter where the location is (an address or a description).".into())
            } else {
                Ok(l)
            }
        }),
    );
    let zone = f.check("em_zone", ObjectName::parse(&get("em_zone")));
    let (Some(name), Some(number), Some(location), Some(zone)) = (name, number, location, zone)
    else {
        return refused(&state, &editor, &c, f, &flashes).await;
    };
    let new = NewEmergencyLocation {
        customer_id: c.id,
        name: name.into_inner(),
        number: number.as_str().into(),
        location: location.into_inner(),
        zone: zone.into_inner(),
        created_at: crate::db::now(),
    };
    let actor = editor.0.actor();
    with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let row = numbers::insert_emergency(conn, &new)?;
            record(
                conn,
                &actor,
                "create",
                "emergency_location",
                row.id,
                None,
                audit::image(&row),
            )
        })
    })
    .await?;
    FlashMessage::success("Emergency response location added.").send();
    Ok(back(c.id))
}

/// Deletes one item of the customer's lists: `find` must show it belongs to the customer
/// (else 404), `delete` removes it; audited with its image.
async fn delete_item<T, F, D>(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    object_type: &'static str,
    find: F,
    delete: D,
) -> AppResult<HttpResponse>
where
    T: serde::Serialize + Send + 'static,
    F: Fn(&mut DbConnection, i64) -> diesel::QueryResult<Option<(i64, T)>> + Send + 'static,
    D: Fn(&mut DbConnection, i64) -> diesel::QueryResult<usize> + Send + 'static,
{
    let (customer_id, item) = path.into_inner();
    let c = editable(&state, &editor, customer_id).await?;
    let actor = editor.0.actor();
    with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let (owner, row) = find(conn, item)?.ok_or(AppError::NotFound)?;
            if owner != customer_id {
                return Err(AppError::NotFound);
            }
            delete(conn, item)?;
            record(
                conn,
                &actor,
                "delete",
                object_type,
                item,
                audit::image(&row),
                None,
            )
        })
    })
    .await?;
    FlashMessage::success("Deleted.").send();
    Ok(back(c.id))
}

pub async fn delete_did(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    delete_item(
        state,
        editor,
        path,
        "did_range",
        |conn, id| Ok(numbers::find_did(conn, id)?.map(|r| (r.customer_id, r))),
        numbers::delete_did,
    )
    .await
}

pub async fn delete_cpn(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    delete_item(
        state,
        editor,
        path,
        "cpn_substitution",
        |conn, id| Ok(numbers::find_cpn(conn, id)?.map(|r| (r.customer_id, r))),
        numbers::delete_cpn,
    )
    .await
}

pub async fn delete_emergency(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    delete_item(
        state,
        editor,
        path,
        "emergency_location",
        |conn, id| Ok(numbers::find_emergency(conn, id)?.map(|r| (r.customer_id, r))),
        numbers::delete_emergency,
    )
    .await
}
