use crate::common::{pane_input as input_value, save_form_fields, spawn_app, TestApp};

async fn two_sites(app: &TestApp) -> (i64, i64, i64) {
    app.login_admin().await;
    let c = app.create_customer("saver", "Saver AS").await;
    let s1 = app.create_site(c, "Oslo").await;
    let s2 = app.create_site(c, "Bergen").await;
    (c, s1, s2)
}

#[tokio::test]
async fn saving_a_pane_updates_every_changed_row_together() {
    let app = spawn_app().await;
    let (c, s1, s2) = two_sites(&app).await;
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    let (v1, v2) = (
        input_value(&page, "sites", &format!("v_{s1}")).unwrap(),
        input_value(&page, "sites", &format!("v_{s2}")).unwrap(),
    );
    let (n1, n2, d1) = (
        format!("name_{s1}"),
        format!("name_{s2}"),
        format!("description_{s1}"),
    );
    let (on1, on2, od1) = (
        format!("o_name_{s1}"),
        format!("o_name_{s2}"),
        format!("o_description_{s1}"),
    );
    let (vk1, vk2) = (format!("v_{s1}"), format!("v_{s2}"));
    let r = app
        .post_form(
            &format!("/customers/{c}/sites/save"),
            &[
                (&vk1, &v1),
                (&n1, "Oslo HQ"),
                (&on1, "Oslo"),
                (&d1, "Head office"),
                (&od1, "A site"),
                (&vk2, &v2),
                (&n2, "Bergen Branch"),
                (&on2, "Bergen"),
                ("return_to", &format!("/customers?customer={c}")),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        crate::common::location(&r),
        format!("/customers?customer={c}")
    );
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(page.contains("Saved 2 changes."));
    assert_eq!(input_value(&page, "sites", &n1).as_deref(), Some("Oslo HQ"));
    assert_eq!(
        input_value(&page, "sites", &d1).as_deref(),
        Some("Head office")
    );
    assert_eq!(
        input_value(&page, "sites", &n2).as_deref(),
        Some("Bergen Branch")
    );
    let log = app
        .get_html(&format!("/audit?object_type=site&object_id={s1}"))
        .await;
    assert!(log.contains("update") && log.contains("Oslo HQ"));
}

/// The sites' save form as the page holds it, with the cell `name` set to `value`: what a
/// browser without scripts posts (every cell, the versions in one field).
fn form_with(page: &str, name: &str, value: &str) -> (String, Vec<(String, String)>) {
    let (action, mut fields) = save_form_fields(page, "sites").expect("the sites' save form");
    for (k, v) in fields.iter_mut() {
        if k == name {
            *v = value.into();
        }
    }
    (action, fields)
}

async fn post_fields(app: &TestApp, (action, fields): &(String, Vec<(String, String)>)) -> u16 {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.post_raw(action, &pairs).await.status().as_u16()
}

#[tokio::test]
async fn the_pane_form_as_the_page_holds_it_saves_and_is_refused_when_stale() {
    let app = spawn_app().await;
    let (c, s1, s2) = two_sites(&app).await;
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    let (n1, n2) = (format!("name_{s1}"), format!("name_{s2}"));
    let stale = form_with(&page, &n1, "Oslo Harbour");
    assert_eq!(stale.0, format!("/customers/{c}/sites/save"));
    let versions = stale
        .1
        .iter()
        .find(|(k, _)| k == "versions")
        .map(|(_, v)| v.clone())
        .expect("the rows' versions in one field");
    assert!(versions.contains(&format!("{s1}:")) && versions.contains(&format!("{s2}:")));
    assert!(
        !stale.1.iter().any(|(k, _)| k.starts_with("v_")),
        "no field per row for versions"
    );

    // Someone else renames Bergen meanwhile: this page posts Bergen's old name with its old
    // version, so the whole save is refused and nothing is overwritten.
    let other = app.another_browser();
    other.login_admin().await;
    let r = other
        .post_form(
            &format!("/customers/{c}/sites/save"),
            &[(&*format!("v_{s2}"), "1"), (&*n2, "Bergen Port")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(post_fields(&app, &stale).await, 422);
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert_eq!(input_value(&page, "sites", &n1).as_deref(), Some("Oslo"));
    assert_eq!(
        input_value(&page, "sites", &n2).as_deref(),
        Some("Bergen Port")
    );

    // From the page as it is now, the same edit saves, and only that row.
    assert_eq!(
        post_fields(&app, &form_with(&page, &n1, "Oslo Harbour")).await,
        303
    );
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(
        page.contains("Saved 1 change."),
        "only the edited row is saved"
    );
    assert_eq!(
        input_value(&page, "sites", &n1).as_deref(),
        Some("Oslo Harbour")
    );
    assert_eq!(
        input_value(&page, "sites", &n2).as_deref(),
        Some("Bergen Port")
    );
}

#[tokio::test]
async fn a_stale_save_is_refused_naming_the_row_and_nothing_is_overwritten() {
    let app = spawn_app().await;
    let (c, s1, s2) = two_sites(&app).await;
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    let v1 = input_value(&page, "sites", &format!("v_{s1}")).unwrap();
    let v2 = input_value(&page, "sites", &format!("v_{s2}")).unwrap();

    // Someone else renames Bergen meanwhile.
    let r = app
        .post_form(
            &format!("/sites/{s2}"),
            &[
                ("name", "Bergen (theirs)"),
                ("description", ""),
                ("address", ""),
                ("country", "NO"),
                ("time_zone", "Europe/Oslo"),
                ("version", &v2),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    let (n1, n2) = (format!("name_{s1}"), format!("name_{s2}"));
    let (on1, on2) = (format!("o_name_{s1}"), format!("o_name_{s2}"));
    let (vk1, vk2) = (format!("v_{s1}"), format!("v_{s2}"));
    let r = app
        .post_form(
            &format!("/customers/{c}/sites/save"),
            &[
                (&vk1, &v1),
                (&n1, "Oslo (mine)"),
                (&on1, "Oslo"),
                (&vk2, &v2),
                (&n2, "Bergen (mine)"),
                (&on2, "Bergen"),
                ("return_to", &format!("/customers?customer={c}")),
            ],
        )
        .await;
    // The page comes back with both edits kept and the refusal above the pane.
    assert_eq!(r.status().as_u16(), 422);
    let refused = r.text().await.unwrap();
    assert!(
        refused.contains("was changed by someone else"),
        "refusal explained"
    );
    assert!(refused.contains("“Bergen (theirs)”"), "the row is named");
    assert_eq!(
        input_value(&refused, "sites", &n1).as_deref(),
        Some("Oslo (mine)")
    );
    assert_eq!(
        input_value(&refused, "sites", &n2).as_deref(),
        Some("Bergen (mine)")
    );
    // Shown at the version it was made at: saving it again is refused again, not overwriting.
    assert_eq!(
        input_value(&refused, "sites", &vk2).as_deref(),
        Some(v2.as_str())
    );
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert_eq!(
        input_value(&page, "sites", &n1).as_deref(),
        Some("Oslo"),
        "the fresh row was not saved either"
    );
    assert_eq!(
        input_value(&page, "sites", &n2).as_deref(),
        Some("Bergen (theirs)"),
        "their change stands"
    );
}

#[tokio::test]
async fn invalid_inline_values_are_refused_whole() {
    let app = spawn_app().await;
    let (c, s1, s2) = two_sites(&app).await;
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    let v1 = input_value(&page, "sites", &format!("v_{s1}")).unwrap();
    let v2 = input_value(&page, "sites", &format!("v_{s2}")).unwrap();
    let long = "x".repeat(31);
    let (n1, n2) = (format!("name_{s1}"), format!("name_{s2}"));
    let (on1, on2) = (format!("o_name_{s1}"), format!("o_name_{s2}"));
    let (vk1, vk2) = (format!("v_{s1}"), format!("v_{s2}"));
    let r = app
        .post_form(
            &format!("/customers/{c}/sites/save"),
            &[
                (&vk1, &v1),
                (&n1, "Fine"),
                (&on1, "Oslo"),
                (&vk2, &v2),
                (&n2, &long),
                (&on2, "Bergen"),
                ("return_to", &format!("/customers?customer={c}")),
            ],
        )
        .await;
    // Every edit is kept, the bad cell is marked and named, the summary links to it.
    assert_eq!(r.status().as_u16(), 422);
    let refused = r.text().await.unwrap();
    assert_eq!(input_value(&refused, "sites", &n1).as_deref(), Some("Fine"));
    assert_eq!(
        input_value(&refused, "sites", &n2).as_deref(),
        Some(long.as_str())
    );
    assert!(refused.contains(&format!(
        "id=\"sites-{n2}\" maxlength=\"30\" aria-label=\"Name of Bergen\" class=\"dirty\" data-o=\"Bergen\" aria-invalid=\"true\" aria-describedby=\"e-sites-{n2}\""
    )), "{refused}");
    assert!(refused.contains(&format!(
        "<span class=\"error\" id=\"e-sites-{n2}\">“Bergen”: "
    )));
    assert!(refused.contains(&format!(
        "<a href=\"#sites-{n2}\">Go to the cell: Name of Bergen</a>"
    )));
    assert!(refused.contains("at most 30 characters"));
    // Nothing was saved.
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert_eq!(input_value(&page, "sites", &n1).as_deref(), Some("Oslo"));
    assert_eq!(input_value(&page, "sites", &n2).as_deref(), Some("Bergen"));
}

#[tokio::test]
async fn customer_and_link_panes_save_too() {
    let app = spawn_app().await;
    let (c, s1, _) = two_sites(&app).await;
    let l = app.create_link(s1, "DSL-1", "").await;
    let page = app
        .get_html(&format!("/customers?customer={c}&site={s1}"))
        .await;
    let vc = input_value(&page, "customers", &format!("v_{c}")).unwrap();
    let vl = input_value(&page, "links", &format!("v_{l}")).unwrap();
    let (kc, kl) = (format!("v_{c}"), format!("v_{l}"));
    let (nc, onc) = (format!("name_{c}"), format!("o_name_{c}"));
    let (nl, onl) = (format!("name_{l}"), format!("o_name_{l}"));
    assert_eq!(
        app.post_form(
            "/customers/save",
            &[(&kc, &vc), (&nc, "Kari Nordmann"), (&onc, "Ann Berg")]
        )
        .await
        .status()
        .as_u16(),
        303
    );
    assert_eq!(
        app.post_form(
            &format!("/sites/{s1}/links/save"),
            &[(&kl, &vl), (&nl, "DSL-primary"), (&onl, "DSL-1")]
        )
        .await
        .status()
        .as_u16(),
        303
    );
    let page = app
        .get_html(&format!("/customers?customer={c}&site={s1}"))
        .await;
    assert_eq!(
        input_value(&page, "customers", &nc).as_deref(),
        Some("Kari Nordmann")
    );
    assert_eq!(
        input_value(&page, "links", &nl).as_deref(),
        Some("DSL-primary")
    );
}

#[tokio::test]
async fn a_pane_cannot_save_rows_of_another_parent() {
    let app = spawn_app().await;
    let (c, s1, _) = two_sites(&app).await;
    let other = app.create_customer("other", "Other AS").await;
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    let v1 = input_value(&page, "sites", &format!("v_{s1}")).unwrap();
    let (vk, n, on) = (
        format!("v_{s1}"),
        format!("name_{s1}"),
        format!("o_name_{s1}"),
    );
    app.post_form(
        &format!("/customers/{other}/sites/save"),
        &[(&vk, &v1), (&n, "Hijacked"), (&on, "Oslo")],
    )
    .await;
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert_eq!(input_value(&page, "sites", &n).as_deref(), Some("Oslo"));
}

#[tokio::test]
async fn saving_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    let (c, s1, _) = two_sites(&app).await;
    let (vk, n, on) = (
        format!("v_{s1}"),
        format!("name_{s1}"),
        format!("o_name_{s1}"),
    );
    let r = app
        .post_raw(
            &format!("/customers/{c}/sites/save"),
            &[(&vk, "1"), (&n, "Nope"), (&on, "Oslo")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert_eq!(input_value(&page, "sites", &n).as_deref(), Some("Oslo"));
}
