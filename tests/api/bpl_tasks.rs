//! BPL tasks: the admin's tasks with typed parameters (list, add, delete, audited), and their
//! execution from the edit screen's BPL tasks panel — each built-in action, the charge, the
//! result shown, the EDR, "Save & execute", and bad parameters changing nothing.

use crate::common::{spawn_admin, TestApp};
use crate::subscriber_support::{
    add_private_wallet, create_subscriber, field_error, form_fields, post_scraped, set_auditing,
    set_fields,
};
use diesel::prelude::*;
use selfcare::db::schema::{
    audit_log, bpl_task_parameters, bpl_tasks, edrs, subscribers, wallet_product_swaps, wallets,
};

async fn post(app: &TestApp, path: &str, fields: &[(&str, String)]) -> (u16, String) {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form(path, &pairs).await;
    let s = r.status().as_u16();
    (s, r.text().await.unwrap_or_default())
}

fn owned<'a>(fields: &[(&'a str, &str)]) -> Vec<(&'a str, String)> {
    fields.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

/// Adds a task through the admin form; returns its id and its parameters' ids in order.
async fn task(app: &TestApp, fields: &[(&str, &str)]) -> (i64, Vec<i64>) {
    let mut all = owned(&[("service_provider_id", "1")]);
    all.extend(owned(fields));
    let (s, body) = post(app, "/admin/bpl-tasks", &all).await;
    assert_eq!(s, 303, "task added: {body}");
    let name = fields.iter().find(|(k, _)| *k == "name").unwrap().1;
    let id: i64 = bpl_tasks::table
        .filter(bpl_tasks::name.eq(name))
        .select(bpl_tasks::id)
        .first(&mut app.db())
        .unwrap();
    let params = bpl_task_parameters::table
        .filter(bpl_task_parameters::task_id.eq(id))
        .order(bpl_task_parameters::position)
        .select(bpl_task_parameters::id)
        .load(&mut app.db())
        .unwrap();
    (id, params)
}

/// A subscriber with a primary wallet holding 10.00 of cash; (subscriber, wallet).
async fn subscriber(app: &TestApp, tag: &str, cli: &str) -> (i64, i64) {
    let s = create_subscriber(app, tag, cli).await;
    add_private_wallet(app, s, tag).await;
    let w = app.wallet_id(tag);
    app.add_bucket(w, "GENERAL_CASH", "10.00").await;
    (s, w)
}

async fn execute(app: &TestApp, s: i64, t: i64, fields: &[(String, String)]) -> (u16, String) {
    let r = post_scraped_with_token(app, &format!("/subscribers/{s}/bpl-tasks/{t}"), fields).await;
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

async fn post_scraped_with_token(
    app: &TestApp,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let token = app.csrf_token().await;
    let mut all = fields.to_vec();
    all.push(("csrf_token".into(), token));
    post_scraped(app, path, &all).await
}

fn param(id: i64, value: &str) -> (String, String) {
    (format!("bpl_param_{id}"), value.to_string())
}

fn edr_count(app: &TestApp, wallet: i64) -> usize {
    app.edr_types_of(wallet).len()
}

/// The goodwill task: adjusts cash by its Amount parameter, asks for a ticket (mandatory) and a
/// tier (choice, optional), charges 0.50.
async fn goodwill(app: &TestApp, name: &str, charge: &str) -> (i64, Vec<i64>) {
    let cash = app.balance_type_id("GENERAL_CASH").to_string();
    task(
        app,
        &[
            ("name", name),
            ("action", "adjust_balance"),
            ("balance_type_id", &cash),
            ("charge_balance_type_id", &cash),
            ("charge", charge),
            ("param_name_1", "Amount"),
            ("param_kind_1", "number"),
            ("param_mandatory_1", "on"),
            ("param_supplies_1", "amount"),
            ("param_name_2", "Ticket"),
            ("param_kind_2", "text"),
            ("param_mandatory_2", "on"),
            ("param_name_3", "Tier"),
            ("param_kind_3", "choice"),
            ("param_choices_3", "gold, silver"),
        ],
    )
    .await
}

#[tokio::test]
async fn admins_define_tasks_with_typed_parameters() {
    let app = spawn_admin().await;
    let count = || -> i64 { bpl_tasks::table.count().get_result(&mut app.db()).unwrap() };
    let bad = owned(&[
        ("service_provider_id", "1"),
        ("name", ""),
        ("action", "reboot"),
        ("param_name_1", "Colour"),
        ("param_kind_1", "text"),
        ("param_choices_1", "red, blue"),
        ("param_name_2", "Days"),
        ("param_kind_2", "number"),
        ("param_supplies_2", "amount"),
    ]);
    let (s, body) = post(&app, "/admin/bpl-tasks", &bad).await;
    assert_eq!(s, 422, "{body}");
    for field in ["name", "action", "param_choices_1", "param_supplies_2"] {
        assert!(
            field_error(&body, field).is_some(),
            "message at {field}: {body}"
        );
    }
    assert_eq!(count(), 0);
    // A state task without its state is refused at that field.
    let (s, body) = post(
        &app,
        "/admin/bpl-tasks",
        &owned(&[
            ("service_provider_id", "1"),
            ("name", "Freeze"),
            ("action", "set_wallet_state"),
        ]),
    )
    .await;
    assert_eq!(s, 422);
    assert!(field_error(&body, "wallet_state").is_some(), "{body}");

    let (id, params) = goodwill(&app, "Goodwill", "0.50").await;
    assert_eq!(params.len(), 3);
    let page = app.get_html("/admin/bpl-tasks").await;
    assert!(page.contains(&format!("<tr data-id=\"{id}\">")), "{page}");
    assert!(page.contains("Ticket (text, mandatory)"), "{page}");
    let (s, _) = post(&app, &format!("/admin/bpl-tasks/{id}/delete"), &[]).await;
    assert_eq!(s, 303);
    assert_eq!(count(), 0);
    let params_left: i64 = bpl_task_parameters::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(params_left, 0);
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::object_type.eq("bpl_task"))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(actions, vec!["create", "delete"]);
}

#[tokio::test]
async fn an_adjustment_task_takes_its_parameters_and_its_charge() {
    let app = spawn_admin().await;
    let (s, w) = subscriber(&app, "BPL-ADJ", "4760000001").await;
    let (t, p) = goodwill(&app, "Goodwill", "0.50").await;
    let screen = app.get_html(&format!("/subscribers/{s}")).await;
    assert!(screen.contains("id=\"p-bpl\""), "{screen}");
    assert!(
        screen.contains(&format!("name=\"bpl_param_{}\"", p[0])),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("formaction=\"/subscribers/{s}/bpl-tasks/{t}\"")),
        "{screen}"
    );
    let (status, body) = execute(
        &app,
        s,
        t,
        &[
            param(p[0], "2.50"),
            param(p[1], "T-42"),
            param(p[2], "gold"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(app.stored(w, "GENERAL_CASH"), 1000 - 50 + 250);
    assert_eq!(app.edr_types_of(w), vec!["bucket_add", "bpl_task"]);
    // The result is shown on the screen it returns to.
    let screen = app.get_html(&format!("/subscribers/{s}")).await;
    assert!(screen.contains("Task Goodwill executed"), "{screen}");
    assert!(screen.contains("charged 0.50 GENERAL_CASH"), "{screen}");
    let after: Option<String> = audit_log::table
        .filter(audit_log::action.eq("execute_task"))
        .select(audit_log::after_json)
        .first::<Option<String>>(&mut app.db())
        .unwrap();
    let after = after.unwrap_or_default();
    assert!(after.contains("T-42") && after.contains("gold"), "{after}");
}

#[tokio::test]
async fn bad_parameters_or_a_charge_not_covered_change_nothing() {
    let app = spawn_admin().await;
    let (s, w) = subscriber(&app, "BPL-BAD", "4760000002").await;
    let (t, p) = goodwill(&app, "Goodwill", "0.50").await;
    let (dear, dp) = goodwill(&app, "Dear", "50.00").await;
    let before = (app.stored(w, "GENERAL_CASH"), edr_count(&app, w));
    let cases = [
        (t, vec![param(p[0], "2.50")], format!("bpl_param_{}", p[1])),
        (t, vec![param(p[1], "T-1")], format!("bpl_param_{}", p[0])),
        (
            t,
            vec![param(p[0], "lots"), param(p[1], "T-1")],
            format!("bpl_param_{}", p[0]),
        ),
        (
            t,
            vec![param(p[0], "1"), param(p[1], "T-1"), param(p[2], "bronze")],
            format!("bpl_param_{}", p[2]),
        ),
        (
            dear,
            vec![param(dp[0], "1"), param(dp[1], "T-1")],
            "bpl".to_string(),
        ),
        (
            t,
            vec![
                param(p[0], "1"),
                param(p[1], "T-1"),
                ("bpl_wallet_type".into(), "secondary".into()),
            ],
            "bpl_wallet_type".to_string(),
        ),
    ];
    for (task, fields, at) in cases {
        let (status, body) = execute(&app, s, task, &fields).await;
        assert_eq!(status, 422, "{fields:?}: {body}");
        assert!(field_error(&body, &at).is_some(), "message at {at}: {body}");
        assert_eq!(
            (app.stored(w, "GENERAL_CASH"), edr_count(&app, w)),
            before,
            "nothing changed for {fields:?}"
        );
    }
    set_auditing(&app, true).await;
    let (status, body) = execute(&app, s, t, &[param(p[0], "1"), param(p[1], "T-1")]).await;
    assert_eq!(status, 422);
    assert!(field_error(&body, "bpl_change_reason").is_some(), "{body}");
    assert_eq!((app.stored(w, "GENERAL_CASH"), edr_count(&app, w)), before);
}

#[tokio::test]
async fn state_product_type_and_expiry_tasks_change_the_wallet() {
    let app = spawn_admin().await;
    let (s, w) = subscriber(&app, "BPL-WAL", "4760000003").await;
    let (suspend, _) = task(
        &app,
        &[
            ("name", "Suspend"),
            ("action", "set_wallet_state"),
            ("wallet_state", "suspended"),
        ],
    )
    .await;
    let (swap, _) = task(
        &app,
        &[
            ("name", "To business"),
            ("action", "swap_product_type"),
            ("product_type_id", "3"),
        ],
    )
    .await;
    let (extend, ep) = task(
        &app,
        &[
            ("name", "Extend"),
            ("action", "extend_wallet_expiry"),
            ("param_name_1", "Days"),
            ("param_kind_1", "number"),
            ("param_supplies_1", "days"),
        ],
    )
    .await;
    let expiry = selfcare::db::now() + 86_400;
    diesel::update(wallets::table.find(w))
        .set(wallets::expires_at.eq(Some(expiry)))
        .execute(&mut app.db())
        .unwrap();

    let (status, body) = execute(&app, s, suspend, &[]).await;
    assert_eq!(status, 303, "{body}");
    let (status, body) = execute(&app, s, swap, &[]).await;
    assert_eq!(status, 303, "{body}");
    let (status, body) = execute(&app, s, extend, &[param(ep[0], "10")]).await;
    assert_eq!(status, 303, "{body}");
    let (state, product, expires): (String, i64, Option<i64>) = wallets::table
        .find(w)
        .select((
            wallets::state,
            wallets::product_type_id,
            wallets::expires_at,
        ))
        .first(&mut app.db())
        .unwrap();
    assert_eq!(state, "suspended");
    assert_eq!(product, 3);
    assert_eq!(expires, Some(expiry + 10 * 86_400));
    let swaps: i64 = wallet_product_swaps::table
        .filter(wallet_product_swaps::wallet_id.eq(w))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(swaps, 1);
    let tasks: i64 = edrs::table
        .filter(edrs::wallet_id.eq(w))
        .filter(edrs::edr_type.eq("bpl_task"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(tasks, 3, "an EDR for each execution");
    // A days parameter is needed: without it nothing changes.
    let (status, _) = execute(&app, s, extend, &[]).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn save_and_execute_runs_the_task_with_the_screen_and_its_reason() {
    let app = spawn_admin().await;
    let (s, w) = subscriber_audited(&app).await;
    let (t, p) = goodwill(&app, "Goodwill", "0.00").await;
    let screen = app.get_html(&format!("/subscribers/{s}")).await;
    let mut fields = form_fields(&screen, "edit-form");
    let (amount, ticket) = (format!("bpl_param_{}", p[0]), format!("bpl_param_{}", p[1]));
    set_fields(
        &mut fields,
        &[
            ("description", Some("Goodwill given")),
            (amount.as_str(), Some("1.00")),
            (ticket.as_str(), Some("T-7")),
            ("bpl_change_reason", Some("Network outage")),
        ],
    );
    let r = post_scraped(
        &app,
        &format!("/subscribers/{s}/bpl-tasks/{t}/save"),
        &fields,
    )
    .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let description: String = subscribers::table
        .find(s)
        .select(subscribers::description)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(description, "Goodwill given");
    assert_eq!(app.stored(w, "GENERAL_CASH"), 1100);
    let reason: Option<String> = edrs::table
        .filter(edrs::wallet_id.eq(w))
        .filter(edrs::edr_type.eq("bpl_task"))
        .select(edrs::change_reason)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(reason.as_deref(), Some("Network outage"));
}

/// A subscriber with a wallet, then financial changes audited, then 10.00 (with a reason).
async fn subscriber_audited(app: &TestApp) -> (i64, i64) {
    let s = create_subscriber(app, "BPL-SAVE", "4760000004").await;
    add_private_wallet(app, s, "BPL-SAVE").await;
    set_auditing(app, true).await;
    let w = app.wallet_id("BPL-SAVE");
    let bt = app.balance_type_id("GENERAL_CASH").to_string();
    let r = app
        .post_form(
            &format!("/wallets/{w}/buckets"),
            &[
                ("balance_type_id", &bt),
                ("value", "10.00"),
                ("change_reason", "Opening balance"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    (s, w)
}
