//! Times are stored as UTC and shown in the viewer's zone: the operator's own choice, else the
//! server's `SELFCARE_TIME_ZONE`; pages name the zone, exports (direct and background) write
//! the requester's zone into their time columns and name it in the headings.

use crate::common::{fresh_database_url, location, settings, spawn_app_with_settings, TestApp};
use selfcare::domain::Zone;
use std::time::{Duration, Instant};

/// 2026-01-15 12:00 UTC: 07:00 in New York (EST, -5), 13:00 in Paris (CET, +1).
const WINTER: i64 = 1_768_478_400;
/// 2026-07-15 12:00 UTC: 08:00 in New York (EDT, -4), 14:00 in Paris (CEST, +2).
const SUMMER: i64 = 1_784_116_800;

/// An app whose server zone is Europe/Paris, with the admin signed in.
async fn paris_app() -> TestApp {
    let mut s = settings(&fresh_database_url());
    s.time_zone = Zone::parse("Europe/Paris").expect("a zone");
    let app = spawn_app_with_settings(s).await;
    app.login_admin().await;
    app
}

fn execute(app: &TestApp, sql: &str) {
    use diesel::RunQueryDsl;
    let mut conn = app.db();
    diesel::sql_query(sql).execute(&mut conn).expect(sql);
}

/// Two audit entries and two customers at the known winter and summer instants.
async fn known_times(app: &TestApp) {
    for (at, mark) in [(WINTER, "winter-mark"), (SUMMER, "summer-mark")] {
        execute(
            app,
            &format!(
                "INSERT INTO audit_log (at, actor, action, object_type, object_id, reason) \
                 VALUES ({at}, 'operator:admin', 'update', 'customer', 999, '{mark}')"
            ),
        );
    }
    app.create_customer("winter", "Winter AS").await;
    app.create_customer("summer", "Summer AS").await;
    execute(
        app,
        &format!("UPDATE customers SET created_at = {WINTER} WHERE username = 'winter'"),
    );
    execute(
        app,
        &format!("UPDATE customers SET created_at = {SUMMER} WHERE username = 'summer'"),
    );
}

fn stored_zone(app: &TestApp, username: &str) -> Option<String> {
    use diesel::prelude::*;
    use selfcare::db::schema::operators;
    let mut conn = app.db();
    operators::table
        .filter(operators::username.eq(username))
        .select(operators::time_zone)
        .first::<Option<String>>(&mut conn)
        .expect("operator row")
}

async fn csv(app: &TestApp, path: &str) -> String {
    let r = app.get(path).await;
    assert_eq!(r.status().as_u16(), 200, "{path}");
    String::from_utf8(r.bytes().await.expect("body").to_vec()).expect("UTF-8")
}

/// Excel's serial date, in whole minutes, of a wall-clock time given as seconds from
/// 1970-01-01 00:00.
fn serial(local_seconds: i64) -> i64 {
    local_seconds / 60 + 25_569 * 1440
}

/// The heading and the date cells of the "created" column of the customers XLSX export
/// (Summer AS first, by company).
async fn xlsx_created(app: &TestApp) -> Vec<(String, i64)> {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let r = app
        .get("/customers/export.xlsx?columns=company,created_at&c_sort=company")
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.expect("body");
    let path = std::env::temp_dir().join(format!("sc_tz_{}.xlsx", std::process::id()));
    std::fs::write(&path, &bytes).expect("write");
    let mut wb: Xlsx<_> = open_workbook(&path).expect("an XLSX");
    let range = wb.worksheet_range("Customers").expect("the sheet");
    let _ = std::fs::remove_file(&path);
    let rows: Vec<&[Data]> = range.rows().collect();
    let heading = rows[0][1].to_string();
    rows[1..]
        .iter()
        .map(|r| match &r[1] {
            Data::DateTime(d) => (heading.clone(), (d.as_f64() * 1440.0).round() as i64),
            other => panic!("not a date cell: {other:?}"),
        })
        .collect()
}

const CSV: &str = "/customers/export.csv?columns=company,created_at&c_sort=company";

#[tokio::test]
async fn an_operator_sees_times_in_their_own_zone_and_others_in_the_servers() {
    let app = paris_app().await;
    known_times(&app).await;
    let ny = app.operator_browser("newyork", "operator").await;
    let r = ny
        .post_form("/preferences", &[("time_zone", "America/New_York")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/preferences");
    assert_eq!(
        stored_zone(&app, "newyork").as_deref(),
        Some("America/New_York")
    );

    // The audit log page, with the zone named; summer time moves the clock by an hour.
    let page = ny.get_html("/audit").await;
    assert!(
        page.contains("Times are shown in America/New_York"),
        "{page}"
    );
    assert!(page.contains("2026-01-15 07:00"), "winter in New York");
    assert!(page.contains("2026-07-15 08:00"), "summer in New York");
    assert!(!page.contains("2026-01-15 13:00"));
    let body = csv(&ny, CSV).await;
    assert!(body.contains("Created (America/New_York)"), "{body}");
    assert!(body.contains("Summer AS,2026-07-15 08:00"), "{body}");
    assert!(body.contains("Winter AS,2026-01-15 07:00"), "{body}");
    assert_eq!(
        xlsx_created(&ny).await,
        [
            (
                "Created (America/New_York)".to_string(),
                serial(SUMMER - 4 * 3600)
            ),
            (
                "Created (America/New_York)".to_string(),
                serial(WINTER - 5 * 3600)
            ),
        ],
        "spreadsheet dates hold the local time"
    );

    // The admin chose no zone: the server's.
    let page = app.get_html("/audit").await;
    assert!(page.contains("Times are shown in Europe/Paris"), "{page}");
    assert!(page.contains("2026-01-15 13:00"));
    assert!(page.contains("2026-07-15 14:00"));
    let body = csv(&app, CSV).await;
    assert!(body.contains("Created (Europe/Paris)"), "{body}");
    assert!(body.contains("Summer AS,2026-07-15 14:00"), "{body}");
    assert!(body.contains("Winter AS,2026-01-15 13:00"), "{body}");

    // The change is in the operator's history, and emptying it goes back to the server's.
    let id = app.operator_id("newyork").await;
    let history = app.get_html(&format!("/operators/{id}")).await;
    assert!(history.contains("time zone"), "{history}");
    let r = ny.post_form("/preferences", &[("time_zone", "")]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(stored_zone(&app, "newyork"), None);
    assert!(ny
        .get_html("/audit")
        .await
        .contains("Times are shown in Europe/Paris"));
}

#[tokio::test]
async fn an_unknown_zone_is_refused_and_changes_nothing() {
    let app = paris_app().await;
    known_times(&app).await;
    let ny = app.operator_browser("newyork", "viewer").await;
    let r = ny
        .post_form("/preferences", &[("time_zone", "Mars/Olympus")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.expect("body");
    assert!(
        page.contains("Mars/Olympus"),
        "the message names it: {page}"
    );
    assert!(page.contains("aria-invalid=\"true\""), "{page}");
    assert_eq!(stored_zone(&app, "newyork"), None);
    let audit = ny.get_html("/audit").await;
    assert!(audit.contains("Times are shown in Europe/Paris"));
    assert!(audit.contains("2026-01-15 13:00"));

    // Without the form token, nothing either.
    let r = ny
        .post_raw("/preferences", &[("time_zone", "America/New_York")])
        .await;
    assert_ne!(r.status().as_u16(), 303);
    assert_eq!(stored_zone(&app, "newyork"), None);
}

#[tokio::test]
async fn an_admin_sets_an_operators_zone_on_their_page() {
    let app = paris_app().await;
    known_times(&app).await;
    let id = app.new_operator("tokyo", "viewer").await;
    let r = app
        .post_form(
            &format!("/operators/{id}/time-zone"),
            &[("time_zone", "Asia/Tokyo")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(stored_zone(&app, "tokyo").as_deref(), Some("Asia/Tokyo"));
    let r = app
        .post_form(
            &format!("/operators/{id}/time-zone"),
            &[("time_zone", "Nowhere/Else")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(stored_zone(&app, "tokyo").as_deref(), Some("Asia/Tokyo"));

    // From their next sign-in, they see Tokyo's time (21:00 on 15 January).
    let tokyo = app
        .signed_in_as("tokyo", crate::common::OPERATOR_PASSWORD)
        .await;
    let page = tokyo.get_html("/audit").await;
    assert!(page.contains("Times are shown in Asia/Tokyo"), "{page}");
    assert!(page.contains("2026-01-15 21:00"));
}

#[tokio::test]
async fn a_background_export_is_written_in_the_requesters_zone() {
    let app = paris_app().await;
    known_times(&app).await;
    let ny = app.operator_browser("newyork", "operator").await;
    ny.post_form("/preferences", &[("time_zone", "America/New_York")])
        .await;
    let r = ny
        .start_background_export(&format!("{CSV}&mode=background"))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let id: i64 = location(&r)
        .trim_start_matches("/exports/")
        .parse()
        .expect("a job id");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = ny.get_html(&format!("/exports/{id}")).await;
        if page.contains("data-status=\"done\"") {
            assert!(page.contains("Times are shown in America/New_York"));
            break;
        }
        assert!(!page.contains("data-status=\"failed\""), "{page}");
        assert!(Instant::now() < deadline, "job {id} did not finish");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let body = csv(&ny, &format!("/exports/{id}/download")).await;
    assert!(body.contains("Created (America/New_York)"), "{body}");
    assert!(body.contains("Winter AS,2026-01-15 07:00"), "{body}");
    assert!(body.contains("Summer AS,2026-07-15 08:00"), "{body}");
}

#[tokio::test]
async fn portal_administrators_see_the_servers_zone() {
    let app = paris_app().await;
    app.create_customer("winter", "Winter AS").await;
    let portal = app.portal_admin("winter").await;
    let page = portal.get_html("/c/winter-web/").await;
    assert!(page.contains("Times are shown in Europe/Paris"), "{page}");
}

/// `--help` lists the setting; an unknown zone stops the start, naming the bad value.
#[test]
fn the_server_zone_is_a_setting_checked_at_start() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_selfcare"))
        .arg("--help")
        .output()
        .expect("run selfcare --help");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("SELFCARE_TIME_ZONE"));

    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_selfcare"))
        .arg("serve")
        .env("SELFCARE_TIME_ZONE", "Mars/Olympus")
        .env("DATABASE_URL", "sqlite::memory:")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run selfcare serve");
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("Mars/Olympus"), "{err}");
    assert!(err.contains("SELFCARE_TIME_ZONE"), "{err}");
}
