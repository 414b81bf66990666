//! Branding profiles: the logo checked by content and served with its type, the colour applied
//! through a stylesheet, the branded sign-in page, and profiles in use kept.

use crate::common::{location, spawn_admin, TestApp, PNG};

const JPEG: &[u8] = &[
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
];

async fn customer_with_branding(app: &TestApp, username: &str, branding: i64) -> i64 {
    let r = app
        .post_customer(
            username,
            &[
                ("company", &format!("{username} AS")),
                ("branding_id", &branding.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    crate::common::param(&location(&r), "customer").unwrap()
}

#[tokio::test]
async fn a_customers_sign_in_page_shows_its_logo_colour_and_name_and_no_other() {
    let app = spawn_admin().await;
    let r = app
        .post_branding("Nordic", "#0B5D3B", Some(("logo.png", PNG)))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let nordic = app.branding_id("Nordic").await;
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
        .contains("#0b5d3b"));

    let other = b.get_html("/c/bravo-web/login").await;
    assert!(!other.contains("Nordic") && !other.contains("/logo\""));
    assert_eq!(b.get("/c/bravo-web/logo").await.status().as_u16(), 404);
    assert!(!b
        .get_html("/c/bravo-web/brand.css")
        .await
        .contains("#0b5d3b"));
    // Signed in, the portal keeps the branding.
    let admin = app.portal_admin("alpha").await;
    let home = admin.get_html("/c/alpha-web/").await;
    assert!(home.contains("Nordic Portal") && home.contains("Support: 555 0100"));
}

#[tokio::test]
async fn logos_are_checked_by_content_and_size_not_by_name() {
    let app = spawn_admin().await;
    let r = app
        .post_branding(
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
    let r = app
        .post_branding("Big", "#112233", Some(("logo.png", &big)))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("at most 256 KB"));
    let r = app.post_branding("Odd", "red", None).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("six hexadecimal digits"));
    // A JPEG under a misleading name is still a JPEG.
    let r = app
        .post_branding("Jpeg", "#112233", Some(("logo.txt", JPEG)))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = app.branding_id("Jpeg").await;
    let logo = app.get(&format!("/brandings/{id}/logo")).await;
    assert_eq!(logo.headers().get("content-type").unwrap(), "image/jpeg");
    assert!(!app.get_html("/brandings").await.contains("Fake"));
}

#[tokio::test]
async fn editing_keeps_or_replaces_the_logo_and_refuses_stale_saves() {
    let app = spawn_admin().await;
    app.post_branding("Nordic", "#112233", Some(("a.png", PNG)))
        .await;
    let id = app.branding_id("Nordic").await;
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
    let app = spawn_admin().await;
    app.post_branding("Nordic", "#112233", None).await;
    let nordic = app.branding_id("Nordic").await;
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
    let default = app.branding_id("Default").await;
    app.post_form(&format!("/brandings/{default}/delete"), &[])
        .await;
    let page = app.get_html("/brandings").await;
    assert!(page.contains("last branding profile cannot be deleted"));
}

/// White header text must stay readable on the brand colour (WCAG AA, 4.5:1): a light colour is
/// refused with a darker shade to use, and one stored before the rule is darkened in the
/// portal's stylesheet.
#[tokio::test]
async fn a_brand_colour_too_light_for_the_header_text_is_refused_with_a_suggestion() {
    let app = spawn_admin().await;
    let r = app.post_branding("Sunny", "#ffcc00", None).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("4.5:1"), "{page}");
    assert!(page.contains("Choose a darker colour, such as #"), "{page}");
    assert!(
        !app.get_html("/brandings").await.contains("Sunny"),
        "nothing stored"
    );

    // A profile saved before the rule (written straight to the database).
    assert_eq!(
        app.post_branding("Old", "#0b5d3b", None)
            .await
            .status()
            .as_u16(),
        303
    );
    let old = app.branding_id("Old").await;
    {
        use diesel::prelude::*;
        use selfcare::db::schema::branding_profiles as brandings;
        diesel::update(brandings::table.find(old))
            .set(brandings::primary_color.eq("#ffcc00"))
            .execute(&mut app.db())
            .unwrap();
    }
    customer_with_branding(&app, "alpha", old).await;
    let css = app
        .another_browser()
        .get_html("/c/alpha-web/brand.css")
        .await;
    assert!(!css.contains("#ffcc00"), "{css}");
    let shown = css
        .split("--brand: ")
        .nth(1)
        .and_then(|rest| rest.get(..7))
        .expect("the brand colour is in the stylesheet");
    let color = selfcare::domain::HexColor::parse(shown).unwrap();
    assert!(color.contrast_with_white() >= 4.5, "{shown}");
}
