//! The reservations panel's actions: `GET /reservations/{id}/{commit|revoke|delete}` asks for
//! confirmation (and the change reason), the POST does it → 303 back to the edit screen; a
//! missing reason → 422, a reservation that has ended → 409, the page again with the message.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::domain::{Amount, FormState};
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
use crate::service::charging::panel::{
    self as service, PanelAction, PanelOutcome, ReservationInfo,
};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "subscribers/reservation_confirm.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    pub title: String,
    pub message: String,
    pub consequence: String,
    pub problem: String,
    pub action: String,
    pub button: &'static str,
    pub cancel_href: String,
    pub audit_on: bool,
    pub form: FormState,
}

fn action_of(s: &str) -> AppResult<PanelAction> {
    PanelAction::parse(s).ok_or(AppError::NotFound)
}

fn page(
    layout: Layout,
    info: &ReservationInfo,
    action: PanelAction,
    form: FormState,
    problem: String,
) -> ConfirmPage {
    let r = &info.reservation;
    let show = |a: i64| Amount::from_minor(a).show(info.unit, info.decimals);
    let (title, button, consequence) = match action {
        PanelAction::Commit => (
            format!("Commit reservation {}?", r.id),
            "Commit",
            format!(
                "{} of {} will be charged.",
                show(r.amount),
                info.balance_code
            ),
        ),
        PanelAction::Revoke => (
            format!("Revoke reservation {}?", r.id),
            "Revoke",
            "It is released without a charge.".to_string(),
        ),
        PanelAction::Delete => (
            format!("Delete reservation {}?", r.id),
            "Delete",
            if r.charge_on_delete {
                format!(
                    "It is charged on delete: {} of {} will be charged.",
                    show(r.amount),
                    info.balance_code
                )
            } else {
                "It is not charged on delete: nothing will be charged.".to_string()
            },
        ),
    };
    ConfirmPage {
        layout,
        title,
        message: format!(
            "Reservation {} holds {} of {} on wallet {}.",
            r.id,
            show(r.amount),
            info.balance_code,
            info.wallet.wallet_ref
        ),
        consequence,
        problem,
        action: format!("/reservations/{}/{}", r.id, action.code()),
        button,
        cancel_href: format!("/subscribers/{}#p-reservations", info.subscriber_id),
        audit_on: info.audit_on,
        form,
    }
}

pub async fn confirm(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, String)>,
    flashes: IncomingFlashMessages,
) -> AppResult<ConfirmPage> {
    let (id, action) = path.into_inner();
    let action = action_of(&action)?;
    let by = editor.0.clone();
    let info = with_conn(&state, move |conn| service::find(conn, &by, id)).await?;
    Ok(page(
        Layout::for_operator(&editor.0, &flashes),
        &info,
        action,
        FormState::default(),
        String::new(),
    ))
}

pub async fn act(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, String)>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (id, action) = path.into_inner();
    let action = action_of(&action)?;
    let reason = form.0.get("change_reason").unwrap_or("").to_string();
    let by = editor.0.clone();
    let typed = reason.clone();
    let outcome = with_conn(&state, move |conn| {
        service::act(conn, &by, id, action, &typed)
    })
    .await?;
    match outcome {
        PanelOutcome::Done {
            subscriber_id,
            state,
        } => {
            FlashMessage::success(format!(
                "Reservation {id}: {}.",
                state.label().to_lowercase()
            ))
            .send();
            Ok(see_other(&format!(
                "/subscribers/{subscriber_id}#p-reservations"
            )))
        }
        PanelOutcome::Refused {
            info,
            field,
            message,
        } => {
            let mut f = FormState::default();
            f.set("change_reason", reason.trim());
            let (status, problem) = if field.is_empty() {
                (StatusCode::CONFLICT, message)
            } else {
                f.error(field, message);
                (StatusCode::UNPROCESSABLE_ENTITY, String::new())
            };
            let p = page(
                Layout::for_operator(&editor.0, &flashes),
                &info,
                action,
                f,
                problem,
            );
            render(status, &p)
        }
    }
}
