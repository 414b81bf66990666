//! CDRs through the JSON API (`POST /api/v1/cdrs`): a batch is stored whole or, when a record
//! is bad, not at all (each bad record named by its index); resending a batch adds nothing; the
//! costs are minor units and land on the customer's statement; a token sees only its own
//! provider's account codes.

use crate::charging::{make_token, Api};
use crate::common::{spawn_admin, TestApp};
use diesel::prelude::*;
use selfcare::db::schema::{cdrs, customers};
use serde_json::{json, Value};

async fn customer(app: &TestApp, username: &str) -> (i64, String) {
    let id = app.create_customer(username, "Api Billing AS").await;
    let code: String = customers::table
        .find(id)
        .select(customers::account_code)
        .first(&mut app.db())
        .unwrap();
    (id, code)
}

fn cdr(code: &str, minute: u32, cost: i64) -> Value {
    json!({
        "account_code": code,
        "started_at": format!("2026-11-02 08:{minute:02}:00"),
        "duration_s": 60,
        "calling": "+4712345678",
        "called": "+4498765432",
        "cost": cost,
    })
}

fn stored(app: &TestApp) -> i64 {
    cdrs::table.count().get_result(&mut app.db()).unwrap()
}

#[tokio::test]
async fn a_batch_is_stored_once_and_its_costs_reach_the_statement() {
    let app = spawn_admin().await;
    let (id, code) = customer(&app, "apicdr1").await;
    let api = Api::new(&app, Some(&make_token(&app, 1).await));
    let batch = json!({ "cdrs": (0..30).map(|m| cdr(&code, m, 7)).collect::<Vec<_>>() });
    let (s, v) = api.post("/api/v1/cdrs", batch.clone()).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["new_rows"], 30);
    assert_eq!(v["duplicate_rows"], 0);
    assert!(v["import_id"].is_i64());
    let (s, v) = api.post("/api/v1/cdrs", batch).await;
    assert_eq!(s, 201);
    assert_eq!(
        (v["new_rows"].as_i64(), v["duplicate_rows"].as_i64()),
        (Some(0), Some(30))
    );
    assert_eq!(stored(&app), 30);
    let page = app
        .get_html(&format!(
            "/customers/{id}/statement?from=2026-11-01&to=2026-11-30"
        ))
        .await;
    assert!(
        page.contains("data-closing=\"-210\""),
        "30 × 7 charged: {page}"
    );
}

#[tokio::test]
async fn a_batch_with_a_bad_record_stores_nothing_and_names_each_bad_one() {
    let app = spawn_admin().await;
    let (_, code) = customer(&app, "apicdr2").await;
    let api = Api::new(&app, Some(&make_token(&app, 1).await));
    let mut negative = cdr(&code, 3, 5);
    negative["duration_s"] = json!(-1);
    let mut letters = cdr(&code, 4, 5);
    letters["called"] = json!("CALL-ME");
    let batch = json!({ "cdrs": [
        cdr(&code, 1, 5),
        cdr("no-such-account", 2, 5),
        negative,
        letters,
        cdr(&code, 5, -3),
    ]});
    let (s, v) = api.post("/api/v1/cdrs", batch).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["bad_rows"], 4);
    let indexes: Vec<i64> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["index"].as_i64().unwrap())
        .collect();
    assert_eq!(indexes, vec![1, 2, 3, 4]);
    assert!(v["errors"][0]["error"]
        .as_str()
        .unwrap()
        .contains("no-such-account"));
    assert_eq!(stored(&app), 0);

    for bad in [
        json!({ "cdrs": [] }),
        json!({ "cdrs": "many" }),
        json!([cdr(&code, 1, 5)]),
        json!({ "cdrs": [{ "account_code": code }] }),
    ] {
        let (s, v) = api.post("/api/v1/cdrs", bad.clone()).await;
        assert!(s == 400 || s == 422, "{bad} → {s} {v}");
    }
    assert_eq!(stored(&app), 0);
}

#[tokio::test]
async fn a_token_sees_only_its_providers_account_codes() {
    let app = spawn_admin().await;
    let (_, code) = customer(&app, "apicdr3").await;
    let other = app.service_provider("Other Telecom");
    let stranger = Api::new(&app, Some(&make_token(&app, other).await));
    let batch = json!({ "cdrs": [cdr(&code, 1, 5)] });
    let (s, v) = stranger.post("/api/v1/cdrs", batch.clone()).await;
    assert_eq!(
        s, 422,
        "another provider's account code is unknown to it: {v}"
    );
    assert_eq!(
        Api::new(&app, None).post("/api/v1/cdrs", batch).await.0,
        401
    );
    assert_eq!(stored(&app), 0);
}
