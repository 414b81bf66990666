//! A customer's lifecycle as operators drive it: setting the status by hand
//! (`POST /customers/{id}/status`) and the one-way conversion to demo (`/customers/{id}/demo`).
//! Both end the customer's portal sessions when its administrators may no longer sign in (the
//! rules are `service::customers::lifecycle`'s).

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::domain::CustomerStatus;
use crate::error::AppResult;
use crate::routes::confirm::ConfirmDeletePage;
use crate::routes::{see_other, Layout};
use crate::service::access::{ensure_customer_visible, refuse_if_demo};
use crate::service::customers::{self as service, DemoOutcome, StatusOutcome};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};

fn back_to(id: i64) -> HttpResponse {
    see_other(&format!("/customers?customer={id}"))
}

pub async fn set_status(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (scope, actor, id) = (
        editor.0.service_provider_id,
        editor.0.actor(),
        path.into_inner(),
    );
    let wanted = CustomerStatus::parse(form.0.get("status").unwrap_or("")).ok();
    let outcome = with_conn(&state, move |conn| {
        service::set_status(conn, scope, &actor, id, wanted)
    })
    .await?;
    match outcome {
        StatusOutcome::Changed { company, status } => {
            let note = match status.sign_in_refusal() {
                Some(_) => " Its administrators are signed out and cannot sign in.",
                None => "",
            };
            FlashMessage::success(format!("{company} is now {}.{note}", status.label())).send();
        }
        StatusOutcome::UnknownStatus => {
            FlashMessage::error("Choose a status from the list.").send()
        }
        StatusOutcome::ReviewOnly(status) => FlashMessage::error(format!(
            "“{}” is decided by the compliance review, not set by hand.",
            status.label()
        ))
        .send(),
        StatusOutcome::InReview { company } => FlashMessage::error(format!(
            "{company} is in a compliance review; its status is decided there."
        ))
        .send(),
        StatusOutcome::Unchanged { company, status } => {
            FlashMessage::info(format!("{company} is already {}.", status.label())).send()
        }
    }
    Ok(back_to(id))
}

pub async fn demo_confirm(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<ConfirmDeletePage> {
    let c = ensure_customer_visible(&state, &editor.0, path.into_inner()).await?;
    refuse_if_demo(&c)?;
    Ok(ConfirmDeletePage {
        layout: Layout::for_operator(&editor.0, &flashes),
        title: format!("Convert {} to a demo customer?", c.company),
        message: format!(
            "The customer {} (account {}) becomes a demo customer. This cannot be undone: \
             there is no way back to LIVE.",
            c.company, c.account_code
        ),
        consequences: vec![
            "It can no longer be edited; it can only be deleted.".into(),
            "Its administrators are signed out and can no longer sign in to its portal.".into(),
        ],
        action: format!("/customers/{}/demo", c.id),
        button: "Convert to demo",
        cancel_href: format!("/customers?customer={}", c.id),
    })
}

pub async fn demo(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (scope, actor, id) = (
        editor.0.service_provider_id,
        editor.0.actor(),
        path.into_inner(),
    );
    let outcome = with_conn(&state, move |conn| {
        service::convert_to_demo(conn, scope, &actor, id)
    })
    .await?;
    match outcome {
        DemoOutcome::Converted { company } => FlashMessage::success(format!(
            "{company} is now a demo customer; its administrators were signed out."
        ))
        .send(),
        DemoOutcome::AlreadyDemo { company } => {
            FlashMessage::info(format!("{company} is already a demo customer.")).send()
        }
    }
    Ok(back_to(id))
}
