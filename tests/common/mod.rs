//! Test harness: a real server on port 0 with a fresh database (SQLite file, or a new PostgreSQL
//! database when `SELFCARE_TEST_PG_URL` is set), and a client with a cookie jar that does not
//! follow redirects. The data a test starts from (signed-in browsers, customers with sites and
//! links, branding profiles, operators) is made by `fixtures`.
#![allow(dead_code)]

mod fixtures;
mod html;
mod panes;
mod people;

pub use fixtures::*;
pub use html::{table_column, unescape};
// The browser tests read the panes through Chromium, not as text.
#[allow(unused_imports)]
pub use panes::*;

use diesel::connection::SimpleConnection;
use diesel::Connection;
pub use selfcare::auth::throttle::ThrottlePolicy;
use selfcare::config::Settings;
use selfcare::startup::Application;

pub const ADMIN_PASSWORD: &str = "Admin-Passw0rd!";
/// The web access password `create_customer` gives every customer.
pub const CUSTOMER_PASSWORD: &str = "Secret1!x";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub database_url: String,
    _database: std::sync::Arc<DatabaseGuard>,
}

/// Stops the app's server and background worker, then removes the test's database, when the
/// last handle on the app goes (a worker left polling a dropped database would keep opening
/// connections until the process exits, and a client library torn down under it can crash).
struct DatabaseGuard {
    url: String,
    stopper: selfcare::startup::Stopper,
}

impl Drop for DatabaseGuard {
    fn drop(&mut self) {
        self.stopper.stop();
        if let Some(path) = self.url.strip_prefix("sqlite://") {
            for suffix in ["", "-wal", "-shm", ".setup-lock"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        } else if let Ok(base) = std::env::var("SELFCARE_TEST_PG_URL") {
            if let (Some(name), Ok(mut conn)) = (
                self.url.rsplit('/').next(),
                diesel::PgConnection::establish(&format!(
                    "{}/postgres",
                    base.trim_end_matches('/')
                )),
            ) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// `SELFCARE_TEST_DB_PREFIX` (lowercase letters, digits, `_`) lets a CI run find and drop what
/// it alone left behind.
fn unique_name() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().gen();
    let prefix = std::env::var("SELFCARE_TEST_DB_PREFIX")
        .ok()
        .filter(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .unwrap_or_else(|| "sc_test".into());
    format!("{prefix}_{}_{n:016x}", std::process::id())
}

/// A database URL of its own for one test.
pub fn fresh_database_url() -> String {
    match std::env::var("SELFCARE_TEST_PG_URL") {
        Ok(base) if !base.is_empty() => {
            // The server's URL without a database name, e.g. postgres://postgres@127.0.0.1:5432
            let server = base.trim_end_matches('/').to_string();
            let maintenance = format!("{server}/postgres");
            let name = unique_name();
            let mut conn = diesel::PgConnection::establish(&maintenance)
                .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {maintenance}: {e}"));
            conn.batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create test database");
            format!("{server}/{name}")
        }
        _ => {
            let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
            format!("sqlite://{}", path.display())
        }
    }
}

pub fn settings(database_url: &str) -> Settings {
    Settings {
        database_url: database_url.to_string(),
        bind: "127.0.0.1:0".into(),
        public_url: None,
        admin_password: Some(ADMIN_PASSWORD.into()),
        db_pool_size: 4,
        workers: Some(1),
        export_dir: std::env::temp_dir()
            .join(format!("sc_exports_{}", unique_name()))
            .display()
            .to_string(),
        ..Settings::default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(fresh_database_url()).await
}

pub async fn spawn_app_with(database_url: String) -> TestApp {
    spawn_app_with_settings(settings(&database_url)).await
}

/// An app with settings of the test's own (start from `settings(&fresh_database_url())`).
pub async fn spawn_app_with_settings(settings: Settings) -> TestApp {
    spawn_app_with_throttle(settings, ThrottlePolicy::default()).await
}

/// An app with a sign-in throttle policy of the test's own (quicker delays, lower limits).
pub async fn spawn_app_with_throttle(settings: Settings, policy: ThrottlePolicy) -> TestApp {
    let database_url = settings.database_url.clone();
    let app = Application::build_with(settings, policy)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let stopper = app.stopper();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: new_client(),
        _database: std::sync::Arc::new(DatabaseGuard {
            url: database_url.clone(),
            stopper,
        }),
        database_url,
    }
}

pub fn new_client() -> reqwest::Client {
    client_builder().build().expect("client")
}

fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        // The server drops a keep-alive connection after 5 s idle; a test that pauses longer
        // (database work of its own) must not reuse one the server is closing.
        .pool_idle_timeout(std::time::Duration::from_secs(2))
}

/// The value of the first `csrf_token` hidden field in a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("page has a csrf_token field") + marker.len();
    html[start..start + 64].to_string()
}

pub fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The id out of `…customer=12…`-style locations.
pub fn param(location: &str, key: &str) -> Option<i64> {
    location
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.parse().ok())
}

impl TestApp {
    /// The same app seen through another browser (its own cookie jar).
    pub fn another_browser(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            client: new_client(),
            database_url: self.database_url.clone(),
            _database: self._database.clone(),
        }
    }

    /// This browser (its cookie jar) talking to another instance `other` of the same database,
    /// as a load balancer would send it there.
    pub fn same_browser_at(&self, other: &TestApp) -> TestApp {
        TestApp {
            address: other.address.clone(),
            client: self.client.clone(),
            database_url: other.database_url.clone(),
            _database: other._database.clone(),
        }
    }

    /// A browser whose every request carries `X-Forwarded-For: {forwarded_for}`, as a reverse
    /// proxy would add it.
    pub fn browser_forwarded_for(&self, forwarded_for: &str) -> TestApp {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            reqwest::header::HeaderValue::from_str(forwarded_for).expect("header value"),
        );
        TestApp {
            client: client_builder()
                .default_headers(headers)
                .build()
                .expect("client"),
            ..self.another_browser()
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_html(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// POSTs a form with the session's CSRF token (read from `/customers` or `/login`) added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_token().await;
        self.post_with_token(&token, path, fields).await
    }

    /// POSTs a form with `token` added as its `csrf_token`.
    pub async fn post_with_token(
        &self,
        token: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", token));
        self.post_raw(path, &all).await
    }

    /// POSTs exactly these fields (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    pub async fn csrf_token(&self) -> String {
        let page = self.get_html("/customers").await;
        if page.contains("csrf_token") {
            return csrf_of(&page);
        }
        self.csrf_from("/login").await
    }

    /// Signs in at `/login` with the form's own CSRF token.
    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.sign_in_at("/login", username, password).await
    }

    /// Signs in at a customer's portal with the form's own CSRF token.
    pub async fn portal_login(
        &self,
        webid: &str,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        self.sign_in_at(&format!("/c/{webid}/login"), username, password)
            .await
    }

    /// Opens the sign-in form at `path` and posts the credentials with its CSRF token.
    async fn sign_in_at(&self, path: &str, username: &str, password: &str) -> reqwest::Response {
        let token = self.csrf_from(path).await;
        self.post_with_token(
            &token,
            path,
            &[("username", username), ("password", password)],
        )
        .await
    }

    /// POSTs a form with the CSRF token found on `page` (for sessions without /customers).
    pub async fn post_with_token_of(
        &self,
        page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf_from(page).await;
        self.post_with_token(&token, path, fields).await
    }

    /// The CSRF token of the form on `page`, as this browser sees it.
    pub async fn csrf_from(&self, page: &str) -> String {
        csrf_of(&self.get_html(page).await)
    }

    /// POSTs `multipart/form-data` with the session's CSRF token: text fields and files given
    /// as (field, file name, bytes).
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> reqwest::Response {
        let token = self.csrf_token().await;
        let boundary = "----selfcare-test-boundary-7d1f";
        let mut body: Vec<u8> = Vec::new();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        for (k, v) in all {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (k, name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.client
            .post(self.url(path))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("POST multipart")
    }

    pub async fn login_admin(&self) {
        let r = self.login("admin", ADMIN_PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303, "admin signs in");
    }
}
