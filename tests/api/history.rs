//! Each object's own history on its edit page: after an edit, the customer, site and access link
//! edit pages show a row naming the operator and the field that changed.

use crate::common::{set, spawn_app, valid_customer_fields, TestApp};

/// The cells of each row of the page's history table (none when there is no table).
fn history_rows(html: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find("id=\"history\"") else {
        return Vec::new();
    };
    let table = &html[start..];
    let table = &table[..table.find("</table>").unwrap_or(table.len())];
    table
        .split("<tr data-id=")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let body = &cell[cell.find('>').map_or(0, |i| i + 1)..];
                    body[..body.find("</td>").unwrap_or(body.len())].to_string()
                })
                .collect()
        })
        .collect()
}

/// Whether the edit page at `path` shows an update by `actor` that changed `field`.
async fn shows_update(app: &TestApp, path: &str, actor: &str, field: &str) -> bool {
    let html = app.get_html(path).await;
    assert!(
        html.contains("<h2 id=\"h-history\">History</h2>"),
        "{path}: heading"
    );
    history_rows(&html).iter().any(|cells| {
        // When, who, action, object, changed, reason.
        cells.len() == 6
            && cells[1] == actor
            && cells[2] == "update"
            && cells[4].contains(&format!("data-field=\"{field}\""))
    })
}

fn hidden_version(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let start = html.find(marker).expect("version field") + marker.len();
    let end = html[start..].find('"').expect("end of version") + start;
    html[start..end].to_string()
}

#[tokio::test]
async fn edit_pages_show_the_objects_own_history() {
    let app = spawn_app().await;
    app.login_admin().await;
    let c = app.create_customer("histo", "Histo AS").await;
    let s = app.create_site(c, "Oslo").await;
    let l = app.create_link(s, "Uplink", "192.0.2.1").await;

    // The customer: a new company name.
    let path = format!("/customers/{c}/edit");
    let version = hidden_version(&app.get_html(&path).await);
    let mut f = valid_customer_fields();
    set(&mut f, "username", "histo");
    set(&mut f, "webid", "histo-web");
    set(&mut f, "company", "Histo Group AS");
    set(&mut f, "password", "");
    set(&mut f, "password_confirm", "");
    f.push(("version", version));
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form(&format!("/customers/{c}"), &pairs).await;
    assert_eq!(r.status().as_u16(), 303, "customer saved");
    assert!(
        !shows_update(&app, &path, "operator:admin", "email").await,
        "only what changed is named"
    );
    assert!(shows_update(&app, &path, "operator:admin", "company").await);

    // The site: a new address.
    let r = app
        .post_form(
            &format!("/sites/{s}"),
            &[
                ("name", "Oslo"),
                ("description", "A site"),
                ("address", "Karl Johans gate 2"),
                ("country", "NO"),
                ("time_zone", "Europe/Oslo"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "site saved");
    let path = format!("/sites/{s}/edit");
    assert!(shows_update(&app, &path, "operator:admin", "address").await);

    // The link: a new circuit id.
    let r = app
        .post_form(
            &format!("/links/{l}"),
            &[
                ("name", "Uplink"),
                ("description", "Uplink"),
                ("link_type", "FIBER"),
                ("bandwidth_down_kbps", "100000"),
                ("bandwidth_up_kbps", "50000"),
                ("ip_address", "192.0.2.1"),
                ("circuit_id", "CKT-2"),
                ("status", "ACTIVE"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "link saved");
    let path = format!("/links/{l}/edit");
    assert!(shows_update(&app, &path, "operator:admin", "circuit_id").await);
}
