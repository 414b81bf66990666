//! A customer's users (issue 14): one package each within the customer's quantities (also
//! under 20 parallel adds against a quantity of 10), add-ons per user within theirs, lowering a
//! quantity below use refused with the count, SIP usernames unique across users and SIP
//! devices, extensions of the customer's length, and the portal's own admins adding users.

use crate::common::{location, spawn_app, TestApp, TwoCustomers};

/// The message shown next to `field`, if any.
fn field_error(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"e-{field}\">");
    let s = html.find(&marker)? + marker.len();
    Some(html[s..s + html[s..].find("</p>")?].to_string())
}

/// `data-used` of the quantities row of package `id` on a users page.
fn used(html: &str, id: i64) -> i64 {
    let marker = format!("<tr data-id=\"{id}\" data-used=\"");
    let s = html.find(&marker).expect("the package's row") + marker.len();
    html[s..s + html[s..].find('"').unwrap()].parse().unwrap()
}

#[tokio::test]
async fn users_hold_one_package_within_the_quantity_and_lowering_below_use_is_refused() {
    let app = spawn_app().await;
    let TwoCustomers { a, .. } = app.two_customers().await;
    let basic = app.create_package("Basic", "package").await;
    let console = app.create_package("Console", "addon").await;
    assert_eq!(
        app.post_quantities(a, &[(basic, 2), (console, 1)])
            .await
            .status()
            .as_u16(),
        303
    );
    let base = format!("/customers/{a}");
    let mut ann = TestApp::user_fields("Ann Berg", "1001", "ann.berg", basic);
    ann.push(("addon_id", console.to_string()));
    let r = app.post_user(&base, &ann).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), format!("/customers/{a}/users"));
    let r = app
        .post_user(
            &base,
            &TestApp::user_fields("Bo Ek", "1002", "bo.ek", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{a}/users")).await;
    assert!(page.contains("Ann Berg") && page.contains("Bo Ek"));
    assert_eq!(used(&page, basic), 2);
    assert_eq!(used(&page, console), 1);
    // The quantity is reached: the third user is refused at the package, nothing stored.
    let r = app
        .post_user(
            &base,
            &TestApp::user_fields("Cy Dahl", "1003", "cy.dahl", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    let m = field_error(&body, "package_id").expect("a message at the package");
    assert!(m.contains("All 2 of Basic are in use"), "{m}");
    assert!(body.contains("value=\"Cy Dahl\""), "typed values kept");
    // The add-on's quantity binds too.
    let bo = TestApp::row_id_with(&page, "Bo Ek").unwrap();
    let r = app
        .post_form(
            &format!("/customers/{a}/users/{bo}/addons"),
            &[("addon_id", &console.to_string()), ("action", "add")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{a}/users")).await;
    assert!(page.contains("All 1 of Console are in use"), "{page}");
    assert_eq!(used(&page, console), 1);
    assert!(!page.contains("Cy Dahl"));
    // Lowering a quantity below use is refused with the count; raising works.
    let r = app.post_quantities(a, &[(basic, 1), (console, 1)]).await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    let m = field_error(&body, &format!("qty_{basic}")).expect("a message at Basic");
    assert!(m.contains("2 in use"), "{m}");
    let page = app.get_html(&format!("/customers/{a}/users")).await;
    assert!(page.contains("data-quantity=\"2\""), "quantity unchanged");
    assert_eq!(
        app.post_quantities(a, &[(basic, 3), (console, 1)])
            .await
            .status()
            .as_u16(),
        303
    );
    let r = app
        .post_user(
            &base,
            &TestApp::user_fields("Cy Dahl", "1003", "cy.dahl", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn twenty_parallel_adds_against_a_quantity_of_ten_leave_exactly_ten() {
    let app = spawn_app().await;
    let TwoCustomers { a, .. } = app.two_customers().await;
    let basic = app.create_package("Basic", "package").await;
    assert_eq!(
        app.post_quantities(a, &[(basic, 10)])
            .await
            .status()
            .as_u16(),
        303
    );
    let token = app.csrf_token().await;
    let posts = (0..20).map(|i| {
        let (app, token) = (app.same_browser_at(&app), token.clone());
        async move {
            let f = TestApp::user_fields(
                &format!("User {i}"),
                &format!("{}", 2000 + i),
                &format!("user{i}"),
                basic,
            );
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_with_token(&token, &format!("/customers/{a}/users"), &pairs)
                .await
                .status()
                .as_u16()
        }
    });
    let codes = futures_util::future::join_all(posts).await;
    assert_eq!(codes.iter().filter(|c| **c == 303).count(), 10, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 422).count(), 10, "{codes:?}");
    let page = app.get_html(&format!("/customers/{a}/users")).await;
    assert_eq!(used(&page, basic), 10);
    assert_eq!(page.matches("<td>User ").count(), 10);
}

#[tokio::test]
async fn sip_usernames_are_unique_across_users_and_sip_devices() {
    let app = spawn_app().await;
    let TwoCustomers { a, b, .. } = app.two_customers().await;
    let basic = app.create_package("Basic", "package").await;
    app.post_quantities(a, &[(basic, 5)]).await;
    app.post_quantities(b, &[(basic, 5)]).await;
    let device = |login: &'static str| {
        vec![
            ("login", login),
            ("secret", "Secret-123"),
            ("extension", "201"),
            ("voicemail", ""),
            ("voicemail_email", ""),
            ("ip_address", ""),
            ("max_call_sessions", "2"),
            ("calls_per_second", "1"),
            ("active", "yes"),
        ]
    };
    // A device of Bravo holds desk.one: a user of Alpha cannot take it, in any case.
    let r = app
        .post_form(&format!("/customers/{b}/sip-devices"), &device("desk.one"))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_user(
            &format!("/customers/{a}"),
            &TestApp::user_fields("Ann Berg", "1001", "Desk.One", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let m = field_error(&r.text().await.unwrap(), "sip_username").unwrap();
    assert!(m.contains("SIP username is taken"), "{m}");
    // A user of Alpha holds ann.berg: neither a device nor another user may take it.
    let r = app
        .post_user(
            &format!("/customers/{a}"),
            &TestApp::user_fields("Ann Berg", "1001", "ann.berg", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(&format!("/customers/{b}/sip-devices"), &device("ANN.BERG"))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(field_error(&r.text().await.unwrap(), "login")
        .unwrap()
        .contains("taken"));
    let r = app
        .post_user(
            &format!("/customers/{b}"),
            &TestApp::user_fields("Ann Other", "1001", "Ann.Berg", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = app.get_html(&format!("/customers/{b}/telephony")).await;
    assert!(!page.contains("ANN.BERG"), "no device stored");
}

#[tokio::test]
async fn extensions_have_the_customers_length_and_are_unique_within_it() {
    let app = spawn_app().await;
    let TwoCustomers { a, .. } = app.two_customers().await;
    let basic = app.create_package("Basic", "package").await;
    app.post_quantities(a, &[(basic, 5)]).await;
    let base = format!("/customers/{a}");
    for (ext, says) in [
        ("123", "have 4 digits (you typed 3)"),
        ("12a4", "digits only"),
    ] {
        let r = app
            .post_user(&base, &TestApp::user_fields("Ann", ext, "ann", basic))
            .await;
        assert_eq!(r.status().as_u16(), 422, "{ext}");
        let m = field_error(&r.text().await.unwrap(), "extension").unwrap();
        assert!(m.contains(says), "{ext}: {m}");
    }
    let r = app
        .post_user(&base, &TestApp::user_fields("Ann", "1234", "ann", basic))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_user(&base, &TestApp::user_fields("Bo", "1234", "bob", basic))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(field_error(&r.text().await.unwrap(), "extension")
        .unwrap()
        .contains("Another user"));
}

#[tokio::test]
async fn a_customer_admin_adds_users_in_the_portal_and_a_viewer_cannot() {
    let app = spawn_app().await;
    let TwoCustomers { a, b, .. } = app.two_customers().await;
    let basic = app.create_package("Basic", "package").await;
    app.post_quantities(a, &[(basic, 5)]).await;
    let boss = app.portal_admin("alpha").await;
    let page = boss.get_html("/c/alpha-web/users").await;
    assert!(page.contains("data-action=\"add-user\""));
    let r = boss
        .post_user(
            "/c/alpha-web",
            &TestApp::user_fields("Ann Berg", "1001", "ann.berg", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/c/alpha-web/users");
    let page = boss.get_html("/c/alpha-web/users").await;
    assert!(page.contains("Ann Berg"));
    let viewer = app.portal_browser(a, "alpha-web", "vera", "viewer").await;
    let page = viewer.get_html("/c/alpha-web/users").await;
    assert!(page.contains("Ann Berg") && !page.contains("data-action=\"add-user\""));
    let r = viewer
        .post_user(
            "/c/alpha-web",
            &TestApp::user_fields("Bo Ek", "1002", "bo.ek", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let ann = TestApp::row_id_with(&page, "Ann Berg").unwrap();
    let r = viewer
        .post_with_token_of(
            "/c/alpha-web/users",
            &format!("/c/alpha-web/users/{ann}/delete"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    // Another customer's user is out of reach of Alpha's portal.
    app.post_quantities(b, &[(basic, 5)]).await;
    let r = app
        .post_user(
            &format!("/customers/{b}"),
            &TestApp::user_fields("Bravo User", "1001", "bravo.user", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let bpage = app.get_html(&format!("/customers/{b}/users")).await;
    let other = TestApp::row_id_with(&bpage, "Bravo User").unwrap();
    let r = boss
        .post_with_token_of(
            "/c/alpha-web/users",
            &format!("/c/alpha-web/users/{other}/delete"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    assert!(app
        .get_html(&format!("/customers/{b}/users"))
        .await
        .contains("Bravo User"));
}

#[tokio::test]
async fn demo_data_gives_customers_administrators_users_and_pbx_settings() {
    use diesel::prelude::*;
    use selfcare::db::schema::customers;
    let url = crate::common::fresh_database_url();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_selfcare"))
        .args(["demo-data", "--customers", "4"])
        .env("DATABASE_URL", &url)
        .env("SELFCARE_ADMIN_PASSWORD", crate::common::ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run selfcare demo-data");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = crate::common::spawn_app_with(url).await;
    app.login_admin().await;
    let (id, webid): (i64, String) = customers::table
        .filter(customers::status.eq("active"))
        .order(customers::id)
        .select((customers::id, customers::webid))
        .first(&mut app.db())
        .expect("an active demo customer");
    let users = app.get_html(&format!("/customers/{id}/users")).await;
    assert!(users.contains("<td>Reception</td>") && users.contains("<td>Sales desk</td>"));
    assert!(
        users.contains("data-used=\"2\" data-quantity=\"5\""),
        "{users}"
    );
    assert!(users.contains("Take Attendant console from Reception"));
    let admins = app.get_html(&format!("/customers/{id}/admins")).await;
    assert!(admins.contains("data-role=\"Viewer\""), "{admins}");
    let edit = app.get_html(&format!("/customers/{id}/edit")).await;
    assert!(
        edit.contains("<option value=\"Europe/Oslo\" selected"),
        "PBX settings"
    );
    let viewer = app.another_browser();
    let r = viewer.portal_login(&webid, "viewer", "Demo1234!").await;
    assert_eq!(r.status().as_u16(), 303, "the demo viewer signs in");
    let page = viewer.get_html(&format!("/c/{webid}/users")).await;
    assert!(page.contains("Reception") && !page.contains("data-action=\"add-user\""));
}
