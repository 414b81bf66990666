use crate::common::{location, spawn_admin, spawn_app, spawn_app_with, TestApp};
use selfcare::db::models::export_job;
use std::time::{Duration, Instant};

/// Polls a job's page until it is no longer queued or running.
async fn wait_done(app: &TestApp, id: i64) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = app.get_html(&format!("/exports/{id}")).await;
        if !page.contains("data-status=\"queued\"") && !page.contains("data-status=\"running\"") {
            return page;
        }
        assert!(
            page.contains("http-equiv=\"refresh\""),
            "a running job's page refreshes itself"
        );
        assert!(page.contains("<progress"), "with a progress bar");
        assert!(Instant::now() < deadline, "job {id} did not finish");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn an_export_sent_to_the_background_runs_and_downloads() {
    let app = spawn_admin().await;
    let c = app.create_customer("jobs", "Jobs AS").await;
    app.create_site(c, "Oslo").await;
    let r = app
        .start_background_export("/customers/export.xlsx?view=all&mode=background")
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = location(&r);
    let id: i64 = to.trim_start_matches("/exports/").parse().unwrap();
    let page = wait_done(&app, id).await;
    assert!(page.contains("data-status=\"done\""), "{page}");
    assert!(!page.contains("http-equiv=\"refresh\""));
    assert!(page.contains(&format!("href=\"/exports/{id}/download\"")));

    let r = app.get(&format!("/exports/{id}/download")).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("customers-"));
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an XLSX (zip) file");

    let list = app.get_html("/exports").await;
    assert!(list.contains(&format!("data-id=\"{id}\" data-status=\"done\"")));
    assert!(list.contains("Customers"));

    // Nobody else sees or downloads it.
    let other = app.operator_browser("other", "operator").await;
    assert_eq!(
        other.get(&format!("/exports/{id}")).await.status().as_u16(),
        404
    );
    assert_eq!(
        other
            .get(&format!("/exports/{id}/download"))
            .await
            .status()
            .as_u16(),
        404
    );
    assert!(!other
        .get_html("/exports")
        .await
        .contains(&format!("data-id=\"{id}\"")));
}

fn stale_job(app: &TestApp, attempts: i32) -> i64 {
    use diesel::prelude::*;
    use selfcare::db::schema::export_jobs;
    let mut conn = app.db();
    let now = selfcare::db::now();
    let spec = r#"{"list":{"Inventory":{"service_provider":null}},"format":"Csv","columns":["name","status"],"info":{"title":"All access links","stem":"all-access-links","filters":[],"exported_by":"admin","exported_at":0}}"#;
    let id = export_job::insert(
        &mut conn,
        &export_job::NewExportJob {
            operator_id: 1,
            title: "All access links".into(),
            format: "csv".into(),
            spec: spec.into(),
            status: export_job::JobStatus::Running,
            rows_total: 0,
            file_name: "all-access-links.csv".into(),
            created_at: now - 600,
            expires_at: now + 3600,
        },
    )
    .unwrap();
    diesel::update(export_jobs::table.find(id))
        .set((
            export_jobs::heartbeat_at.eq(now - 600),
            export_jobs::attempts.eq(attempts),
            export_jobs::claimed_by.eq("a-dead-instance"),
        ))
        .execute(&mut conn)
        .unwrap();
    id
}

#[tokio::test]
async fn jobs_interrupted_by_a_restart_are_picked_up_or_failed() {
    let app = spawn_admin().await;
    let retried = stale_job(&app, 1);
    let given_up = stale_job(&app, 3);
    let page = wait_done(&app, retried).await;
    assert!(
        page.contains("data-status=\"done\""),
        "picked up again: {page}"
    );
    let page = wait_done(&app, given_up).await;
    assert!(page.contains("data-status=\"failed\""), "{page}");
    assert!(page.contains("interrupted three times"));
}

#[tokio::test]
async fn with_several_instances_each_job_is_claimed_once() {
    let first = spawn_app().await;
    let second = spawn_app_with(first.database_url.clone()).await;
    first.login_admin().await;
    second.login_admin().await;
    first.create_customer("multi", "Multi AS").await;
    let mut ids = Vec::new();
    for (i, app) in [&first, &second].iter().cycle().take(8).enumerate() {
        let fmt = ["csv", "txt", "xlsx", "xls"][i % 4];
        ids.push(
            app.start_background_export_id(&format!("/customers/export.{fmt}?mode=background"))
                .await,
        );
    }
    for id in &ids {
        assert!(wait_done(&first, *id)
            .await
            .contains("data-status=\"done\""));
    }
    let mut conn = first.db();
    let jobs = export_job::list_for(&mut conn, 1, 100).unwrap();
    assert_eq!(jobs.len(), 8);
    for j in jobs {
        assert_eq!(j.attempts, 1, "job {} was claimed once", j.id);
        assert!(j.claimed_by.is_some());
    }
}
