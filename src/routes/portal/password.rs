//! A customer administrator changes their own password (`/c/{webid}/password`): the current
//! one first, then the new one twice under the web access password policy. Every other session
//! of the customer ends; this one continues under a new id.

use super::{load_brand, PortalLayout};
use crate::auth::throttle::client_ip;
use crate::auth::{CsrfField, CsrfForm, PortalUser};
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other};
use crate::service::portal_password::{self, PasswordChange, PasswordInput};
use crate::state::with_conn;
use crate::state::AppState;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "portal/password.html")]
pub struct PasswordPage {
    pub layout: PortalLayout,
    pub form: FormState,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    csrf_token: String,
    current_password: String,
    password: String,
    password_confirm: String,
}

impl CsrfField for PasswordForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// Only the customer's own administrator changes this password, not an operator visiting.
fn own_administrator(user: &PortalUser) -> AppResult<()> {
    if user.impersonator.is_some() {
        Err(AppError::Forbidden)
    } else {
        Ok(())
    }
}

async fn page(
    state: &web::Data<AppState>,
    user: &PortalUser,
    form: FormState,
    flashes: &IncomingFlashMessages,
) -> AppResult<PasswordPage> {
    let branding_id = user.customer.branding_id;
    let brand = with_conn(state, move |conn| load_brand(conn, branding_id)).await?;
    Ok(PasswordPage {
        layout: PortalLayout::signed_in(user, brand, flashes),
        form,
    })
}

pub async fn form(
    state: web::Data<AppState>,
    user: PortalUser,
    flashes: IncomingFlashMessages,
) -> AppResult<PasswordPage> {
    own_administrator(&user)?;
    page(&state, &user, FormState::default(), &flashes).await
}

pub async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: PortalUser,
    session: Session,
    form: CsrfForm<PasswordForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    own_administrator(&user)?;
    let form = form.0;
    let input = PasswordInput {
        current_password: form.current_password,
        password: form.password,
        password_confirm: form.password_confirm,
    };
    let (actor, c) = (user.actor(), user.customer.clone());
    let admin = user
        .admin
        .clone()
        .ok_or(crate::error::AppError::Forbidden)?;
    let ip = client_ip(&req, &state.trusted_proxies);
    let throttle = state.throttle.clone();
    let outcome = with_conn(&state, move |conn| {
        let attempt = portal_password::Attempt {
            throttle: &throttle,
            ip: &ip,
        };
        portal_password::change(conn, &actor, &c, &admin, &input, attempt)
    })
    .await?;
    match outcome {
        PasswordChange::Changed => {
            // This session goes on under a new id; every other one ended in the service.
            session.renew();
            FlashMessage::success("Your password was changed. Any other sessions were signed out.")
                .send();
            Ok(see_other(&user.home()))
        }
        PasswordChange::Invalid(f) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, &user, f, &flashes).await?,
        ),
    }
}
