//! `/admin/balance-types` (admins): the balance types of every provider, and the add form.

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::domain::balance::{Category, MaxPolicy};
use crate::domain::{FormState, Unit};
use crate::error::AppResult;
use crate::routes::object_form::choices;
use crate::routes::{render, see_other, Layout};
use crate::service::money::balance_types::{self as service, BalanceTypeForm, Created};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub struct TypeRow {
    pub id: i64,
    pub provider: String,
    pub code: String,
    pub name: String,
    pub unit: &'static str,
    pub category: &'static str,
    pub max: String,
    pub allow_credit: bool,
    pub is_default: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/balance_types.html")]
pub struct BalanceTypesPage {
    pub layout: Layout,
    pub rows: Vec<TypeRow>,
    pub providers: Vec<(String, String)>,
    pub product_types: Vec<(String, String)>,
    pub units: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
    pub policies: Vec<(String, String)>,
    pub form: FormState,
}

async fn page(
    state: &web::Data<AppState>,
    layout: Layout,
    form: FormState,
) -> AppResult<BalanceTypesPage> {
    let (types, providers, product_types) = with_conn(state, service::list).await?;
    let name_of = |id: i64| crate::routes::object_form::name_of(&providers, id);
    let rows = types
        .iter()
        .map(|t| TypeRow {
            id: t.id,
            provider: name_of(t.service_provider_id),
            code: t.code.clone(),
            name: t.name.clone(),
            unit: t.unit.label(),
            category: t.category.label(),
            max: t
                .max_value
                .map(|m| {
                    format!(
                        "{} ({})",
                        crate::domain::Amount::from_minor(m).show(t.unit, service::CASH_DECIMALS),
                        t.max_policy.code()
                    )
                })
                .unwrap_or_default(),
            allow_credit: t.allow_credit,
            is_default: t.is_default,
        })
        .collect();
    Ok(BalanceTypesPage {
        layout,
        rows,
        providers: providers
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
        product_types: product_types
            .into_iter()
            .map(|(id, n)| (id.to_string(), n))
            .collect(),
        units: choices(Unit::ALL, Unit::code, Unit::label),
        categories: choices(Category::ALL, Category::code, Category::label),
        policies: choices(MaxPolicy::ALL, MaxPolicy::code, MaxPolicy::label),
        form,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<BalanceTypesPage> {
    let mut f = FormState::default();
    f.set("max_policy", MaxPolicy::Limit.code());
    page(&state, Layout::for_operator(&admin.0, &flashes), f).await
}

pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let get = |n: &str| form.0.get(n).unwrap_or("").to_string();
    let posted = BalanceTypeForm {
        service_provider_id: get("service_provider_id"),
        code: get("code"),
        name: get("name"),
        unit: get("unit"),
        category: get("category"),
        max_value: get("max_value"),
        max_policy: get("max_policy"),
        allow_credit: get("allow_credit"),
    };
    let actor = admin.0.actor();
    match with_conn(&state, move |conn| service::create(conn, &actor, &posted)).await? {
        Created::Created(t) => {
            FlashMessage::success(format!("Balance type {} added.", t.code)).send();
            Ok(see_other("/admin/balance-types"))
        }
        Created::Invalid(f) => {
            let p = page(&state, Layout::for_operator(&admin.0, &flashes), f).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}
