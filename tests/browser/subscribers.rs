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
    wait_for!(
        "the subscriber is found",
        b.exists(&format!("#subscribers tr[data-id='{id}']"))
            .await
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
