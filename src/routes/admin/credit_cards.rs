//! `/admin/credit-cards` (admins): the most credit cards a subscriber may have registered.

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::domain::FormState;
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::subscribers::cards as service;
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "admin/credit_cards.html")]
pub struct CardSettingsPage {
    pub layout: Layout,
    pub form: FormState,
}

pub async fn page(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<CardSettingsPage> {
    let max = with_conn(&state, |conn| Ok(service::max_registrations(conn)?)).await?;
    let mut form = FormState::default();
    form.set("max_card_registrations", max.to_string());
    Ok(CardSettingsPage {
        layout: Layout::for_operator(&admin.0, &flashes),
        form,
    })
}

pub async fn save(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let typed = form
        .0
        .get("max_card_registrations")
        .unwrap_or("")
        .to_string();
    let actor = admin.0.actor();
    match with_conn(&state, move |conn| {
        service::set_max_registrations(conn, &actor, &typed)
    })
    .await?
    {
        Ok(n) => {
            FlashMessage::success(format!(
                "Saved: a subscriber may have {n} card(s) registered."
            ))
            .send();
            Ok(see_other("/admin/credit-cards"))
        }
        Err(form) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &CardSettingsPage {
                layout: Layout::for_operator(&admin.0, &flashes),
                form,
            },
        ),
    }
}
