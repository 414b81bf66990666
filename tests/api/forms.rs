//! Forms and editors people use all day (issue 15, "Forms and editors"): required fields marked,
//! codes in words, the GOV.UK error summary on every object form, a site's zone from its
//! country, bandwidths in units, an address shared with another customer's link flagged, the
//! subscriber editor opening the panel of the first error, deletes on the numbers page asked
//! first, and no empty table header.

use crate::common::{location, spawn_admin, spawn_app, TestApp, OPERATOR_PASSWORD};
use crate::subscriber_support::{add_private_wallet, create_subscriber, save_with};
use diesel::prelude::*;
use selfcare::db::schema::{access_links, sites};

/// The error summary's links (`href="#…"`), in order, or None when the page has no summary.
fn summary_links(page: &str) -> Option<Vec<String>> {
    let start = page.find("id=\"error-summary\"")?;
    let summary = &page[start..start + page[start..].find("</div>")?];
    Some(
        summary
            .split("<a href=\"#")
            .skip(1)
            .filter_map(|s| s.split('"').next().map(str::to_string))
            .collect(),
    )
}

/// Asserts the page's error summary is the GOV.UK one and that each link lands on a field of
/// the page; returns the links.
fn assert_summary_links_to_fields(page: &str) -> Vec<String> {
    let links = summary_links(page).unwrap_or_else(|| panic!("an error summary: {page}"));
    assert!(
        page.contains(
            "<div class=\"flash flash-error error-summary\" id=\"error-summary\" role=\"alert\" \
             tabindex=\"-1\" autofocus aria-labelledby=\"error-summary-title\">"
        ),
        "the summary is an alert that takes the focus"
    );
    assert!(!links.is_empty(), "each message links to its field");
    for l in &links {
        assert!(
            page.contains(&format!("id=\"{l}\"")),
            "#{l} is a field of the page"
        );
    }
    links
}

#[tokio::test]
async fn the_customer_form_marks_required_fields_and_shows_codes_as_words() {
    let app = spawn_admin().await;
    let page = app.get_html("/customers/new").await;
    for label in [
        "<label for=\"f-username\">Web access username <span class=\"req\">(required)</span></label>",
        "<label for=\"f-password\">Web access password <span class=\"req\">(required)</span></label>",
        "<label for=\"f-phone\">Phone (10 digits) <span class=\"req\">(required)</span></label>",
        "<label for=\"f-country\">Country <span class=\"req\">(required)</span></label>",
        "<label for=\"f-tariff_id\">Tariff <span class=\"req\">(required)</span></label>",
        "<legend>Customer type <span class=\"req\">(required)</span></legend>",
        "<legend>VAT / tax <span class=\"req\">(required)</span></legend>",
    ] {
        assert!(page.contains(label), "{label}");
    }
    assert!(page.contains("<select id=\"f-country\" name=\"country\" required"));
    // Optional fields carry no marker.
    assert!(page.contains("<label for=\"f-codec_list\">Codec list (optional)</label>"));
    assert!(page.contains("<label for=\"f-pin\">Postal code (PIN)</label>"));
    // Codes are sent, words are shown.
    for (code, word) in [
        ("LIVE", "Live"),
        ("DEMO", "Demo"),
        ("NONE", "None"),
        ("VAT", "VAT"),
        ("TAX", "Tax"),
    ] {
        assert!(
            page.contains(&format!("value=\"{code}\""))
                && page.contains(&format!("> {word}</label>")),
            "{code} shown as {word}"
        );
    }
    assert!(!page.contains("> LIVE</label>") && !page.contains("> NONE</label>"));
    // The contact block comes first, with the others in the grid.
    let contact = page.find("<legend>Contact</legend>").unwrap();
    let account = page.find("<legend>Account</legend>").unwrap();
    assert!(contact < account);
    // The edit form names the type in words too.
    let c = app.create_customer("wordy01", "Wordy AS").await;
    let edit = app.get_html(&format!("/customers/{c}/edit")).await;
    assert!(edit.contains("<output id=\"customer-type\">Live</output>"));
    // The edit form's password is optional (blank keeps it).
    assert!(edit.contains("<label for=\"f-password\">New web access password (optional)</label>"));
}

#[tokio::test]
async fn a_refused_customer_form_summarises_its_errors_with_links_to_the_fields() {
    let app = spawn_admin().await;
    let r = app
        .post_customer(
            "summ01",
            &[
                ("company", ""),
                ("phone", "12"),
                ("tax_flag", "MAYBE"),
                ("email", "not-an-email"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    let links = assert_summary_links_to_fields(&page);
    for field in ["f-company", "f-phone", "f-tax_flag", "f-email"] {
        assert!(links.contains(&field.to_string()), "{field} in {links:?}");
    }
    assert_eq!(links.len(), 4, "one item per refused field: {links:?}");
    assert!(page.contains("Please correct the 4 marked field(s); nothing was saved yet."));
    // The radio group is reached through its first radio.
    assert!(page.contains("<input type=\"radio\" id=\"f-tax_flag\" name=\"tax_flag\""));
    // A form without errors has no summary.
    assert!(summary_links(&app.get_html("/customers/new").await).is_none());
}

#[tokio::test]
async fn every_object_form_shares_the_error_summary() {
    let app = spawn_admin().await;
    let c = app.create_customer("objf01", "Object Forms AS").await;
    // Site form (object_form.html).
    let r = app
        .post_form(
            &format!("/customers/{c}/sites"),
            &[("name", ""), ("country", "XX"), ("time_zone", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let links = assert_summary_links_to_fields(&r.text().await.unwrap());
    assert!(links.contains(&"f-name".to_string()) && links.contains(&"f-country".to_string()));
    // Link form.
    let s = app.create_site(c, "Oslo HQ").await;
    let r = app
        .post_form(
            &format!("/sites/{s}/links"),
            &[
                ("name", "up"),
                ("link_type", "FIBER"),
                ("status", "ACTIVE"),
                ("bandwidth_down_kbps", "fast"),
                ("bandwidth_up_kbps", "1"),
                ("ip_address", "300.1.1.1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let links = assert_summary_links_to_fields(&r.text().await.unwrap());
    assert_eq!(links, vec!["f-bandwidth_down_kbps", "f-ip_address"]);
    // The numbers page's forms.
    let r = app
        .post_form(
            &format!("/customers/{c}/dids"),
            &[("did_start", "12x"), ("did_end", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert_summary_links_to_fields(&r.text().await.unwrap());
}

#[tokio::test]
async fn a_new_sites_zone_follows_its_country() {
    let app = spawn_admin().await;
    let jp = app
        .create_customer_with(
            "zone01",
            &[("country", "JP"), ("company", "Tokyo Denki KK")],
        )
        .await;
    let page = app.get_html(&format!("/customers/{jp}/sites/new")).await;
    // The customer's country's zones first, its main zone chosen.
    assert!(
        page.contains(
            "<optgroup label=\"Time zones of Japan\" id=\"zones-of-country\">\n      \
         <option value=\"Asia/Tokyo\" selected>Asia/Tokyo</option>"
        ),
        "{page}"
    );
    let group = page.find("id=\"zones-of-country\"").unwrap();
    let others = page.find("id=\"zones-other\"").unwrap();
    let tokyo = page.find("value=\"Asia/Tokyo\"").unwrap();
    assert!(group < tokyo && tokyo < others);
    assert!(page.contains("<script type=\"application/json\" id=\"country-zones\">"));
    assert!(page.contains("\"AU\":[\"Australia/Sydney\","));
    // Left blank, the zone is the chosen country's main one (no script needed).
    for (country, zone) in [
        ("AU", "Australia/Sydney"),
        ("NO", "Europe/Oslo"),
        ("US", "America/New_York"),
    ] {
        let r = app
            .post_form(
                &format!("/customers/{jp}/sites"),
                &[
                    ("name", &format!("Site {country}")),
                    ("country", country),
                    ("time_zone", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{country}");
        let stored: String = sites::table
            .filter(sites::name.eq(format!("Site {country}")))
            .select(sites::time_zone)
            .first(&mut app.db())
            .unwrap();
        assert_eq!(stored, zone);
    }
    // A zone chosen stays, even one of another country.
    let r = app
        .post_form(
            &format!("/customers/{jp}/sites"),
            &[
                ("name", "Remote"),
                ("country", "NO"),
                ("time_zone", "Asia/Tokyo"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let stored: String = sites::table
        .filter(sites::name.eq("Remote"))
        .select(sites::time_zone)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(stored, "Asia/Tokyo");
    // A country without zones still asks for one.
    let r = app
        .post_form(
            &format!("/customers/{jp}/sites"),
            &[("name", "Bouvet"), ("country", "BV"), ("time_zone", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
}

#[tokio::test]
async fn bandwidths_read_in_units_and_may_be_typed_grouped() {
    let app = spawn_admin().await;
    let c = app.create_customer("band01", "Band Width AS").await;
    let s = app.create_site(c, "Oslo HQ").await;
    let r = app
        .post_form(
            &format!("/sites/{s}/links"),
            &[
                ("name", "core"),
                ("link_type", "FIBER"),
                ("bandwidth_down_kbps", "2,500,000"),
                ("bandwidth_up_kbps", "1 000 000"),
                ("ip_address", "192.0.2.1"),
                ("status", "ACTIVE"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let l: i64 = crate::common::param(&location(&r), "link").unwrap();
    let (down, up): (i64, i64) = access_links::table
        .find(l)
        .select((
            access_links::bandwidth_down_kbps,
            access_links::bandwidth_up_kbps,
        ))
        .first(&mut app.db())
        .unwrap();
    assert_eq!((down, up), (2_500_000, 1_000_000));
    let page = app.get_html(&format!("/links/{l}/edit")).await;
    assert!(page.contains("name=\"bandwidth_down_kbps\" type=\"text\" value=\"2,500,000\""));
    assert!(page.contains(
        "<span id=\"bandwidth-shown\">This link: 2.5 Gbit/s down (2,500,000 kbit/s), 1 Gbit/s up \
         (1,000,000 kbit/s).</span>"
    ));
    assert!(page.contains("1,000 is 1 Mbit/s, 1,000,000 is 1 Gbit/s"));
    // Saving the form as shown keeps the values.
    let version = page.split("name=\"version\" value=\"").nth(1).unwrap();
    let version = &version[..version.find('"').unwrap()];
    let r = app
        .post_form(
            &format!("/links/{l}"),
            &[
                ("version", version),
                ("name", "core"),
                ("link_type", "FIBER"),
                ("bandwidth_down_kbps", "2,500,000"),
                ("bandwidth_up_kbps", "1,000,000"),
                ("ip_address", "192.0.2.1"),
                ("status", "ACTIVE"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

/// Moves customer `id` to service provider `provider` (no page does).
fn move_to_provider(app: &TestApp, id: i64, provider: i64) {
    diesel::sql_query(format!(
        "UPDATE customers SET service_provider_id = {provider} WHERE id = {id}"
    ))
    .execute(&mut app.db())
    .expect("move the customer");
}

#[tokio::test]
async fn an_address_used_by_another_customers_link_is_flagged_naming_it_within_scope() {
    let app = spawn_app().await;
    let t = app.two_customers().await;
    // Alpha's link holds 192.0.2.0/30: Bravo may use it too, with a warning naming Alpha.
    let r = app
        .post_form(
            &format!("/sites/{}/links", t.sb),
            &[
                ("name", "shared"),
                ("link_type", "FIBER"),
                ("bandwidth_down_kbps", "1000"),
                ("bandwidth_up_kbps", "1000"),
                ("ip_address", "192.0.2.0/30"),
                ("status", "ACTIVE"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "a warning, not a refusal");
    let shared = crate::common::param(&location(&r), "link").unwrap();
    let page = app.get_html(&location(&r)).await;
    assert!(
        page.contains(
            "192.0.2.0/30 is also used by a link of Alpha Foods AS. Check that this is intended."
        ),
        "{page}"
    );
    let edit = app.get_html(&format!("/links/{shared}/edit")).await;
    assert!(edit.contains("<p class=\"flash flash-warning\" id=\"ip-warning\" role=\"status\">192.0.2.0/30 is also used by a link of Alpha Foods AS."));
    // The same customer's other link on the address is no warning; an unused one neither.
    let own = app.create_link(t.sb, "own", "198.51.100.0/30").await;
    let edit = app.get_html(&format!("/links/{own}/edit")).await;
    assert!(!edit.contains("id=\"ip-warning\""), "Bravo's own address");
    // An operator limited to Bravo's provider does not learn Alpha's name.
    let p2 = app.service_provider("Second Provider");
    move_to_provider(&app, t.b, p2);
    let id = app.new_operator("pia", "operator").await;
    let r = app
        .post_form(
            &format!("/operators/{id}"),
            &[
                ("role", "operator"),
                ("service_provider_id", &p2.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let pia = app.signed_in_as("pia", OPERATOR_PASSWORD).await;
    let edit = pia.get_html(&format!("/links/{shared}/edit")).await;
    assert!(
        edit.contains(
            "192.0.2.0/30 is also used by a link of a customer of another service provider."
        ),
        "{edit}"
    );
    assert!(!edit.contains("Alpha Foods"));
    // The admin, who sees every provider, is told the name.
    let edit = app.get_html(&format!("/links/{shared}/edit")).await;
    assert!(edit.contains("used by a link of Alpha Foods AS."));
}

#[tokio::test]
async fn a_failed_subscriber_save_opens_the_panel_of_its_first_error_with_counts_in_the_menu() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "PANEL1", "4790000001").await;
    add_private_wallet(&app, id, "PANEL1-W").await;
    let page = app.get_html(&format!("/subscribers/{id}")).await;
    assert!(page.contains("<section id=\"p-details\" class=\"panel default\""));
    assert!(!page.contains("panel-errors"));
    let r = save_with(
        &app,
        id,
        &[
            ("primary_max_concurrent", Some("0")),
            ("primary_expiry_date", Some("31.12.2027")),
            ("barring_new", Some("12-34")),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    // The first error's panel is the one open; Details is not.
    let open: Vec<&str> = page
        .split("<section id=\"")
        .skip(1)
        .filter(|s| s.contains("class=\"panel default\""))
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let first = summary_links(&page).unwrap();
    let first_panel = if first[0] == "f-barring_new" {
        "p-barring"
    } else {
        "p-wallets"
    };
    assert_eq!(open, vec![first_panel], "{first:?}");
    // Each panel with errors says how many, in words.
    let nav = &page[page.find("<nav class=\"menu\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(
        page.contains(
            "<a href=\"#p-wallets\" data-panel=\"p-wallets\" class=\"has-errors\">Wallets \
         <span class=\"panel-errors\">(2 errors)</span></a>"
        ),
        "{nav}\n{:?}",
        summary_links(&page)
    );
    assert!(page.contains(
        "<a href=\"#p-barring\" data-panel=\"p-barring\" class=\"has-errors\">Call barring \
         <span class=\"panel-errors\">(1 error)</span></a>"
    ));
    assert!(page.contains("<a href=\"#p-details\" data-panel=\"p-details\">Details</a>"));
    // The summary links into the panels' fields.
    let links = assert_summary_links_to_fields(&page);
    for f in [
        "f-primary_max_concurrent",
        "f-primary_expiry_date",
        "f-barring_new",
    ] {
        assert!(links.contains(&f.to_string()), "{f}");
    }
}

#[tokio::test]
async fn cpn_substitutions_and_emergency_locations_are_deleted_after_a_confirm_page() {
    let app = spawn_admin().await;
    let c = app.create_customer("cpnd01", "Confirm AS").await;
    let r = app
        .post_form(
            &format!("/customers/{c}/cpns"),
            &[("cpn_name", "Reception"), ("cpn_number", "4722334455")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(
            &format!("/customers/{c}/emergency"),
            &[
                ("em_name", "Head office"),
                ("em_number", "4799887766"),
                ("em_location", "Storgata 1"),
                ("em_zone", "Oslo"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{c}/numbers")).await;
    assert!(
        !page.contains("/cpns/") || !page.contains("method=\"post\" action=\"/customers/{c}/cpns/")
    );
    for (kind, name, title) in [
        (
            "cpns",
            "Reception",
            "Delete the CPN substitution Reception?",
        ),
        (
            "emergency",
            "Head office",
            "Delete the emergency response location Head office?",
        ),
    ] {
        let marker = format!("href=\"/customers/{c}/{kind}/");
        let at = page
            .find(&marker)
            .unwrap_or_else(|| panic!("a delete link for {kind}"));
        let href = &page[at + "href=\"".len()..];
        let href = &href[..href.find('"').unwrap()];
        assert!(href.ends_with("/delete"));
        assert!(
            !page.contains(&format!("<form method=\"post\" action=\"{href}\"")),
            "no one-click delete of {kind}"
        );
        let confirm = app.get_html(href).await;
        assert!(confirm.contains(title), "{confirm}");
        assert!(confirm.contains(&format!("<form method=\"post\" action=\"{href}\">")));
        assert!(
            app.get_html(&format!("/customers/{c}/numbers"))
                .await
                .contains(name),
            "still there before the confirm"
        );
        let r = app.post_form(href, &[]).await;
        assert_eq!(r.status().as_u16(), 303);
        let after = app.get_html(&format!("/customers/{c}/numbers")).await;
        assert!(
            !after.contains(&format!("<td>{name}</td>")),
            "{kind} deleted"
        );
    }
    // Another customer's item is not found.
    let other = app.create_customer("cpnd02", "Other AS").await;
    assert_eq!(
        app.get(&format!("/customers/{other}/cpns/1/delete"))
            .await
            .status()
            .as_u16(),
        404
    );
}

/// Table headers with no text (an empty `<th>`) on the pages people use.
fn empty_headers(page: &str) -> Vec<String> {
    page.split("<th")
        .skip(1)
        .filter_map(|s| {
            let open_end = s.find('>')?;
            let inner = &s[open_end + 1..s.find("</th>")?];
            let mut text = String::new();
            let mut in_tag = false;
            for ch in inner.chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.trim()
                .is_empty()
                .then(|| format!("<th{}", &s[..open_end + 1]))
        })
        .collect()
}

#[tokio::test]
async fn no_table_header_is_empty() {
    let app = spawn_app().await;
    let t = app.two_customers().await;
    let sub = create_subscriber(&app, "HEAD01", "4790000002").await;
    add_private_wallet(&app, sub, "HEAD01-W").await;
    for path in [
        format!("/customers?customer={}&site={}&link={}", t.a, t.sa, t.la),
        format!("/customers/{}/numbers", t.a),
        format!("/customers/{}/telephony", t.a),
        format!("/customers/{}/users", t.a),
        format!("/customers/{}/admins", t.a),
        format!("/subscribers/{sub}"),
        "/subscribers".to_string(),
        "/packages".to_string(),
        "/exports".to_string(),
        "/audit".to_string(),
        "/brandings".to_string(),
        "/operators".to_string(),
        "/compliance".to_string(),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let page = r.text().await.unwrap();
        assert_eq!(empty_headers(&page), Vec::<String>::new(), "{path}");
    }
    assert_eq!(
        empty_headers("<tr><th class=\"x\"></th><th>A</th></tr>").len(),
        1
    );
}
