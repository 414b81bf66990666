//! Every format opened by a real reader: calamine (XLSX, XLS), and when installed (CI installs
//! them; `SELFCARE_EXPORT_READERS=1` makes them mandatory) pdftotext, Python's xlrd and
//! LibreOffice.

use crate::common::{location, spawn_admin, spawn_app, TestApp};
use calamine::{open_workbook, Data, DataType, Reader, Xls, Xlsx};
use std::path::PathBuf;
use std::process::Command;

async fn seed(app: &TestApp) -> (i64, i64) {
    app.login_admin().await;
    let r = app
        .post_customer(
            "inject",
            &[
                ("webid", "inject"),
                ("company", "=HYPERLINK(\"http://evil\")"),
                ("name", "Øyvind Æsøy"),
                ("phone", "0123456789"),
                ("credit_limit", "1234.56"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let evil = crate::common::param(&location(&r), "customer").unwrap();
    let plain = app.create_customer("plain", "Beta Logistics AS").await;
    (evil, plain)
}

async fn download(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let r = app.get(path).await;
    assert_eq!(r.status().as_u16(), 200, "{path}");
    let headers = r.headers().clone();
    (headers, r.bytes().await.unwrap().to_vec())
}

fn save(bytes: &[u8], ext: &str) -> PathBuf {
    use rand::Rng;
    let path = std::env::temp_dir().join(format!(
        "sc_export_{:016x}.{ext}",
        rand::thread_rng().gen::<u64>()
    ));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Whether an external reader is there; missing is a failure when the readers are required.
fn have(tool: &str, args: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok && std::env::var("SELFCARE_EXPORT_READERS").as_deref() == Ok("1") {
        panic!("{tool} is required (SELFCARE_EXPORT_READERS=1) but not available");
    }
    if !ok {
        eprintln!("skipping the {tool} check: not installed");
    }
    ok
}

/// The `href` of the link marked `data-export="{fmt}"` in pane `pane` (escapes undone).
fn export_href(page: &str, pane: &str, marker: &str) -> String {
    let section = crate::common::pane_section(page, pane).expect("the pane");
    let at = section.find(marker).expect("the export link");
    let start = section[..at].rfind("href=\"").unwrap() + "href=\"".len();
    let end = start + section[start..].find('"').unwrap();
    crate::common::unescape(&section[start..end])
}

#[tokio::test]
async fn each_panes_export_link_carries_what_its_list_reads_and_not_the_selection() {
    let app = spawn_app().await;
    seed(&app).await;
    let c = app.create_customer("gamma", "Gamma Logistics AS").await;
    app.create_site(c, "Oslo").await;
    let page = app
        .get_html(&format!(
            "/customers?customer={c}&c_sort=company&c_dir=desc&s_sort=name&q_company=logistics"
        ))
        .await;
    let customers = export_href(&page, "customers", "data-export=\"csv\"");
    assert_eq!(
        customers,
        "/customers/export.csv?c_sort=company&c_dir=desc&q_company=logistics"
    );
    assert_eq!(
        export_href(&page, "customers", "data-export-all=\"xlsx\""),
        "/customers/export.xlsx?c_sort=company&c_dir=desc&q_company=logistics&view=all"
    );
    assert_eq!(
        export_href(&page, "sites", "data-export=\"txt\""),
        format!("/customers/{c}/sites/export.txt?s_sort=name")
    );
    // The link exports what the pane lists: the filter and the order, both logistics companies.
    let (_, body) = download(&app, &customers).await;
    let text = String::from_utf8(body).unwrap();
    let gamma = text.find("Gamma Logistics AS").expect("gamma exported");
    let beta = text.find("Beta Logistics AS").expect("beta exported");
    assert!(gamma < beta, "company descending: {text}");
    assert!(!text.contains("HYPERLINK"), "filtered out: {text}");
}

#[tokio::test]
async fn csv_is_rfc4180_with_bom_filters_sort_and_guard() {
    let app = spawn_app().await;
    seed(&app).await;
    let (headers, body) = download(
        &app,
        "/customers/export.csv?c_sort=company&c_dir=desc&view=all",
    )
    .await;
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-store");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"customers-"),
        "{disposition}"
    );
    assert!(disposition.ends_with(".csv\""));
    assert_eq!(&body[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("Account code,Company,Name"));
    // Descending by company: "Beta…" sorts after "'=HY…", so it comes first.
    assert!(lines[1].contains("Beta Logistics AS"));
    assert!(
        lines[2].contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","),
        "guarded and quoted: {}",
        lines[2]
    );
    assert!(lines[2].contains("Øyvind Æsøy"));
    assert!(lines[2].contains(",0123456789,"), "leading zero kept");
    assert!(lines[2].contains(",1234.56,"), "money exact");

    // Filters apply; the view decides the columns.
    let (_, body) = download(&app, "/customers/export.csv?q_company=beta").await;
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(
        text.starts_with("Account code,Company,Name,Description,Web username,Country,Status\r\n"),
        "{text}"
    );
}

#[tokio::test]
async fn txt_is_tab_separated() {
    let app = spawn_app().await;
    seed(&app).await;
    let (headers, body) = download(&app, "/customers/export.txt?columns=company,phone").await;
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/tab-separated-values"));
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.lines().next(), Some("Company\tPhone"));
    // A field holding quotes is quoted, as spreadsheet programs expect of tab-separated text.
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\"\t0123456789"),
        "{text}"
    );
}

#[tokio::test]
async fn xlsx_has_typed_cells_a_frozen_styled_header_and_the_guard() {
    let app = spawn_app().await;
    seed(&app).await;
    let (headers, body) = download(&app, "/customers/export.xlsx?view=all&c_sort=company").await;
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let path = save(&body, "xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let range = wb.worksheet_range("Customers").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), 3);
    let head: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let evil = rows[1];
    assert_eq!(
        evil[at("Company")],
        Data::String("'=HYPERLINK(\"http://evil\")".into())
    );
    assert_eq!(
        evil[at("Phone")],
        Data::String("0123456789".into()),
        "identifiers stay text"
    );
    assert_eq!(
        evil[at("Account code")].get_string().map(|s| s.len()),
        Some(12)
    );
    assert!(
        matches!(evil[at("Payment term (days)")], Data::Float(f) if f == 30.0),
        "numbers are numbers"
    );
    assert!(matches!(evil[at("Credit limit")], Data::Float(f) if (f - 1234.56).abs() < 1e-9));
    assert!(
        matches!(evil[at("Created (UTC)")], Data::DateTime(_)),
        "dates are dates: {:?}",
        evil[at("Created (UTC)")]
    );
    let raw = String::from_utf8_lossy(&unzip_entry(&path, "xl/worksheets/sheet1.xml")).to_string();
    assert!(raw.contains("<pane ySplit=\"1\""), "header row frozen");
    assert!(raw.contains("<autoFilter ref=\"A1:"), "autofilter on");
    assert!(raw.contains("<cols>"), "column widths set");
    std::fs::remove_file(path).ok();
}

/// One entry of a zip file (XLSX), read with the system's `unzip`, or from calamine's view.
fn unzip_entry(path: &PathBuf, entry: &str) -> Vec<u8> {
    let out = Command::new("unzip")
        .arg("-p")
        .arg(path)
        .arg(entry)
        .output();
    match out {
        Ok(o) if o.status.success() => o.stdout,
        _ => {
            // Without unzip, look for the markers in the raw (deflated) archive is impossible;
            // python's zipfile is on every machine here.
            Command::new("python3")
                .args(["-c", &format!("import zipfile,sys;sys.stdout.buffer.write(zipfile.ZipFile(r'{}').read('{entry}'))", path.display())])
                .output()
                .map(|o| o.stdout)
                .unwrap_or_default()
        }
    }
}

#[tokio::test]
async fn xls_is_real_biff8_that_old_readers_open() {
    let app = spawn_app().await;
    seed(&app).await;
    let (headers, body) = download(&app, "/customers/export.xls?view=all&c_sort=company").await;
    assert_eq!(headers["content-type"], "application/vnd.ms-excel");
    assert_eq!(
        &body[..8],
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        "a compound file"
    );
    let path = save(&body, "xls");
    let mut wb: Xls<_> = open_workbook(&path).unwrap();
    let range = wb.worksheet_range("Customers").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), 3);
    let head: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    assert_eq!(
        rows[1][at("Company")],
        Data::String("'=HYPERLINK(\"http://evil\")".into())
    );
    assert_eq!(rows[1][at("Name")], Data::String("Øyvind Æsøy".into()));
    assert_eq!(rows[1][at("Phone")], Data::String("0123456789".into()));
    assert!(matches!(rows[1][at("Payment term (days)")], Data::Float(f) if f == 30.0));

    if have("python3", &["-c", "import xlrd"]) {
        let out = Command::new("python3")
            .args([
                "-c",
                "import sys,xlrd\nb=xlrd.open_workbook(sys.argv[1]);s=b.sheet_by_index(0)\n\
                 h=s.row_values(0);r=s.row_values(1)\n\
                 print(s.nrows, r[h.index('Company')], r[h.index('Phone')], s.cell(1,h.index('Created (UTC)')).ctype, s.cell(1,h.index('Credit limit')).value)",
            ])
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            text.trim(),
            "3 '=HYPERLINK(\"http://evil\") 0123456789 3 1234.56",
            "xlrd reads it"
        );
    }
    if have("soffice", &["--version"]) {
        let dir = std::env::temp_dir().join(format!("sc_lo_{}", std::process::id()));
        let profile = format!("-env:UserInstallation=file://{}/profile", dir.display());
        let out = Command::new("soffice")
            .args([
                profile.as_str(),
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76",
                "--outdir",
            ])
            .arg(&dir)
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let csv_path = dir.join(path.file_stem().unwrap()).with_extension("csv");
        let csv = std::fs::read_to_string(&csv_path).unwrap();
        assert!(csv.starts_with("Account code,Company,Name"), "{csv}");
        assert!(
            csv.contains("Øyvind Æsøy"),
            "LibreOffice reads the text: {csv}"
        );
        assert!(csv.contains(",0123456789,"));
        std::fs::remove_dir_all(&dir).ok();
    }
    std::fs::remove_file(path).ok();
}

#[tokio::test]
async fn pdf_is_a_paginated_table_with_the_export_block() {
    let app = spawn_admin().await;
    let settings = crate::common::settings(&app.database_url);
    tokio::task::spawn_blocking(move || selfcare::cli::demo_data::run(&settings, 120, 0, 3))
        .await
        .unwrap()
        .unwrap();
    let (headers, body) =
        download(&app, "/customers/export.pdf?q_status=active&c_sort=company").await;
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(body.starts_with(b"%PDF-"));
    if !have("pdftotext", &["-v"]) {
        return;
    }
    let path = save(&body, "pdf");
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    std::fs::remove_file(&path).ok();
    assert!(text.contains("Customers"));
    assert!(text.contains("Status: active"), "filters shown");
    assert!(text.contains("by admin"), "who exported");
    let pages = text.matches("page ").filter(|_| true).count();
    assert!(pages >= 2, "several pages: {pages}");
    let last = text.rfind(" of ").unwrap();
    assert!(text[..last].contains("page 1 of"), "page n of N");
    assert_eq!(
        text.matches("Account code").count(),
        pages,
        "header on every page"
    );
}

#[tokio::test]
async fn sites_and_links_export_with_their_parent_checked() {
    let app = spawn_app().await;
    let (evil, plain) = seed(&app).await;
    let s = app.create_site(plain, "Oslo HQ").await;
    app.create_link(s, "FIBER-1", "192.0.2.1").await;
    app.create_link(s, "=cmd|' /C calc'!A0", "").await;
    let (_, body) = download(
        &app,
        &format!("/customers/{plain}/sites/export.csv?view=all"),
    )
    .await;
    let text = String::from_utf8_lossy(&body).to_string();
    assert!(text.contains("Oslo HQ") && text.contains("Europe/Oslo"));
    let (h, body) = download(
        &app,
        &format!("/sites/{s}/links/export.txt?view=all&l_sort=name"),
    )
    .await;
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .contains("access-links-"));
    let text = String::from_utf8_lossy(&body).to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("'=cmd|"), "{text}");
    assert!(
        lines[2].starts_with("FIBER-1\tUplink\tFiber\t100000\t50000\t192.0.2.1"),
        "{text}"
    );
    let (_, body) = download(&app, &format!("/customers/{evil}/sites/export.csv")).await;
    assert_eq!(
        String::from_utf8_lossy(&body).lines().count(),
        1,
        "header only for a customer without sites"
    );
}

#[tokio::test]
async fn bad_export_requests_get_a_clear_4xx_and_no_file() {
    let app = spawn_app().await;
    let (_, plain) = seed(&app).await;
    for (path, status) in [
        ("/customers/export.exe".to_string(), 400),
        (
            "/customers/export.csv?columns=company,password_hash".to_string(),
            400,
        ),
        ("/customers/export.csv?view=everything".to_string(), 400),
        ("/customers/999999/sites/export.csv".to_string(), 404),
        ("/sites/999999/links/export.xlsx".to_string(), 404),
        (format!("/customers/{plain}/sites/export.doc"), 400),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status().as_u16(), status, "{path}");
        assert!(r.headers().get("content-disposition").is_none(), "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains("<html"), "an error page: {path}");
        assert!(!body.contains("password_hash\n"), "{path}");
    }
    let anonymous = app.another_browser();
    let r = anonymous.get("/customers/export.csv").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/login");
}

#[tokio::test]
async fn viewers_may_export() {
    let app = spawn_app().await;
    seed(&app).await;
    let viewer = app.operator_browser("vic", "viewer").await;
    let r = viewer.get("/customers/export.xlsx").await;
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn too_many_rows_for_xls_is_refused_with_advice() {
    let app = spawn_admin().await;
    let settings = crate::common::settings(&app.database_url);
    // About six links per customer: comfortably past one XLS sheet's 65,535 rows.
    tokio::task::spawn_blocking(move || selfcare::cli::demo_data::run(&settings, 14_000, 0, 5))
        .await
        .unwrap()
        .unwrap();
    let r = app.get("/links/export.xls").await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.headers().get("content-disposition").is_none());
    let body = r.text().await.unwrap();
    assert!(body.contains("holds at most 65535"), "{body}");
    assert!(body.contains("CSV or XLSX"));
    let r = app.get("/links/export.pdf").await;
    assert_eq!(r.status().as_u16(), 422);
    // Past 50,000 rows an export goes to the background unless asked otherwise...
    let r = app.start_background_export("/links/export.csv").await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).starts_with("/exports/"));
    // ...and CSV has no row limit: asked for at once, it streams.
    let r = app.get("/links/export.csv?mode=direct").await;
    assert_eq!(r.status().as_u16(), 200);
    let lines = r.text().await.unwrap().lines().count();
    assert!(lines > 65_536, "{lines}");
}

#[tokio::test]
async fn customer_administrators_export_their_own_sites_and_links_only() {
    let app = spawn_admin().await;
    let a = app.create_customer("owna", "Own A AS").await;
    let b = app.create_customer("ownb", "Own B AS").await;
    let sa = app.create_site(a, "A site").await;
    let sb = app.create_site(b, "B site").await;
    app.create_link(sa, "A-link", "192.0.2.7").await;
    app.create_link(sb, "B-link", "192.0.2.8").await;

    let admin_a = app.portal_admin("owna").await;
    let home = admin_a.get_html("/c/owna-web/").await;
    assert!(
        home.contains("href=\"/c/owna-web/sites/export.csv\""),
        "export menu in the portal"
    );
    let (h, body) = download(&admin_a, "/c/owna-web/sites/export.csv?view=all").await;
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .contains("sites-"));
    let text = String::from_utf8_lossy(&body).to_string();
    assert!(text.contains("A site") && !text.contains("B site"));
    let (_, body) = download(
        &admin_a,
        &format!("/c/owna-web/sites/{sa}/links/export.xlsx"),
    )
    .await;
    let path = save(&body, "xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    assert_eq!(
        range.rows().nth(1).unwrap()[0],
        Data::String("A-link".into())
    );
    std::fs::remove_file(path).ok();

    // Nothing of the other customer, by any address.
    for path in [
        format!("/c/owna-web/sites/{sb}/links/export.csv"),
        "/c/ownb-web/sites/export.csv".to_string(),
        format!("/c/ownb-web/sites/{sb}/links/export.csv"),
        format!("/customers/{b}/sites/export.csv"),
        format!("/sites/{sb}/links/export.csv"),
        "/links/export.csv".to_string(),
    ] {
        let r = admin_a.get(&path).await;
        assert_ne!(r.status().as_u16(), 200, "{path}");
        assert!(r.headers().get("content-disposition").is_none(), "{path}");
        assert!(!r.text().await.unwrap().contains("B-link"), "{path}");
    }
}

/// The "All data" PDF keeps long cells whole: their text wraps inside the column over several
/// lines instead of being cut with an ellipsis, and columns that do not fit one page width go
/// to a second band.
#[tokio::test]
async fn the_all_data_pdf_wraps_long_cells_instead_of_cutting_them() {
    let app = spawn_admin().await;
    let words = [
        "Northwind",
        "zebra",
        "quartz",
        "nebula",
        "orchard",
        "lantern",
        "meadow",
        "compass",
        "harbor",
        "pebble",
        "summit",
        "willow",
        "thunder",
        "velvet",
        "glacier",
        "saffron",
        "tundra",
        "marble",
        "falcon",
        "juniper",
        "cobalt",
        "ember",
        "prairie",
        "Endword",
    ];
    let description = words.join(" ");
    assert!(description.len() <= 200);
    let mut fields = crate::common::customer_fields(
        "wrap01",
        &[(
            "company",
            "Wrap Testing Company With A Rather Long Registered Name AS",
        )],
    );
    fields.push(("description", description.clone()));
    let r = app
        .post_form("/customers", &crate::common::pairs(&fields))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (headers, body) = download(&app, "/customers/export.pdf?view=all").await;
    assert_eq!(headers["content-type"], "application/pdf");
    if !have("pdftotext", &["-v"]) {
        return;
    }
    let path = save(&body, "pdf");
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    for w in words {
        assert!(text.contains(w), "{w} is in the PDF: {text}");
    }
    for w in ["Wrap", "Registered", "Name AS"] {
        assert!(text.contains(w), "{w}");
    }
    assert!(!text.contains('…'), "nothing cut: {text}");
    // Too many columns for one page width: they go to bands printed one after the other, each
    // starting with the account code, so every row can be found in each.
    let bands = text.matches("(part ").count();
    assert!(bands >= 2, "{text}");
    assert!(text.contains("(part 1 of ") && text.contains("page 1 of "));
    // One header per band, and the first band's footer names it as its first column.
    assert_eq!(text.matches("Account code").count(), bands + 1, "{text}");
}

/// The inventory's CSV and TXT are read lean (only the chosen columns, written from the
/// database's values); they must say exactly what the typed rows and cells say, over several
/// chunks, with awkward text, and a stored code the program does not know fails both.
#[tokio::test]
async fn lean_inventory_export_writes_what_the_typed_cells_write() {
    use selfcare::db::models::link::{self, NewAccessLink};
    use selfcare::domain::{LinkStatus, LinkType, Zone};
    use selfcare::export::csv::DelimitedWriter;
    use selfcare::lists::spec::ListSpec;

    let app = spawn_admin().await;
    let settings = crate::common::settings(&app.database_url);
    // About six links per customer: more than one lean chunk (10,000 rows).
    tokio::task::spawn_blocking(move || selfcare::cli::demo_data::run(&settings, 1_800, 0, 7))
        .await
        .unwrap()
        .unwrap();
    let customer = app.create_customer("awkward", "=cmd|' /C calc'!A0").await;
    let site = app.create_site(customer, "Site, \"quoted\"").await;
    let mut conn = app.db();
    for (name, description, ip, circuit) in [
        ("line\nbreak", "", "-1", "+CKT"),
        ("Øst 1", "tab\there", "@x", ""),
        ("", "\r\nx", "10.0.0.1", "42"),
    ] {
        link::insert(
            &mut conn,
            &NewAccessLink {
                site_id: site,
                name: name.into(),
                description: description.into(),
                link_type: LinkType::Fiber,
                bandwidth_down_kbps: -5,
                bandwidth_up_kbps: i64::MAX,
                ip_address: ip.into(),
                circuit_id: circuit.into(),
                status: LinkStatus::Active,
                created_at: 0,
                updated_at: 0,
            },
        )
        .unwrap();
    }

    let spec = ListSpec::Inventory {
        service_provider: None,
    };
    let all: Vec<String> = spec.all_keys().iter().map(|k| k.to_string()).collect();
    let some: Vec<String> = ["status", "circuit_id", "company", "bandwidth_up_kbps"]
        .iter()
        .map(|k| k.to_string())
        .collect();
    for keys in [&all, &some] {
        for writer in [
            DelimitedWriter::csv(Zone::utc()),
            DelimitedWriter::tsv(Zone::utc()),
        ] {
            let mut typed = spec.source(keys);
            let mut lean = spec.source(keys);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let mut rows = 0;
            while let Some(chunk) = typed.next_chunk(&mut conn).unwrap() {
                rows += chunk.len();
                a.extend(writer.rows(&chunk).unwrap());
            }
            let mut chunks = 0;
            while let Some((bytes, _)) = lean.write_chunk(&mut conn, &writer).unwrap() {
                chunks += 1;
                b.extend(bytes);
            }
            assert!(rows > 10_000, "{rows}");
            assert!(chunks > 1, "{chunks}");
            assert!(a == b, "lean and typed differ ({keys:?})");
        }
    }
    // And over HTTP, the whole file.
    let (_, body) = download(&app, "/links/export.csv?mode=direct").await;
    let writer = DelimitedWriter::csv(Zone::utc());
    let mut typed = spec.source(&all);
    let mut expected = writer.header(typed.columns()).unwrap();
    while let Some(chunk) = typed.next_chunk(&mut conn).unwrap() {
        expected.extend(writer.rows(&chunk).unwrap());
    }
    assert!(body == expected, "the download is not the typed rows' CSV");
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.contains("\"Site, \"\"quoted\"\"\""),
        "quoted site name"
    );
    assert!(text.contains("'=cmd|"), "the formula guard");

    // A stored link type the program does not know: both readings refuse to write the file.
    use diesel::prelude::*;
    use selfcare::db::schema::access_links;
    diesel::update(access_links::table.filter(access_links::site_id.eq(site)))
        .set(access_links::link_type.eq("CARRIER_PIGEON"))
        .execute(&mut conn)
        .unwrap();
    let writer = DelimitedWriter::csv(Zone::utc());
    let mut lean = spec.source(&all);
    let failed = loop {
        match lean.write_chunk(&mut conn, &writer) {
            Ok(Some(_)) => continue,
            Ok(None) => break None,
            Err(e) => break Some(e.to_string()),
        }
    };
    let failed = failed.expect("the lean reading fails");
    assert!(failed.contains("CARRIER_PIGEON"), "{failed}");
    let mut typed = spec.source(&all);
    assert!(
        std::iter::from_fn(|| typed.next_chunk(&mut conn).transpose()).any(|r| r.is_err()),
        "the typed reading fails too"
    );
    let r = app.get("/links/export.csv?mode=direct").await;
    assert_eq!(r.status().as_u16(), 200, "the headers left before the rows");
    assert!(r.bytes().await.is_err(), "the transfer breaks off");
}
