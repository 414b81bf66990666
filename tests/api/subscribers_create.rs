//! New subscriber and its new-wallet step.

use crate::common::{location, spawn_admin, spawn_app};
use crate::subscriber_support::*;
use selfcare::db::models::{subscriber, wallet};

#[tokio::test]
async fn a_new_subscriber_exists_at_once_and_goes_on_to_its_wallet() {
    let app = spawn_admin().await;
    let r = post(
        &app,
        "/subscribers",
        &subscriber_fields("4700001", "4791000001"),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = location(&r);
    assert!(
        to.starts_with("/subscribers/") && to.ends_with("/wallets/new"),
        "{to}"
    );
    let id: i64 = to
        .trim_start_matches("/subscribers/")
        .trim_end_matches("/wallets/new")
        .parse()
        .unwrap();

    // Listed already, with an empty wallet column.
    let html = app
        .get_html("/subscribers?card_number=4700001&match=exact")
        .await;
    assert_eq!(table_ids(&html), vec![id]);
    assert_eq!(column(&html, "wallet"), vec![""]);
    assert_eq!(column(&html, "subscriber_id"), vec!["4791000001"]);

    let page = app.get_html(&to).await;
    assert!(page.contains("New wallet for subscriber 4700001"));

    let mut conn = db(&app);
    let s = subscriber::find(&mut conn, id.into()).unwrap().unwrap();
    assert!(s.pin_hash.as_deref().unwrap().starts_with("$argon2id$"));
    assert_eq!(s.cli, "4791000001");
    assert!(!s.blacklisted);

    let log = app
        .get_html(&format!("/audit?object_type=subscriber&object_id={id}"))
        .await;
    assert!(log.contains("create") && log.contains("4700001"));
    assert!(
        !log.contains("argon2"),
        "the PIN hash never reaches the log"
    );
}

#[tokio::test]
async fn the_form_offers_every_contract_field_and_a_language_list() {
    let app = spawn_admin().await;
    let page = app.get_html("/subscribers/new").await;
    for (name, _) in subscriber_fields("1", "123") {
        assert!(
            page.contains(&format!("name=\"{name}\"")),
            "field {name} is on the form"
        );
    }
    for lang in ["English", "Norwegian", "German"] {
        assert!(page.contains(lang), "{lang} is offered");
    }
    assert!(page.contains("Default provider"));
}

#[tokio::test]
async fn each_rule_is_answered_next_to_its_field() {
    let app = spawn_admin().await;
    let cases: &[(&'static str, &str, &str)] = &[
        ("card_number", "", "card_number"),
        ("card_number", "12 34", "card_number"),
        ("card_number", &"1".repeat(31), "card_number"),
        ("subscriber_id", "", "subscriber_id"),
        ("subscriber_id", "47-91", "subscriber_id"),
        ("subscriber_id", "+4791", "subscriber_id"),
        ("subscriber_id", "12", "subscriber_id"),
        ("subscriber_id", &"9".repeat(16), "subscriber_id"),
        ("description", &"d".repeat(201), "description"),
        ("pin", "123", "pin"),
        ("pin", "123456789", "pin"),
        ("pin", "12a4", "pin"),
        ("pin_confirm", "4321", "pin_confirm"),
        ("language", "999", "language"),
        ("service_provider_id", "999", "service_provider_id"),
    ];
    for (field, bad, shown_at) in cases {
        let mut fields = with(subscriber_fields("4700002", "4791000002"), &[(field, bad)]);
        if *field == "pin" {
            fields = with(fields, &[("pin_confirm", bad)]);
        }
        let r = post(&app, "/subscribers", &fields).await;
        assert_eq!(r.status().as_u16(), 422, "{field}={bad:?} is refused");
        let html = r.text().await.unwrap();
        let message = field_error(&html, shown_at)
            .unwrap_or_else(|| panic!("message next to {shown_at} for {field}={bad:?}"));
        assert!(!message.is_empty());
        if *field != "description" {
            assert!(html.contains("Test subscriber"), "typed values are kept");
        }
        assert!(!html.contains("value=\"1234\""), "PINs are not echoed");
    }
    let html = app.get_html("/subscribers").await;
    assert!(table_ids(&html).is_empty(), "nothing was created");
}

#[tokio::test]
async fn pins_of_four_and_eight_digits_pass_and_an_undefined_pin_is_not_stored() {
    let app = spawn_admin().await;
    let four = post(
        &app,
        "/subscribers",
        &with(
            subscriber_fields("C4", "4791000004"),
            &[("pin", "1234"), ("pin_confirm", "1234")],
        ),
    )
    .await;
    assert_eq!(four.status().as_u16(), 303);
    let eight = post(
        &app,
        "/subscribers",
        &with(
            subscriber_fields("C8", "4791000008"),
            &[("pin", "12345678"), ("pin_confirm", "12345678")],
        ),
    )
    .await;
    assert_eq!(eight.status().as_u16(), 303);
    let none = post(
        &app,
        "/subscribers",
        &with(
            subscriber_fields("C0", "4791000000"),
            &[("pin_defined", ""), ("pin", "12"), ("pin_confirm", "")],
        ),
    )
    .await;
    assert_eq!(
        none.status().as_u16(),
        303,
        "the PIN is ignored when not defined"
    );
    let id: i64 = location(&none)
        .trim_start_matches("/subscribers/")
        .trim_end_matches("/wallets/new")
        .parse()
        .unwrap();
    let mut conn = db(&app);
    assert!(subscriber::find(&mut conn, id.into())
        .unwrap()
        .unwrap()
        .pin_hash
        .is_none());
}

#[tokio::test]
async fn card_number_and_subscriber_id_are_unique_within_the_provider() {
    let app = spawn_admin().await;
    create_subscriber(&app, "AB-100", "4791000100").await;
    let r = post(
        &app,
        "/subscribers",
        &subscriber_fields("ab-100", "4791000101"),
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(field_error(&html, "card_number")
        .unwrap()
        .contains("card number"));
    assert!(field_error(&html, "subscriber_id").is_none());
    let r = post(
        &app,
        "/subscribers",
        &subscriber_fields("AB-101", "4791000100"),
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(field_error(&html, "subscriber_id")
        .unwrap()
        .contains("subscriber ID"));

    // Another provider may use both.
    let other = app.service_provider("Second provider");
    let r = post(
        &app,
        "/subscribers",
        &with(
            subscriber_fields("AB-100", "4791000100"),
            &[("service_provider_id", &other.to_string())],
        ),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn viewers_cannot_create_and_strangers_are_sent_to_sign_in() {
    let app = spawn_app().await;
    let r = app.get("/subscribers").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/login");
    app.create_operator("vera", "Viewer-Passw0rd!", "viewer");
    app.login("vera", "Viewer-Passw0rd!").await;
    assert_eq!(app.get("/subscribers").await.status().as_u16(), 200);
    assert_eq!(app.get("/subscribers/new").await.status().as_u16(), 403);
    let r = post(&app, "/subscribers", &subscriber_fields("V1", "4791000777")).await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(!app
        .get_html("/subscribers")
        .await
        .contains("New subscriber</a>"));
}

#[tokio::test]
async fn a_private_wallet_gets_a_generated_reference_then_a_secondary_one_and_no_third() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "W1", "4792000001").await;
    let r = add_wallet(&app, id, &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), format!("/subscribers/{id}#p-wallets"));
    add_private_wallet(&app, id, "sec-1").await;
    let mut conn = db(&app);
    let held = wallet::held_by(&mut conn, id).unwrap();
    assert_eq!(held.len(), 2);
    assert_eq!(held[0].wallet_type.code(), "primary");
    assert!(held[0].wallet.wallet_ref.starts_with('W') && held[0].wallet.wallet_ref.len() == 12);
    assert_eq!(held[0].wallet.state.code(), "pre_use");
    assert_eq!(held[1].wallet_type.code(), "secondary");
    assert_eq!(held[1].wallet.wallet_ref, "SEC-1");

    let html = app.get_html("/subscribers?card_number=W1").await;
    assert_eq!(table_ids(&html), vec![id, id], "one row per wallet");
    let wallets = column(&html, "wallet");
    assert!(wallets[0].ends_with("Primary"), "{wallets:?}");
    assert_eq!(wallets[1], "SEC-1 Secondary");

    let third = add_wallet(&app, id, &[]).await;
    assert_eq!(third.status().as_u16(), 422);
    let html = third.text().await.unwrap();
    assert!(html.contains("already has a primary and a secondary wallet"));
}

#[tokio::test]
async fn linking_to_an_existing_wallet_shares_it() {
    let app = spawn_admin().await;
    let a = create_subscriber(&app, "SH-A", "4793000001").await;
    let b = create_subscriber(&app, "SH-B", "4793000002").await;
    add_private_wallet(&app, a, "FAMILY-1").await;

    let missing = add_wallet(
        &app,
        b,
        &[("link_existing", "on"), ("wallet_ref", "NOPE-1")],
    )
    .await;
    assert_eq!(missing.status().as_u16(), 422);
    let html = missing.text().await.unwrap();
    assert!(field_error(&html, "wallet_ref")
        .unwrap()
        .contains("No wallet"));

    let taken = add_wallet(&app, b, &[("wallet_ref", "family-1")]).await;
    assert_eq!(
        taken.status().as_u16(),
        422,
        "a private wallet cannot reuse a reference"
    );

    let linked = add_wallet(
        &app,
        b,
        &[("link_existing", "on"), ("wallet_ref", "family-1")],
    )
    .await;
    assert_eq!(linked.status().as_u16(), 303);
    let html = app
        .get_html("/subscribers?wallet_ref=FAMILY-1&match=exact")
        .await;
    assert_eq!(table_ids(&html), vec![a, b], "both holders are listed");
    let mut conn = db(&app);
    let held = wallet::held_by(&mut conn, b).unwrap();
    assert_eq!(held[0].holders, 2);
    assert_eq!(held[0].wallet.wallet_ref, "FAMILY-1");
}

#[tokio::test]
async fn wallet_rules_limit_type_minimum_credit_accesses_and_customer() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "R1", "4794000001").await;
    let cases: &[(&[(&'static str, &str)], &str)] = &[
        (
            &[("limit_type", "prepaid"), ("min_credit", "10")],
            "min_credit",
        ),
        (
            &[("limit_type", "limited_postpaid"), ("min_credit", "")],
            "min_credit",
        ),
        (
            &[("limit_type", "limited_postpaid"), ("min_credit", "1.234")],
            "min_credit",
        ),
        (&[("limit_type", "credit")], "limit_type"),
        (&[("max_concurrent", "0")], "max_concurrent"),
        (&[("max_concurrent", "x")], "max_concurrent"),
        (&[("customer", "123456789012")], "customer"),
        (&[("product_type_id", "999")], "product_type_id"),
        (&[("currency_id", "999")], "currency_id"),
        (&[("wallet_ref", "bad ref")], "wallet_ref"),
    ];
    for (changes, field) in cases {
        let r = add_wallet(&app, id, changes).await;
        assert_eq!(r.status().as_u16(), 422, "{changes:?} is refused");
        let html = r.text().await.unwrap();
        assert!(
            field_error(&html, field).is_some(),
            "message next to {field} for {changes:?}"
        );
    }
    let customer = app.create_customer("walletco", "Wallet Customer AS").await;
    let mut conn = db(&app);
    let account = selfcare::db::models::customer::find(
        &mut conn,
        selfcare::db::models::customer::CustomerId(customer),
    )
    .unwrap()
    .unwrap()
    .account_code;
    let r = add_wallet(
        &app,
        id,
        &[
            ("limit_type", "limited_postpaid"),
            ("min_credit", "10.50"),
            ("max_concurrent", "3"),
            ("customer", &account),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let w = wallet::held_by(&mut conn, id).unwrap().remove(0).wallet;
    assert_eq!(
        w.min_credit_minor,
        Some(1050),
        "kept exactly in minor units"
    );
    assert_eq!(w.max_concurrent, 3);
    assert_eq!(w.customer_id, Some(customer));
    assert_eq!(w.limit_type.code(), "limited_postpaid");
}
