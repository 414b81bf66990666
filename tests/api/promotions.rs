//! Tracker promotions over HTTP: admins define them (bad input refused, nothing stored); a
//! tracker balance reaching the threshold credits the reward once — by any credit path, and
//! once under many concurrent credits; the promotions panel shows status, tracker value and
//! liability.

use crate::common::spawn_admin;
use crate::common::TestApp;
use crate::promo_support::{
    active_subscriber, adjust, balance_type, edrs_of_type, row_attr, total,
};
use diesel::prelude::*;
use selfcare::db::schema::{audit_log, edrs, promotion_awards, promotions};

/// Posts the promotion form with these fields over valid defaults.
async fn post_promotion(
    app: &TestApp,
    tracker: i64,
    reward: i64,
    changes: &[(&str, &str)],
) -> reqwest::Response {
    let (t, r) = (tracker.to_string(), reward.to_string());
    let mut fields: Vec<(&str, &str)> = vec![
        ("service_provider_id", "1"),
        ("name", "Ten calls bonus"),
        ("tracker_balance_type_id", &t),
        ("threshold", "10"),
        ("reward_balance_type_id", &r),
        ("reward", "5"),
        ("validity_days", ""),
        ("ends", ""),
    ];
    for (k, v) in changes {
        if let Some(f) = fields.iter_mut().find(|(name, _)| name == k) {
            f.1 = v;
        }
    }
    app.post_form("/admin/promotions", &fields).await
}

fn promotion_count(app: &TestApp) -> i64 {
    promotions::table.count().get_result(&mut app.db()).unwrap()
}

fn award_count(app: &TestApp, wallet: i64) -> i64 {
    promotion_awards::table
        .filter(promotion_awards::wallet_id.eq(wallet))
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

/// A tracker type, a reward type and one promotion (threshold 10, reward 5); returns
/// (tracker type, reward type, promotion id).
async fn setup(app: &TestApp) -> (i64, i64, i64) {
    let tracker = balance_type(app, "CALLS", "tracker", "").await;
    let reward = balance_type(app, "BONUS", "chargeable", "").await;
    let r = post_promotion(app, tracker, reward, &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let id: i64 = promotions::table
        .select(promotions::id)
        .first(&mut app.db())
        .unwrap();
    (tracker, reward, id)
}

#[tokio::test]
async fn reaching_the_threshold_credits_the_reward_once() {
    let app = spawn_admin().await;
    let (tracker, _reward, promo) = setup(&app).await;
    let listing = app.get_html("/admin/promotions").await;
    assert!(listing.contains(&format!("data-id=\"{promo}\"")));
    assert!(listing.contains("Ten calls bonus"));

    let (sub, wallet) = active_subscriber(&app, "PROMO-1", "4791000001").await;
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let id = format!("data-id=\"{promo}\"");
    assert_eq!(
        row_attr(&page, "promotions-table", &id, "data-status").as_deref(),
        Some("unset"),
        "no tracker balance yet"
    );

    assert_eq!(adjust(&app, wallet, tracker, "6").await, 303);
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert_eq!(
        row_attr(&page, "promotions-table", &id, "data-status").as_deref(),
        Some("eligible")
    );
    assert_eq!(
        row_attr(&page, "promotions-table", &id, "data-tracker-value").as_deref(),
        Some("6")
    );
    assert_eq!(total(&app, sub, "BONUS").await, None, "below the threshold");

    assert_eq!(adjust(&app, wallet, tracker, "4").await, 303);
    assert_eq!(
        total(&app, sub, "BONUS").await,
        Some(5),
        "the threshold is reached"
    );
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert_eq!(
        row_attr(&page, "promotions-table", &id, "data-status").as_deref(),
        Some("ineligible"),
        "rewarded already"
    );
    assert_eq!(edrs_of_type(&app, wallet, "promotion"), 1);

    // Further credits of the tracker do not reward again.
    assert_eq!(adjust(&app, wallet, tracker, "25").await, 303);
    assert_eq!(adjust(&app, wallet, tracker, "-30").await, 303);
    assert_eq!(adjust(&app, wallet, tracker, "40").await, 303);
    assert_eq!(total(&app, sub, "BONUS").await, Some(5));
    assert_eq!(edrs_of_type(&app, wallet, "promotion"), 1);
    assert_eq!(award_count(&app, wallet), 1);

    // The reward is audited on the wallet, and its EDR says why.
    let audited: i64 = audit_log::table
        .filter(audit_log::object_type.eq("wallet"))
        .filter(audit_log::object_id.eq(wallet))
        .filter(audit_log::action.eq("award"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(audited, 1);
    let reason: Option<String> = edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .filter(edrs::edr_type.eq("promotion"))
        .select(edrs::change_reason)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(reason.as_deref(), Some("Promotion Ten calls bonus reached"));
}

#[tokio::test]
async fn concurrent_credits_reward_once() {
    let app = spawn_admin().await;
    let (tracker, _reward, _promo) = setup(&app).await;
    let (sub, wallet) = active_subscriber(&app, "PROMO-2", "4791000002").await;
    let token = app.csrf_token().await;
    let path = format!("/wallets/{wallet}/adjustments");
    let bt = tracker.to_string();
    let fields = [("balance_type_id", bt.as_str()), ("amount", "1")];
    // Twenty credits of 1 at once: the threshold (10) is crossed by exactly one of them, and
    // every later one sees the award taken.
    let posts = (0..20).map(|_| app.post_with_token(&token, &path, &fields));
    let statuses: Vec<u16> = futures_util::future::join_all(posts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(total(&app, sub, "CALLS").await, Some(20));
    assert_eq!(total(&app, sub, "BONUS").await, Some(5));
    assert_eq!(award_count(&app, wallet), 1);
    assert_eq!(edrs_of_type(&app, wallet, "promotion"), 1);
}

#[tokio::test]
async fn a_bucket_added_to_the_tracker_also_rewards_and_the_maximum_limits_it() {
    let app = spawn_admin().await;
    let tracker = balance_type(&app, "DATA_USED", "tracker", "").await;
    // The reward balance holds at most 3: a reward of 5 is cut to what fits.
    let reward = balance_type(&app, "CAPPED", "chargeable", "3").await;
    let r = post_promotion(&app, tracker, reward, &[("validity_days", "30")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (sub, wallet) = active_subscriber(&app, "PROMO-3", "4791000003").await;
    let t = tracker.to_string();
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/buckets"),
            &[
                ("balance_type_id", t.as_str()),
                ("value", "12"),
                ("new_balance", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(total(&app, sub, "CAPPED").await, Some(3));
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert!(
        page.contains("data-liability>3</td>"),
        "3 of the 5 were credited"
    );
    // The reward bucket carries the validity as its expiry.
    assert!(page.contains("<tr data-balance-type=\"CAPPED\""));
}

#[tokio::test]
async fn bad_promotions_are_refused_and_nothing_is_stored() {
    let app = spawn_admin().await;
    let tracker = balance_type(&app, "CALLS", "tracker", "").await;
    let chargeable = balance_type(&app, "BONUS", "chargeable", "").await;
    for (changes, field) in [
        (vec![("threshold", "0")], "threshold"),
        (vec![("threshold", "ten")], "threshold"),
        (vec![("reward", "")], "reward"),
        (vec![("name", "")], "name"),
        (vec![("validity_days", "0")], "validity_days"),
        (vec![("ends", "2001-01-01")], "ends"),
        (vec![("service_provider_id", "99")], "service_provider_id"),
    ] {
        let r = post_promotion(&app, tracker, chargeable, &changes).await;
        assert_eq!(r.status().as_u16(), 422, "{changes:?}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains(&format!("id=\"e-{field}\"")),
            "{field}: {changes:?}"
        );
    }
    // A tracker that is not of the tracker category.
    let r = post_promotion(&app, chargeable, chargeable, &[]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Choose a balance type of the tracker category."));
    assert_eq!(promotion_count(&app), 0);

    // Only admins define promotions.
    let operator = app.operator_browser("promo_op", "operator").await;
    let r = post_promotion(&operator, tracker, chargeable, &[]).await;
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(promotion_count(&app), 0);
}
