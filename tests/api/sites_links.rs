use crate::common::{location, spawn_admin};

#[tokio::test]
async fn site_form_rules_are_answered_on_the_form() {
    let app = spawn_admin().await;
    let c = app.create_customer("forms", "Forms AS").await;
    let page = app.get_html(&format!("/customers/{c}/sites/new")).await;
    assert!(page.contains("Add a site to Forms AS"));
    assert!(page.contains("Europe/Oslo"));
    let r = app
        .post_form(
            &format!("/customers/{c}/sites"),
            &[
                ("name", &"n".repeat(31)),
                ("description", &"d".repeat(201)),
                ("address", "Street"),
                ("country", "ZZ"),
                ("time_zone", "Mars/Base"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    for field in ["name", "description", "country", "time_zone"] {
        assert!(
            html.contains(&format!("id=\"e-{field}\"")),
            "{field} has a message"
        );
    }
    assert!(html.contains(">Street</textarea>"), "typed values kept");
    assert!(
        app.get_html(&format!("/customers?customer={c}"))
            .await
            .contains("This customer has no sites yet."),
        "no site was created"
    );
}

#[tokio::test]
async fn sites_are_edited_and_stale_edits_refused() {
    let app = spawn_admin().await;
    let c = app.create_customer("edits", "Edits AS").await;
    let s = app.create_site(c, "Oslo").await;
    let form = app.get_html(&format!("/sites/{s}/edit")).await;
    assert!(form.contains("value=\"Oslo\""));
    let fields = |name: &'static str| {
        vec![
            ("name", name),
            ("description", "x"),
            ("address", ""),
            ("country", "SE"),
            ("time_zone", "Europe/Stockholm"),
            ("version", "1"),
        ]
    };
    let r = app
        .post_form(&format!("/sites/{s}"), &fields("Stockholm"))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), format!("/customers?customer={c}&site={s}"));
    let page = app.get_html(&location(&r)).await;
    assert!(page.contains("Stockholm") && page.contains("Sweden"));

    // The same form posted again carries version 1, which is now stale.
    let r = app
        .post_form(&format!("/sites/{s}"), &fields("Malmö"))
        .await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Someone else changed this site"));
    assert!(!app
        .get_html(&format!("/customers?customer={c}"))
        .await
        .contains("Malmö"));
}

#[tokio::test]
async fn link_form_checks_addresses_bandwidth_and_choices() {
    let app = spawn_admin().await;
    let c = app.create_customer("links", "Links AS").await;
    let s = app.create_site(c, "Oslo").await;
    let bad = [
        ("ip_address", "300.1.1.1"),
        ("ip_address", "10.0.0.0/33"),
        ("bandwidth_down_kbps", "-1"),
        ("bandwidth_up_kbps", "fast"),
        ("link_type", "CARRIER_PIGEON"),
        ("status", "MAYBE"),
        ("name", ""),
    ];
    for (field, value) in bad {
        let mut fields = vec![
            ("name", "FIBER-1"),
            ("description", ""),
            ("link_type", "FIBER"),
            ("bandwidth_down_kbps", "1000"),
            ("bandwidth_up_kbps", "1000"),
            ("ip_address", "2001:db8::/48"),
            ("circuit_id", ""),
            ("status", "ACTIVE"),
        ];
        for f in fields.iter_mut() {
            if f.0 == field {
                f.1 = value;
            }
        }
        let r = app.post_form(&format!("/sites/{s}/links"), &fields).await;
        assert_eq!(r.status().as_u16(), 422, "{field}={value}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains(&format!("id=\"e-{field}\"")),
            "{field}"
        );
    }
    let l = app.create_link(s, "LTE-backup", "2001:DB8::1").await;
    let page = app
        .get_html(&format!("/customers?customer={c}&site={s}&link={l}"))
        .await;
    assert!(
        page.contains("2001:db8::1"),
        "addresses are stored normalised"
    );

    let r = app
        .post_form(
            &format!("/links/{l}"),
            &[
                ("name", "LTE-2"),
                ("description", "moved"),
                ("link_type", "LTE"),
                ("bandwidth_down_kbps", "50000"),
                ("bandwidth_up_kbps", "10000"),
                ("ip_address", "192.0.2.9"),
                ("circuit_id", "C-9"),
                ("status", "INACTIVE"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&location(&r)).await;
    assert!(page.contains("LTE-2") && page.contains("Inactive") && page.contains("192.0.2.9"));
    let log = app
        .get_html(&format!("/audit?object_type=access_link&object_id={l}"))
        .await;
    assert!(log.contains("create") && log.contains("update"));
}

#[tokio::test]
async fn add_from_a_pane_returns_with_the_new_row_selected() {
    let app = spawn_admin().await;
    let c = app.create_customer("adds", "Adds AS").await;
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(page.contains(&format!("href=\"/customers/{c}/sites/new\"")));
    let s = app.create_site(c, "Tromsø").await;
    let page = app
        .get_html(&format!("/customers?customer={c}&site={s}"))
        .await;
    let sites_pane = &page[page.find("id=\"pane-sites\"").unwrap()..];
    let row = sites_pane
        .lines()
        .find(|l| l.contains(&format!("<tr data-id=\"{s}\"")))
        .unwrap_or_default()
        .trim()
        .to_string();
    assert!(row.contains("class=\"selected\""), "{row}");
    assert!(row.contains(&format!("customer={c}&#38;site={s}")), "{row}");
    assert!(page.contains(&format!("href=\"/sites/{s}/links/new\"")));
}
