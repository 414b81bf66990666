//! Integration tests over real HTTP: one binary, one module per area.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod customers_create;
mod database;
mod delete;
mod export_jobs;
mod exports;
mod health_and_errors;
mod login;
mod panes;
mod save;
mod sites_links;
mod subscriber_support;
mod subscribers_create;
mod subscribers_edit;
mod subscribers_export;
mod subscribers_panels;
mod subscribers_reference;
mod subscribers_search;
