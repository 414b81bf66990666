//! Customers as operators change them: create, edit, delete, status and demo conversion,
//! switching to the portal. Compliance screening on create and edit is `service::compliance`'s.

pub mod create;
pub mod delete;
pub mod edit;
pub mod form;
pub mod impersonate;
pub mod lifecycle;

pub use create::{create, CreateOutcome};
pub use delete::delete;
pub use edit::{edit_form, update, EditForm, UpdateOutcome};
pub use form::{choices, Choices, CustomerForm};
pub use impersonate::impersonate;
pub use lifecycle::{convert_to_demo, set_status, DemoOutcome, StatusOutcome};

use crate::db::models::customer::Customer;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::service::access::{customer_visible, refuse_if_demo, Scope};

/// The customer, if it is visible to this operator and may still be changed (not a demo).
#[tracing::instrument(skip(conn))]
pub fn editable(conn: &mut DbConnection, scope: Scope, id: i64) -> AppResult<Customer> {
    let c = customer_visible(conn, scope, id)?;
    refuse_if_demo(&c)?;
    Ok(c)
}
