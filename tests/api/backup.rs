//! Backup and restore as an operations team runs them: a copy taken while the portal serves,
//! restored into a new database that then holds exactly what the copy held.

use crate::common::{fresh_database_url, spawn_app, spawn_app_with};
use std::process::Command;

fn selfcare(database_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_selfcare"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("SELFCARE_ADMIN_PASSWORD", crate::common::ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run selfcare")
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn pg_server() -> Option<String> {
    std::env::var("SELFCARE_TEST_PG_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| v.trim_end_matches('/').to_string())
}

/// Copies the live database to a file: `selfcare backup` on SQLite, `pg_dump` on PostgreSQL.
fn take_backup(database_url: &str, file: &std::path::Path) {
    let file_s = file.to_str().unwrap();
    if pg_server().is_some() {
        let out = selfcare(database_url, &["backup", "--to", file_s]);
        assert!(
            !out.status.success(),
            "PostgreSQL backups are pg_dump's job"
        );
        assert!(text(&out).contains("pg_dump"), "{}", text(&out));
        let out = Command::new("pg_dump")
            .args(["-Fc", "-f", file_s, database_url])
            .output()
            .expect("pg_dump");
        assert!(out.status.success(), "{}", text(&out));
    } else {
        let out = selfcare(database_url, &["backup", "--to", file_s]);
        assert!(out.status.success(), "{}", text(&out));
        let again = selfcare(database_url, &["backup", "--to", file_s]);
        assert!(
            !again.status.success(),
            "an existing file is never overwritten"
        );
    }
}

/// Restores the file into a new, empty database and returns its URL.
fn restore_into_new(file: &std::path::Path) -> String {
    let target = fresh_database_url();
    let file_s = file.to_str().unwrap();
    let out = if pg_server().is_some() {
        Command::new("pg_restore")
            .args(["--no-owner", "-d", &target, file_s])
            .output()
            .expect("pg_restore")
    } else {
        selfcare(&target, &["restore", "--from", file_s])
    };
    assert!(out.status.success(), "{}", text(&out));
    target
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_to_what_it_held() {
    let app = spawn_app().await;
    app.login_admin().await;
    app.create_customer("before", "Before Backup AS").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("selfcare-backup.db");
    take_backup(&app.database_url, &file);
    app.create_customer("after", "After Backup AS").await;

    let restored = spawn_app_with(restore_into_new(&file)).await;
    restored.login_admin().await;
    let page = restored.get_html("/customers").await;
    assert!(page.contains("Before Backup AS"), "{page}");
    assert!(!page.contains("After Backup AS"));
    // The restored portal works for writes too.
    restored.create_customer("again", "After Restore AS").await;
}

#[test]
fn restore_refuses_a_file_that_is_not_a_selfcare_backup() {
    if pg_server().is_some() {
        return; // pg_restore checks its own archives
    }
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("notes.db");
    std::fs::write(&bogus, b"not a database at all").unwrap();
    let target = fresh_database_url();
    let out = selfcare(&target, &["restore", "--from", bogus.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("not a Selfcare backup") || text(&out).contains("cannot open"),
        "{}",
        text(&out)
    );
    let missing = selfcare(&target, &["restore", "--from", "/nonexistent/x.db"]);
    assert!(!missing.status.success());
}
