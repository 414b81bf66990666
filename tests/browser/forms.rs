//! Browser tests of the forms (issue 15, "Forms and editors"): a refused form's error summary
//! takes the focus and its links reach their fields, in the subscriber editor too (the failing
//! panel opens); the site form's zone follows the country; every button of the packages and
//! numbers page can be clicked at 1440 px.

use super::helpers::{finish, setup, signed_in};
use super::subscriber_support::{add_private_wallet, create_subscriber};
use super::webdriver::Browser;
use serde_json::json;

/// Whether the element is shown (panels hidden by CSS are not).
async fn shown(b: &Browser, css: &str) -> bool {
    match b.find(css).await {
        Ok(el) => b.is_displayed(&el).await.unwrap_or(false),
        Err(_) => false,
    }
}

/// Reads the console so far: the refused save's 422 is expected there, nothing else severe.
async fn expect_only_the_422(b: &Browser) {
    for (level, msg) in b.console_log().await {
        assert!(
            level != "SEVERE" || msg.contains("422"),
            "the browser console shows an error: {msg}"
        );
    }
}

/// The id of the focused element.
async fn focused(b: &Browser) -> String {
    b.execute(
        "return document.activeElement ? document.activeElement.id : '';",
        vec![],
    )
    .await
    .ok()
    .and_then(|v| v.as_str().map(str::to_string))
    .unwrap_or_default()
}

#[tokio::test]
async fn a_failing_subscriber_save_opens_the_failing_panel_and_the_summary_reaches_the_others() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let id = create_subscriber(&app, "FP-1", "4740000101").await;
    add_private_wallet(&app, id, "FP-W1").await;
    let b = signed_in(&bins, &app).await;
    b.goto(&app.url(&format!("/subscribers/{id}"))).await;
    wait_for!(
        "the edit screen opens on Details",
        shown(&b, "#f-description").await.then_some(())
    );
    // A bad value in the Wallets panel, then Save from the Details panel.
    b.click_css("#edit-form nav.menu a[data-panel=p-wallets]")
        .await;
    wait_for!(
        "the Wallets panel opens",
        shown(&b, "#f-primary_max_concurrent").await.then_some(())
    );
    let field = b.find("#f-primary_max_concurrent").await.unwrap();
    b.clear(&field).await.unwrap();
    b.send_keys(&field, "0").await.unwrap();
    b.click_css("#edit-form nav.menu a[data-panel=p-barring]")
        .await;
    wait_for!(
        "the Call barring panel opens",
        shown(&b, "#f-barring_new").await.then_some(())
    );
    b.type_into("#f-barring_new", "12-34").await;
    b.click_css("#edit-form nav.menu a[data-panel=p-details]")
        .await;
    wait_for!(
        "Details again",
        shown(&b, "#f-description").await.then_some(())
    );
    b.click_css("[data-action=save]").await;
    wait_for!(
        "the refused save shows the error summary",
        b.exists("#error-summary").await.then_some(())
    );
    b.check_accessibility().await;
    expect_only_the_422(&b).await;
    // The panel of the first error is open, not Details; the summary has the focus.
    let first: String = b
        .execute(
            "return document.querySelector('#error-summary a').getAttribute('href');",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let (open, other, other_field) = if first == "#f-barring_new" {
        ("#p-barring", "#p-wallets", "#f-primary_max_concurrent")
    } else {
        ("#p-wallets", "#p-barring", "#f-barring_new")
    };
    wait_for!(
        "the failing panel is open",
        (shown(&b, open).await && !shown(&b, "#p-details").await).then_some(())
    );
    assert!(!shown(&b, other).await);
    wait_for!(
        "the summary takes the focus",
        (focused(&b).await == "error-summary").then_some(())
    );
    let menu = b.text_of("#edit-form nav.menu").await.unwrap();
    assert!(menu.contains("Wallets (1 error)"), "{menu}");
    assert!(menu.contains("Call barring (1 error)"), "{menu}");
    // The other error's link opens its panel and puts the cursor in the field.
    b.click_css(&format!("#error-summary a[href='{other_field}']"))
        .await;
    wait_for!(
        "the other panel opens on its field",
        (shown(&b, other_field).await && !shown(&b, open).await).then_some(())
    );
    wait_for!(
        "the field has the focus",
        (format!("#{}", focused(&b).await) == other_field).then_some(())
    );
    assert!(
        b.exists(&format!(
            "#edit-form nav.menu a.current[data-panel={}]",
            &other[1..]
        ))
        .await,
        "the menu marks the panel shown"
    );
    finish(b).await;
}

#[tokio::test]
async fn the_customer_forms_error_summary_takes_the_focus_and_links_to_fields() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let b = signed_in(&bins, &app).await;
    b.goto(&app.url("/customers/new")).await;
    wait_for!("the form", b.exists("#f-username").await.then_some(()));
    b.type_into("#f-username", "focus01").await;
    b.type_into("#f-phone", "12").await;
    b.click_css("form.grid-form button[type=submit]").await;
    wait_for!(
        "the summary is shown and focused",
        (b.exists("#error-summary").await && focused(&b).await == "error-summary").then_some(())
    );
    b.check_accessibility().await;
    expect_only_the_422(&b).await;
    b.click_css("#error-summary a[href='#f-phone']").await;
    wait_for!(
        "the phone field has the focus",
        (focused(&b).await == "f-phone").then_some(())
    );
    // Still the refused form, not the page at its URL (/customers).
    assert!(b.exists("#error-summary").await && b.exists("#f-username").await);
    finish(b).await;
}

#[tokio::test]
async fn the_site_forms_zone_follows_the_country_chosen() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let c = app
        .create_customer_with(
            "tzb01",
            &[("country", "NO"), ("company", "Zone Browser AS")],
        )
        .await;
    let b = signed_in(&bins, &app).await;
    b.goto(&app.url(&format!("/customers/{c}/sites/new"))).await;
    wait_for!("the form", b.exists("#f-time_zone").await.then_some(()));
    assert_eq!(b.value_of("#f-time_zone").await.unwrap(), "Europe/Oslo");
    b.execute(
        "var s = document.getElementById('f-country'); s.value = 'AU';\
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await
    .unwrap();
    wait_for!(
        "Australia's main zone is chosen",
        (b.value_of("#f-time_zone").await.ok().as_deref() == Some("Australia/Sydney"))
            .then_some(())
    );
    let first: Vec<String> = b.texts_of("#zones-of-country option").await.unwrap();
    assert_eq!(first.first().map(String::as_str), Some("Australia/Sydney"));
    assert!(first
        .iter()
        .all(|z| z.starts_with("Australia/") || z.starts_with("Antarctica/")));
    let label = b
        .execute(
            "return document.getElementById('zones-of-country').label;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(label, json!("Time zones of Australia"));
    // A zone of the new country, chosen by hand, stays when the country is chosen again.
    b.execute(
        "var z = document.getElementById('f-time_zone'); z.value = 'Australia/Perth';\
         var s = document.getElementById('f-country');\
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(b.value_of("#f-time_zone").await.unwrap(), "Australia/Perth");
    finish(b).await;
}

#[tokio::test]
async fn every_button_of_the_numbers_page_can_be_clicked_at_1440_px() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let c = app.create_customer("btn01", "Buttons AS").await;
    for (path, fields) in [
        (
            "dids",
            vec![("did_start", "4722000000"), ("did_end", "4722000099")],
        ),
        (
            "cpns",
            vec![("cpn_name", "Reception"), ("cpn_number", "4722334455")],
        ),
        (
            "emergency",
            vec![
                ("em_name", "Head office with a rather long name for its row"),
                ("em_number", "4799887766"),
                (
                    "em_location",
                    "Storgata 1, 0155 Oslo, third floor, the east wing",
                ),
                ("em_zone", "Oslo"),
            ],
        ),
    ] {
        let r = app
            .post_form(&format!("/customers/{c}/{path}"), &fields)
            .await;
        assert_eq!(r.status().as_u16(), 303, "{path}");
    }
    let b = signed_in(&bins, &app).await;
    b.set_window_size(1440, 900).await;
    for page in [format!("/customers/{c}/numbers"), "/packages".to_string()] {
        b.goto(&app.url(&page)).await;
        wait_for!("the page", b.exists("main h1").await.then_some(()));
        // Each button and button-link, scrolled into view, is the element at its own centre:
        // nothing covers it and it is not outside the page.
        let blocked = b
            .execute(
                "var out = [];\
                 document.querySelectorAll('main button, main a.btn, main input[type=submit]').forEach(function (el) {\
                   if (el.offsetParent === null) return;\
                   el.scrollIntoView({ block: 'center', inline: 'center' });\
                   var r = el.getBoundingClientRect();\
                   var x = r.left + r.width / 2, y = r.top + r.height / 2;\
                   var hit = document.elementFromPoint(x, y);\
                   if (r.width === 0 || x < 0 || x > window.innerWidth || !hit || (hit !== el && !el.contains(hit)))\
                     out.push((el.textContent || el.value).trim());\
                 });\
                 var over = [];\
                 document.querySelectorAll('main *').forEach(function (el) {\
                   if (el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && over.length < 5)\
                     over.push(el.tagName + '#' + el.id + '.' + el.className);\
                 });\
                 return { blocked: out, wide: document.documentElement.scrollWidth > document.documentElement.clientWidth, over: over };",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(blocked["blocked"], json!([]), "{page}: {blocked}");
        assert_eq!(
            blocked["wide"],
            json!(false),
            "{page} scrolls sideways: {blocked}"
        );
    }
    finish(b).await;
}
