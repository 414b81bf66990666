//! Several instances on one database behave as one portal: instances started at the same
//! moment migrate once, a session started on one works on the others and ends on all, a lockout
//! made through one holds on all, each background export is claimed by exactly one, and an
//! instance of the previous release keeps serving on a schema a newer release has expanded.

use crate::common::{fresh_database_url, location, spawn_app_with, TestApp, ADMIN_PASSWORD};
use std::time::{Duration, Instant};

/// Three instances started at once on a fresh database (a rolling start on an empty one).
async fn three_instances() -> [TestApp; 3] {
    let url = fresh_database_url();
    let (a, b, c) = tokio::join!(
        spawn_app_with(url.clone()),
        spawn_app_with(url.clone()),
        spawn_app_with(url.clone())
    );
    [a, b, c]
}

#[tokio::test]
async fn instances_started_together_migrate_once_and_share_sessions() {
    let [a, b, c] = three_instances().await;
    assert_eq!(
        a.login("admin", ADMIN_PASSWORD).await.status().as_u16(),
        303
    );
    // The same browser, sent to the other instances by a load balancer.
    let on_b = a.same_browser_at(&b);
    let on_c = a.same_browser_at(&c);
    let customer = on_b.create_customer("shared", "Shared Session AS").await;
    let page = on_c.get_html("/customers").await;
    assert!(page.contains("Shared Session AS"), "signed in on c too");
    assert!(page.contains(&format!("data-id=\"{customer}\"")));
    // Exactly one operator `admin` and one set of seeds, whoever migrated.
    let mut conn = a.db();
    assert_eq!(selfcare::db::models::operator::count(&mut conn).unwrap(), 1);
    drop(conn);
    // Signing out on c ends the session on a and b.
    let token = on_c.csrf_token().await;
    let r = on_c.post_with_token(&token, "/logout", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    for app in [&a, &on_b] {
        let r = app.get("/customers").await;
        assert_eq!(r.status().as_u16(), 303, "signed out everywhere");
        assert_eq!(location(&r), "/login");
    }
}

#[tokio::test]
async fn a_lockout_through_one_instance_holds_on_all() {
    let [a, b, c] = three_instances().await;
    let mut statuses = Vec::new();
    for app in [&a, &b, &c, &a, &b] {
        statuses.push(
            app.login("admin", "Wrong-password1!")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(
        statuses,
        [401, 401, 401, 401, 429],
        "failures counted together"
    );
    for app in [&a, &b, &c] {
        assert_eq!(
            app.login("admin", ADMIN_PASSWORD).await.status().as_u16(),
            429
        );
    }
}

#[tokio::test]
async fn each_background_export_is_claimed_by_one_instance() {
    let [a, b, c] = three_instances().await;
    a.login_admin().await;
    b.login_admin().await;
    c.login_admin().await;
    a.create_customer("jobs3", "Three Instances AS").await;
    let mut ids = Vec::new();
    for (i, app) in [&a, &b, &c].iter().cycle().take(9).enumerate() {
        let fmt = ["csv", "txt", "xlsx"][i % 3];
        ids.push(
            app.start_background_export_id(&format!("/customers/export.{fmt}?mode=background"))
                .await,
        );
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut conn = a.db();
    loop {
        let jobs = selfcare::db::models::export_job::list_for(&mut conn, 1, 100).unwrap();
        assert_eq!(jobs.len(), 9);
        if jobs.iter().all(|j| j.status.code() == "done") {
            for j in &jobs {
                assert_eq!(j.attempts, 1, "job {} was claimed once", j.id);
            }
            let claimers: std::collections::HashSet<_> =
                jobs.iter().filter_map(|j| j.claimed_by.clone()).collect();
            assert!(!claimers.is_empty());
            break;
        }
        assert!(Instant::now() < deadline, "jobs did not finish: {ids:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Migrations are expand-then-contract: a release only adds (nullable columns, tables) and
/// drops what the previous release no longer reads one release later. So the running release
/// must keep working on a schema the next one expanded, and must start on it too.
#[tokio::test]
async fn an_older_instance_keeps_serving_on_a_schema_a_newer_release_expanded() {
    use diesel::connection::SimpleConnection;
    let old = spawn_app_with(fresh_database_url()).await;
    old.login_admin().await;
    let before = old.create_customer("before", "Before Expand AS").await;
    // What a newer release's migration would do, recorded as applied.
    old.db()
        .batch_execute(
            "ALTER TABLE customers ADD COLUMN loyalty_tier TEXT; \
             ALTER TABLE sites ADD COLUMN floor_plan TEXT; \
             CREATE TABLE future_things (id BIGINT PRIMARY KEY, customer_id BIGINT); \
             INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000');",
        )
        .unwrap();
    // The running instance reads and writes as before.
    let after = old.create_customer("after", "After Expand AS").await;
    let site = old.create_site(after, "Expanded site").await;
    let page = old
        .get_html(&format!("/customers?customer={after}&site={site}"))
        .await;
    assert!(page.contains("Before Expand AS") && page.contains("After Expand AS"));
    assert!(page.contains("Expanded site"));
    assert_ne!(before, after);
    // An instance of the same (older) release starts on the expanded schema and is ready.
    let restarted = spawn_app_with(old.database_url.clone()).await;
    let r = restarted.get("/readyz").await;
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
    restarted.login_admin().await;
    assert!(restarted
        .get_html("/customers")
        .await
        .contains("After Expand AS"));
}
