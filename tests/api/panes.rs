use crate::common::{spawn_admin, spawn_app, TestApp};

/// The `data-id`s of the rows of one pane, in page order.
fn row_ids(html: &str, pane: &str) -> Vec<i64> {
    let start = match html.find(&format!("id=\"pane-{pane}\"")) {
        Some(s) => s,
        None => return Vec::new(),
    };
    let rest = &html[start..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    rest[..end]
        .match_indices("<tr data-id=\"")
        .filter_map(|(i, m)| {
            let s = &rest[i + m.len()..];
            s[..s.find('"')?].parse().ok()
        })
        .collect()
}

async fn seed(app: &TestApp) -> (i64, i64, i64, i64) {
    app.login_admin().await;
    let a = app.create_customer("alpha", "Alpha Foods AS").await;
    let b = app.create_customer("bravo", "Bravo Energy Ltd").await;
    let s = app.create_site(a, "Oslo HQ").await;
    let l = app.create_link(s, "FIBER-1", "192.0.2.0/30").await;
    (a, b, s, l)
}

#[tokio::test]
async fn selecting_customer_site_and_link_fills_the_panes() {
    let app = spawn_app().await;
    let (a, b, s, l) = seed(&app).await;
    let _other_site = app.create_site(b, "Bergen Depot").await;

    let page = app.get_html("/customers").await;
    assert_eq!(row_ids(&page, "customers").len(), 2);
    assert!(row_ids(&page, "sites").is_empty());
    assert!(page.contains("Select a customer to see its sites."));

    let page = app.get_html(&format!("/customers?customer={a}")).await;
    assert_eq!(row_ids(&page, "sites"), vec![s], "only Alpha's sites");
    assert!(!page.contains("Bergen Depot"));

    let page = app
        .get_html(&format!("/customers?customer={a}&site={s}"))
        .await;
    assert_eq!(row_ids(&page, "links"), vec![l]);

    let page = app
        .get_html(&format!("/customers?customer={a}&site={s}&link={l}"))
        .await;
    assert!(page.contains(&format!(
        "<tr data-id=\"{l}\" class=\"selected\" aria-selected=\"true\"><td class=\"sel\"><a href="
    )));
    assert!(page.contains("id=\"link-details\""));
    assert!(page.contains("192.0.2.0/30"));
    assert!(page.contains("CKT-1"));
}

#[tokio::test]
async fn a_bookmarked_link_alone_brings_its_site_and_customer() {
    let app = spawn_app().await;
    let (a, _, s, l) = seed(&app).await;
    let page = app.get_html(&format!("/customers?link={l}")).await;
    assert_eq!(row_ids(&page, "sites"), vec![s]);
    assert_eq!(row_ids(&page, "links"), vec![l]);
    assert!(page.contains(&format!("/customers/{a}/sites/new")));
}

#[tokio::test]
async fn a_site_of_another_customer_is_not_shown_under_the_wrong_one() {
    let app = spawn_app().await;
    let (_, b, s, _) = seed(&app).await;
    let page = app
        .get_html(&format!("/customers?customer={b}&site={s}"))
        .await;
    assert!(row_ids(&page, "links").is_empty());
    assert!(!page.contains("Oslo HQ"));
}

#[tokio::test]
async fn sorting_by_a_column_both_ways() {
    let app = spawn_app().await;
    let (a, b, ..) = seed(&app).await;
    let asc = app.get_html("/customers?c_sort=company&c_dir=asc").await;
    assert_eq!(row_ids(&asc, "customers"), vec![a, b]);
    let desc = app.get_html("/customers?c_sort=company&c_dir=desc").await;
    assert_eq!(row_ids(&desc, "customers"), vec![b, a]);
    assert!(desc.contains("aria-sort=\"descending\""));
    let by_user = app.get_html("/customers?c_sort=username&c_dir=desc").await;
    assert_eq!(row_ids(&by_user, "customers"), vec![b, a]);
    // Unknown sort columns fall back to the default instead of reaching SQL.
    let bogus = app
        .get_html("/customers?c_sort=password_hash&c_dir=desc")
        .await;
    assert_eq!(row_ids(&bogus, "customers"), vec![b, a]);
}

#[tokio::test]
async fn filters_narrow_the_customers_pane() {
    let app = spawn_app().await;
    let (a, b, ..) = seed(&app).await;
    let cases: Vec<(String, Vec<i64>)> = vec![
        ("q_company=alpha".into(), vec![a]),
        ("q_company=LTD".into(), vec![b]),
        ("q_username=brav".into(), vec![b]),
        ("q_name=ann".into(), vec![a, b]),
        // IP address searches the customers' devices (tests/api/telephony.rs), not links.
        ("q_ip=192.0.2".into(), vec![]),
        ("q_status=active".into(), vec![a, b]),
        ("q_status=suspended".into(), vec![]),
        ("q_sip_user=anything".into(), vec![]),
        ("q_company=%25".into(), vec![]),
    ];
    for (q, expected) in cases {
        let page = app.get_html(&format!("/customers?{q}")).await;
        assert_eq!(row_ids(&page, "customers"), expected, "{q}");
    }
    let page = app.get_html("/customers").await;
    let codes = crate::common::column_cells(&page, "customers", "account_code").unwrap();
    let code = &codes[0];
    let page = app.get_html(&format!("/customers?q_account={code}")).await;
    assert_eq!(row_ids(&page, "customers").len(), 1);
}

#[tokio::test]
async fn panes_paginate() {
    let app = spawn_admin().await;
    let settings = crate::common::settings(&app.database_url);
    tokio::task::spawn_blocking(move || selfcare::cli::demo_data::run(&settings, 60, 0, 7))
        .await
        .unwrap()
        .unwrap();
    let first = app.get_html("/customers").await;
    assert_eq!(row_ids(&first, "customers").len(), 50);
    assert!(first.contains("c_page=2"));
    let second = app.get_html("/customers?c_page=2").await;
    let ids2 = row_ids(&second, "customers");
    assert_eq!(ids2.len(), 10);
    assert!(ids2
        .iter()
        .all(|id| !row_ids(&first, "customers").contains(id)));
    assert!(second.contains("rel=\"prev\""));
    assert!(!second.contains("rel=\"next\""));
}

#[tokio::test]
async fn column_choice_is_remembered_per_operator() {
    let app = spawn_app().await;
    seed(&app).await;
    let page = app.get_html("/customers").await;
    assert!(page.contains("<th aria-sort=\"none\" data-col=\"status\">"));
    let r = app
        .post_form(
            "/preferences/columns",
            &[
                ("pane", "customers"),
                ("col", "company"),
                ("col", "name"),
                ("col", "phone"),
                ("return_to", "/customers"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html("/customers").await;
    assert!(
        !page.contains("data-col=\"status\">"),
        "status column hidden"
    );
    assert!(
        crate::common::column_cells(&page, "customers", "phone")
            .unwrap()
            .contains(&"5551234567".to_string()),
        "phone column shown"
    );

    // Survives signing out and in again.
    app.post_form("/logout", &[]).await;
    app.login_admin().await;
    let page = app.get_html("/customers").await;
    assert!(!page.contains("data-col=\"status\">"));

    // Another operator still has the defaults.
    let other = app.operator_browser("olga", "operator").await;
    assert!(other
        .get_html("/customers")
        .await
        .contains("data-col=\"status\">"));

    // Unknown panes and columns are refused or ignored.
    let r = app
        .post_form("/preferences/columns", &[("pane", "secrets"), ("col", "x")])
        .await;
    assert_eq!(r.status().as_u16(), 400);
}
