//! Browser tests of the subscribers pages: the edit screen's panels, Revert and Save; the search
//! taking one field at a time.

use super::helpers::{finish, setup, signed_in};
use super::subscriber_support::{add_private_wallet, create_subscriber, db};
use super::webdriver::Browser;
use selfcare::db::models::{subscriber, subscriber_profile};

/// Whether the element is shown (panels hidden by CSS are not).
async fn shown(b: &Browser, css: &str) -> bool {
    match b.find(css).await {
        Ok(el) => b.is_displayed(&el).await.unwrap_or(false),
        Err(_) => false,
    }
}

async fn checked(b: &Browser, css: &str) -> bool {
    let el = b
        .find(css)
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    b.property(&el, "checked").await.unwrap() == serde_json::json!(true)
}

async fn dirty_panels(b: &Browser) -> Vec<String> {
    let mut out = Vec::new();
    for el in b
        .find_all("#edit-form nav.menu a.dirty")
        .await
        .unwrap_or_default()
    {
        if let Ok(Some(p)) = b.attribute(&el, "data-panel").await {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn edit_screen_switch_panels_edit_two_revert_edit_again_and_save() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let id = create_subscriber(&app, "BR-1", "4740000001").await;
    add_private_wallet(&app, id, "BR-W1").await;

    let b = signed_in(&bins, &app).await;
    b.goto(&app.url(&format!("/subscribers/{id}"))).await;
    wait_for!(
        "the edit screen opens on the Details panel",
        (shown(&b, "#p-details").await && shown(&b, "#f-description").await).then_some(())
    );
    assert!(!shown(&b, "#p-remote").await, "other panels are closed");
    assert!(!shown(&b, "#p-wallets").await);
    assert!(
        b.exists("#edit-form nav.menu a.current[data-panel=p-details]")
            .await
    );

    // Switch panels from the menu.
    b.click_css("#edit-form nav.menu a[data-panel=p-wallets]")
        .await;
    wait_for!(
        "the Wallets panel opens and Details closes",
        (shown(&b, "#p-wallets").await && !shown(&b, "#p-details").await).then_some(())
    );
    assert!(b.current_url().await.ends_with("#p-wallets"));
    assert!(b.text_of("#p-wallets").await.unwrap().contains("BR-W1"));
    assert!(
        b.exists("#edit-form nav.menu a.current[data-panel=p-wallets]")
            .await
    );

    // Edit two panels: remote access, then the description.
    b.click_css("#edit-form nav.menu a[data-panel=p-remote]")
        .await;
    wait_for!(
        "the Remote access panel opens",
        shown(&b, "#f-remote_access").await.then_some(())
    );
    b.click_css("#f-remote_access").await;
    assert!(checked(&b, "#f-remote_access").await);
    b.click_css("#edit-form nav.menu a[data-panel=p-details]")
        .await;
    wait_for!(
        "the Details panel opens again",
        shown(&b, "#f-description").await.then_some(())
    );
    b.type_into("#f-description", "Edited once").await;
    wait_for!(
        "both panels are marked as edited",
        (dirty_panels(&b).await == ["p-details", "p-remote"]).then_some(())
    );

    // Revert drops both edits without saving.
    b.click_css("[data-action=revert]").await;
    wait_for!(
        "the saved values are back",
        (b.value_of("#f-description").await.ok().as_deref() == Some("Test subscriber")
            && dirty_panels(&b).await.is_empty())
        .then_some(())
    );
    b.click_css("#edit-form nav.menu a[data-panel=p-remote]")
        .await;
    wait_for!(
        "the Remote access panel opens",
        shown(&b, "#f-remote_access").await.then_some(())
    );
    assert!(
        !checked(&b, "#f-remote_access").await,
        "remote access is unticked again"
    );
    {
        let mut conn = db(&app);
        let s = subscriber::find(&mut conn, id.into()).unwrap().unwrap();
        assert_eq!(s.version, 1, "Revert saved nothing");
        assert_eq!(s.description, "Test subscriber");
    }

    // Edit again (details and call barring) and save.
    b.click_css("#edit-form nav.menu a[data-panel=p-details]")
        .await;
    wait_for!(
        "the Details panel opens",
        shown(&b, "#f-description").await.then_some(())
    );
    b.type_into("#f-description", "Edited twice").await;
    b.click_css("#edit-form nav.menu a[data-panel=p-barring]")
        .await;
    wait_for!(
        "the Call barring panel opens",
        shown(&b, "#f-barring_new").await.then_some(())
    );
    b.type_into("#f-barring_new", "4712345678").await;
    b.click_css("[data-action=save]").await;
    let flash = wait_for!(
        "the saved screen says so",
        match b.text_of(".flash-success").await {
            Ok(t) if t.contains("saved") => Some(t),
            _ => None,
        }
    );
    eprintln!("flash: {flash}");
    assert!(!b.exists(".flash-error").await);
    wait_for!(
        "the new description is shown after saving",
        (b.value_of("#f-description").await.ok().as_deref() == Some("Edited twice")).then_some(())
    );
    b.click_css("#edit-form nav.menu a[data-panel=p-barring]")
        .await;
    wait_for!(
        "the barred number is listed",
        b.text_of("#barring-numbers")
            .await
            .ok()
            .filter(|t| t.contains("4712345678"))
            .map(|_| ())
    );
    let mut conn = db(&app);
    let s = subscriber::find(&mut conn, id.into()).unwrap().unwrap();
    assert_eq!(s.description, "Edited twice");
    assert!(!s.remote_access, "the reverted edit stayed reverted");
    assert_eq!(s.version, 2);
    let p = subscriber_profile::load(&mut conn, id).unwrap();
    assert_eq!(
        p.numbers_of("barring")
            .map(|n| n.number.as_str())
            .collect::<Vec<_>>(),
        ["4712345678"]
    );
    finish(b).await;
}

#[tokio::test]
async fn the_search_takes_one_field_at_a_time() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let id = create_subscriber(&app, "BR-2", "4740000002").await;
    let b = signed_in(&bins, &app).await;
    b.goto(&app.url("/subscribers")).await;
    wait_for!(
        "the search form",
        b.exists("form[data-one-of] input[name=card_number]")
            .await
            .then_some(())
    );
    b.type_into("form[data-one-of] input[name=card_number]", "br-")
        .await;
    let subscriber_id = b
        .find("form[data-one-of] input[name=subscriber_id]")
        .await
        .unwrap();
    wait_for!(
        "the other fields are disabled while one holds text",
        (b.property(&subscriber_id, "disabled").await.ok() == Some(serde_json::json!(true)))
            .then_some(())
    );
    b.click_css("form[data-one-of] [data-action=search]").await;
    // The list may show the subscriber before the search: wait for the search's own page.
    wait_for!(
        "the subscriber is found",
        (b.current_url().await.contains("card_number=")
            && b.exists(&format!("#subscribers tr[data-id='{id}']")).await)
            .then_some(())
    );
    let url = b.current_url().await;
    assert!(
        url.contains("card_number=br-") && !url.contains("subscriber_id="),
        "{url}"
    );
    b.goto(&app.url("/subscribers")).await;
    wait_for!(
        "the search form",
        b.exists("form[data-one-of] input[name=card_number]")
            .await
            .then_some(())
    );
    let card = b
        .find("form[data-one-of] input[name=card_number]")
        .await
        .unwrap();
    let el = b
        .find("form[data-one-of] input[name=subscriber_id]")
        .await
        .unwrap();
    b.send_keys(&card, "x").await.unwrap();
    wait_for!(
        "typing disables the others",
        (b.property(&el, "disabled").await.ok() == Some(serde_json::json!(true))).then_some(())
    );
    b.send_keys(&card, "\u{E003}").await.unwrap();
    wait_for!(
        "clearing the field enables the others again",
        (b.property(&el, "disabled").await.ok() == Some(serde_json::json!(false))).then_some(())
    );
    finish(b).await;
}

/// The `data-total` of a balance's row on the screen, if it has one.
async fn shown_total(b: &Browser, code: &str) -> Option<String> {
    let el = b
        .find(&format!("tr[data-balance-type={code}]"))
        .await
        .ok()?;
    b.attribute(&el, "data-total").await.ok().flatten()
}

/// How many changes the balance's chart draws.
async fn chart_points(b: &Browser, code: &str) -> Option<String> {
    let el = b
        .find(&format!("figure[data-chart={code}] svg"))
        .await
        .ok()?;
    b.attribute(&el, "data-points").await.ok().flatten()
}

#[tokio::test]
async fn balances_add_a_balance_and_a_bucket_adjust_see_the_chart_change_and_revert_an_unsaved_edit(
) {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let id = create_subscriber(&app, "BR-M1", "4740000101").await;
    add_private_wallet(&app, id, "BR-MW1").await;
    let (wallet, cash): (i64, i64) = {
        use diesel::prelude::*;
        use selfcare::db::schema::{balance_types, wallets};
        let mut conn = db(&app);
        (
            wallets::table
                .filter(wallets::wallet_ref.eq("BR-MW1"))
                .select(wallets::id)
                .first(&mut conn)
                .unwrap(),
            balance_types::table
                .filter(balance_types::is_default.eq(true))
                .select(balance_types::id)
                .first(&mut conn)
                .unwrap(),
        )
    };
    let b = signed_in(&bins, &app).await;
    b.goto(&app.url(&format!("/subscribers/{id}#p-balances")))
        .await;
    wait_for!(
        "the Balances panel says there is no balance",
        b.text_of("#p-balances")
            .await
            .ok()
            .filter(|t| t.contains("No balance yet"))
            .map(|_| ())
    );

    // Add the general cash balance with a first bucket of 20.00, then a second bucket of 5.00.
    let balance = format!("form[data-form='{wallet}:balance']");
    b.click_css(&format!(
        "{balance} select[name=balance_type_id] option[value='{cash}']"
    ))
    .await;
    b.type_into(&format!("{balance} input[name=value]"), "20.00")
        .await;
    b.click_css(&format!("{balance} [data-action=add-balance]"))
        .await;
    wait_for!(
        "the balance shows 20.00",
        (shown_total(&b, "GENERAL_CASH").await.as_deref() == Some("2000")).then_some(())
    );
    let add = format!("form[data-form='{wallet}:bucket']");
    b.click_css(&format!(
        "{add} select[name=balance_type_id] option[value='{cash}']"
    ))
    .await;
    b.type_into(&format!("{add} input[name=value]"), "5.00")
        .await;
    b.click_css(&format!("{add} [data-action=add-bucket]"))
        .await;
    wait_for!(
        "the balance shows 25.00",
        (shown_total(&b, "GENERAL_CASH").await.as_deref() == Some("2500")).then_some(())
    );
    assert_eq!(chart_points(&b, "GENERAL_CASH").await.as_deref(), Some("2"));
    assert!(b
        .text_of("[data-general-cash]")
        .await
        .unwrap()
        .contains("25.00 EUR"));

    // Adjust by -5.50 in the Adjustments panel (Execute only): the balance and its chart change.
    b.click_css("#edit-form nav.menu a[data-panel=p-adjustments]")
        .await;
    wait_for!(
        "the Adjustments panel opens",
        shown(&b, "#f-amount").await.then_some(())
    );
    b.click_css(&format!("#f-balance_type_id option[value='{cash}']"))
        .await;
    b.type_into("#f-amount", "-5.50").await;
    b.click_css(&format!(
        "#p-adjustments [data-wallet-id='{wallet}'] [data-action=adjust]"
    ))
    .await;
    wait_for!(
        "the balance shows 19.50",
        (shown_total(&b, "GENERAL_CASH").await.as_deref() == Some("1950")).then_some(())
    );
    assert_eq!(chart_points(&b, "GENERAL_CASH").await.as_deref(), Some("3"));

    // An unsaved edit of the subscriber, reverted: nothing is saved, the balance stays.
    b.click_css("#edit-form nav.menu a[data-panel=p-details]")
        .await;
    wait_for!(
        "the Details panel opens",
        shown(&b, "#f-description").await.then_some(())
    );
    b.type_into("#f-description", "Not to be kept").await;
    wait_for!(
        "the panel is marked as edited",
        (dirty_panels(&b).await == ["p-details"]).then_some(())
    );
    b.click_css("[data-action=revert]").await;
    wait_for!(
        "the saved description is back",
        (b.value_of("#f-description").await.ok().as_deref() == Some("Test subscriber")
            && dirty_panels(&b).await.is_empty())
        .then_some(())
    );
    let mut conn = db(&app);
    let s = subscriber::find(&mut conn, id.into()).unwrap().unwrap();
    assert_eq!(s.version, 1, "Revert saved nothing");
    assert_eq!(
        shown_total(&b, "GENERAL_CASH").await.as_deref(),
        Some("1950")
    );
    finish(b).await;
}
