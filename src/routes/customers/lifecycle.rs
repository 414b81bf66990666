//! A customer's lifecycle as operators drive it: setting the status by hand
//! (`POST /customers/{id}/status`) and the one-way conversion to demo (`/customers/{id}/demo`).
//! Both end the customer's portal sessions when its administrators may no longer sign in.

use crate::auth::access::{ensure_customer_visible, refuse_if_demo};
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::customer::{self, CustomerId};
use crate::db::write_transaction;
use crate::domain::{CustomerStatus, CustomerType};
use crate::error::{AppError, AppResult};
use crate::routes::confirm::ConfirmDeletePage;
use crate::routes::{see_other, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};

pub use crate::lifecycle::record_and_end_sessions;

fn back_to(id: i64) -> HttpResponse {
    see_other(&format!("/customers?customer={id}"))
}

pub async fn set_status(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let c = ensure_customer_visible(&state, &editor.0, path.into_inner()).await?;
    refuse_if_demo(&c)?;
    let id = c.id;
    let Ok(wanted) = CustomerStatus::parse(form.0.get("status").unwrap_or("")) else {
        FlashMessage::error("Choose a status from the list.").send();
        return Ok(back_to(id));
    };
    if !wanted.operator_may_set() {
        FlashMessage::error(format!(
            "“{}” is decided by the compliance review, not set by hand.",
            wanted.label()
        ))
        .send();
        return Ok(back_to(id));
    }
    let current = CustomerStatus::parse(&c.status).ok();
    if !current.is_some_and(|s| s.operator_may_set()) {
        FlashMessage::error(format!(
            "{} is in a compliance review; its status is decided there.",
            c.company
        ))
        .send();
        return Ok(back_to(id));
    }
    if current == Some(wanted) {
        FlashMessage::info(format!("{} is already {}.", c.company, wanted.label())).send();
        return Ok(back_to(id));
    }
    let actor = editor.0.actor();
    let company = c.company.clone();
    with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let after = customer::set_status(conn, CustomerId(c.id), wanted.code())?
                .ok_or(AppError::NotFound)?;
            record_and_end_sessions(conn, &actor, &c, &after, None)
        })
    })
    .await?;
    let note = match wanted.sign_in_refusal() {
        Some(_) => " Its administrators are signed out and cannot sign in.",
        None => "",
    };
    FlashMessage::success(format!("{company} is now {}.{note}", wanted.label())).send();
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
    let c = ensure_customer_visible(&state, &editor.0, path.into_inner()).await?;
    let id = c.id;
    if c.customer_type != CustomerType::Live.code() {
        FlashMessage::info(format!("{} is already a demo customer.", c.company)).send();
        return Ok(back_to(id));
    }
    let actor = editor.0.actor();
    let company = c.company.clone();
    let converted = with_conn(&state, move |conn| {
        write_transaction(conn, |conn| {
            let Some(after) = customer::convert_to_demo(conn, CustomerId(c.id))? else {
                return Ok(false);
            };
            record_and_end_sessions(conn, &actor, &c, &after, Some("converted to demo"))?;
            Ok::<_, AppError>(true)
        })
    })
    .await?;
    if converted {
        FlashMessage::success(format!(
            "{company} is now a demo customer; its administrators were signed out."
        ))
        .send();
    } else {
        FlashMessage::info(format!("{company} is already a demo customer.")).send();
    }
    Ok(back_to(id))
}
