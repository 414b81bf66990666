//! A customer's own people and what comes with them (issue 14): its administrators (portal
//! sign-ins with a role), its users (a package each, add-ons within the customer's quantities),
//! pending billing changes the customer confirms, and the welcome mail outbox. Operators reach
//! a customer through their scope; the portal through the signed-in customer — `Whose` says
//! which, and `Whose::customer` is the one check both go through.

pub mod admins;
pub mod billing_changes;
pub mod users;
pub mod welcome;

use crate::db::models::customer::Customer;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::service::access::{customer_visible, refuse_if_demo, Scope};

/// Whose customer a request is about.
#[derive(Debug, Clone)]
pub enum Whose {
    /// An operator, limited to `scope`, names the customer by id.
    Operator { scope: Scope, customer_id: i64 },
    /// The portal's own customer (the extractor admitted it).
    Portal(Box<Customer>),
}

impl Whose {
    /// The customer, if the requester may see it (else 404).
    pub fn customer(&self, conn: &mut DbConnection) -> AppResult<Customer> {
        match self {
            Whose::Operator { scope, customer_id } => customer_visible(conn, *scope, *customer_id),
            Whose::Portal(c) => Ok((**c).clone()),
        }
    }

    /// The customer, if the requester may change it: a demo customer is frozen.
    pub fn editable(&self, conn: &mut DbConnection) -> AppResult<Customer> {
        let c = self.customer(conn)?;
        refuse_if_demo(&c)?;
        Ok(c)
    }
}

/// What became of a form.
#[derive(Debug)]
pub enum Changed {
    Done,
    /// Refused: the typed values with a message per field; nothing was saved.
    Invalid(crate::domain::FormState),
}
