//! Forms and editors people use all day (issue 15): the customer card explains its dial-in
//! code and links a pending customer to its review; the compliance queue holds every customer
//! pending review, demo data included, with a labelled reason box for a rejection.

use crate::cli::selfcare;
use crate::common::{fresh_database_url, spawn_admin, spawn_app_with};
use diesel::prelude::*;
use selfcare::db::schema::customers;

#[tokio::test]
async fn the_card_says_where_the_dial_in_code_comes_from() {
    let app = spawn_admin().await;
    let c = app
        .create_customer_with("brit", &[("company", "Brit Tea Ltd"), ("country", "GB")])
        .await;
    let page = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(
        page.contains(
            "<dd data-field=\"dial_in\">+44, EMEA region default \
             <span class=\"muted\">(billing country GB)</span></dd>"
        ),
        "{page}"
    );
}

/// Customer ids of the queue's rows (`id="review-of-{customer}"`).
fn queued_customers(queue: &str) -> Vec<i64> {
    queue
        .split("id=\"review-of-")
        .skip(1)
        .filter_map(|s| s[..s.find('"')?].parse().ok())
        .collect()
}

#[tokio::test]
async fn demo_customers_pending_review_wait_in_the_queue_linked_from_their_card() {
    let url = fresh_database_url();
    let out = selfcare(&url, &["demo-data", "--customers", "60"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = spawn_app_with(url).await;
    app.login_admin().await;
    let mut pending: Vec<i64> = customers::table
        .filter(customers::status.eq("pending_review"))
        .select(customers::id)
        .load(&mut app.db())
        .unwrap();
    assert!(!pending.is_empty(), "the demo data holds pending customers");
    let queue = app.get_html("/compliance").await;
    assert!(!queue.contains("No customer waits for a review"));
    let mut queued = queued_customers(&queue);
    pending.sort_unstable();
    queued.sort_unstable();
    assert_eq!(queued, pending, "every pending customer, once");
    // The reason box has a visible label of its own.
    let review = queue[queue.find("action=\"/compliance/reviews/").unwrap()..].to_string();
    let id = &review["action=\"/compliance/reviews/".len()..];
    let id = &id[..id.find('/').unwrap()];
    assert!(queue.contains(&format!(
        "<label for=\"reason-{id}\">Reason for rejecting</label>"
    )));
    assert!(queue.contains(&format!("<input id=\"reason-{id}\" name=\"reason\"")));
    // The card of a pending customer links to its row of the queue; an active one's does not.
    let card = app
        .get_html(&format!("/customers?customer={}", pending[0]))
        .await;
    assert!(card.contains(&format!(
        "<a href=\"/compliance#review-of-{}\" data-action=\"review\">Open its review</a>",
        pending[0]
    )));
    let active: i64 = customers::table
        .filter(customers::status.eq("active"))
        .select(customers::id)
        .first(&mut app.db())
        .unwrap();
    let card = app.get_html(&format!("/customers?customer={active}")).await;
    assert!(!card.contains("data-action=\"review\""));
    // Rejecting from the queue works for a demo customer's review as for any other.
    let r = app
        .post_form(
            &format!("/compliance/reviews/{id}/reject"),
            &[("reason", "Same name as a listed party")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let queue = app.get_html("/compliance").await;
    assert!(queue.contains("Rejected: the customer failed the review."));
    assert_eq!(queued_customers(&queue).len(), pending.len() - 1);
}

#[tokio::test]
async fn an_operator_who_cannot_review_sees_the_hold_without_a_link() {
    let app = spawn_admin().await;
    app.post_multipart(
        "/compliance/list",
        &[],
        &[(
            "list",
            "list.csv",
            b"name,country\nBad Actor,US\n".as_slice(),
        )],
    )
    .await;
    let c = app
        .create_customer_with("bad", &[("company", "Bad Actor"), ("country", "US")])
        .await;
    let clerk = app.operator_browser("clerk", "operator").await;
    let card = clerk.get_html(&format!("/customers?customer={c}")).await;
    assert!(card.contains("This customer waits for a compliance review."));
    assert!(!card.contains("data-action=\"review\""));
}

#[tokio::test]
async fn the_portal_offers_no_background_exports_it_cannot_follow() {
    let app = spawn_admin().await;
    let c = app.create_customer("acme", "Acme Tools AS").await;
    app.create_site(c, "Head office").await;
    let operators = app.get_html(&format!("/customers?customer={c}")).await;
    assert!(operators.contains("data-export-background=\"csv\""));
    assert!(operators.contains("see My exports"));
    let portal = app.portal_admin("acme").await;
    let home = portal.get_html("/c/acme-web/").await;
    assert!(home.contains("data-export=\"csv\""), "exports sent at once");
    assert!(!home.contains("data-export-background"));
    assert!(!home.contains("mode=background"));
    assert!(!home.contains("My exports"));
}

#[tokio::test]
async fn deleting_a_did_range_asks_first_and_works_without_scripts() {
    let app = spawn_admin().await;
    let a = app.create_customer("alpha", "Alpha Foods AS").await;
    let b = app.create_customer("bravo", "Bravo Energy Ltd").await;
    let r = app
        .post_form(
            &format!("/customers/{a}/dids"),
            &[("did_start", "5550100"), ("did_end", "5550199")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{a}/numbers")).await;
    let m = format!("<a class=\"btn danger\" href=\"/customers/{a}/dids/");
    let s = page.find(&m).expect("a Delete link, no direct form") + m.len();
    let did: i64 = page[s..s + page[s..].find('/').unwrap()].parse().unwrap();
    assert!(!page.contains(&format!("action=\"/customers/{a}/dids/{did}/delete\"")));
    let confirm = app
        .get_html(&format!("/customers/{a}/dids/{did}/delete"))
        .await;
    assert!(confirm.contains("Delete the DID range 5550100–5550199?"));
    assert!(confirm.contains("(100 numbers) will be taken from Alpha Foods AS"));
    assert!(confirm.contains(&format!(
        "<form method=\"post\" action=\"/customers/{a}/dids/{did}/delete\">"
    )));
    assert!(confirm.contains(&format!("href=\"/customers/{a}/numbers\">Cancel</a>")));
    // Asking changed nothing; another customer's path to the range finds nothing.
    let page = app.get_html(&format!("/customers/{a}/numbers")).await;
    assert!(page.contains("<td>5550100</td>"));
    let r = app.get(&format!("/customers/{b}/dids/{did}/delete")).await;
    assert_eq!(r.status().as_u16(), 404);
    // A viewer may not even ask.
    let viewer = app.operator_browser("looker", "viewer").await;
    let r = viewer
        .get(&format!("/customers/{a}/dids/{did}/delete"))
        .await;
    assert_eq!(r.status().as_u16(), 403);
    // Confirmed, the range is gone.
    let r = app
        .post_form(&format!("/customers/{a}/dids/{did}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{a}/numbers")).await;
    assert!(!page.contains("<td>5550100</td>"));
}
