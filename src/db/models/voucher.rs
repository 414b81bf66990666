//! `voucher_recharge_attempts`: every voucher recharge attempt of a subscriber, the record that
//! three failures in a row blacklist it. The rule and its audit event are the service's
//! (`service::subscribers::recharge`); here are only the queries.

use crate::db::schema::voucher_recharge_attempts;
use crate::db::DbConnection;
use diesel::prelude::*;

/// Stores one attempt, now.
pub fn insert_attempt(
    conn: &mut DbConnection,
    subscriber_id: i64,
    voucher: &str,
    succeeded: bool,
) -> QueryResult<()> {
    diesel::insert_into(voucher_recharge_attempts::table)
        .values((
            voucher_recharge_attempts::subscriber_id.eq(subscriber_id),
            voucher_recharge_attempts::at.eq(crate::db::now()),
            voucher_recharge_attempts::succeeded.eq(succeeded),
            voucher_recharge_attempts::voucher.eq(voucher),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether each of the subscriber's latest `n` attempts succeeded, newest first.
pub fn latest_outcomes(
    conn: &mut DbConnection,
    subscriber_id: i64,
    n: usize,
) -> QueryResult<Vec<bool>> {
    voucher_recharge_attempts::table
        .filter(voucher_recharge_attempts::subscriber_id.eq(subscriber_id))
        .order(voucher_recharge_attempts::id.desc())
        .select(voucher_recharge_attempts::succeeded)
        .limit(n as i64)
        .load(conn)
}

/// A batch of vouchers: what each is worth, on which balance type, until when.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = crate::db::schema::voucher_batches)]
pub struct VoucherBatch {
    pub id: i64,
    pub service_provider_id: i64,
    pub balance_type_id: i64,
    pub value: i64,
    /// The voucher is void from this instant (the end of the validity date).
    pub expires_at: i64,
    pub count: i32,
    pub created_by: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = crate::db::schema::voucher_batches)]
pub struct NewVoucherBatch {
    pub service_provider_id: i64,
    pub balance_type_id: i64,
    pub value: i64,
    pub expires_at: i64,
    pub count: i32,
    pub created_by: String,
    pub created_at: i64,
}

/// One voucher: its number only as a keyed hash, its serial in clear.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::vouchers)]
pub struct Voucher {
    pub id: i64,
    pub batch_id: i64,
    pub serial_number: String,
    pub used_at: Option<i64>,
}

pub fn insert_batch(conn: &mut DbConnection, new: &NewVoucherBatch) -> QueryResult<VoucherBatch> {
    use crate::db::schema::voucher_batches;
    let id: i64 = diesel::insert_into(voucher_batches::table)
        .values(new.clone())
        .returning(voucher_batches::id)
        .get_result(conn)?;
    voucher_batches::table
        .find(id)
        .select(VoucherBatch::as_select())
        .first(conn)
}

/// Stores the vouchers of a batch: `(number hash, serial)` pairs, one statement each (inside
/// the batch's transaction; diesel's multi-row insert does not reach SQLite through the
/// connection enum).
pub fn insert_vouchers(
    conn: &mut DbConnection,
    batch_id: i64,
    vouchers: &[(String, String)],
) -> QueryResult<()> {
    use crate::db::schema::vouchers;
    for (hash, serial) in vouchers {
        diesel::insert_into(vouchers::table)
            .values((
                vouchers::batch_id.eq(batch_id),
                vouchers::number_hash.eq(hash.as_str()),
                vouchers::serial_number.eq(serial.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The batches of one provider (`None`: of all), newest first, each with how many of its
/// vouchers are used.
pub fn batches(
    conn: &mut DbConnection,
    provider: Option<i64>,
) -> QueryResult<Vec<(VoucherBatch, i64)>> {
    use crate::db::schema::{voucher_batches, vouchers};
    let mut q = voucher_batches::table
        .select(VoucherBatch::as_select())
        .order(voucher_batches::id.desc())
        .into_boxed();
    if let Some(p) = provider {
        q = q.filter(voucher_batches::service_provider_id.eq(p));
    }
    let list: Vec<VoucherBatch> = q.load(conn)?;
    let ids: Vec<i64> = list.iter().map(|b| b.id).collect();
    let used: Vec<(i64, i64)> = vouchers::table
        .filter(vouchers::batch_id.eq_any(&ids))
        .filter(vouchers::used_at.is_not_null())
        .group_by(vouchers::batch_id)
        .select((vouchers::batch_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(list
        .into_iter()
        .map(|b| {
            let n = used.iter().find(|u| u.0 == b.id).map_or(0, |u| u.1);
            (b, n)
        })
        .collect())
}

/// The voucher whose number has this hash, with its batch.
pub fn find_by_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> QueryResult<Option<(Voucher, VoucherBatch)>> {
    use crate::db::schema::{voucher_batches, vouchers};
    vouchers::table
        .inner_join(voucher_batches::table)
        .filter(vouchers::number_hash.eq(hash))
        .select((Voucher::as_select(), VoucherBatch::as_select()))
        .first(conn)
        .optional()
}

/// Marks the voucher used by `wallet_id`, unless it is used already (then `false`): of two
/// recharges racing with one voucher, only one gets `true`.
pub fn mark_used(conn: &mut DbConnection, id: i64, wallet_id: i64, at: i64) -> QueryResult<bool> {
    use crate::db::schema::vouchers;
    let n = diesel::update(
        vouchers::table
            .filter(vouchers::id.eq(id))
            .filter(vouchers::used_at.is_null()),
    )
    .set((
        vouchers::used_at.eq(at),
        vouchers::used_wallet_id.eq(wallet_id),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Notes the EDR of the recharge that used the voucher.
pub fn set_used_edr(conn: &mut DbConnection, id: i64, edr_id: i64) -> QueryResult<()> {
    use crate::db::schema::vouchers;
    diesel::update(vouchers::table.find(id))
        .set(vouchers::used_edr_id.eq(edr_id))
        .execute(conn)?;
    Ok(())
}
