//! What an operations team relies on: request ids, readiness, metrics, JSON logs.

use crate::common::{fresh_database_url, settings, spawn_app, spawn_app_with_settings};

fn request_id(r: &reqwest::Response) -> String {
    r.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_error_pages_show_it() {
    let app = spawn_app().await;
    let a = app.get("/login").await;
    let b = app.get("/login").await;
    let (ida, idb) = (request_id(&a), request_id(&b));
    assert!(!ida.is_empty() && !idb.is_empty());
    assert_ne!(ida, idb, "each request its own id");
    let redirect = app.get("/customers").await;
    assert_eq!(redirect.status().as_u16(), 303);
    assert!(!request_id(&redirect).is_empty());

    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status().as_u16(), 404);
    let id = request_id(&missing);
    let body = missing.text().await.unwrap();
    assert!(body.contains(&format!("data-request-id>{id}<")), "{body}");

    // A proxy's well-formed id is kept; anything else is replaced.
    let r = app
        .client
        .get(app.url("/login"))
        .header("x-request-id", "nginx-7f3a9c")
        .send()
        .await
        .unwrap();
    assert_eq!(request_id(&r), "nginx-7f3a9c");
    let r = app
        .client
        .get(app.url("/login"))
        .header("x-request-id", "<script>")
        .send()
        .await
        .unwrap();
    assert_ne!(request_id(&r), "<script>");
    assert!(!request_id(&r).is_empty());
}

#[tokio::test]
async fn readyz_answers_when_the_database_and_migrations_are_current() {
    let app = spawn_app().await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn metrics_count_requests_and_sign_in_failures_for_allowed_addresses_only() {
    let app = spawn_app().await;
    app.get("/login").await;
    let wrong = app.login("admin", "Wrong-passw0rd!").await;
    assert_eq!(wrong.status().as_u16(), 401);
    let r = app.get("/metrics").await;
    assert_eq!(r.status().as_u16(), 200);
    let text = r.text().await.unwrap();
    for needle in [
        "selfcare_http_requests_total{method=\"GET\",route=\"/login\",status=\"200\"}",
        "selfcare_http_request_duration_seconds_bucket{route=\"/login\",le=\"0.005\"}",
        "selfcare_db_pool_in_use",
        "selfcare_db_pool_waiting",
        "selfcare_export_jobs{state=\"queued\"}",
        "selfcare_login_failures_total",
        "selfcare_heap_in_use_bytes",
        "selfcare_heap_free_bytes",
        "selfcare_sqlite_memory_bytes",
    ] {
        assert!(text.contains(needle), "{needle} in:\n{text}");
    }
    // Paths with ids are counted under their pattern, not one series per id.
    app.login_admin().await;
    app.get("/customers/123456/edit").await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(text.contains("route=\"/customers/{id}/edit\""), "{text}");
    assert!(!text.contains("123456"));

    let mut s = settings(&fresh_database_url());
    s.metrics_allow = "10.9.8.7".into();
    let closed = spawn_app_with_settings(s).await;
    assert_eq!(closed.get("/metrics").await.status().as_u16(), 404);
}

/// `SELFCARE_LOG_FORMAT=json`: one JSON object a line, each request's line with its id.
#[tokio::test]
async fn json_logs_carry_the_request_id() {
    use std::io::{BufRead, BufReader};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_selfcare"))
        .arg("serve")
        .env("DATABASE_URL", fresh_database_url())
        .env("SELFCARE_BIND", format!("127.0.0.1:{port}"))
        .env("SELFCARE_EXPORT_DIR", dir.path())
        .env("SELFCARE_ADMIN_PASSWORD", crate::common::ADMIN_PASSWORD)
        .env("SELFCARE_LOG_FORMAT", "json")
        .env("SELFCARE_WORKERS", "1")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start selfcare");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let client = reqwest::Client::new();
    let mut id = String::new();
    for _ in 0..100 {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
        {
            id = request_id(&r);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!id.is_empty(), "the server answered");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut found = None;
    while std::time::Instant::now() < deadline && found.is_none() {
        if let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
            if line.contains(&id) {
                found = Some(line);
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let line = found.expect("a log line with the request id");
    let v: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
    assert_eq!(v["span"]["request_id"], id, "{line}");
    assert_eq!(v["fields"]["status"], 200, "{line}");
}

/// `SELFCARE_DATA_DIR` puts the database where the service's data lives, whatever folder it was
/// started from.
#[test]
fn the_data_directory_does_not_depend_on_the_working_directory() {
    let data = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_selfcare"))
        .args(["demo-data", "--customers", "1"])
        .current_dir(elsewhere.path())
        .env_remove("DATABASE_URL")
        .env_remove("SELFCARE_EXPORT_DIR")
        .env("SELFCARE_DATA_DIR", data.path())
        .env("SELFCARE_ADMIN_PASSWORD", crate::common::ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run selfcare");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(data.path().join("selfcare.db").exists());
    assert!(!elsewhere.path().join("data").exists());
}

/// A reverse proxy keeps idle upstream connections for up to a minute (nginx: 60 s) and sends
/// the next request on one of them: the server must not have closed it meanwhile (actix's
/// default closed it after 5 s, and a proxied POST racing that close gets a 502).
#[tokio::test]
async fn an_idle_connection_stays_open_longer_than_a_proxy_keeps_it() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let host = app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n");
    async fn answer(stream: &mut tokio::net::TcpStream) -> String {
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("an answer within 5 s")
            .unwrap_or(0);
        String::from_utf8_lossy(&buf[..n]).to_string()
    }
    stream.write_all(request.as_bytes()).await.unwrap();
    assert!(answer(&mut stream).await.starts_with("HTTP/1.1 200"));
    // Idle for longer than actix's default keep-alive.
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    let sent = stream.write_all(request.as_bytes()).await;
    assert!(sent.is_ok(), "the connection is still open");
    let second = answer(&mut stream).await;
    assert!(
        second.starts_with("HTTP/1.1 200"),
        "the same connection answers after 7 s idle: {second:?}"
    );
}
