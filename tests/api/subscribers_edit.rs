//! The edit screen: panels in one form, one Save, stale saves refused, wallets with change
//! reasons, comments by privilege, history, deletion.

use crate::common::{location, spawn_admin, TestApp};
use crate::subscriber_support::*;
use selfcare::db::models::{subscriber, subscriber_profile, wallet};

async fn subscriber_with_wallet(app: &TestApp, card: &str, cli: &str) -> i64 {
    let id = create_subscriber(app, card, cli).await;
    add_private_wallet(app, id, &format!("{card}-W")).await;
    id
}

#[tokio::test]
async fn the_screen_has_a_menu_of_panels_in_one_form_with_the_saved_values() {
    let app = spawn_admin().await;
    let id = subscriber_with_wallet(&app, "ED1", "4780000001").await;
    let html = app.get_html(&format!("/subscribers/{id}")).await;
    for panel in [
        "details",
        "barring",
        "translation",
        "friends",
        "cugs",
        "remote",
        "comments",
        "zones",
        "wallets",
        "history",
    ] {
        assert!(
            html.contains(&format!("href=\"#p-{panel}\"")),
            "menu entry {panel}"
        );
        assert!(html.contains(&format!("id=\"p-{panel}\"")), "panel {panel}");
    }
    assert_eq!(
        html.matches("data-action=\"save\"").count(),
        1,
        "one Save for all"
    );
    assert!(html.contains("data-action=\"revert\""));
    let fields = form_fields(&html, "edit-form");
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("card_number").as_deref(), Some("ED1"));
    assert_eq!(get("subscriber_id").as_deref(), Some("4780000001"));
    assert_eq!(get("pin_defined").as_deref(), Some("on"));
    assert_eq!(get("pin").as_deref(), Some(""), "the PIN is never shown");
    assert_eq!(get("primary_state").as_deref(), Some("pre_use"));
    assert_eq!(get("version").as_deref(), Some("1"));
    assert!(html.contains("ED1-W"));
}

#[tokio::test]
async fn one_save_keeps_edits_of_several_panels_and_the_history_names_them() {
    let app = spawn_admin().await;
    let id = subscriber_with_wallet(&app, "ED2", "4780000002").await;
    save_ok(
        &app,
        id,
        &[
            ("description", Some("Changed in details")),
            ("blacklisted", Some("on")),
            ("remote_access", Some("on")),
            ("primary_state", Some("active")),
            ("primary_max_concurrent", Some("4")),
            ("primary_expiry_date", Some("2027-12-31")),
        ],
    )
    .await;
    let mut conn = db(&app);
    let s = subscriber::find(&mut conn, id.into()).unwrap().unwrap();
    assert_eq!(s.description, "Changed in details");
    assert!(s.blacklisted && s.remote_access);
    assert_eq!(s.version, 2);
    assert!(s.pin_hash.is_some(), "an empty PIN keeps the PIN");
    let w = wallet::held_by(&mut conn, id).unwrap().remove(0).wallet;
    assert_eq!(w.state.code(), "active");
    assert_eq!(w.max_concurrent, 4);
    assert_eq!(
        w.expires_at,
        Some(selfcare::domain::subscriber::parse_date("2027-12-31").unwrap())
    );

    let html = app.get_html(&format!("/subscribers/{id}")).await;
    assert!(html.contains("Subscriber saved."));
    let history = html.split("id=\"history\"").nth(1).unwrap();
    for field in ["blacklisted", "description", "remote_access"] {
        assert!(
            history.contains(&format!("data-field=\"{field}\"")),
            "{field}"
        );
    }
    assert!(history.contains("Wallet ED2-W"));
    for field in ["expires_at", "max_concurrent", "state"] {
        assert!(
            history.contains(&format!("data-field=\"{field}\"")),
            "{field}"
        );
    }
    assert!(history.contains("operator:admin"));
}

#[tokio::test]
async fn nothing_changed_saves_nothing() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "ED3", "4780000003").await;
    save_ok(&app, id, &[]).await;
    let mut conn = db(&app);
    assert_eq!(
        subscriber::find(&mut conn, id.into())
            .unwrap()
            .unwrap()
            .version,
        1
    );
}

#[tokio::test]
async fn a_stale_save_is_refused_and_nothing_is_overwritten() {
    let app = spawn_admin().await;
    let id = subscriber_with_wallet(&app, "ED4", "4780000004").await;
    let mut first = edit_form(&app, id).await;
    let mut second = edit_form(&app, id).await;
    set_fields(&mut first, &[("description", Some("First"))]);
    let r = post_scraped(&app, &format!("/subscribers/{id}"), &first).await;
    assert_eq!(r.status().as_u16(), 303);
    set_fields(
        &mut second,
        &[("description", Some("Second")), ("disable_sms", Some("on"))],
    );
    let r = post_scraped(&app, &format!("/subscribers/{id}"), &second).await;
    assert_eq!(r.status().as_u16(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("Someone else saved this subscriber"));
    let mut conn = db(&app);
    let s = subscriber::find(&mut conn, id.into()).unwrap().unwrap();
    assert_eq!(s.description, "First");
    assert!(!s.disable_sms);

    // A wallet changed through another subscriber sharing it: the older form is refused too.
    let other = create_subscriber(&app, "ED4B", "4780000044").await;
    let linked = add_wallet(
        &app,
        other,
        &[("link_existing", "on"), ("wallet_ref", "ED4-W")],
    )
    .await;
    assert_eq!(linked.status().as_u16(), 303);
    let mut mine = edit_form(&app, id).await;
    save_ok(&app, other, &[("primary_state", Some("suspended"))]).await;
    set_fields(&mut mine, &[("primary_state", Some("active"))]);
    let r = post_scraped(&app, &format!("/subscribers/{id}"), &mine).await;
    assert_eq!(r.status().as_u16(), 409);
    let w = wallet::held_by(&mut conn, id).unwrap().remove(0).wallet;
    assert_eq!(w.state.code(), "suspended");
}

#[tokio::test]
async fn pin_rules_on_edit() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "ED5", "4780000005").await;
    for (pin, ok) in [
        ("123", false),
        ("123456789", false),
        ("1234", true),
        ("12345678", true),
    ] {
        let r = save_with(&app, id, &[("pin", Some(pin)), ("pin_confirm", Some(pin))]).await;
        assert_eq!(r.status().as_u16(), if ok { 303 } else { 422 }, "PIN {pin}");
        if !ok {
            let html = r.text().await.unwrap();
            assert!(field_error(&html, "pin").is_some());
        }
    }
    let r = save_with(
        &app,
        id,
        &[("pin", Some("5555")), ("pin_confirm", Some("5556"))],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(field_error(&r.text().await.unwrap(), "pin_confirm").is_some());
    let mut conn = db(&app);
    let hash = subscriber::find(&mut conn, id.into())
        .unwrap()
        .unwrap()
        .pin_hash
        .unwrap();
    assert!(selfcare::auth::password::verify("12345678", &hash));
    // "Is defined" off removes the PIN.
    save_ok(&app, id, &[("pin_defined", None)]).await;
    assert!(subscriber::find(&mut conn, id.into())
        .unwrap()
        .unwrap()
        .pin_hash
        .is_none());
    // Defining one again needs the PIN itself.
    let r = save_with(&app, id, &[("pin_defined", Some("on"))]).await;
    assert_eq!(r.status().as_u16(), 422);
}

#[tokio::test]
async fn details_follow_the_creation_rules_and_uniqueness() {
    let app = spawn_admin().await;
    create_subscriber(&app, "ED6A", "4780000061").await;
    let id = create_subscriber(&app, "ED6B", "4780000062").await;
    let r = save_with(&app, id, &[("card_number", Some("ed6a"))]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(field_error(&r.text().await.unwrap(), "card_number").is_some());
    let r = save_with(&app, id, &[("subscriber_id", Some("4780000061"))]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(field_error(&html, "subscriber_id").is_some());
    assert!(
        html.contains("value=\"4780000061\""),
        "the typed value stays"
    );
    assert!(html.contains("data-action=\"revert\" ") || html.contains("href=\"/subscribers/"));
    let r = save_with(&app, id, &[("subscriber_id", Some("47x"))]).await;
    assert_eq!(r.status().as_u16(), 422);
    save_ok(
        &app,
        id,
        &[("card_number", Some("ED6C")), ("language", Some("2"))],
    )
    .await;
    let mut conn = db(&app);
    let s = subscriber::find(&mut conn, id.into()).unwrap().unwrap();
    assert_eq!((s.card_number.as_str(), s.language_id), ("ED6C", 2));
}

#[tokio::test]
async fn wallet_changes_and_the_product_swap_bill() {
    let app = spawn_admin().await;
    let id = subscriber_with_wallet(&app, "ED7", "4780000007").await;
    let r = save_with(&app, id, &[("primary_bill_swap", Some("on"))]).await;
    assert_eq!(
        r.status().as_u16(),
        422,
        "no swap to bill without a new product type"
    );
    assert!(field_error(&r.text().await.unwrap(), "primary_bill_swap").is_some());
    save_ok(
        &app,
        id,
        &[
            ("primary_product_type_id", Some("3")),
            ("primary_bill_swap", Some("on")),
            ("primary_currency_id", Some("2")),
        ],
    )
    .await;
    let mut conn = db(&app);
    let w = wallet::held_by(&mut conn, id).unwrap().remove(0).wallet;
    assert_eq!((w.product_type_id, w.currency_id), (3, 2));
    assert_eq!(
        wallet::product_swaps(&mut conn, w.id).unwrap(),
        vec![(1, 3, true)]
    );
    let fields = edit_form(&app, id).await;
    assert!(
        !fields.iter().any(|(k, _)| k == "primary_bill_swap"),
        "the box is clear after the save"
    );
    save_ok(&app, id, &[("primary_product_type_id", Some("2"))]).await;
    assert_eq!(
        wallet::product_swaps(&mut conn, w.id).unwrap(),
        vec![(1, 3, true), (3, 2, false)],
        "a swap without the box is recorded as not billed"
    );
    for (field, bad) in [
        ("primary_state", "gone"),
        ("primary_max_concurrent", "0"),
        ("primary_expiry_date", "31.12.2027"),
        ("primary_customer", "000000000000"),
        ("primary_product_type_id", "99"),
    ] {
        let r = save_with(&app, id, &[(field, Some(bad))]).await;
        assert_eq!(r.status().as_u16(), 422, "{field}={bad}");
        assert!(
            field_error(&r.text().await.unwrap(), field).is_some(),
            "{field}"
        );
    }
    // Every state of the life cycle can be chosen.
    for state in [
        "active",
        "dormant",
        "suspended",
        "frozen",
        "terminated",
        "pre_use",
    ] {
        save_ok(&app, id, &[("primary_state", Some(state))]).await;
    }
    let customer = app.create_customer("edco01", "Edit Customer AS").await;
    let code = selfcare::db::models::customer::find(
        &mut conn,
        selfcare::db::models::customer::CustomerId(customer),
    )
    .unwrap()
    .unwrap()
    .account_code;
    save_ok(
        &app,
        id,
        &[
            ("primary_customer", Some(&code)),
            ("primary_expiry_date", Some("")),
        ],
    )
    .await;
    let w = wallet::held_by(&mut conn, id).unwrap().remove(0).wallet;
    assert_eq!(w.customer_id, Some(customer));
    assert_eq!(w.expires_at, None);
}

#[tokio::test]
async fn wallet_changes_ask_for_a_reason_while_auditing_is_on() {
    let app = spawn_admin().await;
    let id = subscriber_with_wallet(&app, "ED8", "4780000008").await;
    set_auditing(&app, true).await;
    assert!(app.get_html("/admin/settings").await.contains(" checked"));
    let r = save_with(&app, id, &[("primary_state", Some("active"))]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(field_error(&html, "change_reason")
        .unwrap()
        .contains("reason"));
    let r = save_with(
        &app,
        id,
        &[
            ("primary_state", Some("active")),
            ("change_reason", Some(&"r".repeat(201))),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422, "201 characters are too many");
    let mut conn = db(&app);
    assert_eq!(
        wallet::held_by(&mut conn, id).unwrap()[0]
            .wallet
            .state
            .code(),
        "pre_use"
    );
    // Details alone need no reason.
    save_ok(&app, id, &[("description", Some("No money involved"))]).await;
    let reason = format!("Customer asked by phone {}", "x".repeat(176));
    assert_eq!(reason.chars().count(), 200);
    save_ok(
        &app,
        id,
        &[
            ("primary_state", Some("active")),
            ("change_reason", Some(&reason)),
        ],
    )
    .await;
    save_ok(
        &app,
        id,
        &[
            ("primary_state", Some("dormant")),
            ("change_reason", Some("x")),
        ],
    )
    .await;
    let html = app.get_html(&format!("/subscribers/{id}")).await;
    let history = html.split("id=\"history\"").nth(1).unwrap();
    assert!(history.contains(&reason), "the reason is in the history");
    assert!(history.contains("operator:admin"));
    let log = app.get_html("/audit?object_type=wallet").await;
    assert!(log.contains("Customer asked by phone"));

    // Adding a wallet is a wallet change too.
    let r = add_wallet(&app, id, &[]).await;
    assert_eq!(r.status().as_u16(), 422);
    let r = add_wallet(&app, id, &[("change_reason", "Second line")]).await;
    assert_eq!(r.status().as_u16(), 303);
    set_auditing(&app, false).await;
    save_ok(&app, id, &[("primary_state", Some("active"))]).await;
}

#[tokio::test]
async fn comments_follow_the_role_privileges() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "ED9", "4780000009").await;
    let fifty = "c".repeat(50);
    let r = save_with(&app, id, &[("comment_new", Some(&"c".repeat(51)))]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(field_error(&r.text().await.unwrap(), "comment_new").is_some());
    save_ok(&app, id, &[("comment_new", Some(&fifty))]).await;
    let mut conn = db(&app);
    let admins = subscriber_profile::load(&mut conn, id).unwrap().comments[0].id;

    let op = app.operator_browser("otto", "operator").await;
    save_ok(&op, id, &[("comment_new", Some("Called about roaming"))]).await;
    let comments = subscriber_profile::load(&mut conn, id).unwrap().comments;
    let mine = comments.iter().find(|c| c.author == "otto").unwrap().id;
    let fields = edit_form(&op, id).await;
    assert!(
        fields.iter().any(|(k, _)| *k == format!("comment_{mine}")),
        "own comment editable"
    );
    assert!(
        !fields
            .iter()
            .any(|(k, _)| *k == format!("comment_{admins}")),
        "not others'"
    );
    assert!(!op
        .get_html(&format!("/subscribers/{id}"))
        .await
        .contains(&format!("comment_{mine}_delete")));
    save_ok(
        &op,
        id,
        &[(&format!("comment_{mine}"), Some("Called twice"))],
    )
    .await;
    let r = save_with(&op, id, &[(&format!("comment_{admins}"), Some("Hijacked"))]).await;
    assert_eq!(
        r.status().as_u16(),
        422,
        "an operator cannot change another's comment"
    );
    let r = save_with(&op, id, &[(&format!("comment_{mine}_delete"), Some("on"))]).await;
    assert_eq!(
        r.status().as_u16(),
        422,
        "an operator cannot delete comments"
    );

    let viewer = app.operator_browser("vicky", "viewer").await;
    let html = viewer.get_html(&format!("/subscribers/{id}")).await;
    assert!(html.contains("Called twice") && html.contains(&fifty));
    assert!(html.contains("fieldset class=\"plain panels\" disabled"));
    assert!(!html.contains("data-action=\"save\""));
    let token = crate::common::csrf_of(&html);
    let r = viewer
        .post_raw(
            &format!("/subscribers/{id}"),
            &[("csrf_token", &token), ("comment_new", "Hello")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);

    // The admin deletes any comment.
    save_ok(&app, id, &[(&format!("comment_{mine}_delete"), Some("on"))]).await;
    let left: Vec<String> = subscriber_profile::load(&mut conn, id)
        .unwrap()
        .comments
        .into_iter()
        .map(|c| c.body)
        .collect();
    assert_eq!(left, vec![fifty]);
}

#[tokio::test]
async fn deleting_takes_private_wallets_and_keeps_shared_ones() {
    let app = spawn_admin().await;
    let a = subscriber_with_wallet(&app, "DEL1", "4781000001").await;
    let b = create_subscriber(&app, "DEL2", "4781000002").await;
    let r = add_wallet(
        &app,
        b,
        &[("link_existing", "on"), ("wallet_ref", "DEL1-W")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    add_private_wallet(&app, a, "DEL1-OWN").await;

    let page = app.get_html(&format!("/subscribers/{a}/delete")).await;
    assert!(page.contains("DEL1-OWN is deleted with it"));
    assert!(page.contains("DEL1-W stays"));
    let r = app
        .post_form(&format!("/subscribers/{a}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/subscribers");
    let mut conn = db(&app);
    assert!(subscriber::find(&mut conn, a.into()).unwrap().is_none());
    let sp = 1;
    assert!(wallet::find_by_ref(&mut conn, sp, "DEL1-OWN")
        .unwrap()
        .is_none());
    let shared = wallet::find_by_ref(&mut conn, sp, "DEL1-W")
        .unwrap()
        .unwrap();
    assert_eq!(wallet::holders(&mut conn, shared.id).unwrap(), 1);
    assert_eq!(
        app.get(&format!("/subscribers/{a}"))
            .await
            .status()
            .as_u16(),
        404
    );

    // The last holder takes it with it; while auditing, a reason is asked for.
    set_auditing(&app, true).await;
    let r = app
        .post_form(&format!("/subscribers/{b}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(subscriber::find(&mut conn, b.into()).unwrap().is_some());
    let r = app
        .post_form(
            &format!("/subscribers/{b}/delete"),
            &[("change_reason", "Contract ended")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(wallet::find_by_ref(&mut conn, sp, "DEL1-W")
        .unwrap()
        .is_none());
    let log = app
        .get_html(&format!(
            "/audit?object_type=wallet&object_id={}",
            shared.id
        ))
        .await;
    assert!(log.contains("Contract ended") && log.contains("delete"));
}
