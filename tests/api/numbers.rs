//! Packages and numbers of a customer: package quantities from the operators' package list,
//! DID ranges that never overlap any customer's, CPN substitutions, emergency locations, and
//! the dial-in code of the billing country's region.

use crate::common::{location, spawn_admin, TestApp};

async fn customer_in(app: &TestApp, username: &str, company: &str, country: &str) -> i64 {
    let r = app
        .post_customer(username, &[("company", company), ("country", country)])
        .await;
    crate::common::param(&location(&r), "customer").unwrap()
}

#[tokio::test]
async fn the_billing_country_decides_the_dial_in_code() {
    let app = spawn_admin().await;
    for (user, country, code) in [
        ("us", "US", "+1, AMER region default"),
        ("sg", "SG", "+65, APAC region default"),
        ("au", "AU", "+61, ANZ region default"),
        ("gb", "GB", "+44, EMEA region default"),
        ("de", "DE", "+49, EURO region default"),
    ] {
        let c = customer_in(&app, user, &format!("{user} Ltd"), country).await;
        let page = app.get_html(&format!("/customers?customer={c}")).await;
        assert!(
            page.contains(&format!("<dd data-field=\"dial_in\">{code} <span")),
            "{country}"
        );
        let numbers = app.get_html(&format!("/customers/{c}/numbers")).await;
        assert!(numbers.contains(&code[..code.find(',').unwrap()]));
    }
}

#[tokio::test]
async fn did_ranges_are_checked_and_never_overlap_another_customers() {
    let app = spawn_admin().await;
    let a = customer_in(&app, "alpha", "Alpha Foods AS", "NO").await;
    let b = customer_in(&app, "bravo", "Bravo Energy Ltd", "NO").await;
    let add = |c: i64, s: &'static str, e: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                &format!("/customers/{c}/dids"),
                &[("did_start", s), ("did_end", e)],
            )
            .await
        }
    };
    assert_eq!(add(a, "5550100", "5550199").await.status().as_u16(), 303);
    for (s, e, msg) in [
        ("555a100", "5550199", "digits only"),
        ("5550100", "555019", "same number of digits"),
        ("5550199", "5550100", "after the start"),
    ] {
        let r = add(b, s, e).await;
        assert_eq!(r.status().as_u16(), 422, "{s}-{e}");
        assert!(r.text().await.unwrap().contains(msg), "{msg}");
    }
    let r = add(b, "5550150", "5550250").await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("overlaps 5550100–5550199, which belongs to Alpha Foods AS"),
        "{body}"
    );
    let r = add(a, "5550199", "5550199").await;
    assert_eq!(r.status().as_u16(), 422, "its own ranges too");
    // Different lengths are different numbers; touching ranges are fine.
    assert_eq!(add(b, "05550150", "05550250").await.status().as_u16(), 303);
    assert_eq!(add(b, "5550200", "5550299").await.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{b}/numbers")).await;
    assert!(page.contains("<td>05550150</td>") && page.contains("<td>5550200</td>"));
    // Deleted, the range is free again; another customer's range cannot be deleted from here.
    let page = app.get_html(&format!("/customers/{a}/numbers")).await;
    let m = format!("href=\"/customers/{a}/dids/");
    let s = page.find(&m).unwrap() + m.len();
    let did: i64 = page[s..s + page[s..].find('/').unwrap()].parse().unwrap();
    let r = app
        .post_form(&format!("/customers/{b}/dids/{did}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let r = app
        .post_form(&format!("/customers/{a}/dids/{did}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(add(b, "5550100", "5550150").await.status().as_u16(), 303);
    let log = app.get_html("/audit?object_type=did_range").await;
    assert!(log.contains("create") && log.contains("delete"));
}

#[tokio::test]
async fn packages_cpns_and_emergency_locations() {
    let app = spawn_admin().await;
    for (name, d) in [("Basic", "Calls only"), ("Premium", "Calls and meetings")] {
        let r = app
            .post_form("/packages", &[("name", name), ("description", d)])
            .await;
        assert_eq!(r.status().as_u16(), 303);
    }
    let r = app
        .post_form("/packages", &[("name", "Basic"), ("description", "")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let c = customer_in(&app, "alpha", "Alpha Foods AS", "NO").await;
    let page = app.get_html(&format!("/customers/{c}/numbers")).await;
    let field = |name: &str| {
        let at = page.find(&format!(">{name}</label>")).unwrap();
        let m = "for=\"f-";
        let s = page[..at].rfind(m).unwrap() + m.len();
        page[s..s + page[s..].find('"').unwrap()].to_string()
    };
    let (basic, premium) = (field("Basic"), field("Premium"));
    let r = app
        .post_form(
            &format!("/customers/{c}/packages"),
            &[(&basic, "25"), (&premium, "-1")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    app.post_form(
        &format!("/customers/{c}/packages"),
        &[(&basic, "25"), (&premium, "5")],
    )
    .await;
    let page = app.get_html(&format!("/customers/{c}/numbers")).await;
    assert!(page.contains(&format!("name=\"{basic}\" type=\"text\" value=\"25\"")));
    let packages = app.get_html("/packages").await;
    assert!(packages.contains("<td>1</td>"), "held by one customer");
    let pid = basic.trim_start_matches("qty_");
    app.post_form(&format!("/packages/{pid}/delete"), &[]).await;
    assert!(app
        .get_html("/packages")
        .await
        .contains("cannot be deleted"));

    let r = app
        .post_form(
            &format!("/customers/{c}/cpns"),
            &[("cpn_name", "Alpha Sales"), ("cpn_number", "+47 2200 0000")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(
            &format!("/customers/{c}/cpns"),
            &[("cpn_name", ""), ("cpn_number", "abc")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = app
        .post_form(
            &format!("/customers/{c}/emergency"),
            &[
                ("em_name", "Oslo HQ"),
                ("em_number", "4722000000"),
                ("em_location", "Storgata 1, floor 3"),
                ("em_zone", "Zone A"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(
            &format!("/customers/{c}/emergency"),
            &[
                ("em_name", "X"),
                ("em_number", "1"),
                ("em_location", ""),
                ("em_zone", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = app.get_html(&format!("/customers/{c}/numbers")).await;
    assert!(page.contains("Alpha Sales") && page.contains("+4722000000"));
    assert!(page.contains("Storgata 1, floor 3") && page.contains("Zone A"));

    // A viewer sees the page but changes nothing.
    let viewer = app.operator_browser("vera", "viewer").await;
    let page = viewer.get_html(&format!("/customers/{c}/numbers")).await;
    assert!(page.contains("Alpha Sales") && !page.contains("data-action=\"add-did\""));

    // Everything goes with the customer, and its numbers are free again.
    app.post_form(
        &format!("/customers/{c}/dids"),
        &[("did_start", "100"), ("did_end", "199")],
    )
    .await;
    app.post_form(&format!("/customers/{c}/delete"), &[]).await;
    let again = customer_in(&app, "alpha", "Alpha Foods AS", "NO").await;
    let r = app
        .post_form(
            &format!("/customers/{again}/dids"),
            &[("did_start", "100"), ("did_end", "199")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{again}/numbers")).await;
    assert!(!page.contains("Alpha Sales") && !page.contains("Zone A"));
    app.post_form(&format!("/packages/{pid}/delete"), &[]).await;
    assert!(!app.get_html("/packages").await.contains("<td>Basic</td>"));
}
