//! The three-pane page as people work in it all day (issue 15): a click anywhere on a row
//! selects it, cells are edited explicitly, unsaved edits survive another pane's save and a
//! refused save and are guarded when leaving, counts and "page n of N", the quick search, the
//! keyboard path, and the page at 390 px.

use crate::helpers::{cells_css, edit_cell, finish, open_customer, row_ids, setup, signed_in};
use crate::webdriver::Browser;
use serde_json::json;

async fn active_element_in(b: &Browser, css: &str) -> bool {
    b.execute(
        "return !!document.activeElement && !!document.activeElement.closest(arguments[0]);",
        vec![json!(css)],
    )
    .await
    .ok()
    .and_then(|v| v.as_bool())
    .unwrap_or(false)
}

#[tokio::test]
async fn a_click_anywhere_on_a_row_selects_it_and_editing_is_explicit() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let a = app.create_customer("rowa01", "Rowa AS").await;
    let _s = app.create_site(a, "Rowa HQ").await;
    let b = signed_in(&bins, &app).await;
    let name = format!("#pane-customers input[name=name_{a}]");
    let el = b.find(&name).await.unwrap();
    assert_eq!(
        b.property(&el, "readOnly").await.unwrap(),
        json!(true),
        "a name cell reads as text until edited"
    );
    // A click on the name cell selects the row, like a click on any other cell.
    b.click(&el).await.unwrap();
    wait_for!(
        "the sites pane of the clicked customer",
        row_ids(&b, "sites").await.filter(|ids| ids.len() == 1)
    );
    assert!(
        b.exists(&format!("#pane-customers tr.selected[data-id='{a}']"))
            .await
    );
    // A double-click opens the cell for editing; the pane's toggle opens them all.
    let el = b.find(&name).await.unwrap();
    b.execute(
        "document.querySelector(arguments[0]).dispatchEvent(new MouseEvent('dblclick', {bubbles: true}));",
        vec![json!(name)],
    )
    .await
    .unwrap();
    assert_eq!(b.property(&el, "readOnly").await.unwrap(), json!(false));
    b.click_css("#pane-sites [data-action=inline]").await;
    let site_inputs = b.find_all("#pane-sites td input").await.unwrap();
    for i in &site_inputs {
        assert_eq!(b.property(i, "readOnly").await.unwrap(), json!(false));
    }
    // Near the limit a counter says how much is left.
    edit_cell(&b, "#pane-sites td input[name^=name_]", &"x".repeat(27)).await;
    wait_for!(
        "the counter under the cell",
        b.text_of("#pane-sites .counter")
            .await
            .ok()
            .filter(|t| t == "27 of 30 characters")
    );
    finish(b).await;
}

#[tokio::test]
async fn edits_survive_another_panes_save_and_a_refused_save() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let c = app.create_customer("keep01", "Keep AS").await;
    let oslo = app.create_site(c, "Oslo").await;
    let bergen = app.create_site(c, "Bergen").await;
    let b = signed_in(&bins, &app).await;
    open_customer(&b, c, 2, "the two sites").await;

    // An edit in the customers pane, then the sites pane saved.
    let customer_name = format!("#pane-customers input[name=name_{c}]");
    edit_cell(&b, &customer_name, "Kari Keep").await;
    edit_cell(
        &b,
        &format!("#pane-sites input[name=name_{oslo}]"),
        "Oslo HQ",
    )
    .await;
    b.click_css("#pane-sites [data-action=save]").await;
    wait_for!(
        "the sites pane was saved",
        b.exists(".flash-success").await.then_some(())
    );
    assert_eq!(
        b.value_of(&customer_name).await.unwrap(),
        "Kari Keep",
        "kept"
    );
    let el = b.find(&customer_name).await.unwrap();
    let class = b.attribute(&el, "class").await.unwrap().unwrap_or_default();
    assert!(class.contains("dirty"), "still marked unsaved: {class:?}");

    // A refused save (an empty name) keeps every edit and marks the cell at fault.
    let bergen_name = format!("#pane-sites input[name=name_{bergen}]");
    edit_cell(&b, &bergen_name, "").await;
    edit_cell(
        &b,
        &format!("#pane-sites input[name=name_{oslo}]"),
        "Oslo Main",
    )
    .await;
    b.click_css("#pane-sites [data-action=save]").await;
    wait_for!(
        "the refused save's summary",
        b.exists("#save-error-sites").await.then_some(())
    );
    assert!(
        active_element_in(&b, "#save-error-sites").await,
        "focus on the summary"
    );
    let bad = b.find(&bergen_name).await.unwrap();
    assert_eq!(
        b.attribute(&bad, "aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        b.value_of(&format!("#pane-sites input[name=name_{oslo}]"))
            .await
            .unwrap(),
        "Oslo Main"
    );
    assert_eq!(
        b.value_of(&customer_name).await.unwrap(),
        "Kari Keep",
        "the other pane's edit too"
    );
    let summary = b.text_of("#save-error-sites").await.unwrap();
    assert!(
        summary.contains("Go to the cell: Name of Bergen"),
        "{summary}"
    );
    // Nothing of the refused save reached the server.
    let html = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(html.contains("value=\"Oslo HQ\"") && html.contains("value=\"Bergen\""));
    finish(b).await;
}

#[tokio::test]
async fn leaving_with_unsaved_edits_asks_first() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let c = app.create_customer("leave01", "Leave AS").await;
    let site = app.create_site(c, "Oslo").await;
    let b = signed_in(&bins, &app).await;
    open_customer(&b, c, 1, "the site").await;
    edit_cell(
        &b,
        &format!("#pane-sites input[name=name_{site}]"),
        "Unsaved",
    )
    .await;
    // A link of the top bar: Cancel stays with the edit.
    b.click_css(".topbar a[href='/audit']").await;
    let text = wait_for!("the warning", b.alert_text().await);
    assert!(text.contains("unsaved changes"), "{text}");
    b.answer_alert(false).await.unwrap();
    assert!(b.current_url().await.contains("/customers"));
    assert_eq!(
        b.value_of(&format!("#pane-sites input[name=name_{site}]"))
            .await
            .unwrap(),
        "Unsaved"
    );
    // Another row: the same question; OK leaves.
    b.click_css(&cells_css(&b, "customers", Some(c), "company").await)
        .await;
    wait_for!("the warning again", b.alert_text().await);
    b.answer_alert(true).await.unwrap();
    wait_for!(
        "the edit was given up",
        b.value_of(&format!("#pane-sites input[name=name_{site}]"))
            .await
            .ok()
            .filter(|v| v == "Oslo")
    );
    finish(b).await;
}

#[tokio::test]
async fn counts_pages_and_the_quick_search() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let a = app.create_customer("counta", "Count Alpha AS").await;
    app.create_customer("countb", "Count Beta AS").await;
    app.create_customer("countc", "Count Gamma AS").await;
    app.create_site(a, "One").await;
    app.create_site(a, "Two").await;
    let b = signed_in(&bins, &app).await;
    assert_eq!(b.text_of("[data-count=customers]").await.unwrap(), "(3)");
    assert_eq!(
        b.text_of("[data-pages=customers]").await.unwrap(),
        "Page 1 of 1"
    );
    // The quick search opens the one customer found.
    b.type_into("#quick-q", "counta-web").await;
    b.click_css("[data-action=find]").await;
    wait_for!(
        "the card of the customer found",
        b.text_of("#customer-card h2")
            .await
            .ok()
            .filter(|t| t == "Count Alpha AS")
    );
    assert_eq!(b.text_of("[data-count=sites]").await.unwrap(), "(2)");
    // A list that fits on the smallest page offers no page size; one longer does, and the size
    // chosen in the pager is kept.
    assert!(!b.exists("#pane-customers form.page-size").await);
    for n in 0..23 {
        app.create_customer(&format!("countx{n}"), &format!("Count Extra {n} AS"))
            .await;
    }
    b.goto(&app.url("/customers")).await;
    wait_for!(
        "the customers pane with 26 rows",
        b.text_of("[data-count=customers]")
            .await
            .ok()
            .filter(|t| t == "(26)")
    );
    let select = b
        .find("#pane-customers form.page-size select")
        .await
        .unwrap();
    b.send_keys(&select, "25").await.unwrap();
    b.click_css("#pane-customers [data-action=page-size]").await;
    wait_for!(
        "the chosen size shown",
        b.value_of("#pane-customers form.page-size select")
            .await
            .ok()
            .filter(|v| v == "25")
    );
    finish(b).await;
}

#[tokio::test]
async fn the_keyboard_path_selects_rows_and_moves_to_the_next_pane() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let a = app.create_customer("keya01", "Key Alpha AS").await;
    let z = app.create_customer("keyb01", "Key Beta AS").await;
    app.create_site(a, "Alpha site").await;
    let zs = app.create_site(z, "Beta site").await;
    let b = signed_in(&bins, &app).await;
    // The skip link leads to the customers pane.
    assert!(b.exists(".skip-panes a[href='#pane-customers']").await);
    let first = b
        .find(&format!("#pane-customers tr[data-id='{a}'] td.sel a"))
        .await
        .unwrap();
    b.send_keys(&first, "\u{E015}").await.unwrap(); // Arrow down
    assert!(
        active_element_in(&b, &format!("#pane-customers tr[data-id='{z}']")).await,
        "the arrow moved to the next row"
    );
    b.execute("document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true})); document.activeElement.click();", vec![])
        .await
        .unwrap();
    wait_for!(
        "the second customer's sites",
        row_ids(&b, "sites").await.filter(|ids| ids == &vec![zs])
    );
    wait_for!(
        "focus in the sites pane",
        active_element_in(&b, "#pane-sites").await.then_some(())
    );
    finish(b).await;
}

#[tokio::test]
async fn the_page_fits_a_phone_390_px_wide() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let c = app
        .create_customer("phone01", "Phone Company With A Long Name AS")
        .await;
    let s = app.create_site(c, "A site with a long name").await;
    app.create_link(s, "uplink-with-long-name", "192.0.2.9")
        .await;
    let b = signed_in(&bins, &app).await;
    b.set_window_size(390, 844).await;
    b.goto(&app.url(&format!("/customers?customer={c}&site={s}")))
        .await;
    wait_for!(
        "the links pane",
        b.exists("#pane-links").await.then_some(())
    );
    let sizes = b
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth, window.devicePixelRatio];",
            vec![],
        )
        .await
        .unwrap();
    let (scroll, inner, ratio) = (
        sizes[0].as_f64().unwrap(),
        sizes[1].as_f64().unwrap(),
        sizes[2].as_f64().unwrap(),
    );
    assert!(inner <= 400.0, "the window is phone-sized: {inner}");
    assert!(
        scroll <= inner,
        "no page-level sideways scrolling: {scroll} > {inner}"
    );
    // The screenshot is the width of the screen: nothing drawn beyond it.
    let png = b.screenshot().await.unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]) as f64;
    assert_eq!(width, (inner * ratio).round(), "screenshot width");
    let _ = std::fs::write(
        std::env::temp_dir().join("selfcare-three-pane-390.png"),
        &png,
    );
    finish(b).await;
}

#[tokio::test]
async fn at_1440_px_no_pane_scrolls_sideways_and_the_card_stays_in_view() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let mut last = 0;
    for i in 0..20 {
        last = app
            .create_customer(
                &format!("wide{i:02}"),
                &format!("Wide Reaching Communications Holding {i:02} AS"),
            )
            .await;
    }
    let s = app.create_site(last, "Headquarters and data centre").await;
    app.create_link(s, "primary-fibre-uplink", "2001:db8:1234:5678::1")
        .await;
    let b = signed_in(&bins, &app).await;
    b.set_window_size(1440, 500).await;
    b.goto(&app.url(&format!("/customers?customer={last}&site={s}")))
        .await;
    wait_for!(
        "the links pane",
        b.exists("#pane-links").await.then_some(())
    );
    let overflow = b
        .execute(
            "return Array.from(document.querySelectorAll('.grid-wrap')).map(w => w.scrollWidth - w.clientWidth);",
            vec![],
        )
        .await
        .unwrap();
    for (i, extra) in overflow.as_array().unwrap().iter().enumerate() {
        assert!(
            extra.as_f64().unwrap() <= 1.0,
            "pane {i} scrolls sideways by {extra} px"
        );
    }
    // Scrolled down to the last customer row, the card beside the list is still on screen.
    let top = b
        .execute(
            "if (document.documentElement.scrollHeight <= window.innerHeight + 100) return -1; \
             document.querySelector('#pane-customers tbody tr:last-child').scrollIntoView({block: 'end'}); \
             return document.getElementById('customer-card').getBoundingClientRect().top;",
            vec![],
        )
        .await
        .unwrap();
    let top = top.as_f64().unwrap();
    assert!(
        (0.0..600.0).contains(&top),
        "the card is in view: top at {top}"
    );
    finish(b).await;
}
