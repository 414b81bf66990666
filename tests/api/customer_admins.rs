//! A customer's administrators (issue 14): the web access account is the first one; operators
//! and the customer's own admins add more with a role; each signs in to the portal with their
//! own password; a viewer changes nothing (403 on every POST); disabling one ends their
//! sessions at once.

use crate::common::{location, spawn_app, TestApp, TwoCustomers, CUSTOMER_PASSWORD};

#[tokio::test]
async fn the_web_access_account_is_the_first_administrator_and_others_sign_in_on_their_own() {
    let app = spawn_app().await;
    let TwoCustomers { a, b, .. } = app.two_customers().await;
    let page = app.get_html(&format!("/customers/{a}/admins")).await;
    assert!(
        page.contains("alpha") && page.contains("(web access account)"),
        "{page}"
    );
    assert!(
        TestApp::row_id_with(&page, "alpha").is_some(),
        "rows carry data-id"
    );
    let r = app.post_customer_admin(a, "carol", "admin").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), format!("/customers/{a}/admins"));
    let page = app.get_html(&format!("/customers/{a}/admins")).await;
    assert!(page.contains("carol"));
    // Carol signs in to Alpha's portal, and only Alpha's.
    let carol = app.another_browser();
    let r = carol
        .portal_login("alpha-web", "carol", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let home = carol.get_html("/c/alpha-web/").await;
    assert!(home.contains("carol") && home.contains("Alpha Foods AS"));
    let elsewhere = app.another_browser();
    let r = elsewhere
        .portal_login("bravo-web", "carol", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 401, "Bravo has no carol");
    // The same name may serve another customer; within one customer it is refused.
    assert_eq!(
        app.post_customer_admin(b, "carol", "viewer")
            .await
            .status()
            .as_u16(),
        303
    );
    let r = app.post_customer_admin(a, "Carol", "viewer").await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("administrator with this username already"));
    // Bad input: messages at the fields, nothing stored.
    let r = app
        .post_form(
            &format!("/customers/{a}/admins"),
            &[
                ("username", "dave!"),
                ("password", "short"),
                ("password_confirm", "short"),
                ("role", "owner"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("letters and digits only"), "{body}");
    assert!(body.contains("Choose admin or viewer."));
    assert!(!app
        .get_html(&format!("/customers/{a}/admins"))
        .await
        .contains("dave"));
}

#[tokio::test]
async fn a_portal_viewer_sees_but_every_post_is_403() {
    let app = spawn_app().await;
    let TwoCustomers { a, sa, .. } = app.two_customers().await;
    let viewer = app.portal_browser(a, "alpha-web", "vera", "viewer").await;
    let home = viewer.get_html("/c/alpha-web/").await;
    assert!(home.contains("Oslo HQ"));
    let admins = viewer.get_html("/c/alpha-web/admins").await;
    assert!(admins.contains("vera") && !admins.contains("data-action=\"add-admin\""));
    let token = viewer.csrf_from("/c/alpha-web/admins").await;
    let alpha_id = TestApp::row_id_with(&admins, "alpha").unwrap().to_string();
    for (path, fields) in [
        (
            "/c/alpha-web/admins".to_string(),
            vec![
                ("username", "eve"),
                ("password", CUSTOMER_PASSWORD),
                ("password_confirm", CUSTOMER_PASSWORD),
                ("role", "admin"),
            ],
        ),
        (format!("/c/alpha-web/admins/{alpha_id}/disable"), vec![]),
        (
            "/c/alpha-web/customer/save".to_string(),
            vec![("name", "Renamed")],
        ),
        (
            "/c/alpha-web/sites/save".to_string(),
            vec![("name", "Renamed")],
        ),
        (format!("/c/alpha-web/sites/{sa}/links/save"), vec![]),
    ] {
        let r = viewer.post_with_token(&token, &path, &fields).await;
        assert_eq!(r.status().as_u16(), 403, "{path}");
    }
    let page = app.get_html(&format!("/customers/{a}/admins")).await;
    assert!(!page.contains("eve"), "nothing was added");
    // An admin of the customer adds a user in the portal; that one signs in.
    let boss = app.portal_browser(a, "alpha-web", "bob", "admin").await;
    let r = boss
        .post_with_token_of(
            "/c/alpha-web/admins",
            "/c/alpha-web/admins",
            &[
                ("username", "eve"),
                ("password", CUSTOMER_PASSWORD),
                ("password_confirm", CUSTOMER_PASSWORD),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/c/alpha-web/admins");
    let eve = app.another_browser();
    let r = eve
        .portal_login("alpha-web", "eve", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn disabling_an_administrator_ends_their_sessions_and_their_sign_in() {
    let app = spawn_app().await;
    let TwoCustomers { a, .. } = app.two_customers().await;
    let carol = app.portal_browser(a, "alpha-web", "carol", "admin").await;
    let boss = app.portal_admin("alpha").await;
    assert_eq!(carol.get("/c/alpha-web/").await.status().as_u16(), 200);
    let page = boss.get_html("/c/alpha-web/admins").await;
    let carol_id = TestApp::row_id_with(&page, "carol").unwrap();
    let alpha_id = TestApp::row_id_with(&page, "alpha").unwrap();
    let r = boss
        .post_with_token_of(
            "/c/alpha-web/admins",
            &format!("/c/alpha-web/admins/{carol_id}/disable"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = carol.get("/c/alpha-web/").await;
    assert_eq!(r.status().as_u16(), 303, "carol's session ended");
    assert!(location(&r).starts_with("/c/alpha-web/login"));
    let again = app.another_browser();
    let r = again
        .portal_login("alpha-web", "carol", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(
        r.status().as_u16(),
        401,
        "a disabled administrator cannot sign in"
    );
    // The boss stays signed in, cannot disable themselves, nor the last admin.
    let r = boss
        .post_with_token_of(
            "/c/alpha-web/admins",
            &format!("/c/alpha-web/admins/{alpha_id}/disable"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = boss.get_html("/c/alpha-web/admins").await;
    assert!(
        page.contains("You cannot disable your own account."),
        "{page}"
    );
    let r = app
        .post_form(&format!("/customers/{a}/admins/{alpha_id}/disable"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{a}/admins")).await;
    assert!(page.contains("The last enabled administrator"), "{page}");
    // Enabled again, carol signs in.
    let r = app
        .post_form(&format!("/customers/{a}/admins/{carol_id}/enable"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = again
        .portal_login("alpha-web", "carol", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn an_operator_viewer_cannot_add_and_another_providers_operator_sees_404() {
    let app = spawn_app().await;
    let TwoCustomers { a, .. } = app.two_customers().await;
    let viewer = app.operator_browser("olga", "viewer").await;
    assert_eq!(
        viewer
            .get(&format!("/customers/{a}/admins"))
            .await
            .status()
            .as_u16(),
        200
    );
    let r = viewer.post_customer_admin(a, "mallory", "admin").await;
    assert_eq!(r.status().as_u16(), 403);
    let r = app.get(&format!("/customers/{}/admins", a + 1000)).await;
    assert_eq!(r.status().as_u16(), 404);
}
