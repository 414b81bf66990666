//! The authorization matrix: every operator route and every portal route, tried as anonymous,
//! as a viewer, and as the administrator of another customer. Each is denied the expected way
//! (303 to the right sign-in page, 403 or 404) and the answer carries none of the data.

use crate::common::{location, spawn_app, TestApp, TwoCustomers};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Viewer {
    /// Viewers read: 200.
    Reads,
    /// Viewers may not: 403.
    Forbidden,
}

/// Words that must never appear in a denial: Bravo's data.
const SECRETS: &[&str] = &["Bravo Energy", "Bergen Depot", "FIBER-B", "198.51.100.0"];

struct World {
    app: TestApp,
    b: i64,
    sb: i64,
    lb: i64,
}

async fn world() -> World {
    let app = spawn_app().await;
    let TwoCustomers { b, sb, lb, .. } = app.two_customers().await;
    World { app, b, sb, lb }
}

/// (method, path, what a viewer gets)
/// Who tries the routes: a stranger, a viewer, and Alpha's administrator, each with the CSRF
/// token of a page they may open.
struct Visitors {
    anonymous: TestApp,
    anon_token: String,
    viewer: TestApp,
    viewer_token: String,
    other_admin: TestApp,
    admin_token: String,
}

async fn visitors(w: &World) -> Visitors {
    let anonymous = w.app.another_browser();
    let anon_token = anonymous.csrf_from("/login").await;
    let viewer = w.app.operator_browser("vera", "viewer").await;
    let viewer_token = viewer.csrf_from("/customers").await;
    let other_admin = w.app.portal_admin("alpha").await;
    let admin_token = other_admin.csrf_from("/c/alpha-web/").await;
    Visitors {
        anonymous,
        anon_token,
        viewer,
        viewer_token,
        other_admin,
        admin_token,
    }
}

fn operator_routes(w: &World) -> Vec<(&'static str, String, Viewer)> {
    let (b, sb, lb) = (w.b, w.sb, w.lb);
    use Viewer::*;
    vec![
        ("GET", "/customers".into(), Reads),
        (
            "GET",
            format!("/customers?customer={b}&site={sb}&link={lb}"),
            Reads,
        ),
        ("GET", "/audit".into(), Reads),
        ("GET", format!("/customers/{b}/numbers"), Reads),
        ("GET", "/customers/new".into(), Forbidden),
        ("GET", format!("/customers/{b}/delete"), Forbidden),
        ("GET", format!("/customers/{b}/edit"), Forbidden),
        ("GET", format!("/customers/{b}/demo"), Forbidden),
        ("GET", format!("/customers/{b}/sites/new"), Forbidden),
        ("GET", format!("/sites/{sb}/edit"), Forbidden),
        ("GET", format!("/sites/{sb}/delete"), Forbidden),
        ("GET", format!("/sites/{sb}/links/new"), Forbidden),
        ("GET", format!("/links/{lb}/edit"), Forbidden),
        ("GET", format!("/links/{lb}/delete"), Forbidden),
        ("GET", "/operators".into(), Forbidden),
        ("GET", "/operators/1".into(), Forbidden),
        ("POST", "/operators".into(), Forbidden),
        ("POST", "/operators/1".into(), Forbidden),
        ("POST", "/operators/1/disable".into(), Forbidden),
        ("POST", "/operators/1/enable".into(), Forbidden),
        ("POST", "/operators/1/password".into(), Forbidden),
        ("GET", "/brandings".into(), Forbidden),
        ("GET", "/brandings/new".into(), Forbidden),
        ("GET", "/brandings/1/edit".into(), Forbidden),
        ("GET", "/brandings/1/delete".into(), Forbidden),
        ("POST", "/brandings".into(), Forbidden),
        ("POST", "/brandings/1".into(), Forbidden),
        ("POST", "/brandings/1/delete".into(), Forbidden),
        ("GET", "/compliance".into(), Forbidden),
        ("GET", "/compliance/list".into(), Forbidden),
        ("POST", "/compliance/list".into(), Forbidden),
        ("POST", "/compliance/reviews/1/approve".into(), Forbidden),
        ("POST", "/compliance/reviews/1/reject".into(), Forbidden),
        ("GET", "/packages".into(), Forbidden),
        ("POST", "/packages".into(), Forbidden),
        ("POST", "/packages/1/delete".into(), Forbidden),
        ("POST", format!("/customers/{b}/packages"), Forbidden),
        ("POST", format!("/customers/{b}/dids"), Forbidden),
        ("POST", format!("/customers/{b}/dids/1/delete"), Forbidden),
        ("POST", format!("/customers/{b}/cpns"), Forbidden),
        ("POST", format!("/customers/{b}/cpns/1/delete"), Forbidden),
        ("POST", format!("/customers/{b}/emergency"), Forbidden),
        (
            "POST",
            format!("/customers/{b}/emergency/1/delete"),
            Forbidden,
        ),
        ("POST", "/customers".into(), Forbidden),
        ("POST", "/customers/save".into(), Forbidden),
        ("POST", format!("/customers/{b}/delete"), Forbidden),
        ("POST", format!("/customers/{b}"), Forbidden),
        ("POST", format!("/customers/{b}/status"), Forbidden),
        ("POST", format!("/customers/{b}/demo"), Forbidden),
        ("POST", format!("/customers/{b}/impersonate"), Forbidden),
        ("POST", format!("/customers/{b}/sites"), Forbidden),
        ("POST", format!("/customers/{b}/sites/save"), Forbidden),
        ("POST", format!("/sites/{sb}"), Forbidden),
        ("POST", format!("/sites/{sb}/delete"), Forbidden),
        ("POST", format!("/sites/{sb}/links"), Forbidden),
        ("POST", format!("/sites/{sb}/links/save"), Forbidden),
        ("POST", format!("/links/{lb}"), Forbidden),
        ("POST", format!("/links/{lb}/delete"), Forbidden),
        // A customer's people (issue 14).
        ("GET", format!("/customers/{b}/admins"), Reads),
        ("GET", format!("/customers/{b}/users"), Reads),
        ("GET", format!("/customers/{b}/billing-changes"), Reads),
        ("GET", format!("/customers/{b}/mail"), Reads),
        ("POST", format!("/customers/{b}/admins"), Forbidden),
        (
            "POST",
            format!("/customers/{b}/admins/1/disable"),
            Forbidden,
        ),
        ("POST", format!("/customers/{b}/admins/1/enable"), Forbidden),
        ("POST", format!("/customers/{b}/users"), Forbidden),
        ("POST", format!("/customers/{b}/users/1/delete"), Forbidden),
        ("POST", format!("/customers/{b}/users/1/addons"), Forbidden),
    ]
}

fn portal_routes(w: &World) -> Vec<(&'static str, String)> {
    let sb = w.sb;
    vec![
        ("GET", "/c/bravo-web/".into()),
        ("GET", format!("/c/bravo-web/?site={sb}")),
        ("GET", "/c/bravo-web/password".into()),
        ("POST", "/c/bravo-web/customer/save".into()),
        ("POST", "/c/bravo-web/sites/save".into()),
        ("POST", format!("/c/bravo-web/sites/{sb}/links/save")),
        ("POST", "/c/bravo-web/password".into()),
        ("GET", "/c/bravo-web/admins".into()),
        ("GET", "/c/bravo-web/users".into()),
        ("GET", "/c/bravo-web/billing-changes".into()),
        ("POST", "/c/bravo-web/admins".into()),
        ("POST", "/c/bravo-web/admins/1/disable".into()),
        ("POST", "/c/bravo-web/users".into()),
        ("POST", "/c/bravo-web/users/1/delete".into()),
        ("POST", "/c/bravo-web/users/1/addons".into()),
        ("POST", "/c/bravo-web/billing-changes/1/accept".into()),
        ("POST", "/c/bravo-web/billing-changes/1/decline".into()),
    ]
}

/// Sends one request with a valid CSRF token of the browser's own session.
async fn send(who: &TestApp, token: &str, method: &str, path: &str) -> (u16, String, String) {
    let r = if method == "GET" {
        who.get(path).await
    } else {
        who.post_raw(
            path,
            &[
                ("csrf_token", token),
                ("name", "Hacked"),
                ("status", "closed"),
                ("password", "Hacked1!x"),
            ],
        )
        .await
    };
    let status = r.status().as_u16();
    let loc = location(&r);
    (status, loc, r.text().await.unwrap_or_default())
}

fn assert_no_secrets(body: &str, context: &str) {
    for s in SECRETS {
        assert!(!body.contains(s), "{context}: the answer shows {s}");
    }
}

#[tokio::test]
async fn every_operator_route_denies_strangers_viewers_and_customer_administrators() {
    let w = world().await;
    let Visitors {
        anonymous,
        anon_token,
        viewer,
        viewer_token,
        other_admin,
        admin_token,
    } = visitors(&w).await;

    for (method, path, for_viewer) in operator_routes(&w) {
        for (who, token, name) in [
            (&anonymous, &anon_token, "anonymous"),
            (&other_admin, &admin_token, "alpha's administrator"),
        ] {
            let (status, loc, body) = send(who, token, method, &path).await;
            let ctx = format!("{name} {method} {path}");
            assert_eq!(status, 303, "{ctx}");
            assert!(loc.starts_with("/login"), "{ctx} goes to {loc}");
            assert_no_secrets(&body, &ctx);
        }
        let (status, _, body) = send(&viewer, &viewer_token, method, &path).await;
        let ctx = format!("viewer {method} {path}");
        match for_viewer {
            Viewer::Reads => assert_eq!(status, 200, "{ctx}"),
            Viewer::Forbidden => {
                assert_eq!(status, 403, "{ctx}");
                assert_no_secrets(&body, &ctx);
            }
        }
    }
    // Nothing of Bravo changed or went.
    let page = w
        .app
        .get_html(&format!("/customers?customer={}&site={}", w.b, w.sb))
        .await;
    for s in SECRETS {
        assert!(page.contains(s), "{s} is intact");
    }
    assert!(!page.contains("Hacked"));
}

#[tokio::test]
async fn every_portal_route_denies_strangers_operators_and_other_customers() {
    let w = world().await;
    let Visitors {
        anonymous,
        anon_token,
        viewer,
        viewer_token,
        other_admin,
        admin_token,
    } = visitors(&w).await;

    for (method, path) in portal_routes(&w) {
        for (who, token, name) in [
            (&anonymous, &anon_token, "anonymous"),
            (&viewer, &viewer_token, "viewer"),
            (&other_admin, &admin_token, "alpha's administrator"),
        ] {
            let (status, loc, body) = send(who, token, method, &path).await;
            let ctx = format!("{name} {method} {path}");
            assert_eq!(status, 303, "{ctx}");
            assert_eq!(loc, "/c/bravo-web/login", "{ctx}");
            assert_no_secrets(&body, &ctx);
        }
    }
    // Even the full administrator of the operators' side is not let into a portal unasked.
    let (status, loc, _) = send(&w.app, "", "GET", "/c/bravo-web/").await;
    assert_eq!((status, loc.as_str()), (303, "/c/bravo-web/login"));
    // Bravo's own administrator still gets in, and everything is as it was.
    let bravo = w.app.portal_admin("bravo").await;
    let page = bravo
        .get_html(&format!("/c/bravo-web/?site={}&link={}", w.sb, w.lb))
        .await;
    for s in SECRETS {
        assert!(page.contains(s), "{s} is intact");
    }
    assert!(!page.contains("Hacked"));
}
