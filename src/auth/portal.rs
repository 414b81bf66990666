//! The extractor that admits someone to a customer's portal (`/c/{webid}/…`): that customer's
//! own administrator, or an operator who switched to this customer's portal. Everything a
//! portal handler reads is scoped by the customer this extractor returns, never by the URL.
//! The administrator's row is read on every request, so a disabled one (or a changed role)
//! takes effect at once even before the session rows are gone; `PortalEditor` admits only
//! those who may change things (403 for a viewer).

use super::session_keys as keys;
use crate::db::models::customer::{self, Customer};
use crate::db::models::customer_admin::{self, CustomerAdmin};
use crate::domain::{portal_refusal, AdminRole, WebId};
use crate::error::AppError;
use crate::state::AppState;
use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

/// Who is looking at a portal, and whose portal it is.
#[derive(Debug, Clone)]
pub struct PortalUser {
    pub customer: Customer,
    /// The signed-in administrator (`None` when an operator switched to this portal).
    pub admin: Option<CustomerAdmin>,
    /// What they may do: an operator who switched here counts as an `admin`.
    pub role: AdminRole,
    pub csrf_token: String,
    /// The operator's username when an operator switched to this portal.
    pub impersonator: Option<String>,
    /// The zone the portal shows times in: the server's (`SELFCARE_TIME_ZONE`).
    pub zone: crate::domain::Zone,
}

impl PortalUser {
    /// Name recorded in the audit log.
    pub fn actor(&self) -> String {
        match &self.impersonator {
            Some(op) => format!("operator:{op} as customer:{}", self.customer.username),
            None => format!("customer:{}", self.username()),
        }
    }

    /// The name shown for who is signed in: the administrator's own, else the customer's.
    pub fn username(&self) -> &str {
        match &self.admin {
            Some(a) => &a.username,
            None => &self.customer.username,
        }
    }

    /// `/c/{webid}/`, the portal's home.
    pub fn home(&self) -> String {
        home_of(&self.customer.webid)
    }
}

pub fn home_of(webid: &str) -> String {
    format!("/c/{webid}/")
}

pub fn login_of(webid: &str) -> String {
    format!("/c/{webid}/login")
}

/// The customer a WebID names, if the WebID is well formed and on file.
pub async fn customer_by_webid(
    state: &web::Data<AppState>,
    webid: &str,
) -> Result<Option<Customer>, AppError> {
    let Ok(webid) = WebId::parse(webid) else {
        return Ok(None);
    };
    let pool = state.pool.clone();
    web::block(move || -> Result<Option<Customer>, AppError> {
        let mut conn = pool.get()?;
        // Overdue compliance reviews are settled by the pages that show the customer; either
        // way such a customer cannot sign in (only active customers are admitted).
        Ok(customer::find_by_webid(&mut conn, webid.as_str())?)
    })
    .await?
}

fn admit(
    session: &Session,
    customer: Customer,
    admin: Option<CustomerAdmin>,
    zone: crate::domain::Zone,
) -> Result<PortalUser, AppError> {
    let login = login_of(&customer.webid);
    let get_i64 = |k: &str| session.get::<i64>(k).ok().flatten();
    if let Some(own) = get_i64(keys::CUSTOMER_ID) {
        if own != customer.id {
            // Signed in to another customer's portal: this one needs its own sign-in.
            return Err(AppError::SignIn(login));
        }
        super::guard::check_timeouts(session, &login)?;
        let admin = admin.filter(|a| a.customer_id == customer.id && !a.disabled);
        let Some(admin) = admin else {
            // Disabled or removed since sign-in (or a session from before administrators had
            // their own rows): the session ends here.
            session.purge();
            return Err(AppError::SignIn(login));
        };
        if portal_refusal(customer.customer_type, customer.status).is_some() {
            // Suspended, closed, converted to demo… since sign-in: the session ends here.
            session.purge();
            return Err(AppError::SignIn(login));
        }
        return Ok(PortalUser {
            customer,
            role: admin.role,
            admin: Some(admin),
            csrf_token: super::csrf::token(session),
            impersonator: None,
            zone,
        });
    }
    if get_i64(keys::IMPERSONATING) == Some(customer.id) {
        let op = super::guard::operator_of(session, zone.clone())?;
        if op.role.can_edit()
            && op
                .service_provider_id
                .is_none_or(|sp| sp == customer.service_provider_id)
        {
            return Ok(PortalUser {
                customer,
                admin: None,
                role: AdminRole::Admin,
                csrf_token: op.csrf_token,
                impersonator: Some(op.username),
                zone,
            });
        }
    }
    Err(AppError::SignIn(login))
}

impl FromRequest for PortalUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let webid = req.match_info().get("webid").unwrap_or("").to_string();
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state = state
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?;
            // An unknown WebID is a plain 404 for everyone, signed in or not.
            let customer = customer_by_webid(&state, &webid)
                .await?
                .ok_or(AppError::NotFound)?;
            let admin_id = session.get::<i64>(keys::CUSTOMER_ADMIN_ID).ok().flatten();
            let admin = match admin_id {
                Some(id) => {
                    let pool = state.pool.clone();
                    web::block(move || -> Result<Option<CustomerAdmin>, AppError> {
                        let mut conn = pool.get()?;
                        Ok(customer_admin::find(&mut conn, id)?)
                    })
                    .await??
                }
                None => None,
            };
            let zone = state.time_zone.clone();
            admit(&session, customer, admin, zone)
        })
    }
}

/// A portal user who may change things (role `admin`, or an operator who switched here);
/// a viewer gets 403.
#[derive(Debug, Clone)]
pub struct PortalEditor(pub PortalUser);

impl FromRequest for PortalEditor {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = PortalUser::from_request(req, payload);
        Box::pin(async move {
            let user = user.await?;
            if user.role.can_edit() {
                Ok(PortalEditor(user))
            } else {
                Err(AppError::Forbidden)
            }
        })
    }
}
