//! Export downloads of every list (`…/export.{csv,txt,xlsx,pdf,xls}`).

pub mod lists;
mod respond;
