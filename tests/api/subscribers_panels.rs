//! The profile panels: call barring, number translation, friends and family, closed user groups,
//! remote access, zones; and automatic blacklisting.

use crate::common::spawn_admin;
use crate::subscriber_support::*;
use selfcare::db::models::{subscriber, subscriber_profile};
use selfcare::domain::geo::Shape;
use selfcare::service::subscribers::recharge;

fn field_of(fields: &[(String, String)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

#[tokio::test]
async fn call_barring_list_type_ignore_and_numbers() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "P1", "4770000001").await;
    save_ok(
        &app,
        id,
        &[
            ("barring_list_type", Some("allowed")),
            ("barring_ignore", Some("on")),
            ("barring_new", Some("+4712345678, 0047 99887766")),
        ],
    )
    .await;
    let mut conn = db(&app);
    let s = subscriber::find(&mut conn, id.into()).unwrap().unwrap();
    assert_eq!(s.barring_list_type.code(), "allowed");
    assert!(s.barring_ignore);
    let p = subscriber_profile::load(&mut conn, id).unwrap();
    let numbers: Vec<&str> = p.numbers_of("barring").map(|n| n.number.as_str()).collect();
    assert_eq!(numbers, ["+4712345678", "0047", "99887766"]);
    let remove = p
        .numbers_of("barring")
        .find(|n| n.number == "0047")
        .unwrap()
        .id;
    save_ok(
        &app,
        id,
        &[
            (&format!("num_{remove}_remove"), Some("on")),
            ("barring_new", Some("99887766")),
        ],
    )
    .await;
    let p = subscriber_profile::load(&mut conn, id).unwrap();
    let numbers: Vec<&str> = p.numbers_of("barring").map(|n| n.number.as_str()).collect();
    assert_eq!(
        numbers,
        ["+4712345678", "99887766"],
        "removed, and a repeat is not added twice"
    );
    let r = save_with(&app, id, &[("barring_new", Some("12-34"))]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(field_error(&r.text().await.unwrap(), "barring_new").is_some());
    let r = save_with(&app, id, &[("barring_list_type", Some("sometimes"))]).await;
    assert_eq!(r.status().as_u16(), 422);
    let many: Vec<String> = (0..99).map(|i| format!("5{i:04}")).collect();
    let r = save_with(&app, id, &[("barring_new", Some(&many.join(" ")))]).await;
    assert_eq!(r.status().as_u16(), 422, "at most 100 numbers");
}

#[tokio::test]
async fn number_translation_pairs() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "P2", "4770000002").await;
    save_ok(
        &app,
        id,
        &[
            ("sc_new_code", Some("*1#")),
            ("sc_new_number", Some("+4722000000")),
        ],
    )
    .await;
    save_ok(
        &app,
        id,
        &[
            ("sc_new_code", Some("12")),
            ("sc_new_number", Some("4790000012")),
        ],
    )
    .await;
    let mut conn = db(&app);
    let codes = subscriber_profile::load(&mut conn, id).unwrap().short_codes;
    assert_eq!(codes.len(), 2);
    let star = codes.iter().find(|c| c.code == "*1#").unwrap();
    assert_eq!(star.number, "+4722000000");
    let r = save_with(
        &app,
        id,
        &[("sc_new_code", Some("12")), ("sc_new_number", Some("1"))],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422, "a code appears once");
    let r = save_with(
        &app,
        id,
        &[("sc_new_code", Some("99")), ("sc_new_number", Some(""))],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422, "a code needs its number");
    assert!(field_error(&r.text().await.unwrap(), "sc_new_number").is_some());
    let twelve = codes.iter().find(|c| c.code == "12").unwrap().id;
    save_ok(
        &app,
        id,
        &[
            (&format!("sc_{}_number", star.id), Some("4722000001")),
            (&format!("sc_{twelve}_remove"), Some("on")),
        ],
    )
    .await;
    let codes = subscriber_profile::load(&mut conn, id).unwrap().short_codes;
    assert_eq!(codes.len(), 1);
    assert_eq!(
        (codes[0].code.as_str(), codes[0].number.as_str()),
        ("*1#", "4722000001")
    );
}

#[tokio::test]
async fn friends_and_family_settings_and_numbers() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "P3", "4770000003").await;
    save_ok(
        &app,
        id,
        &[
            ("ff_service", Some("friends_destination")),
            ("ff_discount_prefix", Some("1550")),
            ("ff_change_count", Some("3")),
            ("ff_change_date", Some("2026-11-20T14:30")),
            ("ff_new", Some("4790000001 4790000002")),
        ],
    )
    .await;
    let mut conn = db(&app);
    let s = subscriber::find(&mut conn, id.into()).unwrap().unwrap();
    assert_eq!(s.ff_service.code(), "friends_destination");
    assert_eq!(s.ff_discount_prefix, "1550");
    assert_eq!(s.ff_change_count, 3);
    assert_eq!(
        s.ff_changed_at,
        Some(selfcare::domain::subscriber::parse_date_time("2026-11-20T14:30").unwrap())
    );
    let p = subscriber_profile::load(&mut conn, id).unwrap();
    assert_eq!(p.numbers_of("ff").count(), 2);
    assert_eq!(p.numbers_of("barring").count(), 0, "the lists are apart");
    let fields = edit_form(&app, id).await;
    assert_eq!(
        field_of(&fields, "ff_change_date").as_deref(),
        Some("2026-11-20T14:30")
    );
    for (field, bad) in [
        ("ff_service", "all"),
        ("ff_discount_prefix", "15a"),
        ("ff_change_count", "-1"),
        ("ff_change_date", "yesterday"),
    ] {
        let r = save_with(&app, id, &[(field, Some(bad))]).await;
        assert_eq!(r.status().as_u16(), 422, "{field}={bad}");
        assert!(
            field_error(&r.text().await.unwrap(), field).is_some(),
            "{field}"
        );
    }
    let many: Vec<String> = (0..19).map(|i| format!("6{i:04}")).collect();
    let r = save_with(&app, id, &[("ff_new", Some(&many.join(",")))]).await;
    assert_eq!(
        r.status().as_u16(),
        422,
        "at most 20 friends-and-family numbers"
    );
}

#[tokio::test]
async fn closed_user_groups_and_remote_access() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "P4", "4770000004").await;
    save_ok(
        &app,
        id,
        &[
            ("cug_1", Some("on")),
            ("cug_3", Some("on")),
            ("remote_access", Some("on")),
        ],
    )
    .await;
    let mut conn = db(&app);
    assert_eq!(
        subscriber_profile::load(&mut conn, id).unwrap().cugs,
        vec![1, 3]
    );
    assert!(
        subscriber::find(&mut conn, id.into())
            .unwrap()
            .unwrap()
            .remote_access
    );
    let html = app.get_html(&format!("/subscribers/{id}")).await;
    assert!(html.contains("Head office") && html.contains("Family plan"));
    save_ok(&app, id, &[("cug_1", None), ("remote_access", None)]).await;
    assert_eq!(
        subscriber_profile::load(&mut conn, id).unwrap().cugs,
        vec![3]
    );
    assert!(
        !subscriber::find(&mut conn, id.into())
            .unwrap()
            .unwrap()
            .remote_access
    );
    // A group in use cannot be deleted from the reference list.
    let r = app
        .post_form("/admin/reference/closed-user-groups/3/delete", &[])
        .await;
    assert_eq!(r.status().as_u16(), 409);
    let r = app
        .post_form("/admin/reference/closed-user-groups/2/delete", &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

fn circle(prefix: &str, x: &str, y: &str, r: &str) -> Vec<(String, Option<String>)> {
    vec![
        (format!("{prefix}_kind"), Some("circle".into())),
        (format!("{prefix}_x"), Some(x.into())),
        (format!("{prefix}_y"), Some(y.into())),
        (format!("{prefix}_r"), Some(r.into())),
    ]
}

fn rectangle(prefix: &str, x: &str, y: &str, x2: &str, y2: &str) -> Vec<(String, Option<String>)> {
    vec![
        (format!("{prefix}_kind"), Some("rectangle".into())),
        (format!("{prefix}_x"), Some(x.into())),
        (format!("{prefix}_y"), Some(y.into())),
        (format!("{prefix}_x2"), Some(x2.into())),
        (format!("{prefix}_y2"), Some(y2.into())),
    ]
}

async fn save_owned(
    app: &crate::common::TestApp,
    id: i64,
    changes: Vec<(String, Option<String>)>,
) -> reqwest::Response {
    let borrowed: Vec<(&str, Option<&str>)> = changes
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_deref()))
        .collect();
    save_with(app, id, &borrowed).await
}

#[tokio::test]
async fn zones_up_to_nine_of_up_to_five_shapes() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "P5", "4770000005").await;
    for i in 1..=9 {
        let mut c = circle("new_zone", &format!("10.{i}"), "59.9", "2.5");
        c.push(("new_zone_name".into(), Some(format!("Zone {i}"))));
        let r = save_owned(&app, id, c).await;
        assert_eq!(r.status().as_u16(), 303, "zone {i}");
    }
    let html = app.get_html(&format!("/subscribers/{id}")).await;
    assert!(
        html.contains("id=\"zones-full\""),
        "no tenth zone is offered"
    );
    let mut c = circle("new_zone", "10", "59", "1");
    c.push(("new_zone_name".into(), Some("Zone 10".into())));
    let r = save_owned(&app, id, c).await;
    assert_eq!(r.status().as_u16(), 422, "a tenth zone is refused");
    assert!(field_error(&r.text().await.unwrap(), "new_zone_name")
        .unwrap()
        .contains("9 zones"));

    let mut conn = db(&app);
    let zone = subscriber_profile::load(&mut conn, id).unwrap().zones[0]
        .zone
        .id;
    for n in 2..=5 {
        let r = save_owned(
            &app,
            id,
            rectangle(&format!("zone_{zone}_new"), "10", "60", "11", "59"),
        )
        .await;
        assert_eq!(r.status().as_u16(), 303, "shape {n}");
    }
    let p = subscriber_profile::load(&mut conn, id).unwrap();
    assert_eq!(p.zones[0].shapes.len(), 5);
    let html = app.get_html(&format!("/subscribers/{id}")).await;
    assert!(
        !html.contains(&format!("name=\"zone_{zone}_new_kind\"")),
        "no sixth shape is offered"
    );
    let r = save_owned(&app, id, circle(&format!("zone_{zone}_new"), "1", "1", "1")).await;
    assert_eq!(r.status().as_u16(), 422, "a sixth shape is refused");
    let html = r.text().await.unwrap();
    assert!(field_error(&html, &format!("zone_{zone}_new_kind"))
        .unwrap()
        .contains("5 shapes"));

    // Names are unique per subscriber.
    let other = p.zones[1].zone.id;
    let r = save_owned(
        &app,
        id,
        vec![(format!("zone_{other}_name"), Some("zone 1".into()))],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    save_ok(&app, id, &[(&format!("zone_{other}_name"), Some("Home"))]).await;
    assert_eq!(
        subscriber_profile::load(&mut conn, id).unwrap().zones[1]
            .zone
            .name,
        "Home"
    );
}

#[tokio::test]
async fn coordinates_at_and_beyond_their_bounds_are_kept_exactly() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "P6", "4770000006").await;
    let good = [
        ("-179.99999", "-90", "0"),
        ("180", "90", "99999999.9999999"),
        ("10.1234567", "-33.0000001", "0.0000001"),
    ];
    for (i, (x, y, r)) in good.iter().enumerate() {
        let mut c = circle("new_zone", x, y, r);
        c.push(("new_zone_name".into(), Some(format!("Edge {i}"))));
        let resp = save_owned(&app, id, c).await;
        assert_eq!(resp.status().as_u16(), 303, "{x} {y} {r}");
    }
    let mut conn = db(&app);
    let zones = subscriber_profile::load(&mut conn, id).unwrap().zones;
    assert_eq!(
        zones[0].shapes[0].shape(),
        Shape::Circle {
            lon: -1_799_999_900,
            lat: -900_000_000,
            radius: 0
        }
    );
    assert_eq!(
        zones[1].shapes[0].shape(),
        Shape::Circle {
            lon: 1_800_000_000,
            lat: 900_000_000,
            radius: 999_999_999_999_999
        }
    );
    assert_eq!(
        zones[2].shapes[0].shape(),
        Shape::Circle {
            lon: 101_234_567,
            lat: -330_000_001,
            radius: 1
        }
    );
    let fields = edit_form(&app, id).await;
    let sid = zones[0].shapes[0].id;
    assert_eq!(
        field_of(&fields, &format!("shape_{sid}_x")).as_deref(),
        Some("-179.99999")
    );
    let sid = zones[1].shapes[0].id;
    assert_eq!(
        field_of(&fields, &format!("shape_{sid}_r")).as_deref(),
        Some("99999999.9999999")
    );

    let bad = [
        ("-179.9999901", "0", "1", "x"),
        ("-180", "0", "1", "x"),
        ("180.0000001", "0", "1", "x"),
        ("0", "90.0000001", "1", "y"),
        ("0", "-90.0000001", "1", "y"),
        ("0", "0", "100000000", "r"),
        ("0", "0", "-0.0000001", "r"),
        ("0", "0", "1.00000001", "r"),
        ("east", "0", "1", "x"),
    ];
    for (x, y, r, field) in bad {
        let mut c = circle("new_zone", x, y, r);
        c.push(("new_zone_name".into(), Some("Bad".into())));
        let resp = save_owned(&app, id, c).await;
        assert_eq!(resp.status().as_u16(), 422, "{x} {y} {r}");
        let html = resp.text().await.unwrap();
        assert!(
            field_error(&html, &format!("new_zone_{field}")).is_some(),
            "{x} {y} {r}: message at {field}"
        );
    }
    // Editing an existing shape checks the same bounds.
    let sid = zones[2].shapes[0].id;
    let r = save_with(&app, id, &[(&format!("shape_{sid}_y"), Some("91"))]).await;
    assert_eq!(r.status().as_u16(), 422);
    save_ok(&app, id, &[(&format!("shape_{sid}_y"), Some("45.5"))]).await;
    let zones = subscriber_profile::load(&mut conn, id).unwrap().zones;
    assert_eq!(zones[2].shapes[0].lat_e7, 455_000_000);
}

#[tokio::test]
async fn rectangles_need_north_above_south_and_two_longitudes() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "P7", "4770000007").await;
    for (x, y, x2, y2, field) in [
        ("10", "59", "11", "59", "y2"),
        ("10", "58", "11", "59", "y2"),
        ("10", "60", "10", "59", "x2"),
    ] {
        let mut c = rectangle("new_zone", x, y, x2, y2);
        c.push(("new_zone_name".into(), Some("Box".into())));
        let r = save_owned(&app, id, c).await;
        assert_eq!(r.status().as_u16(), 422, "{x} {y} {x2} {y2}");
        assert!(field_error(&r.text().await.unwrap(), &format!("new_zone_{field}")).is_some());
    }
    let mut c = rectangle("new_zone", "10", "60", "11", "59.9999999");
    c.push(("new_zone_name".into(), Some("Box".into())));
    let r = save_owned(&app, id, c).await;
    assert_eq!(r.status().as_u16(), 303);
    let mut conn = db(&app);
    let zones = subscriber_profile::load(&mut conn, id).unwrap().zones;
    assert_eq!(
        zones[0].shapes[0].shape(),
        Shape::Rectangle {
            west: 100_000_000,
            north: 600_000_000,
            east: 110_000_000,
            south: 599_999_999
        }
    );
}

#[tokio::test]
async fn deleting_the_last_shape_removes_the_zone() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "P8", "4770000008").await;
    let mut c = circle("new_zone", "5", "5", "5");
    c.push(("new_zone_name".into(), Some("Work".into())));
    assert_eq!(save_owned(&app, id, c).await.status().as_u16(), 303);
    let mut conn = db(&app);
    let z = subscriber_profile::load(&mut conn, id).unwrap().zones[0]
        .zone
        .id;
    assert_eq!(
        save_owned(&app, id, circle(&format!("zone_{z}_new"), "6", "6", "6"))
            .await
            .status()
            .as_u16(),
        303
    );
    let shapes: Vec<i64> = subscriber_profile::load(&mut conn, id).unwrap().zones[0]
        .shapes
        .iter()
        .map(|s| s.id)
        .collect();
    save_ok(
        &app,
        id,
        &[(&format!("shape_{}_delete", shapes[0]), Some("on"))],
    )
    .await;
    let zones = subscriber_profile::load(&mut conn, id).unwrap().zones;
    assert_eq!(zones.len(), 1, "one shape left: the zone stays");
    assert_eq!(zones[0].shapes.len(), 1);
    save_ok(
        &app,
        id,
        &[(&format!("shape_{}_delete", shapes[1]), Some("on"))],
    )
    .await;
    assert!(
        subscriber_profile::load(&mut conn, id)
            .unwrap()
            .zones
            .is_empty(),
        "the zone went with its last shape"
    );
    let html = app.get_html(&format!("/subscribers/{id}")).await;
    assert!(html
        .split("id=\"history\"")
        .nth(1)
        .unwrap()
        .contains("zones"));
}

#[tokio::test]
async fn three_failed_voucher_recharges_in_a_row_blacklist() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "P9", "4770000009").await;
    let mut conn = db(&app);
    let attempt = |conn: &mut selfcare::db::DbConnection, ok: bool| {
        recharge::record_attempt(conn, id.into(), "123456789", ok, "system:recharge").unwrap()
    };
    assert!(!attempt(&mut conn, false));
    assert!(!attempt(&mut conn, false));
    assert!(
        !attempt(&mut conn, true),
        "a success starts the count again"
    );
    assert!(!attempt(&mut conn, false));
    assert!(!attempt(&mut conn, false));
    assert!(
        !subscriber::find(&mut conn, id.into())
            .unwrap()
            .unwrap()
            .blacklisted
    );
    assert!(
        attempt(&mut conn, false),
        "the third failure in a row blacklists"
    );
    let s = subscriber::find(&mut conn, id.into()).unwrap().unwrap();
    assert!(s.blacklisted);
    assert_eq!(s.version, 2, "an open edit form is now stale");
    assert!(!attempt(&mut conn, false), "already blacklisted");
    let html = app.get_html(&format!("/subscribers/{id}")).await;
    let fields = form_fields(&html, "edit-form");
    assert_eq!(field_of(&fields, "blacklisted").as_deref(), Some("on"));
    assert!(html.contains("Three failed voucher recharges in a row"));
    // Unticking the flag lifts it.
    save_ok(&app, id, &[("blacklisted", None)]).await;
    assert!(
        !subscriber::find(&mut conn, id.into())
            .unwrap()
            .unwrap()
            .blacklisted
    );
}
