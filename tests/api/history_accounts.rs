//! Each account object's own history on its page: an operator's on `/operators/{id}`, a
//! branding profile's on its edit form, naming the changed field and who changed it.

use crate::common::{location, spawn_admin};

/// The rows of the page's history table (empty when the page shows none).
fn history_rows(page: &str) -> Vec<String> {
    let Some(start) = page.find("id=\"history\"") else {
        return Vec::new();
    };
    let table = &page[start..];
    let table = &table[..table.find("</table>").unwrap_or(table.len())];
    table
        .split("<tr data-id=")
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn an_operators_page_shows_its_own_history_with_the_changed_field_and_who() {
    let app = spawn_admin().await;
    let id = app.new_operator("olga", "operator").await;
    let r = app
        .post_form(
            &format!("/operators/{id}"),
            &[("role", "viewer"), ("service_provider_id", "")],
        )
        .await;
    assert_eq!(location(&r), format!("/operators/{id}"));

    let page = app.get_html(&format!("/operators/{id}")).await;
    assert!(page.contains("<h2 id=\"h-history\">History</h2>"), "{page}");
    let rows = history_rows(&page);
    assert_eq!(rows.len(), 2, "created, then the role changed: {rows:?}");
    let update = &rows[0];
    assert!(update.contains("<td>update</td>"), "{update}");
    assert!(
        update
            .contains("<span class=\"change\" data-field=\"role\">Role: operator → viewer</span>"),
        "the changed field: {update}"
    );
    assert!(update.contains("<td>operator:admin</td>"), "who: {update}");
    assert!(rows[1].contains("<td>created</td>"), "{}", rows[1]);
    // Another operator's page does not show olga's changes.
    let admin_page = app.get_html("/operators/1").await;
    assert!(!history_rows(&admin_page)
        .iter()
        .any(|r| r.contains("<td>role</td>")));
}

#[tokio::test]
async fn a_branding_profiles_edit_page_shows_its_own_history_with_the_changed_field_and_who() {
    let app = spawn_admin().await;
    let r = app.post_branding("Nordic", "#112233", None).await;
    assert_eq!(r.status().as_u16(), 303);
    let id = app.branding_id("Nordic").await;
    let r = app
        .post_multipart(
            &format!("/brandings/{id}"),
            &[
                ("name", "Nordic"),
                ("display_name", "Nordic Light"),
                ("primary_color", "#112233"),
                ("footer_text", "Support: 555 0100"),
                ("version", "1"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    let page = app.get_html(&format!("/brandings/{id}/edit")).await;
    assert!(page.contains("<h2 id=\"h-history\">History</h2>"), "{page}");
    let rows = history_rows(&page);
    assert_eq!(rows.len(), 2, "created, then edited: {rows:?}");
    let update = &rows[0];
    assert!(update.contains("<td>update</td>"), "{update}");
    assert!(
        update.contains("data-field=\"display_name\">Display name: "),
        "the changed field: {update}"
    );
    assert!(update.contains("<td>operator:admin</td>"), "who: {update}");
    assert!(update.contains("<td>Branding profile</td>"), "{update}");
}
