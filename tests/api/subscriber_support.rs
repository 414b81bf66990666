//! Helpers of the subscriber tests: valid forms, creating subscribers and wallets over HTTP or
//! straight into the database (for volume), reading result tables and form fields.
#![allow(dead_code)]

use crate::common::{location, table_column, unescape, TestApp};
use selfcare::db::DbConnection;

pub fn subscriber_fields(card: &str, cli: &str) -> Vec<(&'static str, String)> {
    [
        ("service_provider_id", "1"),
        ("card_number", card),
        ("subscriber_id", cli),
        ("description", "Test subscriber"),
        ("pin_defined", "on"),
        ("pin", "1234"),
        ("pin_confirm", "1234"),
        ("language", "1"),
        ("cli_restricted", ""),
        ("disable_incoming_roaming", ""),
        ("blacklisted", ""),
        ("disable_sms", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

pub fn wallet_fields() -> Vec<(&'static str, String)> {
    [
        ("wallet_type", ""),
        ("link_existing", ""),
        ("wallet_ref", ""),
        ("charging_domain_id", "1"),
        ("product_type_id", "1"),
        ("display_currency_id", "1"),
        ("currency_id", "1"),
        ("customer", ""),
        ("limit_type", "prepaid"),
        ("min_credit", ""),
        ("max_concurrent", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

pub fn with(
    mut fields: Vec<(&'static str, String)>,
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    for (k, v) in changes {
        match fields.iter_mut().find(|(name, _)| name == k) {
            Some(f) => f.1 = v.to_string(),
            None => fields.push((k, v.to_string())),
        }
    }
    fields
}

pub async fn post(
    app: &TestApp,
    path: &str,
    fields: &[(&'static str, String)],
) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form(path, &pairs).await
}

/// Creates a subscriber through the form; returns its id.
pub async fn create_subscriber(app: &TestApp, card: &str, cli: &str) -> i64 {
    let r = post(app, "/subscribers", &subscriber_fields(card, cli)).await;
    assert_eq!(r.status().as_u16(), 303, "subscriber {card} is created");
    let to = location(&r);
    to.trim_start_matches("/subscribers/")
        .trim_end_matches("/wallets/new")
        .parse()
        .unwrap_or_else(|_| panic!("subscriber id in {to}"))
}

pub async fn add_wallet(
    app: &TestApp,
    subscriber: i64,
    changes: &[(&'static str, &str)],
) -> reqwest::Response {
    post(
        app,
        &format!("/subscribers/{subscriber}/wallets"),
        &with(wallet_fields(), changes),
    )
    .await
}

/// Adds a private wallet with this reference ("" for a generated one).
pub async fn add_private_wallet(app: &TestApp, subscriber: i64, wallet_ref: &str) {
    let r = add_wallet(app, subscriber, &[("wallet_ref", wallet_ref)]).await;
    let status = r.status().as_u16();
    let body = r.text().await.unwrap_or_default();
    assert_eq!(status, 303, "wallet {wallet_ref} is added: {body}");
}

/// The `data-id`s of the rows of the subscribers result table, top to bottom.
pub fn table_ids(html: &str) -> Vec<i64> {
    let Some(start) = html.find("id=\"subscribers\"") else {
        return Vec::new();
    };
    let end = html[start..]
        .find("</table>")
        .map(|e| start + e)
        .unwrap_or(html.len());
    html[start..end]
        .split("<tr data-id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

/// The text of one column of the subscribers result table, top to bottom; a missing header or
/// cell fails the test rather than giving an empty column.
pub fn column(html: &str, col: &str) -> Vec<String> {
    table_column(html, col)
        .unwrap_or_else(|| panic!("no header names {col}, or a row has no cell under it"))
        .iter()
        .map(|cell| strip_tags(cell))
        .collect()
}

pub fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The message shown under a field, if any.
pub fn field_error(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"e-{field}\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find("</p>")? + start;
    Some(html[start..end].to_string())
}

pub fn db(app: &TestApp) -> selfcare::db::PooledConn {
    app.db()
}

/// Inserts subscribers straight into the database (for volume tests): card numbers
/// `{prefix}{n:05}`, subscriber IDs `{cli_base + n}`.
pub fn insert_subscribers(conn: &mut DbConnection, sp: i64, prefix: &str, cli_base: u64, n: u64) {
    use selfcare::db::models::subscriber::{insert, NewSubscriber};
    for i in 0..n {
        insert(
            conn,
            &NewSubscriber {
                service_provider_id: sp,
                card_number: format!("{prefix}{i:05}"),
                cli: (cli_base + i).to_string(),
                description: String::new(),
                pin_hash: None,
                language_id: 1,
                cli_restricted: false,
                disable_incoming_roaming: false,
                blacklisted: false,
                disable_sms: false,
                created_at: 0,
                updated_at: 0,
            },
        )
        .expect("insert subscriber");
    }
}

/// Every field of the form `form_id` as a browser would post it (checked boxes only, selected
/// options), so tests change a field or two and send the rest as they are.
pub fn form_fields(html: &str, form_id: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("id=\"{form_id}\""))
        .unwrap_or_else(|| panic!("form {form_id} on the page"));
    let start = html[..start].rfind("<form").unwrap_or(start);
    let end = html[start..]
        .find("</form>")
        .map(|e| start + e)
        .unwrap_or(html.len());
    let body = &html[start..end];
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        if let Some(t) = tag.strip_prefix("<input") {
            let name = attr(t, "name");
            let kind = attr(t, "type").unwrap_or_else(|| "text".into());
            if let Some(name) = name {
                let disabled = has_flag(t, "disabled");
                let value = attr(t, "value").unwrap_or_default();
                match kind.as_str() {
                    _ if disabled => {}
                    "checkbox" | "radio" => {
                        if has_flag(t, "checked") {
                            out.push((name, if value.is_empty() { "on".into() } else { value }));
                        }
                    }
                    "submit" | "button" | "reset" => {}
                    _ => out.push((name, value)),
                }
            }
        } else if let Some(t) = tag.strip_prefix("<select") {
            if let Some(name) = attr(t, "name") {
                let close = rest.find("</select>").unwrap_or(rest.len());
                let inner = &rest[..close];
                let mut chosen = None;
                let mut first = None;
                for opt in inner.split("<option").skip(1) {
                    let o = &opt[..opt.find('>').unwrap_or(opt.len())];
                    let v = attr(o, "value").unwrap_or_default();
                    if first.is_none() {
                        first = Some(v.clone());
                    }
                    if has_flag(o, "selected") {
                        chosen = Some(v);
                    }
                }
                if !has_flag(t, "disabled") {
                    out.push((name, chosen.or(first).unwrap_or_default()));
                }
            }
        } else if let Some(t) = tag.strip_prefix("<textarea") {
            if let Some(name) = attr(t, "name") {
                let after = &rest[tag_end + 1..];
                let close = after.find("</textarea>").unwrap_or(0);
                if !has_flag(t, "disabled") {
                    out.push((name, unescape(&after[..close])));
                }
            }
        }
        rest = &rest[1..];
    }
    out
}

fn has_flag(tag: &str, flag: &str) -> bool {
    tag.split(|c: char| c.is_whitespace() || c == '>')
        .any(|w| w == flag || w.starts_with(&format!("{flag}=")))
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Replaces (or adds) fields in a scraped form; `None` removes the field (an unticked box).
pub fn set_fields(fields: &mut Vec<(String, String)>, changes: &[(&str, Option<&str>)]) {
    for (name, value) in changes {
        fields.retain(|(k, _)| k != name);
        if let Some(v) = value {
            fields.push((name.to_string(), v.to_string()));
        }
    }
}

/// Posts scraped fields (they carry the CSRF token of the page they came from).
pub async fn post_scraped(
    app: &TestApp,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .expect("POST")
}

/// The edit screen's form as a browser would send it unchanged.
pub async fn edit_form(app: &TestApp, id: i64) -> Vec<(String, String)> {
    let html = app.get_html(&format!("/subscribers/{id}")).await;
    form_fields(&html, "edit-form")
}

/// Opens the edit screen, changes the given fields, saves.
pub async fn save_with(
    app: &TestApp,
    id: i64,
    changes: &[(&str, Option<&str>)],
) -> reqwest::Response {
    let mut fields = edit_form(app, id).await;
    set_fields(&mut fields, changes);
    post_scraped(app, &format!("/subscribers/{id}"), &fields).await
}

/// Saves and expects it to go through.
pub async fn save_ok(app: &TestApp, id: i64, changes: &[(&str, Option<&str>)]) {
    let r = save_with(app, id, changes).await;
    let status = r.status().as_u16();
    let body = r.text().await.unwrap_or_default();
    let errors: Vec<&str> = body
        .split("class=\"error\"")
        .skip(1)
        .map(|s| s.split("</p>").next().unwrap_or(""))
        .collect();
    assert_eq!(status, 303, "saved {changes:?}; messages: {errors:?}");
}

/// Turns "audit financial changes" on or off through the settings page.
pub async fn set_auditing(app: &TestApp, on: bool) {
    let fields: Vec<(&'static str, String)> = if on {
        vec![("audit_financial_changes", "on".into())]
    } else {
        vec![]
    };
    let r = post(app, "/admin/settings", &fields).await;
    assert_eq!(r.status().as_u16(), 303);
}
