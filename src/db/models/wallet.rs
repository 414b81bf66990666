//! `wallets` and `subscriber_wallets`: a wallet, who holds it (primary or secondary), creation,
//! version-checked updates, product swaps to bill, and removal of wallets nobody holds.

use super::WalletId;
use crate::db::schema::{subscriber_wallets, wallet_product_swaps, wallets};
use crate::db::DbConnection;
use crate::domain::subscriber::{LimitType, WalletState, WalletType};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = wallets)]
pub struct Wallet {
    pub id: i64,
    pub service_provider_id: i64,
    pub wallet_ref: String,
    pub charging_domain_id: i64,
    pub product_type_id: i64,
    pub currency_id: i64,
    pub display_currency_id: i64,
    pub customer_id: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub limit_type: LimitType,
    pub min_credit_minor: Option<i64>,
    pub max_concurrent: i32,
    #[diesel(deserialize_as = String)]
    pub state: WalletState,
    pub expires_at: Option<i64>,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = wallets)]
pub struct NewWallet {
    pub service_provider_id: i64,
    pub wallet_ref: String,
    pub charging_domain_id: i64,
    pub product_type_id: i64,
    pub currency_id: i64,
    pub display_currency_id: i64,
    pub customer_id: Option<i64>,
    #[diesel(serialize_as = String)]
    pub limit_type: LimitType,
    pub min_credit_minor: Option<i64>,
    pub max_concurrent: i32,
    #[diesel(serialize_as = String)]
    pub state: WalletState,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What the edit screen changes on a wallet.
#[derive(Debug, Clone, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = wallets, treat_none_as_null = true)]
pub struct WalletUpdate {
    pub product_type_id: i64,
    #[diesel(serialize_as = String)]
    pub state: WalletState,
    pub expires_at: Option<i64>,
    pub currency_id: i64,
    pub max_concurrent: i32,
    pub customer_id: Option<i64>,
}

impl WalletUpdate {
    pub fn from_row(w: &Wallet) -> WalletUpdate {
        WalletUpdate {
            product_type_id: w.product_type_id,
            state: w.state,
            expires_at: w.expires_at,
            currency_id: w.currency_id,
            max_concurrent: w.max_concurrent,
            customer_id: w.customer_id,
        }
    }
}

/// A wallet as one subscriber holds it.
#[derive(Debug, Clone, Serialize)]
pub struct HeldWallet {
    pub wallet_type: WalletType,
    pub wallet: Wallet,
    /// How many subscribers hold it (more than one: shared).
    pub holders: i64,
}

pub fn insert(conn: &mut DbConnection, new: &NewWallet) -> QueryResult<Wallet> {
    let id: i64 = diesel::insert_into(wallets::table)
        .values(new.clone())
        .returning(wallets::id)
        .get_result(conn)?;
    wallets::table
        .find(id)
        .select(Wallet::as_select())
        .first(conn)
}

pub fn find(conn: &mut DbConnection, id: WalletId) -> QueryResult<Option<Wallet>> {
    wallets::table
        .find(id.0)
        .select(Wallet::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_ref(
    conn: &mut DbConnection,
    service_provider_id: i64,
    wallet_ref: &str,
) -> QueryResult<Option<Wallet>> {
    wallets::table
        .filter(wallets::service_provider_id.eq(service_provider_id))
        .filter(wallets::wallet_ref.eq(wallet_ref))
        .select(Wallet::as_select())
        .first(conn)
        .optional()
}

/// The wallet, held for the rest of the write transaction: PostgreSQL locks its row
/// (`SELECT … FOR NO KEY UPDATE`, the lock `balance::lock_wallet`'s update takes, so inserts
/// that only reference the wallet are not held up); SQLite's write transaction holds the whole
/// database already. One statement where a lock and a read were two.
pub fn lock(conn: &mut DbConnection, id: WalletId) -> QueryResult<Option<Wallet>> {
    let q = wallets::table.find(id.0);
    match conn {
        DbConnection::Postgresql(c) => q
            .select(Wallet::as_select())
            .for_no_key_update()
            .first(c)
            .optional(),
        DbConnection::Sqlite(c) => q.select(Wallet::as_select()).first(c).optional(),
    }
}

/// The provider's wallet `wallet_ref`, held as by `lock`.
pub fn lock_by_ref(
    conn: &mut DbConnection,
    service_provider_id: i64,
    wallet_ref: &str,
) -> QueryResult<Option<Wallet>> {
    let q = wallets::table
        .filter(wallets::service_provider_id.eq(service_provider_id))
        .filter(wallets::wallet_ref.eq(wallet_ref));
    match conn {
        DbConnection::Postgresql(c) => q
            .select(Wallet::as_select())
            .for_no_key_update()
            .first(c)
            .optional(),
        DbConnection::Sqlite(c) => q.select(Wallet::as_select()).first(c).optional(),
    }
}

/// The wallets a subscriber holds, primary first.
pub fn held_by(conn: &mut DbConnection, subscriber_id: i64) -> QueryResult<Vec<HeldWallet>> {
    let rows: Vec<(String, Wallet)> = subscriber_wallets::table
        .inner_join(wallets::table)
        .filter(subscriber_wallets::subscriber_id.eq(subscriber_id))
        .order(subscriber_wallets::wallet_type)
        .select((subscriber_wallets::wallet_type, Wallet::as_select()))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (wallet_type, wallet) in rows {
        let wallet_type = WalletType::try_from(wallet_type)
            .map_err(|e| diesel::result::Error::DeserializationError(e.into()))?;
        let holders = holders(conn, wallet.id)?;
        out.push(HeldWallet {
            wallet_type,
            wallet,
            holders,
        });
    }
    Ok(out)
}

pub fn holders(conn: &mut DbConnection, wallet_id: i64) -> QueryResult<i64> {
    subscriber_wallets::table
        .filter(subscriber_wallets::wallet_id.eq(wallet_id))
        .count()
        .get_result(conn)
}

/// The subscribers holding a wallet, lowest id first.
pub fn holder_ids(conn: &mut DbConnection, wallet_id: i64) -> QueryResult<Vec<i64>> {
    crate::on_engine!(conn, |c| subscriber_wallets::table
        .filter(subscriber_wallets::wallet_id.eq(wallet_id))
        .order(subscriber_wallets::subscriber_id)
        .select(subscriber_wallets::subscriber_id)
        .load(c))
}

pub fn link(
    conn: &mut DbConnection,
    subscriber_id: i64,
    wallet_type: WalletType,
    wallet_id: i64,
) -> QueryResult<usize> {
    diesel::insert_into(subscriber_wallets::table)
        .values((
            subscriber_wallets::subscriber_id.eq(subscriber_id),
            subscriber_wallets::wallet_type.eq(wallet_type.code()),
            subscriber_wallets::wallet_id.eq(wallet_id),
            subscriber_wallets::created_at.eq(crate::db::now()),
        ))
        .execute(conn)
}

/// Writes the changes if the wallet still has `version`; `None` when someone saved in between.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    changes: &WalletUpdate,
) -> QueryResult<Option<Wallet>> {
    let n = diesel::update(
        wallets::table
            .filter(wallets::id.eq(id))
            .filter(wallets::version.eq(version)),
    )
    .set((
        changes.clone(),
        wallets::version.eq(version.saturating_add(1)),
        wallets::updated_at.eq(crate::db::now()),
    ))
    .execute(conn)?;
    if n == 1 {
        find(conn, WalletId(id))
    } else {
        Ok(None)
    }
}

/// Records a product type change that is to be billed (or explicitly not).
pub fn record_product_swap(
    conn: &mut DbConnection,
    wallet_id: i64,
    from: i64,
    to: i64,
    billed: bool,
    actor: &str,
) -> QueryResult<usize> {
    diesel::insert_into(wallet_product_swaps::table)
        .values((
            wallet_product_swaps::wallet_id.eq(wallet_id),
            wallet_product_swaps::from_product_type_id.eq(from),
            wallet_product_swaps::to_product_type_id.eq(to),
            wallet_product_swaps::billed.eq(billed),
            wallet_product_swaps::actor.eq(actor),
            wallet_product_swaps::at.eq(crate::db::now()),
        ))
        .execute(conn)
}

/// Product swaps recorded for a wallet: (from, to, billed), oldest first.
pub fn product_swaps(
    conn: &mut DbConnection,
    wallet_id: i64,
) -> QueryResult<Vec<(i64, i64, bool)>> {
    wallet_product_swaps::table
        .filter(wallet_product_swaps::wallet_id.eq(wallet_id))
        .order(wallet_product_swaps::id)
        .select((
            wallet_product_swaps::from_product_type_id,
            wallet_product_swaps::to_product_type_id,
            wallet_product_swaps::billed,
        ))
        .load(conn)
}

/// Deletes the wallet if no subscriber holds it any more; returns whether it did.
pub fn delete_if_unheld(conn: &mut DbConnection, wallet_id: i64) -> QueryResult<bool> {
    if holders(conn, wallet_id)? > 0 {
        return Ok(false);
    }
    Ok(diesel::delete(wallets::table.find(wallet_id)).execute(conn)? == 1)
}

pub fn ref_taken(
    conn: &mut DbConnection,
    service_provider_id: i64,
    wallet_ref: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        wallets::table
            .filter(wallets::service_provider_id.eq(service_provider_id))
            .filter(wallets::wallet_ref.eq(wallet_ref)),
    ))
    .get_result(conn)
}

/// The customer a wallet belongs to, as the wallet screens name it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct WalletCustomer {
    pub id: i64,
    pub account_code: String,
    pub company: String,
}

/// The provider's customer with this account code.
pub fn customer_by_account(
    conn: &mut DbConnection,
    service_provider_id: i64,
    account_code: &str,
) -> QueryResult<Option<WalletCustomer>> {
    use crate::db::schema::customers;
    customers::table
        .filter(customers::service_provider_id.eq(service_provider_id))
        .filter(customers::account_code.eq(account_code))
        .select((customers::id, customers::account_code, customers::company))
        .first(conn)
        .optional()
}

pub fn customer_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<WalletCustomer>> {
    use crate::db::schema::customers;
    customers::table
        .find(id)
        .select((customers::id, customers::account_code, customers::company))
        .first(conn)
        .optional()
}

/// Moves the wallet's version on (a money change: screens opened before it are stale now).
pub fn bump_version(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::update(wallets::table.find(id))
        .set((
            wallets::version.eq(wallets::version + 1),
            wallets::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)
}

/// Sets the state and expiry of a wallet a merge or an activation changed, moving its version on.
pub fn set_state_and_expiry(
    conn: &mut DbConnection,
    id: i64,
    state: WalletState,
    expires_at: Option<i64>,
) -> QueryResult<usize> {
    diesel::update(wallets::table.find(id))
        .set((
            wallets::state.eq(state.code()),
            wallets::expires_at.eq(expires_at),
            wallets::version.eq(wallets::version + 1),
            wallets::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)
}

/// After a merge: whoever held wallet `from` holds wallet `to` instead (under the same wallet
/// type); a holder of both keeps only its link to `to`. Then `from` is deleted.
pub fn fold_into(conn: &mut DbConnection, from: i64, to: i64) -> QueryResult<()> {
    let to_holders = holder_ids(conn, to)?;
    diesel::delete(
        subscriber_wallets::table
            .filter(subscriber_wallets::wallet_id.eq(from))
            .filter(subscriber_wallets::subscriber_id.eq_any(&to_holders)),
    )
    .execute(conn)?;
    diesel::update(subscriber_wallets::table.filter(subscriber_wallets::wallet_id.eq(from)))
        .set(subscriber_wallets::wallet_id.eq(to))
        .execute(conn)?;
    diesel::delete(wallets::table.find(from)).execute(conn)?;
    Ok(())
}

/// `(wallet id, wallet type)` of each wallet the subscriber holds.
pub fn types_of_subscriber(
    conn: &mut DbConnection,
    subscriber_id: i64,
) -> QueryResult<Vec<(i64, String)>> {
    subscriber_wallets::table
        .filter(subscriber_wallets::subscriber_id.eq(subscriber_id))
        .select((
            subscriber_wallets::wallet_id,
            subscriber_wallets::wallet_type,
        ))
        .load(conn)
}
