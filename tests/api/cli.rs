use crate::common::{fresh_database_url, spawn_app_with, TestApp};
use std::io::Write;
use std::process::{Command, Stdio};

pub(crate) fn selfcare(database_url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_selfcare"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("SELFCARE_ADMIN_PASSWORD", crate::common::ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run selfcare");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn create_operator_makes_an_account_that_can_sign_in() {
    let url = fresh_database_url();
    let out = selfcare(
        &url,
        &["create-operator", "--username", "Nina", "--role", "viewer"],
        "Viewer-Passw0rd!\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Created operator nina with role viewer"));

    let again = selfcare(
        &url,
        &["create-operator", "--username", "nina", "--role", "viewer"],
        "Viewer-Passw0rd!\n",
    );
    assert!(!again.status.success(), "the same name twice is refused");
    let weak = selfcare(
        &url,
        &["create-operator", "--username", "weak", "--role", "admin"],
        "short\n",
    );
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password"));
    let role = selfcare(
        &url,
        &["create-operator", "--username", "root", "--role", "root"],
        "Viewer-Passw0rd!\n",
    );
    assert!(!role.status.success());

    let app: TestApp = spawn_app_with(url).await;
    assert_eq!(
        app.login("nina", "Viewer-Passw0rd!")
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        app.get("/customers/new").await.status().as_u16(),
        403,
        "a viewer"
    );
}

#[tokio::test]
async fn demo_data_fills_customers_sites_and_links() {
    let url = fresh_database_url();
    let out = selfcare(&url, &["demo-data", "--customers", "40"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Added 40 customers"), "{text}");
    let app = spawn_app_with(url).await;
    app.login_admin().await;
    let page = app.get_html("/customers").await;
    assert_eq!(page.matches("<tr data-id=").count(), 40);
    // Every demo customer has 1–5 sites, each with 1–3 links.
    let page = app.get_html("/customers?customer=1").await;
    let sites = page[page.find("id=\"pane-sites\"").unwrap()..]
        .matches("<tr data-id=")
        .count();
    assert!((1..=5).contains(&sites), "{sites} sites");
}
