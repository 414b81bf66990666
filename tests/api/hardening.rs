//! Defects found by probing the portal as an operations team would (issue 9): each test here
//! failed before its fix.

use crate::common::{location, spawn_app};

/// Control characters anywhere in the input: a 400 page with a message, never a 5xx, nothing
/// stored. PostgreSQL used to answer 500 for a NUL byte in any text.
#[tokio::test]
async fn control_characters_are_refused_at_the_edge_with_a_message() {
    let app = spawn_app().await;
    let anon = app.another_browser();
    let r = anon
        .post_raw(
            "/login",
            &[
                ("username", "ad\0min"),
                ("password", "x"),
                ("csrf_token", "t"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400, "NUL in the sign-in form");
    assert!(r.text().await.unwrap().contains("control characters"));

    app.login_admin().await;
    let customer = app.create_customer("nulcheck", "Nul Check AS").await;
    for path in [
        "/customers?q_company=a%00b",
        "/customers?q_name=%1B%5B31m",
        "/subscribers?card_number=12%00&match=prefix",
        "/audit?actor=ad%00min",
        "/customers/export.csv?q_name=%00",
        "/c/ab%00cd/login",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status().as_u16(), 400, "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains("control characters"), "{path}: {body}");
    }

    let r = app
        .post_form(
            &format!("/customers/{customer}/sites"),
            &[
                ("name", "Oslo\0HQ"),
                ("description", ""),
                ("address", "Main street 1"),
                ("country", "NO"),
                ("time_zone", "Europe/Oslo"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let pane = app
        .get_html(&format!("/customers?customer={customer}"))
        .await;
    assert!(!pane.contains("Oslo"), "nothing was stored");

    // Line breaks and tabs in a form's text are still fine.
    let r = app
        .post_form(
            &format!("/customers/{customer}/sites"),
            &[
                ("name", "Bergen"),
                ("description", "Two\r\nlines\tand a tab"),
                ("address", "Main street 1"),
                ("country", "NO"),
                ("time_zone", "Europe/Oslo"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

/// Right-to-left overrides would let a name show as something it is not: refused on the form.
/// Zero-width characters are removed, so two names that look alike are alike.
#[tokio::test]
async fn bidi_controls_are_refused_and_zero_width_characters_stripped() {
    let app = spawn_app().await;
    app.login_admin().await;
    let customer = app.create_customer("bidicheck", "Bidi Check AS").await;
    let site_form = |name: &'static str| {
        vec![
            ("name", name),
            ("description", ""),
            ("address", "Main street 1"),
            ("country", "NO"),
            ("time_zone", "Europe/Oslo"),
        ]
    };
    let r = app
        .post_form(
            &format!("/customers/{customer}/sites"),
            &site_form("report\u{202E}fdp.exe"),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("text-direction control characters"));

    let r = app
        .post_form(
            &format!("/customers/{customer}/sites"),
            &site_form("Tromsø\u{200B} depot"),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let pane = app.get_html(&location(&r)).await;
    assert!(pane.contains("Tromsø depot"));
    assert!(!pane.contains('\u{200B}'));
}

/// Over plain http the flash cookie must not be `Secure`, or the browser never returns it and
/// every "saved" message vanishes.
#[tokio::test]
async fn flash_messages_survive_plain_http() {
    let app = spawn_app().await;
    app.login_admin().await;
    let customer = app.create_customer("flashcheck", "Flash Check AS").await;
    let token = app.csrf_token().await;
    let r = app
        .client
        .post(app.url(&format!("/customers/{customer}/sites")))
        .form(&[
            ("name", "Drammen"),
            ("description", ""),
            ("address", "Main street 1"),
            ("country", "NO"),
            ("time_zone", "Europe/Oslo"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let flash: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.starts_with("selfcare_flash="))
        .map(str::to_string)
        .collect();
    assert_eq!(flash.len(), 1, "{flash:?}");
    assert!(
        !flash[0].to_ascii_lowercase().contains("secure"),
        "{}",
        flash[0]
    );
    assert!(flash[0].contains("HttpOnly"));
    let page = app.get_html(&location(&r)).await;
    assert!(page.contains("Site “Drammen” created."));
}

/// `--help` lists every setting, and never the value of one that may hold a secret.
#[test]
fn help_lists_the_settings_without_secret_values() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_selfcare"))
        .arg("--help")
        .env(
            "DATABASE_URL",
            "postgres://selfcare:s3cret-pw@db.internal/selfcare",
        )
        .env("SELFCARE_ADMIN_PASSWORD", "Adm1n-secret!")
        .env(
            "SELFCARE_SMTP_URL",
            "smtps://mailer:m41l-secret@smtp.example.net:465",
        )
        .env("RUST_LOG", "warn")
        .output()
        .expect("run selfcare --help");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for setting in [
        "DATABASE_URL",
        "SELFCARE_BIND",
        "SELFCARE_PUBLIC_URL",
        "SELFCARE_ADMIN_PASSWORD",
        "SELFCARE_SMTP_URL",
        "SELFCARE_MAIL_FROM",
        "RUST_LOG",
    ] {
        assert!(help.contains(setting), "{setting} is listed:\n{help}");
    }
    assert!(!help.contains("s3cret-pw"), "{help}");
    assert!(!help.contains("Adm1n-secret!"), "{help}");
    assert!(!help.contains("m41l-secret"), "{help}");
}

fn session_rows(app: &crate::common::TestApp) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.db();
    diesel::sql_query("SELECT COUNT(*) AS n FROM web_sessions")
        .get_result::<N>(&mut conn)
        .expect("count sessions")
        .n
}

/// An anonymous visit to a sign-in page stores nothing on the server (its form token rides in
/// a cookie of its own); signing in still works, with that token only.
#[tokio::test]
async fn anonymous_sign_in_pages_store_no_session_rows() {
    let app = spawn_app().await;
    app.login_admin().await;
    app.create_customer("anon", "Anon Visit AS").await;
    let before = session_rows(&app);
    for i in 0..8 {
        let visitor = app.another_browser();
        assert_eq!(visitor.get("/login").await.status().as_u16(), 200);
        assert_eq!(
            visitor.get("/c/anon-web/login").await.status().as_u16(),
            200
        );
        let failed = visitor
            .login(&format!("nobody{i}"), "Wrong-passw0rd!")
            .await;
        assert_eq!(failed.status().as_u16(), 401);
    }
    assert_eq!(session_rows(&app), before, "no row for anonymous visitors");

    // A form token from another visitor's cookie does not pass.
    let a = app.another_browser();
    let page = a.get_html("/login").await;
    let token = crate::common::csrf_of(&page);
    let b = app.another_browser();
    b.get("/login").await;
    let r = b
        .post_raw(
            "/login",
            &[
                ("username", "admin"),
                ("password", crate::common::ADMIN_PASSWORD),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403, "another visitor's token");
    let r = a
        .post_raw(
            "/login",
            &[
                ("username", "admin"),
                ("password", crate::common::ADMIN_PASSWORD),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "its own token signs in");
    assert_eq!(session_rows(&app), before + 1);
    assert_eq!(a.get("/customers").await.status().as_u16(), 200);
}

/// Expired sessions are purged by the background worker.
#[tokio::test]
async fn the_worker_purges_expired_sessions() {
    use diesel::prelude::*;
    let app = spawn_app().await;
    {
        let mut conn = app.db();
        diesel::sql_query(
            "INSERT INTO web_sessions (id, state, principal, expires_at) \
             VALUES ('stale-session', '{}', NULL, 1000)",
        )
        .execute(&mut conn)
        .expect("insert an expired session");
    }
    assert_eq!(session_rows(&app), 1);
    // Another instance on the same database tidies as its worker starts.
    let _second = crate::common::spawn_app_with(app.database_url.clone()).await;
    for _ in 0..50 {
        if session_rows(&app) == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the expired session is still there");
}

/// An operator limited to one service provider reads only that provider's part of the audit
/// log: never another provider's customers, sites or links, before or after.
#[tokio::test]
async fn the_audit_log_is_scoped_to_the_operators_provider() {
    use diesel::prelude::*;
    let app = spawn_app().await;
    let t = app.two_customers().await;
    let p2 = app.service_provider("Second Provider");
    {
        let mut conn = app.db();
        diesel::sql_query(format!(
            "UPDATE customers SET service_provider_id = {p2} WHERE id = {}",
            t.b
        ))
        .execute(&mut conn)
        .expect("move Bravo to the second provider");
    }
    let id = app.new_operator("pia", "operator").await;
    let r = app
        .post_form(
            &format!("/operators/{id}"),
            &[
                ("role", "operator"),
                ("service_provider_id", &p2.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let pia = app
        .signed_in_as("pia", crate::common::OPERATOR_PASSWORD)
        .await;

    let admin_view = app.get_html("/audit").await;
    assert!(admin_view.contains("Alpha Foods AS") && admin_view.contains("Bravo Energy Ltd"));
    let r = pia.get("/audit").await;
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("Bravo Energy Ltd"), "own provider's entries");
    assert!(page.contains("Bergen Depot"), "own provider's sites");
    assert!(!page.contains("Alpha Foods AS"), "{page}");
    assert!(!page.contains("Oslo HQ"));
    assert!(!page.contains("192.0.2.0/30"));
    // Asking for the other provider's objects by id finds nothing either.
    let page = pia
        .get_html(&format!("/audit?object_type=customer&object_id={}", t.a))
        .await;
    assert!(!page.contains("Alpha Foods AS"));
    // Balance types are per provider too.
    for (provider, code) in [(1, "ALPHA_MINUTES"), (p2, "BRAVO_MINUTES")] {
        let r = app
            .post_form(
                "/admin/balance-types",
                &[
                    ("service_provider_id", &provider.to_string()),
                    ("code", code),
                    ("name", "Minutes"),
                    ("unit", "time"),
                    ("category", "chargeable"),
                    ("max_value", ""),
                    ("max_policy", "limit"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{code}");
    }
    let page = pia.get_html("/audit?object_type=balance_type").await;
    assert!(page.contains("BRAVO_MINUTES"), "{page}");
    assert!(!page.contains("ALPHA_MINUTES"), "{page}");
    // And the API tokens (like transfer definitions, BPL tasks, promotions and top-up rules,
    // recorded under their own id with their provider on the row).
    for (provider, name) in [(1, "Alpha switch"), (p2, "Bravo switch")] {
        let r = app
            .post_form(
                "/admin/api-tokens",
                &[
                    ("name", name),
                    ("service_provider_id", &provider.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200, "{name}");
    }
    let page = pia.get_html("/audit?object_type=api_token").await;
    assert!(page.contains("Bravo switch"), "{page}");
    assert!(!page.contains("Alpha switch"), "{page}");
}

/// Branding profiles and the package list are shared by every provider: an operator limited to
/// one provider can neither change nor delete them (403, nothing changed); an operator of all
/// providers still can.
#[tokio::test]
async fn shared_settings_are_changed_only_by_operators_of_every_provider() {
    let app = spawn_app().await;
    app.login_admin().await;
    let p2 = app.service_provider("Second Provider");
    let id = app.new_operator("pia", "operator").await;
    let r = app
        .post_form(
            &format!("/operators/{id}"),
            &[
                ("role", "operator"),
                ("service_provider_id", &p2.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let pia = app
        .signed_in_as("pia", crate::common::OPERATOR_PASSWORD)
        .await;
    let token = pia.csrf_token().await;
    for path in ["/brandings/1/delete", "/packages"] {
        let r = pia
            .post_with_token(&token, path, &[("name", "Hijacked"), ("description", "")])
            .await;
        assert_eq!(r.status().as_u16(), 403, "{path}");
    }
    for path in ["/brandings", "/brandings/1/edit", "/packages"] {
        assert_eq!(pia.get(path).await.status().as_u16(), 403, "{path}");
    }
    let brandings = app.get_html("/brandings").await;
    assert!(
        brandings.contains("data-id=\"1\""),
        "the profile is still there"
    );
    assert!(!app.get_html("/packages").await.contains("Hijacked"));

    let olaf = app.operator_browser("olaf", "operator").await;
    assert_eq!(olaf.get("/brandings").await.status().as_u16(), 200);
    let r = olaf
        .post_form("/packages", &[("name", "Premium"), ("description", "")])
        .await;
    assert_eq!(r.status().as_u16(), 303, "an operator of every provider");
}

/// A GET never changes state: asking for a background export by GET shows the page that
/// confirms it and queues nothing; only that page's POST (with its token) creates the job.
#[tokio::test]
async fn a_background_export_is_started_by_post_only() {
    let app = spawn_app().await;
    app.login_admin().await;
    app.create_customer("postonly", "Post Only AS").await;
    let url = "/customers/export.csv?mode=background";
    for _ in 0..3 {
        let r = app.get(url).await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.text().await.unwrap().contains("Start the export"));
    }
    let jobs = app.get_html("/exports").await;
    assert!(!jobs.contains("<tr data-id="), "no job from a GET: {jobs}");
    let forged = app.post_raw(url, &[("csrf_token", "forged")]).await;
    assert_eq!(
        forged.status().as_u16(),
        200,
        "a bad token only shows the page again"
    );
    assert!(!app.get_html("/exports").await.contains("<tr data-id="));
    let r = app.start_background_export(url).await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).starts_with("/exports/"));
    assert_eq!(
        app.get_html("/exports")
            .await
            .matches("<tr data-id=")
            .count(),
        1
    );
}

/// The session store meets a database that cannot answer (its table locked past the wait):
/// the answer is the polite 503 page, as for any other lost database, not a 500; once the lock
/// goes the same session signs out normally.
#[tokio::test]
async fn a_session_store_failure_answers_503_and_recovers() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let app = spawn_app().await;
    app.login_admin().await;
    let token = app.csrf_token().await;
    // Hold the sessions table so that the store's write cannot go through.
    let mut blocker: Box<dyn FnMut(&str)> = if let Some((mut admin, db)) = app.pg_admin() {
        // New connections of the app give up waiting after a second.
        admin
            .batch_execute(&format!(
                "ALTER DATABASE {db} SET lock_timeout = '1s'; \
                 SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{db}' AND pid <> pg_backend_pid();"
            ))
            .unwrap();
        let mut holder = diesel::PgConnection::establish(&app.database_url).unwrap();
        holder
            .batch_execute("BEGIN; LOCK TABLE web_sessions IN ACCESS EXCLUSIVE MODE;")
            .unwrap();
        Box::new(move |sql: &str| holder.batch_execute(sql).unwrap())
    } else {
        let path = app.database_url.trim_start_matches("sqlite://").to_string();
        let mut holder = diesel::SqliteConnection::establish(&path).unwrap();
        // Past the app's busy_timeout (10 s) its write fails with "database is locked".
        holder.batch_execute("BEGIN EXCLUSIVE;").unwrap();
        Box::new(move |sql: &str| holder.batch_execute(sql).unwrap())
    };
    let r = app.post_with_token(&token, "/logout", &[]).await;
    let status = r.status().as_u16();
    let body = r.text().await.unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("temporarily unavailable"), "{body}");
    blocker("ROLLBACK;");
    drop(blocker);
    assert_eq!(
        app.get("/customers").await.status().as_u16(),
        200,
        "the session survived the failed sign-out"
    );
    let r = app.post_with_token(&token, "/logout", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/login");
}
