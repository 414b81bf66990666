//! The subscribers search: one field at a time, exact or prefix, per provider, at most 100 rows,
//! answered from indexes on both engines.

use crate::common::{spawn_admin, spawn_app};
use crate::subscriber_support::*;
use selfcare::db::models::subscriber_search::{self, SearchField, SubscriberQuery};
use selfcare::db::DbConnection;

#[tokio::test]
async fn two_search_fields_are_refused_with_a_message() {
    let app = spawn_admin().await;
    create_subscriber(&app, "TWO1", "4795000001").await;
    let r = app
        .get("/subscribers?card_number=TWO&subscriber_id=479&match=prefix")
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Search by one field at a time"));
    assert!(
        table_ids(&html).is_empty(),
        "no results for a refused search"
    );
    assert!(html.contains("value=\"TWO\""), "what was typed stays");
    let bad = app.get("/subscribers?card_number=T&match=fuzzy").await;
    assert_eq!(bad.status().as_u16(), 422);
}

#[tokio::test]
async fn exact_and_prefix_match_on_each_field() {
    let app = spawn_admin().await;
    let customer = app.create_customer("nordlys01", "Nordlys Energi AS").await;
    let other = app.create_customer("fjell01", "Fjellkraft AS").await;
    let accounts: Vec<String> = {
        let mut conn = db(&app);
        [customer, other]
            .iter()
            .map(|id| {
                selfcare::db::models::customer::find(
                    &mut conn,
                    selfcare::db::models::customer::CustomerId(*id),
                )
                .unwrap()
                .unwrap()
                .account_code
            })
            .collect()
    };
    let a = create_subscriber(&app, "CARD1", "4796000001").await;
    let b = create_subscriber(&app, "CARD10", "4796000010").await;
    let c = create_subscriber(&app, "XCARD", "4797000001").await;
    add_wallet(
        &app,
        a,
        &[("wallet_ref", "WA-1"), ("customer", &accounts[0])],
    )
    .await;
    add_wallet(
        &app,
        b,
        &[("wallet_ref", "WA-10"), ("customer", &accounts[0])],
    )
    .await;
    add_wallet(
        &app,
        c,
        &[("wallet_ref", "WB-1"), ("customer", &accounts[1])],
    )
    .await;

    let ids = |q: &'static str| {
        let app = &app;
        async move { table_ids(&app.get_html(&format!("/subscribers?{q}")).await) }
    };
    assert_eq!(ids("card_number=CARD1&match=exact").await, vec![a]);
    assert_eq!(ids("card_number=card1&match=prefix").await, vec![a, b]);
    assert_eq!(
        ids("card_number=CARD1").await,
        vec![a, b],
        "prefix by default"
    );
    assert_eq!(ids("subscriber_id=4796000010&match=exact").await, vec![b]);
    assert_eq!(ids("subscriber_id=4796&match=prefix").await, vec![a, b]);
    assert_eq!(ids("subscriber_id=479&match=prefix").await, vec![a, b, c]);
    assert_eq!(ids("wallet_ref=WA-1&match=exact").await, vec![a]);
    assert_eq!(ids("wallet_ref=wa-&match=prefix").await, vec![a, b]);
    assert_eq!(
        ids("customer=nordlys&match=prefix").await,
        vec![a, b],
        "any case"
    );
    assert_eq!(
        ids("customer=NORDLYS ENERGI AS&match=exact").await,
        vec![a, b]
    );
    assert_eq!(ids("customer=nord&match=exact").await, Vec::<i64>::new());
    assert_eq!(ids("customer=fjell").await, vec![c]);
    assert_eq!(
        ids("").await,
        vec![a, b, c],
        "no field lists the provider's subscribers"
    );

    let html = app.get_html("/subscribers?customer=Nordlys").await;
    assert_eq!(column(&html, "customer"), vec!["Nordlys Energi AS"; 2]);
    assert_eq!(
        column(&html, "wallet"),
        vec!["WA-1 Primary", "WA-10 Primary"]
    );
}

#[tokio::test]
async fn each_provider_sees_its_own_subscribers() {
    let app = spawn_admin().await;
    let mine = create_subscriber(&app, "SP1", "4798000001").await;
    let other_sp = app.service_provider("Other provider");
    let r = post(
        &app,
        "/subscribers",
        &with(
            subscriber_fields("SP1", "4798000001"),
            &[("service_provider_id", &other_sp.to_string())],
        ),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let html = app.get_html("/subscribers?card_number=SP1").await;
    assert_eq!(table_ids(&html), vec![mine]);
    let html = app
        .get_html(&format!(
            "/subscribers?service_provider_id={other_sp}&card_number=SP1"
        ))
        .await;
    assert_eq!(table_ids(&html).len(), 1);
    assert_ne!(table_ids(&html), vec![mine]);
}

#[tokio::test]
async fn at_most_100_rows_and_a_message_when_there_are_more() {
    let app = spawn_admin().await;
    {
        let mut conn = db(&app);
        insert_subscribers(&mut conn, 1, "HUN", 4_710_000_000, 100);
        insert_subscribers(&mut conn, 1, "ONE", 4_720_000_000, 101);
    }
    let hundred = app.get_html("/subscribers?card_number=HUN").await;
    assert_eq!(table_ids(&hundred).len(), 100);
    assert!(!hundred.contains("more than 100 found") && !hundred.contains("More than 100 found"));
    let more = app.get_html("/subscribers?card_number=ONE").await;
    assert_eq!(table_ids(&more).len(), 100);
    assert!(more.contains("More than 100 found — refine the search"));
    let cards = column(&more, "card_number");
    assert_eq!(cards.first().map(String::as_str), Some("ONE00000"));
    assert_eq!(cards.last().map(String::as_str), Some("ONE00099"));
    let exact = app
        .get_html("/subscribers?card_number=ONE00100&match=exact")
        .await;
    assert_eq!(table_ids(&exact).len(), 1);
}

fn plan_text(conn: &mut DbConnection, q: &SubscriberQuery) -> String {
    subscriber_search::explain(conn, q, None, 101)
        .unwrap()
        .join("\n")
}

/// Every search walks an index in result order: no table scan, no sort of all matches.
#[tokio::test]
async fn searches_walk_indexes_on_both_engines() {
    use diesel::connection::SimpleConnection;
    let app = spawn_app().await;
    let mut conn = db(&app);
    let conn: &mut DbConnection = &mut conn;
    let pg = matches!(conn, DbConnection::Postgresql(_));
    if pg {
        // A tiny table is cheaper to read whole; make the planner show what it can use.
        conn.batch_execute("SET enable_seqscan = off").unwrap();
    }
    for (field, text) in [
        (SearchField::CardNumber, "47"),
        (SearchField::SubscriberId, "4791"),
        (SearchField::WalletRef, "W1"),
        (SearchField::Customer, "nord"),
        (SearchField::Browse, ""),
    ] {
        for exact in [false, true] {
            let q = SubscriberQuery {
                service_provider_id: 1,
                field,
                text: text.into(),
                exact,
            };
            let plan = plan_text(conn, &q);
            eprintln!("{field:?} exact={exact}:\n{plan}\n");
            let driving = match field {
                SearchField::CardNumber | SearchField::Browse => "subscribers_card",
                SearchField::SubscriberId => "subscribers_cli",
                SearchField::WalletRef => "wallets_ref",
                SearchField::Customer => "customers_company_prefix",
            };
            assert!(plan.contains(driving), "{field:?} uses {driving}:\n{plan}");
            if pg {
                assert!(
                    !plan.contains("Seq Scan"),
                    "{field:?}: no table scan:\n{plan}"
                );
            } else {
                for table in ["subscribers", "wallets", "customers", "subscriber_wallets"] {
                    assert!(
                        !plan.lines().any(|l| l.trim() == format!("SCAN {table}")),
                        "{field:?}: no scan of {table}:\n{plan}"
                    );
                }
                assert!(
                    !plan.contains("TEMP B-TREE FOR ORDER BY"),
                    "{field:?}: rows come in index order:\n{plan}"
                );
            }
        }
    }
}
