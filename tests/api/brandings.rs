//! Branding profiles: the logo checked by content and served with its type, the colour applied
//! through a stylesheet, the branded sign-in page, and profiles in use kept.

use crate::common::{location, set, spawn_app, valid_customer_fields, TestApp};

/// A tiny real PNG (1×1 pixel).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];
const JPEG: &[u8] = &[
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
];

async fn create_profile(
    app: &TestApp,
    name: &str,
    color: &str,
    logo: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let fields = [
        ("name", name),
        ("display_name", &format!("{name} Portal")[..]),
        ("primary_color", color),
        ("footer_text", "Support: 555 0100"),
    ];
    match logo {
        Some((file, bytes)) => {
            app.post_multipart("/brandings", &fields, &[("logo", file, bytes)])
                .await
        }
        None => app.post_multipart("/brandings", &fields, &[]).await,
    }
}

/// The id of the profile named `name` on the list page.
async fn profile_id(app: &TestApp, name: &str) -> i64 {
    let page = app.get_html("/brandings").await;
    let at = page
        .find(&format!("<td>{name}</td>"))
        .expect("profile listed");
    let marker = "<tr data-id=\"";
    let start = page[..at].rfind(marker).unwrap() + marker.len();
    let end = page[start..].find('"').unwrap() + start;
    page[start..end].parse().unwrap()
}

async fn customer_with_branding(app: &TestApp, username: &str, branding: i64) -> i64 {
    let mut f = valid_customer_fields();
    set(&mut f, "username", username);
    set(&mut f, "webid", &format!("{username}-web"));
    set(&mut f, "company", &format!("{username} AS"));
    set(&mut f, "branding_id", &branding.to_string());
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form("/customers", &pairs).await;
    assert_eq!(r.status().as_u16(), 303);
    crate::common::param(&location(&r), "customer").unwrap()
}

#[tokio::test]
async fn a_customers_sign_in_page_shows_its_logo_colour_and_name_and_no_other() {
    let app = spawn_app().await;
    app.login_admin().await;
    let r = create_profile(&app, "Nordic", "#C0FFEE", Some(("logo.png", PNG))).await;
    assert_eq!(r.status().as_u16(), 303);
    let nordic = profile_id(&app, "Nordic").await;
    customer_with_branding(&app, "alpha", nordic).await;
    app.create_customer("bravo", "Bravo AS").await;

    let b = app.another_browser();
    let page = b.get_html("/c/alpha-web/login").await;
    assert!(page.contains("Nordic Portal"));
    assert!(page.contains("src=\"/c/alpha-web/logo\""));
    assert!(!page.contains("style="), "no inline styles");
    let logo = b.get("/c/alpha-web/logo").await;
    assert_eq!(logo.headers().get("content-type").unwrap(), "image/png");
    assert_eq!(logo.bytes().await.unwrap().as_ref(), PNG);
    assert!(b
        .get_html("/c/alpha-web/brand.css")
        .await
        .contains("#c0ffee"));

    let other = b.get_html("/c/bravo-web/login").await;
    assert!(!other.contains("Nordic") && !other.contains("/logo\""));
    assert_eq!(b.get("/c/bravo-web/logo").await.status().as_u16(), 404);
    assert!(!b
        .get_html("/c/bravo-web/brand.css")
        .await
        .contains("#c0ffee"));
    // Signed in, the portal keeps the branding.
    let admin = app.portal_admin("alpha").await;
    let home = admin.get_html("/c/alpha-web/").await;
    assert!(home.contains("Nordic Portal") && home.contains("Support: 555 0100"));
}

#[tokio::test]
async fn logos_are_checked_by_content_and_size_not_by_name() {
    let app = spawn_app().await;
    app.login_admin().await;
    let r = create_profile(
        &app,
        "Fake",
        "#112233",
        Some(("logo.png", b"<svg onload=alert(1)>")),
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("must be a PNG or JPEG image"));
    let mut big = PNG.to_vec();
    big.resize(256 * 1024 + 1, 0);
    let r = create_profile(&app, "Big", "#112233", Some(("logo.png", &big))).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("at most 256 KB"));
    let r = create_profile(&app, "Odd", "red", None).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("six hexadecimal digits"));
    // A JPEG under a misleading name is still a JPEG.
    let r = create_profile(&app, "Jpeg", "#112233", Some(("logo.txt", JPEG))).await;
    assert_eq!(r.status().as_u16(), 303);
    let id = profile_id(&app, "Jpeg").await;
    let logo = app.get(&format!("/brandings/{id}/logo")).await;
    assert_eq!(logo.headers().get("content-type").unwrap(), "image/jpeg");
    assert!(!app.get_html("/brandings").await.contains("Fake"));
}

#[tokio::test]
async fn editing_keeps_or_replaces_the_logo_and_refuses_stale_saves() {
    let app = spawn_app().await;
    app.login_admin().await;
    create_profile(&app, "Nordic", "#112233", Some(("a.png", PNG))).await;
    let id = profile_id(&app, "Nordic").await;
    let form = app.get_html(&format!("/brandings/{id}/edit")).await;
    assert!(form.contains("enctype=\"multipart/form-data\""));
    let fields = |v: &'static str| {
        [
            ("name", "Nordic"),
            ("display_name", "Nordic Light"),
            ("primary_color", "#445566"),
            ("footer_text", ""),
            ("version", v),
        ]
    };
    let r = app
        .post_multipart(&format!("/brandings/{id}"), &fields("1"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        app.get(&format!("/brandings/{id}/logo"))
            .await
            .status()
            .as_u16(),
        200,
        "kept"
    );
    let r = app
        .post_multipart(&format!("/brandings/{id}"), &fields("1"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 409, "stale");
    let mut with_remove = fields("2").to_vec();
    with_remove.push(("remove_logo", "1"));
    let r = app
        .post_multipart(&format!("/brandings/{id}"), &with_remove, &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        app.get(&format!("/brandings/{id}/logo"))
            .await
            .status()
            .as_u16(),
        404
    );
    let page = app.get_html("/brandings").await;
    assert!(page.contains("Nordic Light") && page.contains("#445566"));
    let log = app.get_html("/audit?object_type=branding").await;
    assert!(log.contains("logo removed") && log.contains("logo uploaded"));
}

#[tokio::test]
async fn a_profile_in_use_or_the_last_one_cannot_be_deleted() {
    let app = spawn_app().await;
    app.login_admin().await;
    create_profile(&app, "Nordic", "#112233", None).await;
    let nordic = profile_id(&app, "Nordic").await;
    let c = customer_with_branding(&app, "alpha", nordic).await;
    let r = app
        .post_form(&format!("/brandings/{nordic}/delete"), &[])
        .await;
    assert_eq!(location(&r), "/brandings");
    let page = app.get_html("/brandings").await;
    assert!(page.contains("used by 1 customer and cannot be deleted"));
    assert!(page.contains("<td>Nordic</td>"));
    app.post_form(&format!("/customers/{c}/delete"), &[]).await;
    app.post_form(&format!("/brandings/{nordic}/delete"), &[])
        .await;
    let page = app.get_html("/brandings").await;
    assert!(!page.contains("<td>Nordic</td>"), "deleted once unused");
    let default = profile_id(&app, "Default").await;
    app.post_form(&format!("/brandings/{default}/delete"), &[])
        .await;
    let page = app.get_html("/brandings").await;
    assert!(page.contains("last branding profile cannot be deleted"));
}
