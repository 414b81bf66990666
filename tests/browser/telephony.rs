//! Browser test of the telephony page: an operator adds a SIP device, sees its secret once,
//! and finds the customer by the device's login in the customers pane.

use super::helpers::{finish, row_ids, setup, signed_in};

#[tokio::test]
async fn add_a_sip_device_see_its_secret_once_and_filter_the_customers_by_it() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    app.login_admin().await;
    let a = app.create_customer("alpha", "Alpha Foods AS").await;
    let b_id = app.create_customer("bravo", "Bravo Energy Ltd").await;
    let b = signed_in(&bins, &app).await;

    b.goto(&app.url(&format!("/customers/{a}/telephony"))).await;
    b.click_css("a[data-action=add-sip-device]").await;
    wait_for!(
        "the SIP device form opens",
        b.exists("#f-login").await.then_some(())
    );
    b.type_into("#f-login", "alpha-desk-7").await;
    b.type_into("#f-secret", "Browser-Secret-42").await;
    b.type_into("#f-extension", "207").await;
    b.click_css("button[data-action=save]").await;
    wait_for!(
        "the telephony page shows the new secret once",
        b.exists("[data-secret='Browser-Secret-42']")
            .await
            .then_some(())
    );
    assert!(b
        .text_of("#sip-devices")
        .await
        .unwrap()
        .contains("alpha-desk-7"));
    b.refresh().await;
    wait_for!(
        "after a reload the secret is gone",
        (b.exists("#sip-devices").await && !b.exists("[data-secret]").await).then_some(())
    );

    b.goto(&app.url("/customers?q_sip_user=alpha-desk")).await;
    wait_for!(
        "the customers pane shows only the device's customer",
        row_ids(&b, "customers")
            .await
            .filter(|ids| ids == &vec![a])
            .map(|_| ())
    );
    assert_ne!(a, b_id);
    finish(b).await;
}
