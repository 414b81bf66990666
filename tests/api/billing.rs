//! Issue 13, billing half: payments (each kind, exact amounts, reversal once even when raced,
//! bad input 422), the CDR import (preview errors per row, commit, the same file twice adds
//! nothing, a raced double commit adds once, unknown and other providers' account codes), the
//! account statement exact to the minor unit over 10,000 CDRs with its five exports, the call
//! analysis totals, and who may do what.

use crate::common::{customer_fields, location, pairs, TestApp, OPERATOR_PASSWORD};
use diesel::prelude::*;
use selfcare::db::schema;

async fn admin_with_customer() -> (TestApp, i64, String) {
    let app = crate::common::spawn_admin().await;
    let id = app.create_customer("billme", "Billing Test AS").await;
    let code: String = schema::customers::table
        .find(id)
        .select(schema::customers::account_code)
        .first(&mut app.db())
        .expect("account code");
    (app, id, code)
}

fn payments(app: &TestApp) -> i64 {
    schema::payments::table
        .count()
        .get_result(&mut *app.db())
        .expect("count payments")
}

fn cdrs(app: &TestApp) -> i64 {
    schema::cdrs::table
        .count()
        .get_result(&mut *app.db())
        .expect("count cdrs")
}

/// The integer in `data-{attr}="…"` on `page`.
fn data(page: &str, attr: &str) -> i64 {
    let key = format!("data-{attr}=\"");
    let start = page
        .find(&key)
        .unwrap_or_else(|| panic!("{key} on the page"))
        + key.len();
    let end = start + page[start..].find('"').unwrap();
    page[start..end].parse().expect("an integer")
}

async fn pay(app: &TestApp, id: i64, kind: &str, amount: &str) -> reqwest::Response {
    app.post_form(
        &format!("/customers/{id}/payments"),
        &[
            ("kind", kind),
            ("amount", amount),
            ("reference", "INV-1"),
            ("note", "test"),
            ("date", ""),
        ],
    )
    .await
}

#[tokio::test]
async fn payments_of_each_kind_are_exact_and_bad_input_changes_nothing() {
    let (app, id, _) = admin_with_customer().await;
    for (kind, amount) in [("payment", "12.50"), ("credit", "1.25"), ("debit", "3")] {
        let r = pay(&app, id, kind, amount).await;
        assert_eq!(r.status().as_u16(), 303, "{kind}");
        assert_eq!(location(&r), format!("/customers/{id}/payments"));
    }
    let page = app.get_html(&format!("/customers/{id}/payments")).await;
    assert_eq!(data(&page, "balance"), 1250 + 125 - 300);
    assert!(page.contains("data-kind=\"debit\" data-amount=\"300\""));
    for (kind, amount) in [
        ("payment", "abc"),
        ("payment", "1.005"),
        ("payment", "0"),
        ("payment", "-5"),
        ("refund", "5"),
        ("payment", ""),
    ] {
        let r = pay(&app, id, kind, amount).await;
        assert_eq!(r.status().as_u16(), 422, "{kind} {amount}");
        let body = r.text().await.unwrap();
        assert!(body.contains("class=\"error\""), "a message at the field");
    }
    let r = app
        .post_form(
            &format!("/customers/{id}/payments"),
            &[("kind", "payment"), ("amount", "1"), ("date", "2999-01-01")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(payments(&app), 3);
    // Another currency: three decimals.
    let c3 = app
        .create_customer_with("mills", &[("billing_decimals", "3"), ("company", "Mills")])
        .await;
    assert_eq!(
        pay(&app, c3, "payment", "0.125").await.status().as_u16(),
        303
    );
    let page = app.get_html(&format!("/customers/{c3}/payments")).await;
    assert_eq!(data(&page, "balance"), 125);
    assert!(page.contains("0.125"));
}

#[tokio::test]
async fn a_reversal_happens_once_even_when_raced() {
    let (app, id, _) = admin_with_customer().await;
    assert_eq!(
        pay(&app, id, "payment", "40.00").await.status().as_u16(),
        303
    );
    let pid: i64 = schema::payments::table
        .select(schema::payments::id)
        .first(&mut app.db())
        .unwrap();
    let path = format!("/customers/{id}/payments/{pid}/reverse");
    let r = app.post_form(&path, &[("reason", "")]).await;
    assert_eq!(r.status().as_u16(), 422, "a reason is needed");
    let body = r.text().await.unwrap();
    assert!(
        body.contains(&format!("<p class=\"error\" id=\"e-reason-{pid}\">")),
        "the message is next to the entry's reason field"
    );
    assert_eq!(payments(&app), 1);
    let token = app.csrf_token().await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let b = app.same_browser_at(&app);
            let (path, token) = (path.clone(), token.clone());
            tokio::spawn(async move {
                b.post_with_token(&token, &path, &[("reason", "paid twice")])
                    .await
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 303).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 303 || *c == 409), "{codes:?}");
    assert_eq!(payments(&app), 2);
    let page = app.get_html(&format!("/customers/{id}/payments")).await;
    assert_eq!(data(&page, "balance"), 0);
    assert!(page.contains("data-amount=\"-4000\""));
    let audit = app.get_html("/audit?object_type=payment").await;
    assert!(audit.contains("paid twice"));
}

fn csv_of(rows: &[String]) -> Vec<u8> {
    let mut s = String::from("account_code,started_at,duration_s,calling,called,cost\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

/// Uploads `file` and answers the preview page and its token path.
async fn upload(app: &TestApp, file: &[u8]) -> (String, String) {
    let r = app
        .post_multipart("/cdrs/import", &[], &[("file", "cdrs.csv", file)])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let preview = location(&r);
    (app.get_html(&preview).await, preview)
}

async fn commit(app: &TestApp, preview: &str) -> u16 {
    app.post_form(&format!("{preview}/commit"), &[])
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_import_previews_row_errors_and_a_file_imported_twice_adds_nothing() {
    let (app, _, code) = admin_with_customer().await;
    let file = csv_of(&[
        format!("{code},2026-01-05 10:00:00,60,+4722000000,+4930123456,0.50"),
        format!("{code},2026-01-05T12:00:00+01:00,90,+4722000000,004420700000,1.25"),
        "NOPE,2026-01-05 10:00:00,60,1,2,0.10".to_string(),
        format!("{code},2026-01-05 10:00:00,-5,1,2,0.10"),
        format!("{code},2026-01-05 10:00:00,5,1,2,0.101"),
        format!("{code},05/01/2026,5,1,2,0.10"),
    ]);
    let (page, preview) = upload(&app, &file).await;
    assert_eq!(data(&page, "new"), 2);
    assert_eq!(data(&page, "bad"), 4);
    assert_eq!(data(&page, "duplicate"), 0);
    for (line, words) in [
        (4, "Unknown account code"),
        (5, "negative"),
        (6, "decimals"),
        (7, "YYYY-MM-DD"),
    ] {
        let row = format!("data-line=\"{line}\"");
        let at = page
            .find(&row)
            .unwrap_or_else(|| panic!("line {line}: {page}"));
        assert!(page[at..at + 300].contains(words), "line {line}");
    }
    assert_eq!(cdrs(&app), 0, "a preview stores nothing");
    assert_eq!(commit(&app, &preview).await, 303);
    assert_eq!(cdrs(&app), 2);
    assert_eq!(commit(&app, &preview).await, 404, "committed once");
    let (page, preview) = upload(&app, &file).await;
    assert_eq!((data(&page, "new"), data(&page, "duplicate")), (0, 2));
    assert_eq!(commit(&app, &preview).await, 303);
    assert_eq!(cdrs(&app), 2, "the same file twice adds nothing");
}

#[tokio::test]
async fn a_raced_double_commit_adds_once() {
    let (app, _, code) = admin_with_customer().await;
    let rows: Vec<String> = (0..3000)
        .map(|i| format!("{code},2026-02-01 00:00:00,{i},+1{i:06},+44{i:07},0.01"))
        .collect();
    let (_, preview) = upload(&app, &csv_of(&rows)).await;
    let token = app.csrf_token().await;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let b = app.same_browser_at(&app);
            let (path, token) = (format!("{preview}/commit"), token.clone());
            tokio::spawn(async move {
                b.post_with_token(&token, &path, &[])
                    .await
                    .status()
                    .as_u16()
            })
        })
        .collect();
    for t in tasks {
        let code = t.await.unwrap();
        assert!(code == 303 || code == 404, "{code}");
    }
    assert_eq!(cdrs(&app), 3000);
}

#[tokio::test]
async fn an_operator_of_one_provider_imports_only_its_customers_rows() {
    let (app, _, code) = admin_with_customer().await;
    let p2 = app.service_provider("Second provider");
    let id = app.new_operator("pia", "operator").await;
    let r = app
        .post_form(
            &format!("/operators/{id}"),
            &[
                ("role", "operator"),
                ("service_provider_id", &p2.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let pia = app.signed_in_as("pia", OPERATOR_PASSWORD).await;
    let file = csv_of(&[format!("{code},2026-01-05 10:00:00,60,1,2,0.50")]);
    let (page, preview) = upload(&pia, &file).await;
    assert_eq!(data(&page, "bad"), 1);
    assert!(page.contains("Unknown account code"));
    assert_eq!(commit(&pia, &preview).await, 303);
    assert_eq!(cdrs(&app), 0);
    // Nor does the other provider's operator see the customer's billing pages.
    let cid: i64 = schema::customers::table
        .select(schema::customers::id)
        .filter(schema::customers::account_code.eq(&code))
        .first(&mut app.db())
        .unwrap();
    for page in ["payments", "statement", "calls", "statement/export.csv"] {
        let r = pia.get(&format!("/customers/{cid}/{page}")).await;
        assert_eq!(r.status().as_u16(), 404, "{page}");
    }
    // And another browser cannot preview or commit someone else's staged file.
    assert_eq!(app.get(&preview).await.status().as_u16(), 404);
}

#[tokio::test]
async fn the_statement_is_exact_over_ten_thousand_cdrs_and_exports_in_five_formats() {
    let (app, id, code) = admin_with_customer().await;
    // 10,000 calls over January and February 2026 UTC, costs 0.00–9.99.
    let mut rows = Vec::new();
    let (mut before, mut within, mut within_calls) = (0i64, 0i64, 0i64);
    let (mut within_secs, mut by_prefix_44) = (0i64, 0i64);
    let jan1 = 1_767_225_600i64; // 2026-01-01 00:00:00 UTC
    let feb1 = jan1 + 31 * 86_400;
    for i in 0..10_000i64 {
        let at = jan1 + i * 523; // ~60 days
        let cost = (i * 7919) % 1000;
        let secs = i % 300;
        let called = if i % 3 == 0 {
            format!("+44{i:07}")
        } else {
            format!("+49{i:07}")
        };
        if at < feb1 {
            before += cost;
        } else {
            within += cost;
            within_calls += 1;
            within_secs += secs;
            if i % 3 == 0 {
                by_prefix_44 += cost;
            }
        }
        let ts = jiff::Timestamp::from_second(at).unwrap();
        let when = ts.strftime("%Y-%m-%d %H:%M:%S").to_string();
        rows.push(format!(
            "{code},{when},{secs},+4722{i:06},{called},{}.{:02}",
            cost / 100,
            cost % 100
        ));
    }
    let (page, preview) = upload(&app, &csv_of(&rows)).await;
    assert_eq!(
        data(&page, "new"),
        10_000,
        "{}",
        &page[..page.len().min(3000)]
    );
    assert_eq!(commit(&app, &preview).await, 303);
    for (kind, amount, date) in [
        ("payment", "100.00", "2026-01-10"),
        ("payment", "2500.55", "2026-02-03"),
        ("credit", "10.01", "2026-02-04"),
        ("debit", "7.77", "2026-02-05"),
    ] {
        let r = app
            .post_form(
                &format!("/customers/{id}/payments"),
                &[
                    ("kind", kind),
                    ("amount", amount),
                    ("reference", "R"),
                    ("note", ""),
                    ("date", date),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
    }
    let q = "from=2026-02-01&to=2026-03-31";
    let page = app
        .get_html(&format!("/customers/{id}/statement?{q}"))
        .await;
    let opening = 10_000 - before;
    assert_eq!(data(&page, "opening"), opening);
    assert_eq!(data(&page, "charges"), within);
    assert_eq!(data(&page, "calls"), within_calls);
    let closing = opening + 250_055 + 1001 - 777 - within;
    assert_eq!(data(&page, "closing"), closing);
    // The balance column's last line is the closing balance, shown as people read it.
    let shown = format!(
        "{}{}.{:02}",
        if closing < 0 { "-" } else { "" },
        closing.abs() / 100,
        closing.abs() % 100
    );
    assert!(page.contains(&shown), "{shown}");
    // Call analysis of the same period.
    let calls = app.get_html(&format!("/customers/{id}/calls?{q}")).await;
    let totals = &calls[calls.find("id=\"totals\"").unwrap()..];
    assert_eq!(data(totals, "calls"), within_calls);
    assert_eq!(data(totals, "seconds"), within_secs);
    assert_eq!(data(totals, "cost"), within);
    let p44 = &calls[calls.find("data-prefix=\"440\"").expect("prefix 440")..];
    let p44_cost: i64 = {
        // 44 followed by the first digit of the 7-digit counter: 440 for i < 1,000,000.
        data(p44, "cost")
    };
    assert_eq!(p44_cost, by_prefix_44);
    assert!(calls.contains("<svg") && calls.contains("<title id=\"chart-title\">"));
    // Exports, all five.
    for fmt in ["csv", "txt", "xlsx", "pdf", "xls"] {
        let r = app
            .get(&format!("/customers/{id}/statement/export.{fmt}?{q}"))
            .await;
        assert_eq!(r.status().as_u16(), 200, "{fmt}");
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.len() > 100, "{fmt}");
        if fmt == "csv" {
            let text = String::from_utf8(bytes.to_vec()).unwrap();
            assert!(text.contains("Opening balance") && text.contains("Closing balance"));
            assert!(text.contains(&shown), "the closing balance in the CSV");
        }
    }
}

#[tokio::test]
async fn viewers_read_and_cannot_change() {
    let (app, id, _) = admin_with_customer().await;
    assert_eq!(pay(&app, id, "payment", "5").await.status().as_u16(), 303);
    let viewer = app.operator_browser("vera", "viewer").await;
    for page in ["payments", "statement", "calls"] {
        let r = viewer.get(&format!("/customers/{id}/{page}")).await;
        assert_eq!(r.status().as_u16(), 200, "{page}");
    }
    assert!(!viewer
        .get_html(&format!("/customers/{id}/payments"))
        .await
        .contains("enter-payment"));
    assert_eq!(
        pay(&viewer, id, "payment", "5").await.status().as_u16(),
        403
    );
    assert_eq!(viewer.get("/cdrs/import").await.status().as_u16(), 403);
    assert_eq!(payments(&app), 1);
    let anon = app.another_browser();
    let r = anon.get(&format!("/customers/{id}/statement")).await;
    assert_eq!(r.status().as_u16(), 303, "to the sign-in page");
}

/// Posts the edit form of the customer made by `admin_with_customer` with `billing_decimals`.
async fn edit_decimals(app: &TestApp, id: i64, decimals: &str) -> reqwest::Response {
    let page = app.get_html(&format!("/customers/{id}/edit")).await;
    let marker = "name=\"version\" value=\"";
    let start = page.find(marker).expect("version field") + marker.len();
    let end = start + page[start..].find('"').unwrap();
    let mut f = customer_fields(
        "billme",
        &[
            ("company", "Billing Test AS"),
            ("password", ""),
            ("password_confirm", ""),
            ("billing_decimals", decimals),
        ],
    );
    f.push(("version", page[start..end].to_string()));
    app.post_form(&format!("/customers/{id}"), &pairs(&f)).await
}

#[tokio::test]
async fn billing_decimals_are_fixed_once_the_customer_has_amounts() {
    let (app, id, code) = admin_with_customer().await;
    let decimals = |app: &TestApp| -> i32 {
        schema::customers::table
            .find(id)
            .select(schema::customers::billing_decimals)
            .first(&mut app.db())
            .expect("decimals")
    };
    assert_eq!(edit_decimals(&app, id, "3").await.status().as_u16(), 303);
    assert_eq!(decimals(&app), 3, "free to change while nothing is on file");
    assert_eq!(edit_decimals(&app, id, "2").await.status().as_u16(), 303);
    // A CDR alone fixes them too.
    let (_, preview) = upload(
        &app,
        &csv_of(&[format!("{code},2026-01-05 10:00:00,60,1,2,0.50")]),
    )
    .await;
    assert_eq!(commit(&app, &preview).await, 303);
    let r = edit_decimals(&app, id, "3").await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("id=\"e-billing_decimals\""),
        "the message is at the field"
    );
    assert_eq!(decimals(&app), 2, "nothing changed");
    assert_eq!(
        edit_decimals(&app, id, "2").await.status().as_u16(),
        303,
        "the same decimals save"
    );
}
