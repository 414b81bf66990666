//! Credit transfers: the admin's transfer definitions (list, add, edit, delete, audited) and
//! the transfers of the edit screen's Credit transfers panel — "Execute only" and "Save &
//! execute", both sides' balances and EDRs, each refusal changing nothing on either side, and
//! many transfers at once never overdrawing the purchaser.

use crate::common::{spawn_admin, TestApp};
use crate::subscriber_support::{
    add_private_wallet, create_subscriber, field_error, form_fields, post_scraped, set_auditing,
    set_fields,
};
use diesel::prelude::*;
use selfcare::db::schema::{audit_log, subscribers, transfer_definitions, wallets};

/// A purchaser (PIN 1234, 10.00 of cash) and a recipient, each with a primary wallet.
struct Pair {
    a: i64,
    wa: i64,
    b: i64,
    wb: i64,
}

async fn pair(app: &TestApp, tag: &str, n: u32) -> Pair {
    let (ca, cb) = (format!("47{n:03}00001"), format!("47{n:03}00002"));
    let a = create_subscriber(app, &format!("{tag}-A"), &ca).await;
    add_private_wallet(app, a, &format!("{tag}-A")).await;
    let b = create_subscriber(app, &format!("{tag}-B"), &cb).await;
    add_private_wallet(app, b, &format!("{tag}-B")).await;
    let (wa, wb) = (
        app.wallet_id(&format!("{tag}-A")),
        app.wallet_id(&format!("{tag}-B")),
    );
    app.add_bucket(wa, "GENERAL_CASH", "10.00").await;
    Pair { a, wa, b, wb }
}

fn cli(app: &TestApp, subscriber: i64) -> String {
    subscribers::table
        .find(subscriber)
        .select(subscribers::cli)
        .first(&mut app.db())
        .unwrap()
}

/// The fields of a definition that costs `cost` and gives `gives` of general cash.
fn definition(app: &TestApp, name: &str, cost: &str, gives: &str) -> Vec<(&'static str, String)> {
    let cash = app.balance_type_id("GENERAL_CASH").to_string();
    vec![
        ("service_provider_id", "1".into()),
        ("name", name.into()),
        ("kind", "peer_to_peer".into()),
        ("cost_balance_type_id", cash.clone()),
        ("cost", cost.into()),
        ("gives_balance_type_id_1", cash),
        ("gives_value_1", gives.into()),
    ]
}

fn with(
    mut fields: Vec<(&'static str, String)>,
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    for (k, v) in changes {
        fields.retain(|(name, _)| name != k);
        fields.push((k, v.to_string()));
    }
    fields
}

async fn post(app: &TestApp, path: &str, fields: &[(&'static str, String)]) -> (u16, String) {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form(path, &pairs).await;
    let s = r.status().as_u16();
    (s, r.text().await.unwrap_or_default())
}

/// Adds a definition through the admin form; returns its id.
async fn define(app: &TestApp, fields: Vec<(&'static str, String)>) -> i64 {
    let name = fields
        .iter()
        .find(|(k, _)| *k == "name")
        .map(|(_, v)| v.clone())
        .unwrap();
    let (s, body) = post(app, "/admin/transfer-definitions", &fields).await;
    assert_eq!(s, 303, "definition {name} added: {body}");
    transfer_definitions::table
        .filter(transfer_definitions::name.eq(&name))
        .select(transfer_definitions::id)
        .first(&mut app.db())
        .unwrap()
}

async fn transfer(
    app: &TestApp,
    purchaser: i64,
    definition: i64,
    fields: &[(&'static str, &str)],
) -> (u16, String) {
    let fields: Vec<(&'static str, String)> =
        fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
    post(
        app,
        &format!("/subscribers/{purchaser}/transfers/{definition}"),
        &fields,
    )
    .await
}

/// What a refusal must leave as it was: both wallets' cash and EDRs.
fn state(app: &TestApp, p: &Pair) -> (i64, i64, usize, usize) {
    (
        app.stored(p.wa, "GENERAL_CASH"),
        app.stored(p.wb, "GENERAL_CASH"),
        app.edr_types_of(p.wa).len(),
        app.edr_types_of(p.wb).len(),
    )
}

#[tokio::test]
async fn admins_add_change_and_delete_transfer_definitions() {
    let app = spawn_admin().await;
    let page = app.get_html("/admin/transfer-definitions").await;
    assert!(page.contains("No transfer definition yet."), "{page}");

    // Bad input: each message at its field, nothing stored.
    let bad = with(
        definition(&app, "", "ten", ""),
        &[("kind", "gift"), ("gives_balance_type_id_1", "")],
    );
    let (s, body) = post(&app, "/admin/transfer-definitions", &bad).await;
    assert_eq!(s, 422, "{body}");
    for field in ["name", "kind", "cost", "gives_balance_type_id_1"] {
        assert!(
            field_error(&body, field).is_some(),
            "message at {field}: {body}"
        );
    }
    let count = || -> i64 {
        transfer_definitions::table
            .count()
            .get_result(&mut app.db())
            .unwrap()
    };
    assert_eq!(count(), 0);

    let id = define(
        &app,
        with(
            definition(&app, "Gift 2", "2.00", "1.50"),
            &[("pin_required", "on"), ("allowed_product_type_ids", "1")],
        ),
    )
    .await;
    let page = app.get_html("/admin/transfer-definitions").await;
    assert!(page.contains(&format!("<tr data-id=\"{id}\">")), "{page}");
    assert!(
        page.contains("Gift 2") && page.contains("2.00 GENERAL_CASH"),
        "{page}"
    );
    assert!(page.contains("Prepaid Standard"), "{page}");
    // The same name twice for one provider is refused.
    let (s, body) = post(
        &app,
        "/admin/transfer-definitions",
        &definition(&app, "Gift 2", "1.00", "1.00"),
    )
    .await;
    assert_eq!(s, 422);
    assert!(field_error(&body, "name").is_some(), "{body}");

    // Edit: the form shows the saved values; a save names the version it was based on.
    let edit = app
        .get_html(&format!("/admin/transfer-definitions/{id}"))
        .await;
    let fields = form_fields(&edit, "definition-form");
    assert!(
        fields.contains(&("cost".to_string(), "2.00".to_string())),
        "{fields:?}"
    );
    let mut changed = fields.clone();
    set_fields(
        &mut changed,
        &[("cost", Some("3.00")), ("name", Some("Gift 3"))],
    );
    let r = post_scraped(&app, &format!("/admin/transfer-definitions/{id}"), &changed).await;
    assert_eq!(r.status().as_u16(), 303);
    // The same older form again: someone changed it meanwhile.
    let r = post_scraped(&app, &format!("/admin/transfer-definitions/{id}"), &fields).await;
    assert_eq!(r.status().as_u16(), 409);
    let page = app.get_html("/admin/transfer-definitions").await;
    assert!(
        page.contains("Gift 3") && page.contains("3.00 GENERAL_CASH"),
        "{page}"
    );

    let (s, _) = post(
        &app,
        &format!("/admin/transfer-definitions/{id}/delete"),
        &[],
    )
    .await;
    assert_eq!(s, 303);
    assert_eq!(count(), 0);
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::object_type.eq("transfer_definition"))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(actions, vec!["create", "update", "delete"]);

    // Viewers and operators may not change reference data.
    let viewer = app.operator_browser("tdviewer", "viewer").await;
    let r = viewer
        .post_form(
            "/admin/transfer-definitions",
            &[("name", "X"), ("service_provider_id", "1")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn a_peer_to_peer_transfer_pays_and_credits_with_an_edr_on_each_side() {
    let app = spawn_admin().await;
    let p = pair(&app, "P2P", 1).await;
    let d = define(
        &app,
        with(
            definition(&app, "Gift", "2.00", "1.50"),
            &[
                ("pin_required", "on"),
                ("wallet_expiry_extension_days", "30"),
            ],
        ),
    )
    .await;
    let expiry = selfcare::db::now() + 5 * 86_400;
    diesel::update(wallets::table.find(p.wb))
        .set(wallets::expires_at.eq(Some(expiry)))
        .execute(&mut app.db())
        .unwrap();
    let screen = app.get_html(&format!("/subscribers/{}", p.a)).await;
    assert!(screen.contains("id=\"p-transfers\""), "{screen}");
    assert!(
        screen.contains(&format!(
            "formaction=\"/subscribers/{}/transfers/{d}\"",
            p.a
        )),
        "one button per definition: {screen}"
    );

    let b_cli = cli(&app, p.b);
    let (s, body) = transfer(
        &app,
        p.a,
        d,
        &[
            ("transfer_recipient_cli", b_cli.as_str()),
            ("transfer_pin", "1234"),
            ("transfer_change_reason", "Birthday gift"),
        ],
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(app.stored(p.wa, "GENERAL_CASH"), 800);
    assert_eq!(app.stored(p.wb, "GENERAL_CASH"), 150);
    assert_eq!(app.edr_types_of(p.wa), vec!["bucket_add", "transfer"]);
    assert_eq!(app.edr_types_of(p.wb), vec!["transfer"]);
    let b_expiry: Option<i64> = wallets::table
        .find(p.wb)
        .select(wallets::expires_at)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(b_expiry, Some(expiry + 30 * 86_400));
    // The screen shows the result and the new balances; the EDR keeps the reason.
    let screen = app.get_html(&format!("/subscribers/{}", p.a)).await;
    assert!(
        screen.contains("Peer-to-peer transfer Gift done"),
        "{screen}"
    );
    assert!(screen.contains("data-balance-type=\"GENERAL_CASH\" data-total=\"800\""));
    let edrs = app
        .get_html(&format!("/subscribers/{}/edrs?edr_type=transfer", p.b))
        .await;
    assert!(edrs.contains("Birthday gift"), "{edrs}");
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("transfer"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(audited, 2, "one audit event per wallet");

    // A service bundle for oneself: blank recipient.
    let own = define(
        &app,
        with(
            definition(&app, "Bundle", "1.00", "0.25"),
            &[("kind", "service_bundle")],
        ),
    )
    .await;
    let (s, body) = transfer(&app, p.a, own, &[]).await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(app.stored(p.wa, "GENERAL_CASH"), 725);
}

/// A refused transfer: the definition, the fields posted, the field the message is at.
type Case<'a> = (i64, Vec<(&'static str, &'a str)>, &'a str);

#[tokio::test]
async fn each_refusal_changes_nothing_on_either_side() {
    let app = spawn_admin().await;
    let p = pair(&app, "BAD", 2).await;
    let b_cli = cli(&app, p.b);
    let pin = define(
        &app,
        with(
            definition(&app, "Pinned", "2.00", "1.00"),
            &[("pin_required", "on")],
        ),
    )
    .await;
    let dear = define(&app, definition(&app, "Dear", "50.00", "1.00")).await;
    let youth = define(
        &app,
        with(
            definition(&app, "Youth only", "1.00", "1.00"),
            &[("allowed_product_type_ids", "2")],
        ),
    )
    .await;
    let before = state(&app, &p);
    let cases: Vec<Case> = vec![
        (
            pin,
            vec![
                ("transfer_recipient_cli", "4799999999"),
                ("transfer_pin", "1234"),
            ],
            "transfer_recipient_cli",
        ),
        (
            pin,
            vec![
                ("transfer_recipient_cli", b_cli.as_str()),
                ("transfer_pin", "9999"),
            ],
            "transfer_pin",
        ),
        (
            pin,
            vec![("transfer_recipient_cli", b_cli.as_str())],
            "transfer_pin",
        ),
        (
            dear,
            vec![("transfer_recipient_cli", b_cli.as_str())],
            "transfer",
        ),
        (
            youth,
            vec![("transfer_recipient_cli", b_cli.as_str())],
            "transfer_recipient_cli",
        ),
        (
            dear,
            vec![("transfer_recipient_wallet_type", "secondary")],
            "transfer_recipient_wallet_type",
        ),
    ];
    for (d, fields, at) in cases {
        let (s, body) = transfer(&app, p.a, d, &fields).await;
        assert_eq!(s, 422, "{fields:?}: {body}");
        assert!(
            field_error(&body, at).is_some() || body.contains(&format!("id=\"e-{at}\"")),
            "message at {at} for {fields:?}: {body}"
        );
        assert_eq!(state(&app, &p), before, "nothing changed for {fields:?}");
    }
    // A reason is asked for while financial changes are audited.
    set_auditing(&app, true).await;
    let (s, body) = transfer(&app, p.a, dear, &[]).await;
    assert_eq!(s, 422);
    assert!(
        field_error(&body, "transfer_change_reason").is_some(),
        "{body}"
    );
    assert_eq!(state(&app, &p), before);
    // Another provider's definition, or an unknown one, is not found.
    let (s, _) = transfer(&app, p.a, 999_999, &[]).await;
    assert_eq!(s, 404);
    // A viewer may not transfer.
    let viewer = app.operator_browser("tviewer", "viewer").await;
    let r = viewer
        .post_form(&format!("/subscribers/{}/transfers/{pin}", p.a), &[])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(state(&app, &p), before);
}

#[tokio::test]
async fn the_max_balance_policy_applies_to_what_the_recipient_gets() {
    let app = spawn_admin().await;
    let p = pair(&app, "MAX", 3).await;
    for (code, policy) in [("CAPREJ", "reject"), ("CAPLIM", "limit")] {
        let fields: Vec<(&'static str, String)> = vec![
            ("service_provider_id", "1".into()),
            ("code", code.into()),
            ("name", code.into()),
            ("unit", "cash".into()),
            ("category", "chargeable".into()),
            ("max_value", "5.00".into()),
            ("max_policy", policy.into()),
        ];
        let (s, body) = post(&app, "/admin/balance-types", &fields).await;
        assert_eq!(s, 303, "{body}");
    }
    let cash = app.balance_type_id("GENERAL_CASH").to_string();
    let gives = |name: &str, code: &str| -> Vec<(&'static str, String)> {
        vec![
            ("service_provider_id", "1".into()),
            ("name", name.into()),
            ("kind", "service_bundle".into()),
            ("cost_balance_type_id", cash.clone()),
            ("cost", "1.00".into()),
            (
                "gives_balance_type_id_1",
                app.balance_type_id(code).to_string(),
            ),
            ("gives_value_1", "6.00".into()),
        ]
    };
    let reject = define(&app, gives("Too much", "CAPREJ")).await;
    let limit = define(&app, gives("Cut", "CAPLIM")).await;
    let b_cli = cli(&app, p.b);
    let before = state(&app, &p);
    let (s, body) = transfer(
        &app,
        p.a,
        reject,
        &[("transfer_recipient_cli", b_cli.as_str())],
    )
    .await;
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("beyond its maximum"), "{body}");
    assert_eq!(state(&app, &p), before, "the purchaser did not pay either");
    let (s, body) = transfer(
        &app,
        p.a,
        limit,
        &[("transfer_recipient_cli", b_cli.as_str())],
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(app.stored(p.wb, "CAPLIM"), 500, "cut to the maximum");
    assert_eq!(app.stored(p.wa, "GENERAL_CASH"), 900);
}

#[tokio::test]
async fn save_and_execute_saves_the_screen_and_transfers_together_or_neither() {
    let app = spawn_admin().await;
    let p = pair(&app, "SAVE", 4).await;
    let d = define(
        &app,
        with(
            definition(&app, "Gift", "2.00", "1.00"),
            &[("pin_required", "on")],
        ),
    )
    .await;
    let b_cli = cli(&app, p.b);
    let action = format!("/subscribers/{}/transfers/{d}/save", p.a);

    // Refused transfer (wrong PIN): the description is not saved either.
    let screen = app.get_html(&format!("/subscribers/{}", p.a)).await;
    let mut fields = form_fields(&screen, "edit-form");
    set_fields(
        &mut fields,
        &[
            ("description", Some("Saved with the transfer")),
            ("transfer_recipient_cli", Some(b_cli.as_str())),
            ("transfer_pin", Some("0000")),
        ],
    );
    let r = post_scraped(&app, &action, &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(field_error(&body, "transfer_pin").is_some(), "{body}");
    assert!(
        body.contains("Saved with the transfer"),
        "what was typed stays: {body}"
    );
    let description = || -> String {
        subscribers::table
            .find(p.a)
            .select(subscribers::description)
            .first(&mut app.db())
            .unwrap()
    };
    assert_ne!(description(), "Saved with the transfer");
    assert_eq!(app.stored(p.wa, "GENERAL_CASH"), 1000);

    // The right PIN: both happen.
    set_fields(&mut fields, &[("transfer_pin", Some("1234"))]);
    let r = post_scraped(&app, &action, &fields).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    assert_eq!(description(), "Saved with the transfer");
    assert_eq!(app.stored(p.wa, "GENERAL_CASH"), 800);
    assert_eq!(app.stored(p.wb, "GENERAL_CASH"), 100);

    // The same screen again: its wallet version is old now, so nothing happens.
    let r = post_scraped(&app, &action, &fields).await;
    assert_eq!(r.status().as_u16(), 409);
    assert_eq!(app.stored(p.wa, "GENERAL_CASH"), 800);
    let r = post_scraped(
        &app,
        &format!("/subscribers/{}/transfers/{d}", p.a),
        &fields,
    )
    .await;
    assert_eq!(r.status().as_u16(), 422, "Execute only from an old screen");
    assert!(r.text().await.unwrap().contains("changed meanwhile"));
    assert_eq!(app.stored(p.wa, "GENERAL_CASH"), 800);
}

#[tokio::test]
async fn many_transfers_at_once_never_overdraw_the_purchaser() {
    let app = spawn_admin().await;
    let p = pair(&app, "RACE", 5).await;
    let d = define(&app, definition(&app, "Euro", "1.00", "1.00")).await;
    let b_cli = cli(&app, p.b);
    let token = app.csrf_token().await;
    let path = format!("/subscribers/{}/transfers/{d}", p.a);
    let fields = [("transfer_recipient_cli", b_cli.as_str())];
    let posts = (0..20).map(|_| app.post_with_token(&token, &path, &fields));
    let statuses: Vec<u16> = futures_util::future::join_all(posts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    let done = statuses.iter().filter(|s| **s == 303).count();
    let refused = statuses.iter().filter(|s| **s == 422).count();
    assert_eq!((done, refused), (10, 10), "{statuses:?}");
    assert_eq!(app.stored(p.wa, "GENERAL_CASH"), 0, "never below zero");
    assert_eq!(app.stored(p.wb, "GENERAL_CASH"), 1000);
    assert_eq!(app.edr_types_of(p.wa).len(), 11);
    assert_eq!(app.edr_types_of(p.wb).len(), 10);
}

#[tokio::test]
async fn what_a_transfer_gives_can_reward_a_tracker_promotion() {
    use crate::promo_support::{balance_type, edrs_of_type};
    let app = spawn_admin().await;
    let p = pair(&app, "PROMO", 6).await;
    let tracker = balance_type(&app, "CALLS", "tracker", "").await;
    let reward = balance_type(&app, "BONUS", "chargeable", "").await;
    let (t, r) = (tracker.to_string(), reward.to_string());
    let resp = app
        .post_form(
            "/admin/promotions",
            &[
                ("service_provider_id", "1"),
                ("name", "Ten calls bonus"),
                ("tracker_balance_type_id", &t),
                ("threshold", "10"),
                ("reward_balance_type_id", &r),
                ("reward", "5"),
                ("validity_days", ""),
                ("ends", ""),
            ],
        )
        .await;
    assert_eq!(resp.status().as_u16(), 303);
    let bundle = define(
        &app,
        with(
            definition(&app, "Ten calls", "1.00", "0"),
            &[
                ("gives_balance_type_id_1", t.as_str()),
                ("gives_value_1", "10"),
            ],
        ),
    )
    .await;
    let b_cli = cli(&app, p.b);
    let (s, body) = transfer(
        &app,
        p.a,
        bundle,
        &[("transfer_recipient_cli", b_cli.as_str())],
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(app.stored(p.wb, "CALLS"), 10);
    assert_eq!(
        app.stored(p.wb, "BONUS"),
        5,
        "the threshold reached rewards"
    );
    assert_eq!(edrs_of_type(&app, p.wb, "promotion"), 1);
    assert_eq!(app.stored(p.wa, "GENERAL_CASH"), 900);
}
