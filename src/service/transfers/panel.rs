//! What the edit screen's Credit transfers and BPL tasks panels read: the provider's transfer
//! definitions and BPL tasks, and its balance and product types to name what they move.

use crate::db::models::balance::{self, BalanceType};
use crate::db::models::bpl_task::{self, Task};
use crate::db::models::ref_data::{self, RefKind};
use crate::db::models::transfer::{self, Definition};
use crate::db::DbConnection;
use diesel::QueryResult;

/// The provider's definitions and tasks, with the names they refer to.
#[derive(Debug, Clone, Default)]
pub struct Movements {
    pub definitions: Vec<Definition>,
    pub tasks: Vec<Task>,
    pub balance_types: Vec<BalanceType>,
    pub product_types: Vec<(i64, String)>,
}

pub fn movements(conn: &mut DbConnection, provider: i64) -> QueryResult<Movements> {
    Ok(Movements {
        definitions: transfer::list(conn, Some(provider))?,
        tasks: bpl_task::list(conn, Some(provider))?,
        balance_types: balance::types(conn, Some(provider))?,
        product_types: ref_data::options(conn, RefKind::ProductTypes)?,
    })
}
