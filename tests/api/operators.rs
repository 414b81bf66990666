//! The operators page: admins create operators, set role and service provider, disable them
//! (ending their sessions) and reset passwords; everything is audited.

use crate::common::{location, spawn_admin, OPERATOR_PASSWORD};

const PW: &str = OPERATOR_PASSWORD;

#[tokio::test]
async fn an_admin_creates_an_operator_who_can_then_sign_in() {
    let app = spawn_admin().await;
    let id = app.new_operator("olga", "operator").await;
    let page = app.get_html("/operators").await;
    assert!(page.contains("olga") && page.contains("Operator"));
    let olga = app.another_browser();
    assert_eq!(olga.login("olga", PW).await.status().as_u16(), 303);
    assert_eq!(olga.get("/customers/new").await.status().as_u16(), 200);
    let log = app
        .get_html(&format!("/audit?object_type=operator&object_id={id}"))
        .await;
    assert!(log.contains("create") && log.contains("olga"));
    assert!(!log.contains("argon2"), "no password hash in the log");
    // Mistakes are answered on the form.
    let r = app
        .post_form(
            "/operators",
            &[
                ("username", "olga"),
                ("password", "short"),
                ("password_confirm", "short"),
                ("role", "boss"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("12 to 128 characters") && body.contains("Choose admin"));
    let r = app
        .post_form(
            "/operators",
            &[
                ("username", "OLGA"),
                ("password", PW),
                ("password_confirm", PW),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("This username is taken"));
}

#[tokio::test]
async fn disabling_an_operator_ends_their_sessions_and_sign_ins() {
    let app = spawn_admin().await;
    let id = app.new_operator("olga", "operator").await;
    let olga = app.signed_in_as("olga", PW).await;
    assert_eq!(olga.get("/customers").await.status().as_u16(), 200);
    let r = app
        .post_form(&format!("/operators/{id}/disable"), &[])
        .await;
    assert_eq!(location(&r), format!("/operators/{id}"));
    assert_eq!(olga.get("/customers").await.status().as_u16(), 303);
    let r = app.another_browser().login("olga", PW).await;
    assert_eq!(r.status().as_u16(), 401);
    assert!(app
        .get_html(&format!("/operators/{id}"))
        .await
        .contains("<strong id=\"operator-state\">Disabled</strong>"));
    app.post_form(&format!("/operators/{id}/enable"), &[]).await;
    assert_eq!(
        app.another_browser()
            .login("olga", PW)
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn a_new_role_applies_at_once_and_a_reset_password_replaces_the_old() {
    let app = spawn_admin().await;
    let id = app.new_operator("olga", "operator").await;
    let olga = app.signed_in_as("olga", PW).await;
    let r = app
        .post_form(
            &format!("/operators/{id}"),
            &[("role", "viewer"), ("service_provider_id", "1")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        olga.get("/customers").await.status().as_u16(),
        303,
        "signed out"
    );
    olga.login("olga", PW).await;
    assert_eq!(olga.get("/customers/new").await.status().as_u16(), 403);
    let page = app.get_html("/operators").await;
    assert!(page.contains("Viewer") && page.contains("Default provider"));

    let new_pw = "Another-Passw0rd!";
    let r = app
        .post_form(
            &format!("/operators/{id}/password"),
            &[("password", new_pw), ("password_confirm", "different")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    app.post_form(
        &format!("/operators/{id}/password"),
        &[("password", new_pw), ("password_confirm", new_pw)],
    )
    .await;
    assert_eq!(olga.get("/customers").await.status().as_u16(), 303);
    assert_eq!(
        app.another_browser()
            .login("olga", PW)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        app.another_browser()
            .login("olga", new_pw)
            .await
            .status()
            .as_u16(),
        303
    );
    let log = app
        .get_html(&format!("/audit?object_type=operator&object_id={id}"))
        .await;
    assert!(log.contains("password reset") && log.contains("viewer"));
}

#[tokio::test]
async fn the_last_admin_cannot_lock_everyone_out() {
    let app = spawn_admin().await;
    let r = app.post_form("/operators/1/disable", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html("/operators/1").await;
    assert!(page.contains("You cannot disable yourself"));
    assert!(page.contains("<strong id=\"operator-state\">Active</strong>"));
    app.post_form(
        "/operators/1",
        &[("role", "viewer"), ("service_provider_id", "")],
    )
    .await;
    let page = app.get_html("/operators/1").await;
    assert!(page.contains("The admin role stays"));
    assert_eq!(
        app.get("/operators").await.status().as_u16(),
        200,
        "still admin"
    );
}
