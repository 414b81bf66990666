//! Vouchers over HTTP: an admin makes a batch (numbers shown once, stored hashed), an operator
//! recharges a wallet with one (credited once, even when recharges race), three failures in a
//! row blacklist the subscriber and then the serial number is needed; bad input changes nothing.

use crate::common::{spawn_admin, TestApp, OPERATOR_PASSWORD};
use crate::subscriber_support::{add_private_wallet, create_subscriber};
use diesel::prelude::*;
use selfcare::db::schema::{
    balance_types, edrs, subscribers, voucher_batches, voucher_recharge_attempts, vouchers, wallets,
};

pub async fn subscriber_with_wallet(app: &TestApp, card: &str, cli: &str) -> (i64, i64) {
    let sub = create_subscriber(app, card, cli).await;
    add_private_wallet(app, sub, card).await;
    let wallet: i64 = wallets::table
        .filter(wallets::wallet_ref.eq(card))
        .select(wallets::id)
        .first(&mut app.db())
        .unwrap();
    (sub, wallet)
}

fn cash(app: &TestApp) -> String {
    balance_types::table
        .filter(balance_types::is_default.eq(true))
        .select(balance_types::id)
        .first::<i64>(&mut app.db())
        .unwrap()
        .to_string()
}

fn tomorrow() -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// `(voucher number, serial)` pairs shown on the batch page.
fn shown(html: &str) -> Vec<(String, String)> {
    html.split("data-voucher=\"")
        .skip(1)
        .filter_map(|s| {
            let number = s.split('"').next()?.to_string();
            let serial = s
                .split("data-serial=\"")
                .nth(1)?
                .split('"')
                .next()?
                .to_string();
            Some((number, serial))
        })
        .collect()
}

pub async fn make_batch(app: &TestApp, count: &str, value: &str) -> Vec<(String, String)> {
    let bt = cash(app);
    let r = app
        .post_form(
            "/admin/vouchers",
            &[
                ("balance_type_id", &bt),
                ("count", count),
                ("value", value),
                ("expiry", &tomorrow()),
                ("deliver", "page"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    shown(&r.text().await.unwrap())
}

async fn recharge(app: &TestApp, wallet: i64, number: &str, serial: &str) -> (u16, String) {
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/recharges"),
            &[
                ("voucher_number", number),
                ("serial_number", serial),
                ("change_reason", ""),
            ],
        )
        .await;
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}

pub async fn total(app: &TestApp, sub: i64) -> i64 {
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let marker = "<tr data-balance-type=\"GENERAL_CASH\" data-total=\"";
    match page.find(marker) {
        Some(i) => page[i + marker.len()..]
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap(),
        None => 0,
    }
}

#[tokio::test]
async fn an_admin_makes_a_batch_whose_numbers_are_shown_once_and_stored_hashed() {
    let app = spawn_admin().await;
    let made = make_batch(&app, "25", "5.00").await;
    assert_eq!(made.len(), 25);
    assert!(made.iter().all(|(n, s)| n.len() == 14 && s.len() == 12));
    let distinct: std::collections::HashSet<&String> = made.iter().map(|(n, _)| n).collect();
    assert_eq!(distinct.len(), 25);

    let list = app.get_html("/admin/vouchers").await;
    assert!(
        list.contains("data-used=\"0\" data-unused=\"25\""),
        "{list}"
    );
    assert!(!list.contains(&made[0].0), "numbers are never shown again");
    let hashes: Vec<String> = vouchers::table
        .select(vouchers::number_hash)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(hashes.len(), 25);
    assert!(hashes
        .iter()
        .all(|h| h.len() == 64 && !made.iter().any(|(n, _)| h.contains(n.as_str()))));
    let serials: Vec<String> = vouchers::table
        .select(vouchers::serial_number)
        .load(&mut app.db())
        .unwrap();
    assert!(serials.contains(&made[0].1), "serials are kept in clear");

    // The CSV delivery: the file instead of the page.
    let bt = cash(&app);
    let r = app
        .post_form(
            "/admin/vouchers",
            &[
                ("balance_type_id", &bt),
                ("count", "3"),
                ("value", "1.50"),
                ("expiry", &tomorrow()),
                ("deliver", "csv"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let csv = r.text().await.unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.lines().nth(1).unwrap().contains(",150,"));
    assert!(app.get_html("/admin/vouchers").await.contains("Batch"));
    // The batch is in the audit log.
    assert!(app
        .get_html("/audit?object_type=voucher_batch")
        .await
        .contains("data-id"));
}

#[tokio::test]
async fn bad_batches_are_refused_and_make_nothing() {
    let app = spawn_admin().await;
    let bt = cash(&app);
    for (count, value, expiry, field) in [
        ("0", "1.00", tomorrow(), "count"),
        ("10001", "1.00", tomorrow(), "count"),
        ("ten", "1.00", tomorrow(), "count"),
        ("5", "", tomorrow(), "value"),
        ("5", "0", tomorrow(), "value"),
        ("5", "1.001", tomorrow(), "value"),
        ("5", "1.00", "2001-01-01".to_string(), "expiry"),
        ("5", "1.00", "someday".to_string(), "expiry"),
    ] {
        let r = app
            .post_form(
                "/admin/vouchers",
                &[
                    ("balance_type_id", &bt),
                    ("count", count),
                    ("value", value),
                    ("expiry", &expiry),
                    ("deliver", "page"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422, "{count} {value} {expiry}");
        let page = r.text().await.unwrap();
        assert!(page.contains(&format!("id=\"e-{field}\"")), "{field}");
    }
    let r = app
        .post_form(
            "/admin/vouchers",
            &[
                ("balance_type_id", "999"),
                ("count", "1"),
                ("value", "1"),
                ("expiry", &tomorrow()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let n: i64 = voucher_batches::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(n, 0);
    // Operators are not admins.
    app.new_operator("vop", "operator").await;
    let op = app.another_browser();
    op.login("vop", OPERATOR_PASSWORD).await;
    assert_eq!(op.get("/admin/vouchers").await.status().as_u16(), 403);
}

#[tokio::test]
async fn a_recharge_credits_the_value_once_and_writes_a_recharge_edr() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "VCH-1", "4792000001").await;
    let made = make_batch(&app, "2", "5.00").await;
    let (number, _) = &made[0];
    let spaced = format!("{} {}", &number[..7], &number[7..]);
    let (s, _) = recharge(&app, wallet, &spaced, "").await;
    assert_eq!(s, 303);
    assert_eq!(total(&app, sub).await, 500);
    let recharges: Vec<i64> = edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .filter(edrs::edr_type.eq("recharge"))
        .select(edrs::id)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(recharges.len(), 1);
    let (s, page) = recharge(&app, wallet, number, "").await;
    assert_eq!(s, 422);
    assert!(
        page.contains("This voucher has been used."),
        "message on the form"
    );
    assert_eq!(total(&app, sub).await, 500, "nothing more credited");
    let list = app.get_html("/admin/vouchers").await;
    assert!(list.contains("data-used=\"1\" data-unused=\"1\""));
    // The EDR viewer shows the recharge, and it can be reversed.
    let page = app.get_html(&format!("/subscribers/{sub}/edrs")).await;
    assert!(page.contains(&format!("data-id=\"{}\"", recharges[0])));
    let r = app
        .post_form(&format!("/edrs/{}/reverse", recharges[0]), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(total(&app, sub).await, 0);
    // An expired voucher.
    diesel::update(voucher_batches::table)
        .set(voucher_batches::expires_at.eq(selfcare::db::now() - 1))
        .execute(&mut app.db())
        .unwrap();
    let (s, page) = recharge(&app, wallet, &made[1].0, "").await;
    assert_eq!(s, 422);
    assert!(page.contains("This voucher has expired."));
    // Not a voucher number: refused and not counted as an attempt.
    let before: i64 = voucher_recharge_attempts::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    let (s, page) = recharge(&app, wallet, "12ab", "").await;
    assert_eq!(s, 422);
    assert!(page.contains("14 digits"));
    let after: i64 = voucher_recharge_attempts::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(before, after);
    // Attempts keep only the last four digits.
    let kept: Vec<String> = voucher_recharge_attempts::table
        .select(voucher_recharge_attempts::voucher)
        .load(&mut app.db())
        .unwrap();
    assert!(kept.iter().all(|v| !v.contains(&number[..10])), "{kept:?}");
}

#[tokio::test]
async fn racing_recharges_with_one_voucher_credit_it_once() {
    let app = spawn_admin().await;
    let (sub_a, wallet_a) = subscriber_with_wallet(&app, "VCH-RA", "4792000011").await;
    let (sub_b, wallet_b) = subscriber_with_wallet(&app, "VCH-RB", "4792000012").await;
    let made = make_batch(&app, "1", "7.00").await;
    let number = made[0].0.clone();
    let token = app.csrf_token().await;
    let (pa, pb) = (
        format!("/wallets/{wallet_a}/recharges"),
        format!("/wallets/{wallet_b}/recharges"),
    );
    let fields = [("voucher_number", number.as_str()), ("serial_number", "")];
    let posts = (0..16).map(|i| {
        let path = if i % 2 == 0 { &pa } else { &pb };
        app.post_with_token(&token, path, &fields)
    });
    let statuses: Vec<u16> = futures_util::future::join_all(posts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [303, 422].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(total(&app, sub_a).await + total(&app, sub_b).await, 700);
    let n: i64 = edrs::table
        .filter(edrs::edr_type.eq("recharge"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn three_failures_blacklist_and_then_the_serial_is_needed() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "VCH-B", "4792000021").await;
    let made = make_batch(&app, "1", "3.00").await;
    let (number, serial) = &made[0];
    for i in 0..3 {
        let (s, page) = recharge(&app, wallet, "00000000000000", "").await;
        assert_eq!(s, 422);
        if i < 2 {
            assert!(page.contains("There is no such voucher"));
        } else {
            assert!(page.contains("blacklisted"), "the third failure says so");
        }
    }
    let blacklisted: bool = subscribers::table
        .find(sub)
        .select(subscribers::blacklisted)
        .first(&mut app.db())
        .unwrap();
    assert!(blacklisted);
    let (s, page) = recharge(&app, wallet, number, "").await;
    assert_eq!(s, 422);
    assert!(page.contains("serial number"));
    let (s, _) = recharge(&app, wallet, number, "000000000000").await;
    assert_eq!(s, 422, "a wrong serial");
    assert_eq!(total(&app, sub).await, 0);
    let (s, _) = recharge(&app, wallet, number, serial).await;
    assert_eq!(s, 303, "with its serial it works");
    assert_eq!(total(&app, sub).await, 300);
}
