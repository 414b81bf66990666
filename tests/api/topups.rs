//! Top-up rules: admins define them (bad input refused, nothing stored); the worker's step
//! credits each wallet once per period — also with several workers racing and after a restart
//! that missed periods (once for the current period, not once per missed one) — writing one
//! `topup` EDR each time; the subscriber's panel lists the rules with their last run.

use crate::common::spawn_admin;
use crate::common::TestApp;
use crate::promo_support::{active_subscriber, balance_type, edrs_of_type, total};
use crate::subscriber_support::{add_private_wallet, create_subscriber};
use diesel::prelude::*;
use selfcare::db::schema::{topup_rules, topup_runs};
use selfcare::service::money::topups;

const DAY: i64 = 86_400;

async fn post_rule(app: &TestApp, changes: &[(&str, &str)]) -> reqwest::Response {
    let mut fields: Vec<(&str, &str)> = vec![
        ("service_provider_id", "1"),
        ("name", "Daily SMS"),
        ("balance_type_id", ""),
        ("amount", "10"),
        ("period", "daily"),
        ("product_type_id", "1"),
        ("subscriber_cli", ""),
    ];
    for (k, v) in changes {
        if let Some(f) = fields.iter_mut().find(|(name, _)| name == k) {
            f.1 = v;
        }
    }
    app.post_form("/admin/topup-rules", &fields).await
}

fn runs(app: &TestApp, wallet: i64) -> i64 {
    topup_runs::table
        .filter(topup_runs::wallet_id.eq(wallet))
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

/// Runs the worker's step as of `at` on a connection of its own.
fn step_at(app: &TestApp, at: i64) -> usize {
    topups::run_at(&mut app.db(), at)
}

#[tokio::test]
async fn a_daily_rule_credits_once_per_day_and_catches_up_once() {
    let app = spawn_admin().await;
    let sms = balance_type(&app, "SMS", "chargeable", "").await;
    let r = post_rule(&app, &[("balance_type_id", &sms.to_string())]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (sub, wallet) = active_subscriber(&app, "TOP-1", "4793000001").await;
    // A pre-use wallet of the same product type is not credited.
    let idle = create_subscriber(&app, "TOP-IDLE", "4793000009").await;
    add_private_wallet(&app, idle, "TOP-IDLE").await;

    let now = selfcare::db::now();
    step_at(&app, now);
    step_at(&app, now);
    // The app's own worker may have run the step too: the period is credited once whoever ran it.
    assert_eq!(total(&app, sub, "SMS").await, Some(10));
    assert_eq!(runs(&app, wallet), 1);
    assert_eq!(edrs_of_type(&app, wallet, "topup"), 1);
    assert_eq!(
        total(&app, idle, "SMS").await,
        None,
        "pre-use wallets get nothing"
    );

    // The worker was down for three days: the current day is credited once.
    let later = now + 3 * DAY;
    assert_eq!(step_at(&app, later), 1);
    assert_eq!(step_at(&app, later + 60), 0);
    assert_eq!(total(&app, sub, "SMS").await, Some(20));
    assert_eq!(runs(&app, wallet), 2);
    assert_eq!(edrs_of_type(&app, wallet, "topup"), 2);

    // The panel lists the rule with its last run.
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let rule: i64 = topup_rules::table
        .select(topup_rules::id)
        .first(&mut app.db())
        .unwrap();
    assert!(page.contains(&format!("<tr data-id=\"{rule}\"><td>Daily SMS</td>")));
    assert!(!page.contains("Not run yet"));
    let admin_page = app.get_html("/admin/topup-rules").await;
    assert!(admin_page.contains(&format!("data-id=\"{rule}\"")));
}

#[tokio::test]
async fn workers_racing_credit_each_period_once() {
    let app = spawn_admin().await;
    let sms = balance_type(&app, "SMS", "chargeable", "").await;
    let sms_s = sms.to_string();
    assert_eq!(
        post_rule(&app, &[("balance_type_id", &sms_s), ("period", "weekly")])
            .await
            .status()
            .as_u16(),
        303
    );
    let (sub, wallet) = active_subscriber(&app, "TOP-2", "4793000002").await;
    let (sub2, wallet2) = active_subscriber(&app, "TOP-3", "4793000003").await;
    // This week first (the app's own worker may run it too: once either way), so that only
    // the racing steps below credit anything more.
    step_at(&app, selfcare::db::now());
    assert_eq!((runs(&app, wallet), runs(&app, wallet2)), (1, 1));
    // Six workers at once, a week on.
    let at = selfcare::db::now() + 7 * DAY;
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let url = app.database_url.clone();
            std::thread::spawn(move || {
                let pool = selfcare::db::build_pool(&url, 1);
                let mut conn = pool.get().expect("connection");
                topups::run_at(&mut conn, at)
            })
        })
        .collect();
    let credited: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(credited, 2, "two wallets, each once");
    assert_eq!((runs(&app, wallet), runs(&app, wallet2)), (2, 2));
    assert_eq!(edrs_of_type(&app, wallet, "topup"), 2);
    assert_eq!(edrs_of_type(&app, wallet2, "topup"), 2);
    assert_eq!(total(&app, sub, "SMS").await, Some(20));
    assert_eq!(total(&app, sub2, "SMS").await, Some(20));
}

#[tokio::test]
async fn a_subscriber_rule_and_the_maximum() {
    let app = spawn_admin().await;
    // At most 15: the first month's 10 fits, the second's is cut to 5, the third gets nothing.
    let data = balance_type(&app, "DATA", "chargeable", "15").await;
    let (sub, wallet) = active_subscriber(&app, "TOP-4", "4793000004").await;
    let (other, _) = active_subscriber(&app, "TOP-5", "4793000005").await;
    let d = data.to_string();
    let r = post_rule(
        &app,
        &[
            ("balance_type_id", &d),
            ("period", "monthly"),
            ("product_type_id", ""),
            ("subscriber_cli", "4793000004"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    // This month (the app's own worker may run it too: once either way), then two later ones.
    let now = selfcare::db::now();
    step_at(&app, now);
    assert_eq!(total(&app, sub, "DATA").await, Some(10));
    step_at(&app, now + 40 * DAY);
    step_at(&app, now + 71 * DAY);
    assert_eq!(total(&app, sub, "DATA").await, Some(15));
    assert_eq!(runs(&app, wallet), 3);
    assert_eq!(
        edrs_of_type(&app, wallet, "topup"),
        2,
        "no EDR when nothing moved"
    );
    assert_eq!(
        total(&app, other, "DATA").await,
        None,
        "another subscriber's rule"
    );
}

#[tokio::test]
async fn bad_rules_are_refused_and_nothing_is_stored() {
    let app = spawn_admin().await;
    let sms = balance_type(&app, "SMS", "chargeable", "")
        .await
        .to_string();
    for (changes, field) in [
        (vec![("balance_type_id", "")], "balance_type_id"),
        (vec![("amount", "0")], "amount"),
        (vec![("amount", "-5")], "amount"),
        (vec![("period", "hourly")], "period"),
        (vec![("name", "")], "name"),
        (vec![("product_type_id", "")], "product_type_id"),
        (vec![("subscriber_cli", "4799999999")], "product_type_id"),
        (
            vec![("product_type_id", ""), ("subscriber_cli", "4799999999")],
            "subscriber_cli",
        ),
        (vec![("product_type_id", "999")], "product_type_id"),
    ] {
        let mut all = vec![("balance_type_id", sms.as_str())];
        all.extend(changes.iter().copied());
        let r = post_rule(&app, &all).await;
        assert_eq!(r.status().as_u16(), 422, "{changes:?}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains(&format!("id=\"e-{field}\"")),
            "{field}: {changes:?}"
        );
    }
    let n: i64 = topup_rules::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(n, 0);
}
