//! Voucher recharges through the JSON API (`POST /api/v1/wallets/{ref}/recharges`): the value
//! credited once even when many clients race with one voucher, bad vouchers 422 with nothing
//! credited, three failures blacklisting the subscriber as on the form, another provider's
//! token 404, and the EDR the recharge writes.

use crate::charging::{make_token, Api};
use crate::common::spawn_admin;
use crate::vouchers::{make_batch, subscriber_with_wallet, total};
use diesel::prelude::*;
use selfcare::db::schema::{edrs, subscribers};
use serde_json::json;

#[tokio::test]
async fn racing_api_recharges_with_one_voucher_credit_it_once() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "APIR-1", "4793000001").await;
    let made = make_batch(&app, "1", "7.50").await;
    let api = Api::new(&app, Some(&make_token(&app, 1).await));
    let path = "/api/v1/wallets/APIR-1/recharges";
    let answers = futures_util::future::join_all(
        (0..12).map(|_| api.post(path, json!({ "voucher_number": made[0].0 }))),
    )
    .await;
    let ok: Vec<_> = answers.iter().filter(|(s, _)| *s == 201).collect();
    assert_eq!(ok.len(), 1, "{answers:?}");
    assert!(answers.iter().all(|(s, _)| *s == 201 || *s == 422));
    assert_eq!(ok[0].1["credited"], 750);
    assert_eq!(total(&app, sub).await, 750);
    let edr_type: String = edrs::table
        .find(ok[0].1["edr_id"].as_i64().unwrap())
        .select(edrs::edr_type)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(edr_type, "recharge");
    let (_, w) = api.send("GET", "/api/v1/wallets/APIR-1", None).await;
    assert_eq!(w["balances"][0]["total"], 750, "{w}");
    let recharge_edrs: i64 = edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .filter(edrs::edr_type.eq("recharge"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(recharge_edrs, 1);
}

#[tokio::test]
async fn bad_vouchers_are_refused_and_three_in_a_row_blacklist() {
    let app = spawn_admin().await;
    let (sub, _) = subscriber_with_wallet(&app, "APIR-2", "4793000002").await;
    let made = make_batch(&app, "1", "2.00").await;
    let (number, serial) = &made[0];
    let api = Api::new(&app, Some(&make_token(&app, 1).await));
    let path = "/api/v1/wallets/APIR-2/recharges";

    let (s, v) = api.post(path, json!({ "voucher_number": 12 })).await;
    assert_eq!(s, 400, "a number where text belongs: {v}");
    let (s, v) = api.post(path, json!({ "voucher_number": "abc" })).await;
    assert_eq!(s, 422, "{v}");
    for i in 0..3 {
        let (s, v) = api
            .post(path, json!({ "voucher_number": "00000000000000" }))
            .await;
        assert_eq!(s, 422);
        let message = v["error"].as_str().unwrap();
        if i < 2 {
            assert!(message.contains("no such voucher"), "{message}");
        } else {
            assert!(message.contains("blacklisted"), "{message}");
        }
    }
    let blacklisted: bool = subscribers::table
        .find(sub)
        .select(subscribers::blacklisted)
        .first(&mut app.db())
        .unwrap();
    assert!(blacklisted);
    let (s, v) = api.post(path, json!({ "voucher_number": number })).await;
    assert_eq!(s, 422, "the serial is needed now: {v}");
    assert_eq!(total(&app, sub).await, 0);
    let (s, v) = api
        .post(
            path,
            json!({ "voucher_number": number, "serial_number": serial }),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(total(&app, sub).await, 200);
    let (s, _) = api
        .post(
            path,
            json!({ "voucher_number": number, "serial_number": serial }),
        )
        .await;
    assert_eq!(s, 422, "used once");
    assert_eq!(total(&app, sub).await, 200);
}

#[tokio::test]
async fn another_providers_token_and_no_token_recharge_nothing() {
    let app = spawn_admin().await;
    let (sub, _) = subscriber_with_wallet(&app, "APIR-3", "4793000003").await;
    let made = make_batch(&app, "1", "1.00").await;
    let other = app.service_provider("Other Telecom");
    let stranger = Api::new(&app, Some(&make_token(&app, other).await));
    let path = "/api/v1/wallets/APIR-3/recharges";
    let body = json!({ "voucher_number": made[0].0 });
    assert_eq!(stranger.post(path, body.clone()).await.0, 404);
    assert_eq!(Api::new(&app, None).post(path, body.clone()).await.0, 401);
    assert_eq!(
        Api::new(&app, Some("not-a-token"))
            .post(path, body.clone())
            .await
            .0,
        401
    );
    assert_eq!(total(&app, sub).await, 0);
    let own = Api::new(&app, Some(&make_token(&app, 1).await));
    assert_eq!(
        own.post(path, body).await.0,
        201,
        "the voucher was not used"
    );
}
