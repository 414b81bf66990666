//! Wallet money over HTTP: balance types, adjustments within limits and the max-balance policy,
//! buckets with offset and expiry dates, bad input changing nothing, concurrent adjustments,
//! and balances recomputed from the EDRs.

use crate::common::spawn_admin;
use crate::common::TestApp;
use crate::subscriber_support::{add_private_wallet, create_subscriber};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use selfcare::db::schema::{
    balance_buckets, balance_types, edr_balances, edrs, wallet_balances, wallets,
};

/// A subscriber with one private wallet (EUR); returns (subscriber id, wallet id).
async fn subscriber_with_wallet(app: &TestApp, card: &str, cli: &str) -> (i64, i64) {
    let sub = create_subscriber(app, card, cli).await;
    add_private_wallet(app, sub, card).await;
    let mut conn = app.db();
    let wallet: i64 = wallets::table
        .filter(wallets::wallet_ref.eq(card))
        .select(wallets::id)
        .first(&mut conn)
        .unwrap();
    (sub, wallet)
}

fn type_id(app: &TestApp, provider: i64, code: &str) -> i64 {
    balance_types::table
        .filter(balance_types::service_provider_id.eq(provider))
        .filter(balance_types::code.eq(code))
        .select(balance_types::id)
        .first(&mut app.db())
        .unwrap()
}

fn edr_count(app: &TestApp, wallet: i64) -> i64 {
    edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

/// The `data-total` of a balance type's row on the subscriber's screen (None: no row).
async fn total(app: &TestApp, sub: i64, code: &str) -> Option<i64> {
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let marker = format!("<tr data-balance-type=\"{code}\" data-total=\"");
    let start = page.find(&marker)? + marker.len();
    page[start..].split('"').next()?.parse().ok()
}

async fn adjust(app: &TestApp, wallet: i64, bt: i64, amount: &str) -> u16 {
    let bt = bt.to_string();
    app.post_form(
        &format!("/wallets/{wallet}/adjustments"),
        &[
            ("balance_type_id", &bt),
            ("amount", amount),
            ("change_reason", ""),
        ],
    )
    .await
    .status()
    .as_u16()
}

async fn add_bucket(
    app: &TestApp,
    wallet: i64,
    bt: i64,
    value: &str,
    offset: &str,
    expiry: &str,
) -> u16 {
    let bt = bt.to_string();
    app.post_form(
        &format!("/wallets/{wallet}/buckets"),
        &[
            ("balance_type_id", &bt),
            ("value", value),
            ("offset", offset),
            ("expiry", expiry),
            ("change_reason", ""),
        ],
    )
    .await
    .status()
    .as_u16()
}

async fn new_type(
    app: &TestApp,
    code: &str,
    unit: &str,
    max: &str,
    policy: &str,
) -> reqwest::Response {
    app.post_form(
        "/admin/balance-types",
        &[
            ("service_provider_id", "1"),
            ("code", code),
            ("name", "A test balance"),
            ("unit", unit),
            ("category", "chargeable"),
            ("max_value", max),
            ("max_policy", policy),
            ("allow_credit", ""),
        ],
    )
    .await
}

async fn set_limit(app: &TestApp, path: &str, bt: &str, (min, max): (&str, &str)) -> u16 {
    app.post_form(path, &[("balance_type_id", bt), ("min", min), ("max", max)])
        .await
        .status()
        .as_u16()
}

fn day(offset_days: i64) -> String {
    let now = selfcare::db::now();
    selfcare::format::format_date(
        now - now.rem_euclid(86_400) + offset_days * 86_400,
        &jiff::tz::TimeZone::UTC,
    )
}

#[tokio::test]
async fn every_provider_has_a_general_cash_type_and_admins_add_more() {
    let app = spawn_admin().await;
    let other = app.service_provider("Other provider");
    assert!(type_id(&app, 1, "GENERAL_CASH") > 0);
    assert!(
        type_id(&app, other, "GENERAL_CASH") > 0,
        "a new provider gets one"
    );

    let r = new_type(&app, "data_mb", "units", "500", "reject").await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html("/admin/balance-types").await;
    let id = type_id(&app, 1, "DATA_MB");
    assert!(
        page.contains(&format!("<tr data-id=\"{id}\">")),
        "listed by id"
    );
    assert!(page.contains("DATA_MB"));
    let audited: i64 = selfcare::db::schema::audit_log::table
        .filter(selfcare::db::schema::audit_log::object_type.eq("balance_type"))
        .filter(selfcare::db::schema::audit_log::object_id.eq(id))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(audited, 1, "the new balance type is audited");

    for (code, unit, max, field) in [
        ("DATA_MB", "units", "", "code"),
        ("X-Y", "units", "", "code"),
        ("MINUTES", "hours", "", "unit"),
        ("MINUTES", "time", "1.5", "max_value"),
        ("CASH2", "cash", "1.005", "max_value"),
    ] {
        let r = new_type(&app, code, unit, max, "limit").await;
        assert_eq!(r.status().as_u16(), 422, "{code} {unit} {max}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains(&format!("id=\"e-{field}\"")),
            "message at {field}"
        );
    }
    let count: i64 = balance_types::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(count, 3, "nothing added by the refused forms");

    let viewer = app.operator_browser("vera", "viewer").await;
    let r = new_type(&viewer, "NOPE", "units", "", "limit").await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn thirty_adjustments_of_ten_cents_make_exactly_three() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "CARD-30", "4790000030").await;
    let cash = type_id(&app, 1, "GENERAL_CASH");
    for _ in 0..30 {
        assert_eq!(adjust(&app, wallet, cash, "0.10").await, 303);
    }
    assert_eq!(total(&app, sub, "GENERAL_CASH").await, Some(300));
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert!(page.contains("data-available=\"300\" data-reserved=\"0\""));
    assert!(
        page.contains(">3.00<"),
        "shown with the currency's decimals"
    );
    assert_eq!(edr_count(&app, wallet), 30, "one EDR per change");
    assert_eq!(
        page.matches("<td>adjust</td>").count(),
        30,
        "each adjustment is in the history"
    );

    // Deleting the subscriber takes its private wallet's balances; the EDRs stay.
    let r = app
        .post_form(&format!("/subscribers/{sub}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let buckets: i64 = balance_buckets::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(buckets, 0);
    assert_eq!(edr_count(&app, wallet), 30);
}

#[tokio::test]
async fn reject_refuses_the_whole_credit_and_limit_cuts_it() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "CARD-MAX", "4790000031").await;
    assert_eq!(
        new_type(&app, "CAPPED_R", "cash", "10.00", "reject")
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        new_type(&app, "CAPPED_L", "cash", "10.00", "limit")
            .await
            .status()
            .as_u16(),
        303
    );
    let (r, l) = (type_id(&app, 1, "CAPPED_R"), type_id(&app, 1, "CAPPED_L"));

    assert_eq!(adjust(&app, wallet, r, "8").await, 303);
    assert_eq!(
        adjust(&app, wallet, r, "5").await,
        422,
        "reject refuses the whole change"
    );
    assert_eq!(total(&app, sub, "CAPPED_R").await, Some(800));

    assert_eq!(adjust(&app, wallet, l, "8").await, 303);
    assert_eq!(
        adjust(&app, wallet, l, "5").await,
        303,
        "limit cuts the change"
    );
    assert_eq!(total(&app, sub, "CAPPED_L").await, Some(1000));
    assert_eq!(
        adjust(&app, wallet, l, "1").await,
        422,
        "nothing left to add"
    );
    assert_eq!(
        add_bucket(&app, wallet, r, "3", "", "").await,
        422,
        "buckets meet the maximum too"
    );
    assert_eq!(
        add_bucket(&app, wallet, r, "3", &day(2), "").await,
        303,
        "not started: not counted"
    );
    assert_eq!(total(&app, sub, "CAPPED_R").await, Some(800));
    assert_eq!(edr_count(&app, wallet), 4);
}

#[tokio::test]
async fn an_offset_bucket_counts_from_its_date_and_an_expired_one_does_not() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "CARD-DATES", "4790000032").await;
    let cash = type_id(&app, 1, "GENERAL_CASH");
    assert_eq!(
        add_bucket(&app, wallet, cash, "5", &day(1), &day(30)).await,
        303
    );
    assert_eq!(
        total(&app, sub, "GENERAL_CASH").await,
        Some(0),
        "not started yet"
    );
    assert_eq!(add_bucket(&app, wallet, cash, "2", "", &day(0)).await, 303);
    assert_eq!(
        total(&app, sub, "GENERAL_CASH").await,
        Some(200),
        "counts through its expiry day"
    );

    // Time passes: the offset date arrives, the other bucket's expiry goes by.
    let now = selfcare::db::now();
    let mut conn = app.db();
    diesel::update(balance_buckets::table.filter(balance_buckets::starts_at.is_not_null()))
        .set(balance_buckets::starts_at.eq(now - 60))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(total(&app, sub, "GENERAL_CASH").await, Some(700));
    diesel::update(balance_buckets::table.filter(balance_buckets::value.eq(200)))
        .set(balance_buckets::expires_at.eq(now - 60))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(
        total(&app, sub, "GENERAL_CASH").await,
        Some(500),
        "expired: not counted"
    );
}

#[tokio::test]
async fn limits_of_the_product_type_and_the_operators_own() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "CARD-LIM", "4790000033").await;
    let cash = type_id(&app, 1, "GENERAL_CASH").to_string();
    assert_eq!(
        set_limit(&app, "/admin/product-types/1/limits", &cash, ("0", "10")).await,
        303
    );
    assert_eq!(
        set_limit(&app, "/admin/product-types/1/limits", &cash, ("5", "1")).await,
        422
    );
    assert_eq!(
        set_limit(&app, "/admin/product-types/1/limits", &cash, ("x", "1")).await,
        422
    );
    let carol = app.operator_browser("carol", "operator").await;
    let carol_id = app.operator_id("carol").await;
    let bt: i64 = cash.parse().unwrap();

    assert_eq!(adjust(&carol, wallet, bt, "10").await, 303);
    assert_eq!(
        adjust(&carol, wallet, bt, "10.01").await,
        422,
        "above the product type's max"
    );
    assert_eq!(
        adjust(&carol, wallet, bt, "-1").await,
        422,
        "negative only when the min is"
    );
    let page = carol.get_html(&format!("/subscribers/{sub}")).await;
    assert!(
        page.contains("GENERAL_CASH: 0.00 to 10.00"),
        "the panel shows the range"
    );

    let path = format!("/operators/{carol_id}/limits");
    assert_eq!(set_limit(&app, &path, &cash, ("-5", "50")).await, 303);
    assert_eq!(
        adjust(&carol, wallet, bt, "-1").await,
        303,
        "her own limit wins"
    );
    assert_eq!(adjust(&carol, wallet, bt, "20").await, 303);
    assert_eq!(adjust(&carol, wallet, bt, "-5.01").await, 422);
    let page = carol.get_html(&format!("/subscribers/{sub}")).await;
    assert!(page.contains("GENERAL_CASH: -5.00 to 50.00"));
    assert_eq!(total(&carol, sub, "GENERAL_CASH").await, Some(2900));
    assert_eq!(total(&app, sub, "GENERAL_CASH").await, Some(2900));
}

#[tokio::test]
async fn bad_input_is_refused_on_the_form_and_changes_nothing() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "CARD-BAD", "4790000034").await;
    let (_, other_wallet) = subscriber_with_wallet(&app, "CARD-OTHER", "4790000035").await;
    let cash = type_id(&app, 1, "GENERAL_CASH");
    let foreign = type_id(&app, app.service_provider("Elsewhere"), "GENERAL_CASH");
    assert_eq!(add_bucket(&app, wallet, cash, "4", "", "").await, 303);
    assert_eq!(add_bucket(&app, other_wallet, cash, "1", "", "").await, 303);
    let other_bucket: i64 = balance_buckets::table
        .inner_join(wallet_balances::table)
        .filter(wallet_balances::wallet_id.eq(other_wallet))
        .select(balance_buckets::id)
        .first(&mut app.db())
        .unwrap();
    let edrs_before = edr_count(&app, wallet) + edr_count(&app, other_wallet);

    for amount in ["ten", "1.005", "10000000000000.01", "-10000000000001", ""] {
        let bt = cash.to_string();
        let r = app
            .post_form(
                &format!("/wallets/{wallet}/adjustments"),
                &[
                    ("balance_type_id", &bt),
                    ("amount", amount),
                    ("subscriber_id", &sub.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422, "amount {amount:?}");
        let body = r.text().await.unwrap();
        // The Adjustments panel is part of the edit form: the message is next to its amount.
        assert!(
            body.contains("id=\"e-amount\""),
            "message next to the amount"
        );
    }
    assert_eq!(
        adjust(&app, wallet, foreign, "1").await,
        422,
        "another provider's type"
    );
    assert_eq!(
        add_bucket(&app, wallet, cash, "1", &day(5), &day(3)).await,
        422,
        "offset after expiry"
    );
    assert_eq!(
        add_bucket(&app, wallet, cash, "1", &day(-1), "").await,
        422,
        "offset in the past"
    );
    assert_eq!(
        add_bucket(&app, wallet, cash, "1", "", &day(-1)).await,
        422,
        "expired already"
    );
    assert_eq!(
        add_bucket(&app, wallet, cash, "1", "", "31-12-2030").await,
        422,
        "not a date"
    );
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/buckets/{other_bucket}"),
            &[("value", "9"), ("offset", ""), ("expiry", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "another wallet's bucket");
    let body = r.text().await.unwrap();
    assert!(
        body.contains("id=\"money-problem\""),
        "the message is on the screen"
    );
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/buckets/{other_bucket}/delete"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "another wallet's bucket");
    assert_eq!(
        adjust(&app, wallet, cash, "-5").await,
        422,
        "no credit on this balance type"
    );

    // While financial changes are audited, a reason is required.
    let r = app
        .post_form("/admin/settings", &[("audit_financial_changes", "on")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(adjust(&app, wallet, cash, "1").await, 422, "no reason");

    assert_eq!(
        edr_count(&app, wallet) + edr_count(&app, other_wallet),
        edrs_before
    );
    assert_eq!(total(&app, sub, "GENERAL_CASH").await, Some(400));

    let bt = cash.to_string();
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/adjustments"),
            &[
                ("balance_type_id", &bt),
                ("amount", "1"),
                ("change_reason", "Goodwill credit"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let reason: Option<String> = edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .order(edrs::id.desc())
        .select(edrs::change_reason)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(
        reason.as_deref(),
        Some("Goodwill credit"),
        "kept with the EDR"
    );
}

#[tokio::test]
async fn concurrent_adjustments_on_one_wallet_are_all_counted() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "CARD-RACE", "4790000036").await;
    let cash = type_id(&app, 1, "GENERAL_CASH").to_string();
    let token = app.csrf_token().await;
    let path = format!("/wallets/{wallet}/adjustments");
    let fields = [("balance_type_id", cash.as_str()), ("amount", "1.00")];
    let posts = (0..20).map(|_| app.post_with_token(&token, &path, &fields));
    let statuses: Vec<u16> = futures_util::future::join_all(posts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(total(&app, sub, "GENERAL_CASH").await, Some(2000));
    assert_eq!(edr_count(&app, wallet), 20);
}

#[tokio::test]
async fn balances_recomputed_from_the_edrs_equal_the_stored_ones() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "CARD-EDR", "4790000037").await;
    assert_eq!(
        new_type(&app, "UNITS", "units", "", "limit")
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        new_type(&app, "CAPPED", "cash", "50.00", "limit")
            .await
            .status()
            .as_u16(),
        303
    );
    let types = [
        type_id(&app, 1, "GENERAL_CASH"),
        type_id(&app, 1, "UNITS"),
        type_id(&app, 1, "CAPPED"),
    ];
    // Activation bonuses (the main wallet's own activation, and each merged pre-use source's).
    for (bt, amount) in [(types[0], "1.00"), (types[2], "20.00")] {
        let bt = bt.to_string();
        let r = app
            .post_form(
                "/admin/product-types/1/bonus",
                &[("balance_type_id", &bt), ("amount", amount)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
    }
    let mut edit = crate::subscriber_support::edit_form(&app, sub).await;
    crate::subscriber_support::set_fields(&mut edit, &[("primary_state", Some("active"))]);
    let r =
        crate::subscriber_support::post_scraped(&app, &format!("/subscribers/{sub}"), &edit).await;
    assert_eq!(r.status().as_u16(), 303, "the wallet is activated");
    let token = app.csrf_token().await;
    let mut rng = StdRng::seed_from_u64(0x5e1f_ca7e);
    let mut merges = 0;
    for i in 0..1000 {
        let bt = types[rng.gen_range(0..types.len())];
        let bts = bt.to_string();
        let buckets: Vec<i64> = balance_buckets::table
            .inner_join(wallet_balances::table)
            .filter(wallet_balances::wallet_id.eq(wallet))
            .select(balance_buckets::id)
            .load(&mut app.db())
            .unwrap();
        let amount = format!("{}", rng.gen_range(-300..=900));
        let (path, fields): (String, Vec<(&str, String)>) = match rng.gen_range(0..25) {
            0 => {
                // A merge: a new subscriber's pre-use wallet (activated by the merge, its bonus
                // applied) with a bucket, merged in under random policies.
                merges += 1;
                let card = format!("CARD-EDR-S{i}");
                let cli = format!("{}", 4_791_000_000u64 + i);
                let source = create_subscriber(&app, &card, &cli).await;
                add_private_wallet(&app, source, &card).await;
                let source_wallet: i64 = wallets::table
                    .filter(wallets::wallet_ref.eq(&card))
                    .select(wallets::id)
                    .first(&mut app.db())
                    .unwrap();
                let expiry = if rng.gen_bool(0.5) {
                    day(rng.gen_range(0..9))
                } else {
                    String::new()
                };
                let value = format!("{}", rng.gen_range(0..=900));
                add_bucket(&app, source_wallet, bt, &value, "", &expiry).await;
                let expiry_policy = ["best", "ignore"][rng.gen_range(0..2)];
                let bucket_policy = ["merge", "move"][rng.gen_range(0..2)];
                (
                    format!("/subscribers/{sub}/merge"),
                    vec![
                        ("source_cli", cli),
                        ("source_wallet_type", "primary".into()),
                        ("target_wallet_type", "primary".into()),
                        ("expiry_policy", expiry_policy.into()),
                        ("bucket_policy", bucket_policy.into()),
                    ],
                )
            }
            1..=12 => (
                format!("/wallets/{wallet}/adjustments"),
                vec![("balance_type_id", bts), ("amount", amount)],
            ),
            13..=18 => (
                format!("/wallets/{wallet}/buckets"),
                vec![
                    ("balance_type_id", bts),
                    ("value", amount),
                    ("expiry", day(rng.gen_range(0..9))),
                ],
            ),
            _ if !buckets.is_empty() => {
                let b = buckets[rng.gen_range(0..buckets.len())];
                if rng.gen_bool(0.5) {
                    (format!("/wallets/{wallet}/buckets/{b}/delete"), vec![])
                } else {
                    (
                        format!("/wallets/{wallet}/buckets/{b}"),
                        vec![("value", amount)],
                    )
                }
            }
            _ => continue,
        };
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let status = app
            .post_with_token(&token, &path, &pairs)
            .await
            .status()
            .as_u16();
        assert!(status == 303 || status == 422, "{path}: {status}");
    }
    let mut conn = app.db();
    for bt in types {
        let costs: Vec<i64> = edr_balances::table
            .inner_join(edrs::table)
            .filter(edrs::wallet_id.eq(wallet))
            .filter(edr_balances::balance_type_id.eq(bt))
            .select(edr_balances::cost)
            .load(&mut conn)
            .unwrap();
        let recomputed: i64 = -costs.iter().sum::<i64>();
        let stored: i64 = balance_buckets::table
            .inner_join(wallet_balances::table)
            .filter(wallet_balances::wallet_id.eq(wallet))
            .filter(wallet_balances::balance_type_id.eq(bt))
            .select(balance_buckets::value)
            .load::<i64>(&mut conn)
            .unwrap()
            .into_iter()
            .sum();
        assert_eq!(recomputed, stored, "balance type {bt}");
        // No bucket has expired or is waiting for its offset: the shown total is the same.
        let code: String = balance_types::table
            .find(bt)
            .select(balance_types::code)
            .first(&mut conn)
            .unwrap();
        assert_eq!(total(&app, sub, &code).await.unwrap_or(0), stored, "{code}");
        if code == "CAPPED" {
            assert!(stored <= 5000, "never beyond its maximum");
        }
        assert!(stored >= 0, "no credit on these balance types");
    }
    assert!(
        edr_count(&app, wallet) > 400,
        "most operations changed something"
    );
    assert!(merges > 20, "merges were part of it: {merges}");
    // Every wallet merged away: its EDRs add up to nothing left.
    let merged: Vec<(i64, i64)> = edr_balances::table
        .inner_join(edrs::table)
        .filter(edrs::wallet_id.ne(wallet))
        .select((edrs::wallet_id, edr_balances::cost))
        .load(&mut conn)
        .unwrap();
    let mut by_wallet = std::collections::BTreeMap::<i64, i64>::new();
    for (w, cost) in merged {
        *by_wallet.entry(w).or_default() += cost;
    }
    assert!(by_wallet.len() >= merges / 2, "sources with EDRs");
    for (w, sum) in by_wallet {
        let left: i64 = wallets::table
            .filter(wallets::id.eq(w))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(left, 0, "source wallet {w} is gone");
        assert_eq!(sum, 0, "wallet {w}: what it gave equals what it had");
    }
    let types_seen: Vec<String> = edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .select(edrs::edr_type)
        .distinct()
        .load(&mut conn)
        .unwrap();
    assert!(types_seen.contains(&"merge".to_string()), "{types_seen:?}");
    assert!(
        types_seen.contains(&"activation".to_string()),
        "{types_seen:?}"
    );
}

#[tokio::test]
async fn only_editors_of_the_wallets_provider_change_its_money() {
    let app = spawn_admin().await;
    let (_, wallet) = subscriber_with_wallet(&app, "CARD-SCOPE", "4790000038").await;
    let cash = type_id(&app, 1, "GENERAL_CASH");
    let viewer = app.operator_browser("vic", "viewer").await;
    assert_eq!(adjust(&viewer, wallet, cash, "1").await, 403);

    let elsewhere = app.service_provider("Elsewhere");
    let outsider = app.operator_browser("otto", "operator").await;
    diesel::update(selfcare::db::schema::operators::table)
        .filter(selfcare::db::schema::operators::username.eq("otto"))
        .set(selfcare::db::schema::operators::service_provider_id.eq(Some(elsewhere)))
        .execute(&mut app.db())
        .unwrap();
    let outsider = outsider.another_browser();
    let r = outsider
        .login("otto", crate::common::OPERATOR_PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        adjust(&outsider, wallet, cash, "1").await,
        404,
        "another provider's wallet"
    );
    assert_eq!(
        adjust(&app, 999_999, cash, "1").await,
        404,
        "no such wallet"
    );
    assert_eq!(edr_count(&app, wallet), 0);
}

#[tokio::test]
async fn buckets_are_edited_time_shows_as_minutes_and_offsets_need_a_chargeable_type() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "CARD-EDIT", "4790000039").await;
    assert_eq!(
        new_type(&app, "CALL_TIME", "time", "", "limit")
            .await
            .status()
            .as_u16(),
        303
    );
    let r = app
        .post_form(
            "/admin/balance-types",
            &[
                ("service_provider_id", "1"),
                ("code", "TRACK"),
                ("name", "Tracker"),
                ("unit", "units"),
                ("category", "tracker"),
                ("max_value", ""),
                ("max_policy", "limit"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (time, track) = (type_id(&app, 1, "CALL_TIME"), type_id(&app, 1, "TRACK"));

    assert_eq!(
        add_bucket(&app, wallet, time, "125", &day(3), "").await,
        303
    );
    assert_eq!(total(&app, sub, "CALL_TIME").await, Some(0));
    let bucket: i64 = balance_buckets::table
        .select(balance_buckets::id)
        .first(&mut app.db())
        .unwrap();
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/buckets/{bucket}"),
            &[("value", "185"), ("offset", ""), ("expiry", &day(10))],
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "the offset taken away, the value raised"
    );
    assert_eq!(total(&app, sub, "CALL_TIME").await, Some(185));
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert!(page.contains(">3:05<"), "time as m:ss");
    assert_eq!(
        add_bucket(&app, wallet, time, "1.5", "", "").await,
        422,
        "whole seconds"
    );

    assert_eq!(
        add_bucket(&app, wallet, track, "3", &day(1), "").await,
        422,
        "a tracker takes no offset"
    );
    assert_eq!(add_bucket(&app, wallet, track, "3", "", "").await, 303);
    let r = app
        .post_form(&format!("/wallets/{wallet}/buckets/{bucket}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(total(&app, sub, "CALL_TIME").await, Some(0));
    assert_eq!(total(&app, sub, "TRACK").await, Some(3));
    assert_eq!(edr_count(&app, wallet), 4);
}
