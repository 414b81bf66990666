//! Portal sign-in (`/c/{webid}/login`), sign-out, and an operator's way back from a portal.
//!
//! Only an administrator of the customer the WebID names can sign in here: the username must
//! be one of that customer's, so another customer's credentials fail like any wrong password. Why an
//! account cannot be used (suspended, demo…) is said only after the password was right, so the
//! page does not tell strangers which accounts exist.

use super::{load_brand, PortalLayout};
use crate::auth::csrf::{self, Fields};
use crate::auth::portal::{customer_by_webid, home_of, login_of};
use crate::auth::session_keys as keys;
use crate::auth::sessions;
use crate::auth::throttle::client_ip;
use crate::auth::{CsrfField, CsrfForm};
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, with_cookie};
use crate::service::sign_in::{self, SignIn};
use crate::state::with_conn;
use crate::state::AppState;
use actix_session::Session;
use actix_web::cookie::Cookie;
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

/// The customer of the portal, its branded frame with the form token, and the token's cookie
/// when one is to be set.
type Branded = (
    crate::db::models::customer::Customer,
    PortalLayout,
    Option<Cookie<'static>>,
);

async fn branded_layout(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    webid: &str,
    session: &Session,
    flashes: &IncomingFlashMessages,
) -> AppResult<Branded> {
    // A review overdue by now fails before the page says whether this customer may sign in.
    with_conn(state, |conn| {
        crate::service::compliance::settle_overdue(conn).map(|_| ())
    })
    .await?;
    let customer = customer_by_webid(state, webid)
        .await?
        .ok_or(AppError::NotFound)?;
    let branding_id = customer.branding_id;
    let brand = with_conn(state, move |conn| load_brand(conn, branding_id)).await?;
    let (token, cookie) = csrf::form_token(req, session);
    let layout = PortalLayout::anonymous(&customer.webid, brand, token, flashes);
    Ok((customer, layout, cookie))
}

pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<LoginQuery>,
    session: Session,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (_, layout, cookie) =
        branded_layout(&req, &state, &path.into_inner(), &session, &flashes).await?;
    let page = PortalLoginPage {
        layout,
        username: String::new(),
        error: String::new(),
        notice: if query.expired.is_some() {
            "Your session ended. Please sign in again.".into()
        } else {
            String::new()
        },
    };
    with_cookie(render(StatusCode::OK, &page)?, cookie)
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    session: Session,
    form: CsrfForm<PortalLoginForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (customer, layout, cookie) =
        branded_layout(&req, &state, &path.into_inner(), &session, &flashes).await?;
    let PortalLoginForm {
        username, password, ..
    } = form.0;
    let ip = client_ip(&req, &state.trusted_proxies);
    let outcome = sign_in::customer_admin(&state, &customer, &username, password, &ip).await?;
    let status = match &outcome {
        SignIn::SignedIn(who) => {
            sessions::start_customer(&session, who.customer_id, who.admin_id)?;
            return Ok(see_other(&home_of(&customer.webid)));
        }
        SignIn::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
        SignIn::NotActive(_) => StatusCode::FORBIDDEN,
        SignIn::Refused => StatusCode::UNAUTHORIZED,
    };
    let page = PortalLoginPage {
        layout,
        username: username.trim().to_string(),
        error: outcome.message(),
        notice: String::new(),
    };
    with_cookie(render(status, &page)?, cookie)
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
