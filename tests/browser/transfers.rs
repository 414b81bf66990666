//! Browser test of the edit screen's Credit transfers panel: a peer-to-peer transfer made with
//! "Save & execute" together with an edit of the subscriber and a change reason.

use super::helpers::{finish, setup, signed_in};
use super::subscriber_support::{add_private_wallet, create_subscriber, db};
use super::webdriver::Browser;

async fn shown(b: &Browser, css: &str) -> bool {
    match b.find(css).await {
        Ok(el) => b.is_displayed(&el).await.unwrap_or(false),
        Err(_) => false,
    }
}

async fn total(b: &Browser, code: &str) -> Option<String> {
    let el = b
        .find(&format!("tr[data-balance-type={code}]"))
        .await
        .ok()?;
    b.attribute(&el, "data-total").await.ok().flatten()
}

#[tokio::test]
async fn a_peer_to_peer_transfer_with_save_and_execute_and_a_change_reason() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let a = create_subscriber(&app, "BR-TA", "4741000001").await;
    add_private_wallet(&app, a, "BR-TA").await;
    let bsub = create_subscriber(&app, "BR-TB", "4741000002").await;
    add_private_wallet(&app, bsub, "BR-TB").await;
    let (wa, wb) = (app.wallet_id("BR-TA"), app.wallet_id("BR-TB"));
    app.add_bucket(wa, "GENERAL_CASH", "10.00").await;
    let cash = app.balance_type_id("GENERAL_CASH").to_string();
    let r = app
        .post_form(
            "/admin/transfer-definitions",
            &[
                ("service_provider_id", "1"),
                ("name", "Gift 2"),
                ("kind", "peer_to_peer"),
                ("cost_balance_type_id", &cash),
                ("cost", "2.00"),
                ("pin_required", "on"),
                ("gives_balance_type_id_1", &cash),
                ("gives_value_1", "1.50"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let definition: i64 = {
        use diesel::prelude::*;
        use selfcare::db::schema::transfer_definitions as d;
        d::table
            .filter(d::name.eq("Gift 2"))
            .select(d::id)
            .first(&mut db(&app))
            .unwrap()
    };

    let b = signed_in(&bins, &app).await;
    b.goto(&app.url(&format!("/subscribers/{a}"))).await;
    wait_for!(
        "the edit screen opens",
        shown(&b, "#f-description").await.then_some(())
    );
    // An edit of the subscriber, saved together with the transfer.
    b.type_into("#f-description", "Gift sent").await;
    b.click_css("#edit-form nav.menu a[data-panel=p-transfers]")
        .await;
    wait_for!(
        "the Credit transfers panel opens",
        shown(&b, "#f-transfer_recipient_cli").await.then_some(())
    );
    assert!(
        shown(
            &b,
            &format!("#transfer-definitions tr[data-id='{definition}']")
        )
        .await
    );
    b.type_into("#f-transfer_recipient_cli", "4741000002").await;
    b.type_into("#f-transfer_pin", "1234").await;
    b.type_into("#f-transfer_change_reason", "Birthday present")
        .await;
    b.check_accessibility().await;
    // The button is scrolled to the middle of the window, clear of the sticky menu.
    let button =
        format!("#transfer-definitions tr[data-id='{definition}'] [data-action=save-and-transfer]");
    b.execute(
        &format!("document.querySelector(\"{button}\").scrollIntoView({{block: 'center'}})"),
        vec![],
    )
    .await
    .expect("scroll to the button");
    b.click_css(&button).await;
    wait_for!(
        "the screen shows the purchaser's balance after the transfer",
        (total(&b, "GENERAL_CASH").await.as_deref() == Some("800")).then_some(())
    );
    let flash = b.text_of("body").await.unwrap_or_default();
    assert!(
        flash.contains("Peer-to-peer transfer Gift 2 done"),
        "the result is shown: {flash}"
    );

    use diesel::prelude::*;
    use selfcare::db::schema::{edrs, subscribers};
    let mut conn = db(&app);
    let description: String = subscribers::table
        .find(a)
        .select(subscribers::description)
        .first(&mut conn)
        .unwrap();
    assert_eq!(description, "Gift sent");
    assert_eq!(app.stored(wb, "GENERAL_CASH"), 150);
    let reasons: Vec<Option<String>> = edrs::table
        .filter(edrs::edr_type.eq("transfer"))
        .order(edrs::id)
        .select(edrs::change_reason)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        reasons,
        vec![
            Some("Birthday present".to_string()),
            Some("Birthday present".to_string())
        ],
        "both sides' EDRs keep the reason"
    );
    finish(b).await;
}
