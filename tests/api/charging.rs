//! The charging API over HTTP: tokens (shown once, hashed, per provider, revocable), the
//! wallet, reservations, commits, releases and charges with their refusals, JSON errors, races
//! of many clients at once (no overdraft, nothing charged twice), expiry by two instances'
//! workers, the reservations panel, and the OpenAPI document.

use crate::common::{spawn_admin, spawn_app_with, TestApp};
use crate::subscriber_support::{add_wallet, create_subscriber};
use diesel::prelude::*;
use selfcare::db::schema::{api_tokens, audit_log, edr_balances, edrs, reservations, wallets};
use serde_json::{json, Value};

/// A token for provider `provider`, made on the admin page; returns it as shown.
pub async fn make_token(app: &TestApp, provider: i64) -> String {
    let r = app
        .post_form(
            "/admin/api-tokens",
            &[
                ("name", "Test switch"),
                ("service_provider_id", &provider.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    let marker = "data-token=\"";
    let start = page.find(marker).expect("the token is shown") + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

/// A subscriber with a private wallet `wallet_ref` holding `cash` (e.g. "10.00") of general
/// cash; returns (subscriber id, wallet id).
pub async fn funded_wallet(
    app: &TestApp,
    card: &str,
    cash: &str,
    max_concurrent: &str,
) -> (i64, i64) {
    let sub = create_subscriber(app, card, &format!("47{card}")).await;
    let r = add_wallet(
        app,
        sub,
        &[("wallet_ref", card), ("max_concurrent", max_concurrent)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let wallet: i64 = wallets::table
        .filter(wallets::wallet_ref.eq(card))
        .select(wallets::id)
        .first(&mut app.db())
        .unwrap();
    let cash_type: i64 = selfcare::db::schema::balance_types::table
        .filter(selfcare::db::schema::balance_types::is_default.eq(true))
        .filter(selfcare::db::schema::balance_types::service_provider_id.eq(1))
        .select(selfcare::db::schema::balance_types::id)
        .first(&mut app.db())
        .unwrap();
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/buckets"),
            &[
                ("balance_type_id", &cash_type.to_string()),
                ("value", cash),
                ("offset", ""),
                ("expiry", ""),
                ("change_reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    (sub, wallet)
}

/// A JSON client of the API with a token (or none).
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub token: Option<String>,
    pub client: reqwest::Client,
}

impl Api {
    pub fn new(app: &TestApp, token: Option<&str>) -> Api {
        Api {
            base: app.address.clone(),
            token: token.map(str::to_string),
            client: reqwest::Client::new(),
        }
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<String>) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let mut req = if method == "GET" {
            self.client.get(url)
        } else {
            self.client.post(url)
        };
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let r = req.send().await.expect("the API answers");
        let status = r.status().as_u16();
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let text = r.text().await.unwrap_or_default();
        assert!(
            ct.starts_with("application/json"),
            "{method} {path} answered {status} in {ct}: {text}"
        );
        let v = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status >= 400 {
            assert!(v["error"].is_string(), "{status} carries an error: {text}");
        }
        (status, v)
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("POST", path, Some(body.to_string())).await
    }

    pub async fn balance(&self, wallet_ref: &str) -> (i64, i64, i64) {
        let (s, v) = self
            .send("GET", &format!("/api/v1/wallets/{wallet_ref}"), None)
            .await;
        assert_eq!(s, 200, "{v}");
        let b = v["balances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["balance_type"] == "GENERAL_CASH")
            .cloned()
            .unwrap_or(json!({"total": 0, "available": 0, "reserved": 0}));
        (
            b["total"].as_i64().unwrap(),
            b["available"].as_i64().unwrap(),
            b["reserved"].as_i64().unwrap(),
        )
    }

    pub async fn reserve(&self, wallet_ref: &str, amount: i64, expires_in_s: i64) -> (u16, Value) {
        self.post(
            &format!("/api/v1/wallets/{wallet_ref}/reservations"),
            json!({"balance_type": "GENERAL_CASH", "amount": amount,
                   "expires_in_s": expires_in_s, "called_number": "+4712345678"}),
        )
        .await
    }
}

/// The sum of EDR costs of a wallet.
fn edr_costs(app: &TestApp, wallet: i64) -> i64 {
    let costs: Vec<i64> = edr_balances::table
        .inner_join(edrs::table)
        .filter(edrs::wallet_id.eq(wallet))
        .select(edr_balances::cost)
        .load(&mut app.db())
        .unwrap();
    costs.iter().sum()
}

#[tokio::test]
async fn tokens_are_shown_once_stored_hashed_per_provider_and_revocable() {
    let app = spawn_admin().await;
    funded_wallet(&app, "800001", "10.00", "5").await;
    let token = make_token(&app, 1).await;
    let list = app.get_html("/admin/api-tokens").await;
    assert!(!list.contains(&token), "shown once only");
    assert!(list.contains("Test switch"));
    let stored: String = api_tokens::table
        .select(api_tokens::token_hash)
        .first(&mut app.db())
        .unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored.len(), 64, "a SHA-256 in hex");

    let api = Api::new(&app, Some(&token));
    let (s, v) = api.send("GET", "/api/v1/wallets/800001", None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["wallet_ref"], "800001");
    assert_eq!(v["state"], "pre_use");
    assert_eq!(api.balance("800001").await, (1000, 1000, 0));
    let (s, _) = api.send("GET", "/api/v1/wallets/nope", None).await;
    assert_eq!(s, 404);
    assert!(app.get_html("/admin/api-tokens").await.contains("data-id"));

    for bad in [None, Some("wrong"), Some("")] {
        let (s, _) = Api::new(&app, bad)
            .send("GET", "/api/v1/wallets/800001", None)
            .await;
        assert_eq!(s, 401, "token {bad:?}");
    }
    // Another provider's token does not see this provider's wallets.
    let r = app
        .post_form(
            "/admin/reference/service-providers",
            &[("name", "Other provider")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let other = make_token(&app, 2).await;
    let (s, _) = Api::new(&app, Some(&other))
        .send("GET", "/api/v1/wallets/800001", None)
        .await;
    assert_eq!(s, 404);
    let (s, _) = Api::new(&app, Some(&other))
        .reserve("800001", 100, 60)
        .await;
    assert_eq!(s, 404);

    // Revoked: 401 from then on, and the revocation is audited.
    let id: i64 = api_tokens::table
        .filter(api_tokens::service_provider_id.eq(1))
        .select(api_tokens::id)
        .first(&mut app.db())
        .unwrap();
    let r = app
        .post_form(&format!("/admin/api-tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (s, _) = api.send("GET", "/api/v1/wallets/800001", None).await;
    assert_eq!(s, 401);
    let revoked: i64 = audit_log::table
        .filter(audit_log::object_type.eq("api_token"))
        .filter(audit_log::action.eq("revoke"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(revoked, 1);
    // Only admins manage tokens.
    let op = app.another_browser();
    app.new_operator("plainop", "operator").await;
    op.login("plainop", crate::common::OPERATOR_PASSWORD).await;
    assert_ne!(op.get("/admin/api-tokens").await.status().as_u16(), 200);
}

/// A revocation that did not go through this instance (another instance's, simulated by
/// writing the row directly) is refused once the token cache's window has passed; one made
/// here (above) is refused at once.
#[tokio::test]
async fn a_token_revoked_elsewhere_is_refused_after_the_cache_window() {
    let app = spawn_admin().await;
    funded_wallet(&app, "800011", "10.00", "5").await;
    let token = make_token(&app, 1).await;
    let api = Api::new(&app, Some(&token));
    // Read and kept by this instance.
    assert_eq!(api.reserve("800011", 100, 60).await.0, 201);
    diesel::update(api_tokens::table)
        .set(api_tokens::revoked_at.eq(Some(selfcare::db::now())))
        .execute(&mut app.db())
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(
        selfcare::service::charging::tokens::CACHE_SECS * 1000 + 500,
    ))
    .await;
    let (s, _) = api.reserve("800011", 100, 60).await;
    assert_eq!(s, 401, "refused after the window");
    let (s, _) = api.send("GET", "/api/v1/wallets/800011", None).await;
    assert_eq!(s, 401);
}

#[tokio::test]
async fn reserve_commit_release_and_charge_with_their_refusals() {
    let app = spawn_admin().await;
    let (sub, wallet) = funded_wallet(&app, "800002", "10.00", "5").await;
    let api = Api::new(&app, Some(&make_token(&app, 1).await));

    let (s, v) = api.reserve("800002", 300, 600).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(api.balance("800002").await, (1000, 700, 300));
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert!(page.contains("data-total=\"1000\" data-available=\"700\" data-reserved=\"300\""));
    assert!(page.contains(&format!("data-reservation-id=\"{id}\"")));

    // Not covered: 409, nothing reserved.
    let (s, _) = api.reserve("800002", 701, 600).await;
    assert_eq!(s, 409);
    // More used than reserved: 422.
    let (s, _) = api
        .post(
            &format!("/api/v1/reservations/{id}/commit"),
            json!({"used": 301}),
        )
        .await;
    assert_eq!(s, 422);
    let (s, v) = api
        .post(
            &format!("/api/v1/reservations/{id}/commit"),
            json!({"used": 250}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], "committed");
    assert_eq!(api.balance("800002").await, (750, 750, 0));
    for path in ["commit", "release"] {
        let (s, _) = api
            .post(
                &format!("/api/v1/reservations/{id}/{path}"),
                json!({"used": 1}),
            )
            .await;
        assert_eq!(s, 409, "{path} after the end");
    }
    // Release: no charge.
    let (_, v) = api.reserve("800002", 500, 600).await;
    let rid = v["id"].as_i64().unwrap();
    let (s, v) = api
        .send("POST", &format!("/api/v1/reservations/{rid}/release"), None)
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(api.balance("800002").await, (750, 750, 0));
    // A direct charge writes an EDR with the called number and duration.
    let (s, v) = api
        .post(
            "/api/v1/wallets/800002/charges",
            json!({"balance_type": "general_cash", "amount": 50, "called_number": "4790000000", "duration_s": 30}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let edr_id = v["edr_id"].as_i64().unwrap();
    let (kind, number, duration): (String, Option<String>, Option<i64>) = edrs::table
        .find(edr_id)
        .select((edrs::edr_type, edrs::called_number, edrs::duration_s))
        .first(&mut app.db())
        .unwrap();
    assert_eq!(
        (kind.as_str(), number.as_deref(), duration),
        ("charge", Some("4790000000"), Some(30))
    );
    let (s, _) = api
        .post(
            "/api/v1/wallets/800002/charges",
            json!({"balance_type": "GENERAL_CASH", "amount": 701}),
        )
        .await;
    assert_eq!(s, 409);
    assert_eq!(api.balance("800002").await, (700, 700, 0));
    assert_eq!(
        edr_costs(&app, wallet),
        1000 - 700 - 1000,
        "EDR costs: bucket −1000, then 250 and 50 charged"
    );

    // Refusals change nothing and answer JSON.
    let before = reservations::table
        .count()
        .get_result::<i64>(&mut app.db())
        .unwrap();
    let cases: Vec<(u16, String)> = vec![
        (
            422,
            json!({"balance_type": "NOPE", "amount": 1}).to_string(),
        ),
        (
            422,
            json!({"balance_type": "GENERAL_CASH", "amount": 0}).to_string(),
        ),
        (
            422,
            json!({"balance_type": "GENERAL_CASH", "amount": -5}).to_string(),
        ),
        (
            422,
            json!({"balance_type": "GENERAL_CASH", "amount": 1_000_000_000_000_001_i64})
                .to_string(),
        ),
        (
            422,
            json!({"balance_type": "GENERAL_CASH", "amount": 1, "expires_in_s": 0}).to_string(),
        ),
        (
            422,
            json!({"balance_type": "GENERAL_CASH", "amount": 1, "called_number": "abc"})
                .to_string(),
        ),
        (
            400,
            json!({"balance_type": "GENERAL_CASH", "amount": "1"}).to_string(),
        ),
        (
            400,
            json!({"balance_type": "GENERAL_CASH", "amount": 1.5}).to_string(),
        ),
        (
            400,
            json!({"balance_type": "GENERAL_CASH", "amount": 1e30}).to_string(),
        ),
        (400, json!({"amount": 1}).to_string()),
        (
            400,
            "{\"balance_type\": \"GENERAL_CASH\", \"amount\": 1".to_string(),
        ),
        (400, "[]".to_string()),
        (400, "".to_string()),
        (
            400,
            json!({"balance_type": "GENERAL\u{0}CASH", "amount": 1}).to_string(),
        ),
        (
            400,
            json!({"balance_type": "GENERAL_CASH", "amount": 1, "called_number": "12\u{1b}3"})
                .to_string(),
        ),
    ];
    for (want, body) in cases {
        let (s, v) = api
            .send(
                "POST",
                "/api/v1/wallets/800002/reservations",
                Some(body.clone()),
            )
            .await;
        assert_eq!(s, want, "{body} → {v}");
    }
    let (s, _) = api.send("GET", "/api/v1/wallets/a%00b", None).await;
    assert_eq!(s, 400, "control characters in the path");
    let (s, _) = api
        .post("/api/v1/reservations/notanumber/commit", json!({"used": 1}))
        .await;
    assert_eq!(s, 404);
    let (s, _) = api
        .post("/api/v1/reservations/999999/commit", json!({"used": 1}))
        .await;
    assert_eq!(s, 404);
    let (s, _) = Api::new(&app, None).reserve("800002", 1, 60).await;
    assert_eq!(s, 401);
    let after = reservations::table
        .count()
        .get_result::<i64>(&mut app.db())
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(api.balance("800002").await, (700, 700, 0));
}

#[tokio::test]
async fn max_concurrent_open_reservations_answer_429() {
    let app = spawn_admin().await;
    funded_wallet(&app, "800003", "10.00", "2").await;
    let api = Api::new(&app, Some(&make_token(&app, 1).await));
    assert_eq!(api.reserve("800003", 100, 600).await.0, 201);
    let (_, v) = api.reserve("800003", 100, 600).await;
    let second = v["id"].as_i64().unwrap();
    assert_eq!(api.reserve("800003", 100, 600).await.0, 429);
    api.send(
        "POST",
        &format!("/api/v1/reservations/{second}/release"),
        None,
    )
    .await;
    assert_eq!(api.reserve("800003", 100, 600).await.0, 201);
}

/// Runs `n` requests at once, each on a client of its own; returns the statuses.
async fn race<F, Fut>(n: usize, f: F) -> Vec<u16>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = u16> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(f(i))).collect();
    let mut out = Vec::new();
    for t in futures_util::future::join_all(tasks).await {
        out.push(t.expect("task"));
    }
    out
}

#[tokio::test]
async fn forty_concurrent_reservations_of_one_on_ten_grant_exactly_ten() {
    let app = spawn_admin().await;
    let (_, wallet) = funded_wallet(&app, "800004", "10.00", "100").await;
    let api = Api::new(&app, Some(&make_token(&app, 1).await));
    let statuses = race(40, |_| {
        let api = Api {
            client: reqwest::Client::new(),
            ..api.clone()
        };
        async move { api.reserve("800004", 100, 600).await.0 }
    })
    .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        30,
        "{statuses:?}"
    );
    assert_eq!(api.balance("800004").await, (1000, 0, 1000));
    // Committing them all charges exactly the balance: zero overdraft.
    let ids: Vec<i64> = reservations::table
        .filter(reservations::wallet_id.eq(wallet))
        .select(reservations::id)
        .load(&mut app.db())
        .unwrap();
    let statuses = race(ids.len(), |i| {
        let api = Api {
            client: reqwest::Client::new(),
            ..api.clone()
        };
        let id = ids[i];
        async move {
            api.post(
                &format!("/api/v1/reservations/{id}/commit"),
                json!({"used": 100}),
            )
            .await
            .0
        }
    })
    .await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(api.balance("800004").await, (0, 0, 0));
    assert_eq!(
        edr_costs(&app, wallet),
        0,
        "−1000 credited, 10 × 100 charged"
    );
}

#[tokio::test]
async fn twenty_concurrent_charges_of_one_on_ten_succeed_ten_times() {
    let app = spawn_admin().await;
    let (_, wallet) = funded_wallet(&app, "800005", "10.00", "1").await;
    let api = Api::new(&app, Some(&make_token(&app, 1).await));
    let statuses = race(20, |_| {
        let api = Api {
            client: reqwest::Client::new(),
            ..api.clone()
        };
        async move {
            api.post(
                "/api/v1/wallets/800005/charges",
                json!({"balance_type": "GENERAL_CASH", "amount": 100, "duration_s": 60}),
            )
            .await
            .0
        }
    })
    .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(api.balance("800005").await, (0, 0, 0));
    let charges: i64 = edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .filter(edrs::edr_type.eq("charge"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(charges, 10);
    assert_eq!(edr_costs(&app, wallet), 0);
}

#[tokio::test]
async fn concurrent_commits_of_one_reservation_charge_once() {
    let app = spawn_admin().await;
    let (_, wallet) = funded_wallet(&app, "800006", "10.00", "5").await;
    let api = Api::new(&app, Some(&make_token(&app, 1).await));
    let (_, v) = api.reserve("800006", 400, 600).await;
    let id = v["id"].as_i64().unwrap();
    let statuses = race(16, |i| {
        let api = Api {
            client: reqwest::Client::new(),
            ..api.clone()
        };
        async move {
            if i % 4 == 3 {
                api.send("POST", &format!("/api/v1/reservations/{id}/release"), None)
                    .await
                    .0
            } else {
                api.post(
                    &format!("/api/v1/reservations/{id}/commit"),
                    json!({"used": 400}),
                )
                .await
                .0
            }
        }
    })
    .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        15,
        "{statuses:?}"
    );
    let (total, _, reserved) = api.balance("800006").await;
    assert!(
        total == 600 || total == 1000,
        "charged once or released: {total}"
    );
    assert_eq!(reserved, 0);
    let ends: i64 = edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .filter(edrs::edr_type.eq("reservation"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert!(ends <= 1);
}

#[tokio::test]
async fn expired_reservations_are_released_once_with_two_workers() {
    let first = spawn_admin().await;
    let second = spawn_app_with(first.database_url.clone()).await;
    let (_, wallet) = funded_wallet(&first, "800007", "10.00", "50").await;
    let api = Api::new(&first, Some(&make_token(&first, 1).await));
    for _ in 0..20 {
        assert_eq!(api.reserve("800007", 10, 1).await.0, 201);
    }
    // Until they expire they hold the balance; then both workers try to release each.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let open: i64 = reservations::table
            .filter(reservations::wallet_id.eq(wallet))
            .filter(reservations::state.eq("open"))
            .count()
            .get_result(&mut first.db())
            .unwrap();
        if open == 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{open} still open");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // A moment for a late second release to show, were there one.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let states: Vec<String> = reservations::table
        .filter(reservations::wallet_id.eq(wallet))
        .select(reservations::state)
        .load(&mut first.db())
        .unwrap();
    assert_eq!(states.len(), 20);
    assert!(states.iter().all(|s| s == "expired"), "{states:?}");
    let released: i64 = audit_log::table
        .filter(audit_log::object_type.eq("reservation"))
        .filter(audit_log::action.eq("expire"))
        .count()
        .get_result(&mut first.db())
        .unwrap();
    assert_eq!(released, 20, "each released exactly once");
    assert_eq!(api.balance("800007").await, (1000, 1000, 0));
    drop(second);
}

#[tokio::test]
async fn the_reservations_panel_commits_revokes_and_deletes_with_a_reason() {
    let app = spawn_admin().await;
    let (sub, wallet) = funded_wallet(&app, "800008", "10.00", "10").await;
    let api = Api::new(&app, Some(&make_token(&app, 1).await));
    let mut ids = Vec::new();
    for charge_on_delete in [false, false, false, true] {
        let (s, v) = api
            .post(
                "/api/v1/wallets/800008/reservations",
                json!({"balance_type": "GENERAL_CASH", "amount": 100, "expires_in_s": 600,
                       "charge_on_delete": charge_on_delete}),
            )
            .await;
        assert_eq!(s, 201);
        ids.push(v["id"].as_i64().unwrap());
    }
    let r = app
        .post_form("/admin/settings", &[("audit_financial_changes", "on")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app
        .get_html(&format!("/reservations/{}/commit", ids[0]))
        .await;
    assert!(page.contains("name=\"change_reason\""));
    // Without a reason while auditing is on: 422, nothing changed.
    let r = app
        .post_form(
            &format!("/reservations/{}/commit", ids[0]),
            &[("change_reason", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(api.balance("800008").await, (1000, 600, 400));
    for (i, action) in ["commit", "revoke", "delete", "delete"].iter().enumerate() {
        let r = app
            .post_form(
                &format!("/reservations/{}/{action}", ids[i]),
                &[("change_reason", "customer call")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{action}");
        assert_eq!(
            crate::common::location(&r),
            format!("/subscribers/{sub}#p-reservations")
        );
    }
    // Commit charged 100, revoke nothing, delete nothing, delete with charge 100.
    assert_eq!(api.balance("800008").await, (800, 800, 0));
    let r = app
        .post_form(
            &format!("/reservations/{}/revoke", ids[0]),
            &[("change_reason", "again")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409, "ended already");
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    for id in &ids {
        assert!(page.contains(&format!("data-reservation-id=\"{id}\"")));
    }
    assert!(page.contains("data-state=\"committed\"") && page.contains("data-state=\"revoked\""));
    let reasons: Vec<Option<String>> = edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .filter(edrs::edr_type.eq("reservation"))
        .select(edrs::change_reason)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(reasons, vec![Some("customer call".to_string()); 2]);
    assert_eq!(
        app.get("/reservations/1/frobnicate")
            .await
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let app = spawn_admin().await;
    let api = Api::new(&app, None);
    let (s, doc) = api.send("GET", "/api/v1/openapi.json", None).await;
    assert_eq!(s, 200);
    let page = app.get_html("/api/docs").await;
    for (method, path) in [
        ("get", "/api/v1/wallets/{wallet_ref}"),
        ("post", "/api/v1/wallets/{wallet_ref}/reservations"),
        ("post", "/api/v1/reservations/{id}/commit"),
        ("post", "/api/v1/reservations/{id}/release"),
        ("post", "/api/v1/wallets/{wallet_ref}/charges"),
        ("post", "/api/v1/wallets/{wallet_ref}/recharges"),
        ("post", "/api/v1/cdrs"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} in the document"
        );
        assert!(
            page.contains(&format!(
                "data-endpoint=\"{} {path}\"",
                method.to_uppercase()
            )),
            "{method} {path} on the page"
        );
    }
    let reserve = &doc["components"]["schemas"]["ReserveRequest"]["properties"];
    for field in ["balance_type", "amount", "expires_in_s", "called_number"] {
        assert!(reserve[field].is_object(), "{field}");
    }
    assert!(page.contains("<code>expires_in_s</code>"));
}

#[tokio::test]
async fn a_bucket_that_expires_before_the_commit_is_not_overdrawn() {
    use selfcare::db::schema::{balance_buckets, balance_types, wallet_balances};
    let app = spawn_admin().await;
    let (_, wallet) = funded_wallet(&app, "800010", "2.00", "5").await;
    let cash: i64 = balance_types::table
        .filter(balance_types::is_default.eq(true))
        .filter(balance_types::service_provider_id.eq(1))
        .select(balance_types::id)
        .first(&mut app.db())
        .unwrap();
    let tomorrow = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    let tomorrow = format!(
        "{:04}-{:02}-{:02}",
        tomorrow.year(),
        u8::from(tomorrow.month()),
        tomorrow.day()
    );
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/buckets"),
            &[
                ("balance_type_id", &cash.to_string()),
                ("value", "8.00"),
                ("offset", ""),
                ("expiry", &tomorrow),
                ("change_reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let api = Api::new(&app, Some(&make_token(&app, 1).await));
    assert_eq!(api.balance("800010").await, (1000, 1000, 0));
    let (s, v) = api.reserve("800010", 900, 600).await;
    assert_eq!(s, 201, "{v}");
    // The dated bucket's day passes while the call goes on.
    let balance_id: i64 = wallet_balances::table
        .filter(wallet_balances::wallet_id.eq(wallet))
        .select(wallet_balances::id)
        .first(&mut app.db())
        .unwrap();
    diesel::update(
        balance_buckets::table
            .filter(balance_buckets::balance_id.eq(balance_id))
            .filter(balance_buckets::expires_at.is_not_null()),
    )
    .set(balance_buckets::expires_at.eq(selfcare::db::now() - 1))
    .execute(&mut app.db())
    .unwrap();
    let id = v["id"].as_i64().unwrap();
    let (s, v) = api
        .post(
            &format!("/api/v1/reservations/{id}/commit"),
            json!({"used": 900}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["used"], 200, "only what was left could be charged: {v}");
    assert_eq!(api.balance("800010").await, (0, 0, 0), "never below zero");
    assert_eq!(edr_costs(&app, wallet), -1000 + 200, "EDRs add up");
}

#[tokio::test]
async fn a_charge_and_a_commit_are_reversed_once_from_their_edr() {
    let app = spawn_admin().await;
    let (_, wallet) = funded_wallet(&app, "800011", "10.00", "5").await;
    let api = Api::new(&app, Some(&make_token(&app, 1).await));
    let (s, v) = api
        .post(
            "/api/v1/wallets/800011/charges",
            json!({"balance_type": "GENERAL_CASH", "amount": 250, "called_number": "+4712345678"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let charge = v["edr_id"].as_i64().unwrap();
    let (_, v) = api.reserve("800011", 300, 600).await;
    let (s, v) = api
        .post(
            &format!("/api/v1/reservations/{}/commit", v["id"]),
            json!({"used": 120}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let commit = v["edr_id"].as_i64().unwrap();
    assert_eq!(api.balance("800011").await.0, 1000 - 250 - 120);

    for (edr, after) in [(charge, 1000 - 120), (commit, 1000)] {
        let r = app
            .post_form(
                &format!("/edrs/{edr}/reverse"),
                &[("change_reason", "disputed call")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "EDR {edr} reversed");
        assert_eq!(api.balance("800011").await.0, after);
        let r = app
            .post_form(
                &format!("/edrs/{edr}/reverse"),
                &[("change_reason", "again")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 409, "and only once");
    }
    assert_eq!(api.balance("800011").await.0, 1000);
    assert_eq!(edr_costs(&app, wallet), -1000, "EDRs add up to the balance");
}
