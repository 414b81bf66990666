//! The adjustment-limits page shared by product types (`/admin/product-types/{id}/limits`) and
//! operators (`/operators/{id}/limits`): the current ranges and the form that sets one.

use crate::auth::csrf::Fields;
use crate::auth::CurrentOperator;
use crate::db::models::balance::LimitOwner;
use crate::domain::{FormState, Unit};
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::money::balance_types::CASH_DECIMALS;
use crate::service::money::limits::{self as service, LimitForm, LimitSet};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

pub struct LimitRow {
    pub code: String,
    pub min: String,
    pub max: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/limits.html")]
pub struct LimitsPage {
    pub layout: Layout,
    pub title: String,
    pub action: String,
    pub rows: Vec<LimitRow>,
    pub types: Vec<(String, String)>,
    pub form: FormState,
    /// A product type's activation bonus: where its form posts (none for an operator), the
    /// bonuses set, and the form.
    pub bonus_action: Option<String>,
    pub bonuses: Vec<LimitRow>,
    pub bonus_form: FormState,
}

fn path_of(owner: LimitOwner) -> String {
    match owner {
        LimitOwner::ProductType(p) => format!("/admin/product-types/{p}/limits"),
        LimitOwner::Operator(o) => format!("/operators/{o}/limits"),
    }
}

pub async fn page(
    state: &web::Data<AppState>,
    layout: Layout,
    owner: LimitOwner,
    form: FormState,
) -> AppResult<LimitsPage> {
    page_with_bonus(state, layout, owner, form, FormState::default()).await
}

pub async fn page_with_bonus(
    state: &web::Data<AppState>,
    layout: Layout,
    owner: LimitOwner,
    form: FormState,
    bonus_form: FormState,
) -> AppResult<LimitsPage> {
    let v = with_conn(state, move |conn| service::view(conn, owner)).await?;
    let show = |a: crate::domain::Amount, u: Unit| a.show(u, CASH_DECIMALS);
    let title = match owner {
        LimitOwner::ProductType(_) => format!("Adjustment limits of product type {}", v.owner_name),
        LimitOwner::Operator(_) => format!("Adjustment limits of operator {}", v.owner_name),
    };
    Ok(LimitsPage {
        layout,
        title,
        action: path_of(owner),
        rows: v
            .rows
            .iter()
            .filter_map(|(t, l)| {
                l.map(|l| LimitRow {
                    code: t.code.clone(),
                    min: show(l.min, t.unit),
                    max: show(l.max, t.unit),
                })
            })
            .collect(),
        types: v
            .rows
            .iter()
            .map(|(t, _)| (t.id.to_string(), format!("{} — {}", t.code, t.name)))
            .collect(),
        form,
        bonus_action: match owner {
            LimitOwner::ProductType(p) => Some(format!("/admin/product-types/{p}/bonus")),
            LimitOwner::Operator(_) => None,
        },
        bonuses: v
            .bonuses
            .iter()
            .map(|(t, a)| LimitRow {
                code: t.code.clone(),
                min: show(crate::domain::Amount::from_minor(*a), t.unit),
                max: String::new(),
            })
            .collect(),
        bonus_form,
    })
}

pub async fn save(
    state: &web::Data<AppState>,
    op: &CurrentOperator,
    owner: LimitOwner,
    fields: Fields,
    flashes: &IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let get = |n: &str| fields.get(n).unwrap_or("").to_string();
    let posted = LimitForm {
        balance_type_id: get("balance_type_id"),
        min: get("min"),
        max: get("max"),
    };
    let actor = op.actor();
    match with_conn(state, move |conn| {
        service::set(conn, &actor, owner, &posted)
    })
    .await?
    {
        LimitSet::Saved => {
            FlashMessage::success("Adjustment limit saved.").send();
            Ok(see_other(&path_of(owner)))
        }
        LimitSet::Invalid(f) => {
            let p = page(state, Layout::for_operator(op, flashes), owner, f).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}
