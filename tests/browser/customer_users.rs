//! Browser test of a customer's people (issue 14): a customer admin signs in to the portal,
//! adds a user with a package, and accepts the billing change an operator made.

use super::helpers::{finish, setup};
use crate::common::CUSTOMER_PASSWORD;
use crate::webdriver::Browser;

#[tokio::test]
async fn a_customer_admin_adds_a_user_and_accepts_a_pending_billing_change() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let a = app
        .create_customer_plus("alpha", "Alpha Foods AS", &[("confirm_billing", "yes")])
        .await;
    let basic = app.create_package("Basic", "package").await;
    // The operator's change waits for the customer; the customer accepts it in the browser.
    let r = app.post_quantities(a, &[(basic, 3)]).await;
    assert_eq!(r.status().as_u16(), 303);

    let b = Browser::start(&bins).await;
    b.goto(&app.url("/c/alpha-web/login")).await;
    wait_for!(
        "the portal's sign-in form is shown",
        b.exists("#username").await.then_some(())
    );
    b.type_into("#username", "alpha").await;
    b.type_into("#password", CUSTOMER_PASSWORD).await;
    b.click_css("form[action='/c/alpha-web/login'] button[type=submit]")
        .await;
    wait_for!(
        "the portal's home is shown",
        b.current_url()
            .await
            .ends_with("/c/alpha-web/")
            .then_some(())
    );
    b.goto(&app.url("/c/alpha-web/billing-changes")).await;
    wait_for!(
        "the pending change is shown",
        b.exists("tr[data-status=pending] button[data-action=accept-change]")
            .await
            .then_some(())
    );
    assert!(b
        .text_of("#billing-changes")
        .await
        .unwrap()
        .contains("Basic: 0 → 3"));
    b.click_css("tr[data-status=pending] button[data-action=accept-change]")
        .await;
    wait_for!(
        "the change is accepted",
        b.exists("tr[data-status=accepted]").await.then_some(())
    );

    b.goto(&app.url("/c/alpha-web/users")).await;
    wait_for!(
        "the add-user form is shown",
        b.exists("#f-sip_username").await.then_some(())
    );
    b.type_into("#f-name", "Ann Berg").await;
    b.type_into("#f-email", "ann@alpha.example").await;
    b.type_into("#f-extension", "1001").await;
    b.type_into("#f-sip_username", "ann.berg").await;
    b.execute(
        "const s = document.getElementById('f-package_id'); s.value = arguments[0]; \
         s.dispatchEvent(new Event('change'));",
        vec![serde_json::json!(basic.to_string())],
    )
    .await
    .expect("choose the package");
    b.click_css("button[data-action=add-user]").await;
    wait_for!(
        "the user is listed with the package",
        b.text_of("#users")
            .await
            .ok()
            .filter(|t| t.contains("Ann Berg") && t.contains("Basic"))
            .map(|_| ())
    );
    let used = b
        .find(&format!("#quantities tr[data-id='{basic}']"))
        .await
        .expect("the package's row");
    assert_eq!(
        b.attribute(&used, "data-used").await.unwrap().as_deref(),
        Some("1")
    );
    finish(b).await;
}
