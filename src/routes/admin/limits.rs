//! `/admin/product-types/{id}/limits` (admins): a product type's adjustment limits, and its
//! activation bonus (`POST /admin/product-types/{id}/bonus`).

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::db::models::balance::LimitOwner;
use crate::domain::FormState;
use crate::error::AppResult;
use crate::routes::limits_page::{self, LimitsPage};
use crate::routes::Layout;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;

pub async fn page(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<LimitsPage> {
    let owner = LimitOwner::ProductType(path.into_inner());
    let layout = Layout::for_operator(&admin.0, &flashes);
    limits_page::page(&state, layout, owner, FormState::default()).await
}

pub async fn save(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let owner = LimitOwner::ProductType(path.into_inner());
    limits_page::save(&state, &admin.0, owner, form.0, &flashes).await
}

pub async fn save_bonus(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    use crate::routes::{render, see_other};
    use crate::service::money::activation::{self, BonusForm, BonusSet};
    use crate::state::with_conn;
    let id = path.into_inner();
    let get = |n: &str| form.0.get(n).unwrap_or("").to_string();
    let posted = BonusForm {
        balance_type_id: get("balance_type_id"),
        amount: get("amount"),
    };
    let actor = admin.0.actor();
    match with_conn(&state, move |conn| {
        activation::set_bonus(conn, &actor, id, &posted)
    })
    .await?
    {
        BonusSet::Saved => {
            actix_web_flash_messages::FlashMessage::success("Activation bonus saved.").send();
            Ok(see_other(&format!("/admin/product-types/{id}/limits")))
        }
        BonusSet::Invalid(f) => {
            let layout = Layout::for_operator(&admin.0, &flashes);
            let owner = LimitOwner::ProductType(id);
            let p = limits_page::page_with_bonus(&state, layout, owner, FormState::default(), f)
                .await?;
            render(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}
