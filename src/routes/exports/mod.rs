//! Export downloads of every list (`…/export.{csv,txt,xlsx,pdf,xls}`).

pub mod jobs;
pub mod lists;
pub mod respond;
