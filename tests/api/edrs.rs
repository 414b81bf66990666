//! The EDR viewer over HTTP: the default window, each filter and each order, masking of called
//! numbers by permission, the five export formats, and the reverse charge (once, even when
//! many reversals race).

use crate::common::{spawn_admin, TestApp, OPERATOR_PASSWORD};
use crate::subscriber_support::{add_private_wallet, add_wallet, create_subscriber, set_auditing};
use calamine::{open_workbook, Reader, Xls, Xlsx};
use diesel::prelude::*;
use selfcare::db::models::edr::{self, EdrBalance, NewEdr};
use selfcare::db::schema::{balance_types, edrs, subscriber_wallets, wallets};
use selfcare::domain::balance::EdrType;

/// A subscriber with one private wallet; returns (subscriber id, wallet id).
async fn subscriber_with_wallet(app: &TestApp, card: &str, cli: &str) -> (i64, i64) {
    let sub = create_subscriber(app, card, cli).await;
    add_private_wallet(app, sub, card).await;
    let wallet: i64 = wallets::table
        .filter(wallets::wallet_ref.eq(card))
        .select(wallets::id)
        .first(&mut app.db())
        .unwrap();
    (sub, wallet)
}

fn cash(app: &TestApp) -> i64 {
    balance_types::table
        .filter(balance_types::is_default.eq(true))
        .select(balance_types::id)
        .first(&mut app.db())
        .unwrap()
}

/// An EDR as a network element would leave it (the charging API writes these): `ago` seconds
/// back, with a called number and one balance part.
fn put_edr(
    app: &TestApp,
    (sub, wallet): (i64, i64),
    edr_type: EdrType,
    ago: i64,
    called: Option<&str>,
    (balance_type, cost): (i64, i64),
) -> i64 {
    edr::insert(
        &mut app.db(),
        &NewEdr {
            edr_type,
            service_provider_id: 1,
            wallet_id: wallet,
            subscriber_id: Some(sub),
            operator_name: None,
            change_reason: None,
            called_number: called.map(str::to_string),
            duration_s: Some(60),
            created_at: selfcare::db::now() - ago,
        },
        &[EdrBalance {
            balance_type_id: balance_type,
            before_total: 1000,
            after_total: 1000 - cost,
            cost,
        }],
    )
    .unwrap()
}

/// The `data-id`s of the viewer's rows, top to bottom.
fn ids(html: &str) -> Vec<i64> {
    let Some(start) = html.find("id=\"edrs\"") else {
        return Vec::new();
    };
    let end = html[start..]
        .find("</table>")
        .map_or(html.len(), |e| start + e);
    html[start..end]
        .split("<tr data-id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

async fn viewer(app: &TestApp, sub: i64, query: &str) -> (u16, String) {
    let r = app.get(&format!("/subscribers/{sub}/edrs?{query}")).await;
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

async fn adjust(app: &TestApp, wallet: i64, amount: &str, reason: &str) -> u16 {
    let bt = cash(app).to_string();
    app.post_form(
        &format!("/wallets/{wallet}/adjustments"),
        &[
            ("balance_type_id", &bt),
            ("amount", amount),
            ("change_reason", reason),
        ],
    )
    .await
    .status()
    .as_u16()
}

async fn total(app: &TestApp, sub: i64) -> i64 {
    let page = app.get_html(&format!("/subscribers/{sub}")).await;
    let marker = "<tr data-balance-type=\"GENERAL_CASH\" data-total=\"";
    let start = page.find(marker).expect("a cash row") + marker.len();
    page[start..].split('"').next().unwrap().parse().unwrap()
}

fn edr_ids_of(app: &TestApp, wallet: i64, t: &str) -> Vec<i64> {
    edrs::table
        .filter(edrs::wallet_id.eq(wallet))
        .filter(edrs::edr_type.eq(t))
        .order(edrs::id)
        .select(edrs::id)
        .load(&mut app.db())
        .unwrap()
}

#[tokio::test]
async fn the_viewer_shows_the_last_two_days_newest_first_from_the_edit_screen() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "EDR-1", "4791000001").await;
    let bt = cash(&app);
    let old = put_edr(
        &app,
        (sub, wallet),
        EdrType::Adjustment,
        3 * 86_400,
        None,
        (bt, 1),
    );
    let day = put_edr(
        &app,
        (sub, wallet),
        EdrType::Adjustment,
        86_400,
        None,
        (bt, 2),
    );
    let hour = put_edr(
        &app,
        (sub, wallet),
        EdrType::Adjustment,
        3_600,
        None,
        (bt, 3),
    );

    let edit = app.get_html(&format!("/subscribers/{sub}")).await;
    assert!(
        edit.contains(&format!("href=\"/subscribers/{sub}/edrs\"")),
        "menu entry"
    );
    let (status, page) = viewer(&app, sub, "").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&page), vec![hour, day], "two days, newest first");
    assert!(
        page.contains(&format!("href=\"/edrs/{hour}\"")),
        "details link"
    );
    // Clearing the start shows everything.
    let (_, page) = viewer(&app, sub, "start=").await;
    assert_eq!(ids(&page), vec![hour, day, old]);
    // Another subscriber's EDRs are not listed; an unknown subscriber is a 404.
    let (other, other_wallet) = subscriber_with_wallet(&app, "EDR-2", "4791000002").await;
    put_edr(
        &app,
        (other, other_wallet),
        EdrType::Adjustment,
        60,
        None,
        (bt, 4),
    );
    let (_, page) = viewer(&app, sub, "start=").await;
    assert_eq!(ids(&page).len(), 3);
    assert_eq!(viewer(&app, 999_999, "").await.0, 404);
    // The details page shows the EDR.
    let d = app.get_html(&format!("/edrs/{day}")).await;
    assert!(d.contains(&format!("data-id=\"{day}\"")) && d.contains("GENERAL_CASH"));
    assert_eq!(app.get("/edrs/999999").await.status().as_u16(), 404);
}

#[tokio::test]
async fn each_filter_narrows_the_list_and_bad_filters_are_refused() {
    let app = spawn_admin().await;
    let (sub, primary) = subscriber_with_wallet(&app, "EDR-F", "4791000010").await;
    let r = add_wallet(
        &app,
        sub,
        &[("wallet_type", "secondary"), ("wallet_ref", "EDR-F2")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let secondary: i64 = subscriber_wallets::table
        .filter(subscriber_wallets::subscriber_id.eq(sub))
        .filter(subscriber_wallets::wallet_type.eq("secondary"))
        .select(subscriber_wallets::wallet_id)
        .first(&mut app.db())
        .unwrap();
    let bt = cash(&app);
    let a = put_edr(
        &app,
        (sub, primary),
        EdrType::Adjustment,
        3 * 3_600,
        Some("4790011111"),
        (bt, 5),
    );
    let b = put_edr(
        &app,
        (sub, secondary),
        EdrType::Recharge,
        2 * 3_600,
        Some("4790022222"),
        (bt, -5),
    );
    let c = put_edr(
        &app,
        (sub, primary),
        EdrType::BucketAdd,
        3_600,
        None,
        (bt, -7),
    );
    let partial = put_edr(
        &app,
        (sub, primary),
        EdrType::Adjustment,
        1_800,
        None,
        (bt, 1),
    );
    diesel::update(edrs::table.find(partial))
        .set(edrs::partial.eq(true))
        .execute(&mut app.db())
        .unwrap();

    let list = |q: &'static str| {
        let app = &app;
        async move {
            let (s, page) = viewer(app, sub, q).await;
            assert_eq!(s, 200, "{q}");
            ids(&page)
        }
    };
    assert_eq!(
        list("").await,
        vec![c, b, a],
        "partial EDRs hidden by default"
    );
    assert_eq!(list("partial=on").await, vec![partial, c, b, a]);
    assert_eq!(list("wallet_type=secondary").await, vec![b]);
    assert_eq!(list("wallet_type=primary").await, vec![c, a]);
    assert_eq!(list("called_number=4790011111").await, vec![a]);
    assert_eq!(list("edr_type=recharge").await, vec![b]);
    assert_eq!(list("limit=2").await, vec![c, b]);
    // A time range in the viewer's zone (UTC here; inputs are to the minute): only what
    // falls inside.
    let zone = selfcare::domain::Zone::utc();
    let at = |ago: i64| selfcare::lists::edrs::input_value(selfcare::db::now() - ago, &zone);
    let q = format!("start={}&end={}", at(9_000), at(5_400));
    let (_, page) = viewer(&app, sub, &q).await;
    assert_eq!(ids(&page), vec![b]);

    for bad in [
        "limit=0",
        "limit=ten",
        "called_number=12ab",
        "edr_type=nonsense",
        "wallet_type=tertiary",
        "start=yesterday",
        "start=2026-01-02T00:00&end=2026-01-01T00:00",
    ] {
        let (s, page) = viewer(&app, sub, bad).await;
        assert_eq!(s, 422, "{bad}");
        assert!(
            page.contains("class=\"error\""),
            "{bad}: a message at the field"
        );
        assert!(ids(&page).is_empty());
    }
}

#[tokio::test]
async fn each_order_sorts_the_rows() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "EDR-S", "4791000020").await;
    let bt = cash(&app);
    // A second balance type with a higher id.
    let r = app
        .post_form(
            "/admin/balance-types",
            &[
                ("service_provider_id", "1"),
                ("code", "DATA"),
                ("name", "Data"),
                ("unit", "units"),
                ("category", "chargeable"),
                ("max_value", ""),
                ("max_policy", "limit"),
                ("allow_credit", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let data: i64 = balance_types::table
        .filter(balance_types::code.eq("DATA"))
        .select(balance_types::id)
        .first(&mut app.db())
        .unwrap();
    assert!(data > bt);
    let w = (sub, wallet);
    let e1 = put_edr(&app, w, EdrType::Recharge, 500, None, (data, -50));
    let e2 = put_edr(&app, w, EdrType::Adjustment, 400, None, (bt, 300));
    let e3 = put_edr(&app, w, EdrType::BucketAdd, 300, None, (data, 20));
    let e4 = put_edr(&app, w, EdrType::Adjustment, 200, None, (bt, 10));

    let order = |sort: &'static str| {
        let app = &app;
        async move {
            let (s, page) = viewer(app, sub, &format!("sort={sort}")).await;
            assert_eq!(s, 200);
            ids(&page)
        }
    };
    assert_eq!(order("date").await, vec![e4, e3, e2, e1]);
    assert_eq!(order("date_asc").await, vec![e1, e2, e3, e4]);
    assert_eq!(order("balance_type").await, vec![e2, e4, e1, e3]);
    assert_eq!(
        order("cost").await,
        vec![e2, e3, e4, e1],
        "highest cost first"
    );
    // adjustment < bucket_add < recharge; the same type by date.
    assert_eq!(order("edr_type").await, vec![e2, e4, e3, e1]);
    assert_eq!(order("edr_type_desc").await, vec![e1, e3, e4, e2]);
    assert_eq!(
        order("nonsense").await,
        vec![e4, e3, e2, e1],
        "unknown: default"
    );
    // The headings link to the other direction.
    let (_, page) = viewer(&app, sub, "sort=date").await;
    assert!(page.contains("data-sort=\"date_asc\""));
}

#[tokio::test]
async fn called_numbers_are_masked_unless_the_operator_may_see_them() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "EDR-M", "4791000030").await;
    let bt = cash(&app);
    put_edr(
        &app,
        (sub, wallet),
        EdrType::Adjustment,
        60,
        Some("4790012345"),
        (bt, 1),
    );
    let (_, page) = viewer(&app, sub, "").await;
    assert!(page.contains("4790012345"), "admins see numbers in full");

    let id = app.new_operator("maskop", "operator").await;
    let op = app.another_browser();
    assert_eq!(
        op.login("maskop", OPERATOR_PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    let (_, page) = viewer(&op, sub, "").await;
    assert!(!page.contains("4790012345"), "masked for an operator");
    assert!(page.contains("******2345"));
    let csv = op
        .get(&format!("/subscribers/{sub}/edrs/export.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("******2345") && !csv.contains("4790012345"),
        "{csv}"
    );
    // Only admins set the permission.
    let r = op
        .post_form(
            &format!("/operators/{id}/edr-masking"),
            &[("no_masking", "on")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);

    let r = app
        .post_form(
            &format!("/operators/{id}/edr-masking"),
            &[("no_masking", "on")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = viewer(&op, sub, "").await;
    assert!(page.contains("4790012345"), "unmasked once allowed");
    let audit = app.get_html(&format!("/operators/{id}")).await;
    assert!(
        audit.contains("EDR masking"),
        "the change is in the operator's history"
    );
    let r = app
        .post_form(&format!("/operators/{id}/edr-masking"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = viewer(&op, sub, "").await;
    assert!(!page.contains("4790012345"), "masked again");
}

fn temp(bytes: &[u8], ext: &str) -> std::path::PathBuf {
    use rand::Rng;
    let p = std::env::temp_dir().join(format!(
        "sc_edrs_{:016x}.{ext}",
        rand::thread_rng().gen::<u64>()
    ));
    std::fs::write(&p, bytes).unwrap();
    p
}

#[tokio::test]
async fn the_edrs_export_in_five_formats_with_the_filters() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "EDR-X", "4791000040").await;
    let bt = cash(&app);
    put_edr(
        &app,
        (sub, wallet),
        EdrType::Adjustment,
        300,
        Some("4790000001"),
        (bt, 250),
    );
    put_edr(
        &app,
        (sub, wallet),
        EdrType::Recharge,
        200,
        Some("4790000002"),
        (bt, -500),
    );
    put_edr(
        &app,
        (sub, wallet),
        EdrType::Adjustment,
        3 * 86_400,
        None,
        (bt, 1),
    );
    let (_, page) = viewer(&app, sub, "edr_type=adjustment").await;
    let link = format!("/subscribers/{sub}/edrs/export.csv?");
    assert!(page.contains(&link), "the viewer links its exports");

    let base = format!("/subscribers/{sub}/edrs/export");
    let r = app.get(&format!("{base}.csv?edr_type=adjustment")).await;
    assert_eq!(r.status().as_u16(), 200);
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("edrs-") && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("Time"), "{csv}");
    assert!(lines[0].contains("Called number") && lines[0].contains("Cost"));
    assert_eq!(
        lines.len(),
        2,
        "the filter and the default window hold: {csv}"
    );
    assert!(lines[1].contains("4790000001") && lines[1].contains("GENERAL_CASH"));

    let txt = app.get(&format!("{base}.txt")).await.text().await.unwrap();
    assert_eq!(txt.lines().count(), 3, "{txt}");
    assert!(txt.lines().nth(1).unwrap().contains('\t'));

    let xlsx = app
        .get(&format!("{base}.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    let path = temp(&xlsx, "xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.height(), 3);
    let _ = std::fs::remove_file(path);

    let xls = app
        .get(&format!("{base}.xls?limit=1"))
        .await
        .bytes()
        .await
        .unwrap();
    let path = temp(&xls, "xls");
    let mut book: Xls<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.height(), 2, "the number of EDRs holds");
    let _ = std::fs::remove_file(path);

    let r = app.get(&format!("{base}.pdf")).await;
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));

    assert_eq!(
        app.get(&format!("{base}.csv?limit=x"))
            .await
            .status()
            .as_u16(),
        400
    );
    assert_eq!(app.get(&format!("{base}.doc")).await.status().as_u16(), 400);
    assert_eq!(
        app.get("/subscribers/999999/edrs/export.csv")
            .await
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn a_reverse_charge_restores_the_balance_once() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "EDR-R", "4791000050").await;
    assert_eq!(adjust(&app, wallet, "10.00", "").await, 303);
    assert_eq!(adjust(&app, wallet, "-3.00", "").await, 303);
    assert_eq!(total(&app, sub).await, 700);
    let adjustments = edr_ids_of(&app, wallet, "adjustment");
    let debit = adjustments[1];

    let r = app
        .post_form(
            &format!("/edrs/{debit}/reverse"),
            &[("change_reason", "wrong amount")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        crate::common::location(&r),
        format!("/subscribers/{sub}/edrs")
    );
    assert_eq!(
        total(&app, sub).await,
        1000,
        "the debit came back as credit"
    );
    let reversal = edr_ids_of(&app, wallet, "reversal");
    assert_eq!(reversal.len(), 1);
    let points: Option<i64> = edrs::table
        .find(reversal[0])
        .select(edrs::reverses_edr_id)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(points, Some(debit));
    let d = app.get_html(&format!("/edrs/{debit}")).await;
    assert!(d.contains(&format!("data-reversed-by=\"{}\"", reversal[0])));
    assert!(
        !d.contains("id=\"reverse-form\""),
        "no second reverse offered"
    );

    let r = app
        .post_form(
            &format!("/edrs/{debit}/reverse"),
            &[("change_reason", "again")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409, "a second reversal is refused");
    assert!(r.text().await.unwrap().contains("reversed already"));
    assert_eq!(total(&app, sub).await, 1000);

    // A credit is taken back.
    let credit = adjustments[0];
    let r = app.post_form(&format!("/edrs/{credit}/reverse"), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(total(&app, sub).await, 0);
    // Reversals and bucket edits are not reversible.
    let r = app
        .post_form(&format!("/edrs/{}/reverse", reversal[0]), &[])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let bt = cash(&app).to_string();
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/buckets"),
            &[
                ("balance_type_id", &bt),
                ("value", "1.00"),
                ("offset", ""),
                ("expiry", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let bucket = edr_ids_of(&app, wallet, "bucket_add")[0];
    let r = app.post_form(&format!("/edrs/{bucket}/reverse"), &[]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(edr_ids_of(&app, wallet, "reversal").len(), 2);

    // While financial changes are audited a reason is required.
    assert_eq!(adjust(&app, wallet, "2.00", "top up").await, 303);
    set_auditing(&app, true).await;
    let last = *edr_ids_of(&app, wallet, "adjustment").last().unwrap();
    let r = app
        .post_form(&format!("/edrs/{last}/reverse"), &[("change_reason", "")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("id=\"e-change_reason\""));
    let r = app
        .post_form(
            &format!("/edrs/{last}/reverse"),
            &[("change_reason", "customer asked")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let reason: Option<String> = edrs::table
        .filter(edrs::reverses_edr_id.eq(last))
        .select(edrs::change_reason)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(reason.as_deref(), Some("customer asked"));
    // The wallet's history has the reversal.
    let audit = app.get_html("/audit?action=reverse").await;
    assert!(audit.contains("customer asked"));
}

#[tokio::test]
async fn racing_reversals_of_one_edr_reverse_it_once() {
    let app = spawn_admin().await;
    let (sub, wallet) = subscriber_with_wallet(&app, "EDR-RR", "4791000060").await;
    assert_eq!(adjust(&app, wallet, "10.00", "").await, 303);
    assert_eq!(adjust(&app, wallet, "-4.00", "").await, 303);
    let debit = edr_ids_of(&app, wallet, "adjustment")[1];
    let token = app.csrf_token().await;
    let path = format!("/edrs/{debit}/reverse");
    let fields = [("change_reason", "race")];
    let posts = (0..12).map(|_| app.post_with_token(&token, &path, &fields));
    let statuses: Vec<u16> = futures_util::future::join_all(posts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [303, 409, 422].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(edr_ids_of(&app, wallet, "reversal").len(), 1);
    assert_eq!(total(&app, sub).await, 1000);
}
