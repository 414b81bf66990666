//! `/customers/{id}/payments`: the ledger newest first, the form that enters a payment, credit
//! or debit, and each entry's reversal (a counter-entry with a reason).

use crate::auth::csrf::{CsrfField, Fields};
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::domain::{Amount, CustomerType, FormState, PaymentKind, Unit};
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::billing::payments::{self as service, Entered, Ledger, PaymentInput, Reversed};
use crate::state::{with_conn, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

impl CsrfField for PaymentInput {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

pub struct EntryView {
    pub id: i64,
    pub when: String,
    pub kind: &'static str,
    pub kind_code: &'static str,
    pub amount: String,
    pub amount_minor: i64,
    pub reference: String,
    pub note: String,
    pub actor: String,
    pub is_reversal: bool,
    pub reversed: bool,
    /// The reason typed and the message, when this entry's reversal was refused.
    pub reason: String,
    pub reverse_error: String,
}

/// A refused reversal: the entry, the reason as typed and the message.
pub struct ReverseError {
    pub entry: i64,
    pub reason: String,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/payments.html")]
pub struct PaymentsPage {
    pub layout: Layout,
    pub id: i64,
    pub company: String,
    pub decimals: u32,
    pub balance: String,
    pub balance_minor: i64,
    pub can_edit: bool,
    pub kinds: Vec<(String, String)>,
    pub entries: Vec<EntryView>,
    pub form: FormState,
    /// The entry whose reversal was refused, with its message.
    pub reverse_error: Option<ReverseError>,
}

fn payments_page(
    layout: Layout,
    op: &CurrentOperator,
    data: Ledger,
    form: Option<FormState>,
    reverse_error: Option<ReverseError>,
) -> PaymentsPage {
    let c = &data.customer;
    let d = service::decimals(c);
    let zone = op.zone.clone();
    // A fresh form starts on "payment"; a refused one shows what was posted.
    let form = form.unwrap_or_else(|| {
        let mut f = FormState::default();
        f.set("kind", "payment");
        f
    });
    let refused_reversal = |id: i64| reverse_error.as_ref().filter(|r| r.entry == id);
    PaymentsPage {
        id: c.id,
        company: c.company.clone(),
        decimals: d,
        balance: service::show(c, data.balance),
        balance_minor: data.balance,
        can_edit: op.role.can_edit() && c.customer_type == CustomerType::Live,
        kinds: PaymentKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), k.label().to_string()))
            .collect(),
        entries: data
            .entries
            .iter()
            .map(|(p, reversed)| EntryView {
                id: p.id,
                when: zone.time(p.paid_at),
                kind: p.kind.label(),
                kind_code: p.kind.code(),
                amount: Amount::from_minor(p.amount_minor).show(Unit::Cash, d),
                amount_minor: p.amount_minor,
                reference: p.reference.clone(),
                note: p.note.clone(),
                actor: p.actor.clone(),
                is_reversal: p.reverses_id.is_some(),
                reversed: *reversed,
                reason: refused_reversal(p.id).map_or(String::new(), |r| r.reason.clone()),
                reverse_error: refused_reversal(p.id).map_or(String::new(), |r| r.message.clone()),
            })
            .collect(),
        layout,
        form,
        reverse_error,
    }
}

pub async fn page(
    state: web::Data<AppState>,
    op: CurrentOperator,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<PaymentsPage> {
    let (scope, id) = (op.service_provider_id, path.into_inner());
    let data = with_conn(&state, move |conn| service::ledger(conn, scope, id)).await?;
    Ok(payments_page(
        Layout::for_operator(&op, &flashes),
        &op,
        data,
        None,
        None,
    ))
}

/// The page again (422) with the refused form or reversal.
async fn refused(
    state: &web::Data<AppState>,
    editor: &Editor,
    id: i64,
    form: Option<FormState>,
    reverse_error: Option<ReverseError>,
    flashes: &IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let scope = editor.0.service_provider_id;
    let data = with_conn(state, move |conn| service::ledger(conn, scope, id)).await?;
    let layout = Layout::for_operator(&editor.0, flashes);
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &payments_page(layout, &editor.0, data, form, reverse_error),
    )
}

pub async fn enter(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<PaymentInput>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (scope, actor, zone) = (
        editor.0.service_provider_id,
        editor.0.actor(),
        editor.0.zone.clone(),
    );
    let input = form.0;
    let outcome = with_conn(&state, move |conn| {
        service::enter(conn, scope, &actor, &zone, id, &input)
    })
    .await?;
    match outcome {
        Entered::Done(p) => {
            FlashMessage::success(format!("{} entered.", p.kind.label())).send();
            Ok(see_other(&format!("/customers/{id}/payments")))
        }
        Entered::Invalid(f) => refused(&state, &editor, id, Some(f), None, &flashes).await,
    }
}

pub async fn reverse(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (id, pid) = path.into_inner();
    let (scope, actor) = (editor.0.service_provider_id, editor.0.actor());
    let reason = form.0.get("reason").unwrap_or("").to_string();
    let outcome = with_conn(&state, move |conn| {
        service::reverse(conn, scope, &actor, id, pid, &reason)
    })
    .await?;
    match outcome {
        Reversed::Done(_) => {
            FlashMessage::success("Entry reversed.").send();
            Ok(see_other(&format!("/customers/{id}/payments")))
        }
        Reversed::Invalid(f) => {
            let refusal = ReverseError {
                entry: pid,
                reason: f.value("reason").to_string(),
                message: f.message("reason").to_string(),
            };
            refused(&state, &editor, id, None, Some(refusal), &flashes).await
        }
    }
}
