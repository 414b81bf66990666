//! A customer's hosted-PBX settings on the customer form (issue 14): optional on create (the
//! original contract's post still works with the defaults), checked against the admin lists and
//! the IANA list, the extension length 3–7 that users' and SIP devices' extensions follow, and
//! lowering it refused while longer extensions exist.

use crate::common::{location, spawn_admin, spawn_app, TestApp, TwoCustomers};

fn field_error(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"e-{field}\">");
    let s = html.find(&marker)? + marker.len();
    Some(html[s..s + html[s..].find("</p>")?].to_string())
}

/// The value of `<option value="…" selected>` inside the select named `name`.
fn selected(html: &str, name: &str) -> Option<String> {
    let s = html.find(&format!("name=\"{name}\""))?;
    let end = s + html[s..].find("</select>")?;
    let part = &html[s..end];
    let at = part.find(" selected")?;
    let v = part[..at].rfind("value=\"")? + "value=\"".len();
    Some(part[v..v + part[v..].find('"')?].to_string())
}

/// The option value of the select `name` whose text is `text`.
fn option_value(html: &str, name: &str, text: &str) -> String {
    let s = html.find(&format!("name=\"{name}\"")).unwrap();
    let end = s + html[s..].find("</select>").unwrap();
    let part = &html[s..end];
    let at = part.find(&format!(">{text}</option>")).unwrap();
    let v = part[..at].rfind("value=\"").unwrap() + "value=\"".len();
    part[v..v + part[v..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_original_create_post_keeps_working_with_the_pbx_defaults() {
    let app = spawn_admin().await;
    let id = app.create_customer("acme01", "Acme AS").await;
    let page = app.get_html(&format!("/customers/{id}/edit")).await;
    assert!(page.contains("Hosted PBX"));
    assert_eq!(selected(&page, "extension_length").as_deref(), Some("4"));
    assert!(page.contains("name=\"managed_by\" value=\"mivoice\" checked"));
}

#[tokio::test]
async fn pbx_settings_are_chosen_on_the_form_and_checked() {
    let app = spawn_admin().await;
    let new = app.get_html("/customers/new").await;
    let platform = option_value(&new, "platform_id", "MiVoice Business EU-1");
    let template = option_value(&new, "key_template_id", "Reception 24 keys");
    let r = app
        .post_form(
            "/customers",
            &crate::common::pairs(&{
                let mut f = crate::common::customer_fields("acme01", &[]);
                f.push(("extension_length", "8".into()));
                f.push(("time_zone", "Mars/Base".into()));
                f.push(("platform_id", "999999".into()));
                f
            }),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(field_error(&body, "extension_length")
        .unwrap()
        .contains("3 to 7"));
    assert!(field_error(&body, "time_zone").is_some());
    assert!(field_error(&body, "platform_id").is_some());
    let id = app
        .create_customer_plus(
            "acme01",
            "Acme AS",
            &[
                ("platform_id", &platform),
                ("extension_length", "5"),
                ("dial_international", "yes"),
                ("key_template_id", &template),
                ("welcome_mail", "yes"),
                ("confirm_billing", "yes"),
                ("time_zone", "Europe/Oslo"),
                ("managed_by", "mbg"),
            ],
        )
        .await;
    let page = app.get_html(&format!("/customers/{id}/edit")).await;
    assert_eq!(selected(&page, "extension_length").as_deref(), Some("5"));
    assert_eq!(selected(&page, "platform_id"), Some(platform));
    assert_eq!(selected(&page, "key_template_id"), Some(template));
    assert_eq!(selected(&page, "time_zone").as_deref(), Some("Europe/Oslo"));
    assert!(page.contains("name=\"managed_by\" value=\"mbg\" checked"));
    assert!(page.contains("name=\"dial_international\" value=\"yes\" checked"));
    assert!(page.contains("name=\"confirm_billing\" value=\"yes\" checked"));
}

#[tokio::test]
async fn lowering_the_extension_length_is_refused_while_longer_extensions_exist() {
    let app = spawn_app().await;
    let TwoCustomers { a, .. } = app.two_customers().await;
    let basic = app.create_package("Basic", "package").await;
    app.post_quantities(a, &[(basic, 5)]).await;
    let r = app
        .post_user(
            &format!("/customers/{a}"),
            &TestApp::user_fields("Ann Berg", "1001", "ann.berg", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .edit_customer_plus(a, "alpha", "Alpha Foods AS", &[("extension_length", "3")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let m = field_error(&r.text().await.unwrap(), "extension_length").unwrap();
    assert!(m.contains("cannot be lower than 4"), "{m}");
    let page = app.get_html(&format!("/customers/{a}/edit")).await;
    assert_eq!(selected(&page, "extension_length").as_deref(), Some("4"));
    // Raising it works; new users and SIP devices then need the new length.
    let r = app
        .edit_customer_plus(a, "alpha", "Alpha Foods AS", &[("extension_length", "5")])
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", location(&r));
    let r = app
        .post_user(
            &format!("/customers/{a}"),
            &TestApp::user_fields("Bo Ek", "1002", "bo.ek", basic),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(field_error(&r.text().await.unwrap(), "extension")
        .unwrap()
        .contains("have 5 digits"));
    let device = |ext: &'static str| {
        vec![
            ("login", "desk.one"),
            ("secret", "Secret-123"),
            ("extension", ext),
            ("voicemail", ""),
            ("voicemail_email", ""),
            ("ip_address", ""),
            ("max_call_sessions", "2"),
            ("calls_per_second", "1"),
            ("active", "yes"),
        ]
    };
    let r = app
        .post_form(&format!("/customers/{a}/sip-devices"), &device("201"))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(field_error(&r.text().await.unwrap(), "extension")
        .unwrap()
        .contains("have 5 digits"));
    let r = app
        .post_form(&format!("/customers/{a}/sip-devices"), &device("20001"))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // Now a 5-digit device extension holds the length at 5 (4-digit user or not).
    let r = app
        .edit_customer_plus(a, "alpha", "Alpha Foods AS", &[("extension_length", "4")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
}
