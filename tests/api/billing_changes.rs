//! Billing-change confirmation (issue 14): with it on, an operator's change of package or
//! add-on quantities waits as a pending change that both sides see, until one of the
//! customer's admins accepts it (applied at once, in one transaction) or declines it; a viewer
//! cannot answer; a change is answered once; a newer change replaces an older pending one.

use crate::common::{location, spawn_app, TestApp};

/// `data-status` of the billing change rows, newest first.
fn statuses(html: &str) -> Vec<String> {
    html.match_indices("data-status=\"")
        .map(|(at, m)| {
            let s = at + m.len();
            html[s..s + html[s..].find('"').unwrap()].to_string()
        })
        .collect()
}

fn quantity(html: &str, id: i64) -> Option<i64> {
    let marker = format!("<tr data-id=\"{id}\" data-used=\"");
    let s = html.find(&marker)? + marker.len();
    let q = html[s..].find("data-quantity=\"")? + s + "data-quantity=\"".len();
    html[q..q + html[q..].find('"')?].parse().ok()
}

#[tokio::test]
async fn a_pending_change_waits_for_a_customer_admin_and_applies_on_acceptance() {
    let app = spawn_app().await;
    app.login_admin().await;
    let a = app
        .create_customer_plus("alpha", "Alpha Foods AS", &[("confirm_billing", "yes")])
        .await;
    let basic = app.create_package("Basic", "package").await;
    let console = app.create_package("Console", "addon").await;
    // The change waits: the operator is sent to the pending changes, nothing applies yet.
    let r = app.post_quantities(a, &[(basic, 10), (console, 2)]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), format!("/customers/{a}/billing-changes"));
    let users = app.get_html(&format!("/customers/{a}/users")).await;
    assert_eq!(quantity(&users, basic), None, "nothing applied yet");
    let ops = app
        .get_html(&format!("/customers/{a}/billing-changes"))
        .await;
    assert_eq!(statuses(&ops), ["pending"]);
    assert!(ops.contains("Basic: 0 → 10") && ops.contains("Console: 0 → 2"));
    assert!(
        !ops.contains("data-action=\"accept-change\""),
        "operators do not answer"
    );
    // The customer's viewer sees it but cannot answer; an admin accepts it.
    let viewer = app.portal_browser(a, "alpha-web", "vera", "viewer").await;
    let page = viewer.get_html("/c/alpha-web/billing-changes").await;
    assert_eq!(statuses(&page), ["pending"]);
    assert!(!page.contains("data-action=\"accept-change\""));
    let change = TestApp::row_id_with(&page, "Basic: 0 → 10").unwrap();
    let accept = format!("/c/alpha-web/billing-changes/{change}/accept");
    let r = viewer
        .post_with_token_of("/c/alpha-web/billing-changes", &accept, &[])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let boss = app.portal_admin("alpha").await;
    let page = boss.get_html("/c/alpha-web/billing-changes").await;
    assert!(page.contains("data-action=\"accept-change\""));
    let r = boss
        .post_with_token_of("/c/alpha-web/billing-changes", &accept, &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let users = app.get_html(&format!("/customers/{a}/users")).await;
    assert_eq!(quantity(&users, basic), Some(10));
    assert_eq!(quantity(&users, console), Some(2));
    // Answered once: a second answer changes nothing.
    let r = boss
        .post_with_token_of(
            "/c/alpha-web/billing-changes",
            &format!("/c/alpha-web/billing-changes/{change}/decline"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = boss.get_html("/c/alpha-web/billing-changes").await;
    assert!(page.contains("no longer pending"), "{page}");
    assert_eq!(statuses(&page), ["accepted"]);
    assert_eq!(
        statuses(
            &app.get_html(&format!("/customers/{a}/billing-changes"))
                .await
        ),
        ["accepted"]
    );
}

#[tokio::test]
async fn a_declined_change_applies_nothing_and_a_newer_one_replaces_a_pending_one() {
    let app = spawn_app().await;
    app.login_admin().await;
    let a = app
        .create_customer_plus("alpha", "Alpha Foods AS", &[("confirm_billing", "yes")])
        .await;
    let basic = app.create_package("Basic", "package").await;
    app.post_quantities(a, &[(basic, 3)]).await;
    app.post_quantities(a, &[(basic, 4)]).await;
    let boss = app.portal_admin("alpha").await;
    let page = boss.get_html("/c/alpha-web/billing-changes").await;
    assert_eq!(statuses(&page), ["pending", "superseded"]);
    let change = TestApp::row_id_with(&page, "Basic: 0 → 4").unwrap();
    let r = boss
        .post_with_token_of(
            "/c/alpha-web/billing-changes",
            &format!("/c/alpha-web/billing-changes/{change}/decline"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = boss.get_html("/c/alpha-web/billing-changes").await;
    assert_eq!(statuses(&page), ["declined", "superseded"]);
    let users = app.get_html(&format!("/customers/{a}/users")).await;
    assert_eq!(quantity(&users, basic), None);
    // Without confirmation, the operator's change applies at once.
    let b = app.create_customer("bravo", "Bravo Energy Ltd").await;
    let r = app.post_quantities(b, &[(basic, 3)]).await;
    assert_eq!(location(&r), format!("/customers/{b}/numbers"));
    let users = app.get_html(&format!("/customers/{b}/users")).await;
    assert_eq!(quantity(&users, basic), Some(3));
}
