//! Reference data pages (admins only) and the settings page.

use crate::common::{spawn_admin, spawn_app};
use crate::subscriber_support::*;

#[tokio::test]
async fn a_fresh_database_has_the_defaults_the_forms_need() {
    let app = spawn_admin().await;
    for (slug, expected) in [
        ("service-providers", "Default provider"),
        ("product-types", "Prepaid Standard"),
        ("currencies", "EUR"),
        ("languages", "English"),
        ("closed-user-groups", "Head office"),
        ("charging-domains", "VWS Domain 1"),
    ] {
        let r = app.get(&format!("/admin/reference/{slug}")).await;
        assert_eq!(r.status().as_u16(), 200, "{slug}");
        let html = r.text().await.unwrap();
        assert!(html.contains(expected), "{slug} lists {expected}");
        assert!(html.contains("<tr data-id=\""), "{slug} rows carry data-id");
    }
    assert_eq!(
        app.get("/admin/reference/tariffs").await.status().as_u16(),
        404
    );
}

#[tokio::test]
async fn admins_add_and_delete_unused_entries() {
    let app = spawn_admin().await;
    let r = post(
        &app,
        "/admin/reference/languages",
        &[("name", "Icelandic".to_string())],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = post(
        &app,
        "/admin/reference/languages",
        &[("name", "Icelandic".to_string())],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422, "no duplicates");
    let r = post(
        &app,
        "/admin/reference/languages",
        &[("name", "".to_string())],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = post(
        &app,
        "/admin/reference/currencies",
        &[
            ("code", "isk".into()),
            ("name", "Icelandic króna".into()),
            ("decimals", "0".into()),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let html = app.get_html("/admin/reference/currencies").await;
    assert!(html.contains("ISK") && html.contains("Icelandic króna"));
    for (code, decimals) in [("EURO", "2"), ("CHF", "4")] {
        let r = post(
            &app,
            "/admin/reference/currencies",
            &[
                ("code", code.into()),
                ("name", "X".into()),
                ("decimals", decimals.into()),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422, "{code} {decimals}");
    }
    // The new language is offered on the new-subscriber form; once used it cannot go.
    let form = app.get_html("/subscribers/new").await;
    assert!(form.contains("Icelandic"));
    let mut conn = db(&app);
    let lang = selfcare::db::models::ref_data::list(
        &mut conn,
        selfcare::db::models::ref_data::RefKind::Languages,
    )
    .unwrap()
    .into_iter()
    .find(|e| e.name == "Icelandic")
    .unwrap()
    .id;
    let r = post(
        &app,
        "/subscribers",
        &with(
            subscriber_fields("REF1", "4760000001"),
            &[("language", &lang.to_string())],
        ),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(&format!("/admin/reference/languages/{lang}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r.text().await.unwrap().contains("still in use"));
    let r = app
        .post_form("/admin/reference/languages/8/delete", &[])
        .await;
    assert_eq!(r.status().as_u16(), 303, "Spanish is unused");
    assert!(!app
        .get_html("/admin/reference/languages")
        .await
        .contains("<td>Spanish</td>"));
    // A provider with subscribers stays.
    let r = app
        .post_form("/admin/reference/service-providers/1/delete", &[])
        .await;
    assert_eq!(r.status().as_u16(), 409);
    let log = app.get_html("/audit?object_type=language").await;
    assert!(log.contains("Icelandic"));
}

#[tokio::test]
async fn only_admins_reach_the_reference_and_settings_pages() {
    let app = spawn_app().await;
    app.create_operator("olga", "Operator-Passw0rd!", "operator");
    app.login("olga", "Operator-Passw0rd!").await;
    for path in ["/admin/reference/languages", "/admin/settings"] {
        assert_eq!(app.get(path).await.status().as_u16(), 403, "{path}");
    }
    let r = app
        .post_form("/admin/settings", &[("audit_financial_changes", "on")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .post_form("/admin/reference/languages", &[("name", "Klingon")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(!app
        .get_html("/subscribers")
        .await
        .contains("/admin/settings"));
}

#[tokio::test]
async fn the_audit_setting_is_stored_and_audited() {
    let app = spawn_admin().await;
    assert!(!app.get_html("/admin/settings").await.contains(" checked"));
    set_auditing(&app, true).await;
    let html = app.get_html("/admin/settings").await;
    assert!(html.contains(" checked") && html.contains("now ask for a reason"));
    let mut conn = db(&app);
    assert!(selfcare::db::models::settings::audit_financial_changes(&mut conn).unwrap());
    set_auditing(&app, false).await;
    assert!(!selfcare::db::models::settings::audit_financial_changes(&mut conn).unwrap());
    let log = app.get_html("/audit?object_type=setting").await;
    assert!(
        log.contains("Audit financial changes: no → yes"),
        "the change in words: {log}"
    );
}
