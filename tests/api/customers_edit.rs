//! Editing a customer: every field of the create form, the account code shown but fixed, the
//! password kept when left empty, stale saves refused.

use crate::common::{customer_fields, location, pairs, set, spawn_admin, CUSTOMER_PASSWORD};

fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" type=\"text\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

fn hidden_version(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let start = html.find(marker).expect("version field") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_string()
}

/// The create form's fields for customer `alpha`, as an edit would post them.
fn fields(version: &str) -> Vec<(&'static str, String)> {
    let mut f = customer_fields(
        "alpha",
        &[
            ("company", "Alpha Foods AS"),
            ("password", ""),
            ("password_confirm", ""),
        ],
    );
    f.push(("version", version.to_string()));
    f
}

#[tokio::test]
async fn the_edit_form_shows_everything_but_the_password_and_fixes_the_account_code() {
    let app = spawn_admin().await;
    let c = app.create_customer("alpha", "Alpha Foods AS").await;
    let page = app.get_html(&format!("/customers/{c}/edit")).await;
    assert_eq!(
        input_value(&page, "company").as_deref(),
        Some("Alpha Foods AS")
    );
    assert_eq!(input_value(&page, "username").as_deref(), Some("alpha"));
    assert_eq!(
        input_value(&page, "credit_limit").as_deref(),
        Some("1500.50")
    );
    assert_eq!(input_value(&page, "webid").as_deref(), Some("alpha-web"));
    assert!(page.contains("id=\"account-code\""));
    assert!(!page.contains("name=\"account_code\""), "not editable");
    assert!(page.contains("name=\"password\" type=\"password\" value=\"\""));
    assert!(!page.contains(CUSTOMER_PASSWORD));
}

#[tokio::test]
async fn saving_with_an_empty_password_keeps_it_and_changes_the_rest() {
    let app = spawn_admin().await;
    let c = app.create_customer("alpha", "Alpha Foods AS").await;
    let before = app.get_html(&format!("/customers?customer={c}")).await;
    let page = app.get_html(&format!("/customers/{c}/edit")).await;
    let mut f = fields(&hidden_version(&page));
    set(&mut f, "company", "Alpha Foods Group AS");
    set(&mut f, "email", "new@alpha.example");
    set(&mut f, "phone", "5559876543");
    f.push(("account_code", "999999999999".into()));
    set(&mut f, "customer_type", "DEMO");
    let r = app.post_form(&format!("/customers/{c}"), &pairs(&f)).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), format!("/customers?customer={c}"));
    let after = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(after.contains("Alpha Foods Group AS"));
    assert!(!after.contains("999999999999"), "the account code is fixed");
    assert!(after.contains("<dd data-field=\"customer_type\">Live</dd>"));
    let code = |html: &str| {
        let m = "<dt>Account code</dt><dd>";
        let s = html.find(m).unwrap() + m.len();
        html[s..s + 12].to_string()
    };
    assert_eq!(code(&before), code(&after));
    app.portal_admin("alpha").await;
    let log = app
        .get_html(&format!("/audit?object_type=customer&object_id={c}"))
        .await;
    assert!(log.contains("Alpha Foods Group AS") && log.contains("update"));
}

#[tokio::test]
async fn a_new_password_follows_the_policy_and_ends_the_portal_sessions() {
    let app = spawn_admin().await;
    let c = app.create_customer("alpha", "Alpha Foods AS").await;
    let admin = app.portal_admin("alpha").await;
    let page = app.get_html(&format!("/customers/{c}/edit")).await;
    let v = hidden_version(&page);
    let mut f = fields(&v);
    set(&mut f, "password", "weakpass");
    set(&mut f, "password_confirm", "weakpass");
    let r = app.post_form(&format!("/customers/{c}"), &pairs(&f)).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("capital letter"));
    set(&mut f, "password", "Changed1!");
    set(&mut f, "password_confirm", "Changed2!");
    let r = app.post_form(&format!("/customers/{c}"), &pairs(&f)).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("The two passwords differ."));
    set(&mut f, "password_confirm", "Changed1!");
    let r = app.post_form(&format!("/customers/{c}"), &pairs(&f)).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(admin.get("/c/alpha-web/").await.status().as_u16(), 303);
    let b = app.another_browser();
    assert_eq!(
        b.portal_login("alpha-web", "alpha", CUSTOMER_PASSWORD)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        b.portal_login("alpha-web", "alpha", "Changed1!")
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn a_stale_edit_is_refused_and_overwrites_nothing() {
    let app = spawn_admin().await;
    let c = app.create_customer("alpha", "Alpha Foods AS").await;
    let page = app.get_html(&format!("/customers/{c}/edit")).await;
    let v = hidden_version(&page);
    // Someone else saves first (here: a rename in the pane).
    let (k, n, o) = (format!("v_{c}"), format!("name_{c}"), format!("o_name_{c}"));
    app.post_form(
        "/customers/save",
        &[(&k, &v), (&n, "Their Name"), (&o, "Ann Berg")],
    )
    .await;
    let mut f = fields(&v);
    set(&mut f, "company", "My Company");
    let r = app.post_form(&format!("/customers/{c}"), &pairs(&f)).await;
    assert_eq!(r.status().as_u16(), 409);
    let body = r.text().await.unwrap();
    assert!(body.contains("Someone else saved this customer"));
    assert_eq!(
        input_value(&body, "company").as_deref(),
        Some("My Company"),
        "kept"
    );
    let now = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(now.contains("Their Name") && now.contains("Alpha Foods AS"));
    assert!(!now.contains("My Company"));
}

#[tokio::test]
async fn usernames_and_webids_stay_unique_but_a_customer_keeps_its_own() {
    let app = spawn_admin().await;
    let c = app.create_customer("alpha", "Alpha Foods AS").await;
    app.create_customer("bravo", "Bravo Energy Ltd").await;
    let page = app.get_html(&format!("/customers/{c}/edit")).await;
    let mut f = fields(&hidden_version(&page));
    set(&mut f, "username", "BRAVO");
    set(&mut f, "webid", "bravo-web");
    let r = app.post_form(&format!("/customers/{c}"), &pairs(&f)).await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("This username is taken"));
    assert!(body.contains("This WebID is taken"));
    set(&mut f, "username", "alpha");
    set(&mut f, "webid", "alpha-new");
    let r = app.post_form(&format!("/customers/{c}"), &pairs(&f)).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        app.another_browser()
            .get("/c/alpha-web/login")
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        app.another_browser()
            .get("/c/alpha-new/login")
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn a_demo_customer_cannot_be_edited() {
    let app = spawn_admin().await;
    let c = app.create_customer("alpha", "Alpha Foods AS").await;
    let v = hidden_version(&app.get_html(&format!("/customers/{c}/edit")).await);
    app.post_form(&format!("/customers/{c}/demo"), &[]).await;
    assert_eq!(
        app.get(&format!("/customers/{c}/edit"))
            .await
            .status()
            .as_u16(),
        409
    );
    let mut f = fields(&v);
    set(&mut f, "company", "Changed");
    let r = app.post_form(&format!("/customers/{c}"), &pairs(&f)).await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(!app
        .get_html(&format!("/customers?customer={c}"))
        .await
        .contains("Changed"));
}
