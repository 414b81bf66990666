//! A customer's telephony configuration (issue 13): IP devices, SIP devices, dialing routes and
//! the four translation lists with add, edit, delete and the trail; collisions across
//! customers; the SIP secret shown once and nowhere else; the tester; the customers pane's IP
//! and SIP user filters (indexed); the portal's read-only view.

use crate::common::{location, spawn_admin, TestApp};

const IP: [(&str, &str); 5] = [
    ("description", "Office PBX"),
    ("dial_prefix", "0047"),
    ("max_call_sessions", "30"),
    ("calls_per_second", "5"),
    ("active", "yes"),
];

async fn add_ip(app: &TestApp, c: i64, ip: &str) -> reqwest::Response {
    let mut f = IP.to_vec();
    f.push(("ip_address", ip));
    app.post_form(&format!("/customers/{c}/ip-devices"), &f)
        .await
}

fn sip_fields<'a>(login: &'a str, secret: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("login", login),
        ("secret", secret),
        ("extension", "201"),
        ("voicemail", "yes"),
        ("voicemail_email", "vm@example.com"),
        ("ip_address", ""),
        ("max_call_sessions", "2"),
        ("calls_per_second", "1"),
        ("active", "yes"),
    ]
}

async fn add_sip(app: &TestApp, c: i64, login: &str, secret: &str) -> reqwest::Response {
    app.post_form(
        &format!("/customers/{c}/sip-devices"),
        &sip_fields(login, secret),
    )
    .await
}

/// The message shown next to `field` (`<p class="error" id="e-{field}">…</p>`), if any.
fn field_error(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"e-{field}\">");
    let s = html.find(&marker)? + marker.len();
    Some(html[s..s + html[s..].find("</p>")?].to_string())
}

/// The id of the first row after `marker` (`data-id="…"`).
fn first_id_after(html: &str, marker: &str) -> i64 {
    let s = html.find(marker).expect(marker);
    let rest = &html[s..];
    let i = rest.find("<tr data-id=\"").expect("a row") + "<tr data-id=\"".len();
    rest[i..i + rest[i..].find('"').unwrap()].parse().unwrap()
}

/// The row ids of the table that carries `data-list="{list}"`, in order.
fn list_ids(html: &str, list: &str) -> Vec<i64> {
    let s = html.find(&format!("data-list=\"{list}\"")).expect(list);
    let rest = &html[s..];
    let rest = &rest[..rest.find("</table>").unwrap()];
    rest.match_indices("<tr data-id=\"")
        .map(|(i, m)| {
            let t = &rest[i + m.len()..];
            t[..t.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

fn customers_in(html: &str) -> Vec<i64> {
    let s = match html.find("id=\"pane-customers\"") {
        Some(s) => s,
        None => return Vec::new(),
    };
    let rest = &html[s..];
    let rest = &rest[..rest.find("</section>").unwrap_or(rest.len())];
    rest.match_indices("<tr data-id=\"")
        .map(|(i, m)| {
            let t = &rest[i + m.len()..];
            t[..t.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

#[tokio::test]
async fn ip_devices_are_added_edited_deleted_and_held_by_one_customer() {
    let app = spawn_admin().await;
    let t = app.two_customers().await;
    let r = add_ip(&app, t.a, "192.0.2.10").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), format!("/customers/{}/telephony", t.a));
    // Bad input of issue 13, each next to its field; nothing stored.
    for (ip, prefix, field, msg) in [
        ("192.0.2.0/24", "1", "ip_address", "without a /prefix"),
        ("192.0.2.256", "1", "ip_address", "Enter an IPv4 address"),
        ("300.1.1.1", "1", "ip_address", "Enter an IPv4 address"),
        ("198.51.100.7", "12a", "dial_prefix", "digits only"),
        (
            "198.51.100.7",
            "12345678901",
            "dial_prefix",
            "at most 10 digits",
        ),
    ] {
        let mut f = IP.to_vec();
        f.retain(|(k, _)| *k != "dial_prefix");
        f.push(("ip_address", ip));
        f.push(("dial_prefix", prefix));
        let r = app
            .post_form(&format!("/customers/{}/ip-devices", t.b), &f)
            .await;
        assert_eq!(r.status().as_u16(), 422, "{ip} {prefix}");
        let body = r.text().await.unwrap();
        let shown = field_error(&body, field).unwrap_or_default();
        assert!(shown.contains(msg), "{msg} next to {field}: {body}");
        assert!(
            body.contains(&format!("value=\"{ip}\"")),
            "typed value kept"
        );
    }
    // The same address on another customer names the holder; written another way, too.
    let r = add_ip(&app, t.b, "192.0.2.10").await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(
        field_error(&r.text().await.unwrap(), "ip_address").as_deref(),
        Some("This address belongs to Alpha Foods AS.")
    );
    let r = add_ip(&app, t.a, " 192.0.2.10").await;
    assert_eq!(r.status().as_u16(), 422, "not twice on one customer either");
    let b_page = app.get_html(&format!("/customers/{}/telephony", t.b)).await;
    assert!(b_page.contains("No IP devices."));
    let v6 = add_ip(&app, t.b, "2001:DB8::0:1").await;
    assert_eq!(v6.status().as_u16(), 303);
    assert_eq!(
        add_ip(&app, t.a, "2001:db8::1").await.status().as_u16(),
        422
    );

    // Edit, with the version the form was opened at.
    let page = app.get_html(&format!("/customers/{}/telephony", t.a)).await;
    let dev = first_id_after(&page, "id=\"ip-devices\"");
    let edit = app
        .get_html(&format!("/customers/{}/ip-devices/{dev}/edit", t.a))
        .await;
    assert!(edit.contains("value=\"192.0.2.10\"") && edit.contains("name=\"version\" value=\"1\""));
    let mut f = IP.to_vec();
    f.retain(|(k, _)| *k != "description" && *k != "active");
    f.extend([
        ("ip_address", "192.0.2.11"),
        ("description", "Moved PBX"),
        ("version", "1"),
    ]);
    let r = app
        .post_form(&format!("/customers/{}/ip-devices/{dev}", t.a), &f)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(&format!("/customers/{}/ip-devices/{dev}", t.a), &f)
        .await;
    assert_eq!(r.status().as_u16(), 409, "a stale version changes nothing");
    let page = app.get_html(&format!("/customers/{}/telephony", t.a)).await;
    assert!(page.contains("<td>192.0.2.11</td><td>Moved PBX</td>"));
    assert!(page.contains("<td>no</td>"), "unchecked: inactive");
    // The old address is free again.
    assert_eq!(add_ip(&app, t.b, "192.0.2.10").await.status().as_u16(), 303);
    // Another customer's device cannot be reached through this customer.
    let r = app
        .get(&format!("/customers/{}/ip-devices/{dev}/edit", t.b))
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let r = app
        .post_form(&format!("/customers/{}/ip-devices/{dev}/delete", t.b), &[])
        .await;
    assert_eq!(r.status().as_u16(), 404);
    // Delete, confirmed.
    let confirm = app
        .get_html(&format!("/customers/{}/ip-devices/{dev}/delete", t.a))
        .await;
    assert!(confirm.contains("Delete IP device 192.0.2.11?"));
    let r = app
        .post_form(&format!("/customers/{}/ip-devices/{dev}/delete", t.a), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{}/telephony", t.a)).await;
    assert!(page.contains("No IP devices."));
    // The trail keeps all three changes, the deleted device included.
    let trail = &page[page.find("id=\"history\"").unwrap()..];
    assert_eq!(trail.matches("IP device 192.0.2.1").count(), 3, "{trail}");
    assert!(trail.contains("Description: Office PBX → Moved PBX"));
}

#[tokio::test]
async fn racing_customers_for_one_address_leaves_it_with_exactly_one() {
    let app = spawn_admin().await;
    app.login_admin().await;
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(
            app.create_customer(&format!("racer{i}"), &format!("Racer {i} AS"))
                .await,
        );
    }
    let token = app.csrf_token().await;
    let tasks: Vec<_> = ids
        .iter()
        .map(|c| {
            let (app, token, c) = (app.same_browser_at(&app), token.clone(), *c);
            tokio::spawn(async move {
                let mut f = IP.to_vec();
                f.push(("ip_address", "203.0.113.9"));
                app.post_with_token(&token, &format!("/customers/{c}/ip-devices"), &f)
                    .await
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 303).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 422).count(), 7, "{codes:?}");
    let page = app.get_html("/customers?q_ip=203.0.113.9").await;
    assert_eq!(customers_in(&page).len(), 1);
}

#[tokio::test]
async fn racing_for_one_sip_login_or_one_pattern_leaves_exactly_one() {
    let app = spawn_admin().await;
    app.login_admin().await;
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(
            app.create_customer(&format!("racer{i}"), &format!("Racer {i} AS"))
                .await,
        );
    }
    let token = app.csrf_token().await;
    // Eight customers want the same SIP login (spelt in different cases) at once.
    let tasks: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (app, token, c) = (app.same_browser_at(&app), token.clone(), *c);
            let login = if i % 2 == 0 { "Race.Desk" } else { "race.desk" };
            tokio::spawn(async move {
                app.post_with_token(
                    &token,
                    &format!("/customers/{c}/sip-devices"),
                    &sip_fields(login, "Secret-123"),
                )
                .await
                .status()
                .as_u16()
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 303).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 422).count(), 7, "{codes:?}");
    let page = app.get_html("/customers?q_sip_user=race.desk").await;
    assert_eq!(customers_in(&page).len(), 1);
    // One customer's eight clients add the same dialing pattern at once.
    let c = ids[0];
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (app, token) = (app.same_browser_at(&app), token.clone());
            tokio::spawn(async move {
                app.post_with_token(
                    &token,
                    &format!("/customers/{c}/dialing-routes"),
                    &[("route_id", "1"), ("pattern", "4790XXXX")],
                )
                .await
                .status()
                .as_u16()
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 303).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 422).count(), 7, "{codes:?}");
    let page = app.get_html(&format!("/customers/{c}/telephony")).await;
    assert_eq!(page.matches("<td>4790XXXX</td>").count(), 1);
}

#[tokio::test]
async fn a_sip_secret_is_shown_once_and_nowhere_else() {
    let app = spawn_admin().await;
    let t = app.two_customers().await;
    let secret = "Sekr1t-Only-Once";
    let r = add_sip(&app, t.a, "Desk-01", secret).await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{}/telephony", t.a)).await;
    assert!(
        page.contains(&format!("data-secret=\"{secret}\"")),
        "shown once"
    );
    let again = app.get_html(&format!("/customers/{}/telephony", t.a)).await;
    assert!(!again.contains(secret) && !again.contains("data-secret"));
    assert!(again.contains("<td>Desk-01</td>"));
    // Not on the edit page, the audit log, an export, or in the database in the clear.
    let dev = first_id_after(&again, "id=\"sip-devices\"");
    let edit = app
        .get_html(&format!("/customers/{}/sip-devices/{dev}/edit", t.a))
        .await;
    assert!(!edit.contains(secret) && !edit.contains("name=\"secret\""));
    let audit = app.get_html("/audit").await;
    assert!(!audit.contains(secret));
    for fmt in ["csv", "txt"] {
        let body = app
            .get(&format!("/customers/export.{fmt}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!body.contains(secret));
    }
    {
        use diesel::prelude::*;
        use selfcare::db::schema::{audit_log, sip_devices};
        let mut conn = app.db();
        let sealed: String = sip_devices::table
            .select(sip_devices::secret_sealed)
            .first(&mut *conn)
            .unwrap();
        assert!(!sealed.contains(secret) && sealed.len() > 2 * (12 + 16));
        let images: Vec<Option<String>> = audit_log::table
            .select(audit_log::after_json)
            .load(&mut *conn)
            .unwrap();
        assert!(images.iter().flatten().all(|i| !i.contains(secret)));
    }
    // A reset shows a new secret on its answer only; the trail says only "changed".
    let r = app
        .post_form(
            &format!("/customers/{}/sip-devices/{dev}/reset-secret", t.a),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    let s = body.find("data-secret=\"").unwrap() + "data-secret=\"".len();
    let fresh = &body[s..s + body[s..].find('"').unwrap()];
    assert_eq!(fresh.len(), 20);
    let page = app.get_html(&format!("/customers/{}/telephony", t.a)).await;
    assert!(!page.contains(fresh));
    assert!(page.contains("Secret: ••• → changed"), "{page}");
    // Only an editor may reset; a viewer gets 403 and nothing changes.
    app.create_operator("vic", "Viewer-Pass-1!", "viewer");
    let viewer = app.signed_in_as("vic", "Viewer-Pass-1!").await;
    let r = viewer
        .post_form(
            &format!("/customers/{}/sip-devices/{dev}/reset-secret", t.a),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn sip_logins_are_unique_system_wide_and_checked() {
    let app = spawn_admin().await;
    let t = app.two_customers().await;
    assert_eq!(
        add_sip(&app, t.a, "desk.01", "Secret-123")
            .await
            .status()
            .as_u16(),
        303
    );
    let r = add_sip(&app, t.b, "DESK.01", "Secret-123").await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(
        field_error(&r.text().await.unwrap(), "login").as_deref(),
        Some("This SIP login is taken by Alpha Foods AS.")
    );
    for (login, secret, email, field, msg) in [
        (
            "desk 02",
            "Secret-123",
            "vm@example.com",
            "login",
            "no spaces",
        ),
        ("desk02", "short", "vm@example.com", "secret", "at least 8"),
        (
            "desk02",
            "Secret-123",
            "not-an-address",
            "voicemail_email",
            "Enter an email address",
        ),
    ] {
        let mut f = sip_fields(login, secret);
        f.retain(|(k, _)| *k != "voicemail_email");
        f.push(("voicemail_email", email));
        let r = app
            .post_form(&format!("/customers/{}/sip-devices", t.b), &f)
            .await;
        assert_eq!(r.status().as_u16(), 422, "{msg}");
        let body = r.text().await.unwrap();
        let shown = field_error(&body, field).unwrap_or_default();
        assert!(shown.contains(msg), "{msg} next to {field}: {body}");
        assert!(!body.contains(secret), "a secret is never echoed");
    }
    let page = app.get_html(&format!("/customers/{}/telephony", t.b)).await;
    assert!(page.contains("No SIP devices."));
}

#[tokio::test]
async fn dialing_routes_use_the_route_list_and_a_pattern_once_per_customer() {
    let app = spawn_admin().await;
    let t = app.two_customers().await;
    let form = app
        .get_html(&format!("/customers/{}/dialing-routes/new", t.a))
        .await;
    assert!(
        form.contains("Default carrier") && form.contains("Least cost"),
        "seeded"
    );
    // Admins keep the route list as reference data.
    let r = app
        .post_form("/admin/reference/routes", &[("name", "Premium")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let form = app
        .get_html(&format!("/customers/{}/dialing-routes/new", t.a))
        .await;
    let i = form.find(">Premium<").expect("the new route is offered");
    let v = form[..i].rfind("value=\"").unwrap() + "value=\"".len();
    let premium = form[v..v + form[v..].find('"').unwrap()].to_string();
    let add = |c: i64, pattern: &'static str, route: String| {
        let app = &app;
        async move {
            app.post_form(
                &format!("/customers/{c}/dialing-routes"),
                &[("route_id", route.as_str()), ("pattern", pattern)],
            )
            .await
        }
    };
    assert_eq!(
        add(t.a, "4420xxxx", premium.clone())
            .await
            .status()
            .as_u16(),
        303
    );
    let r = add(t.a, "4420XXXX", premium.clone()).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("for this pattern already"));
    assert_eq!(
        add(t.b, "4420XXXX", premium.clone())
            .await
            .status()
            .as_u16(),
        303
    );
    for bad in ["44a", "X44", "44*X"] {
        assert_eq!(
            add(t.a, bad, premium.clone()).await.status().as_u16(),
            422,
            "{bad}"
        );
    }
    assert_eq!(
        add(t.a, "0044*", "999999".into()).await.status().as_u16(),
        422
    );
    let page = app.get_html(&format!("/customers/{}/telephony", t.a)).await;
    assert!(page.contains("<td>4420XXXX</td><td>Premium</td>"));
    // A route in use cannot leave the list.
    let r = app
        .post_form(&format!("/admin/reference/routes/{premium}/delete"), &[])
        .await;
    let list = app.get_html("/admin/reference/routes").await;
    assert!(list.contains("Premium"), "{}", r.status());
    let route = first_id_after(&page, "id=\"dialing-routes\"");
    let r = app
        .post_form(
            &format!("/customers/{}/dialing-routes/{route}", t.a),
            &[("route_id", premium.as_str()), ("pattern", "4421*")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{}/telephony", t.a)).await;
    assert!(page.contains("<td>4421*</td>"));
}

#[tokio::test]
async fn translation_rules_are_ordered_checked_and_tested() {
    let app = spawn_admin().await;
    let t = app.two_customers().await;
    let c = t.a;
    let add = |list: &'static str, m: &'static str, s: &'static str, p: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                &format!("/customers/{c}/translations/{list}"),
                &[("match_prefix", m), ("strip", s), ("prepend", p)],
            )
            .await
        }
    };
    assert_eq!(
        add("destination", "00", "2", "+").await.status().as_u16(),
        303
    );
    assert_eq!(
        add("destination", "0044", "4", "+44")
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        add("did_source", "", "0", "+4722").await.status().as_u16(),
        303
    );
    for (m, s, p, field, msg) in [
        ("4a", "0", "", "match_prefix", "The prefix takes digits"),
        ("", "16", "", "strip", "from 0 to 15"),
        ("", "0", "12b", "prepend", "Prepend takes digits"),
    ] {
        let r = add("source", m, s, p).await;
        assert_eq!(r.status().as_u16(), 422, "{msg}");
        let body = r.text().await.unwrap();
        let shown = field_error(&body, field).unwrap_or_default();
        assert!(shown.contains(msg), "{msg} next to {field}: {body}");
    }
    let r = add("nonsense", "", "0", "").await;
    assert_eq!(r.status().as_u16(), 404);
    let page = app.get_html(&format!("/customers/{c}/telephony")).await;
    assert!(list_ids(&page, "source").is_empty());
    let order = list_ids(&page, "destination");
    assert_eq!(order.len(), 2);
    let tester = |list: &'static str, number: &'static str| {
        let app = &app;
        async move {
            app.get_html(&format!(
                "/customers/{c}/translations/test?list={list}&number={number}"
            ))
            .await
        }
    };
    // The first matching rule applies: "00" comes before "0044".
    let r = tester("destination", "00442071234567").await;
    assert!(r.contains("data-result=\"+442071234567\""), "{r}");
    assert!(r.contains("Rule 1 applied"));
    // Move the specific rule up: now it applies.
    let resp = app
        .post_form(&format!("/customers/{c}/translations/{}/up", order[1]), &[])
        .await;
    assert_eq!(resp.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{c}/telephony")).await;
    assert_eq!(list_ids(&page, "destination"), vec![order[1], order[0]]);
    let r = tester("destination", "00442071234567").await;
    assert!(
        r.contains("data-result=\"+442071234567\"") && r.contains("Rule 1 applied (prefix 0044")
    );
    let r = tester("did_source", "12345678").await;
    assert!(r.contains("data-result=\"+472212345678\""));
    let r = tester("source", "12345678").await;
    assert!(r.contains("data-result=\"12345678\"") && r.contains("No rule matched"));
    let r = app
        .get(&format!(
            "/customers/{c}/translations/test?list=destination&number=12ab"
        ))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    // Moving the first rule up changes nothing; down puts it back.
    app.post_form(&format!("/customers/{c}/translations/{}/up", order[1]), &[])
        .await;
    app.post_form(
        &format!("/customers/{c}/translations/{}/down", order[1]),
        &[],
    )
    .await;
    let page = app.get_html(&format!("/customers/{c}/telephony")).await;
    assert_eq!(list_ids(&page, "destination"), order);
    // Edit and delete.
    let r = app
        .post_form(
            &format!("/customers/{c}/translations/{}", order[0]),
            &[("match_prefix", "000"), ("strip", "3"), ("prepend", "+")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(
            &format!("/customers/{c}/translations/{}", order[0]),
            &[("match_prefix", "000"), ("strip", "99"), ("prepend", "+")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = app
        .post_form(
            &format!("/customers/{c}/translations/{}/delete", order[0]),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = app.get_html(&format!("/customers/{c}/telephony")).await;
    assert_eq!(list_ids(&page, "destination"), vec![order[1]]);
}

#[tokio::test]
async fn the_customers_pane_filters_by_device_address_and_sip_user() {
    let app = spawn_admin().await;
    let t = app.two_customers().await;
    assert_eq!(
        add_ip(&app, t.a, "10.20.30.40").await.status().as_u16(),
        303
    );
    assert_eq!(
        add_ip(&app, t.b, "2001:db8::7").await.status().as_u16(),
        303
    );
    assert_eq!(
        add_sip(&app, t.b, "Bravo-Desk", "Secret-123")
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        add_sip(&app, t.a, "alpha.desk", "Secret-123")
            .await
            .status()
            .as_u16(),
        303
    );
    for (q, expected) in [
        ("q_ip=10.20.30.40", vec![t.a]),
        ("q_ip=10.20", vec![t.a]),
        ("q_ip=2001%3ADB8", vec![t.b]),
        ("q_ip=192.0.2", vec![]),
        ("q_sip_user=bravo", vec![t.b]),
        ("q_sip_user=ALPHA.D", vec![t.a]),
        ("q_sip_user=desk", vec![]),
        ("q_sip_user=%25", vec![]),
    ] {
        let page = app.get_html(&format!("/customers?{q}")).await;
        assert_eq!(customers_in(&page), expected, "{q}");
    }
    // Both filters walk the device tables' indexes.
    use diesel::connection::SimpleConnection;
    use selfcare::db::models::customer::{explain_list, CustomerFilter};
    use selfcare::db::DbConnection;
    let mut conn = app.db();
    let conn: &mut DbConnection = &mut conn;
    if matches!(conn, DbConnection::Postgresql(_)) {
        // Two rows are cheaper to read whole; make the planner show what it can use.
        conn.batch_execute("SET enable_seqscan = off").unwrap();
    }
    for (f, index) in [
        (
            CustomerFilter {
                ip: "10.20".into(),
                ..Default::default()
            },
            "ip_devices_address",
        ),
        (
            CustomerFilter {
                sip_user: "bravo".into(),
                ..Default::default()
            },
            "sip_devices_login",
        ),
    ] {
        let plan = explain_list(conn, &f).unwrap().join("\n");
        eprintln!("{plan}");
        assert!(plan.contains(index), "{index}:\n{plan}");
    }
}

#[tokio::test]
async fn customer_admins_see_their_own_devices_read_only() {
    let app = spawn_admin().await;
    let t = app.two_customers().await;
    assert_eq!(add_ip(&app, t.a, "192.0.2.77").await.status().as_u16(), 303);
    assert_eq!(
        add_sip(&app, t.a, "alpha-1", "Alpha-Secret-9")
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        add_sip(&app, t.b, "bravo-1", "Bravo-Secret-9")
            .await
            .status()
            .as_u16(),
        303
    );
    app.post_form(
        &format!("/customers/{}/translations/source", t.a),
        &[("match_prefix", "0"), ("strip", "1"), ("prepend", "+47")],
    )
    .await;
    let portal = app.portal_admin("alpha").await;
    let page = portal.get_html("/c/alpha-web/telephony").await;
    assert!(page.contains("<td>192.0.2.77</td>") && page.contains("<td>alpha-1</td>"));
    assert!(page.contains("<td>+47</td>"));
    assert!(!page.contains("bravo-1") && !page.contains("Secret-9"));
    assert!(!page.contains("<form method=\"post\" action=\"/c/alpha-web/telephony"));
    assert!(!page.contains("/customers/"), "no operator links");
    // Another customer's portal and the operators' pages stay closed.
    // Another customer's portal asks for its own sign-in (as every portal page does).
    let r = portal.get("/c/bravo-web/telephony").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/c/bravo-web/login");
    assert_eq!(
        portal
            .get("/c/nobody-web/telephony")
            .await
            .status()
            .as_u16(),
        404
    );
    let r = portal.get(&format!("/customers/{}/telephony", t.a)).await;
    assert_ne!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn a_demo_customers_configuration_is_frozen() {
    let app = spawn_admin().await;
    let t = app.two_customers().await;
    let r = app
        .post_form(&format!("/customers/{}/demo", t.b), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = add_ip(&app, t.b, "192.0.2.99").await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let page = app.get_html(&format!("/customers/{}/telephony", t.b)).await;
    assert!(page.contains("No IP devices.") && !page.contains("Add IP device"));
}
