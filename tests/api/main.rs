//! Integration tests over real HTTP: one binary, one module per area.

#[path = "../common/mod.rs"]
mod common;

mod audit;
mod authz;
mod backup;
mod brandings;
mod charging;
mod cli;
mod compliance;
mod customers_create;
mod customers_edit;
mod database;
mod delete;
mod export_jobs;
mod exports;
mod fuzz;
mod hardening;
mod health_and_errors;
mod history;
mod history_accounts;
mod lifecycle;
mod login;
mod numbers;
mod operations;
mod operators;
mod panes;
mod portal;
mod save;
mod scale_out;
mod sites_links;
mod subscriber_support;
mod subscribers_create;
mod subscribers_edit;
mod subscribers_export;
mod subscribers_panels;
mod subscribers_reference;
mod subscribers_search;
mod throttle;
mod time_zones;
mod wallet_money;
