//! Portal sign-in (`/c/{webid}/login`), sign-out, and an operator's way back from a portal.
//!
//! Only the administrator of the customer the WebID names can sign in here: the username must
//! be that customer's, so another customer's credentials fail like any wrong password. Why an
//! account cannot be used (suspended, demo…) is said only after the password was right, so the
//! page does not tell strangers which accounts exist.

use super::{load_brand, PortalLayout};
use crate::auth::csrf::{self, Fields};
use crate::auth::portal::{customer_by_webid, home_of, login_of};
use crate::auth::session_keys as keys;
use crate::auth::throttle::Verdict;
use crate::auth::{CsrfField, CsrfForm};
use crate::domain::portal_refusal;
use crate::error::{AppError, AppResult};
use crate::routes::login::post::{client_ip, locked_message, GENERIC_FAILURE};
use crate::routes::{render, see_other};
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
#[template(path = "portal/login.html")]
pub struct PortalLoginPage {
    pub layout: PortalLayout,
    pub username: String,
    pub error: String,
    pub notice: String,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    pub expired: Option<String>,
}

#[derive(Deserialize)]
pub struct PortalLoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

impl CsrfField for PortalLoginForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn branded_layout(
    state: &web::Data<AppState>,
    webid: &str,
    session: &Session,
    flashes: &IncomingFlashMessages,
) -> AppResult<(crate::db::models::customer::Customer, PortalLayout)> {
    let customer = customer_by_webid(state, webid)
        .await?
        .ok_or(AppError::NotFound)?;
    let branding_id = customer.branding_id;
    let brand = with_conn(state, move |conn| load_brand(conn, branding_id)).await?;
    let layout = PortalLayout::anonymous(&customer.webid, brand, csrf::token(session), flashes);
    Ok((customer, layout))
}

pub async fn form(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<LoginQuery>,
    session: Session,
    flashes: IncomingFlashMessages,
) -> AppResult<PortalLoginPage> {
    let (_, layout) = branded_layout(&state, &path.into_inner(), &session, &flashes).await?;
    Ok(PortalLoginPage {
        layout,
        username: String::new(),
        error: String::new(),
        notice: if query.expired.is_some() {
            "Your session ended. Please sign in again.".into()
        } else {
            String::new()
        },
    })
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    session: Session,
    form: CsrfForm<PortalLoginForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (customer, layout) = branded_layout(&state, &path.into_inner(), &session, &flashes).await?;
    let PortalLoginForm {
        username, password, ..
    } = form.0;
    let typed = username.trim().to_string();
    // Throttled per portal and name, apart from operator names; the address is shared.
    let throttle_name = format!("{}/{}", customer.webid, typed.to_lowercase());
    let ip = client_ip(&req);
    let failed = |layout: PortalLayout, error: String, status: StatusCode| {
        render(
            status,
            &PortalLoginPage {
                layout,
                username: typed.clone(),
                error,
                notice: String::new(),
            },
        )
    };
    if let Verdict::Locked { minutes } = state.throttle.check(&throttle_name, &ip) {
        tracing::warn!(target: "signin", webid = %customer.webid, username = %typed, %ip, outcome = "locked", "portal sign-in refused");
        return failed(
            layout,
            locked_message(minutes),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let is_theirs = typed.to_ascii_lowercase() == customer.username_key;
    let stored = customer.password_hash.clone();
    let ok = web::block(move || {
        if is_theirs {
            crate::auth::password::verify(&password, &stored)
        } else {
            crate::auth::password::verify_dummy(&password);
            false
        }
    })
    .await?;
    if !ok {
        let (delay, locked) = state.throttle.record_failure(&throttle_name, &ip);
        tracing::warn!(target: "signin", webid = %customer.webid, username = %typed, %ip, outcome = "failed", "portal sign-in failed");
        if !delay.is_zero() {
            actix_web::rt::time::sleep(delay).await;
        }
        return if locked {
            failed(
                layout,
                locked_message(state.throttle.lock_minutes()),
                StatusCode::TOO_MANY_REQUESTS,
            )
        } else {
            failed(layout, GENERIC_FAILURE.into(), StatusCode::UNAUTHORIZED)
        };
    }
    state.throttle.record_success(&throttle_name);
    if let Some(why) = portal_refusal(&customer.customer_type, &customer.status) {
        tracing::warn!(target: "signin", webid = %customer.webid, username = %typed, %ip, outcome = "refused", status = %customer.status, "portal sign-in refused");
        return failed(layout, why.into(), StatusCode::FORBIDDEN);
    }
    tracing::info!(target: "signin", webid = %customer.webid, username = %typed, %ip, outcome = "ok", "customer administrator signed in");
    let now = crate::db::now();
    session.renew();
    session.clear();
    let stored = (|| -> Result<(), actix_session::SessionInsertError> {
        session.insert(keys::PRINCIPAL, keys::customer_principal(customer.id))?;
        session.insert(keys::CUSTOMER_ID, customer.id)?;
        session.insert(keys::CREATED, now)?;
        session.insert(keys::SEEN, now)?;
        Ok(())
    })();
    if stored.is_err() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "could not store the session"
        )));
    }
    csrf::token(&session);
    Ok(see_other(&home_of(&customer.webid)))
}

/// Signs out the administrator of this portal's customer; a session of another portal is
/// left alone (signing out of one portal never ends another).
pub async fn logout(
    state: web::Data<AppState>,
    path: web::Path<String>,
    session: Session,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let customer = customer_by_webid(&state, &path.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    if session.get::<i64>(keys::CUSTOMER_ID).ok().flatten() == Some(customer.id) {
        session.purge();
        FlashMessage::info("You are signed out.").send();
    }
    Ok(see_other(&login_of(&customer.webid)))
}

/// An operator leaves the customer's portal they switched to, back to the customers page.
pub async fn leave(
    path: web::Path<String>,
    session: Session,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let _ = path;
    let customer = session.get::<i64>(keys::IMPERSONATING).ok().flatten();
    session.remove(keys::IMPERSONATING);
    Ok(match customer {
        Some(id) => see_other(&format!("/customers?customer={id}")),
        None => see_other("/customers"),
    })
}
