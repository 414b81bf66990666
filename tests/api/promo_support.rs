//! Helpers of the promotions, credit card and top-up tests: a subscriber with an active
//! wallet, balance types of a category, totals read off the edit screen, EDR counts, and a
//! search of the whole database for a string.
#![allow(dead_code)]

use crate::common::TestApp;
use crate::subscriber_support::{add_private_wallet, create_subscriber, save_ok};
use diesel::prelude::*;
use selfcare::db::schema::{balance_types, edrs, wallets};

/// A subscriber with one private wallet, made active; returns (subscriber id, wallet id).
pub async fn active_subscriber(app: &TestApp, card: &str, cli: &str) -> (i64, i64) {
    let sub = create_subscriber(app, card, cli).await;
    add_private_wallet(app, sub, card).await;
    save_ok(app, sub, &[("primary_state", Some("active"))]).await;
    let wallet: i64 = wallets::table
        .filter(wallets::wallet_ref.eq(card))
        .select(wallets::id)
        .first(&mut app.db())
        .unwrap();
    (sub, wallet)
}

/// Adds a balance type of provider 1 through the admin form; returns its id.
pub async fn balance_type(app: &TestApp, code: &str, category: &str, max: &str) -> i64 {
    let r = app
        .post_form(
            "/admin/balance-types",
            &[
                ("service_provider_id", "1"),
                ("code", code),
                ("name", "A test balance"),
                ("unit", "units"),
                ("category", category),
                ("max_value", max),
                ("max_policy", "limit"),
                ("allow_credit", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "balance type {code} is added");
    type_id(app, code)
}

pub fn type_id(app: &TestApp, code: &str) -> i64 {
    balance_types::table
        .filter(balance_types::service_provider_id.eq(1))
        .filter(balance_types::code.eq(code))
        .select(balance_types::id)
        .first(&mut app.db())
        .unwrap()
}

/// The `data-total` of a balance type's row on the subscriber's screen (None: no row).
pub async fn total(app: &TestApp, sub: i64, code: &str) -> Option<i64> {
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let marker = format!("<tr data-balance-type=\"{code}\" data-total=\"");
    let start = page.find(&marker)? + marker.len();
    page[start..].split('"').next()?.parse().ok()
}

/// Posts an adjustment (no reason); returns the status.
pub async fn adjust(app: &TestApp, wallet: i64, bt: i64, amount: &str) -> u16 {
    let bt = bt.to_string();
    app.post_form(
        &format!("/wallets/{wallet}/adjustments"),
        &[("balance_type_id", bt.as_str()), ("amount", amount)],
    )
    .await
    .status()
    .as_u16()
}

/// How many EDRs of `edr_type` the wallet has.
pub fn edrs_of_type(app: &TestApp, wallet: i64, edr_type: &str) -> i64 {
    edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .filter(edrs::edr_type.eq(edr_type))
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

/// The attribute `attr` of the table row whose opening tag has `marker`, e.g. the
/// `data-status` of `data-id="3"` in the promotions table.
pub fn row_attr(html: &str, table_id: &str, marker: &str, attr: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{table_id}\""))?;
    let end = html[start..].find("</table>").map(|e| start + e)?;
    let row = html[start..end]
        .split("<tr ")
        .find(|r| r.split('>').next().is_some_and(|tag| tag.contains(marker)))?;
    let tag = row.split('>').next()?;
    let key = format!("{attr}=\"");
    let at = tag.find(&key)? + key.len();
    Some(tag[at..].split('"').next()?.to_string())
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Whether `needle` is anywhere in the app's database: on SQLite in the bytes of the database
/// file and its write-ahead log; on PostgreSQL in the text of any row of any table.
pub fn database_contains(app: &TestApp, needle: &str) -> bool {
    if let Some(path) = app.database_url.strip_prefix("sqlite://") {
        // Everything written reaches the database file or its log.
        return ["", "-wal"].iter().any(|suffix| {
            std::fs::read(format!("{path}{suffix}"))
                .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
                .unwrap_or(false)
        });
    }
    let mut conn = diesel::PgConnection::establish(&app.database_url).expect("PostgreSQL");
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
    .load(&mut conn)
    .unwrap();
    assert!(tables.len() > 10, "the tables are listed");
    tables.iter().any(|t| {
        let c: Count = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM \"{}\" t WHERE t::text LIKE '%{needle}%'",
            t.name
        ))
        .get_result(&mut conn)
        .unwrap();
        c.n > 0
    })
}
