//! The data tests start from, made the way a user would (through the forms) unless a test needs
//! volume or a state no form reaches: signed-in browsers (admin, an operator of a role, a
//! customer's portal administrator), customers with sites and links, branding profiles,
//! operators, service providers, and a database connection for looking behind the pages.

use super::{location, param, TestApp, CUSTOMER_PASSWORD};

/// The password `operator_browser` and `new_operator` give every operator they make.
pub const OPERATOR_PASSWORD: &str = "Operator-Passw0rd!";

/// A tiny real PNG (1×1 pixel), for branding logos.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A fresh app whose client is signed in as the admin.
pub async fn spawn_admin() -> TestApp {
    let app = super::spawn_app().await;
    app.login_admin().await;
    app
}

/// Form fields as the client posts them.
pub fn pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
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

/// The valid new-customer form of `username` (WebID `username-web`, lower-cased) with
/// `changes` applied to its fields.
pub fn customer_fields(username: &str, changes: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    let mut f = valid_customer_fields();
    set(&mut f, "username", username);
    set(&mut f, "webid", &format!("{}-web", username.to_lowercase()));
    for (k, v) in changes {
        set(&mut f, k, v);
    }
    f
}

/// Two customers, each with a site and a link, made by the admin (who is signed in first).
pub struct TwoCustomers {
    /// Alpha Foods AS (`alpha`), its site Oslo HQ and link FIBER-A (192.0.2.0/30).
    pub a: i64,
    pub sa: i64,
    pub la: i64,
    /// Bravo Energy Ltd (`bravo`), its site Bergen Depot and link FIBER-B (198.51.100.0/30).
    pub b: i64,
    pub sb: i64,
    pub lb: i64,
}

impl TestApp {
    /// Asks for an export that runs in the background: the GET shows the page that confirms it
    /// (no job yet), and that page's POST starts the job.
    pub async fn start_background_export(&self, url: &str) -> reqwest::Response {
        let page = self.get(url).await;
        assert_eq!(page.status().as_u16(), 200, "{url} asks first");
        let html = page.text().await.expect("body");
        assert!(html.contains("data-export-confirm"), "{html}");
        let token = crate::common::csrf_of(&html);
        self.post_with_token(&token, url, &[]).await
    }

    /// Starts a background export of `url` and returns the new job's id.
    pub async fn start_background_export_id(&self, url: &str) -> i64 {
        let r = self.start_background_export(url).await;
        assert_eq!(r.status().as_u16(), 303, "{url} started");
        crate::common::location(&r)
            .trim_start_matches("/exports/")
            .parse::<i64>()
            .expect("the job's id in the location")
    }

    /// A portal administrator's password change at `/c/{webid}/password`.
    pub async fn change_portal_password(
        &self,
        webid: &str,
        current: &str,
        new: &str,
    ) -> reqwest::Response {
        let path = format!("/c/{webid}/password");
        self.post_with_token_of(
            &path,
            &path,
            &[
                ("current_password", current),
                ("password", new),
                ("password_confirm", new),
            ],
        )
        .await
    }

    /// On PostgreSQL, a connection to the server's maintenance database and the name of this
    /// app's database (to cut or lock it); `None` on SQLite.
    pub fn pg_admin(&self) -> Option<(diesel::PgConnection, String)> {
        use diesel::Connection;
        let base = std::env::var("SELFCARE_TEST_PG_URL")
            .ok()
            .filter(|v| !v.is_empty())?;
        let db = self.database_url.rsplit('/').next()?.to_string();
        let conn =
            diesel::PgConnection::establish(&format!("{}/postgres", base.trim_end_matches('/')))
                .expect("the PostgreSQL server's maintenance database");
        Some((conn, db))
    }

    /// A direct connection to the app's database.
    pub fn db(&self) -> selfcare::db::PooledConn {
        let pool = selfcare::db::build_pool(&self.database_url, 1);
        pool.get().expect("connection")
    }

    /// A browser signed in to the portal of the customer made by `create_customer(username…)`.
    pub async fn portal_admin(&self, username: &str) -> TestApp {
        let b = self.another_browser();
        let webid = format!("{}-web", username.to_lowercase());
        let r = b.portal_login(&webid, username, CUSTOMER_PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303, "{username} signs in to {webid}");
        assert_eq!(location(&r), format!("/c/{webid}/"));
        b
    }

    /// Another browser that signed in with these credentials (whether it worked is the
    /// caller's to check).
    pub async fn signed_in_as(&self, username: &str, password: &str) -> TestApp {
        let b = self.another_browser();
        b.login(username, password).await;
        b
    }

    /// A browser signed in as a new operator of `role`.
    pub async fn operator_browser(&self, username: &str, role: &str) -> TestApp {
        self.create_operator(username, OPERATOR_PASSWORD, role);
        let b = self.another_browser();
        assert_eq!(
            b.login(username, OPERATOR_PASSWORD).await.status().as_u16(),
            303
        );
        b
    }

    /// Creates an operator directly through the library, as `selfcare create-operator` would.
    pub fn create_operator(&self, username: &str, password: &str, role: &str) {
        use selfcare::db::models::operator;
        let mut conn = self.db();
        let now = selfcare::db::now();
        operator::insert(
            &mut conn,
            &operator::NewOperator {
                username: username.into(),
                password_hash: selfcare::auth::password::hash(password).expect("hash"),
                role: selfcare::domain::Role::parse(role).expect("a known role"),
                service_provider_id: None,
                disabled: false,
                created_at: now,
                updated_at: now,
            },
        )
        .expect("insert operator");
    }

    /// Creates an operator through the operators page (the admin signed in), with
    /// `OPERATOR_PASSWORD`; returns its id.
    pub async fn new_operator(&self, username: &str, role: &str) -> i64 {
        let r = self
            .post_form(
                "/operators",
                &[
                    ("username", username),
                    ("password", OPERATOR_PASSWORD),
                    ("password_confirm", OPERATOR_PASSWORD),
                    ("role", role),
                    ("service_provider_id", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{username} is created");
        self.operator_id(username).await
    }

    /// The id of the operator named `username`, from the operators page.
    pub async fn operator_id(&self, username: &str) -> i64 {
        let page = self.get_html("/operators").await;
        let marker = format!("\">{username}</a>");
        let end = page.find(&marker).expect("listed");
        let start = page[..end].rfind("/operators/").unwrap() + "/operators/".len();
        page[start..end].parse().unwrap()
    }

    /// A service provider made straight in the database (no page makes one); returns its id.
    pub fn service_provider(&self, name: &str) -> i64 {
        use selfcare::db::models::ref_data;
        let mut conn = self.db();
        ref_data::create_named(&mut conn, ref_data::RefKind::ServiceProviders, name).unwrap()
    }

    /// POSTs the new-customer form of `username` (see `customer_fields`).
    pub async fn post_customer(
        &self,
        username: &str,
        changes: &[(&str, &str)],
    ) -> reqwest::Response {
        let fields = customer_fields(username, changes);
        self.post_form("/customers", &pairs(&fields)).await
    }

    /// Creates customer `username` through the form with `changes`; returns its id.
    pub async fn create_customer_with(&self, username: &str, changes: &[(&str, &str)]) -> i64 {
        let r = self.post_customer(username, changes).await;
        assert_eq!(r.status().as_u16(), 303, "customer {username} is created");
        param(&location(&r), "customer").expect("customer id in location")
    }

    /// Creates a customer through the form; returns its id.
    pub async fn create_customer(&self, username: &str, company: &str) -> i64 {
        self.create_customer_with(username, &[("company", company)])
            .await
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

    /// Signs in as the admin and makes Alpha and Bravo, each with a site and a link.
    pub async fn two_customers(&self) -> TwoCustomers {
        self.login_admin().await;
        let a = self.create_customer("alpha", "Alpha Foods AS").await;
        let b = self.create_customer("bravo", "Bravo Energy Ltd").await;
        let sa = self.create_site(a, "Oslo HQ").await;
        let sb = self.create_site(b, "Bergen Depot").await;
        let la = self.create_link(sa, "FIBER-A", "192.0.2.0/30").await;
        let lb = self.create_link(sb, "FIBER-B", "198.51.100.0/30").await;
        TwoCustomers {
            a,
            sa,
            la,
            b,
            sb,
            lb,
        }
    }

    /// POSTs a new branding profile `name` (displayed as "`name` Portal", footer
    /// "Support: 555 0100") with this colour and, if given, a logo file (file name, bytes).
    pub async fn post_branding(
        &self,
        name: &str,
        color: &str,
        logo: Option<(&str, &[u8])>,
    ) -> reqwest::Response {
        let fields = [
            ("name", name),
            ("display_name", &format!("{name} Portal")[..]),
            ("primary_color", color),
            ("footer_text", "Support: 555 0100"),
        ];
        match logo {
            Some((file, bytes)) => {
                self.post_multipart("/brandings", &fields, &[("logo", file, bytes)])
                    .await
            }
            None => self.post_multipart("/brandings", &fields, &[]).await,
        }
    }

    /// The id of the branding profile named `name`, from the profiles page.
    pub async fn branding_id(&self, name: &str) -> i64 {
        let page = self.get_html("/brandings").await;
        let at = page
            .find(&format!("<td>{name}</td>"))
            .expect("profile listed");
        let marker = "<tr data-id=\"";
        let start = page[..at].rfind(marker).unwrap() + marker.len();
        let end = page[start..].find('"').unwrap() + start;
        page[start..end].parse().unwrap()
    }

    /// Gives customer `c` an IP device at `ip` (asserting it was added).
    pub async fn add_ip_device(&self, c: i64, ip: &str) {
        let r = self
            .post_form(
                &format!("/customers/{c}/ip-devices"),
                &[
                    ("ip_address", ip),
                    ("description", "Office PBX"),
                    ("dial_prefix", "0047"),
                    ("max_call_sessions", "30"),
                    ("calls_per_second", "5"),
                    ("active", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "IP device {ip} is added");
    }
}

/// Wallet money behind the pages (provider 1): balance type and wallet ids, the sum of a
/// balance's buckets, EDRs — what a test asserts did or did not change.
impl TestApp {
    pub fn balance_type_id(&self, code: &str) -> i64 {
        use diesel::prelude::*;
        use selfcare::db::schema::balance_types as t;
        t::table
            .filter(t::service_provider_id.eq(1))
            .filter(t::code.eq(code))
            .select(t::id)
            .first(&mut self.db())
            .expect("balance type")
    }

    pub fn wallet_id(&self, wallet_ref: &str) -> i64 {
        use diesel::prelude::*;
        use selfcare::db::schema::wallets as w;
        w::table
            .filter(w::wallet_ref.eq(wallet_ref))
            .select(w::id)
            .first(&mut self.db())
            .expect("wallet")
    }

    /// The sum of the wallet's buckets of balance type `code` (0 without the balance).
    pub fn stored(&self, wallet: i64, code: &str) -> i64 {
        use diesel::prelude::*;
        use selfcare::db::schema::{
            balance_buckets as k, balance_types as t, wallet_balances as b,
        };
        k::table
            .inner_join(b::table.inner_join(t::table))
            .filter(b::wallet_id.eq(wallet))
            .filter(t::code.eq(code))
            .select(k::value)
            .load::<i64>(&mut self.db())
            .expect("buckets")
            .into_iter()
            .sum()
    }

    /// The types of the wallet's EDRs, oldest first.
    pub fn edr_types_of(&self, wallet: i64) -> Vec<String> {
        use diesel::prelude::*;
        use selfcare::db::schema::edrs as e;
        e::table
            .filter(e::wallet_id.eq(wallet))
            .order(e::id)
            .select(e::edr_type)
            .load(&mut self.db())
            .expect("edrs")
    }

    /// Adds a bucket of `value` (as typed) of balance type `code` to the wallet.
    pub async fn add_bucket(&self, wallet: i64, code: &str, value: &str) {
        let bt = self.balance_type_id(code).to_string();
        let r = self
            .post_form(
                &format!("/wallets/{wallet}/buckets"),
                &[("balance_type_id", &bt), ("value", value)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "bucket of {value} {code} added");
    }
}
