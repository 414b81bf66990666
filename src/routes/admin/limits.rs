//! `/admin/product-types/{id}/limits` (admins): a product type's adjustment limits.

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
