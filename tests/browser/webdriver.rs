//! A small W3C WebDriver client over reqwest, driving Debian's `chromedriver` + `chromium`.
//!
//! One `Browser` = one chromedriver process on a port of its own + one browser session with a
//! fresh temporary profile. Dropping it ends the session, kills chromedriver and removes the
//! profile, also when a test panics.
//!
//! Environment:
//! - `SELFCARE_CHROMEDRIVER`: path of the chromedriver binary (default: `chromedriver` on PATH).
//! - `SELFCARE_CHROMIUM`: path of the browser binary (default: `/usr/bin/chromium` if present).
//! - `SELFCARE_BROWSER_TESTS=1`: a missing driver or browser fails the test instead of skipping it.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long `wait_for!` polls before giving up.
pub const WAIT: Duration = Duration::from_secs(5);
pub const POLL: Duration = Duration::from_millis(100);
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub type WdResult<T> = Result<T, WdError>;

#[derive(Debug, Clone)]
pub struct WdError {
    /// The W3C error code ("no such element", "stale element reference", …) or "transport".
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

fn transport(e: impl std::fmt::Display) -> WdError {
    WdError {
        error: "transport".into(),
        message: e.to_string(),
    }
}

/// Where the driver and browser binaries are, or why the test cannot run.
pub struct Binaries {
    pub chromedriver: PathBuf,
    pub chromium: Option<PathBuf>,
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

fn required() -> bool {
    matches!(
        std::env::var("SELFCARE_BROWSER_TESTS").as_deref(),
        Ok("1") | Ok("true") | Ok("yes")
    )
}

/// Finds chromedriver and chromium. `None` means "skip this test" (a message has been printed);
/// with `SELFCARE_BROWSER_TESTS=1` a missing binary panics instead.
pub fn binaries() -> Option<Binaries> {
    let chromedriver = match std::env::var_os("SELFCARE_CHROMEDRIVER") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)).filter(|p| is_executable(p)),
        _ => find_on_path("chromedriver"),
    };
    let Some(chromedriver) = chromedriver else {
        if required() {
            panic!(
                "SELFCARE_BROWSER_TESTS=1 but chromedriver was not found \
                 (looked at $SELFCARE_CHROMEDRIVER, else `chromedriver` on PATH); \
                 install Debian's chromium-driver and chromium packages"
            );
        }
        eprintln!("skipping browser test: chromedriver not found");
        return None;
    };
    // An explicit path is taken as given; otherwise Debian's location, then PATH.
    let chromium = match std::env::var_os("SELFCARE_CHROMIUM") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)).filter(|p| is_executable(p)),
        _ => Some(PathBuf::from("/usr/bin/chromium"))
            .filter(|p| is_executable(p))
            .or_else(|| find_on_path("chromium")),
    };
    if chromium.is_none() {
        if required() {
            panic!(
                "SELFCARE_BROWSER_TESTS=1 but chromium was not found \
                 (looked at $SELFCARE_CHROMIUM, /usr/bin/chromium, `chromium` on PATH)"
            );
        }
        eprintln!("skipping browser test: chromium not found");
        return None;
    }
    Some(Binaries {
        chromedriver,
        chromium,
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

fn fresh_profile_dir() -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let nonce: u64 = rand::random();
    let dir = std::env::temp_dir().join(format!(
        "selfcare-chromium-{}-{n}-{nonce:08x}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("create browser profile dir");
    dir
}

/// A running chromedriver; killed on drop.
struct DriverProcess {
    child: Child,
    port: u16,
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_driver(bin: &Path, http: &reqwest::Client) -> DriverProcess {
    let mut last_err = String::new();
    // The port is free when we look; another test may grab it before chromedriver binds, so retry.
    for _attempt in 0..3 {
        let port = free_port();
        let child = Command::new(bin)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut proc = DriverProcess { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = proc.child.try_wait() {
                last_err = format!("chromedriver on port {port} exited with {status}");
                break;
            }
            let ready = http
                .get(format!("http://127.0.0.1:{port}/status"))
                .timeout(Duration::from_secs(1))
                .send()
                .await
                .ok()
                .filter(|r| r.status().is_success());
            if let Some(resp) = ready {
                if let Ok(v) = resp.json::<Value>().await {
                    if v["value"]["ready"].as_bool().unwrap_or(false) {
                        return proc;
                    }
                }
            }
            if Instant::now() > deadline {
                last_err =
                    format!("chromedriver on port {port} did not answer /status within 10 s");
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        drop(proc);
    }
    panic!("{last_err}");
}

/// An element reference returned by the driver.
#[derive(Debug, Clone)]
pub struct Element(pub String);

/// One chromedriver + one browser session.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    session: String,
    profile: PathBuf,
    // Dropped after the session is deleted (field order matters: see Drop).
    driver: Option<DriverProcess>,
}

impl Browser {
    /// Starts chromedriver and a headless chromium session.
    pub async fn start(bins: &Binaries) -> Browser {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("http client");
        let driver = start_driver(&bins.chromedriver, &http).await;
        let base = format!("http://127.0.0.1:{}", driver.port);
        let profile = fresh_profile_dir();
        let mut chrome = json!({
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1600,1000",
                format!("--user-data-dir={}", profile.display()),
            ],
        });
        if let Some(bin) = &bins.chromium {
            chrome["binary"] = json!(bin.display().to_string());
        }
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "acceptInsecureCerts": false,
                    "pageLoadStrategy": "normal",
                    "unhandledPromptBehavior": "ignore",
                    "timeouts": { "implicit": 0, "pageLoad": 30000, "script": 10000 },
                    "goog:chromeOptions": chrome,
                    "goog:loggingPrefs": { "browser": "ALL" },
                }
            }
        });
        let resp = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .unwrap_or_else(|e| panic!("new WebDriver session: {e}"));
        let body: Value = resp.json().await.expect("new session answer is JSON");
        let session = body["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("chromium did not start a session: {body}"))
            .to_string();
        Browser {
            http,
            base,
            session,
            profile,
            driver: Some(driver),
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> WdResult<Value> {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let mut req = self.http.request(method, url);
        // POST bodies must be JSON objects, even when empty.
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status();
        let v: Value = resp.json().await.map_err(transport)?;
        if status.is_success() {
            Ok(v["value"].clone())
        } else {
            Err(WdError {
                error: v["value"]["error"]
                    .as_str()
                    .unwrap_or("unknown error")
                    .to_string(),
                message: v["value"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string(),
            })
        }
    }

    async fn get(&self, path: &str) -> WdResult<Value> {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> WdResult<Value> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    // ---- navigation ----

    /// Opens `url` and checks the page it shows with axe-core.
    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url }))
            .await
            .unwrap_or_else(|e| panic!("navigate to {url}: {e}"));
        self.check_accessibility().await;
    }

    /// Sets the browser window's outer size in CSS pixels (e.g. 1440×900, the size people use).
    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await
            .unwrap_or_else(|e| panic!("resize the window to {width}×{height}: {e}"));
    }

    pub async fn refresh(&self) {
        self.post("/refresh", json!({}))
            .await
            .unwrap_or_else(|e| panic!("reload: {e}"));
        self.check_accessibility().await;
    }

    /// Runs axe-core (vendored `axe.min.js`, WCAG 2.1 A/AA and best practices) on the current
    /// document unless it was already checked, and fails the test on any violation. A marker on
    /// `window` remembers the check, so every new page is checked once: after `goto`, before
    /// the first click on it, and at the end of a test.
    pub async fn check_accessibility(&self) {
        let fresh = self
            .execute(
                "return document.readyState === 'complete' && !window.__axeChecked",
                vec![],
            )
            .await
            .unwrap_or(Value::Bool(false));
        if fresh != Value::Bool(true) {
            return;
        }
        let url = self.current_url().await;
        if !url.starts_with("http") {
            return;
        }
        self.execute(
            &format!("{AXE_JS}\n;window.__axeChecked = true; return !!window.axe;"),
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("load axe-core into {url}: {e}"));
        let found = self
            .post("/execute/async", json!({ "script": AXE_RUN, "args": [] }))
            .await
            .unwrap_or_else(|e| panic!("run axe-core on {url}: {e}"));
        if let Some(err) = found.get("error") {
            panic!("axe-core failed on {url}: {err}");
        }
        let violations = found.as_array().cloned().unwrap_or_default();
        assert!(
            violations.is_empty(),
            "axe-core finds {} accessibility violation(s) on {url}:\n{}",
            violations.len(),
            serde_json::to_string_pretty(&violations).unwrap_or_default()
        );
    }

    pub async fn current_url(&self) -> String {
        self.get("/url")
            .await
            .unwrap_or_else(|e| panic!("current URL: {e}"))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn title(&self) -> String {
        self.get("/title")
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    // ---- elements ----

    fn element_of(v: &Value) -> Option<Element> {
        v.get(ELEMENT_KEY)
            .and_then(Value::as_str)
            .map(|s| Element(s.to_string()))
    }

    /// The first element matching a CSS selector.
    pub async fn find(&self, css: &str) -> WdResult<Element> {
        let v = self
            .post("/element", json!({ "using": "css selector", "value": css }))
            .await?;
        Self::element_of(&v).ok_or_else(|| WdError {
            error: "bad answer".into(),
            message: v.to_string(),
        })
    }

    /// All elements matching a CSS selector (possibly none).
    pub async fn find_all(&self, css: &str) -> WdResult<Vec<Element>> {
        let v = self
            .post(
                "/elements",
                json!({ "using": "css selector", "value": css }),
            )
            .await?;
        Ok(v.as_array()
            .map(|a| a.iter().filter_map(Self::element_of).collect())
            .unwrap_or_default())
    }

    /// Elements matching a CSS selector inside another element.
    pub async fn find_all_in(&self, parent: &Element, css: &str) -> WdResult<Vec<Element>> {
        let v = self
            .post(
                &format!("/element/{}/elements", parent.0),
                json!({ "using": "css selector", "value": css }),
            )
            .await?;
        Ok(v.as_array()
            .map(|a| a.iter().filter_map(Self::element_of).collect())
            .unwrap_or_default())
    }

    pub async fn exists(&self, css: &str) -> bool {
        matches!(self.find_all(css).await, Ok(v) if !v.is_empty())
    }

    /// Checks the current page with axe-core (once per page), then clicks the element.
    pub async fn click(&self, el: &Element) -> WdResult<()> {
        self.check_accessibility().await;
        self.post(&format!("/element/{}/click", el.0), json!({}))
            .await
            .map(|_| ())
    }

    pub async fn clear(&self, el: &Element) -> WdResult<()> {
        self.post(&format!("/element/{}/clear", el.0), json!({}))
            .await
            .map(|_| ())
    }

    pub async fn send_keys(&self, el: &Element, text: &str) -> WdResult<()> {
        self.post(&format!("/element/{}/value", el.0), json!({ "text": text }))
            .await
            .map(|_| ())
    }

    pub async fn text(&self, el: &Element) -> WdResult<String> {
        let v = self.get(&format!("/element/{}/text", el.0)).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    pub async fn attribute(&self, el: &Element, name: &str) -> WdResult<Option<String>> {
        let v = self
            .get(&format!("/element/{}/attribute/{name}", el.0))
            .await?;
        Ok(v.as_str().map(str::to_string))
    }

    pub async fn property(&self, el: &Element, name: &str) -> WdResult<Value> {
        self.get(&format!("/element/{}/property/{name}", el.0))
            .await
    }

    /// The live `value` of an input (what the user sees), not its `value` attribute.
    pub async fn value(&self, el: &Element) -> WdResult<String> {
        Ok(self
            .property(el, "value")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    pub async fn is_displayed(&self, el: &Element) -> WdResult<bool> {
        Ok(self
            .get(&format!("/element/{}/displayed", el.0))
            .await?
            .as_bool()
            .unwrap_or(false))
    }

    // ---- convenience: by selector, panicking with the selector in the message ----

    /// Checks the current page with axe-core (once per page), then clicks the element.
    pub async fn click_css(&self, css: &str) {
        self.check_accessibility().await;
        let el = self
            .find(css)
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"));
        self.click(&el)
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self
            .find(css)
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"));
        self.clear(&el)
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        self.send_keys(&el, text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    pub async fn text_of(&self, css: &str) -> WdResult<String> {
        let el = self.find(css).await?;
        self.text(&el).await
    }

    pub async fn value_of(&self, css: &str) -> WdResult<String> {
        let el = self.find(css).await?;
        self.value(&el).await
    }

    /// Texts of all elements matching `css`, in document order.
    pub async fn texts_of(&self, css: &str) -> WdResult<Vec<String>> {
        let mut out = Vec::new();
        for el in self.find_all(css).await? {
            out.push(self.text(&el).await?.trim().to_string());
        }
        Ok(out)
    }

    // ---- scripts and logs ----

    /// The text of the open alert or confirm dialog, if one is open.
    pub async fn alert_text(&self) -> Option<String> {
        self.get("/alert/text")
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    }

    /// Answers the open confirm dialog: OK (`true`) or Cancel.
    pub async fn answer_alert(&self, ok: bool) -> WdResult<Value> {
        let path = if ok {
            "/alert/accept"
        } else {
            "/alert/dismiss"
        };
        self.post(path, json!({})).await
    }

    /// A PNG screenshot of the viewport.
    pub async fn screenshot(&self) -> WdResult<Vec<u8>> {
        let b64 = self.get("/screenshot").await?;
        Ok(decode_base64(b64.as_str().unwrap_or_default()))
    }

    pub async fn execute(&self, script: &str, args: Vec<Value>) -> WdResult<Value> {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// The browser console since the last call (chromedriver's `goog:loggingPrefs` log).
    pub async fn console_log(&self) -> Vec<(String, String)> {
        let v = match self.post("/se/log", json!({ "type": "browser" })).await {
            Ok(v) => v,
            Err(_) => self
                .post("/log", json!({ "type": "browser" }))
                .await
                .unwrap_or(Value::Null),
        };
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or("").to_string(),
                            e["message"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Ends the session and chromedriver now (Drop does the same as a fallback).
    pub async fn quit(mut self) {
        let _ = self.call(reqwest::Method::DELETE, "", None).await;
        self.session.clear();
        // Drop kills chromedriver and removes the profile.
    }
}

/// axe-core 4.14.1 from its npm package (MPL-2.0, licence beside it).
const AXE_JS: &str = include_str!("axe.min.js");

/// Runs axe on the document and hands back each violation's rule, impact, help and first nodes.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  resultTypes: ['violations'],
}).then(r => done(r.violations.map(v => ({
  rule: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary),
})))).catch(e => done({ error: String(e) }));
"#;

/// A DELETE /session/{id} over a plain socket: Drop cannot await, and may run while panicking.
fn delete_session_blocking(port: u16, session: &str) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = s.set_write_timeout(Some(Duration::from_secs(5)));
    let req = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if s.write_all(req.as_bytes()).is_err() {
        return;
    }
    // Read one whole answer (chromedriver may keep the connection open despite `close`).
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        let text = String::from_utf8_lossy(&buf);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return;
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(driver) = self.driver.take() {
            if !self.session.is_empty() {
                delete_session_blocking(driver.port, &self.session);
            }
            drop(driver);
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Polls an async expression returning `Option<T>` until it is `Some` or `WAIT` has passed;
/// panics with the description on timeout. Errors from the driver (stale elements while a pane is
/// swapped, …) count as "not yet": write the body so that they turn into `None`.
macro_rules! wait_for {
    ($desc:expr, $body:expr) => {{
        let deadline = std::time::Instant::now() + $crate::webdriver::WAIT;
        loop {
            let got: Option<_> = $body;
            if let Some(v) = got {
                break v;
            }
            if std::time::Instant::now() >= deadline {
                panic!(
                    "timed out after {:?} waiting until {}",
                    $crate::webdriver::WAIT,
                    $desc
                );
            }
            tokio::time::sleep($crate::webdriver::POLL).await;
        }
    }};
}

/// Standard base64 (as WebDriver sends screenshots) to bytes; other characters are skipped.
fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let Some(v) = ALPHABET.iter().position(|a| *a == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
