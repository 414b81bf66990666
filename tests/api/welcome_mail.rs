//! Welcome mail (issue 14): with it on, a new user's welcome mail waits in the outbox with a
//! one-time set-password link (never a password); operators see the link cut short; the link
//! sets the user's password once; with `SELFCARE_SMTP_URL` set, the worker sends it through
//! SMTP once, with the link made absolute.

use crate::common::{fresh_database_url, settings, spawn_app, spawn_app_with_settings, TestApp};
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

/// A one-connection-at-a-time SMTP server that accepts every mail and hands each message's
/// text to the test.
fn fake_smtp() -> (u16, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("its address").port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut out) = stream else { return };
            let Ok(input) = out.try_clone() else { return };
            let mut lines = BufReader::new(input);
            let _ = out.write_all(b"220 fake ESMTP\r\n");
            let (mut data, mut in_data) = (String::new(), false);
            let mut line = String::new();
            while lines.read_line(&mut line).unwrap_or(0) > 0 {
                let reply: &[u8] = if in_data {
                    if line == ".\r\n" {
                        in_data = false;
                        let _ = tx.send(std::mem::take(&mut data));
                        b"250 queued\r\n"
                    } else {
                        data.push_str(&line);
                        b""
                    }
                } else {
                    match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
                        Some("EHLO") => b"250-fake\r\n250 8BITMIME\r\n",
                        Some("DATA") => {
                            in_data = true;
                            b"354 go on\r\n"
                        }
                        Some("QUIT") => b"221 bye\r\n",
                        _ => b"250 ok\r\n",
                    }
                };
                let _ = out.write_all(reply);
                line.clear();
            }
        }
    });
    (port, rx)
}

#[tokio::test]
async fn with_an_smtp_server_the_worker_sends_each_welcome_mail_once() {
    let (port, received) = fake_smtp();
    let mut s = settings(&fresh_database_url());
    s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    s.public_url = Some("https://portal.example.net".into());
    let app = spawn_app_with_settings(s).await;
    app.login_admin().await;
    let a = app
        .create_customer_plus("alpha", "Alpha Foods AS", &[("welcome_mail", "yes")])
        .await;
    let basic = app.create_package("Basic", "package").await;
    app.post_quantities(a, &[(basic, 5)]).await;
    let r = app
        .post_user(
            &format!("/customers/{a}"),
            &TestApp::user_fields("Ann Berg", "1001", "ann.berg", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let message = tokio::task::spawn_blocking(move || {
        received.recv_timeout(std::time::Duration::from_secs(30))
    })
    .await
    .expect("the receiver")
    .expect("the worker sent the mail within 30 s");
    assert!(message.contains("ann.berg@example.com"), "{message}");
    assert!(
        message.contains("https://portal.example.net/set-password/"),
        "the link is absolute: {message}"
    );
    assert!(!message.contains("Passw0rd"), "no password in a mail");
    // Marked sent, once.
    let mut status = String::new();
    for _ in 0..50 {
        status = schema::mail_outbox::table
            .filter(schema::mail_outbox::customer_id.eq(a))
            .select(schema::mail_outbox::status)
            .first(&mut app.db())
            .expect("the outbox row");
        if status == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, "sent");
    let page = app.get_html(&format!("/customers/{a}/mail")).await;
    assert!(page.contains("Sent"), "{page}");
}
