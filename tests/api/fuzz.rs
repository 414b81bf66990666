//! Bounded fuzzing over HTTP (issue 9): every state-changing form the portal renders, every
//! filtered, sorted or paged page, every export URL and bodies of the wrong shape, with random
//! values from a seeded `StdRng`. Properties: no answer is a 5xx, and a form refused with a 4xx
//! changes nothing (the audit log and the row counts stay as they were).
//!
//! The forms and their fields are read from the pages the signed-in admin (and a customer's
//! portal administrator) sees, so a new field is fuzzed without touching this file; the list of
//! POST routes below (from the `configure` functions under `src/routes/`) makes the test fail
//! when a route is no longer reached. A failure prints the seed and the request; rerun it with
//! `SELFCARE_FUZZ_SEED=<seed> cargo test --test api fuzz::`. `SELFCARE_FUZZ_CASES` sets the
//! number of cases per form (default 60).

use crate::common::{csrf_of, spawn_app_with_throttle, unescape, TestApp, ThrottlePolicy};
use crate::subscriber_support::{add_private_wallet, create_subscriber};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use selfcare::db::schema;
use std::collections::BTreeSet;
use std::time::Duration;

const DEFAULT_SEED: u64 = 0x5e1f_ca4e_2026_1126;

/// Every POST route of the portal (`{id}` a number, `{webid}` a portal, `{fmt}` an export
/// format, `{kind}` a reference list): each must be reached by the fuzzer.
const POST_ROUTES: &[&str] = &[
    "/login",
    "/logout",
    "/customers",
    "/customers/save",
    "/customers/{id}",
    "/customers/{id}/delete",
    "/customers/{id}/impersonate",
    "/customers/{id}/status",
    "/customers/{id}/demo",
    "/customers/{id}/sites/save",
    "/customers/{id}/sites",
    "/customers/{id}/packages",
    "/customers/{id}/dids",
    "/customers/{id}/dids/{id}/delete",
    "/customers/{id}/cpns",
    "/customers/{id}/cpns/{id}/delete",
    "/customers/{id}/emergency",
    "/customers/{id}/emergency/{id}/delete",
    "/customers/{id}/ip-devices",
    "/customers/{id}/ip-devices/{id}",
    "/customers/{id}/ip-devices/{id}/delete",
    "/customers/{id}/sip-devices",
    "/customers/{id}/sip-devices/{id}",
    "/customers/{id}/sip-devices/{id}/delete",
    "/customers/{id}/sip-devices/{id}/reset-secret",
    "/customers/{id}/dialing-routes",
    "/customers/{id}/dialing-routes/{id}",
    "/customers/{id}/dialing-routes/{id}/delete",
    "/customers/{id}/translations/source",
    "/customers/{id}/translations/destination",
    "/customers/{id}/translations/did_source",
    "/customers/{id}/translations/did_destination",
    "/customers/{id}/translations/{id}",
    "/customers/{id}/translations/{id}/up",
    "/customers/{id}/translations/{id}/down",
    "/customers/{id}/translations/{id}/delete",
    "/customers/export.{fmt}",
    "/customers/{id}/sites/export.{fmt}",
    "/sites/{id}/links/export.{fmt}",
    "/links/export.{fmt}",
    "/subscribers/export.{fmt}",
    "/sites/{id}",
    "/sites/{id}/delete",
    "/sites/{id}/links",
    "/sites/{id}/links/save",
    "/links/{id}",
    "/links/{id}/delete",
    "/preferences",
    "/preferences/columns",
    "/c/{webid}/login",
    "/c/{webid}/logout",
    "/c/{webid}/leave",
    "/c/{webid}/customer/save",
    "/c/{webid}/sites/save",
    "/c/{webid}/sites/{id}/links/save",
    "/c/{webid}/password",
    "/operators",
    "/operators/{id}",
    "/operators/{id}/disable",
    "/operators/{id}/enable",
    "/operators/{id}/password",
    "/operators/{id}/time-zone",
    "/brandings",
    "/brandings/{id}",
    "/brandings/{id}/delete",
    "/compliance/reviews/{id}/approve",
    "/compliance/reviews/{id}/reject",
    "/compliance/list",
    "/packages",
    "/packages/{id}/delete",
    "/subscribers",
    "/subscribers/{id}",
    "/subscribers/{id}/wallets",
    "/subscribers/{id}/delete",
    "/admin/settings",
    "/admin/reference/{kind}",
    "/admin/reference/{kind}/{id}/delete",
    "/admin/balance-types",
    "/admin/exchange-rates",
    "/admin/exchange-rates/{id}/delete",
    "/admin/product-types/{id}/limits",
    "/operators/{id}/limits",
    "/wallets/{id}/buckets",
    "/wallets/{id}/buckets/{id}",
    "/wallets/{id}/buckets/{id}/delete",
    "/wallets/{id}/adjustments",
    "/customers/{id}/payments",
    "/customers/{id}/payments/{id}/reverse",
    "/customers/{id}/statement/export.{fmt}",
    "/cdrs/import",
    "/cdrs/import/{id}/commit",
    "/wallets/{id}/adjustments/save",
    "/subscribers/{id}/merge",
    "/admin/product-types/{id}/bonus",
    "/wallets/{id}/recharges",
    "/edrs/{id}/reverse",
    "/subscribers/{id}/edrs/export.{fmt}",
    "/admin/vouchers",
    "/operators/{id}/edr-masking",
    "/admin/api-tokens",
    "/admin/api-tokens/{id}/revoke",
    "/reservations/{id}/commit",
    "/reservations/{id}/revoke",
    "/reservations/{id}/delete",
    "/admin/transfer-definitions",
    "/admin/transfer-definitions/{id}",
    "/admin/transfer-definitions/{id}/delete",
    "/admin/bpl-tasks",
    "/admin/bpl-tasks/{id}/delete",
    "/subscribers/{id}/transfers/{id}",
    "/subscribers/{id}/transfers/{id}/save",
    "/subscribers/{id}/bpl-tasks/{id}",
    "/subscribers/{id}/bpl-tasks/{id}/save",
    "/admin/promotions",
    "/admin/topup-rules",
    "/admin/credit-cards",
    "/subscribers/{id}/credit-cards",
];

const FORMATS: &[&str] = &["csv", "txt", "xlsx", "pdf", "xls"];

/// A form as a page renders it.
#[derive(Clone, Debug)]
struct Form {
    action: String,
    multipart: bool,
    fields: Vec<(String, String)>,
}

/// Who sends a form: the signed-in admin, the portal administrator, or an anonymous visitor.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Admin,
    Portal,
    Anonymous,
}

struct Fuzz {
    rng: StdRng,
    seed: u64,
    app: TestApp,
    portal: TestApp,
    anon: TestApp,
    /// The CSRF token of each browser (admin, portal, anonymous), from the last page it saw.
    tokens: [String; 3],
    conn: selfcare::db::PooledConn,
    /// Ids of rows that exist, to put into paths and fields in place of the right ones.
    ids: Vec<String>,
    /// The admin's own operator id, kept out of operator paths (a reset password ends the run).
    admin_id: i64,
    covered: BTreeSet<String>,
    requests: usize,
    /// How many answers of each status class (2xx, 3xx, 4xx) each route gave.
    answers: std::collections::BTreeMap<(String, u16), usize>,
}

/// The attributes of one start tag (`<input a="b" c>` → [(a, b), (c, "")]).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let bytes = tag.as_bytes();
    let mut i = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'=' {
            i += 1;
        }
        let name = tag[start..i].to_ascii_lowercase();
        if name.is_empty() {
            break;
        }
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let q = bytes[i];
                i += 1;
                let s = i;
                while i < bytes.len() && bytes[i] != q {
                    i += 1;
                }
                value = unescape(&tag[s..i]);
                i += 1;
            } else {
                let s = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = unescape(&tag[s..i]);
            }
        }
        out.push((name, value));
    }
    out
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The POST forms of a page with the values a browser would send (checked boxes and radios,
/// selected options, textarea text), inputs tied by `form="id"` included.
fn post_forms(html: &str) -> Vec<Form> {
    struct Open {
        id: Option<String>,
        form: Form,
        post: bool,
    }
    let mut forms: Vec<Open> = Vec::new();
    let mut current: Option<usize> = None;
    /// A `<select>` being read: its form, name, first option and selected option.
    struct Select {
        owner: Option<usize>,
        name: String,
        first: Option<String>,
        selected: Option<String>,
    }
    let mut select: Option<Select> = None;
    // Submit buttons with a `formaction`: (their form, the action, their own name and value).
    type FormAction = (usize, String, Option<(String, String)>);
    let mut actions: Vec<FormAction> = Vec::new();
    let mut pos = 0;
    while let Some(lt) = html[pos..].find('<') {
        let start = pos + lt;
        let Some(gt) = html[start..].find('>') else {
            break;
        };
        let tag = &html[start + 1..start + gt];
        pos = start + gt + 1;
        let name = tag
            .split(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let attrs = attributes(tag);
        let owner = |attrs: &[(String, String)], forms: &[Open]| match attr(attrs, "form") {
            Some(id) => forms.iter().position(|f| f.id.as_deref() == Some(id)),
            None => current,
        };
        match name.as_str() {
            "form" => {
                let method = attr(&attrs, "method").unwrap_or("get").to_ascii_lowercase();
                forms.push(Open {
                    id: attr(&attrs, "id").map(str::to_string),
                    post: method == "post",
                    form: Form {
                        action: attr(&attrs, "action").unwrap_or("").to_string(),
                        multipart: attr(&attrs, "enctype").is_some_and(|e| e.contains("multipart")),
                        fields: Vec::new(),
                    },
                });
                current = Some(forms.len() - 1);
            }
            "/form" => current = None,
            "input" | "button" => {
                let kind = attr(&attrs, "type")
                    .unwrap_or(if name == "button" { "submit" } else { "text" })
                    .to_ascii_lowercase();
                if let (true, Some(action), Some(i)) = (
                    kind == "submit",
                    attr(&attrs, "formaction"),
                    owner(&attrs, &forms),
                ) {
                    let own = attr(&attrs, "name").map(|n| {
                        (
                            n.to_string(),
                            attr(&attrs, "value").unwrap_or("").to_string(),
                        )
                    });
                    actions.push((i, action.to_string(), own));
                }
                let Some(field) = attr(&attrs, "name") else {
                    continue;
                };
                let checked = attrs.iter().any(|(k, _)| k == "checked");
                if kind == "submit" || name == "button" {
                    continue;
                }
                if (kind == "checkbox" || kind == "radio") && !checked {
                    continue;
                }
                let value = attr(&attrs, "value")
                    .unwrap_or(if kind == "checkbox" { "on" } else { "" })
                    .to_string();
                if kind == "file" {
                    continue;
                }
                if let Some(i) = owner(&attrs, &forms) {
                    forms[i].form.fields.push((field.to_string(), value));
                }
            }
            "textarea" => {
                let end = html[pos..].find("</textarea>").map_or(pos, |e| pos + e);
                if let (Some(field), Some(i)) = (attr(&attrs, "name"), owner(&attrs, &forms)) {
                    forms[i]
                        .form
                        .fields
                        .push((field.to_string(), unescape(&html[pos..end])));
                }
            }
            "select" => {
                if let Some(field) = attr(&attrs, "name") {
                    select = Some(Select {
                        owner: owner(&attrs, &forms),
                        name: field.to_string(),
                        first: None,
                        selected: None,
                    });
                }
            }
            "option" => {
                if let Some(Select {
                    first, selected, ..
                }) = select.as_mut()
                {
                    let value = attr(&attrs, "value")
                        .map(str::to_string)
                        .unwrap_or_else(|| {
                            let end = html[pos..].find('<').map_or(pos, |e| pos + e);
                            unescape(html[pos..end].trim())
                        });
                    if first.is_none() {
                        *first = Some(value.clone());
                    }
                    if attrs.iter().any(|(k, _)| k == "selected") {
                        *selected = Some(value);
                    }
                }
            }
            "/select" => {
                if let Some(Select {
                    owner: Some(i),
                    name,
                    first,
                    selected,
                }) = select.take()
                {
                    if let Some(v) = selected.or(first) {
                        forms[i].form.fields.push((name, v));
                    }
                }
            }
            _ => {}
        }
    }
    // A `formaction` button sends its form, and its own name and value, to another action.
    for (i, action, own) in actions {
        let mut form = forms[i].form.clone();
        form.action = action;
        form.fields.extend(own);
        let (id, post) = (None, forms[i].post);
        forms.push(Open { id, form, post });
    }
    forms
        .into_iter()
        .filter(|f| f.post)
        .map(|f| {
            let mut form = f.form;
            form.fields.retain(|(k, _)| k != "csrf_token");
            form
        })
        .collect()
}

/// The route an action stands for: numbers → `{id}`, the portal's WebID → `{webid}`, …
fn route_of(action: &str) -> String {
    let path = action.split('?').next().unwrap_or("");
    let parts: Vec<String> = path
        .split('/')
        .enumerate()
        .map(|(i, seg)| {
            if i == 2 && path.starts_with("/c/") {
                "{webid}".into()
            } else if i == 3 && path.starts_with("/admin/reference/") {
                "{kind}".into()
            } else if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                "{id}".into()
            } else if seg.starts_with("export.") {
                "export.{fmt}".into()
            } else {
                seg.to_string()
            }
        })
        .collect();
    parts.join("/")
}

/// One random value of the kinds that break parsers.
fn nasty(rng: &mut StdRng, ids: &[String]) -> String {
    const FIXED: &[&str] = &[
        "",
        " ",
        "0",
        "-0",
        "1",
        "-1",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "-9223372036854775809",
        "2147483647",
        "2147483648",
        "-2147483648",
        "-2147483649",
        "4294967296",
        "18446744073709551616",
        "99999999999999999999999999999999",
        "1.5",
        "-0.000001",
        "0.1e1",
        "1e308",
        "1e309",
        "-1e-400",
        "1E+3",
        "NaN",
        "inf",
        "-Infinity",
        "0x1F",
        "1_000",
        " 42 ",
        "+7",
        "1,5",
        "١٢٣",
        "１２３",
        "2026-02-30",
        "2026-13-01",
        "0000-00-00",
        "9999-12-31",
        "-0001-01-01",
        "2026-11-26T25:61",
        "+275760-09-13",
        "1970-01-01T00:00:00Z",
        "yesterday",
        "\u{202E}evil\u{202C}",
        "a\u{200B}b\u{200D}c\u{FEFF}",
        "😀👩‍👩‍👧🇳🇴",
        "\u{0}",
        "a\u{0}b",
        "\u{1b}[31m",
        "\u{7f}",
        "\u{85}",
        "\u{FFFF}\u{FFFE}",
        "\u{10FFFF}",
        "e\u{301}\u{301}\u{301}",
        "שלום עולם",
        "مرحبا",
        "日本語テキスト",
        "a\r\nb\tc",
        "' OR 1=1 --",
        "\"; DROP TABLE customers; --",
        "<script>alert(1)</script>",
        "=cmd|' /C calc'!A0",
        "../../etc/passwd",
        "%00",
        "%",
        "%zz",
        "&",
        "=",
        "on",
        "off",
        "true",
        "LIVE",
        "DEMO",
        "admin",
        "active",
        "blocked",
        "closed",
        "Europe/Oslo",
        "Mars/Olympus",
        "NO",
        "XX",
        "192.0.2.1/33",
        "::1",
        "300.1.1.1",
        "Secret1!x",
    ];
    match rng.gen_range(0..10) {
        0 => {
            let c = ["A", "ø", "😀", "\u{202E}", "9"][rng.gen_range(0..5)];
            c.repeat(100 * 1024 / c.len())
        }
        1 => (0..rng.gen_range(1..40))
            .map(|_| rng.gen_range(0x20u8..0x7f) as char)
            .collect(),
        2 => (0..rng.gen_range(1..20))
            .filter_map(|_| char::from_u32(rng.gen_range(0..0x11_0000)))
            .collect(),
        3 => ids[rng.gen_range(0..ids.len())].clone(),
        4 => rng.gen::<i64>().to_string(),
        5 => format!("{}", rng.gen::<f64>() * 10f64.powi(rng.gen_range(-30..30))),
        _ => FIXED[rng.gen_range(0..FIXED.len())].to_string(),
    }
}

/// The numbers of a path replaced by other rows' ids, ids that do not exist or no number.
fn twist_path(rng: &mut StdRng, action: &str, ids: &[String], admin_id: i64) -> String {
    const ODD: &[&str] = &[
        "0",
        "-1",
        "999999999",
        "9223372036854775807",
        "9223372036854775808",
        "abc",
        "1.5",
        "%20",
        "1e3",
    ];
    let (path, query) = match action.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (action, None),
    };
    let operators = path.starts_with("/operators/");
    let twisted: Vec<String> = path
        .split('/')
        .map(|seg| {
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) && rng.gen_bool(0.7) {
                let pick = if rng.gen_bool(0.5) {
                    ids[rng.gen_range(0..ids.len())].clone()
                } else {
                    ODD[rng.gen_range(0..ODD.len())].to_string()
                };
                if operators && pick == admin_id.to_string() {
                    "999999999".to_string()
                } else {
                    pick
                }
            } else {
                seg.to_string()
            }
        })
        .collect();
    let mut out = twisted.join("/");
    if let Some(q) = query {
        out = format!("{out}?{q}");
    }
    out
}

fn multipart_body(fields: &[(String, String)], boundary: &str) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(v.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

/// What changes when anything is written: the audit log and the rows of the main tables. The
/// worker's expiry of a reservation (open → expired, audited as `expire`) happens on its own
/// while the fuzzer runs, so it is left out: neither counts as a change made by a request.
fn fingerprint(conn: &mut selfcare::db::PooledConn) -> Vec<i64> {
    use schema::*;
    let counts = [
        audit_log::table
            .filter(audit_log::action.ne("expire"))
            .count()
            .get_result::<i64>(conn),
        customers::table.count().get_result::<i64>(conn),
        sites::table.count().get_result::<i64>(conn),
        access_links::table.count().get_result::<i64>(conn),
        subscribers::table.count().get_result::<i64>(conn),
        wallets::table.count().get_result::<i64>(conn),
        operators::table.count().get_result::<i64>(conn),
        branding_profiles::table.count().get_result::<i64>(conn),
        packages::table.count().get_result::<i64>(conn),
        did_ranges::table.count().get_result::<i64>(conn),
        restricted_parties::table.count().get_result::<i64>(conn),
        payments::table.count().get_result::<i64>(conn),
        cdrs::table.count().get_result::<i64>(conn),
        api_tokens::table.count().get_result::<i64>(conn),
        api_tokens::table
            .filter(api_tokens::revoked_at.is_not_null())
            .count()
            .get_result::<i64>(conn),
        reservations::table.count().get_result::<i64>(conn),
        reservations::table
            .filter(reservations::state.ne_all(["open", "expired"]))
            .count()
            .get_result::<i64>(conn),
        edrs::table.count().get_result::<i64>(conn),
    ];
    let mut out: Vec<i64> = counts.into_iter().map(|c| c.expect("count rows")).collect();
    out.push(
        balance_buckets::table
            .select(balance_buckets::value)
            .load::<i64>(conn)
            .expect("bucket values")
            .into_iter()
            .sum(),
    );
    for versions in [
        customers::table
            .select(customers::version)
            .load::<i32>(conn),
        sites::table.select(sites::version).load::<i32>(conn),
        access_links::table
            .select(access_links::version)
            .load::<i32>(conn),
        subscribers::table
            .select(subscribers::version)
            .load::<i32>(conn),
    ] {
        out.push(versions.expect("versions").into_iter().map(i64::from).sum());
    }
    out
}

impl Fuzz {
    fn browser(&self, who: Who) -> &TestApp {
        match who {
            Who::Admin => &self.app,
            Who::Portal => &self.portal,
            Who::Anonymous => &self.anon,
        }
    }

    /// Opens `page` as `who` and keeps its CSRF token for the forms that follow.
    async fn visit(&mut self, who: Who, page: &str) -> String {
        let html = self.browser(who).get_html(page).await;
        if html.contains("name=\"csrf_token\"") {
            self.tokens[who as usize] = csrf_of(&html);
        }
        html
    }

    fn token(&self, who: Who) -> String {
        self.tokens[who as usize].clone()
    }

    /// Sends one request and checks the answer is not a 5xx; returns the status.
    async fn send(
        &mut self,
        who: Who,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> u16 {
        let client = &self.browser(who).client;
        let url = format!("{}{}", self.app.address, path);
        let shown_body = String::from_utf8_lossy(&body[..body.len().min(600)]).to_string();
        let mut req = if method == "GET" {
            client.get(&url)
        } else {
            client.post(&url).body(body)
        };
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        self.requests += 1;
        let r = req
            .timeout(Duration::from_secs(60))
            .send()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "seed {:#x}: {method} {path} failed to answer: {e}\nbody: {shown_body}",
                    self.seed
                )
            });
        let status = r.status().as_u16();
        *self
            .answers
            .entry((format!("{method} {}", route_of(path)), status))
            .or_default() += 1;
        let text = r.text().await.unwrap_or_default();
        assert!(
            status < 500,
            "seed {:#x} (rerun with SELFCARE_FUZZ_SEED={}): {method} {path} as {who:?} \
             answered {status}\ncontent-type: {content_type:?}\nbody: {shown_body}\n\
             answer: {}",
            self.seed,
            self.seed,
            &text[..text.len().min(2000)]
        );
        status
    }

    /// Fuzzes one form `cases` times: random values, missing, duplicated and unknown fields,
    /// other rows' ids in the path; a 4xx must leave the database as it was.
    async fn form(&mut self, who: Who, form: &Form, cases: usize) {
        self.covered.insert(route_of(&form.action));
        for _ in 0..cases {
            let mut fields = form.fields.clone();
            let p = self.rng.gen_range(0.1..0.6);
            for f in fields.iter_mut() {
                if self.rng.gen_bool(p) {
                    f.1 = nasty(&mut self.rng, &self.ids);
                }
            }
            if !fields.is_empty() && self.rng.gen_bool(0.15) {
                let i = self.rng.gen_range(0..fields.len());
                fields.remove(i);
            }
            if !fields.is_empty() && self.rng.gen_bool(0.15) {
                let i = self.rng.gen_range(0..fields.len());
                let dup = (fields[i].0.clone(), nasty(&mut self.rng, &self.ids));
                fields.insert(self.rng.gen_range(0..=fields.len()), dup);
            }
            if self.rng.gen_bool(0.1) {
                let name = nasty(&mut self.rng, &self.ids);
                let value = nasty(&mut self.rng, &self.ids);
                fields.push((name.chars().take(64).collect(), value));
            }
            if self.rng.gen_bool(0.05) {
                fields.clear();
            }
            let token = match self.rng.gen_range(0..40) {
                0 => None,
                1 => Some("0".repeat(64)),
                _ => Some(self.token(who)),
            };
            if let Some(t) = token {
                fields.insert(
                    self.rng.gen_range(0..=fields.len()),
                    ("csrf_token".into(), t),
                );
            }
            let path = if self.rng.gen_bool(0.2) {
                twist_path(&mut self.rng, &form.action, &self.ids, self.admin_id)
            } else {
                form.action.clone()
            };
            let (content_type, body) = if form.multipart {
                let boundary = "----fuzz-boundary-5e1f";
                (
                    format!("multipart/form-data; boundary={boundary}"),
                    multipart_body(&fields, boundary),
                )
            } else {
                let mut enc = form_urlencoded::Serializer::new(String::new());
                for (k, v) in &fields {
                    enc.append_pair(k, v);
                }
                (
                    "application/x-www-form-urlencoded".to_string(),
                    enc.finish().into_bytes(),
                )
            };
            let before = fingerprint(&mut self.conn);
            let status = self
                .send(who, "POST", &path, Some(&content_type), body.clone())
                .await;
            if (400..500).contains(&status) {
                let after = fingerprint(&mut self.conn);
                assert_eq!(
                    before,
                    after,
                    "seed {:#x}: POST {path} answered {status} but changed the database\n\
                     body: {}",
                    self.seed,
                    String::from_utf8_lossy(&body[..body.len().min(600)])
                );
            }
        }
    }

    /// Bodies of the wrong shape to a form route: JSON, multipart, a wrong or missing
    /// content type, broken percent-encoding, invalid UTF-8, an oversized body.
    async fn wrong_shapes(&mut self, who: Who, form: &Form) {
        let token = self.token(who);
        let first = form
            .fields
            .first()
            .map_or("name".to_string(), |f| f.0.clone());
        let boundary = "----fuzz-boundary-5e1f";
        let mut with_token = form.fields.clone();
        with_token.push(("csrf_token".into(), token.clone()));
        let shapes: Vec<(Option<String>, Vec<u8>)> = vec![
            (
                Some("application/json".into()),
                format!("{{\"csrf_token\":\"{token}\",\"{first}\":[1,2,{{}}]}}").into_bytes(),
            ),
            (
                Some(format!("multipart/form-data; boundary={boundary}")),
                multipart_body(&with_token, boundary),
            ),
            (
                Some("multipart/form-data".into()),
                b"--x\r\nnot multipart".to_vec(),
            ),
            (
                Some("application/x-www-form-urlencoded".into()),
                multipart_body(&with_token, boundary),
            ),
            (
                Some("text/plain".into()),
                format!("csrf_token={token}").into_bytes(),
            ),
            (None, format!("csrf_token={token}&{first}=x").into_bytes()),
            (Some("garbage/;;=\"".into()), Vec::new()),
            (
                Some("application/x-www-form-urlencoded".into()),
                format!("csrf_token={token}&{first}=%E").into_bytes(),
            ),
            (
                Some("application/x-www-form-urlencoded".into()),
                format!("csrf_token={token}&{first}=%").into_bytes(),
            ),
            (
                Some("application/x-www-form-urlencoded".into()),
                format!("csrf_token={token}&{first}=%FF%FE%C0%AF").into_bytes(),
            ),
            (Some("application/x-www-form-urlencoded".into()), {
                let mut b = format!("csrf_token={token}&{first}=").into_bytes();
                b.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]);
                b
            }),
            (Some("application/x-www-form-urlencoded".into()), {
                let mut b = format!("csrf_token={token}&").into_bytes();
                b.extend_from_slice(&[0xff, 0xfe, b'=', b'1']);
                b
            }),
            (
                Some("application/x-www-form-urlencoded".into()),
                format!("csrf_token={token}&&&==&{first}&{first}=a=b").into_bytes(),
            ),
            (
                Some("application/x-www-form-urlencoded; charset=utf-16".into()),
                format!("csrf_token={token}").into_bytes(),
            ),
            (
                Some("application/x-www-form-urlencoded".into()),
                format!("csrf_token={token}&{first}={}", "A".repeat(600 * 1024)).into_bytes(),
            ),
        ];
        for (ct, body) in shapes {
            let before = fingerprint(&mut self.conn);
            let status = self
                .send(who, "POST", &form.action, ct.as_deref(), body)
                .await;
            if (400..500).contains(&status) {
                assert_eq!(
                    before,
                    fingerprint(&mut self.conn),
                    "seed {:#x}: POST {} with {ct:?} answered {status} but changed the \
                     database",
                    self.seed,
                    form.action
                );
            }
        }
    }

    /// GETs `path` with random values in `params` (and now and then an unknown one).
    /// Posts seeded random and wrong-shape JSON to every endpoint of the charging API, with the
    /// right token, none or a wrong one: never a 5xx, always a JSON answer, and a refusal
    /// changes nothing.
    async fn json_api(&mut self, token: &str, wallet_ref: &str, reserved: &[i64], cases: usize) {
        let client = reqwest::Client::new();
        let fields = [
            "balance_type",
            "amount",
            "expires_in_s",
            "called_number",
            "charge_on_delete",
            "used",
            "duration_s",
            "voucher_number",
            "serial_number",
            "cdrs",
        ];
        for case in 0..cases * 4 {
            let rng = &mut self.rng;
            // Path segments stay short: a 100 KB request line is cut off by the HTTP layer.
            let target = match rng.gen_range(0..6) {
                1 => nasty(rng, &self.ids).chars().take(64).collect(),
                _ => wallet_ref.to_string(),
            };
            let target =
                percent_encoding::utf8_percent_encode(&target, percent_encoding::NON_ALPHANUMERIC)
                    .to_string();
            let id = if rng.gen_bool(0.7) {
                reserved[rng.gen_range(0..reserved.len())].to_string()
            } else {
                nasty(rng, &self.ids).chars().take(64).collect()
            };
            let id = percent_encoding::utf8_percent_encode(&id, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
            let (method, endpoint) = match case % 8 {
                0 => ("GET", "/api/v1/wallets/{wallet_ref}"),
                1 | 2 => ("POST", "/api/v1/wallets/{wallet_ref}/reservations"),
                3 => ("POST", "/api/v1/wallets/{wallet_ref}/charges"),
                4 => ("POST", "/api/v1/reservations/{id}/commit"),
                5 => ("POST", "/api/v1/reservations/{id}/release"),
                6 => ("POST", "/api/v1/wallets/{wallet_ref}/recharges"),
                _ => ("POST", "/api/v1/cdrs"),
            };
            let path = endpoint
                .replace("{wallet_ref}", &target)
                .replace("{id}", &id);
            // A body: an object of the endpoint's fields with random values of random JSON
            // types, or something that is not such an object at all.
            let value = |rng: &mut StdRng, ids: &[String]| -> serde_json::Value {
                match rng.gen_range(0..9) {
                    0 => serde_json::Value::Null,
                    1 => serde_json::json!(rng.gen::<i64>()),
                    2 => serde_json::json!(rng.gen_range(-5i64..2000)),
                    3 => serde_json::json!(rng.gen::<f64>() * 1e20),
                    4 => serde_json::json!([1, "a", {}]),
                    5 => serde_json::json!({"nested": true}),
                    6 => serde_json::json!(rng.gen_bool(0.5)),
                    7 => serde_json::json!("GENERAL_CASH"),
                    _ => serde_json::json!(nasty(rng, ids)),
                }
            };
            let body: Vec<u8> = match rng.gen_range(0..10) {
                0 => Vec::new(),
                1 => nasty(rng, &self.ids).into_bytes(),
                2 => (0..rng.gen_range(1..200))
                    .map(|_| rng.gen::<u8>())
                    .collect(),
                3 => b"{\"balance_type\": \"GENERAL_CASH\", \"amount\": 1".to_vec(),
                4 => format!("{{\"amount\": 1, \"balance_type\": \"{}\"}}", "\\u0000").into_bytes(),
                _ => {
                    let mut obj = serde_json::Map::new();
                    for f in fields {
                        if rng.gen_bool(0.7) {
                            let v = if rng.gen_bool(0.4) {
                                match f {
                                    "balance_type" => serde_json::json!("GENERAL_CASH"),
                                    "called_number" => serde_json::json!("4712345678"),
                                    "charge_on_delete" => serde_json::json!(false),
                                    "voucher_number" => serde_json::json!("1234 5678 9012"),
                                    "cdrs" => {
                                        let mut cdr = serde_json::Map::new();
                                        for (k, plausible) in [
                                            ("account_code", serde_json::json!("900000001")),
                                            (
                                                "started_at",
                                                serde_json::json!("2026-11-01 08:00:00"),
                                            ),
                                            ("duration_s", serde_json::json!(60)),
                                            ("calling", serde_json::json!("+4712345678")),
                                            ("called", serde_json::json!("+4498765432")),
                                            ("cost", serde_json::json!(12)),
                                        ] {
                                            let v = if rng.gen_bool(0.6) {
                                                plausible
                                            } else {
                                                value(rng, &self.ids)
                                            };
                                            cdr.insert(k.to_string(), v);
                                        }
                                        serde_json::json!([cdr])
                                    }
                                    _ => serde_json::json!(rng.gen_range(1i64..30)),
                                }
                            } else {
                                value(rng, &self.ids)
                            };
                            obj.insert(f.to_string(), v);
                        }
                    }
                    serde_json::Value::Object(obj).to_string().into_bytes()
                }
            };
            let auth = match rng.gen_range(0..12) {
                0 => None,
                1 => Some("Bearer wrong".to_string()),
                2 => Some(format!("Basic {token}")),
                _ => Some(format!("Bearer {token}")),
            };
            let content_type = match rng.gen_range(0..8) {
                0 => None,
                1 => Some("text/plain"),
                2 => Some("application/x-www-form-urlencoded"),
                _ => Some("application/json"),
            };
            let mut req = if method == "GET" {
                client.get(format!("{}{path}", self.app.address))
            } else {
                client
                    .post(format!("{}{path}", self.app.address))
                    .body(body.clone())
            };
            if let Some(a) = &auth {
                req = req.header("authorization", a);
            }
            if let Some(ct) = content_type {
                req = req.header("content-type", ct);
            }
            let before = fingerprint(&mut self.conn);
            self.requests += 1;
            let r = req
                .timeout(Duration::from_secs(60))
                .send()
                .await
                .unwrap_or_else(|e| panic!("seed {:#x}: {method} {path} failed: {e}", self.seed));
            let status = r.status().as_u16();
            let ct = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let text = r.text().await.unwrap_or_default();
            let shown = String::from_utf8_lossy(&body[..body.len().min(300)]).to_string();
            assert!(
                status < 500,
                "seed {:#x}: {method} {path} answered {status}\nbody: {shown}\nanswer: {text}",
                self.seed
            );
            assert!(
                ct.starts_with("application/json"),
                "seed {:#x}: {method} {path} answered {status} in {ct:?}\nbody: {shown}",
                self.seed
            );
            *self
                .answers
                .entry((format!("{method} {endpoint}"), status))
                .or_default() += 1;
            // A refused recharge is recorded on purpose: three in a row blacklist the
            // subscriber (an audited change), so only its other refusals must change nothing.
            let recorded = endpoint.ends_with("/recharges") && status == 422;
            if (400..500).contains(&status) && !recorded {
                let parsed: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                assert!(parsed["error"].is_string(), "an error answer: {text}");
                assert_eq!(
                    before,
                    fingerprint(&mut self.conn),
                    "seed {:#x}: {method} {path} answered {status} but changed the database\n\
                     body: {shown}",
                    self.seed
                );
            }
        }
    }

    async fn query(&mut self, who: Who, path: &str, params: &[&str], cases: usize) {
        for _ in 0..cases {
            let mut enc = form_urlencoded::Serializer::new(String::new());
            for p in params {
                if self.rng.gen_bool(0.5) {
                    let v = nasty(&mut self.rng, &self.ids);
                    // An address over the server's header limit is the client's problem.
                    let v: String = v.chars().take(self.rng.gen_range(1..300)).collect();
                    enc.append_pair(p, &v);
                }
            }
            if self.rng.gen_bool(0.1) {
                enc.append_pair("unknown", "1");
            }
            let mut q = enc.finish();
            match self.rng.gen_range(0..20) {
                0 => q.push_str("&c_page=%E"),
                1 => q.push_str("&q_name=%FF%FE"),
                2 => q.push_str("&&=&sort"),
                _ => {}
            }
            let url = format!("{path}?{q}");
            self.send(who, "GET", &url, None, Vec::new()).await;
        }
    }
}

/// The sign-in throttle without delays (so the run stays short) and with locks high enough that
/// the sign-in forms' own checks are what is exercised.
fn quick_throttle() -> ThrottlePolicy {
    ThrottlePolicy {
        delay_step: Duration::ZERO,
        max_delay: Duration::ZERO,
        lock_user_after: 3,
        lock_ip_after: 100_000,
        ..ThrottlePolicy::default()
    }
}

#[tokio::test]
async fn random_input_never_gets_a_5xx_and_refused_input_changes_nothing() {
    let seed = std::env::var("SELFCARE_FUZZ_SEED")
        .ok()
        .and_then(|s| {
            s.strip_prefix("0x")
                .map_or_else(|| s.parse().ok(), |h| u64::from_str_radix(h, 16).ok())
        })
        .unwrap_or(DEFAULT_SEED);
    let cases: usize = std::env::var("SELFCARE_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    eprintln!("fuzz seed {seed:#x}, {cases} cases a form");

    let app = spawn_app_with_throttle(
        crate::common::settings(&crate::common::fresh_database_url()),
        quick_throttle(),
    )
    .await;
    let t = app.two_customers().await;
    // A restricted-party list and a customer held by it, for the review queue's forms.
    let r = app
        .post_multipart(
            "/compliance/list",
            &[],
            &[("list", "list.csv", b"name,country\nBad Actor,US\n")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let held = app
        .create_customer_with("held", &[("company", "Bad Actor"), ("country", "US")])
        .await;
    let subscriber = create_subscriber(&app, "700100", "4790000001").await;
    add_private_wallet(&app, subscriber, "").await;
    // A bucket, so that the wallet's bucket edit and delete forms are on the page too.
    let (wallet, cash): (i64, i64) = {
        let mut conn = app.db();
        let wallet = schema::subscriber_wallets::table
            .filter(schema::subscriber_wallets::subscriber_id.eq(subscriber))
            .select(schema::subscriber_wallets::wallet_id)
            .first(&mut conn)
            .expect("the new wallet");
        let cash = schema::balance_types::table
            .filter(schema::balance_types::is_default.eq(true))
            .select(schema::balance_types::id)
            .first(&mut conn)
            .expect("the general cash balance type");
        (wallet, cash)
    };
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/buckets"),
            &[
                ("balance_type_id", &cash.to_string()),
                ("value", "5.00"),
                ("offset", ""),
                ("expiry", ""),
                ("change_reason", "seed"),
            ],
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "{}",
        r.text().await.unwrap_or_default()
    );
    // An adjustment, so that an EDR offers its reverse charge.
    let r = app
        .post_form(
            &format!("/wallets/{wallet}/adjustments"),
            &[
                ("balance_type_id", &cash.to_string()),
                ("amount", "1.00"),
                ("change_reason", "seed"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let edr: i64 = schema::edrs::table
        .filter(schema::edrs::edr_type.eq("adjustment"))
        .select(schema::edrs::id)
        .first(&mut app.db())
        .expect("the adjustment's EDR");
    // The charging API: a token, open reservations for the panel's confirmation pages (the
    // wallet may hold several), and the API's endpoints fuzzed with JSON of every shape.
    diesel::update(schema::wallets::table.find(wallet))
        .set(schema::wallets::max_concurrent.eq(20))
        .execute(&mut app.db())
        .expect("more concurrent reservations");
    let wallet_ref: String = schema::wallets::table
        .find(wallet)
        .select(schema::wallets::wallet_ref)
        .first(&mut app.db())
        .expect("the wallet's reference");
    let api_token = crate::charging::make_token(&app, 1).await;
    let api = crate::charging::Api::new(&app, Some(&api_token));
    let mut reserved = Vec::new();
    for _ in 0..7 {
        let (s, v) = api.reserve(&wallet_ref, 10, 3600).await;
        assert_eq!(s, 201, "{v}");
        reserved.push(v["id"].as_i64().expect("reservation id"));
    }
    let operator = app.new_operator("fuzzop", "operator").await;
    let admin_id = app.operator_id("admin").await;
    let r = app
        .post_branding(
            "Fuzzbrand",
            "#123456",
            Some(("logo.png", crate::common::PNG)),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let branding = app.branding_id("Fuzzbrand").await;
    for (path, fields) in [
        (
            format!("/customers/{}/dids", t.a),
            vec![("did_start", "5550000"), ("did_end", "5550099")],
        ),
        (
            format!("/customers/{}/cpns", t.a),
            vec![("cpn_name", "Head office"), ("cpn_number", "5550001")],
        ),
        (
            format!("/customers/{}/emergency", t.a),
            vec![
                ("em_name", "Office"),
                ("em_number", "5550002"),
                ("em_location", "Main street 1"),
                ("em_zone", "A"),
            ],
        ),
        ("/packages".to_string(), vec![("name", "Fuzz package")]),
        (
            format!("/customers/{}/ip-devices", t.a),
            vec![
                ("ip_address", "192.0.2.200"),
                ("description", "Fuzz PBX"),
                ("dial_prefix", "0047"),
                ("max_call_sessions", "3"),
                ("calls_per_second", "1"),
                ("active", "yes"),
            ],
        ),
        (
            format!("/customers/{}/sip-devices", t.a),
            vec![
                ("login", "fuzz-desk"),
                ("secret", "Fuzz-Secret-1"),
                ("extension", "201"),
                ("voicemail_email", ""),
                ("ip_address", ""),
                ("max_call_sessions", "3"),
                ("calls_per_second", "1"),
                ("active", "yes"),
            ],
        ),
        (
            format!("/customers/{}/dialing-routes", t.a),
            vec![("route_id", "1"), ("pattern", "4420XXXX")],
        ),
        (
            format!("/customers/{}/payments", t.a),
            vec![("kind", "payment"), ("amount", "5.00"), ("reference", "F1")],
        ),
        (
            "/admin/exchange-rates".to_string(),
            vec![
                ("from_currency_id", "1"),
                ("to_currency_id", "5"),
                ("rate", "1.0850"),
            ],
        ),
    ]
    .into_iter()
    .chain(
        ["source", "destination", "did_source", "did_destination"].map(|l| {
            (
                format!("/customers/{}/translations/{l}", t.a),
                vec![("match_prefix", "00"), ("strip", "2"), ("prepend", "+")],
            )
        }),
    )
    .chain(["source"].map(|l| {
        (
            format!("/customers/{}/translations/{l}", t.a),
            vec![("match_prefix", "0"), ("strip", "1"), ("prepend", "+47")],
        )
    })) {
        let r = app.post_form(&path, &fields).await;
        assert_eq!(
            r.status().as_u16(),
            303,
            "{path}: {}",
            r.text().await.unwrap()
        );
    }
    // A transfer definition and a BPL task, so that the edit screen shows their buttons.
    let cash: i64 = schema::balance_types::table
        .filter(schema::balance_types::service_provider_id.eq(1))
        .filter(schema::balance_types::code.eq("GENERAL_CASH"))
        .select(schema::balance_types::id)
        .first(&mut app.db())
        .expect("the general cash balance type");
    let cash = cash.to_string();
    for (path, fields) in [
        (
            "/admin/transfer-definitions",
            vec![
                ("service_provider_id", "1"),
                ("name", "Fuzz bundle"),
                ("kind", "service_bundle"),
                ("cost_balance_type_id", cash.as_str()),
                ("cost", "0.10"),
                ("gives_balance_type_id_1", cash.as_str()),
                ("gives_value_1", "0.05"),
            ],
        ),
        (
            "/admin/bpl-tasks",
            vec![
                ("service_provider_id", "1"),
                ("name", "Fuzz task"),
                ("action", "adjust_balance"),
                ("balance_type_id", cash.as_str()),
                ("amount", "0.01"),
                ("param_name_1", "Ticket"),
                ("param_kind_1", "text"),
                ("param_mandatory_1", "on"),
            ],
        ),
    ] {
        let r = app.post_form(path, &fields).await;
        assert_eq!(
            r.status().as_u16(),
            303,
            "{path}: {}",
            r.text().await.unwrap()
        );
    }
    // A staged CDR file, so that its preview's commit form is on a page too.
    let account: String = schema::customers::table
        .find(t.a)
        .select(schema::customers::account_code)
        .first(&mut app.db())
        .expect("account code");
    let csv = format!("{account},2026-01-05 10:00:00,60,+4722000000,+4930123456,0.50\n");
    let r = app
        .post_multipart("/cdrs/import", &[], &[("file", "cdrs.csv", csv.as_bytes())])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let staged = crate::common::location(&r);
    let portal = app.portal_admin("alpha").await;
    let anon = app.another_browser();

    let conn = selfcare::db::build_pool(&app.database_url, 1)
        .get()
        .expect("connection");
    let mut ids: Vec<String> = [t.a, t.b, t.sa, t.sb, t.la, t.lb, held, subscriber, operator]
        .iter()
        .map(|i| i.to_string())
        .collect();
    ids.push(branding.to_string());
    let mut fz = Fuzz {
        rng: StdRng::seed_from_u64(seed),
        seed,
        app,
        portal,
        anon,
        tokens: Default::default(),
        conn,
        ids,
        admin_id,
        covered: BTreeSet::new(),
        requests: 0,
        answers: Default::default(),
    };

    fz.json_api(&api_token, &wallet_ref, &reserved[..4], cases)
        .await;

    // Pages whose forms are fuzzed, in an order that keeps the fixtures alive as long as they
    // are needed: edits first, then the portal, then changes of status, then deletions.
    let (a, sa, la, b) = (t.a, t.sa, t.la, t.b);
    let mut pages: Vec<(Who, String)> = [
        "/customers/new".to_string(),
        format!("/customers?customer={a}&site={sa}&link={la}"),
        format!("/customers/{a}/edit"),
        format!("/customers/{a}/sites/new"),
        format!("/sites/{sa}/edit"),
        format!("/sites/{sa}/links/new"),
        format!("/links/{la}/edit"),
        format!("/customers/{a}/numbers"),
        format!("/customers/{a}/telephony"),
        format!("/customers/{a}/ip-devices/new"),
        format!("/customers/{a}/sip-devices/new"),
        format!("/customers/{a}/dialing-routes/new"),
        format!("/customers/{a}/translations/source/new"),
        format!("/customers/{a}/translations/destination/new"),
        format!("/customers/{a}/translations/did_source/new"),
        format!("/customers/{a}/translations/did_destination/new"),
        // A fresh database numbers the seeded items from 1.
        format!("/customers/{a}/ip-devices/1/edit"),
        format!("/customers/{a}/sip-devices/1/edit"),
        format!("/customers/{a}/dialing-routes/1/edit"),
        format!("/customers/{a}/translations/1/edit"),
        format!("/customers/{a}/ip-devices/1/delete"),
        format!("/customers/{a}/sip-devices/1/delete"),
        format!("/customers/{a}/dialing-routes/1/delete"),
        format!("/customers/{a}/translations/1/delete"),
        format!("/customers/{a}/dids/1/delete"),
        format!("/customers/{a}/cpns/1/delete"),
        format!("/customers/{a}/emergency/1/delete"),
        format!("/customers/{a}/payments"),
        format!("/customers/{a}/statement/export.csv?mode=background"),
        "/cdrs/import".to_string(),
        staged.clone(),
        "/subscribers/new".to_string(),
        format!("/subscribers/{subscriber}"),
        format!("/subscribers/{subscriber}/wallets/new"),
        format!("/edrs/{edr}"),
        "/admin/vouchers".to_string(),
        format!("/subscribers/{subscriber}/edrs/export.csv?mode=background"),
        "/admin/settings".to_string(),
        "/preferences".to_string(),
        "/admin/balance-types".to_string(),
        "/admin/exchange-rates".to_string(),
        "/admin/product-types/1/limits".to_string(),
        format!("/operators/{operator}/limits"),
        "/operators".to_string(),
        format!("/operators/{operator}"),
        "/brandings/new".to_string(),
        format!("/brandings/{branding}/edit"),
        "/packages".to_string(),
        "/compliance/list".to_string(),
        "/compliance".to_string(),
        "/customers/export.csv?mode=background".to_string(),
        format!("/customers/{a}/sites/export.xlsx?mode=background"),
        format!("/sites/{sa}/links/export.pdf?mode=background"),
        "/links/export.txt?mode=background".to_string(),
        "/subscribers/export.xls?mode=background&card_number=7&match=prefix".to_string(),
        "/admin/api-tokens".to_string(),
        "/admin/transfer-definitions".to_string(),
        "/admin/transfer-definitions/1".to_string(),
        "/admin/bpl-tasks".to_string(),
        "/admin/promotions".to_string(),
        "/admin/topup-rules".to_string(),
        "/admin/credit-cards".to_string(),
        format!("/reservations/{}/commit", reserved[4]),
        format!("/reservations/{}/revoke", reserved[5]),
        format!("/reservations/{}/delete", reserved[6]),
    ]
    .into_iter()
    .map(|p| (Who::Admin, p))
    .collect();
    for kind in [
        "service-providers",
        "product-types",
        "currencies",
        "languages",
        "closed-user-groups",
        "charging-domains",
        "routes",
    ] {
        pages.push((Who::Admin, format!("/admin/reference/{kind}")));
    }
    pages.push((Who::Portal, format!("/c/alpha-web/?site={sa}")));
    pages.push((Who::Portal, "/c/alpha-web/password".to_string()));
    pages.push((Who::Anonymous, "/login".to_string()));
    pages.push((Who::Anonymous, "/c/alpha-web/login".to_string()));
    pages.push((Who::Admin, format!("/customers/{b}/demo")));
    pages.push((Who::Admin, format!("/customers/{held}/delete")));
    pages.push((Who::Admin, format!("/brandings/{branding}/delete")));
    pages.push((Who::Admin, format!("/subscribers/{subscriber}/delete")));
    pages.push((Who::Admin, format!("/links/{la}/delete")));
    pages.push((Who::Admin, format!("/sites/{sa}/delete")));

    // Deletions, logouts and changes of state run last, so the other forms still find their
    // rows and sessions; a logout is sent by the anonymous visitor.
    let mut shapes_done = BTreeSet::new();
    // Leaving a customer's portal is offered only inside it, to an operator who switched there.
    let mut later: Vec<(Who, String, Form)> = vec![(
        Who::Admin,
        "/customers".to_string(),
        Form {
            action: "/c/alpha-web/leave".into(),
            multipart: false,
            fields: Vec::new(),
        },
    )];
    for (who, page) in &pages {
        let html = fz.visit(*who, page).await;
        let forms = post_forms(&html);
        assert!(!forms.is_empty(), "{page} shows a form");
        for form in forms {
            let route = route_of(&form.action);
            if [
                "/delete", "/demo", "/status", "/disable", "/logout", "/leave",
            ]
            .iter()
            .any(|end| route.ends_with(end))
            {
                if !later.iter().any(|(_, _, f)| route_of(&f.action) == route) {
                    let who = if route.ends_with("/logout") {
                        Who::Anonymous
                    } else {
                        *who
                    };
                    later.push((who, page.clone(), form));
                }
                continue;
            }
            if shapes_done.insert(route.clone()) {
                fz.wrong_shapes(*who, &form).await;
            }
            let n = if route.ends_with("/login") || route.ends_with("/password") {
                cases.div_ceil(3)
            } else {
                cases
            };
            fz.form(*who, &form, n).await;
        }
    }

    // Filters, sorts and pages of every list, and every export URL, with random parameters.
    let panes = [
        "customer",
        "site",
        "link",
        "c_sort",
        "c_dir",
        "c_page",
        "s_sort",
        "s_dir",
        "s_page",
        "l_sort",
        "l_dir",
        "l_page",
        "q_company",
        "q_username",
        "q_name",
        "q_ip",
        "q_account",
        "q_sip_user",
        "q_status",
    ];
    let export: Vec<&str> = panes
        .iter()
        .copied()
        .chain(["view", "columns", "mode"])
        .collect();
    let search = [
        "service_provider_id",
        "wallet_ref",
        "card_number",
        "subscriber_id",
        "customer",
        "match",
    ];
    let sub_export: Vec<&str> = search.iter().copied().chain(["columns", "mode"]).collect();
    fz.query(Who::Admin, "/customers", &panes, cases * 3).await;
    fz.query(Who::Admin, "/subscribers", &search, cases * 2)
        .await;
    fz.query(
        Who::Admin,
        "/subscribers/new",
        &["service_provider_id"],
        cases,
    )
    .await;
    fz.query(
        Who::Admin,
        "/audit",
        &[
            "actor",
            "action",
            "object_type",
            "object_id",
            "from",
            "to",
            "page",
        ],
        cases * 2,
    )
    .await;
    fz.query(
        Who::Admin,
        &format!("/subscribers/{subscriber}/edrs"),
        &[
            "start",
            "end",
            "wallet_type",
            "limit",
            "called_number",
            "edr_type",
            "partial",
            "sort",
        ],
        cases * 2,
    )
    .await;
    fz.query(Who::Admin, "/exports", &["page"], cases / 2).await;
    for page in ["statement", "calls"] {
        fz.query(
            Who::Admin,
            &format!("/customers/{a}/{page}"),
            &["from", "to"],
            cases,
        )
        .await;
    }
    fz.query(Who::Admin, "/login", &["expired"], cases / 2)
        .await;
    fz.query(Who::Portal, "/c/alpha-web/", &panes, cases).await;
    for fmt in FORMATS.iter().chain(&["json", "CSV", "csv.exe", ""]) {
        let n = cases.div_ceil(3);
        fz.query(Who::Admin, &format!("/customers/export.{fmt}"), &export, n)
            .await;
        fz.query(
            Who::Admin,
            &format!("/customers/{b}/sites/export.{fmt}"),
            &export,
            n,
        )
        .await;
        fz.query(
            Who::Admin,
            &format!("/sites/{}/links/export.{fmt}", t.sb),
            &export,
            n,
        )
        .await;
        fz.query(Who::Admin, &format!("/links/export.{fmt}"), &export, n)
            .await;
        fz.query(
            Who::Admin,
            &format!("/customers/{a}/statement/export.{fmt}"),
            &["from", "to", "mode"],
            n,
        )
        .await;
        fz.query(
            Who::Admin,
            &format!("/subscribers/export.{fmt}"),
            &sub_export,
            n,
        )
        .await;
        fz.query(
            Who::Portal,
            &format!("/c/alpha-web/sites/export.{fmt}"),
            &export,
            n,
        )
        .await;
        fz.query(
            Who::Portal,
            &format!("/c/alpha-web/sites/{}/links/export.{fmt}", t.sb),
            &export,
            n,
        )
        .await;
    }

    // Enabling is offered only once the operator was disabled (by the deferred forms).
    later.push((
        Who::Admin,
        "/operators".to_string(),
        Form {
            action: format!("/operators/{operator}/enable"),
            multipart: false,
            fields: Vec::new(),
        },
    ));
    for (who, page, form) in later {
        let page = if who == Who::Anonymous {
            "/login"
        } else {
            &page
        };
        fz.visit(who, page).await;
        fz.wrong_shapes(who, &form).await;
        fz.form(who, &form, cases.div_ceil(3)).await;
    }

    let missing: Vec<&str> = POST_ROUTES
        .iter()
        .copied()
        .filter(|r| !fz.covered.contains(*r))
        .collect();
    assert!(
        missing.is_empty(),
        "POST routes the fuzzer never reached: {missing:?}"
    );
    for ((route, status), n) in &fz.answers {
        eprintln!("  {route} {status}: {n}");
    }
    eprintln!(
        "fuzz seed {seed:#x}: {} requests, {} routes, no 5xx",
        fz.requests,
        fz.covered.len()
    );
}
