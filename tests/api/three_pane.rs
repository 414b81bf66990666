//! The three-pane page as people use it all day (issue 15): counts in the pane titles, "page n
//! of N" with first and last, a page size remembered per operator, the quick search, the
//! selected row shown even when it sorts onto another page, the card's contact and last change,
//! inline limits as the forms'.

use crate::cli::selfcare;
use crate::common::{fresh_database_url, location, spawn_admin, spawn_app_with, TestApp};
use diesel::prelude::*;
use selfcare::db::schema::customers;

/// An app with `n` demo customers (and their sites and links), signed in as the admin.
async fn with_demo_customers(n: usize) -> TestApp {
    let url = fresh_database_url();
    let out = selfcare(&url, &["demo-data", "--customers", &n.to_string()], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = spawn_app_with(url).await;
    app.login_admin().await;
    app
}

/// The ids of the customers pane's rows, in order.
fn customer_rows(page: &str) -> Vec<i64> {
    let start = page.find("id=\"pane-customers\"").expect("customers pane");
    let end = page[start..]
        .find("</section>")
        .map(|e| start + e)
        .unwrap_or(page.len());
    page[start..end]
        .split("<tr data-id=\"")
        .skip(1)
        .filter_map(|s| s[..s.find('"')?].parse().ok())
        .collect()
}

fn pager_text(page: &str, pane: &str) -> String {
    let marker = format!("<span data-pages=\"{pane}\">");
    let start = page.find(&marker).expect("pager") + marker.len();
    page[start..start + page[start..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn panes_count_their_rows_and_page_n_of_n_with_first_and_last() {
    let app = with_demo_customers(60).await;
    let total: i64 = customers::table.count().get_result(&mut app.db()).unwrap();
    let page = app.get_html("/customers").await;
    assert!(
        page.contains(&format!(
            "<span class=\"count\" data-count=\"customers\">({total})</span>"
        )),
        "the customers pane says how many"
    );
    assert_eq!(pager_text(&page, "customers"), "Page 1 of 2");
    assert!(
        !page.contains("data-page=\"first\""),
        "no First on the first page"
    );
    assert!(page.contains("<a href=\"/customers?c_page=2\" rel=\"next\">"));
    assert!(page.contains("<a href=\"/customers?c_page=2\" data-page=\"last\">Last »</a>"));
    let second = app.get_html("/customers?c_page=2").await;
    assert_eq!(pager_text(&second, "customers"), "Page 2 of 2");
    assert!(second.contains("<a href=\"/customers\" data-page=\"first\">« First</a>"));
    assert!(
        !second.contains("data-page=\"last\""),
        "no Last on the last page"
    );
    assert_eq!(customer_rows(&second).len() as i64, total - 50);

    // A customer's sites and a site's links are counted in their titles.
    let (customer, sites): (i64, i64) = {
        use selfcare::db::schema::sites;
        let c: i64 = sites::table
            .select(sites::customer_id)
            .first(&mut app.db())
            .unwrap();
        let n: i64 = sites::table
            .filter(sites::customer_id.eq(c))
            .count()
            .get_result(&mut app.db())
            .unwrap();
        (c, n)
    };
    let page = app
        .get_html(&format!("/customers?customer={customer}"))
        .await;
    assert!(page.contains(&format!(
        "<span class=\"count\" data-count=\"sites\">({sites})</span>"
    )));
    assert_eq!(pager_text(&page, "sites"), "Page 1 of 1");
}

#[tokio::test]
async fn the_page_size_is_chosen_per_pane_and_remembered() {
    let app = with_demo_customers(60).await;
    let total: i64 = customers::table.count().get_result(&mut app.db()).unwrap();
    let r = app
        .post_form(
            "/preferences/page-size",
            &[
                ("pane", "customers"),
                ("size", "25"),
                ("return_to", "/customers"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/customers");
    let page = app.get_html("/customers").await;
    assert_eq!(customer_rows(&page).len(), 25);
    let pages = (total + 24) / 25;
    assert_eq!(pager_text(&page, "customers"), format!("Page 1 of {pages}"));
    assert!(page.contains("<option selected>25</option>"));
    // A pane whose list fits on the smallest page offers no choice of size.
    let first = customer_rows(&page)[0];
    let selected = app.get_html(&format!("/customers?customer={first}")).await;
    let sites = crate::common::pane_section(&selected, "sites").expect("the sites pane");
    assert!(!sites.contains("class=\"page-size\""), "1-5 sites: {sites}");
    assert!(crate::common::pane_section(&selected, "customers")
        .unwrap()
        .contains("class=\"page-size\""));
    // Only the sizes offered are taken; anything else changes nothing and says why.
    let r = app
        .post_form(
            "/preferences/page-size",
            &[
                ("pane", "customers"),
                ("size", "100000"),
                ("return_to", "/customers"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html("/customers").await;
    assert!(page.contains("Choose 25, 50, 100 or 200 rows per page."));
    assert_eq!(customer_rows(&page).len(), 25);
    let r = app
        .post_form(
            "/preferences/page-size",
            &[("pane", "nope"), ("size", "25")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    // Another operator still sees 50.
    let other = app.operator_browser("viewer2", "viewer").await;
    let page = other.get_html("/customers").await;
    assert_eq!(customer_rows(&page).len(), 50);
}

#[tokio::test]
async fn the_selected_row_is_shown_even_when_it_sorts_onto_another_page() {
    let app = with_demo_customers(60).await;
    // Sorted by company, "Zzz" comes last: on page 2 of 50 rows.
    let added = app
        .create_customer_with("zzzlast", &[("company", "Zzz Last AS")])
        .await;
    let r = app.get(&format!("/customers?customer={added}")).await;
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(
        customer_rows(&page).contains(&added),
        "the pane opens on its page"
    );
    assert!(page.contains(&format!(
        "<tr data-id=\"{added}\" class=\"selected\" aria-selected=\"true\"><td class=\"sel\"><a href=\"/customers?customer={added}&#38;c_page=2\""
    )), "highlighted, and its link names the page: {}", &page[page.find(&format!("<tr data-id=\"{added}\"")).unwrap_or(0)..][..300]);
    assert!(pager_text(&page, "customers").starts_with("Page 2 of "));
    // On a page the URL names, it is pinned above that page's rows, saying where it is.
    let page = app
        .get_html(&format!("/customers?customer={added}&c_page=1"))
        .await;
    let rows = customer_rows(&page);
    assert_eq!(rows[0], added, "pinned first");
    assert_eq!(rows.len(), 51);
    assert!(page.contains("class=\"selected pinned\""));
    assert!(page.contains("Selected; it is on page 2 of this list."));
}

#[tokio::test]
async fn the_quick_search_jumps_to_the_customer() {
    let app = spawn_admin().await;
    let a = app
        .create_customer_with(
            "qalpha",
            &[("company", "Quartz Alpha AS"), ("email", "a@q.example")],
        )
        .await;
    let _b = app
        .create_customer_with("qbeta", &[("company", "Quartz Beta AS")])
        .await;
    app.add_ip_device(a, "192.0.2.77").await;
    for (typed, expect) in [
        ("qalpha", format!("/customers?customer={a}")),
        ("qalpha-web", format!("/customers?customer={a}")),
        ("192.0.2.77", format!("/customers?customer={a}")),
        ("Alpha", format!("/customers?customer={a}")),
        ("quartz", "/customers?q_company=quartz".to_string()),
        ("Nothing Like It", "/customers".to_string()),
    ] {
        let r = app
            .get(&format!("/customers/find?q={}", typed.replace(' ', "+")))
            .await;
        assert_eq!(r.status().as_u16(), 303, "{typed}");
        assert_eq!(location(&r), expect, "{typed}");
    }
    let page = app.get_html("/customers").await;
    assert!(page.contains("No customer matches “Nothing Like It”"));
    let page = app.get_html("/customers?q_company=quartz").await;
    assert_eq!(customer_rows(&page).len(), 2);
}

#[tokio::test]
async fn the_quick_search_stays_inside_the_operators_provider() {
    let app = spawn_admin().await;
    let ours = app.create_customer("ours1", "Ours AS").await;
    let theirs = app.create_customer("theirs1", "Theirs AS").await;
    let p2 = app.service_provider("Other SP");
    diesel::sql_query(format!(
        "UPDATE customers SET service_provider_id = {p2} WHERE id = {ours}"
    ))
    .execute(&mut app.db())
    .unwrap();
    let id = app.new_operator("limited1", "operator").await;
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
    let limited = app
        .signed_in_as("limited1", crate::common::OPERATOR_PASSWORD)
        .await;
    let r = limited.get("/customers/find?q=theirs1").await;
    assert_eq!(
        location(&r),
        "/customers",
        "another provider's customer is not found"
    );
    let r = limited.get("/customers/find?q=ours1").await;
    assert_eq!(location(&r), format!("/customers?customer={ours}"));
    let _ = theirs;
}

#[tokio::test]
async fn the_card_shows_contact_and_who_changed_it_last() {
    let app = spawn_admin().await;
    let c = app
        .create_customer_with(
            "cardy",
            &[("email", "ops@cardy.example"), ("phone", "4790000000")],
        )
        .await;
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(page.contains(
        "<dd data-field=\"email\"><a href=\"mailto:ops@cardy.example\">ops@cardy.example</a></dd>"
    ));
    assert!(page.contains("<dd data-field=\"phone\">4790000000</dd>"));
    assert!(
        page.contains("<dd data-field=\"last_change\">by admin at "),
        "{page}"
    );
}

#[tokio::test]
async fn inline_names_are_limited_as_the_forms() {
    let app = spawn_admin().await;
    let c = app.create_customer("limits", "Limits AS").await;
    let s = app.create_site(c, "Oslo").await;
    let page = app
        .get_html(&format!("/customers?customer={c}&site={s}"))
        .await;
    let sites = crate::common::pane_section(&page, "sites").unwrap();
    assert!(sites.contains(&format!(
        "name=\"name_{s}\" value=\"Oslo\" maxlength=\"30\""
    )));
    let customers = crate::common::pane_section(&page, "customers").unwrap();
    assert!(customers.contains(&format!(
        "name=\"name_{c}\" value=\"Ann Berg\" maxlength=\"100\""
    )));
}

#[tokio::test]
async fn a_site_is_selected_only_under_its_own_customer_and_shown_from_any_page() {
    let app = spawn_admin().await;
    let a = app.create_customer("ownera", "Owner A AS").await;
    let b = app.create_customer("ownerb", "Owner B AS").await;
    let theirs = app.create_site(b, "Their Site").await;
    let mut ours = Vec::new();
    for n in 0..30 {
        ours.push(app.create_site(a, &format!("Site {n:02}")).await);
    }
    // Sorted by name, "Site 29" is on page 2 of 25 rows.
    let r = app
        .post_form(
            "/preferences/page-size",
            &[
                ("pane", "sites"),
                ("size", "25"),
                ("return_to", "/customers"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let last = ours[29];
    app.create_link(last, "Uplink 29", "192.0.2.29").await;

    // Named beside its customer, from the link the sites pane gives: selected, its links shown.
    let page = app
        .get_html(&format!("/customers?customer={a}&site={}", ours[3]))
        .await;
    let sites = crate::common::pane_section(&page, "sites").unwrap();
    assert!(sites.contains(&format!("<tr data-id=\"{}\" class=\"selected\"", ours[3])));
    assert!(crate::common::pane_section(&page, "links").is_some());

    // On a later page than the one the URL names: pinned above it, its links shown.
    let page = app
        .get_html(&format!("/customers?customer={a}&site={last}&s_page=1"))
        .await;
    let sites = crate::common::pane_section(&page, "sites").unwrap();
    assert!(sites.contains(&format!("<tr data-id=\"{last}\" class=\"selected pinned\"")));
    let links = crate::common::pane_section(&page, "links").expect("the links pane");
    assert!(links.contains("Uplink 29"));
    // With no page named, the pane opens on its page.
    let page = app
        .get_html(&format!("/customers?customer={a}&site={last}"))
        .await;
    assert!(pager_text(&page, "sites").starts_with("Page 2 of 2"));

    // Another customer's site named beside this customer: not selected, nothing of it shown.
    let page = app
        .get_html(&format!("/customers?customer={a}&site={theirs}"))
        .await;
    let sites = crate::common::pane_section(&page, "sites").expect("the customer's sites");
    assert!(sites.contains(&format!("<tr data-id=\"{}\">", ours[0])));
    assert!(!sites.contains(&format!("data-id=\"{theirs}\"")));
    assert!(!sites.contains("class=\"selected"));
    assert!(crate::common::pane_section(&page, "links").is_none());
    assert!(page.contains("Select a site to see its access links."));
    assert!(!page.contains("Their Site"));
}
