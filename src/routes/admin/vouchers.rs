//! `/admin/vouchers` (admins): the voucher batches with used and unused counts, and the form
//! that makes a batch. The answer to making one is the only place its voucher numbers ever
//! appear: the page (`deliver=page`), or a CSV file sent instead of it (`deliver=csv`).

use crate::auth::csrf::Fields;
use crate::auth::{Admin, CsrfForm};
use crate::domain::{Amount, FormState};
use crate::error::AppResult;
use crate::routes::{render, Layout};
use crate::service::money::balance_types::CASH_DECIMALS;
use crate::service::money::vouchers::{self as service, BatchForm, BatchOutcome};
use crate::state::{with_conn, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;

pub struct BatchRow {
    pub id: i64,
    pub balance_type: String,
    pub value: String,
    pub valid_until: String,
    pub count: i32,
    pub used: i64,
    pub unused: i64,
    pub created_by: String,
    pub created: String,
}

pub struct Made {
    pub id: i64,
    pub vouchers: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/vouchers.html")]
pub struct VouchersPage {
    pub layout: Layout,
    pub rows: Vec<BatchRow>,
    pub types: Vec<(String, String)>,
    pub deliveries: Vec<(String, String)>,
    pub form: FormState,
    /// The batch just made, with its numbers (shown this once).
    pub made: Option<Made>,
}

async fn page(
    state: &web::Data<AppState>,
    admin: &Admin,
    flashes: &IncomingFlashMessages,
    form: FormState,
    made: Option<Made>,
) -> AppResult<VouchersPage> {
    let scope = admin.0.service_provider_id;
    let service::Batches { batches, types } =
        with_conn(state, move |conn| service::batches(conn, scope)).await?;
    let zone = &admin.0.zone;
    let rows = batches
        .iter()
        .map(|(b, used)| {
            let t = types.iter().find(|t| t.id == b.balance_type_id);
            BatchRow {
                id: b.id,
                balance_type: t.map(|t| t.code.clone()).unwrap_or_default(),
                value: t
                    .map(|t| Amount::from_minor(b.value).show(t.unit, CASH_DECIMALS))
                    .unwrap_or_else(|| b.value.to_string()),
                valid_until: zone.time(b.expires_at),
                count: b.count,
                used: *used,
                unused: i64::from(b.count) - used,
                created_by: b.created_by.clone(),
                created: zone.time(b.created_at),
            }
        })
        .collect();
    Ok(VouchersPage {
        layout: Layout::for_operator(&admin.0, flashes),
        rows,
        types: types
            .iter()
            .map(|t| (t.id.to_string(), format!("{} — {}", t.code, t.name)))
            .collect(),
        deliveries: vec![
            ("page".into(), "Show the numbers on the next page".into()),
            ("csv".into(), "Download the numbers as a CSV file".into()),
        ],
        form,
        made,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    admin: Admin,
    flashes: IncomingFlashMessages,
) -> AppResult<VouchersPage> {
    let mut f = FormState::default();
    f.set("deliver", "page");
    page(&state, &admin, &flashes, f, None).await
}

pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let get = |n: &str| form.0.get(n).unwrap_or("").to_string();
    let posted = BatchForm {
        balance_type_id: get("balance_type_id"),
        count: get("count"),
        value: get("value"),
        expiry: get("expiry"),
    };
    let csv = get("deliver") == "csv";
    let who = admin.0.clone();
    match with_conn(&state, move |conn| {
        service::create_batch(conn, &who, &posted)
    })
    .await?
    {
        BatchOutcome::Created {
            batch,
            code,
            vouchers,
        } if csv => {
            let mut body = String::from("voucher_number,serial_number,balance_type,value,batch\n");
            for (n, s) in &vouchers {
                body.push_str(&format!("{n},{s},{code},{},{}\n", batch.value, batch.id));
            }
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"vouchers-batch-{}.csv\"", batch.id),
                ))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .body(body))
        }
        BatchOutcome::Created {
            batch, vouchers, ..
        } => {
            let mut f = FormState::default();
            f.set("deliver", "page");
            let made = Made {
                id: batch.id,
                vouchers,
            };
            let p = page(&state, &admin, &flashes, f, Some(made)).await?;
            render(StatusCode::OK, &p)
        }
        BatchOutcome::Invalid(mut f) => {
            f.set("deliver", if csv { "csv" } else { "page" });
            let p = page(&state, &admin, &flashes, f, None).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}
