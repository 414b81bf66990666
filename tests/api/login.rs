use crate::common::{csrf_of, location, new_client, spawn_admin, spawn_app, ADMIN_PASSWORD};

#[tokio::test]
async fn admin_signs_in_and_lands_on_customers() {
    let app = spawn_app().await;
    let r = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/customers");
    let page = app.get_html("/customers").await;
    assert!(page.contains("Customers"));
    assert!(page.contains("admin"));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_message() {
    let app = spawn_app().await;
    let a = app.login("admin", "Wrong-password1!").await;
    assert_eq!(a.status().as_u16(), 401);
    let a = a.text().await.unwrap();
    let b = app.login("nobody", "Wrong-password1!").await;
    assert_eq!(b.status().as_u16(), 401);
    let b = b.text().await.unwrap();
    let msg = "Unknown username or wrong password.";
    assert!(a.contains(msg) && b.contains(msg));
    assert!(
        !a.contains("Wrong-password1!"),
        "the password is never shown back"
    );
    assert_eq!(
        app.get("/customers").await.status().as_u16(),
        303,
        "still signed out"
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    let app = spawn_app().await;
    let mut last = String::new();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let r = app.login("admin", "Wrong-password1!").await;
        statuses.push(r.status().as_u16());
        last = r.text().await.unwrap();
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429]);
    assert!(last.contains("locked"), "{last}");
    let r = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(
        r.status().as_u16(),
        429,
        "locked even with the right password"
    );
    assert!(r.text().await.unwrap().contains("minutes"));
    assert_eq!(app.get("/customers").await.status().as_u16(), 303);
}

#[tokio::test]
async fn sign_in_without_a_csrf_token_is_refused() {
    let app = spawn_app().await;
    let _ = app.get_html("/login").await;
    let r = app
        .post_raw(
            "/login",
            &[("username", "admin"), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .post_raw(
            "/login",
            &[
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("csrf_token", &"0".repeat(64)),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(app.get("/customers").await.status().as_u16(), 303);
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("selfcare_session=") && !c.starts_with("selfcare_session=;"))
        .map(|c| c.split(';').next().unwrap_or("").to_string())
}

#[tokio::test]
async fn sign_in_issues_a_new_session_and_sign_out_ends_it_on_the_server() {
    let app = spawn_app().await;
    let login_page = app.get("/login").await;
    // An anonymous visitor gets no session at all (its form token rides in its own cookie), so
    // there is nothing to fixate; each sign-in then issues a new id.
    assert_eq!(session_cookie(&login_page), None, "no session for the form");
    let token = csrf_of(&login_page.text().await.unwrap());
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let before = session_cookie(&r).expect("a session cookie is set at sign-in");
    let again = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(again.status().as_u16(), 303);
    let after = session_cookie(&again).expect("a session cookie is set at sign-in");
    assert_ne!(before, after, "the session id changes at sign-in");

    // A copy of the cookie works while the session lives...
    let thief = new_client();
    let page = thief
        .get(app.url("/customers"))
        .header("cookie", &after)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);

    // ...and stops working once the owner signs out.
    let r = app.post_form("/logout", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/login");
    let page = thief
        .get(app.url("/customers"))
        .header("cookie", &after)
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status().as_u16(),
        303,
        "copied cookie no longer signs in"
    );
    assert_eq!(app.get("/customers").await.status().as_u16(), 303);
}

#[tokio::test]
async fn viewer_sees_everything_and_changes_nothing() {
    let app = spawn_admin().await;
    let customer = app.create_customer("viewme", "Viewable AS").await;
    let site = app.create_site(customer, "Oslo").await;
    app.create_operator("vera", "Viewer-Passw0rd!", "viewer");

    let viewer = app.another_browser();
    assert_eq!(
        viewer
            .login("vera", "Viewer-Passw0rd!")
            .await
            .status()
            .as_u16(),
        303
    );
    let page = viewer
        .get_html(&format!("/customers?customer={customer}&site={site}"))
        .await;
    assert!(page.contains("Viewable AS"));
    assert!(page.contains("Oslo"));
    assert!(
        !page.contains("data-action=\"save\""),
        "no save button for viewers"
    );
    assert!(
        !page.contains("/customers/new"),
        "no add button for viewers"
    );
    assert!(
        !page.contains(&format!("name=\"name_{customer}\"")),
        "no inline inputs"
    );

    assert_eq!(viewer.get("/customers/new").await.status().as_u16(), 403);
    let token = csrf_of(&page);
    for (path, fields) in [
        ("/customers".to_string(), vec![("company", "X")]),
        (format!("/customers/{customer}/delete"), vec![]),
        (format!("/sites/{site}/delete"), vec![]),
        (
            format!("/customers/{customer}/sites"),
            vec![("name", "New")],
        ),
        (
            "/customers/save".to_string(),
            vec![(&*format!("v_{customer}"), "1")],
        ),
    ] {
        let mut all = fields.clone();
        all.push(("csrf_token", &token));
        let r = viewer.post_raw(&path, &all).await;
        assert_eq!(r.status().as_u16(), 403, "{path}");
    }
    let page = app
        .get_html(&format!("/customers?customer={customer}&site={site}"))
        .await;
    assert!(
        page.contains("Viewable AS") && page.contains("Oslo"),
        "nothing changed"
    );
}

#[tokio::test]
async fn login_page_says_when_a_session_expired() {
    let app = spawn_app().await;
    let page = app.get_html("/login?expired=1").await;
    assert!(page.contains("Your session ended"));
}

/// Rewrites a value kept in every stored session, as time passing would.
fn age_sessions(app: &crate::common::TestApp, key: &str, seconds_ago: i64) {
    use diesel::prelude::*;
    use selfcare::db::schema::web_sessions;
    let mut conn = app.db();
    let rows: Vec<(String, String)> = web_sessions::table
        .select((web_sessions::id, web_sessions::state))
        .load(&mut conn)
        .unwrap();
    let then = selfcare::db::now() - seconds_ago;
    for (id, state) in rows {
        let mut map: std::collections::HashMap<String, String> =
            serde_json::from_str(&state).unwrap();
        if map.contains_key(key) {
            map.insert(key.to_string(), then.to_string());
            diesel::update(web_sessions::table.find(id))
                .set(web_sessions::state.eq(serde_json::to_string(&map).unwrap()))
                .execute(&mut conn)
                .unwrap();
        }
    }
}

#[tokio::test]
async fn an_idle_session_ends_after_thirty_minutes() {
    let app = spawn_admin().await;
    age_sessions(&app, "seen", 29 * 60);
    assert_eq!(
        app.get("/customers").await.status().as_u16(),
        200,
        "29 minutes idle is fine"
    );
    age_sessions(&app, "seen", 31 * 60);
    let r = app.get("/customers").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/login?expired=1");
    assert_eq!(
        app.get("/customers").await.status().as_u16(),
        303,
        "and it stays ended"
    );
}

#[tokio::test]
async fn a_busy_session_still_ends_after_twelve_hours() {
    let app = spawn_admin().await;
    age_sessions(&app, "created", 12 * 3600 + 5);
    let r = app.get("/customers").await;
    assert_eq!(location(&r), "/login?expired=1");
}
