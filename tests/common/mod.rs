//! Test harness: a real server on port 0 with a fresh database (SQLite file, or a new PostgreSQL
//! database when `SELFCARE_TEST_PG_URL` is set), and a client with a cookie jar that does not
//! follow redirects.
#![allow(dead_code)]

use diesel::connection::SimpleConnection;
use diesel::Connection;
use selfcare::config::Settings;
use selfcare::startup::Application;

pub const ADMIN_PASSWORD: &str = "Admin-Passw0rd!";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub database_url: String,
    _database: std::sync::Arc<DatabaseGuard>,
}

/// Removes the test's database when the last handle on the app goes.
struct DatabaseGuard {
    url: String,
}

impl Drop for DatabaseGuard {
    fn drop(&mut self) {
        if let Some(path) = self.url.strip_prefix("sqlite://") {
            for suffix in ["", "-wal", "-shm"] {
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

fn unique_name() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().gen();
    format!("sc_test_{}_{n:016x}", std::process::id())
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
        export_dir: std::env::temp_dir()
            .join(format!("{}-exports", unique_name()))
            .display()
            .to_string(),
        workers: Some(1),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(fresh_database_url()).await
}

pub async fn spawn_app_with(database_url: String) -> TestApp {
    let app = Application::build(settings(&database_url))
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: new_client(),
        _database: std::sync::Arc::new(DatabaseGuard {
            url: database_url.clone(),
        }),
        database_url,
    }
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client")
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

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_html(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// POSTs a form with the session's CSRF token (read from `token_page`) added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("POST")
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
        csrf_of(&self.get_html("/login").await)
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        let token = csrf_of(&self.get_html("/login").await);
        self.client
            .post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .expect("POST /login")
    }

    pub async fn login_admin(&self) {
        let r = self.login("admin", ADMIN_PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303, "admin signs in");
    }

    /// Creates an operator directly through the library, as `selfcare create-operator` would.
    pub fn create_operator(&self, username: &str, password: &str, role: &str) {
        use selfcare::db::models::operator;
        let pool = selfcare::db::build_pool(&self.database_url, 1);
        let mut conn = pool.get().expect("connection");
        let now = selfcare::db::now();
        operator::insert(
            &mut conn,
            &operator::NewOperator {
                username: username.into(),
                password_hash: selfcare::auth::password::hash(password).expect("hash"),
                role: role.into(),
                service_provider_id: None,
                disabled: false,
                created_at: now,
                updated_at: now,
            },
        )
        .expect("insert operator");
    }

    /// Creates a customer through the form; returns its id.
    pub async fn create_customer(&self, username: &str, company: &str) -> i64 {
        let webid = format!("{}-web", username.to_lowercase());
        let mut fields = valid_customer_fields();
        set(&mut fields, "username", username);
        set(&mut fields, "company", company);
        set(&mut fields, "webid", &webid);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = self.post_form("/customers", &pairs).await;
        assert_eq!(r.status().as_u16(), 303, "customer {username} is created");
        param(&location(&r), "customer").expect("customer id in location")
    }

    pub async fn create_site(&self, customer_id: i64, name: &str) -> i64 {
        let r = self
            .post_form(
                &format!("/customers/{customer_id}/sites"),
                &[
                    ("name", name),
                    ("description", "A site"),
                    ("address", "Main street 1"),
                    ("country", "NO"),
                    ("time_zone", "Europe/Oslo"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "site {name} is created");
        param(&location(&r), "site").expect("site id")
    }

    pub async fn create_link(&self, site_id: i64, name: &str, ip: &str) -> i64 {
        let r = self
            .post_form(
                &format!("/sites/{site_id}/links"),
                &[
                    ("name", name),
                    ("description", "Uplink"),
                    ("link_type", "FIBER"),
                    ("bandwidth_down_kbps", "100000"),
                    ("bandwidth_up_kbps", "50000"),
                    ("ip_address", ip),
                    ("circuit_id", "CKT-1"),
                    ("status", "ACTIVE"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "link {name} is created");
        param(&location(&r), "link").expect("link id")
    }
}

pub fn valid_customer_fields() -> Vec<(&'static str, String)> {
    [
        ("customer_type", "LIVE"),
        ("username", "acme01"),
        ("password", "Secret1!x"),
        ("password_confirm", "Secret1!x"),
        ("tariff_id", "1"),
        ("billing_type", "PREPAID"),
        ("payment_term_days", "30"),
        ("credit_limit", "1500.50"),
        ("billing_decimals", "2"),
        ("tax_flag", "VAT"),
        ("max_call_sessions", "10"),
        ("calls_per_second", "5"),
        ("name", "Ann Berg"),
        ("company", "Acme AS"),
        ("email", "ann@acme.example"),
        ("address", "Storgata 1, Oslo"),
        ("phone", "5551234567"),
        ("country", "NO"),
        ("pin", "0150"),
        ("webid", "acme"),
        ("branding_id", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

pub fn set(fields: &mut [(&'static str, String)], key: &str, value: &str) {
    if let Some(f) = fields.iter_mut().find(|(k, _)| *k == key) {
        f.1 = value.to_string();
    }
}
