//! Settings from the environment (and flags): the CLI and what the server needs to start.

use crate::domain::Zone;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "selfcare",
    version,
    about = "Selfcare portal for service providers"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    /// What to log: a level (`info`, `warn`, `debug`) or per-module directives
    /// (`selfcare=debug,actix_web=info`).
    #[arg(long = "log", env = "RUST_LOG", default_value = "info", global = true)]
    pub log: String,
    /// `text` (default) or `json` (one JSON object a line, for log collectors).
    #[arg(long, env = "SELFCARE_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"], global = true)]
    pub log_format: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web portal (the default).
    Serve,
    /// Create an operator account; the password is read from stdin or asked for.
    CreateOperator {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "operator")]
        role: String,
    },
    /// Write a consistent copy of the SQLite database to FILE while the portal keeps serving.
    Backup {
        #[arg(long, value_name = "FILE")]
        to: std::path::PathBuf,
    },
    /// Replace the SQLite database with the backup FILE (stop the portal first).
    Restore {
        #[arg(long, value_name = "FILE")]
        from: std::path::PathBuf,
    },
    /// Fill the database with realistic generated customers, sites and links.
    DemoData {
        #[arg(long, default_value_t = 100)]
        customers: u64,
        #[arg(long, default_value_t = 0)]
        subscribers: u64,
        /// Seed of the generator, so two runs make the same data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database URL: `sqlite://path` (default) or `postgres://…`. Its value is never printed
    /// here: a PostgreSQL URL may hold a password.
    #[arg(
        long,
        env = "DATABASE_URL",
        hide_env_values = true,
        default_value = DEFAULT_DATABASE_URL
    )]
    pub database_url: String,
    /// Address to listen on.
    #[arg(long, env = "SELFCARE_BIND", default_value = DEFAULT_BIND)]
    pub bind: String,
    /// Public URL of the portal; `https://…` makes cookies Secure and sends HSTS.
    #[arg(long, env = "SELFCARE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Password of the first `admin` operator (generated and printed once when absent).
    #[arg(long, env = "SELFCARE_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Database connections per instance.
    #[arg(long, env = "SELFCARE_DB_POOL", default_value_t = 16)]
    pub db_pool_size: u32,
    /// Where background exports are kept (shared storage when several instances run).
    #[arg(long, env = "SELFCARE_EXPORT_DIR", default_value = DEFAULT_EXPORT_DIR)]
    pub export_dir: String,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "SELFCARE_WORKERS")]
    pub workers: Option<usize>,
    /// Folder for the SQLite database and background exports when `DATABASE_URL` /
    /// `SELFCARE_EXPORT_DIR` are not set (default: systemd's `STATE_DIRECTORY`, else `data`
    /// under the working directory).
    #[arg(long, env = "SELFCARE_DATA_DIR")]
    pub data_dir: Option<String>,
    /// Addresses and networks that may read `/metrics` (comma-separated, CIDR allowed).
    #[arg(long, env = "SELFCARE_METRICS_ALLOW", default_value = DEFAULT_METRICS_ALLOW)]
    pub metrics_allow: String,
    /// Reverse proxies (comma-separated addresses or CIDR networks) whose `X-Forwarded-For` gives
    /// the client's address for sign-in throttling and logs; from anyone else the header is
    /// ignored. Empty (the default): no proxy is trusted.
    #[arg(long, env = "SELFCARE_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Time zone times are shown in (an IANA name, e.g. `Europe/Paris`) to operators without a
    /// zone of their own and in customers' portals; an unknown name stops the start.
    #[arg(long, env = "SELFCARE_TIME_ZONE", default_value = "UTC", value_parser = server_zone)]
    pub time_zone: Zone,
    /// Key that seals SIP device secrets at rest: 64 hex digits (32 bytes; e.g. `openssl rand
    /// -hex 32`). Unset: a key is generated once and kept in the database's settings, which
    /// then holds both the key and what it seals — set it in production. Never printed.
    #[arg(long, env = "SELFCARE_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// SMTP server the mail outbox (welcome mails) is sent through: `smtp://host:25` (plain, a
    /// local relay), `smtp://host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465`.
    /// Unset: mail stays in the outbox, readable by operators. Never printed (may hold a
    /// password).
    #[arg(long, env = "SELFCARE_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of outgoing mail.
    #[arg(
        long,
        env = "SELFCARE_MAIL_FROM",
        default_value = "Selfcare <selfcare@localhost>"
    )]
    pub mail_from: String,
}

/// The server's zone from its setting; the message says which setting to fix.
fn server_zone(value: &str) -> Result<Zone, String> {
    Zone::parse(value).map_err(|e| {
        format!("{e} Set SELFCARE_TIME_ZONE to an IANA name, or leave it unset for UTC.")
    })
}

const DEFAULT_DATABASE_URL: &str = "sqlite://data/selfcare.db";
const DEFAULT_BIND: &str = "127.0.0.1:8080";
const DEFAULT_EXPORT_DIR: &str = "data/exports";
const DEFAULT_METRICS_ALLOW: &str = "127.0.0.1,::1";

/// The settings a start without flags or environment gets (tests override what they need).
impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: DEFAULT_DATABASE_URL.into(),
            bind: DEFAULT_BIND.into(),
            public_url: None,
            admin_password: None,
            db_pool_size: 16,
            export_dir: DEFAULT_EXPORT_DIR.into(),
            workers: None,
            data_dir: None,
            metrics_allow: DEFAULT_METRICS_ALLOW.into(),
            trusted_proxies: String::new(),
            time_zone: Zone::utc(),
            secret_key: None,
            smtp_url: None,
            mail_from: "Selfcare <selfcare@localhost>".into(),
        }
    }
}

impl Settings {
    /// Puts the database and exports under the data directory when they were left at their
    /// defaults, so a service does not depend on the folder it was started from.
    pub fn with_data_dir(mut self) -> Settings {
        let dir = self
            .data_dir
            .clone()
            .or_else(|| std::env::var("STATE_DIRECTORY").ok())
            .filter(|d| !d.trim().is_empty());
        if let Some(dir) = dir {
            let dir = dir.trim_end_matches('/');
            if self.database_url == DEFAULT_DATABASE_URL {
                self.database_url = format!("sqlite://{dir}/selfcare.db");
            }
            if self.export_dir == DEFAULT_EXPORT_DIR {
                self.export_dir = format!("{dir}/exports");
            }
        }
        self
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
    }
    pub fn is_https(&self) -> bool {
        self.public_url().starts_with("https://")
    }
}
