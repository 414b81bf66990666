//! What the browser tests share: the app with its admin signed in, a browser signed in through
//! the real login form, selecting a customer in the panes, reading a pane's rows, and the check
//! that the browser console stayed clean.

use crate::common::{spawn_admin, TestApp, ADMIN_PASSWORD};
use crate::webdriver::{binaries, Binaries, Browser};

/// The app and the browser binaries, or `None` when the test is skipped.
pub async fn setup() -> Option<(TestApp, Binaries)> {
    let bins = binaries()?;
    let app = spawn_admin().await;
    Some((app, bins))
}

/// Signs in as admin through the login form and waits for the customers page.
pub async fn sign_in(b: &Browser, app: &TestApp) {
    b.goto(&app.url("/login")).await;
    wait_for!(
        "the login form is shown",
        b.exists("form[action='/login'] #username")
            .await
            .then_some(())
    );
    b.type_into("#username", "admin").await;
    b.type_into("#password", ADMIN_PASSWORD).await;
    b.click_css("form[action='/login'] button[type=submit]")
        .await;
    wait_for!(
        "the customers page is shown after signing in",
        (b.current_url().await.contains("/customers") && b.exists("#pane-customers").await)
            .then_some(())
    );
}

/// The `data-id`s of the rows of a pane, in order; `None` while the pane is missing or changing.
pub async fn row_ids(b: &Browser, pane: &str) -> Option<Vec<i64>> {
    if !b.exists(&format!("#pane-{pane}")).await {
        return None;
    }
    let rows = b
        .find_all(&format!("#pane-{pane} tbody tr[data-id]"))
        .await
        .ok()?;
    let mut ids = Vec::new();
    for r in rows {
        ids.push(b.attribute(&r, "data-id").await.ok()??.parse().ok()?);
    }
    Some(ids)
}

/// A selector of the cells of column `col` in pane `pane` (of row `id` when given). Only the
/// header cell names its column (`th[data-col]`), so the cells are found by its position; a
/// column not shown gives a selector that matches nothing.
pub async fn cells_css(b: &Browser, pane: &str, id: Option<i64>, col: &str) -> String {
    let position = b
        .execute(
            "var h = document.querySelectorAll(arguments[0]);\
             for (var i = 0; i < h.length; i++) if (h[i].getAttribute('data-col') === arguments[1]) return i + 1;\
             return 0;",
            vec![
                serde_json::json!(format!("#pane-{pane} thead th")),
                serde_json::json!(col),
            ],
        )
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    let row = id.map_or(String::new(), |id| format!("[data-id='{id}']"));
    format!("#pane-{pane} tbody tr{row} > td:nth-child({position})")
}

/// The company cells of the customers pane, top to bottom.
pub async fn companies(b: &Browser) -> Option<Vec<String>> {
    let css = cells_css(b, "customers", None, "company").await;
    b.texts_of(&css).await.ok()
}

pub fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort();
    v
}

/// Prints the browser console and fails on JavaScript errors (a missing favicon excepted, and
/// the 422 of a refused form, which the page itself explains).
pub async fn assert_clean_console(b: &Browser) {
    let log = b.console_log().await;
    for (level, msg) in &log {
        eprintln!("browser console [{level}] {msg}");
    }
    let errors: Vec<_> = log
        .iter()
        .filter(|(level, msg)| {
            level == "SEVERE" && !msg.contains("favicon.ico") && !msg.contains("status of 422")
        })
        .collect();
    assert!(
        errors.is_empty(),
        "the browser console shows errors: {errors:#?}"
    );
}

/// Ends a test's browser: the last page must pass axe-core and the console must be clean, then
/// the browser goes.
pub async fn finish(b: Browser) {
    b.check_accessibility().await;
    assert_clean_console(&b).await;
    b.quit().await;
}

/// A new browser, signed in as admin on the customers page.
pub async fn signed_in(bins: &Binaries, app: &TestApp) -> Browser {
    let b = Browser::start(bins).await;
    sign_in(&b, app).await;
    b
}

/// Selects customer `id` in the customers pane (by a plain text cell: the name cells hold
/// inputs, which do not select) and waits until the sites pane shows `sites` rows.
pub async fn open_customer(b: &Browser, id: i64, sites: usize, desc: &str) -> Vec<i64> {
    b.click_css(&cells_css(b, "customers", Some(id), "company").await)
        .await;
    wait_for!(
        desc,
        row_ids(b, "sites").await.filter(|ids| ids.len() == sites)
    )
}

/// Edits a pane's cell as a person does: Enter opens it when it reads as text, then the new
/// text replaces the old.
pub async fn edit_cell(b: &Browser, css: &str, text: &str) {
    let el = b
        .find(css)
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    if b.property(&el, "readOnly").await.ok() == Some(serde_json::json!(true)) {
        b.send_keys(&el, "\u{E007}")
            .await
            .unwrap_or_else(|e| panic!("Enter on {css}: {e}"));
    }
    b.type_into(css, text).await;
}
