//! Statuses set by operators, and the one-way conversion to demo.

use crate::common::{location, spawn_admin, CUSTOMER_PASSWORD};

#[tokio::test]
async fn suspended_blocked_and_closed_customers_cannot_sign_in_and_are_told_why() {
    let app = spawn_admin().await;
    let c = app.create_customer("alpha", "Alpha Foods AS").await;
    let admin = app.portal_admin("alpha").await;
    for (status, word) in [
        ("suspended", "suspended"),
        ("blocked", "blocked"),
        ("closed", "closed"),
    ] {
        let r = app
            .post_form(&format!("/customers/{c}/status"), &[("status", status)])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let page = app.get_html(&format!("/customers?customer={c}")).await;
        assert!(
            page.contains(&format!("is now {}", capital(word))),
            "{page}"
        );
        // Existing sessions end at once.
        assert_eq!(admin.get("/c/alpha-web/").await.status().as_u16(), 303);
        let b = app.another_browser();
        // A wrong password learns nothing about the account.
        let r = b.portal_login("alpha-web", "alpha", "Wrong1!xx").await;
        assert_eq!(r.status().as_u16(), 401);
        assert!(!r.text().await.unwrap().contains(word));
        let r = b
            .portal_login("alpha-web", "alpha", CUSTOMER_PASSWORD)
            .await;
        assert_eq!(r.status().as_u16(), 403, "{status}");
        let body = r.text().await.unwrap();
        assert!(body.contains(&format!("This account is {word}")), "{body}");
        assert_eq!(b.get("/c/alpha-web/").await.status().as_u16(), 303);
    }
    // The pane filters by status.
    let page = app.get_html("/customers?q_status=closed").await;
    assert!(page.contains(&format!("<tr data-id=\"{c}\"")));
    let page = app.get_html("/customers?q_status=active").await;
    assert!(!page.contains(&format!("<tr data-id=\"{c}\"")));
    // Back to active: signing in works again.
    app.post_form(&format!("/customers/{c}/status"), &[("status", "active")])
        .await;
    app.portal_admin("alpha").await;
    let log = app
        .get_html(&format!("/audit?object_type=customer&object_id={c}"))
        .await;
    assert!(log.contains("suspended") && log.contains("closed"));
}

fn capital(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[tokio::test]
async fn review_statuses_are_not_set_by_hand() {
    let app = spawn_admin().await;
    let c = app.create_customer("alpha", "Alpha Foods AS").await;
    for status in ["pending_review", "review_failed", "nonsense"] {
        app.post_form(&format!("/customers/{c}/status"), &[("status", status)])
            .await;
        let page = app.get_html(&format!("/customers?customer={c}")).await;
        assert!(page.contains("flash-error"), "{status}");
        assert!(page.contains("<dd data-field=\"status\">Active</dd>"));
    }
    let viewer = app.operator_browser("vera", "viewer").await;
    let r = viewer
        .post_form(&format!("/customers/{c}/status"), &[("status", "blocked")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn converting_to_demo_asks_first_then_locks_the_customer_for_good() {
    let app = spawn_admin().await;
    let c = app.create_customer("alpha", "Alpha Foods AS").await;
    let site = app.create_site(c, "Oslo HQ").await;
    let admin = app.portal_admin("alpha").await;

    let confirm = app.get_html(&format!("/customers/{c}/demo")).await;
    assert!(confirm.contains("cannot be undone"));
    assert!(confirm.contains(&format!("action=\"/customers/{c}/demo\"")));
    // Looking at the confirmation changed nothing.
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(page.contains("<dd data-field=\"customer_type\">Live</dd>"));

    let r = app.post_form(&format!("/customers/{c}/demo"), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(page.contains("<dd data-field=\"customer_type\">Demo</dd>"));
    assert!(
        !page.contains(&format!("name=\"name_{c}\"")),
        "no inline edit"
    );
    let sites = crate::common::pane_section(&page, "sites").expect("the sites pane");
    assert!(!sites.contains("name=\"name_"), "nor of its sites");
    assert!(!page.contains("data-action=\"impersonate\""));

    // Its administrators are out and stay out.
    assert_eq!(admin.get("/c/alpha-web/").await.status().as_u16(), 303);
    let r = app
        .another_browser()
        .portal_login("alpha-web", "alpha", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().await.unwrap().contains("demo account"));

    // No edit of any kind, no way back to LIVE.
    for (path, fields) in [
        (format!("/customers/{c}/status"), vec![("status", "active")]),
        (format!("/customers/{c}/impersonate"), vec![]),
        (
            format!("/customers/{c}/sites"),
            vec![
                ("name", "New"),
                ("country", "NO"),
                ("time_zone", "Europe/Oslo"),
            ],
        ),
    ] {
        let r = app.post_form(&path, &fields).await;
        assert_eq!(r.status().as_u16(), 409, "{path}");
    }
    assert_eq!(
        app.get(&format!("/sites/{site}/edit"))
            .await
            .status()
            .as_u16(),
        409
    );
    let (k, n, o) = (format!("v_{c}"), format!("name_{c}"), format!("o_name_{c}"));
    let r = app
        .post_form(
            "/customers/save",
            &[(&k, "2"), (&n, "Renamed"), (&o, "Ann Berg")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("demo customer and can no longer be changed"));
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(!page.contains("Renamed"));
    let r = app.post_form(&format!("/customers/{c}/demo"), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(page.contains("already a demo customer"));
    assert!(page.contains("<dd data-field=\"customer_type\">Demo</dd>"));

    // It can still be deleted.
    let r = app.post_form(&format!("/customers/{c}/delete"), &[]).await;
    assert_eq!(location(&r), "/customers");
    assert_eq!(
        app.get(&format!("/customers/{c}/demo"))
            .await
            .status()
            .as_u16(),
        404
    );
    let log = app
        .get_html(&format!("/audit?object_type=customer&object_id={c}"))
        .await;
    assert!(log.contains("converted to demo"));
}
