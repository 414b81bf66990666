//! The wallet's money as people read it: exchange rates (admin reference data, exact decimals),
//! balances in the display currency (half-even), the Balances panel's category filter, the
//! general cash balance on each wallet's header and in the search results, and the balance
//! history chart drawn from the EDRs.

use crate::common::spawn_admin;
use crate::common::TestApp;
use crate::subscriber_support::{add_wallet, column, create_subscriber};
use diesel::prelude::*;
use selfcare::db::schema::{audit_log, balance_types, edr_balances, edrs, exchange_rates, wallets};

const EUR: &str = "1";
const USD: &str = "5";
const JPY: &str = "7";

async fn wallet_showing_in(app: &TestApp, card: &str, cli: &str, display: &str) -> (i64, i64) {
    let sub = create_subscriber(app, card, cli).await;
    let r = add_wallet(
        app,
        sub,
        &[("wallet_ref", card), ("display_currency_id", display)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303, "wallet {card} is added");
    let wallet: i64 = wallets::table
        .filter(wallets::wallet_ref.eq(card))
        .select(wallets::id)
        .first(&mut app.db())
        .unwrap();
    (sub, wallet)
}

fn type_id(app: &TestApp, code: &str) -> i64 {
    balance_types::table
        .filter(balance_types::service_provider_id.eq(1))
        .filter(balance_types::code.eq(code))
        .select(balance_types::id)
        .first(&mut app.db())
        .unwrap()
}

async fn set_rate(app: &TestApp, from: &str, to: &str, rate: &str) -> reqwest::Response {
    app.post_form(
        "/admin/exchange-rates",
        &[
            ("from_currency_id", from),
            ("to_currency_id", to),
            ("rate", rate),
        ],
    )
    .await
}

async fn add_bucket(app: &TestApp, wallet: i64, bt: i64, value: &str, offset: &str) {
    let bt = bt.to_string();
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/buckets"),
            &[
                ("balance_type_id", &bt),
                ("value", value),
                ("offset", offset),
                ("expiry", ""),
                ("change_reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "bucket {value} is added");
}

async fn adjust(app: &TestApp, wallet: i64, bt: i64, amount: &str) {
    let bt = bt.to_string();
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/adjustments"),
            &[
                ("balance_type_id", &bt),
                ("amount", amount),
                ("change_reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "adjustment {amount} is done");
}

async fn new_type(app: &TestApp, code: &str, unit: &str, category: &str) {
    let r = app
        .post_form(
            "/admin/balance-types",
            &[
                ("service_provider_id", "1"),
                ("code", code),
                ("name", "Test balance"),
                ("unit", unit),
                ("category", category),
                ("max_value", ""),
                ("max_policy", "limit"),
                ("allow_credit", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "balance type {code}");
}

/// The text of the element after `marker` up to the next `<`.
fn text_after<'a>(page: &'a str, marker: &str) -> Option<&'a str> {
    let start = page.find(marker)? + marker.len();
    let rest = &page[start..];
    let rest = &rest[rest.find('>')? + 1..];
    rest.split('<').next()
}

fn rates(app: &TestApp) -> Vec<(i64, i64, i64, i32)> {
    exchange_rates::table
        .order(exchange_rates::id)
        .select((
            exchange_rates::from_currency_id,
            exchange_rates::to_currency_id,
            exchange_rates::rate_mantissa,
            exchange_rates::rate_scale,
        ))
        .load(&mut app.db())
        .unwrap()
}

#[tokio::test]
async fn exchange_rates_are_exact_decimals_that_admins_set_and_the_audit_log_keeps() {
    let app = spawn_admin().await;
    let page = app.get_html("/admin/reference/currencies").await;
    assert!(page.contains("href=\"/admin/exchange-rates\""), "linked");
    let page = app.get_html("/admin/exchange-rates").await;
    assert!(page.contains("No exchange rate yet."));

    let r = set_rate(&app, EUR, USD, "1.0850").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(rates(&app), vec![(1, 5, 1085, 3)], "kept as 1085 × 10^-3");
    let page = app.get_html("/admin/exchange-rates").await;
    assert!(page.contains("data-pair=\"EUR-USD\""));
    assert!(page.contains("data-rate=\"1.085\""));

    // Setting the pair again replaces its rate.
    assert_eq!(set_rate(&app, EUR, USD, "0.000000125").await.status(), 303);
    assert_eq!(rates(&app), vec![(1, 5, 125, 9)]);

    for (from, to, rate, field) in [
        (EUR, USD, "abc", "rate"),
        (EUR, USD, "1.5e3", "rate"),
        (EUR, USD, "0", "rate"),
        (EUR, USD, "-1.2", "rate"),
        (EUR, USD, "1.0000000001", "rate"),
        (EUR, USD, "", "rate"),
        (EUR, EUR, "1", "to_currency_id"),
        ("999", USD, "1", "from_currency_id"),
        (EUR, "x", "1", "to_currency_id"),
    ] {
        let r = set_rate(&app, from, to, rate).await;
        assert_eq!(r.status().as_u16(), 422, "{from} {to} {rate:?}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains(&format!("id=\"e-{field}\"")),
            "message at {field}"
        );
        assert!(body.contains(&format!("value=\"{}\"", rate.replace('"', ""))) || rate.is_empty());
    }
    assert_eq!(
        rates(&app),
        vec![(1, 5, 125, 9)],
        "refused forms change nothing"
    );

    let audited: Vec<String> = audit_log::table
        .filter(audit_log::object_type.eq("exchange_rate"))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(audited, vec!["create", "update"]);

    let id: i64 = exchange_rates::table
        .select(exchange_rates::id)
        .first(&mut app.db())
        .unwrap();
    let r = app
        .post_form(&format!("/admin/exchange-rates/{id}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(rates(&app).is_empty());
    let r = app
        .post_form(&format!("/admin/exchange-rates/{id}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 404, "a second delete finds nothing");

    // A currency a rate names is in use.
    assert_eq!(set_rate(&app, USD, JPY, "150").await.status(), 303);
    let r = app
        .post_form(&format!("/admin/reference/currencies/{JPY}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 409, "JPY is named by a rate");

    let viewer = app.operator_browser("vera", "viewer").await;
    assert_eq!(
        set_rate(&viewer, EUR, USD, "2").await.status().as_u16(),
        403
    );
    assert_eq!(
        viewer.get("/admin/exchange-rates").await.status().as_u16(),
        403
    );
}

#[tokio::test]
async fn cash_balances_show_in_the_display_currency_rounded_half_to_even() {
    let app = spawn_admin().await;
    let (sub, wallet) = wallet_showing_in(&app, "DISP-1", "4791000001", USD).await;
    let cash = type_id(&app, "GENERAL_CASH");
    new_type(&app, "CALL_TIME", "time", "chargeable").await;
    let time = type_id(&app, "CALL_TIME");
    add_bucket(&app, wallet, cash, "10.05", "").await;
    add_bucket(&app, wallet, time, "125", "").await;

    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert!(page.contains("<th>Total in USD</th>"));
    assert_eq!(
        text_after(&page, "data-display=\"GENERAL_CASH\""),
        Some("no rate"),
        "no rate, no number"
    );
    assert_eq!(text_after(&page, "data-display=\"CALL_TIME\""), Some(""));
    assert!(
        page.contains("<td>2:05</td>"),
        "time shown as m:ss: 125 s is 2:05"
    );

    // 10.05 × 0.5 = 5.025 → 5.02 (the even neighbour).
    assert_eq!(set_rate(&app, EUR, USD, "0.5").await.status(), 303);
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert_eq!(
        text_after(&page, "data-display=\"GENERAL_CASH\""),
        Some("5.02 USD")
    );
    // 10.07 × 0.5 = 5.035 → 5.04 (the even neighbour, this time up).
    adjust(&app, wallet, cash, "0.02").await;
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert_eq!(
        text_after(&page, "data-display=\"GENERAL_CASH\""),
        Some("5.04 USD")
    );
    // A rate to a currency without decimals: 10.07 × 150.5 = 1515.535 → 1516 JPY.
    let (sub_jpy, wallet_jpy) = wallet_showing_in(&app, "DISP-2", "4791000002", JPY).await;
    add_bucket(&app, wallet_jpy, cash, "10.07", "").await;
    let page = app.get_html(&format!("/subscribers/{sub_jpy}")).await;
    assert_eq!(
        text_after(&page, "data-display=\"GENERAL_CASH\""),
        Some("no rate"),
        "EUR→USD is not EUR→JPY"
    );
    assert_eq!(set_rate(&app, EUR, JPY, "150.5").await.status(), 303);
    let page = app.get_html(&format!("/subscribers/{sub_jpy}")).await;
    assert_eq!(
        text_after(&page, "data-display=\"GENERAL_CASH\""),
        Some("1516 JPY")
    );

    // A wallet shown in its own currency has no extra column.
    let (sub_eur, _) = wallet_showing_in(&app, "DISP-3", "4791000003", EUR).await;
    let page = app.get_html(&format!("/subscribers/{sub_eur}")).await;
    assert!(!page.contains("Total in"));
}

#[tokio::test]
async fn the_balances_panel_filters_by_category_without_javascript() {
    let app = spawn_admin().await;
    let (sub, wallet) = wallet_showing_in(&app, "CAT-1", "4791000010", EUR).await;
    new_type(&app, "FRAUD_CNT", "units", "fraud").await;
    add_bucket(&app, wallet, type_id(&app, "GENERAL_CASH"), "3", "").await;
    add_bucket(&app, wallet, type_id(&app, "FRAUD_CNT"), "7", "").await;

    let rows = |page: &str| -> Vec<String> {
        page.split("<tr data-balance-type=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next().map(str::to_string))
            .collect()
    };
    let all = app.get_html(&format!("/subscribers/{sub}")).await;
    assert_eq!(rows(&all), ["FRAUD_CNT", "GENERAL_CASH"]);
    assert!(all.contains("<form method=\"get\" action=\"/subscribers/"));
    assert!(all.contains("<label for=\"f-balance-category\">"));

    let fraud = app
        .get_html(&format!("/subscribers/{sub}?category=fraud"))
        .await;
    assert_eq!(rows(&fraud), ["FRAUD_CNT"]);
    assert!(fraud.contains("<option value=\"fraud\" selected>"));
    assert_eq!(fraud.matches("data-chart=\"").count(), 1);
    let chargeable = app
        .get_html(&format!("/subscribers/{sub}?category=chargeable"))
        .await;
    assert_eq!(rows(&chargeable), ["GENERAL_CASH"]);
    let tracker = app
        .get_html(&format!("/subscribers/{sub}?category=tracker"))
        .await;
    assert!(rows(&tracker).is_empty());
    assert!(tracker.contains("No balance of this category."));
    let unknown = app
        .get_html(&format!("/subscribers/{sub}?category=%3Cb%3E"))
        .await;
    assert_eq!(
        rows(&unknown),
        ["FRAUD_CNT", "GENERAL_CASH"],
        "unknown: all"
    );
}

#[tokio::test]
async fn general_cash_is_on_each_wallets_header_and_in_the_search_results() {
    let app = spawn_admin().await;
    let (sub, wallet) = wallet_showing_in(&app, "GEN-1", "4791000020", EUR).await;
    let cash = type_id(&app, "GENERAL_CASH");
    add_bucket(&app, wallet, cash, "12.30", "").await;
    // An offset bucket that has not started does not count.
    let tomorrow =
        selfcare::format::format_date(selfcare::db::now() + 2 * 86_400, &jiff::tz::TimeZone::UTC);
    add_bucket(&app, wallet, cash, "5", &tomorrow).await;
    let (_, _) = wallet_showing_in(&app, "GEN-2", "4791000021", EUR).await;
    create_subscriber(&app, "GEN-3", "4791000022").await;

    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert!(page.contains("general cash <span data-general-cash=\"1230\">12.30 EUR</span>"));

    let found = app
        .get_html("/subscribers?card_number=GEN-&match=prefix")
        .await;
    assert!(found.contains("<th data-col=\"general_cash\">General cash</th>"));
    assert_eq!(
        column(&found, "general_cash"),
        ["12.30 EUR", "0.00 EUR", ""],
        "each wallet's total; none without a wallet"
    );

    let csv = app
        .get("/subscribers/export.csv?card_number=GEN-&match=prefix")
        .await
        .text()
        .await
        .unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().contains("General cash"));
    assert!(lines.next().unwrap().contains("12.30 EUR"));
}

/// Writes an EDR of the wallet at `at` moving GENERAL_CASH from `before` to `after`.
fn old_edr(app: &TestApp, wallet: i64, bt: i64, at: i64, before: i64, after: i64) {
    let mut conn = app.db();
    let id: i64 = diesel::insert_into(edrs::table)
        .values((
            edrs::edr_type.eq("adjustment"),
            edrs::service_provider_id.eq(1),
            edrs::wallet_id.eq(wallet),
            edrs::created_at.eq(at),
        ))
        .returning(edrs::id)
        .get_result(&mut conn)
        .unwrap();
    diesel::insert_into(edr_balances::table)
        .values((
            edr_balances::edr_id.eq(id),
            edr_balances::balance_type_id.eq(bt),
            edr_balances::before_total.eq(before),
            edr_balances::after_total.eq(after),
            edr_balances::cost.eq(before - after),
        ))
        .execute(&mut conn)
        .unwrap();
}

/// The chart of a balance type: from its `<svg` to the end of its hidden table.
fn chart<'a>(page: &'a str, code: &str) -> &'a str {
    let start = page
        .find(&format!("data-chart=\"{code}\""))
        .expect("a chart");
    let rest = &page[start..];
    &rest[..rest.find("</figure>").unwrap()]
}

#[tokio::test]
async fn the_balance_history_chart_follows_the_edrs_in_the_viewers_zone() {
    let app = spawn_admin().await;
    let (sub, wallet) = wallet_showing_in(&app, "HIST-1", "4791000030", EUR).await;
    let cash = type_id(&app, "GENERAL_CASH");
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert!(!page.contains("data-chart="), "no balance, no chart");

    let now = selfcare::db::now();
    // 100 days ago is outside the window, 30 days ago inside.
    old_edr(&app, wallet, cash, now - 100 * 86_400, 0, 111);
    let thirty = now - 30 * 86_400;
    old_edr(&app, wallet, cash, thirty, 111, 4000);
    add_bucket(&app, wallet, cash, "40", "").await;
    adjust(&app, wallet, cash, "-15.50").await;

    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let c = chart(&page, "GENERAL_CASH");
    assert!(c.contains("<svg class=\"chart\""));
    assert!(c.contains("role=\"img\""));
    assert!(c.contains("<title id=\""), "named");
    assert!(c.contains("<desc id=\""), "described");
    assert!(
        c.contains("data-points=\"3\""),
        "the old EDR is outside the window"
    );
    assert!(
        c.contains("1.11 at the start, 24.50 at the end, lowest 1.11, highest 40.00, 3 change(s)."),
        "the summary: {c}"
    );
    assert!(c.contains("<table class=\"visually-hidden\""));
    assert!(c.contains("<th scope=\"col\">When</th>"));
    for v in ["40.00", "24.50"] {
        assert!(c.contains(&format!("<td>{v}</td>")), "{v} listed");
    }
    let utc = selfcare::format::format_time(thirty, &jiff::tz::TimeZone::UTC);
    assert!(c.contains(&format!("<td>{utc}</td>")), "UTC by default");

    // The viewer's own zone names the times.
    let r = app
        .post_form("/preferences", &[("time_zone", "Pacific/Auckland")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let c = chart(&page, "GENERAL_CASH");
    let auckland = jiff::tz::TimeZone::get("Pacific/Auckland").unwrap();
    let local = selfcare::format::format_time(thirty, &auckland);
    assert_ne!(local, utc);
    assert!(
        c.contains(&format!("<td>{local}</td>")),
        "in the viewer's zone"
    );
    let from = selfcare::format::format_date(now - 90 * 86_400, &auckland);
    assert!(c.contains(&format!(">{from}</text>")), "axis dates too");
}

#[tokio::test]
async fn demo_data_gives_wallets_balances_buckets_and_edrs_that_add_up() {
    use selfcare::db::schema::{balance_buckets, wallet_balances};
    let url = crate::common::fresh_database_url();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_selfcare"))
        .args(["demo-data", "--subscribers", "300"])
        .env("DATABASE_URL", &url)
        .env("SELFCARE_ADMIN_PASSWORD", crate::common::ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run selfcare");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = crate::common::spawn_app_with(url).await;
    app.login_admin().await;
    let mut conn = app.db();
    let now = selfcare::db::now();

    let wallet_ids: Vec<i64> = wallets::table.select(wallets::id).load(&mut conn).unwrap();
    let cash = type_id(&app, "GENERAL_CASH");
    let with_cash: i64 = wallet_balances::table
        .filter(wallet_balances::balance_type_id.eq(cash))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(
        with_cash,
        wallet_ids.len() as i64,
        "every wallet has general cash"
    );
    let balances: i64 = wallet_balances::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(balances > with_cash, "some have other balance types too");

    let dates: Vec<(Option<i64>, Option<i64>)> = balance_buckets::table
        .select((balance_buckets::expires_at, balance_buckets::starts_at))
        .load(&mut conn)
        .unwrap();
    assert!(
        dates.iter().any(|(e, s)| e.is_some() && s.is_none()),
        "dated buckets"
    );
    assert!(
        dates.iter().any(|(_, s)| s.is_some_and(|s| s > now)),
        "offset buckets"
    );
    assert!(
        dates.iter().any(|(e, s)| e.is_none() && s.is_none()),
        "undated buckets"
    );

    // The EDRs are in the last 90 days and their costs recompute every stored balance.
    let times: Vec<i64> = edrs::table
        .select(edrs::created_at)
        .load(&mut conn)
        .unwrap();
    assert!(times.len() as i64 >= balances);
    assert!(times.iter().all(|t| *t >= now - 90 * 86_400 && *t <= now));
    let stored: Vec<(i64, i64, i64)> = balance_buckets::table
        .inner_join(wallet_balances::table)
        .select((
            wallet_balances::wallet_id,
            wallet_balances::balance_type_id,
            balance_buckets::value,
        ))
        .load(&mut conn)
        .unwrap();
    let costs: Vec<(i64, i64, i64)> = edr_balances::table
        .inner_join(edrs::table)
        .select((
            edrs::wallet_id,
            edr_balances::balance_type_id,
            edr_balances::cost,
        ))
        .load(&mut conn)
        .unwrap();
    let mut sums = std::collections::BTreeMap::<(i64, i64), i64>::new();
    for (w, t, v) in stored {
        *sums.entry((w, t)).or_default() += v;
    }
    for (w, t, c) in costs {
        *sums.entry((w, t)).or_default() += c;
    }
    assert!(
        sums.values().all(|v| *v == 0),
        "Σ buckets = −Σ costs for every balance"
    );

    // The screens show it: the search's general cash, the edit screen's chart.
    let html = app.get_html("/subscribers").await;
    assert!(column(&html, "general_cash")
        .iter()
        .any(|c| c.ends_with(|ch: char| ch.is_ascii_uppercase())));
    let sub: i64 = selfcare::db::schema::subscriber_wallets::table
        .select(selfcare::db::schema::subscriber_wallets::subscriber_id)
        .first(&mut conn)
        .unwrap();
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert!(page.contains("data-chart=\"GENERAL_CASH\""));
    assert!(
        !page.contains("data-points=\"0\">"),
        "every balance has history"
    );
    // New changes carry on after the explicit ids.
    let wallet: i64 = selfcare::db::schema::subscriber_wallets::table
        .filter(selfcare::db::schema::subscriber_wallets::subscriber_id.eq(sub))
        .select(selfcare::db::schema::subscriber_wallets::wallet_id)
        .first(&mut conn)
        .unwrap();
    add_bucket(&app, wallet, cash, "1", "").await;
}
