//! The customers area: the three-pane page, customer creation, pane saves, lifecycle and
//! deletion.

pub mod columns;
pub mod create;
pub mod delete;
pub mod edit;
pub mod impersonate;
pub mod lifecycle;
pub mod numbers;
pub mod pane_view;
pub mod panes;
pub mod save;
