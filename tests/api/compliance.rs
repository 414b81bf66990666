//! The compliance hold: the restricted-party list, screening on create and on edits of the
//! screened fields, the review queue, approve / reject, and the 72-hour limit.

use crate::common::{customer_fields, location, pairs, spawn_admin, TestApp, CUSTOMER_PASSWORD};

const LIST: &str =
    "name,country\n\"SOCIETE GENERALE, S.A.\",FR\nØrsted A/S,Denmark\nBad Actor,US\n";

async fn upload_list(app: &TestApp, csv: &str) -> reqwest::Response {
    app.post_multipart(
        "/compliance/list",
        &[],
        &[("list", "list.csv", csv.as_bytes())],
    )
    .await
}

/// Creates customer `username` with this company and country; returns (id, flash page).
async fn create(app: &TestApp, username: &str, company: &str, country: &str) -> (i64, String) {
    let id = app
        .create_customer_with(username, &[("company", company), ("country", country)])
        .await;
    (id, app.get_html(&format!("/customers?customer={id}")).await)
}

fn status_of(page: &str) -> String {
    let m = "<dd data-field=\"status\">";
    let s = page.find(m).expect("customer card") + m.len();
    page[s..s + page[s..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn the_list_is_uploaded_shown_and_a_bad_file_changes_nothing() {
    let app = spawn_admin().await;
    let r = upload_list(&app, LIST).await;
    assert_eq!(location(&r), "/compliance/list");
    let page = app.get_html("/compliance/list").await;
    assert!(page.contains("replaced: 3 entries"));
    assert!(page.contains("SOCIETE GENERALE, S.A.") && page.contains("Denmark (DK)"));
    let r = upload_list(&app, "Good,NO\nNobody,Atlantis\n").await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Line 2") && body.contains("Atlantis"));
    assert!(body.contains("3 entries on file"), "unchanged");
    let log = app
        .get_html("/audit?object_type=restricted_party_list")
        .await;
    assert!(log.contains("replace"));
}

#[tokio::test]
async fn a_matching_customer_waits_for_review_and_a_clean_one_is_active() {
    let app = spawn_admin().await;
    upload_list(&app, LIST).await;
    let (held, page) = create(&app, "socgen", "Société Générale SA", "FR").await;
    assert_eq!(status_of(&page), "Pending review");
    assert!(page.contains("waits for a compliance review"));
    let (_, page) = create(&app, "orsted", "orsted-as", "DK").await;
    assert_eq!(
        status_of(&page),
        "Pending review",
        "punctuation and accents ignored"
    );
    let (_, page) = create(&app, "socgenno", "Societe Generale SA", "NO").await;
    assert_eq!(status_of(&page), "Active", "another country is no match");
    let (_, page) = create(&app, "clean", "Clean Water AS", "FR").await;
    assert_eq!(status_of(&page), "Active");
    // On hold, the administrators cannot sign in, and are told why.
    let r = app
        .another_browser()
        .portal_login("socgen-web", "socgen", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("waiting for a compliance review"));
    // Nor can an operator set the status by hand meanwhile.
    app.post_form(
        &format!("/customers/{held}/status"),
        &[("status", "active")],
    )
    .await;
    assert_eq!(
        status_of(&app.get_html(&format!("/customers?customer={held}")).await),
        "Pending review"
    );
}

#[tokio::test]
async fn a_reviewer_approves_or_rejects_with_a_reason() {
    let app = spawn_admin().await;
    upload_list(&app, LIST).await;
    let (a, _) = create(&app, "socgen", "Societe Generale SA", "FR").await;
    let (b, _) = create(&app, "bad", "Bad Actor", "US").await;
    let reviewer = app.operator_browser("rita", "compliance").await;
    let queue = reviewer.get_html("/compliance").await;
    assert!(queue.contains("SOCIETE GENERALE, S.A.") && queue.contains("France"));
    assert!(queue.contains("Bad Actor"));
    let review_of = |company: &str| {
        let at = queue.find(company).unwrap();
        let m = "<tr data-id=\"";
        let s = queue[..at].rfind(m).unwrap() + m.len();
        queue[s..s + queue[s..].find('"').unwrap()]
            .parse::<i64>()
            .unwrap()
    };
    let (ra, rb) = (review_of("Societe Generale SA"), review_of(">Bad Actor<"));
    let r = reviewer
        .post_form(&format!("/compliance/reviews/{ra}/approve"), &[])
        .await;
    assert_eq!(location(&r), "/compliance");
    let r = reviewer
        .post_form(
            &format!("/compliance/reviews/{rb}/reject"),
            &[("reason", "  ")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(reviewer
        .get_html("/compliance")
        .await
        .contains("Give a reason"));
    reviewer
        .post_form(
            &format!("/compliance/reviews/{rb}/reject"),
            &[("reason", "Listed party, confirmed")],
        )
        .await;
    let queue = reviewer.get_html("/compliance").await;
    assert!(queue.contains("id=\"queue-empty\""));
    assert_eq!(
        status_of(&app.get_html(&format!("/customers?customer={a}")).await),
        "Active"
    );
    assert_eq!(
        status_of(&app.get_html(&format!("/customers?customer={b}")).await),
        "Review failed"
    );
    app.portal_admin("socgen").await;
    let log = app
        .get_html(&format!("/audit?object_type=customer&object_id={b}"))
        .await;
    assert!(log.contains("operator:rita") && log.contains("Listed party, confirmed"));
    // Deciding again does nothing.
    reviewer
        .post_form(
            &format!("/compliance/reviews/{ra}/reject"),
            &[("reason", "late")],
        )
        .await;
    assert!(reviewer
        .get_html("/compliance")
        .await
        .contains("no longer open"));
    assert_eq!(
        status_of(&app.get_html(&format!("/customers?customer={a}")).await),
        "Active"
    );
    // Operators who are not reviewers have no queue.
    let olga = app.operator_browser("olga", "operator").await;
    assert_eq!(olga.get("/compliance").await.status().as_u16(), 403);
    assert_eq!(
        olga.post_form(&format!("/compliance/reviews/{ra}/approve"), &[])
            .await
            .status()
            .as_u16(),
        403
    );
}

/// Moves every open review's deadline into the past, as 72 hours passing would.
fn expire_reviews(app: &TestApp) {
    use diesel::prelude::*;
    use selfcare::db::schema::compliance_reviews;
    let mut conn = app.db();
    diesel::update(compliance_reviews::table.filter(compliance_reviews::decided_at.is_null()))
        .set(compliance_reviews::due_at.eq(selfcare::db::now() - 1))
        .execute(&mut conn)
        .unwrap();
}

#[tokio::test]
async fn a_review_open_over_72_hours_fails_without_anyone_clicking() {
    let app = spawn_admin().await;
    upload_list(&app, LIST).await;
    let (c, _) = create(&app, "socgen", "Societe Generale SA", "FR").await;
    let page = app.get_html("/customers?q_status=pending_review").await;
    assert!(page.contains(&format!("<tr data-id=\"{c}\"")));
    expire_reviews(&app);
    // The very next read shows it failed, in the list and its filter, and the portal says so.
    let page = app.get_html("/customers?q_status=review_failed").await;
    assert!(page.contains(&format!("<tr data-id=\"{c}\"")));
    assert!(page.contains("Review failed"));
    let page = app.get_html("/customers?q_status=pending_review").await;
    assert!(!page.contains(&format!("<tr data-id=\"{c}\"")));
    let r = app
        .another_browser()
        .portal_login("socgen-web", "socgen", CUSTOMER_PASSWORD)
        .await;
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("did not pass the compliance review"));
    let log = app
        .get_html(&format!("/audit?object_type=customer&object_id={c}"))
        .await;
    assert!(log.contains("system:compliance") && log.contains("72 hours"));
    let reviewer = app.operator_browser("rita", "compliance").await;
    assert!(reviewer
        .get_html("/compliance")
        .await
        .contains("id=\"queue-empty\""));
}

#[tokio::test]
async fn the_portal_sees_an_overdue_review_fail_too() {
    let app = spawn_admin().await;
    upload_list(&app, LIST).await;
    create(&app, "socgen", "Societe Generale SA", "FR").await;
    expire_reviews(&app);
    // The first read after the deadline is the portal's own sign-in.
    let r = app
        .another_browser()
        .portal_login("socgen-web", "socgen", CUSTOMER_PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("did not pass the compliance review"));
}

#[tokio::test]
async fn changing_the_company_or_billing_country_screens_again() {
    let app = spawn_admin().await;
    upload_list(&app, LIST).await;
    let (c, page) = create(&app, "alpha", "Alpha AS", "US").await;
    assert_eq!(status_of(&page), "Active");
    let admin = app.portal_admin("alpha").await;
    let edit = app.get_html(&format!("/customers/{c}/edit")).await;
    let m = "name=\"version\" value=\"";
    let s = edit.find(m).unwrap() + m.len();
    let version = edit[s..s + edit[s..].find('"').unwrap()].to_string();
    let mut f = customer_fields(
        "alpha",
        &[
            ("password", ""),
            ("password_confirm", ""),
            ("company", "BAD-ACTOR"),
            ("country", "US"),
        ],
    );
    f.push(("version", version));
    let r = app.post_form(&format!("/customers/{c}"), &pairs(&f)).await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert_eq!(status_of(&page), "Pending review");
    assert!(page.contains("now matches"));
    assert_eq!(
        admin.get("/c/alpha-web/").await.status().as_u16(),
        303,
        "signed out"
    );
}
