//! Builds the application: database preparation, shared state, middleware, routes, binding.

use crate::auth::secret_box::SecretBox;
use crate::auth::session_store::DbSessionStore;
use crate::auth::throttle::{LoginThrottle, ThrottlePolicy};
use crate::config::Settings;
use crate::db::models::{operator, reference, settings as app_settings};
use crate::db::{self, DbPool, Engine};
use crate::state::AppState;
use actix_session::config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy};
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::dev::Service;
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, App, HttpServer};
use actix_web_flash_messages::FlashMessagesFramework;
use rand::RngCore;
use std::net::TcpListener;
use std::sync::Arc;

pub struct Application {
    port: u16,
    server: Server,
    jobs: Arc<crate::export::jobs::JobSignal>,
}

/// Stops a running application from outside its task: the background worker at once (waiting
/// briefly for its current step), the server by a command it handles when next polled.
#[derive(Clone)]
pub struct Stopper {
    server: actix_web::dev::ServerHandle,
    jobs: Arc<crate::export::jobs::JobSignal>,
}

impl Stopper {
    pub fn stop(&self) {
        self.jobs.stop(WORKER_STOP_WAIT);
        // The command is sent now; whether anyone awaits the answer does not matter.
        drop(self.server.stop(false));
    }
}

/// How long a stopping application waits for the export worker to finish its current step.
const WORKER_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

impl Application {
    /// Prepares the database, then binds `settings.bind` (port 0 picks a free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        Self::build_with(settings, ThrottlePolicy::default()).await
    }

    pub async fn build_with(
        settings: Settings,
        policy: ThrottlePolicy,
    ) -> anyhow::Result<Application> {
        let s = settings.clone();
        let (pool, key, secrets) = web::block(move || prepare_database(&s)).await??;
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let metrics_allow = crate::domain::AddressList::parse(&settings.metrics_allow)
            .map_err(|e| anyhow::anyhow!("SELFCARE_METRICS_ALLOW: {e}"))?;
        let trusted_proxies = crate::domain::AddressList::parse(&settings.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("SELFCARE_TRUSTED_PROXIES: {e}"))?;
        crate::metrics::install();
        let jobs = Arc::new(crate::export::jobs::JobSignal::default());
        crate::export::jobs::spawn_worker(
            pool.clone(),
            settings.export_dir.clone().into(),
            &jobs,
            crate::export::jobs::WorkerSteps {
                prepare: crate::lists::spec::prepare,
                periodic: periodic_steps(&settings)?,
            },
        )?;
        let state = web::Data::from(Arc::new(AppState {
            pool,
            throttle: LoginThrottle::new(policy),
            engine: Engine::from_url(&settings.database_url),
            jobs: jobs.clone(),
            metrics_allow,
            trusted_proxies,
            https: settings.is_https(),
            time_zone: settings.time_zone.clone(),
            secrets,
            counts: Default::default(),
            writer: match Engine::from_url(&settings.database_url) {
                Engine::Sqlite => Some(crate::db::group_commit::GroupCommit::start(
                    &settings.database_url,
                )?),
                Engine::Postgres => None,
            },
        }));
        let server = run(listener, state, key, &settings)?;
        Ok(Application { port, server, jobs })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn stopper(&self) -> Stopper {
        Stopper {
            server: self.server.handle(),
            jobs: self.jobs.clone(),
        }
    }

    /// Serves until the server stops (SIGTERM/SIGINT or a `Stopper`), then stops the worker.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        let jobs = self.jobs;
        let _ = web::block(move || jobs.stop(WORKER_STOP_WAIT)).await;
        served
    }
}

/// Migrates and seeds the database, makes sure an operator exists, and returns the pool with
/// the cookie key all instances share and the box that seals SIP secrets
/// (`SELFCARE_SECRET_KEY`, else a key generated once and kept in `app_settings`).
pub fn prepare_database(settings: &Settings) -> anyhow::Result<(DbPool, Key, SecretBox)> {
    if Engine::from_url(&settings.database_url) == Engine::Sqlite {
        let path = std::path::Path::new(db::sqlite_path(&settings.database_url));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        }
    }
    let pool = db::build_pool(&settings.database_url, settings.db_pool_size);
    let mut conn = pool.get().map_err(|e| {
        anyhow::anyhow!(
            "cannot open the database {}: {e}",
            redact(&settings.database_url)
        )
    })?;
    let secrets = match &settings.secret_key {
        Some(k) if !k.trim().is_empty() => {
            Some(SecretBox::from_hex(k).map_err(|e| anyhow::anyhow!("SELFCARE_SECRET_KEY: {e}"))?)
        }
        _ => None,
    };
    let (key, secrets) = db::exclusively(&mut conn, &settings.database_url, |conn| {
        db::run_migrations(conn)?;
        reference::seed(conn)?;
        crate::db::models::balance::seed(conn)?;
        app_settings::get_or_insert(conn, "write_lock", "0")?;
        let mut fresh = [0u8; 64];
        rand::thread_rng().fill_bytes(&mut fresh);
        let hex: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
        let stored = app_settings::get_or_insert(conn, "cookie_key", &hex)?;
        let bytes: Vec<u8> = (0..stored.len() / 2)
            .filter_map(|i| u8::from_str_radix(&stored[2 * i..2 * i + 2], 16).ok())
            .collect();
        let key =
            Key::try_from(bytes.as_slice()).map_err(|e| anyhow::anyhow!("cookie key: {e}"))?;
        ensure_admin(conn, settings)?;
        let secrets = match secrets {
            Some(b) => b,
            None => {
                let stored = app_settings::get_or_insert(
                    conn,
                    "sip_secret_key",
                    &crate::auth::secret_box::generate_key_hex(),
                )?;
                SecretBox::from_hex(&stored)
                    .map_err(|e| anyhow::anyhow!("the stored sip_secret_key: {e}"))?
            }
        };
        Ok((key, secrets))
    })?;
    Ok((pool, key, secrets))
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    }
}

/// First run: create `admin` with `SELFCARE_ADMIN_PASSWORD`, or a generated password printed once.
fn ensure_admin(conn: &mut db::DbConnection, settings: &Settings) -> anyhow::Result<()> {
    if operator::count(conn)? > 0 {
        return Ok(());
    }
    let (password, generated) = match &settings.admin_password {
        Some(p) if !p.is_empty() => (p.clone(), false),
        _ => (crate::cli::generate_password(), true),
    };
    let now = db::now();
    operator::insert(
        conn,
        &operator::NewOperator {
            username: "admin".into(),
            password_hash: crate::auth::password::hash(&password)?,
            role: crate::domain::Role::Admin,
            service_provider_id: None,
            disabled: false,
            created_at: now,
            updated_at: now,
        },
    )?;
    if generated {
        println!("First run: created operator \"admin\" with password: {password}");
        println!("(shown once; set SELFCARE_ADMIN_PASSWORD to choose it yourself)");
    } else {
        println!(
            "First run: created operator \"admin\" with the password from SELFCARE_ADMIN_PASSWORD"
        );
    }
    Ok(())
}

fn security_headers(https: bool) -> DefaultHeaders {
    let mut h = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cache-Control", "no-store"));
    if https {
        h = h.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ));
    }
    h
}

/// How long an idle client connection is kept open. Longer than a reverse proxy keeps its idle
/// upstream connections (nginx: 60 s), so the proxy never sends a request on a connection this
/// server is closing at the same moment (a POST would get a 502). actix's default is 5 s.
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(75);

fn run(
    listener: TcpListener,
    state: web::Data<AppState>,
    key: Key,
    settings: &Settings,
) -> anyhow::Result<Server> {
    let https = settings.is_https();
    let store = DbSessionStore::new(state.pool.clone());
    let workers = settings.workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let server = HttpServer::new(move || {
        let sessions = SessionMiddleware::builder(store.clone(), key.clone())
            .cookie_name("selfcare_session".into())
            .cookie_secure(https)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .cookie_content_security(CookieContentSecurity::Private)
            .session_lifecycle(
                BrowserSession::default()
                    .state_ttl(actix_web::cookie::time::Duration::seconds(
                        crate::auth::session_keys::ABSOLUTE_TIMEOUT_SECS,
                    ))
                    .state_ttl_extension_policy(TtlExtensionPolicy::OnStateChanges),
            )
            .build();
        let flash = FlashMessagesFramework::builder(
            crate::routes::flash_store::FlashCookieStore::new(key.clone(), https),
        )
        .build();
        App::new()
            .wrap(sessions)
            .wrap(flash)
            .wrap_fn(|req, srv| {
                // Errors of the session middleware come back as Err, not as a response: give
                // them the proper page too.
                let fut = srv.call(req);
                async move { fut.await.map_err(crate::error::translate_middleware_error) }
            })
            .wrap(actix_web::middleware::from_fn(
                crate::routes::input_guard::refuse_control_characters,
            ))
            .wrap(security_headers(https))
            .wrap(actix_web::middleware::from_fn(
                crate::routes::observe::observe,
            ))
            .app_data(state.clone())
            .app_data(crate::routes::form_config())
            .app_data(crate::routes::query_config())
            .app_data(crate::routes::path_config())
            .configure(crate::api::configure)
            .configure(crate::routes::configure)
    })
    .workers(workers)
    .keep_alive(KEEP_ALIVE)
    .listen(listener)?
    .run();
    Ok(server)
}

/// The worker's periodic work: the service's steps, and the mail outbox sent through SMTP when
/// `SELFCARE_SMTP_URL` is set.
fn periodic_steps(settings: &Settings) -> anyhow::Result<crate::export::jobs::Periodic> {
    let mailer = match &settings.smtp_url {
        Some(url) if !url.trim().is_empty() => Some(crate::mail::Mailer::new(
            url,
            &settings.mail_from,
            &settings.public_url(),
        )?),
        _ => None,
    };
    Ok(Arc::new(move |conn: &mut crate::db::DbConnection| {
        let done = crate::service::periodic::run(conn);
        match &mailer {
            Some(m) => {
                done + crate::service::customer_users::welcome::send_queued(
                    conn,
                    &|to, subject, body| m.send(to, subject, body),
                )
            }
            None => done,
        }
    }))
}
