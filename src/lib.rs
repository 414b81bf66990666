//! Selfcare: the service provider's portal for customers, sites, access links and subscribers.

pub mod api; // the JSON API (charging), its OpenAPI document and docs page
pub mod auth; // sessions, passwords, throttling, CSRF, guards
pub mod cli; // commands besides `serve`: create-operator, demo-data
pub mod config; // settings and the command line
pub mod db; // connection over SQLite/PostgreSQL, pool, migrations, models
pub mod domain; // validated values
pub mod error; // AppError -> HTTP
pub mod export; // lists -> CSV / TXT / XLSX / PDF / XLS
pub mod format; // how values are shown: times, dates, audit changes in words
pub mod lists; // each list declared once: columns, sorts, filters, keyset source
pub mod mail; // the mail outbox sent through SMTP when configured
pub mod memory; // freed memory back to the system after a burst
pub mod metrics; // Prometheus recorder: requests, latency, pool, export jobs, sign-in failures
pub mod routes; // HTTP handlers and their page structs, one module per area
pub mod service; // use cases: transaction, rules, audit event, typed outcome
pub mod startup; // building and binding the application
pub mod state; // AppState and the blocking-pool helper every layer may use
pub mod telemetry; // logging
