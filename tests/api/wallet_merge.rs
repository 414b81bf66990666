//! Merging wallets, the activation bonus, the stale-screen check of the money forms, "Execute
//! only" and "Save & execute", and "Add a balance" over HTTP.

use crate::common::{spawn_admin, TestApp};
use crate::subscriber_support::{
    add_private_wallet, add_wallet, create_subscriber, form_fields, post_scraped, set_fields,
};
use diesel::prelude::*;
use selfcare::db::schema::{
    balance_buckets, balance_types, edr_balances, edrs, subscriber_wallets, subscribers,
    wallet_balances, wallets,
};

fn wallet_of(app: &TestApp, wallet_ref: &str) -> Option<i64> {
    wallets::table
        .filter(wallets::wallet_ref.eq(wallet_ref))
        .select(wallets::id)
        .first(&mut app.db())
        .optional()
        .unwrap()
}

fn type_id(app: &TestApp, code: &str) -> i64 {
    balance_types::table
        .filter(balance_types::service_provider_id.eq(1))
        .filter(balance_types::code.eq(code))
        .select(balance_types::id)
        .first(&mut app.db())
        .unwrap()
}

/// The buckets of a wallet's balance type: (value, expires_at), by value.
fn buckets(app: &TestApp, wallet: i64, bt: i64) -> Vec<(i64, Option<i64>, Option<i64>)> {
    let mut v: Vec<(i64, Option<i64>, Option<i64>)> = balance_buckets::table
        .inner_join(wallet_balances::table)
        .filter(wallet_balances::wallet_id.eq(wallet))
        .filter(wallet_balances::balance_type_id.eq(bt))
        .select((
            balance_buckets::value,
            balance_buckets::expires_at,
            balance_buckets::starts_at,
        ))
        .load(&mut app.db())
        .unwrap();
    v.sort();
    v
}

/// Every wallet that has EDRs: minus the sum of its costs equals what its buckets store (zero
/// for a wallet merged away).
fn edrs_recompute(app: &TestApp) {
    let mut conn = app.db();
    let rows: Vec<(i64, i64, i64)> = edr_balances::table
        .inner_join(edrs::table)
        .select((
            edrs::wallet_id,
            edr_balances::balance_type_id,
            edr_balances::cost,
        ))
        .load(&mut conn)
        .unwrap();
    let mut keys: Vec<(i64, i64)> = rows.iter().map(|(w, b, _)| (*w, *b)).collect();
    keys.sort();
    keys.dedup();
    for (w, b) in keys {
        let recomputed: i64 = -rows
            .iter()
            .filter(|(x, y, _)| *x == w && *y == b)
            .map(|(_, _, c)| c)
            .sum::<i64>();
        let stored: i64 = balance_buckets::table
            .inner_join(wallet_balances::table)
            .filter(wallet_balances::wallet_id.eq(w))
            .filter(wallet_balances::balance_type_id.eq(b))
            .select(balance_buckets::value)
            .load::<i64>(&mut conn)
            .unwrap()
            .into_iter()
            .sum();
        assert_eq!(recomputed, stored, "wallet {w}, balance type {b}");
    }
}

fn edr_types(app: &TestApp, wallet: i64) -> Vec<String> {
    edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .order(edrs::id)
        .select(edrs::edr_type)
        .load(&mut app.db())
        .unwrap()
}

fn day(offset_days: i64) -> String {
    let now = selfcare::db::now();
    selfcare::format::format_date(
        now - now.rem_euclid(86_400) + offset_days * 86_400,
        &jiff::tz::TimeZone::UTC,
    )
}

/// The stored `expires_at` of a bucket whose expiry date is `day(offset)`.
fn expires(offset_days: i64) -> i64 {
    let now = selfcare::db::now();
    now - now.rem_euclid(86_400) + (offset_days + 1) * 86_400
}

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let r = app.post_form(path, fields).await;
    let s = r.status().as_u16();
    (s, r.text().await.unwrap_or_default())
}

async fn bucket(app: &TestApp, wallet: i64, bt: i64, value: &str, expiry: &str) {
    let bt = bt.to_string();
    let (s, body) = post(
        app,
        &format!("/wallets/{wallet}/buckets"),
        &[
            ("balance_type_id", &bt),
            ("value", value),
            ("expiry", expiry),
        ],
    )
    .await;
    assert_eq!(s, 303, "bucket added: {body}");
}

async fn merge(
    app: &TestApp,
    target: i64,
    cli: &str,
    (source_type, target_type): (&str, &str),
    (expiry, buckets): (&str, &str),
) -> (u16, String) {
    post(
        app,
        &format!("/subscribers/{target}/merge"),
        &[
            ("source_cli", cli),
            ("source_wallet_type", source_type),
            ("target_wallet_type", target_type),
            ("expiry_policy", expiry),
            ("bucket_policy", buckets),
            ("change_reason", ""),
        ],
    )
    .await
}

fn set_wallet_expiry(app: &TestApp, wallet: i64, at: Option<i64>) {
    diesel::update(wallets::table.find(wallet))
        .set(wallets::expires_at.eq(at))
        .execute(&mut app.db())
        .unwrap();
}

fn wallet_row(app: &TestApp, wallet: i64) -> (String, Option<i64>) {
    wallets::table
        .find(wallet)
        .select((wallets::state, wallets::expires_at))
        .first(&mut app.db())
        .unwrap()
}

fn holdings(app: &TestApp, subscriber: i64) -> Vec<(String, i64)> {
    subscriber_wallets::table
        .filter(subscriber_wallets::subscriber_id.eq(subscriber))
        .order(subscriber_wallets::wallet_type)
        .select((
            subscriber_wallets::wallet_type,
            subscriber_wallets::wallet_id,
        ))
        .load(&mut app.db())
        .unwrap()
}

#[tokio::test]
async fn merges_under_each_expiry_and_bucket_policy() {
    let app = spawn_admin().await;
    let cash = type_id(&app, "GENERAL_CASH");
    let combos = [
        ("best", "merge"),
        ("best", "move"),
        ("ignore", "merge"),
        ("ignore", "move"),
    ];
    for (n, (expiry, policy)) in combos.into_iter().enumerate() {
        let (tc, sc) = (format!("MT{n}"), format!("MS{n}"));
        let (t_cli, s_cli) = (format!("48100000{n}0"), format!("48100000{n}1"));
        let t = create_subscriber(&app, &tc, &t_cli).await;
        add_private_wallet(&app, t, &tc).await;
        let s = create_subscriber(&app, &sc, &s_cli).await;
        add_private_wallet(&app, s, &sc).await;
        let (tw, sw) = (wallet_of(&app, &tc).unwrap(), wallet_of(&app, &sc).unwrap());
        set_wallet_expiry(&app, tw, Some(expires(10)));
        set_wallet_expiry(&app, sw, Some(expires(20)));
        bucket(&app, tw, cash, "5.00", "").await;
        bucket(&app, tw, cash, "2.00", &day(5)).await;
        bucket(&app, sw, cash, "3.00", "").await;
        bucket(&app, sw, cash, "1.00", &day(8)).await;
        let target_state = wallet_row(&app, tw).0;

        let (status, body) = merge(&app, t, &s_cli, ("primary", "primary"), (expiry, policy)).await;
        assert_eq!(status, 303, "{expiry}/{policy}: {body}");

        assert_eq!(wallet_of(&app, &sc), None, "the source wallet is deleted");
        assert_eq!(holdings(&app, s), vec![("primary".to_string(), tw)]);
        assert_eq!(holdings(&app, t), vec![("primary".to_string(), tw)]);
        let dated = if policy == "merge" {
            vec![(300, Some(expires(8)), None)]
        } else {
            vec![(100, Some(expires(8)), None), (200, Some(expires(5)), None)]
        };
        let mut want = vec![(800, None, None)];
        want.extend(dated);
        want.sort();
        assert_eq!(buckets(&app, tw, cash), want, "{expiry}/{policy}");
        let (state, wallet_expiry) = wallet_row(&app, tw);
        assert_eq!(
            state, target_state,
            "the shared wallet keeps the target's state"
        );
        let want_expiry = if expiry == "best" {
            expires(20)
        } else {
            expires(10)
        };
        assert_eq!(wallet_expiry, Some(want_expiry), "{expiry}");
        let page = app.get_html(&format!("/subscribers/{s}")).await;
        assert!(page.contains(&format!("data-wallet-id=\"{tw}\"")), "{page}");
        assert!(page.contains("data-balance-type=\"GENERAL_CASH\" data-total=\"1100\""));
        assert!(edr_types(&app, tw).ends_with(&["merge".to_string()]));
        assert!(edr_types(&app, sw).ends_with(&["merge".to_string()]));
    }
    edrs_recompute(&app);
}

#[tokio::test]
async fn a_missing_secondary_target_shares_the_source_wallet() {
    let app = spawn_admin().await;
    let cash = type_id(&app, "GENERAL_CASH");
    let t = create_subscriber(&app, "SH-T", "4820000001").await;
    add_private_wallet(&app, t, "SH-T").await;
    let s = create_subscriber(&app, "SH-S", "4820000002").await;
    add_private_wallet(&app, s, "SH-S").await;
    let sw = wallet_of(&app, "SH-S").unwrap();
    bucket(&app, sw, cash, "4.00", "").await;
    // The source is active, the target's primary pre-use: the shared wallet keeps its own.
    let mut fields = form_fields(
        &app.get_html(&format!("/subscribers/{s}")).await,
        "edit-form",
    );
    set_fields(&mut fields, &[("primary_state", Some("active"))]);
    assert_eq!(
        post_scraped(&app, &format!("/subscribers/{s}"), &fields)
            .await
            .status()
            .as_u16(),
        303
    );

    let (status, body) = merge(
        &app,
        t,
        "4820000002",
        ("primary", "secondary"),
        ("best", "merge"),
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let tw = wallet_of(&app, "SH-T").unwrap();
    assert_eq!(
        holdings(&app, t),
        vec![("primary".to_string(), tw), ("secondary".to_string(), sw)]
    );
    assert_eq!(holdings(&app, s), vec![("primary".to_string(), sw)]);
    assert_eq!(wallet_row(&app, sw).0, "active");
    assert_eq!(buckets(&app, sw, cash), vec![(400, None, None)]);
    let page = app.get_html(&format!("/subscribers/{t}")).await;
    assert!(page.contains("shared by 2 subscribers"), "{page}");
    assert!(edr_types(&app, sw).ends_with(&["merge".to_string()]));

    // The same pair again is the same wallet now: refused, nothing changed.
    let before = edr_types(&app, sw).len();
    let (status, body) = merge(
        &app,
        t,
        "4820000002",
        ("primary", "secondary"),
        ("best", "merge"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("id=\"e-merge-source_wallet_type\""), "{body}");
    assert_eq!(edr_types(&app, sw).len(), before);
    edrs_recompute(&app);
}

async fn set_bonus(app: &TestApp, bt: i64, amount: &str) -> u16 {
    let bt = bt.to_string();
    post(
        app,
        "/admin/product-types/1/bonus",
        &[("balance_type_id", &bt), ("amount", amount)],
    )
    .await
    .0
}

async fn new_type(app: &TestApp, code: &str, max: &str, policy: &str) -> i64 {
    let (s, body) = post(
        app,
        "/admin/balance-types",
        &[
            ("service_provider_id", "1"),
            ("code", code),
            ("name", "Capped"),
            ("unit", "cash"),
            ("category", "chargeable"),
            ("max_value", max),
            ("max_policy", policy),
            ("allow_credit", ""),
        ],
    )
    .await;
    assert_eq!(s, 303, "{body}");
    type_id(app, code)
}

/// Activates the primary wallet on the edit screen: (status, body).
async fn activate(app: &TestApp, sub: i64) -> (u16, String) {
    let mut fields = form_fields(
        &app.get_html(&format!("/subscribers/{sub}")).await,
        "edit-form",
    );
    set_fields(&mut fields, &[("primary_state", Some("active"))]);
    let r = post_scraped(app, &format!("/subscribers/{sub}"), &fields).await;
    let s = r.status().as_u16();
    (s, r.text().await.unwrap_or_default())
}

#[tokio::test]
async fn activation_applies_the_bonus_under_the_maximum_policy() {
    let app = spawn_admin().await;
    let cash = type_id(&app, "GENERAL_CASH");
    let limited = new_type(&app, "CAP_LIMIT", "10.00", "limit").await;
    assert_eq!(set_bonus(&app, cash, "5.00").await, 303);
    assert_eq!(set_bonus(&app, limited, "15.00").await, 303);
    assert_eq!(set_bonus(&app, cash, "-1").await, 422, "no negative bonus");
    let limits = app.get_html("/admin/product-types/1/limits").await;
    assert!(limits.contains("<tr data-balance-type=\"CAP_LIMIT\"><td>CAP_LIMIT</td><td>15.00"));

    let sub = create_subscriber(&app, "ACT-1", "4830000001").await;
    add_private_wallet(&app, sub, "ACT-1").await;
    let w = wallet_of(&app, "ACT-1").unwrap();
    let (s, body) = activate(&app, sub).await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(wallet_row(&app, w).0, "active");
    assert_eq!(buckets(&app, w, cash), vec![(500, None, None)]);
    assert_eq!(
        buckets(&app, w, limited),
        vec![(1000, None, None)],
        "cut to the max"
    );
    assert_eq!(edr_types(&app, w), vec!["activation".to_string()]);
    // Active already: saving again applies nothing.
    let (s, _) = activate(&app, sub).await;
    assert_eq!(s, 303);
    assert_eq!(edr_types(&app, w).len(), 1);

    // Under reject, neither the state nor any balance changes.
    let rejecting = new_type(&app, "CAP_REJECT", "10.00", "reject").await;
    assert_eq!(set_bonus(&app, rejecting, "15.00").await, 303);
    let sub2 = create_subscriber(&app, "ACT-2", "4830000002").await;
    add_private_wallet(&app, sub2, "ACT-2").await;
    let w2 = wallet_of(&app, "ACT-2").unwrap();
    let (s, body) = activate(&app, sub2).await;
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("beyond its maximum"), "{body}");
    assert!(body.contains("id=\"e-primary_state\""), "{body}");
    assert_eq!(wallet_row(&app, w2).0, "pre_use");
    assert!(buckets(&app, w2, cash).is_empty());
    assert!(edr_types(&app, w2).is_empty());

    // A merge activates a pre-use source first, bonus and all (reject refuses the merge).
    let (s, body) = merge(
        &app,
        sub,
        "4830000002",
        ("primary", "primary"),
        ("best", "move"),
    )
    .await;
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("beyond its maximum"), "{body}");
    assert_eq!(wallet_row(&app, w2).0, "pre_use");
    assert_eq!(set_bonus(&app, rejecting, "0").await, 303);
    let (s, body) = merge(
        &app,
        sub,
        "4830000002",
        ("primary", "primary"),
        ("best", "move"),
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(edr_types(&app, w2), vec!["activation", "merge"]);
    // Target 5.00 + the source's bonus 5.00; CAP_LIMIT stays at its maximum.
    assert_eq!(buckets(&app, w, cash), vec![(1000, None, None)]);
    assert_eq!(buckets(&app, w, limited), vec![(1000, None, None)]);
    edrs_recompute(&app);
}

#[tokio::test]
async fn bad_merge_input_is_refused_on_the_form_and_changes_nothing() {
    let app = spawn_admin().await;
    let t = create_subscriber(&app, "BM-T", "4840000001").await;
    add_private_wallet(&app, t, "BM-T").await;
    let s = create_subscriber(&app, "BM-S", "4840000002").await;
    let cases: [(&str, &str, &str, &str, &str); 7] = [
        ("", "primary", "primary", "best", "merge"),
        ("4849999999", "primary", "primary", "best", "merge"),
        ("4840000002", "primary", "primary", "best", "merge"),
        ("4840000001", "primary", "primary", "best", "merge"),
        ("4840000002", "tertiary", "primary", "best", "merge"),
        ("4840000002", "primary", "primary", "sometimes", "merge"),
        ("4840000002", "primary", "primary", "best", "shuffle"),
    ];
    let fields = [
        "source_cli",
        "source_cli",
        "source_wallet_type",
        "source_wallet_type",
        "source_wallet_type",
        "expiry_policy",
        "bucket_policy",
    ];
    let _ = s;
    let audit_before: i64 = selfcare::db::schema::audit_log::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    for ((cli, st, tt, e, b), field) in cases.into_iter().zip(fields) {
        let (status, body) = merge(&app, t, cli, (st, tt), (e, b)).await;
        assert_eq!(status, 422, "{cli} {st} {tt} {e} {b}");
        assert!(
            body.contains(&format!("id=\"e-merge-{field}\"")),
            "{field} for {cli} {st} {e} {b}: {body}"
        );
        if !cli.is_empty() {
            assert!(
                body.contains(&format!("value=\"{cli}\"")),
                "typed value kept"
            );
        }
    }
    let audit_after: i64 = selfcare::db::schema::audit_log::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(audit_before, audit_after, "nothing changed");
    let unknown = merge(
        &app,
        t,
        "4849999999",
        ("primary", "primary"),
        ("best", "merge"),
    )
    .await;
    assert!(unknown.1.contains("No subscriber of this service provider"));
    // A target primary that does not exist.
    add_private_wallet(&app, s, "BM-S").await;
    let bare = create_subscriber(&app, "BM-N", "4840000003").await;
    let (status, body) = merge(
        &app,
        bare,
        "4840000002",
        ("primary", "primary"),
        ("best", "merge"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("id=\"e-merge-target_wallet_type\""), "{body}");
    assert!(wallet_of(&app, "BM-S").is_some());
}

/// The wallet version a money form on the screen carries.
fn shown_version(page: &str, wallet: i64) -> String {
    let marker = format!("action=\"/wallets/{wallet}/buckets\"");
    let start = page.find(&marker).expect("the bucket form");
    let key = "name=\"wallet_version\" value=\"";
    let v = page[start..].find(key).expect("its version") + start + key.len();
    page[v..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_money_change_from_an_older_screen_is_refused() {
    let app = spawn_admin().await;
    let cash = type_id(&app, "GENERAL_CASH").to_string();
    let sub = create_subscriber(&app, "ST-1", "4850000001").await;
    add_private_wallet(&app, sub, "ST-1").await;
    let w = wallet_of(&app, "ST-1").unwrap();
    let old = shown_version(&app.get_html(&format!("/subscribers/{sub}")).await, w);
    let fresh = [
        ("balance_type_id", cash.as_str()),
        ("value", "1.00"),
        ("wallet_version", old.as_str()),
    ];
    assert_eq!(
        post(&app, &format!("/wallets/{w}/buckets"), &fresh).await.0,
        303
    );
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert_ne!(
        shown_version(&page, w),
        old,
        "a money change moves the version on"
    );
    // The same form again, from the screen before that change.
    let (status, body) = post(&app, &format!("/wallets/{w}/buckets"), &fresh).await;
    assert_eq!(status, 422);
    assert!(body.contains("changed meanwhile by admin"), "{body}");
    let (status, body) = post(
        &app,
        &format!("/wallets/{w}/adjustments"),
        &[
            ("balance_type_id", cash.as_str()),
            ("amount", "1.00"),
            ("wallet_version", old.as_str()),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("changed meanwhile by admin"), "{body}");
    assert_eq!(
        buckets(&app, w, type_id(&app, "GENERAL_CASH")),
        vec![(100, None, None)]
    );
    assert_eq!(edr_types(&app, w).len(), 1);
}

/// The edit form as the browser sends it with an adjustment typed into the Adjustments panel
/// and the wallet's version the button carries.
async fn adjust_through_screen(
    app: &TestApp,
    sub: i64,
    wallet: i64,
    changes: &[(&str, Option<&str>)],
    save: bool,
) -> (u16, String) {
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let mut fields = form_fields(&page, "edit-form");
    let version = shown_version(&page, wallet);
    set_fields(&mut fields, changes);
    set_fields(&mut fields, &[("wallet_version", Some(&version))]);
    let path = if save {
        format!("/wallets/{wallet}/adjustments/save")
    } else {
        format!("/wallets/{wallet}/adjustments")
    };
    let r = post_scraped(app, &path, &fields).await;
    let s = r.status().as_u16();
    (s, r.text().await.unwrap_or_default())
}

fn description(app: &TestApp, sub: i64) -> String {
    subscribers::table
        .find(sub)
        .select(subscribers::description)
        .first(&mut app.db())
        .unwrap()
}

#[tokio::test]
async fn save_and_execute_does_both_or_neither() {
    let app = spawn_admin().await;
    let cash = type_id(&app, "GENERAL_CASH");
    let cs = cash.to_string();
    let sub = create_subscriber(&app, "SE-1", "4860000001").await;
    add_private_wallet(&app, sub, "SE-1").await;
    let w = wallet_of(&app, "SE-1").unwrap();
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert!(
        page.contains("formaction=\"/wallets/"),
        "both buttons on the screen"
    );
    assert!(page.contains("data-action=\"save-and-adjust\""));

    // Execute only: the balance moves, the other edits on the screen are not saved.
    let (s, body) = adjust_through_screen(
        &app,
        sub,
        w,
        &[
            ("description", Some("Edited")),
            ("balance_type_id", Some(&cs)),
            ("amount", Some("2.00")),
        ],
        false,
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(buckets(&app, w, cash), vec![(200, None, None)]);
    assert_eq!(description(&app, sub), "Test subscriber");

    // Save & execute: both.
    let (s, body) = adjust_through_screen(
        &app,
        sub,
        w,
        &[
            ("description", Some("Saved with it")),
            ("balance_type_id", Some(&cs)),
            ("amount", Some("3.00")),
        ],
        true,
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(buckets(&app, w, cash), vec![(500, None, None)]);
    assert_eq!(description(&app, sub), "Saved with it");

    // A refused adjustment: the edits are not saved either.
    let (s, body) = adjust_through_screen(
        &app,
        sub,
        w,
        &[
            ("description", Some("Never saved")),
            ("balance_type_id", Some(&cs)),
            ("amount", Some("-9.00")),
        ],
        true,
    )
    .await;
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("id=\"e-amount\""), "{body}");
    assert!(
        body.contains(">Never saved</textarea>"),
        "typed values kept"
    );
    assert_eq!(description(&app, sub), "Saved with it");
    assert_eq!(buckets(&app, w, cash), vec![(500, None, None)]);

    // A refused edit: the adjustment is not executed either.
    let (s, body) = adjust_through_screen(
        &app,
        sub,
        w,
        &[
            ("card_number", Some("")),
            ("balance_type_id", Some(&cs)),
            ("amount", Some("1.00")),
        ],
        true,
    )
    .await;
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("id=\"e-card_number\""), "{body}");
    assert_eq!(buckets(&app, w, cash), vec![(500, None, None)]);
    assert_eq!(edr_types(&app, w).len(), 2);
    edrs_recompute(&app);
}

#[tokio::test]
async fn add_a_balance_offers_only_the_types_the_wallet_lacks() {
    let app = spawn_admin().await;
    let cash = type_id(&app, "GENERAL_CASH");
    let other = new_type(&app, "DATA", "", "limit").await;
    let sub = create_subscriber(&app, "AB-1", "4870000001").await;
    add_private_wallet(&app, sub, "AB-1").await;
    let w = wallet_of(&app, "AB-1").unwrap();
    let balance_form = |page: &str| -> String {
        let Some(start) = page.find(&format!("data-form=\"{w}:balance\"")) else {
            return String::new();
        };
        let end = page[start..].find("</form>").unwrap() + start;
        page[start..end].to_string()
    };
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let form = balance_form(&page);
    assert!(
        form.contains(&format!("<option value=\"{cash}\""))
            && form.contains(&format!("<option value=\"{other}\""))
    );
    bucket(&app, w, cash, "1.00", "").await;
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let form = balance_form(&page);
    assert!(
        !form.contains(&format!("<option value=\"{cash}\"")),
        "{form}"
    );
    assert!(
        form.contains(&format!("<option value=\"{other}\"")),
        "{form}"
    );
    // Deleting its only bucket keeps the balance.
    let bucket_id: i64 = balance_buckets::table
        .inner_join(wallet_balances::table)
        .filter(wallet_balances::wallet_id.eq(w))
        .select(balance_buckets::id)
        .first(&mut app.db())
        .unwrap();
    let (s, _) = post(
        &app,
        &format!("/wallets/{w}/buckets/{bucket_id}/delete"),
        &[],
    )
    .await;
    assert_eq!(s, 303);
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    assert!(page.contains("data-balance-type=\"GENERAL_CASH\" data-total=\"0\""));
    assert!(!balance_form(&page).contains(&format!("<option value=\"{cash}\"")));
    let _ = add_wallet;
}

#[tokio::test]
async fn racing_merges_and_adjustments_lose_nothing_and_never_deadlock() {
    let app = spawn_admin().await;
    let cash = type_id(&app, "GENERAL_CASH");
    let cs = cash.to_string();
    let x = create_subscriber(&app, "RACE-X", "4880000001").await;
    add_private_wallet(&app, x, "RACE-X").await;
    let y = create_subscriber(&app, "RACE-Y", "4880000002").await;
    add_private_wallet(&app, y, "RACE-Y").await;
    let (xw, yw) = (
        wallet_of(&app, "RACE-X").unwrap(),
        wallet_of(&app, "RACE-Y").unwrap(),
    );
    bucket(&app, xw, cash, "10.00", "").await;
    bucket(&app, yw, cash, "20.00", "").await;
    let token = app.csrf_token().await;
    let merge_x_into_y = format!("/subscribers/{y}/merge");
    let merge_y_into_x = format!("/subscribers/{x}/merge");
    let fields = |cli: &'static str| {
        [
            ("source_cli", cli),
            ("source_wallet_type", "primary"),
            ("target_wallet_type", "primary"),
            ("expiry_policy", "best"),
            ("bucket_policy", "merge"),
        ]
    };
    let (fx, fy) = (fields("4880000001"), fields("4880000002"));
    let adjust_x = format!("/wallets/{xw}/adjustments");
    let adjust_y = format!("/wallets/{yw}/adjustments");
    let adj = [("balance_type_id", cs.as_str()), ("amount", "1.00")];
    let mut posts = Vec::new();
    for i in 0..24 {
        let (path, f): (&str, &[(&str, &str)]) = match i % 4 {
            0 => (&merge_x_into_y, &fx),
            1 => (&merge_y_into_x, &fy),
            2 => (&adjust_x, &adj),
            _ => (&adjust_y, &adj),
        };
        posts.push(app.post_with_token(&token, path, f));
    }
    let statuses: Vec<u16> = futures_util::future::join_all(posts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(
        statuses.iter().all(|s| [303, 404, 422].contains(s)),
        "{statuses:?}"
    );
    let merged = statuses
        .iter()
        .enumerate()
        .filter(|(i, s)| i % 4 < 2 && **s == 303)
        .count();
    assert_eq!(merged, 1, "exactly one merge of the pair: {statuses:?}");
    let adjusted = statuses
        .iter()
        .enumerate()
        .filter(|(i, s)| i % 4 >= 2 && **s == 303)
        .count() as i64;
    let left: Vec<i64> = [xw, yw]
        .into_iter()
        .filter(|w| {
            wallets::table
                .find(*w)
                .count()
                .get_result::<i64>(&mut app.db())
                .unwrap()
                == 1
        })
        .collect();
    assert_eq!(left.len(), 1, "one wallet is left");
    let stored: i64 = buckets(&app, left[0], cash).iter().map(|b| b.0).sum();
    assert_eq!(
        stored,
        3000 + 100 * adjusted,
        "every counted adjustment is in it"
    );
    assert_eq!(holdings(&app, x), vec![("primary".to_string(), left[0])]);
    assert_eq!(holdings(&app, y), vec![("primary".to_string(), left[0])]);
    edrs_recompute(&app);
}
