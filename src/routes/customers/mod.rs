//! The customers area: the three-pane page, customer creation, pane saves and deletion.

pub mod columns;
pub mod create;
pub mod delete;
pub mod pane_view;
pub mod panes;
pub mod save;
