//! Compliance (`/compliance`, for `compliance` reviewers and admins): the review queue with the
//! matched list entry, approve / reject with a reason, and the restricted-party list (shown, and
//! replaced whole by uploading a CSV of name, country). Every decision and upload is audited
//! (the rules are `service::compliance`'s).

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Reviewer};
use crate::domain::screening::parse_restricted_csv;
use crate::domain::{Country, Description};
use crate::error::AppResult;
use crate::routes::multipart;
use crate::routes::{render, see_other, Layout};
use crate::service::compliance::{self as service, Decided, Decision};
use crate::state::with_conn;
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

/// The largest list file accepted.
const MAX_LIST_BYTES: usize = 5 * 1024 * 1024;
/// How many entries the list page shows.
const SHOWN_ENTRIES: i64 = 500;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/compliance", web::get().to(queue))
        .route("/compliance/reviews/{id}/approve", web::post().to(approve))
        .route("/compliance/reviews/{id}/reject", web::post().to(reject))
        .route("/compliance/list", web::get().to(list))
        .route("/compliance/list", web::post().to(upload));
}

pub struct ReviewView {
    pub id: i64,
    pub customer_id: i64,
    pub company: String,
    pub account_code: String,
    pub screened_name: String,
    pub matched_name: String,
    pub matched_country: String,
    pub opened: String,
    pub due: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "compliance/queue.html")]
pub struct QueuePage {
    pub layout: Layout,
    pub reviews: Vec<ReviewView>,
}

pub async fn queue(
    state: web::Data<AppState>,
    reviewer: Reviewer,
    flashes: IncomingFlashMessages,
) -> AppResult<QueuePage> {
    let sp = reviewer.0.service_provider_id;
    let rows = with_conn(&state, move |conn| service::queue(conn, sp)).await?;
    Ok(QueuePage {
        layout: Layout::for_operator(&reviewer.0, &flashes),
        reviews: rows
            .into_iter()
            .map(|(r, company, account_code)| ReviewView {
                id: r.id,
                customer_id: r.customer_id,
                company,
                account_code,
                screened_name: r.screened_name,
                matched_name: r.matched_name,
                matched_country: Country::name_of(&r.matched_country).to_string(),
                opened: reviewer.0.zone.time(r.opened_at),
                due: reviewer.0.zone.time(r.due_at),
            })
            .collect(),
    })
}

async fn decide(
    state: web::Data<AppState>,
    reviewer: Reviewer,
    id: i64,
    decision: Decision,
) -> AppResult<HttpResponse> {
    let (scope, actor) = (reviewer.0.service_provider_id, reviewer.0.actor());
    let approve = decision == Decision::Approve;
    let outcome = with_conn(&state, move |conn| {
        service::decide(conn, scope, id, decision, &actor)
    })
    .await?;
    match (outcome, approve) {
        (Decided::Done, true) => FlashMessage::success("Approved: the customer is active.").send(),
        (Decided::Done, false) => {
            FlashMessage::success("Rejected: the customer failed the review.").send()
        }
        (Decided::NoLongerOpen, _) => FlashMessage::error(
            "This review is no longer open: it was decided meanwhile, or its 72 hours ran out.",
        )
        .send(),
    }
    Ok(see_other("/compliance"))
}

pub async fn approve(
    state: web::Data<AppState>,
    reviewer: Reviewer,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    decide(state, reviewer, path.into_inner(), Decision::Approve).await
}

pub async fn reject(
    state: web::Data<AppState>,
    reviewer: Reviewer,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let typed = form.0.get("reason").unwrap_or("").trim().to_string();
    let reason = match Description::parse(&typed) {
        Ok(r) if !r.as_str().is_empty() => r.into_inner(),
        Ok(_) => {
            FlashMessage::error("Give a reason for the rejection; nothing was decided.").send();
            return Ok(see_other("/compliance"));
        }
        Err(m) => {
            FlashMessage::error(format!("Reason: {m} Nothing was decided.")).send();
            return Ok(see_other("/compliance"));
        }
    };
    decide(state, reviewer, path.into_inner(), Decision::Reject(reason)).await
}

pub struct EntryView {
    pub name: String,
    pub country: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "compliance/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub count: i64,
    pub entries: Vec<EntryView>,
    pub errors: Vec<String>,
}

async fn list_page(
    state: &web::Data<AppState>,
    reviewer: &Reviewer,
    errors: Vec<String>,
    flashes: &IncomingFlashMessages,
) -> AppResult<ListPage> {
    let (count, entries) =
        with_conn(state, |conn| service::restricted_list(conn, SHOWN_ENTRIES)).await?;
    Ok(ListPage {
        layout: Layout::for_operator(&reviewer.0, flashes),
        count,
        entries: entries
            .into_iter()
            .map(|e| EntryView {
                name: e.name,
                country: format!("{} ({})", Country::name_of(&e.country), e.country),
            })
            .collect(),
        errors,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    reviewer: Reviewer,
    flashes: IncomingFlashMessages,
) -> AppResult<ListPage> {
    list_page(&state, &reviewer, Vec::new(), &flashes).await
}

pub async fn upload(
    state: web::Data<AppState>,
    reviewer: Reviewer,
    session: Session,
    payload: Multipart,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let upload = multipart::read(payload, &session, MAX_LIST_BYTES).await?;
    let parsed = match upload.files.get("list") {
        None => Err(vec!["Choose a CSV file to upload.".to_string()]),
        Some(bytes) if bytes.len() > MAX_LIST_BYTES => {
            Err(vec!["The file is larger than 5 MB.".to_string()])
        }
        Some(bytes) => parse_restricted_csv(bytes),
    };
    let entries = match parsed {
        Ok(e) => e,
        Err(errors) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &list_page(&state, &reviewer, errors, &flashes).await?,
            )
        }
    };
    let actor = reviewer.0.actor();
    let n = with_conn(&state, move |conn| {
        service::replace_restricted_list(conn, &actor, entries)
    })
    .await?;
    FlashMessage::success(format!(
        "The restricted-party list was replaced: {n} entr{} on file.",
        if n == 1 { "y" } else { "ies" }
    ))
    .send();
    Ok(see_other("/compliance/list"))
}
