//! The customer portal: branded sign-in, the customer's own panes, renaming, scoping to the
//! signed-in customer, password change, and the operator's switch into a portal.

use crate::common::{
    location, pane_input, spawn_app, TwoCustomers, ADMIN_PASSWORD, CUSTOMER_PASSWORD,
};

#[tokio::test]
async fn an_administrator_signs_in_and_sees_only_their_own_customer() {
    let app = spawn_app().await;
    let TwoCustomers { sa, la, .. } = app.two_customers().await;
    let admin = app.portal_admin("alpha").await;
    let page = admin.get_html("/c/alpha-web/").await;
    assert!(page.contains("Alpha Foods AS"));
    assert!(page.contains("Oslo HQ"));
    assert!(!page.contains("Bravo Energy"), "no other customer");
    assert!(!page.contains("Bergen Depot"));
    assert!(!page.contains("pane-customers"), "no customers pane");
    assert!(!page.contains("/customers/new") && !page.contains("data-action=\"delete\""));
    let page = admin
        .get_html(&format!("/c/alpha-web/?site={sa}&link={la}"))
        .await;
    assert!(page.contains("FIBER-A") && page.contains("192.0.2.0/30"));
    assert!(page.contains("id=\"link-details\""));
    // Sign-out ends the session.
    let r = admin
        .post_with_token_of("/c/alpha-web/", "/c/alpha-web/logout", &[])
        .await;
    assert_eq!(location(&r), "/c/alpha-web/login");
    let r = admin.get("/c/alpha-web/").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/c/alpha-web/login");
}

#[tokio::test]
async fn the_sign_in_page_carries_the_customers_branding_and_no_other() {
    let app = spawn_app().await;
    app.two_customers().await;
    let b = app.another_browser();
    let page = b.get_html("/c/alpha-web/login").await;
    assert!(page.contains("href=\"/c/alpha-web/brand.css\""));
    assert!(page.contains("action=\"/c/alpha-web/login\""));
    assert!(!page.contains("bravo"), "nothing of another customer");
    let css = b.get("/c/alpha-web/brand.css").await;
    assert!(css
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(css.text().await.unwrap().contains("#1f5fa8"));
}

#[tokio::test]
async fn an_unknown_webid_is_a_plain_404() {
    let app = spawn_app().await;
    app.two_customers().await;
    let b = app.another_browser();
    for path in [
        "/c/nosuch-web/login",
        "/c/nosuch-web/",
        "/c/nosuch-web/brand.css",
        "/c/NOT_VALID/login",
    ] {
        let r = b.get(path).await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
        let body = r.text().await.unwrap();
        assert!(!body.contains("Alpha") && !body.contains("Bravo"), "{path}");
    }
    let token = b.csrf_from("/login").await;
    let r = b
        .post_raw(
            "/c/nosuch-web/login",
            &[
                ("username", "alpha"),
                ("password", CUSTOMER_PASSWORD),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn credentials_of_one_customer_never_open_another_customers_portal() {
    let app = spawn_app().await;
    app.two_customers().await;
    let b = app.another_browser();
    let r = b
        .portal_login("bravo-web", "alpha", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 401);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Unknown username or wrong password."));
    let r = b.portal_login("alpha-web", "alpha", "Wrong1!xx").await;
    assert_eq!(r.status().as_u16(), 401);
    // Operators' credentials do not open a portal either.
    let r = b.portal_login("alpha-web", "admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(b.get("/c/alpha-web/").await.status().as_u16(), 303);
    // Signed in to one portal is not signed in to another.
    let admin = app.portal_admin("alpha").await;
    let r = admin.get("/c/bravo-web/").await;
    assert_eq!(location(&r), "/c/bravo-web/login");
    assert_eq!(admin.get("/customers").await.status().as_u16(), 303);
    // Signing out of another portal does not end this one.
    let r = admin
        .post_with_token_of("/c/alpha-web/", "/c/bravo-web/logout", &[])
        .await;
    assert_eq!(location(&r), "/c/bravo-web/login");
    assert_eq!(admin.get("/c/alpha-web/").await.status().as_u16(), 200);
}

#[tokio::test]
async fn portal_sign_in_is_throttled_like_the_operators() {
    let app = spawn_app().await;
    app.two_customers().await;
    let b = app.another_browser();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            b.portal_login("alpha-web", "alpha", "Wrong1!xx")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429]);
    let r = b
        .portal_login("alpha-web", "alpha", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(
        r.status().as_u16(),
        429,
        "locked even with the right password"
    );
    assert!(r.text().await.unwrap().contains("locked"));
}

#[tokio::test]
async fn renaming_in_the_portal_shows_in_the_operators_panes_and_is_audited() {
    let app = spawn_app().await;
    let TwoCustomers { a, sa, la, .. } = app.two_customers().await;
    let admin = app.portal_admin("alpha").await;
    let page = admin.get_html(&format!("/c/alpha-web/?site={sa}")).await;
    let v = pane_input(&page, "sites", &format!("v_{sa}")).expect("site version");
    let (vk, nk, onk, dk, odk) = (
        format!("v_{sa}"),
        format!("name_{sa}"),
        format!("o_name_{sa}"),
        format!("description_{sa}"),
        format!("o_description_{sa}"),
    );
    let return_to = format!("/c/alpha-web/?site={sa}");
    let r = admin
        .post_with_token_of(
            "/c/alpha-web/",
            "/c/alpha-web/sites/save",
            &[
                (&vk, &v),
                (&nk, "Oslo Head Office"),
                (&onk, "Oslo HQ"),
                (&dk, "Where we sit"),
                (&odk, "A site"),
                ("return_to", &return_to),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), return_to);
    let page = admin.get_html(&return_to).await;
    assert!(page.contains("Saved 1 change."));
    assert!(page.contains("Oslo Head Office"));

    // The link pane and the customer's own name save too.
    let page = admin.get_html(&format!("/c/alpha-web/?site={sa}")).await;
    let vl = pane_input(&page, "links", &format!("v_{la}")).unwrap();
    // The portal's own customer is a form of its own, with a version field.
    let marker = format!("name=\"v_{a}\" value=\"");
    let vc = page
        .split_once(marker.as_str())
        .and_then(|(_, rest)| rest.split('"').next())
        .unwrap()
        .to_string();
    let (kl, nl, onl) = (
        format!("v_{la}"),
        format!("name_{la}"),
        format!("o_name_{la}"),
    );
    let (kc, nc, onc) = (format!("v_{a}"), format!("name_{a}"), format!("o_name_{a}"));
    let r = admin
        .post_with_token_of(
            "/c/alpha-web/",
            &format!("/c/alpha-web/sites/{sa}/links/save"),
            &[(&kl, &vl), (&nl, "Fibre main"), (&onl, "FIBER-A")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = admin
        .post_with_token_of(
            "/c/alpha-web/",
            "/c/alpha-web/customer/save",
            &[(&kc, &vc), (&nc, "Kari Nordmann"), (&onc, "Ann Berg")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    let ops = app
        .get_html(&format!("/customers?customer={a}&site={sa}"))
        .await;
    assert!(
        ops.contains("Oslo Head Office"),
        "operators see the new name"
    );
    assert!(ops.contains("Where we sit"));
    assert!(ops.contains("Fibre main"));
    assert!(ops.contains("Kari Nordmann"));
    let log = app
        .get_html(&format!("/audit?object_type=site&object_id={sa}"))
        .await;
    assert!(log.contains("customer:alpha"), "the administrator is named");
}

#[tokio::test]
async fn another_customers_ids_do_nothing_inside_a_portal() {
    let app = spawn_app().await;
    let TwoCustomers { b, sb, lb, .. } = app.two_customers().await;
    let admin = app.portal_admin("alpha").await;
    // Bravo's site and link named in Alpha's portal URL: not shown.
    let page = admin
        .get_html(&format!("/c/alpha-web/?site={sb}&link={lb}"))
        .await;
    assert!(!page.contains("Bergen Depot") && !page.contains("FIBER-B"));
    assert!(!page.contains("198.51.100.0"));
    // Bravo's site's links through Alpha's portal: 404.
    let (kl, nl, onl) = (
        format!("v_{lb}"),
        format!("name_{lb}"),
        format!("o_name_{lb}"),
    );
    let r = admin
        .post_with_token_of(
            "/c/alpha-web/",
            &format!("/c/alpha-web/sites/{sb}/links/save"),
            &[(&kl, "1"), (&nl, "Hacked"), (&onl, "FIBER-B")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    // Bravo's site and Bravo itself smuggled into Alpha's saves: refused, nothing changed.
    let (ks, ns, ons) = (
        format!("v_{sb}"),
        format!("name_{sb}"),
        format!("o_name_{sb}"),
    );
    let r = admin
        .post_with_token_of(
            "/c/alpha-web/",
            "/c/alpha-web/sites/save",
            &[(&ks, "1"), (&ns, "Hacked"), (&ons, "Bergen Depot")],
        )
        .await;
    // Refused: the page comes back saying the row is not there.
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("no longer exists"));
    let (kc, nc, onc) = (format!("v_{b}"), format!("name_{b}"), format!("o_name_{b}"));
    admin
        .post_with_token_of(
            "/c/alpha-web/",
            "/c/alpha-web/customer/save",
            &[(&kc, "1"), (&nc, "Hacked"), (&onc, "Ann Berg")],
        )
        .await;
    let ops = app
        .get_html(&format!("/customers?customer={b}&site={sb}"))
        .await;
    assert!(!ops.contains("Hacked"), "nothing of Bravo changed");
    assert!(ops.contains("Bergen Depot") && ops.contains("FIBER-B"));
    // The portal's own links never leave it: another WebID gets its own sign-in.
    let r = admin
        .post_with_token_of("/c/alpha-web/", "/c/bravo-web/sites/save", &[])
        .await;
    assert_eq!(location(&r), "/c/bravo-web/login");
}

#[tokio::test]
async fn an_administrator_changes_their_password_and_other_sessions_end() {
    let app = spawn_app().await;
    app.two_customers().await;
    let first = app.portal_admin("alpha").await;
    let second = app.portal_admin("alpha").await;
    let r = first
        .change_portal_password("alpha-web", "Wrong1!xx", "Newpass1!")
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("not your current password"));
    let r = first
        .change_portal_password("alpha-web", CUSTOMER_PASSWORD, "weak")
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = first
        .change_portal_password("alpha-web", CUSTOMER_PASSWORD, "Newpass1!")
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        first.get("/c/alpha-web/").await.status().as_u16(),
        200,
        "this session goes on"
    );
    assert_eq!(
        second.get("/c/alpha-web/").await.status().as_u16(),
        303,
        "the other one ended"
    );
    let b = app.another_browser();
    assert_eq!(
        b.portal_login("alpha-web", "alpha", CUSTOMER_PASSWORD)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        b.portal_login("alpha-web", "alpha", "Newpass1!")
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn an_operator_switches_to_a_portal_and_back() {
    let app = spawn_app().await;
    let TwoCustomers { a, .. } = app.two_customers().await;
    let r = app
        .post_form(&format!("/customers/{a}/impersonate"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/c/alpha-web/");
    let page = app.get_html("/c/alpha-web/").await;
    assert!(page.contains("id=\"impersonation-banner\""));
    assert!(page.contains("Alpha Foods AS") && page.contains("as operator admin"));
    assert!(page.contains("Back to the operators"));
    assert_eq!(
        app.get("/c/bravo-web/").await.status().as_u16(),
        303,
        "only the portal switched to"
    );
    let log = app
        .get_html(&format!("/audit?object_type=customer&object_id={a}"))
        .await;
    assert!(log.contains("impersonate"));
    let r = app
        .post_with_token_of("/c/alpha-web/", "/c/alpha-web/leave", &[])
        .await;
    assert_eq!(location(&r), format!("/customers?customer={a}"));
    assert_eq!(app.get("/c/alpha-web/").await.status().as_u16(), 303);
    assert_eq!(
        app.get("/customers").await.status().as_u16(),
        200,
        "still an operator"
    );

    let viewer = app.operator_browser("vera", "viewer").await;
    let r = viewer
        .post_form(&format!("/customers/{a}/impersonate"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 403);
}
