//! The Friends and family panel's two settings frames, "Friends & Destination" (discount
//! prefix, its own change count and date) and "Friends & Family" (its own change count and
//! date): each saved apart, shown in its own frame, bad input refused with nothing saved.

use crate::common::spawn_admin;
use crate::subscriber_support::{create_subscriber, edit_form, field_error, save_ok, save_with};
use selfcare::db::models::subscriber;
use selfcare::domain::subscriber::parse_date_time;

fn field(fields: &[(String, String)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

#[tokio::test]
async fn each_frame_keeps_its_own_change_count_and_date() {
    let app = spawn_admin().await;
    let id = create_subscriber(&app, "FF-1", "4794000001").await;
    save_ok(
        &app,
        id,
        &[
            ("ff_discount_prefix", Some("1550")),
            ("fd_change_count", Some("7")),
            ("fd_change_date", Some("2026-10-01T08:15")),
            ("ff_change_count", Some("2")),
            ("ff_change_date", Some("2026-11-20T14:30")),
        ],
    )
    .await;
    let s = subscriber::find(&mut app.db(), id.into()).unwrap().unwrap();
    assert_eq!((s.fd_change_count, s.ff_change_count), (7, 2));
    assert_eq!(
        s.fd_changed_at,
        Some(parse_date_time("2026-10-01T08:15").unwrap())
    );
    assert_eq!(
        s.ff_changed_at,
        Some(parse_date_time("2026-11-20T14:30").unwrap())
    );

    let page = app.get_html(&format!("/subscribers/{id}")).await;
    let frame = |legend: &str| -> String {
        let start = page.find(&format!("<legend>{legend}")).expect(legend);
        page[start..start + page[start..].find("</fieldset>").unwrap()].to_string()
    };
    let fd = frame("Friends &amp; Destination settings");
    let ff = frame("Friends &amp; Family settings");
    assert!(fd.contains("name=\"ff_discount_prefix\"") && fd.contains("name=\"fd_change_count\""));
    assert!(fd.contains("value=\"7\"") && fd.contains("value=\"2026-10-01T08:15\""));
    assert!(ff.contains("name=\"ff_change_count\"") && !ff.contains("ff_discount_prefix"));
    assert!(ff.contains("value=\"2\"") && ff.contains("value=\"2026-11-20T14:30\""));

    // Changing one frame leaves the other as it was.
    save_ok(&app, id, &[("fd_change_count", Some("8"))]).await;
    let s = subscriber::find(&mut app.db(), id.into()).unwrap().unwrap();
    assert_eq!((s.fd_change_count, s.ff_change_count), (8, 2));
    let fields = edit_form(&app, id).await;
    assert_eq!(field(&fields, "fd_change_count").as_deref(), Some("8"));

    for (name, bad) in [("fd_change_count", "-1"), ("fd_change_date", "soon")] {
        let r = save_with(
            &app,
            id,
            &[(name, Some(bad)), ("ff_change_count", Some("5"))],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422, "{name}={bad}");
        assert!(
            field_error(&r.text().await.unwrap(), name).is_some(),
            "{name}"
        );
        let s = subscriber::find(&mut app.db(), id.into()).unwrap().unwrap();
        assert_eq!(
            (s.fd_change_count, s.ff_change_count),
            (8, 2),
            "nothing saved"
        );
    }
}
