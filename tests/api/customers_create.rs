use crate::common::{location, param, set, spawn_admin, valid_customer_fields, TestApp};

async fn post_customer(app: &TestApp, fields: &[(&'static str, String)]) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form("/customers", &pairs).await
}

/// The message shown under a field, if any.
fn field_error(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"e-{field}\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find("</p>")? + start;
    Some(html[start..end].to_string())
}

#[tokio::test]
async fn a_valid_customer_is_created_and_selected() {
    let app = spawn_admin().await;
    let r = post_customer(&app, &valid_customer_fields()).await;
    assert_eq!(r.status().as_u16(), 303);
    let to = location(&r);
    let id = param(&to, "customer").expect("id");
    assert_eq!(to, format!("/customers?customer={id}"));
    let page = app.get_html(&to).await;
    assert!(page.contains(&format!("data-id=\"{id}\"")));
    assert!(page.contains("Acme AS"));
    assert!(page.contains("Customer created."));
    assert!(page.contains("class=\"selected\""));
    assert!(page.contains("Customer Sites — Acme AS"));
}

#[tokio::test]
async fn the_form_offers_every_field() {
    let app = spawn_admin().await;
    let page = app.get_html("/customers/new").await;
    for (name, _) in valid_customer_fields() {
        assert!(
            page.contains(&format!("name=\"{name}\"")),
            "field {name} is on the form"
        );
    }
    assert!(page.contains("Norway"));
}

#[tokio::test]
async fn each_rule_is_answered_next_to_its_field_with_values_kept() {
    let app = spawn_admin().await;
    let cases: &[(&'static str, &str)] = &[
        ("customer_type", "TRIAL"),
        ("username", "bad name!"),
        ("username", &"a".repeat(31)),
        ("password", "short1!"),
        ("password", "nocapital1!"),
        ("password", "NoDigits!!"),
        ("password", "NoSpecial12"),
        ("tariff_id", "999"),
        ("billing_type", "FREE"),
        ("payment_term_days", "0"),
        ("payment_term_days", "31"),
        ("credit_limit", "-5"),
        ("credit_limit", "12.345"),
        ("billing_decimals", "7"),
        ("tax_flag", "GST"),
        ("max_call_sessions", "-1"),
        ("calls_per_second", "1.5"),
        ("name", ""),
        ("company", &"c".repeat(101)),
        ("email", "not-an-email"),
        ("email", "abcdefghijklmnopqrstu@example.com"),
        ("address", &"x".repeat(201)),
        ("phone", "12345"),
        ("phone", "12345678901"),
        ("country", "XX"),
        ("pin", "1#"),
        ("webid", "Has Caps"),
        ("webid", "ab"),
        ("branding_id", "0"),
    ];
    for (field, bad) in cases {
        let mut fields = valid_customer_fields();
        set(&mut fields, field, bad);
        if *field == "password" {
            set(&mut fields, "password_confirm", bad);
        }
        let r = post_customer(&app, &fields).await;
        assert_eq!(r.status().as_u16(), 422, "{field}={bad:?} is refused");
        let html = r.text().await.unwrap();
        let message = field_error(&html, field)
            .unwrap_or_else(|| panic!("message next to {field} for {bad:?}"));
        assert!(!message.is_empty());
        if *field != "company" {
            assert!(
                html.contains("value=\"Acme AS\""),
                "typed values are kept ({field})"
            );
        }
        assert!(
            !html.contains("Secret1!x"),
            "passwords are not echoed ({field})"
        );
    }
    let page = app.get_html("/customers").await;
    assert!(!page.contains("Acme AS"), "nothing was created");
}

#[tokio::test]
async fn several_mistakes_are_all_reported_at_once() {
    let app = spawn_admin().await;
    let mut fields = valid_customer_fields();
    set(&mut fields, "phone", "1");
    set(&mut fields, "email", "x");
    set(&mut fields, "password_confirm", "Different1!");
    let r = post_customer(&app, &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(field_error(&html, "phone").is_some());
    assert!(field_error(&html, "email").is_some());
    assert_eq!(
        field_error(&html, "password_confirm").as_deref(),
        Some("The two passwords differ.")
    );
    assert!(html.contains("Please correct the 3 marked field(s)"));
}

#[tokio::test]
async fn username_and_webid_must_be_unique() {
    let app = spawn_admin().await;
    assert_eq!(
        post_customer(&app, &valid_customer_fields())
            .await
            .status()
            .as_u16(),
        303
    );
    let mut again = valid_customer_fields();
    set(&mut again, "username", "ACME01");
    let r = post_customer(&app, &again).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(field_error(&html, "username").unwrap().contains("taken"));
    assert!(field_error(&html, "webid").unwrap().contains("taken"));
}

#[tokio::test]
async fn money_is_kept_exactly_and_the_account_code_is_generated() {
    let app = spawn_admin().await;
    let mut fields = valid_customer_fields();
    set(&mut fields, "credit_limit", "0.07");
    let id = param(&location(&post_customer(&app, &fields).await), "customer").unwrap();
    let mut conn = app.db();
    let c = selfcare::db::models::customer::find(
        &mut conn,
        selfcare::db::models::customer::CustomerId(id),
    )
    .unwrap()
    .unwrap();
    assert_eq!(c.credit_limit_cents, 7);
    assert_eq!(c.account_code.len(), 12);
    assert!(c.account_code.chars().all(|ch| ch.is_ascii_digit()));
    assert!(c.password_hash.starts_with("$argon2id$"));
    assert_eq!(c.status.code(), "active");
    assert_eq!(c.phone, "5551234567");
}

#[tokio::test]
async fn creation_is_audited() {
    let app = spawn_admin().await;
    let id = app.create_customer("audited", "Audited Ltd").await;
    let log = app
        .get_html(&format!("/audit?object_type=customer&object_id={id}"))
        .await;
    assert!(log.contains("operator:admin"));
    assert!(log.contains("create"));
    assert!(log.contains("Audited Ltd"));
    assert!(
        !log.contains("argon2"),
        "password hashes never reach the log"
    );
}
