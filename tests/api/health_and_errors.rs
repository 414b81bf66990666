use crate::common::{spawn_admin, spawn_app};

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let app = spawn_app().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn unknown_pages_get_a_proper_404_page() {
    let app = spawn_admin().await;
    let r = app.get("/no/such/page").await;
    assert_eq!(r.status().as_u16(), 404);
    let body = r.text().await.unwrap();
    assert!(body.contains("Page not found"));
    assert!(body.contains("<html"));
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = spawn_app().await;
    let r = app.get("/login").await;
    let h = r.headers();
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(h.get("referrer-policy").unwrap(), "same-origin");
    assert_eq!(h.get("cache-control").unwrap(), "no-store");
    let cookies = |r: &reqwest::Response| -> Vec<String> {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    };
    // The sign-in form's token rides in its own cookie (no session for anonymous visitors).
    let form_cookie = cookies(&r)
        .into_iter()
        .find(|c| c.starts_with("selfcare_csrf="))
        .expect("the form token cookie");
    assert!(form_cookie.contains("HttpOnly"), "{form_cookie}");
    assert!(form_cookie.contains("SameSite=Strict"), "{form_cookie}");
    let signed_in = app.login("admin", crate::common::ADMIN_PASSWORD).await;
    assert_eq!(signed_in.status().as_u16(), 303);
    let session_cookie = cookies(&signed_in)
        .into_iter()
        .find(|c| c.starts_with("selfcare_session="))
        .expect("a session cookie at sign-in");
    assert!(session_cookie.contains("HttpOnly"), "{session_cookie}");
    assert!(session_cookie.contains("SameSite=Lax"), "{session_cookie}");
}

#[tokio::test]
async fn static_files_are_served_from_the_binary() {
    let app = spawn_app().await;
    let r = app.get("/static/app.css").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(app.get("/static/nope.css").await.status().as_u16(), 404);
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let app = spawn_app().await;
    for path in [
        "/customers",
        "/customers/new",
        "/audit",
        "/customers/1/sites/new",
        "/sites/1/edit",
        "/links/1/edit",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status().as_u16(), 303, "{path}");
        assert_eq!(crate::common::location(&r), "/login", "{path}");
    }
    let r = app.post_raw("/customers", &[("company", "x")]).await;
    assert!(
        matches!(r.status().as_u16(), 303 | 403),
        "POST without session is refused"
    );
}

#[tokio::test]
async fn malformed_input_gets_a_clear_4xx_not_a_500() {
    let app = spawn_admin().await;
    for path in [
        "/customers?customer=abc&site=-1&c_page=zzz&c_sort=drop%20table",
        "/customers?c_dir=sideways",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status().as_u16(), 200, "{path}");
    }
    assert_eq!(
        app.get("/sites/notanumber/edit").await.status().as_u16(),
        404
    );
    assert_eq!(
        app.get("/customers/999999/delete").await.status().as_u16(),
        404
    );
    let r = app
        .client
        .post(app.url("/customers"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, 0x00])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "got {}", r.status());
}
