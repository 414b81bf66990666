//! `/admin/bpl-tasks` (admins): the BPL tasks of every provider with their parameters, the add
//! form, and `/{id}/delete`.

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::domain::subscriber::WalletState;
use crate::domain::transfer::{BplAction, ParamKind, ParamUse};
use crate::domain::{Amount, FormState, Unit};
use crate::error::AppResult;
use crate::routes::object_form::choices;
use crate::routes::{render, see_other, Layout};
use crate::service::bpl::tasks::{self as service, Created, PARAM_ROWS};
use crate::service::money::balance_types::CASH_DECIMALS;
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub struct TaskRow {
    pub id: i64,
    pub provider: String,
    pub name: String,
    pub action: &'static str,
    pub setting: String,
    pub charge: String,
    pub params: String,
}

/// One parameter row of the form: its field names.
pub struct ParamFields {
    pub n: usize,
    pub name: String,
    pub kind: String,
    pub mandatory: String,
    pub choices: String,
    pub supplies: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/bpl_tasks.html")]
pub struct TasksPage {
    pub layout: Layout,
    pub rows: Vec<TaskRow>,
    pub providers: Vec<(String, String)>,
    pub actions: Vec<(String, String)>,
    pub balance_types: Vec<(String, String)>,
    pub cash_types: Vec<(String, String)>,
    pub product_types: Vec<(String, String)>,
    pub states: Vec<(String, String)>,
    pub kinds: Vec<(String, String)>,
    pub uses: Vec<(String, String)>,
    pub param_rows: Vec<ParamFields>,
    pub form: FormState,
}

async fn page(
    state: &web::Data<AppState>,
    layout: Layout,
    form: FormState,
) -> AppResult<TasksPage> {
    let l = with_conn(state, service::listing).await?;
    let provider = |id: i64| provider_name(&l, id);
    let rows = l.tasks.iter().map(|t| task_row(&l, t)).collect();
    let option = |t: &crate::db::models::balance::BalanceType| {
        (
            t.id.to_string(),
            format!(
                "{} — {} ({})",
                provider(t.service_provider_id),
                t.code,
                t.unit.label()
            ),
        )
    };
    Ok(TasksPage {
        layout,
        rows,
        providers: l
            .providers
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
        actions: choices(BplAction::ALL, BplAction::code, BplAction::label),
        balance_types: l.balance_types.iter().map(option).collect(),
        cash_types: l
            .balance_types
            .iter()
            .filter(|t| t.unit == Unit::Cash)
            .map(option)
            .collect(),
        product_types: l
            .product_types
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
        states: choices(WalletState::ALL, WalletState::code, WalletState::label),
        kinds: choices(ParamKind::ALL, ParamKind::code, ParamKind::label),
        uses: choices(ParamUse::ALL, ParamUse::code, ParamUse::label),
        param_rows: (1..=PARAM_ROWS)
            .map(|n| ParamFields {
                n,
                name: format!("param_name_{n}"),
                kind: format!("param_kind_{n}"),
                mandatory: format!("param_mandatory_{n}"),
                choices: format!("param_choices_{n}"),
                supplies: format!("param_supplies_{n}"),
            })
            .collect(),
        form,
    })
}

/// A provider's name from the listing.
fn provider_name(l: &service::Listing, id: i64) -> String {
    crate::routes::object_form::name_of(&l.providers, id)
}

/// One task as the list shows it: what it does, its charge and its parameters in words.
fn task_row(l: &service::Listing, t: &crate::db::models::bpl_task::Task) -> TaskRow {
    let show = |id: Option<i64>, v: i64| match l.balance_types.iter().find(|b| Some(b.id) == id) {
        Some(b) => format!(
            "{} {}",
            Amount::from_minor(v).show(b.unit, CASH_DECIMALS),
            b.code
        ),
        None => String::new(),
    };
    let r = &t.row;
    TaskRow {
        id: r.id,
        provider: provider_name(l, r.service_provider_id),
        name: r.name.clone(),
        action: r.action.label(),
        setting: match r.action {
            BplAction::AdjustBalance => show(r.balance_type_id, r.amount),
            BplAction::SwapProductType => l
                .product_types
                .iter()
                .find(|(p, _)| Some(*p) == r.product_type_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            BplAction::SetWalletState => {
                r.state().map(|s| s.label().to_string()).unwrap_or_default()
            }
            BplAction::ExtendWalletExpiry => format!("{} days", r.extension_days),
        },
        charge: if r.charge > 0 {
            show(r.charge_balance_type_id, r.charge)
        } else {
            "none".to_string()
        },
        params: t
            .params
            .iter()
            .map(|p| {
                format!(
                    "{} ({}{})",
                    p.name,
                    p.kind.code(),
                    if p.mandatory { ", mandatory" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

pub async fn list(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<TasksPage> {
    page(
        &state,
        Layout::for_operator(&admin.0, &flashes),
        FormState::default(),
    )
    .await
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
        Created::Created(_) => {
            FlashMessage::success("BPL task added.").send();
            Ok(see_other("/admin/bpl-tasks"))
        }
        Created::Invalid(f) => {
            let p = page(&state, Layout::for_operator(&admin.0, &flashes), f).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
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
    FlashMessage::success(format!("BPL task {name} deleted.")).send();
    Ok(see_other("/admin/bpl-tasks"))
}
