//! Credit cards on the edit screen: register, confirm, freeze, deregister; a bad check digit
//! and a full subscriber refused with nothing changed; concurrent registrations never pass the
//! limit; and the full number is nowhere — not in the database, the audit log or the pages.

use crate::common::spawn_admin;
use crate::common::TestApp;
use crate::promo_support::{database_contains, row_attr};
use crate::subscriber_support::{create_subscriber, field_error, set_auditing};
use diesel::prelude::*;
use selfcare::db::schema::{audit_log, credit_cards};

const VISA: &str = "4111 1111 1111 1111";
const VISA_DIGITS: &str = "4111111111111111";

/// Valid card numbers (Luhn) that share no run of 8 digits with each other's last four.
const GOOD: [&str; 6] = [
    "5555555555554444",
    "378282246310005",
    "6011111111111117",
    "3530111333300000",
    "4012888888881881",
    "5105105105105100",
];

async fn register(
    app: &TestApp,
    sub: i64,
    number: &str,
    expiry: &str,
    reason: &str,
) -> reqwest::Response {
    app.post_form(
        &format!("/subscribers/{sub}/credit-cards"),
        &[
            ("card_number", number),
            ("expiry", expiry),
            ("holder", "Kari Nordmann"),
            ("change_reason", reason),
        ],
    )
    .await
}

fn cards(app: &TestApp, sub: i64) -> Vec<(i64, String, String)> {
    credit_cards::table
        .filter(credit_cards::subscriber_id.eq(sub))
        .order(credit_cards::id)
        .select((
            credit_cards::id,
            credit_cards::last_four,
            credit_cards::state,
        ))
        .load(&mut app.db())
        .unwrap()
}

async fn act(app: &TestApp, card: i64, action: &str, reason: &str) -> u16 {
    app.post_form(
        &format!("/credit-cards/{card}/{action}"),
        &[("change_reason", reason)],
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn a_card_is_registered_confirmed_frozen_and_deregistered() {
    let app = spawn_admin().await;
    let sub = create_subscriber(&app, "CC-1", "4792000001").await;
    let r = register(&app, sub, VISA, "2031-04", "").await;
    assert_eq!(r.status().as_u16(), 303);
    let list = cards(&app, sub);
    assert_eq!(list.len(), 1);
    let (id, last_four, state) = list[0].clone();
    assert_eq!((last_four.as_str(), state.as_str()), ("1111", "registered"));
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let marker = format!("data-id=\"{id}\"");
    assert_eq!(
        row_attr(&page, "cards-table", &marker, "data-state").as_deref(),
        Some("registered")
    );
    assert!(page.contains("•••• 1111"));
    assert!(page.contains("04/2031"));

    assert_eq!(act(&app, id, "confirm", "").await, 303);
    assert_eq!(cards(&app, sub)[0].2, "confirmed");
    // Confirming twice is refused: nothing changes.
    assert_eq!(act(&app, id, "confirm", "").await, 422);
    assert_eq!(act(&app, id, "freeze", "").await, 303);
    assert_eq!(cards(&app, sub)[0].2, "frozen");
    assert_eq!(act(&app, id, "deregister", "").await, 303);
    assert_eq!(cards(&app, sub)[0].2, "deregistered");
    assert_eq!(act(&app, id, "freeze", "").await, 422);
    assert_eq!(act(&app, id, "steal", "").await, 404);

    // With auditing on, every card change needs a reason, which is kept.
    set_auditing(&app, true).await;
    let r = register(&app, sub, GOOD[0], "12/30", "").await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(field_error(&r.text().await.unwrap(), "change_reason").is_some());
    assert_eq!(cards(&app, sub).len(), 1, "nothing was registered");
    let r = register(&app, sub, GOOD[0], "12/30", "Customer called in").await;
    assert_eq!(r.status().as_u16(), 303);
    let reasons: Vec<Option<String>> = audit_log::table
        .filter(audit_log::object_type.eq("subscriber"))
        .filter(audit_log::object_id.eq(sub))
        .filter(audit_log::action.eq("register_card"))
        .order(audit_log::id)
        .select(audit_log::reason)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(reasons, vec![None, Some("Customer called in".to_string())]);

    // A viewer sees the cards and cannot change them.
    let viewer = app.operator_browser("cc_viewer", "viewer").await;
    let new = cards(&app, sub)[1].0;
    assert_eq!(act(&viewer, new, "confirm", "x").await, 403);
    assert_eq!(cards(&app, sub)[1].2, "registered");
}

#[tokio::test]
async fn bad_cards_are_refused_and_nothing_is_stored() {
    let app = spawn_admin().await;
    let sub = create_subscriber(&app, "CC-2", "4792000002").await;
    for (number, expiry, field) in [
        ("4111 1111 1111 1112", "2031-04", "card_number"),
        ("4111-1111-111", "2031-04", "card_number"),
        ("not a card", "2031-04", "card_number"),
        (VISA, "2001-01", "expiry"),
        (VISA, "13/31", "expiry"),
        (VISA, "", "expiry"),
    ] {
        let r = register(&app, sub, number, expiry, "").await;
        assert_eq!(r.status().as_u16(), 422, "{number} {expiry}");
        let body = r.text().await.unwrap();
        assert!(
            field_error(&body, field).is_some(),
            "{field}: {number} {expiry}"
        );
        if field == "card_number" && number.starts_with("4111") {
            assert!(body.contains("check digit") || body.contains("12 to 19 digits"));
        }
        // What was typed as the number is never shown back.
        assert!(
            !body.contains("4111 1111 1111 111"),
            "the number is not echoed"
        );
    }
    assert!(cards(&app, sub).is_empty());
    assert!(!database_contains(&app, "41111111111111"));
}

#[tokio::test]
async fn the_limit_holds_also_under_concurrent_registrations() {
    let app = spawn_admin().await;
    let r = app
        .post_form("/admin/credit-cards", &[("max_card_registrations", "0")])
        .await;
    assert_eq!(r.status().as_u16(), 422, "the limit is 1–20");
    let r = app
        .post_form("/admin/credit-cards", &[("max_card_registrations", "3")])
        .await;
    assert_eq!(r.status().as_u16(), 303);

    let sub = create_subscriber(&app, "CC-3", "4792000003").await;
    let token = app.csrf_token().await;
    let path = format!("/subscribers/{sub}/credit-cards");
    let posts = GOOD.iter().map(|n| {
        let fields = [
            ("card_number", *n),
            ("expiry", "2032-01"),
            ("holder", "Ola Nordmann"),
        ];
        let (app, token, path) = (&app, token.clone(), path.clone());
        async move { app.post_with_token(&token, &path, &fields).await }
    });
    let statuses: Vec<u16> = futures_util::future::join_all(posts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        3,
        "{statuses:?}"
    );
    let held = cards(&app, sub);
    assert_eq!(held.len(), 3);

    // Full: refused with the reason; deregistering one makes room.
    let r = register(&app, sub, VISA, "2032-01", "").await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("the most allowed"), "the limit is named");
    assert!(body.contains("id=\"cards-full\""));
    assert_eq!(cards(&app, sub).len(), 3);
    assert_eq!(act(&app, held[0].0, "deregister", "").await, 303);
    assert_eq!(
        register(&app, sub, VISA, "2032-01", "")
            .await
            .status()
            .as_u16(),
        303
    );
    // The same card twice is refused.
    let r = register(&app, sub, VISA, "2033-01", "").await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("registered to this subscriber already"));
}

#[tokio::test]
async fn the_full_number_is_never_stored_audited_or_shown() {
    let app = spawn_admin().await;
    set_auditing(&app, true).await;
    let sub = create_subscriber(&app, "CC-4", "4792000004").await;
    let r = register(&app, sub, VISA, "2031-04", "Registered on the phone").await;
    assert_eq!(r.status().as_u16(), 303);
    let id = cards(&app, sub)[0].0;
    assert_eq!(act(&app, id, "confirm", "Checked").await, 303);

    assert!(
        !database_contains(&app, VISA_DIGITS),
        "the number is not in the database"
    );
    // Not even a long run of it (first twelve digits).
    assert!(!database_contains(&app, &VISA_DIGITS[..12]));
    let images: Vec<(Option<String>, Option<String>)> = audit_log::table
        .select((audit_log::before_json, audit_log::after_json))
        .load(&mut app.db())
        .unwrap();
    assert!(images.iter().any(|(_, a)| a
        .as_deref()
        .is_some_and(|a| a.contains("\"last_four\":\"1111\""))));
    assert!(images.iter().all(|(b, a)| {
        !b.as_deref().unwrap_or("").contains(&VISA_DIGITS[..12])
            && !a.as_deref().unwrap_or("").contains(&VISA_DIGITS[..12])
            && !a.as_deref().unwrap_or("").contains("token")
    }));
    for page in [
        format!("/subscribers/{sub}"),
        "/audit".to_string(),
        "/subscribers/export.csv?subscriber_id=4792000004".to_string(),
    ] {
        let body = app.get_html(&page).await;
        assert!(!body.contains(&VISA_DIGITS[..12]), "{page}");
        assert!(!body.contains("4111 1111 1111"), "{page}");
    }
    // The stored token is a keyed hash, not something the number can be read from.
    let token: String = credit_cards::table
        .find(id)
        .select(credit_cards::token)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(token.len(), 64);
    assert!(!token.contains(&VISA_DIGITS[..8]));
}
