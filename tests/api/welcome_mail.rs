//! Welcome mail (issue 14): with it on, a new user's welcome mail waits in the outbox with a
//! one-time set-password link (never a password); operators see the link cut short; the link
//! sets the user's password once.

use crate::common::{spawn_app, TestApp};
use diesel::prelude::*;
use selfcare::db::schema;

#[tokio::test]
async fn a_new_user_gets_a_welcome_mail_with_a_one_time_link() {
    let app = spawn_app().await;
    app.login_admin().await;
    let a = app
        .create_customer_plus("alpha", "Alpha Foods AS", &[("welcome_mail", "yes")])
        .await;
    let b = app.create_customer("bravo", "Bravo Energy Ltd").await;
    let basic = app.create_package("Basic", "package").await;
    app.post_quantities(a, &[(basic, 5)]).await;
    app.post_quantities(b, &[(basic, 5)]).await;
    let r = app
        .post_user(
            &format!("/customers/{a}"),
            &TestApp::user_fields("Ann Berg", "1001", "ann.berg", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_user(
            &format!("/customers/{b}"),
            &TestApp::user_fields("Bo Ek", "1001", "bo.ek", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let outbox = app.get_html(&format!("/customers/{a}/mail")).await;
    assert!(outbox.contains("ann.berg@example.com"), "{outbox}");
    assert!(outbox.contains("…(hidden)"));
    assert!(
        !app.get_html(&format!("/customers/{b}/mail"))
            .await
            .contains("bo.ek"),
        "off for Bravo"
    );
    let body: String = schema::mail_outbox::table
        .filter(schema::mail_outbox::customer_id.eq(a))
        .select(schema::mail_outbox::body)
        .first(&mut app.db())
        .expect("the welcome mail");
    let at = body.find("/set-password/").expect("a link") + "/set-password/".len();
    let token = &body[at..at + 64];
    assert!(
        !outbox.contains(token),
        "operators never see the whole link"
    );
    let link = format!("/set-password/{token}");
    let user = app.another_browser();
    assert_eq!(user.get(&link).await.status().as_u16(), 200);
    let r = user
        .post_with_token_of(
            &link,
            &link,
            &[("password", "weak"), ("password_confirm", "weak")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = user
        .post_with_token_of(
            &link,
            &link,
            &[
                ("password", "Phone-Passw0rd!"),
                ("password_confirm", "Phone-Passw0rd!"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let hash: Option<String> = schema::customer_users::table
        .filter(schema::customer_users::sip_key.eq("ann.berg"))
        .select(schema::customer_users::password_hash)
        .first(&mut app.db())
        .expect("the user");
    assert!(hash.unwrap().starts_with("$argon2id$"));
    assert!(!body.contains("Phone-Passw0rd!"));
    // Once only.
    assert_eq!(user.get(&link).await.status().as_u16(), 404);
    let r = user
        .post_with_token_of(
            "/login",
            &link,
            &[
                ("password", "Other-Passw0rd!"),
                ("password_confirm", "Other-Passw0rd!"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
}
