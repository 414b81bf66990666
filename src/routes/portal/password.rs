//! A customer administrator changes their own password (`/c/{webid}/password`): the current
//! one first, then the new one twice under the web access password policy. Every other session
//! of the customer ends; this one continues under a new id.

use super::{load_brand, PortalLayout};
use crate::auth::session_keys;
use crate::auth::{CsrfField, CsrfForm, PortalUser};
use crate::db::models::audit::{self, Change};
use crate::db::models::customer::{self, CustomerId};
use crate::db::models::session as sessions;
use crate::db::write_transaction;
use crate::domain::FormState;
use crate::domain::WebPassword;
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other};
use crate::state::with_conn;
use crate::state::AppState;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
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

impl PasswordForm {
    /// The new password if the form's own rules pass (the current one is checked later).
    fn parse(&self) -> Result<WebPassword, FormState> {
        let mut f = FormState::default();
        if self.current_password.is_empty() {
            f.error("current_password", "Enter your current password.");
        }
        let new = f.check("password", WebPassword::parse(&self.password));
        if new.is_some() && self.password != self.password_confirm {
            f.error("password_confirm", "The two passwords differ.");
        }
        match new {
            Some(p) if !f.has_errors() => Ok(p),
            _ => Err(f),
        }
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
    state: web::Data<AppState>,
    user: PortalUser,
    session: Session,
    form: CsrfForm<PasswordForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    own_administrator(&user)?;
    let form = form.0;
    let new = match form.parse() {
        Ok(p) => p,
        Err(f) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&state, &user, f, &flashes).await?,
            )
        }
    };
    let stored = user.customer.password_hash.clone();
    let current = form.current_password.clone();
    let checked = web::block(move || -> anyhow::Result<Option<String>> {
        if crate::auth::password::verify(&current, &stored) {
            Ok(Some(crate::auth::password::hash(new.expose())?))
        } else {
            Ok(None)
        }
    })
    .await??;
    let Some(hash) = checked else {
        let mut f = FormState::default();
        f.error("current_password", "This is not your current password.");
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, &user, f, &flashes).await?,
        );
    };
    let c = user.customer.clone();
    let actor = user.actor();
    with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            customer::set_password_hash(conn, CustomerId(c.id), &hash)?;
            sessions::delete_for_principal(conn, &session_keys::customer_principal(c.id))?;
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "update",
                    object_type: "customer",
                    object_id: c.id,
                    before: None,
                    after: None,
                    reason: Some("web access password changed by the customer"),
                },
            )?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    // This session goes on under a new id; every other one ended above.
    session.renew();
    FlashMessage::success("Your password was changed. Any other sessions were signed out.").send();
    Ok(see_other(&user.home()))
}
