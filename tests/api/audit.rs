//! The audit log's search: each filter narrows the entries (so each test fails if its filter
//! were ignored), and a bad date is a message on the page.

use crate::common::{spawn_app, TestApp};

/// 2020-01-01 00:00 UTC.
const JAN_1: i64 = 1_577_836_800;
const DAY: i64 = 86_400;

/// Writes entries straight into the log, each with a `reason` that names it.
fn seed(app: &TestApp, entries: &[(i64, &str, &str, i64, &str)]) {
    use diesel::prelude::*;
    use selfcare::db::schema::audit_log;
    let pool = selfcare::db::build_pool(&app.database_url, 1);
    let mut conn = pool.get().unwrap();
    for (at, actor, action, object_id, marker) in entries {
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::at.eq(at),
                audit_log::actor.eq(actor),
                audit_log::action.eq(action),
                audit_log::object_type.eq("probe"),
                audit_log::object_id.eq(object_id),
                audit_log::reason.eq(Some(*marker)),
            ))
            .execute(&mut conn)
            .unwrap();
    }
}

async fn found(app: &TestApp, query: &str) -> Vec<&'static str> {
    let page = app
        .get_html(&format!("/audit?object_type=probe&{query}"))
        .await;
    ["entry-a", "entry-b", "entry-c", "entry-d"]
        .into_iter()
        .filter(|m| page.contains(m))
        .collect()
}

async fn app_with_entries() -> TestApp {
    let app = spawn_app().await;
    app.login_admin().await;
    seed(
        &app,
        &[
            (JAN_1 + 60, "operator:ann", "create", 1, "entry-a"),
            (JAN_1 + DAY + 3_600, "operator:ann", "update", 1, "entry-b"),
            (
                JAN_1 + 2 * DAY + 23 * 3_600,
                "operator:bob",
                "update",
                2,
                "entry-c",
            ),
            (JAN_1 + 3 * DAY, "customer:acme", "delete", 2, "entry-d"),
        ],
    );
    app
}

#[tokio::test]
async fn the_log_is_searchable_by_action() {
    let app = app_with_entries().await;
    assert_eq!(found(&app, "").await.len(), 4);
    assert_eq!(found(&app, "action=update").await, ["entry-b", "entry-c"]);
    assert_eq!(found(&app, "action=delete").await, ["entry-d"]);
    assert!(found(&app, "action=blacklist").await.is_empty());
}

#[tokio::test]
async fn the_log_is_searchable_from_a_day_on() {
    let app = app_with_entries().await;
    assert_eq!(
        found(&app, "from=2020-01-02").await,
        ["entry-b", "entry-c", "entry-d"]
    );
    assert_eq!(found(&app, "from=2020-01-04").await, ["entry-d"]);
    assert!(found(&app, "from=2020-01-05").await.is_empty());
}

#[tokio::test]
async fn the_log_is_searchable_up_to_a_day_included() {
    let app = app_with_entries().await;
    assert_eq!(found(&app, "to=2020-01-01").await, ["entry-a"]);
    assert_eq!(
        found(&app, "to=2020-01-03").await,
        ["entry-a", "entry-b", "entry-c"],
        "the whole last day is in the range"
    );
    assert_eq!(
        found(&app, "from=2020-01-02&to=2020-01-02").await,
        ["entry-b"],
        "a single day"
    );
}

#[tokio::test]
async fn who_object_and_action_combine() {
    let app = app_with_entries().await;
    assert_eq!(
        found(&app, "actor=operator:ann&action=update").await,
        ["entry-b"]
    );
    assert_eq!(found(&app, "object_id=2").await, ["entry-c", "entry-d"]);
    assert_eq!(
        found(
            &app,
            "object_id=2&action=update&from=2020-01-03&to=2020-01-03"
        )
        .await,
        ["entry-c"]
    );
}

#[tokio::test]
async fn a_bad_date_is_a_message_on_the_page() {
    let app = app_with_entries().await;
    for bad in ["2020-13-01", "2020-02-30", "yesterday", "01/02/2020"] {
        let r = app
            .get(&format!("/audit?object_type=probe&from={bad}"))
            .await;
        assert_eq!(r.status().as_u16(), 422, "{bad}");
        let page = r.text().await.unwrap();
        assert!(page.contains("write it as YYYY-MM-DD"), "{bad}: {page}");
        assert!(page.contains("name=\"from\""), "the form is shown again");
        assert!(
            !page.contains("entry-a"),
            "nothing is searched with a bad date"
        );
    }
    let r = app
        .get("/audit?object_type=probe&from=2020-01-03&to=2020-01-02")
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("must not be before"));
}

/// The log says what changed in words, and never shows a secret or the raw images.
#[tokio::test]
async fn changes_are_shown_in_words() {
    use diesel::prelude::*;
    use selfcare::db::schema::audit_log;
    let app = spawn_app().await;
    app.login_admin().await;
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(JAN_1),
            audit_log::actor.eq("operator:ann"),
            audit_log::action.eq("update"),
            audit_log::object_type.eq("probe"),
            audit_log::object_id.eq(7),
            audit_log::before_json.eq(Some(
                r#"{"status":"active","credit_limit":100,"password_hash":"$argon2id$old","version":3}"#,
            )),
            audit_log::after_json.eq(Some(
                r#"{"status":"suspended","credit_limit":100,"password_hash":"$argon2id$new","version":4}"#,
            )),
        ))
        .execute(&mut app.db())
        .unwrap();
    let page = app.get_html("/audit?object_type=probe").await;
    assert!(page.contains("Status: active → suspended"), "{page}");
    assert!(page.contains("Password hash: ••• → changed"), "{page}");
    assert!(
        !page.contains("argon2") && !page.contains("credit_limit"),
        "{page}"
    );
    assert!(!page.contains("Version"), "bookkeeping left out");
}
