use crate::common::{location, spawn_admin};

#[tokio::test]
async fn deleting_a_customer_takes_its_sites_and_links_and_it_can_be_created_again() {
    let app = spawn_admin().await;
    let c = app.create_customer("gone", "Gone AS").await;
    let s = app.create_site(c, "Oslo").await;
    let l = app.create_link(s, "FIBER-1", "198.51.100.1").await;

    let confirm = app.get(&format!("/customers/{c}/delete")).await;
    assert_eq!(confirm.status().as_u16(), 200);
    let html = confirm.text().await.unwrap();
    assert!(html.contains("Delete customer Gone AS?"));
    assert!(
        app.get_html(&format!("/customers?customer={c}"))
            .await
            .contains("Gone AS"),
        "GET did not delete"
    );

    let r = app.post_form(&format!("/customers/{c}/delete"), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/customers");
    let page = app.get_html("/customers").await;
    assert!(page.contains("were deleted"));
    assert!(!page.contains(&format!("data-id=\"{c}\"")));
    assert_eq!(
        app.get(&format!("/sites/{s}/edit")).await.status().as_u16(),
        404
    );
    assert_eq!(
        app.get(&format!("/links/{l}/edit")).await.status().as_u16(),
        404
    );
    let log = app
        .get_html(&format!("/audit?object_type=customer&object_id={c}"))
        .await;
    assert!(log.contains("delete"));

    let again = app.create_customer("gone", "Gone AS").await;
    assert_ne!(again, c);
}

#[tokio::test]
async fn deleting_a_site_takes_its_links_and_leaves_the_others() {
    let app = spawn_admin().await;
    let c = app.create_customer("sites", "Sites AS").await;
    let s1 = app.create_site(c, "Oslo").await;
    let s2 = app.create_site(c, "Bergen").await;
    let l1 = app.create_link(s1, "A", "").await;
    let l2 = app.create_link(s2, "B", "").await;
    assert!(app
        .get_html(&format!("/sites/{s1}/delete"))
        .await
        .contains("All access links of this site"));
    let r = app.post_form(&format!("/sites/{s1}/delete"), &[]).await;
    assert_eq!(location(&r), format!("/customers?customer={c}"));
    assert_eq!(
        app.get(&format!("/links/{l1}/edit"))
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        app.get(&format!("/links/{l2}/edit"))
            .await
            .status()
            .as_u16(),
        200
    );
    let r = app.post_form(&format!("/links/{l2}/delete"), &[]).await;
    assert_eq!(location(&r), format!("/customers?customer={c}&site={s2}"));
    assert_eq!(
        app.get(&format!("/links/{l2}/edit"))
            .await
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn deleting_what_does_not_exist_is_a_404() {
    let app = spawn_admin().await;
    for path in [
        "/customers/424242/delete",
        "/sites/424242/delete",
        "/links/424242/delete",
    ] {
        assert_eq!(
            app.post_form(path, &[]).await.status().as_u16(),
            404,
            "{path}"
        );
    }
}

#[tokio::test]
async fn deleting_a_customer_signs_its_administrators_out_and_the_same_data_works_again_at_once() {
    let app = spawn_admin().await;
    let c = app.create_customer("gone", "Gone AS").await;
    let admin = app.portal_admin("gone").await;
    let r = app.post_form(&format!("/customers/{c}/delete"), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(admin.get("/c/gone-web/").await.status().as_u16(), 404);
    let again = app.create_customer("gone", "Gone AS").await;
    assert_eq!(
        admin.get("/c/gone-web/").await.status().as_u16(),
        303,
        "the old session does not open the new customer's portal"
    );
    let fresh = app.portal_admin("gone").await;
    assert!(fresh.get_html("/c/gone-web/").await.contains("Gone AS"));
    assert_ne!(again, c);
}
