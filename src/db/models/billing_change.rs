//! `billing_changes`: operators' changes of a customer's package and add-on quantities that
//! wait for the customer's answer (when its PBX settings say so). A change is decided once:
//! the decision is a conditional UPDATE on `status = 'pending'`.

use crate::db::schema::billing_changes;
use crate::db::DbConnection;
use diesel::prelude::*;
use serde::Serialize;

crate::domain::choice!(
    /// Where a billing change stands.
    ChangeStatus, "Choose a status from the list.", [
        Pending => "pending", "Waiting for the customer";
        Accepted => "accepted", "Accepted";
        Declined => "declined", "Declined";
        Superseded => "superseded", "Replaced by a newer change";
    ]
);

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = billing_changes)]
pub struct BillingChange {
    pub id: i64,
    pub customer_id: i64,
    /// JSON `[[package_id, quantity], …]`: the wanted quantities (absent = 0).
    pub quantities: String,
    #[diesel(deserialize_as = String)]
    pub status: ChangeStatus,
    pub requested_by: String,
    pub decided_by: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

impl BillingChange {
    /// The wanted `(package id, quantity)` pairs; a malformed row wants nothing.
    pub fn wanted(&self) -> Vec<(i64, i64)> {
        serde_json::from_str(&self.quantities).unwrap_or_default()
    }
}

pub fn insert(
    conn: &mut DbConnection,
    customer_id: i64,
    wanted: &[(i64, i64)],
    requested_by: &str,
) -> QueryResult<BillingChange> {
    let quantities = serde_json::to_string(wanted).unwrap_or_else(|_| "[]".into());
    let id: i64 = diesel::insert_into(billing_changes::table)
        .values((
            billing_changes::customer_id.eq(customer_id),
            billing_changes::quantities.eq(quantities),
            billing_changes::status.eq(ChangeStatus::Pending.code()),
            billing_changes::requested_by.eq(requested_by),
            billing_changes::created_at.eq(crate::db::now()),
        ))
        .returning(billing_changes::id)
        .get_result(conn)?;
    billing_changes::table
        .find(id)
        .select(BillingChange::as_select())
        .first(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<BillingChange>> {
    billing_changes::table
        .find(id)
        .select(BillingChange::as_select())
        .first(conn)
        .optional()
}

/// The customer's changes, newest first (at most `limit`).
pub fn list(
    conn: &mut DbConnection,
    customer_id: i64,
    limit: i64,
) -> QueryResult<Vec<BillingChange>> {
    billing_changes::table
        .filter(billing_changes::customer_id.eq(customer_id))
        .order(billing_changes::id.desc())
        .limit(limit)
        .select(BillingChange::as_select())
        .load(conn)
}

/// Marks the customer's pending changes superseded (a newer one replaces them).
pub fn supersede_pending(conn: &mut DbConnection, customer_id: i64) -> QueryResult<usize> {
    diesel::update(
        billing_changes::table
            .filter(billing_changes::customer_id.eq(customer_id))
            .filter(billing_changes::status.eq(ChangeStatus::Pending.code())),
    )
    .set((
        billing_changes::status.eq(ChangeStatus::Superseded.code()),
        billing_changes::decided_at.eq(crate::db::now()),
    ))
    .execute(conn)
}

/// Decides a pending change; returns whether it was still pending (only one decision counts).
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    status: ChangeStatus,
    decided_by: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        billing_changes::table
            .find(id)
            .filter(billing_changes::status.eq(ChangeStatus::Pending.code())),
    )
    .set((
        billing_changes::status.eq(status.code()),
        billing_changes::decided_by.eq(decided_by),
        billing_changes::decided_at.eq(crate::db::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
