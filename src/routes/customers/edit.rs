//! Customer edit: GET `/customers/{id}/edit` shows the create form filled in (the account code
//! shown, never editable; the password left empty to keep it) with the customer's own history
//! below it, POST `/customers/{id}` saves it. A save based on a version someone else has since
//! replaced is refused whole (409), with the typed values kept so nothing is lost.

use super::create::{form_page, FormFrame, NewCustomerPage};
use crate::auth::{CsrfForm, Editor};
use crate::db::models::audit::AuditEntry;
use crate::db::models::customer::Customer;
use crate::domain::FormState;
use crate::domain::Zone;
use crate::error::AppResult;
use crate::routes::history::HistoryView;
use crate::routes::{render, see_other, Layout};
use crate::service::customers::edit::Refused;
use crate::service::customers::{self as service, CustomerForm, EditForm, UpdateOutcome};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};

fn frame(c: &Customer, version: i32, history: &[AuditEntry], zone: &Zone) -> FormFrame {
    FormFrame {
        heading: format!("Edit customer {}", c.company),
        action: format!("/customers/{}", c.id),
        submit_label: "Save customer",
        cancel_href: format!("/customers?customer={}", c.id),
        account_code: Some(c.account_code.clone()),
        version: Some(version),
        history: Some(HistoryView::all(history, "Customer", zone)),
    }
}

/// The edit page for `data`, showing `form` (typed values, messages) as of `version`.
fn edit_page(layout: Layout, data: EditForm, form: FormState, version: i32) -> NewCustomerPage {
    let frame = frame(&data.customer, version, &data.history, &layout.zone());
    form_page(layout, frame, form, data.choices)
}

pub async fn form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<NewCustomerPage> {
    let (scope, id) = (editor.0.service_provider_id, path.into_inner());
    let data = with_conn(&state, move |conn| service::edit_form(conn, scope, id)).await?;
    let (form, version) = (
        CustomerForm::of(&data.customer)
            .with_pbx(data.pbx.clone())
            .state(),
        data.customer.version,
    );
    Ok(edit_page(
        Layout::for_operator(&editor.0, &flashes),
        data,
        form,
        version,
    ))
}

pub async fn update(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<CustomerForm>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = &editor.0;
    let outcome = service::update(
        &state,
        op.service_provider_id,
        op.actor(),
        path.into_inner(),
        form.0,
    )
    .await?;
    match outcome {
        UpdateOutcome::Saved { customer, held } => {
            match held {
                Some(party) => FlashMessage::warning(format!(
                    "Customer {} saved. It now matches “{party}” on the restricted-party list, so \
                     it waits for a compliance review.",
                    customer.company
                ))
                .send(),
                None => {
                    FlashMessage::success(format!("Customer {} saved.", customer.company)).send()
                }
            }
            Ok(see_other(&format!("/customers?customer={}", customer.id)))
        }
        UpdateOutcome::Refused(refused) => {
            let Refused {
                refusal,
                form,
                version,
            } = *refused;
            let (status, f) = crate::routes::object_form::refused(refusal);
            render(
                status,
                &edit_page(Layout::for_operator(op, &flashes), form, f, version),
            )
        }
    }
}
