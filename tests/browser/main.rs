//! Browser tests of the three-pane customers page, in Debian's chromium through chromedriver.
//!
//! Each test starts the app with a fresh database (tests/common), creates its data over HTTP,
//! then signs in through the real login form in a headless browser and checks what a user sees.
//! Without chromedriver the tests print "skipping browser test: chromedriver not found" and pass,
//! unless `SELFCARE_BROWSER_TESTS=1` (CI), where they fail. See webdriver.rs for the other knobs.

#[path = "../common/mod.rs"]
mod common;
#[macro_use]
mod webdriver;
mod customer_users;
mod forms;
mod helpers;
#[path = "../api/subscriber_support.rs"]
mod subscriber_support;
mod subscribers;
mod telephony;
mod three_pane;
mod transfers;

use common::{param, PNG};
use helpers::{
    cells_css, companies, edit_cell, finish, open_customer, row_ids, setup, signed_in, sorted,
};
use webdriver::Browser;

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn selecting_customer_site_and_link_fills_the_panes_and_survives_a_reload() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let alpha = app.create_customer("alpha01", "Alpha Nett AS").await;
    let beta = app.create_customer("beta01", "Beta Fiber AS").await;
    let oslo = app.create_site(alpha, "Oslo HQ").await;
    let bergen = app.create_site(alpha, "Bergen DC").await;
    let _tromso = app.create_site(beta, "Tromso office").await;
    let up1 = app.create_link(oslo, "uplink-primary", "192.0.2.10").await;
    let up2 = app.create_link(oslo, "uplink-backup", "2001:db8::1").await;
    let _other = app
        .create_link(bergen, "bergen-fiber", "198.51.100.7")
        .await;

    let b = signed_in(&bins, &app).await;
    assert!(
        !b.exists("#pane-sites").await,
        "no sites pane before a customer is selected"
    );
    assert_eq!(
        sorted(row_ids(&b, "customers").await.unwrap()),
        sorted(vec![alpha, beta])
    );

    // Customer row (a plain text cell: the name cells hold inputs, which do not select).
    b.click_css(&cells_css(&b, "customers", Some(alpha), "company").await)
        .await;
    let sites = wait_for!(
        "the sites pane shows Alpha's two sites",
        row_ids(&b, "sites")
            .await
            .filter(|ids| sorted(ids.clone()) == sorted(vec![oslo, bergen]))
    );
    assert_eq!(sites.len(), 2);
    assert!(
        b.exists(&format!("#pane-customers tr.selected[data-id='{alpha}']"))
            .await,
        "customer row highlighted"
    );
    let heading = b.text_of("#pane-sites h2").await.unwrap();
    assert!(
        heading.contains("Alpha Nett AS"),
        "sites pane heading names the customer: {heading:?}"
    );
    assert_eq!(
        b.value_of(&format!("#pane-sites input[name=name_{oslo}]"))
            .await
            .unwrap(),
        "Oslo HQ"
    );
    assert_eq!(
        b.value_of(&format!("#pane-sites input[name=name_{bergen}]"))
            .await
            .unwrap(),
        "Bergen DC"
    );
    assert!(
        !b.exists("#pane-links").await,
        "no links pane before a site is selected"
    );
    let url = b.current_url().await;
    assert_eq!(
        param(&url, "customer"),
        Some(alpha),
        "URL after selecting a customer: {url}"
    );

    // Site row.
    b.click_css(&cells_css(&b, "sites", Some(oslo), "country").await)
        .await;
    wait_for!(
        "the links pane shows the Oslo site's two links",
        row_ids(&b, "links")
            .await
            .filter(|ids| sorted(ids.clone()) == sorted(vec![up1, up2]))
    );
    assert!(
        b.exists(&format!("#pane-sites tr.selected[data-id='{oslo}']"))
            .await,
        "site row highlighted"
    );
    let heading = b.text_of("#pane-links h2").await.unwrap();
    assert!(
        heading.contains("Oslo HQ"),
        "links pane heading names the site: {heading:?}"
    );
    assert!(
        !b.exists("#link-details").await,
        "no link details before a link is selected"
    );

    // Link row.
    b.click_css(&cells_css(&b, "links", Some(up2), "link_type").await)
        .await;
    wait_for!(
        "the backup link is highlighted and its details are shown",
        (b.exists(&format!("#pane-links tr.selected[data-id='{up2}']"))
            .await
            && b.text_of("#link-details")
                .await
                .is_ok_and(|t| t.contains("uplink-backup")))
        .then_some(())
    );
    let details = b.text_of("#link-details").await.unwrap();
    assert!(
        details.contains("2001:db8::1"),
        "link details show the IP address: {details:?}"
    );
    assert!(
        !b.exists(&format!("#pane-links tr.selected[data-id='{up1}']"))
            .await,
        "only one link highlighted"
    );

    let url = b.current_url().await;
    assert_eq!(param(&url, "customer"), Some(alpha), "URL: {url}");
    assert_eq!(param(&url, "site"), Some(oslo), "URL: {url}");
    assert_eq!(param(&url, "link"), Some(up2), "URL: {url}");

    // Reload: the selection lives in the URL.
    b.refresh().await;
    wait_for!(
        "after a reload the same customer, site and link are selected",
        (b.exists(&format!("#pane-customers tr.selected[data-id='{alpha}']"))
            .await
            && b.exists(&format!("#pane-sites tr.selected[data-id='{oslo}']"))
                .await
            && b.exists(&format!("#pane-links tr.selected[data-id='{up2}']"))
                .await
            && b.text_of("#link-details h2")
                .await
                .is_ok_and(|t| t.contains("uplink-backup")))
        .then_some(())
    );
    assert_eq!(
        sorted(row_ids(&b, "links").await.unwrap()),
        sorted(vec![up1, up2])
    );
    assert_eq!(b.current_url().await, url, "the reload kept the address");

    finish(b).await;
}

#[tokio::test]
async fn editing_two_site_names_and_saving_keeps_the_new_names() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let cust = app.create_customer("gamma01", "Gamma Tele AS").await;
    let oslo = app.create_site(cust, "Oslo HQ").await;
    let bergen = app.create_site(cust, "Bergen DC").await;
    let stavanger = app.create_site(cust, "Stavanger").await;

    let b = signed_in(&bins, &app).await;
    open_customer(&b, cust, 3, "the sites pane shows three sites").await;

    let oslo_input = format!("#pane-sites input[name=name_{oslo}]");
    let bergen_input = format!("#pane-sites input[name=name_{bergen}]");
    let stavanger_input = format!("#pane-sites input[name=name_{stavanger}]");
    for id in [oslo, bergen] {
        assert!(
            b.exists(&format!("form#save-sites input[name=name_{id}]"))
                .await,
            "site {id}'s cell belongs to the save form"
        );
    }
    edit_cell(&b, &oslo_input, "Oslo Head Office").await;
    edit_cell(&b, &bergen_input, "Bergen Data Centre").await;
    assert_eq!(b.value_of(&oslo_input).await.unwrap(), "Oslo Head Office");
    let el = b.find(&bergen_input).await.unwrap();
    let class = b.attribute(&el, "class").await.unwrap().unwrap_or_default();
    assert!(
        class.split_whitespace().any(|c| c == "dirty"),
        "an edited cell is marked (class={class:?})"
    );

    b.click_css("#pane-sites [data-action=save]").await;
    let flash = wait_for!(
        "a success message after saving",
        match b.text_of(".flash-success").await {
            Ok(t) if !t.trim().is_empty() => Some(t),
            _ => None,
        }
    );
    eprintln!("flash after save: {flash:?}");
    assert!(
        !b.exists(".flash-error").await,
        "no error message after saving"
    );

    b.refresh().await;
    wait_for!(
        "the new names are shown after a reload",
        (b.value_of(&oslo_input).await.ok().as_deref() == Some("Oslo Head Office")
            && b.value_of(&bergen_input).await.ok().as_deref() == Some("Bergen Data Centre"))
        .then_some(())
    );
    assert_eq!(
        b.value_of(&stavanger_input).await.unwrap(),
        "Stavanger",
        "the untouched row is unchanged"
    );
    let url = b.current_url().await;
    assert_eq!(
        param(&url, "customer"),
        Some(cust),
        "still on the same customer after saving: {url}"
    );

    // The server has them too (not just the browser's form state).
    let html = app.get_html(&format!("/customers?customer={cust}")).await;
    assert!(
        html.contains("value=\"Oslo Head Office\""),
        "saved on the server"
    );
    assert!(
        html.contains("value=\"Bergen Data Centre\""),
        "saved on the server"
    );

    finish(b).await;
}

#[tokio::test]
async fn undo_puts_back_the_saved_name_and_saves_nothing() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let cust = app.create_customer("delta01", "Delta Data AS").await;
    let site = app.create_site(cust, "Trondheim").await;
    let other = app.create_site(cust, "Bodo").await;

    let b = signed_in(&bins, &app).await;
    open_customer(&b, cust, 2, "the sites pane shows two sites").await;

    let input = format!("#pane-sites input[name=name_{site}]");
    let other_input = format!("#pane-sites input[name=name_{other}]");
    edit_cell(&b, &input, "Typo street").await;
    edit_cell(&b, &other_input, "Another typo").await;
    assert_eq!(b.value_of(&input).await.unwrap(), "Typo street");

    b.click_css("#pane-sites [data-action=undo]").await;
    wait_for!(
        "both names are back to what is saved and no longer marked",
        {
            let el = b.find(&input).await.ok();
            let class = match &el {
                Some(el) => b
                    .attribute(el, "class")
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
                None => "missing".into(),
            };
            (b.value_of(&input).await.ok().as_deref() == Some("Trondheim")
                && b.value_of(&other_input).await.ok().as_deref() == Some("Bodo")
                && !class
                    .split_whitespace()
                    .any(|c| c == "dirty" || c == "missing"))
            .then_some(())
        }
    );
    assert!(
        !b.exists(".flash-success").await,
        "Undo does not report a save"
    );
    assert!(
        !b.exists("#pane-sites input.dirty").await,
        "no cell is marked as edited after Undo"
    );

    b.refresh().await;
    wait_for!(
        "after a reload the saved names are shown",
        (b.value_of(&input).await.ok().as_deref() == Some("Trondheim")
            && b.value_of(&other_input).await.ok().as_deref() == Some("Bodo"))
        .then_some(())
    );
    let html = app.get_html(&format!("/customers?customer={cust}")).await;
    assert!(
        html.contains("value=\"Trondheim\"") && !html.contains("Typo street"),
        "nothing was saved"
    );

    finish(b).await;
}

#[tokio::test]
async fn a_hidden_column_stays_hidden_after_reload_and_after_signing_in_again() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    app.create_customer("eps01", "Epsilon AS").await;
    let status_th = "#pane-customers th[data-col=status]";

    let b = signed_in(&bins, &app).await;
    assert!(
        b.exists(status_th).await,
        "the status column shows by default"
    );
    assert!(
        b.exists(&cells_css(&b, "customers", None, "status").await)
            .await
    );

    b.click_css("#pane-customers details.columns:not(.export) summary")
        .await;
    let checkbox = "#pane-customers input[name=col][value=status]";
    wait_for!(
        "the column chooser opens",
        match b.find(checkbox).await {
            Ok(el) => b.is_displayed(&el).await.ok().filter(|d| *d).map(|_| ()),
            Err(_) => None,
        }
    );
    let el = b.find(checkbox).await.unwrap();
    assert_eq!(
        b.property(&el, "checked").await.unwrap(),
        serde_json::json!(true),
        "status is ticked at first"
    );
    b.click(&el).await.unwrap();
    assert_eq!(
        b.property(&el, "checked").await.unwrap(),
        serde_json::json!(false),
        "status is unticked"
    );
    b.click_css("#pane-customers [data-action=columns]").await;

    wait_for!(
        "the status column is gone and the others are still there",
        (!b.exists(status_th).await
            // Its cells went with it: status was the last of the row's eight cells.
            && !b.exists("#pane-customers tbody td:nth-child(8)").await
            && b.exists("#pane-customers th[data-col=company]").await)
            .then_some(())
    );
    assert!(
        !b.exists(".flash-error").await,
        "no error after choosing columns"
    );

    b.refresh().await;
    wait_for!(
        "after a reload the status column is still hidden",
        (b.exists("#pane-customers th[data-col=company]").await && !b.exists(status_th).await)
            .then_some(())
    );

    // Sign out in the browser…
    b.click_css("form[action='/logout'] button[type=submit]")
        .await;
    wait_for!(
        "the sign-in page after signing out",
        (b.current_url().await.contains("/login") && b.exists("#username").await).then_some(())
    );
    b.goto(&app.url("/customers")).await;
    wait_for!(
        "the customers page is closed after signing out",
        (b.exists("#username").await && !b.exists("#pane-customers").await).then_some(())
    );
    finish(b).await;

    // …and in again from a new browser with no cookies: the choice is kept per user.
    let b = signed_in(&bins, &app).await;
    wait_for!(
        "after signing in again the status column is still hidden",
        (b.exists("#pane-customers th[data-col=company]").await && !b.exists(status_th).await)
            .then_some(())
    );
    let el = b
        .find(checkbox)
        .await
        .expect("the chooser still lists the status column");
    assert_eq!(
        b.property(&el, "checked").await.unwrap(),
        serde_json::json!(false),
        "and it is unticked"
    );
    finish(b).await;
}

#[tokio::test]
async fn clicking_the_company_header_sorts_ascending_then_descending() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    // Username order differs from company order, so each sort is visible.
    for (user, company) in [
        ("carl01", "Bravo Net AS"),
        ("anna01", "Delta Tele AS"),
        ("dora01", "Alpha Link AS"),
        ("bert01", "Charlie Com AS"),
    ] {
        app.create_customer(user, company).await;
    }
    let asc: Vec<String> = [
        "Alpha Link AS",
        "Bravo Net AS",
        "Charlie Com AS",
        "Delta Tele AS",
    ]
    .map(String::from)
    .to_vec();
    let desc: Vec<String> = asc.iter().rev().cloned().collect();

    let b = signed_in(&bins, &app).await;
    // The page opens sorted by company; sort by another column first so that the company header
    // starts unsorted.
    let first = companies(&b).await.unwrap();
    eprintln!("initial order: {first:?}");
    b.click_css("#pane-customers th[data-col=username] a").await;
    wait_for!(
        "sorted by web username (anna, bert, carl, dora)",
        (b.current_url().await.contains("c_sort=username")
            && companies(&b).await.as_ref() == Some(&desc))
        .then_some(())
    );

    b.click_css("#pane-customers th[data-col=company] a").await;
    wait_for!(
        "sorted by company, ascending",
        (b.current_url().await.contains("c_sort=company")
            && companies(&b).await.as_ref() == Some(&asc))
        .then_some(())
    );
    let url = b.current_url().await;
    assert!(url.contains("c_dir=asc"), "ascending in the URL: {url}");
    let th = b
        .find("#pane-customers th[data-col=company]")
        .await
        .unwrap();
    assert_eq!(
        b.attribute(&th, "aria-sort").await.unwrap().as_deref(),
        Some("ascending")
    );

    b.click_css("#pane-customers th[data-col=company] a").await;
    wait_for!(
        "sorted by company, descending",
        (b.current_url().await.contains("c_dir=desc")
            && companies(&b).await.as_ref() == Some(&desc))
        .then_some(())
    );
    let url = b.current_url().await;
    assert!(
        url.contains("c_sort=company") && url.contains("c_dir=desc"),
        "URL: {url}"
    );
    let th = b
        .find("#pane-customers th[data-col=company]")
        .await
        .unwrap();
    assert_eq!(
        b.attribute(&th, "aria-sort").await.unwrap().as_deref(),
        Some("descending")
    );

    finish(b).await;
}

#[tokio::test]
async fn a_background_export_shows_progress_then_downloads() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    let c = app.create_customer("export01", "Export Nett AS").await;
    app.create_site(c, "Oslo HQ").await;
    let b = signed_in(&bins, &app).await;

    // Export menu of the customers pane → "prepared in the background" → XLSX.
    b.click_css("#pane-customers details.export summary").await;
    b.click_css("#pane-customers a[data-export-background=xlsx]")
        .await;
    // A GET never starts a job: the page asks, its button starts it.
    wait_for!(
        "the confirmation is shown",
        b.exists("#start-export").await.then_some(())
    );
    b.click_css("#start-export").await;
    wait_for!(
        "the job page is shown",
        (b.current_url().await.contains("/exports/") && b.exists("#export-job").await)
            .then_some(())
    );
    assert!(b.exists("#export-progress").await, "a progress bar");
    // The page refreshes itself (no script needed) until the file is ready.
    let href = wait_for!(
        "the download link appears",
        if b.exists("#export-job[data-status=done] #download").await {
            b.find("#download").await.ok()
        } else {
            None
        }
    );
    let url = b.attribute(&href, "href").await.unwrap().unwrap();
    assert!(
        url.starts_with("/exports/") && url.ends_with("/download"),
        "{url}"
    );
    let max = b
        .attribute(&b.find("#export-progress").await.unwrap(), "max")
        .await
        .unwrap();
    assert_eq!(max.as_deref(), Some("1"), "one customer row");

    // Fetch it as the browser would (same session) and look at what comes back.
    let got = b
        .execute(
            "return fetch(arguments[0]).then(r => r.arrayBuffer().then(buf => [r.status, r.headers.get('content-disposition'), buf.byteLength, new Uint8Array(buf.slice(0, 2))[0]]));",
            vec![serde_json::Value::String(url.clone())],
        )
        .await
        .unwrap();
    let arr = got.as_array().expect("array");
    assert_eq!(arr[0], 200);
    assert!(arr[1]
        .as_str()
        .unwrap()
        .starts_with("attachment; filename=\"customers-"));
    assert!(arr[2].as_i64().unwrap() > 1000);
    assert_eq!(arr[3], 0x50, "a zip (XLSX) file");

    b.goto(&app.url("/exports")).await;
    wait_for!(
        "My exports lists it",
        b.exists("table.jobs tr[data-status=done]")
            .await
            .then_some(())
    );
    finish(b).await;
}

#[tokio::test]
async fn the_branded_portal_signs_in_and_a_renamed_site_shows_in_the_operators_pane() {
    let Some((app, bins)) = setup().await else {
        return;
    };
    // A branding profile with a logo and a colour, and a customer wearing it.
    let r = app
        .post_branding("Fjord", "#0B5D3B", Some(("logo.png", PNG)))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let branding = app.branding_id("Fjord").await;
    let r = app
        .post_customer(
            "fjord",
            &[
                ("company", "Fjord Nett AS"),
                ("branding_id", &branding.to_string()),
            ],
        )
        .await;
    let customer = param(&common::location(&r), "customer").unwrap();
    let site = app.create_site(customer, "Oslo HQ").await;

    let b = Browser::start(&bins).await;
    b.goto(&app.url("/c/fjord-web/login")).await;
    wait_for!(
        "the branded sign-in page",
        b.exists("img.login-logo").await.then_some(())
    );
    let h1 = b.text_of("h1").await.unwrap();
    assert!(h1.contains("Fjord Portal"), "{h1}");
    let logo_width = b
        .execute(
            "return document.querySelector('img.login-logo').naturalWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(logo_width, 1, "the logo loaded");
    let bar = wait_for!(
        "the brand colour is applied",
        b.execute(
            "return getComputedStyle(document.querySelector('.topbar')).backgroundColor;",
            vec![]
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .filter(|c| c == "rgb(11, 93, 59)")
    );
    assert_eq!(bar, "rgb(11, 93, 59)");

    b.type_into("#username", "fjord").await;
    b.type_into("#password", common::CUSTOMER_PASSWORD).await;
    b.click_css("button[type=submit]").await;
    let input = format!("#pane-sites input[name=name_{site}]");
    wait_for!(
        "the portal shows the site",
        b.exists(&input).await.then_some(())
    );
    edit_cell(&b, &input, "Oslo Head Office").await;
    b.click_css("#pane-sites [data-action=save]").await;
    wait_for!(
        "the save is confirmed",
        b.exists(".flash-success").await.then_some(())
    );

    // The operators see the new name in their sites pane.
    let page = app
        .get_html(&format!("/customers?customer={customer}"))
        .await;
    assert!(
        page.contains("value=\"Oslo Head Office\""),
        "renamed in the operators' pane"
    );
    finish(b).await;
}
