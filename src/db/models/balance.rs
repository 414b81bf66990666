//! `balance_types`, `wallet_balances`, `balance_buckets` and the adjustment limits: balance
//! types per provider (each provider has a default general cash one), a wallet's balances and
//! their buckets, and the limits of product types and operators.

use super::{OperatorId, WalletId};
use crate::db::prepared::prepared;
use crate::db::schema::{
    activation_bonuses, balance_buckets, balance_types, operator_limits, product_type_limits,
    service_providers, wallet_balances, wallets,
};
use crate::db::DbConnection;
use crate::domain::balance::{BucketDates, Category, MaxPolicy, DEFAULT_CODE, DEFAULT_NAME};
use crate::domain::{Amount, Unit};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = balance_types)]
pub struct BalanceType {
    pub id: i64,
    pub service_provider_id: i64,
    pub code: String,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub unit: Unit,
    #[diesel(deserialize_as = String)]
    pub category: Category,
    pub max_value: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub max_policy: MaxPolicy,
    pub allow_credit: bool,
    pub is_default: bool,
}

#[derive(Debug, Clone, Insertable, Serialize)]
#[diesel(table_name = balance_types)]
pub struct NewBalanceType {
    pub service_provider_id: i64,
    pub code: String,
    pub name: String,
    #[diesel(serialize_as = String)]
    pub unit: Unit,
    #[diesel(serialize_as = String)]
    pub category: Category,
    pub max_value: Option<i64>,
    #[diesel(serialize_as = String)]
    pub max_policy: MaxPolicy,
    pub allow_credit: bool,
    pub is_default: bool,
    pub created_at: i64,
}

pub fn insert_type(conn: &mut DbConnection, new: &NewBalanceType) -> QueryResult<BalanceType> {
    let id: i64 = diesel::insert_into(balance_types::table)
        .values(new.clone())
        .returning(balance_types::id)
        .get_result(conn)?;
    balance_types::table
        .find(id)
        .select(BalanceType::as_select())
        .first(conn)
}

pub fn find_type(conn: &mut DbConnection, id: i64) -> QueryResult<Option<BalanceType>> {
    crate::on_engine!(conn, |c| balance_types::table
        .find(id)
        .select(BalanceType::as_select())
        .first(c)
        .optional())
}

/// Balance types of one provider (`None`: of all), by provider then code.
pub fn types(conn: &mut DbConnection, provider: Option<i64>) -> QueryResult<Vec<BalanceType>> {
    let mut q = balance_types::table
        .select(BalanceType::as_select())
        .order((balance_types::service_provider_id, balance_types::code))
        .into_boxed();
    if let Some(p) = provider {
        q = q.filter(balance_types::service_provider_id.eq(p));
    }
    q.load(conn)
}

/// Gives `provider` its default general cash balance type unless it has one.
pub fn ensure_default(conn: &mut DbConnection, provider: i64) -> QueryResult<()> {
    let has: i64 = balance_types::table
        .filter(balance_types::service_provider_id.eq(provider))
        .filter(balance_types::is_default.eq(true))
        .count()
        .get_result(conn)?;
    if has == 0 {
        insert_type(
            conn,
            &NewBalanceType {
                service_provider_id: provider,
                code: DEFAULT_CODE.into(),
                name: DEFAULT_NAME.into(),
                unit: Unit::Cash,
                category: Category::Chargeable,
                max_value: None,
                max_policy: MaxPolicy::Limit,
                allow_credit: false,
                is_default: true,
                created_at: crate::db::now(),
            },
        )?;
    }
    Ok(())
}

/// Every provider gets its default balance type (start-up seed).
pub fn seed(conn: &mut DbConnection) -> QueryResult<()> {
    let providers: Vec<i64> = service_providers::table
        .select(service_providers::id)
        .load(conn)?;
    for p in providers {
        ensure_default(conn, p)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq, Eq)]
#[diesel(table_name = balance_buckets)]
pub struct Bucket {
    pub id: i64,
    pub balance_id: i64,
    pub value: i64,
    pub expires_at: Option<i64>,
    pub starts_at: Option<i64>,
}

impl Bucket {
    pub fn dates(&self) -> BucketDates {
        BucketDates {
            starts_at: self.starts_at,
            expires_at: self.expires_at,
        }
    }
}

/// One balance of a wallet with its type and buckets.
#[derive(Debug, Clone, Serialize)]
pub struct Balance {
    pub id: i64,
    pub wallet_id: i64,
    pub balance_type: BalanceType,
    pub buckets: Vec<Bucket>,
}

impl Balance {
    /// The sum of the buckets that have started and not expired at `now`.
    pub fn total_at(&self, now: i64) -> i64 {
        self.buckets
            .iter()
            .filter(|b| b.dates().counts_at(now))
            .map(|b| b.value)
            .sum()
    }
    /// The sum of every bucket's value, counted or not (what the EDRs add up to).
    pub fn stored(&self) -> i64 {
        self.buckets.iter().map(|b| b.value).sum()
    }
}

/// The balances of a wallet, by balance type code, each with its buckets.
pub fn of_wallet(conn: &mut DbConnection, wallet: WalletId) -> QueryResult<Vec<Balance>> {
    let rows: Vec<(i64, BalanceType)> = wallet_balances::table
        .inner_join(balance_types::table)
        .filter(wallet_balances::wallet_id.eq(wallet.0))
        .order(balance_types::code)
        .select((wallet_balances::id, BalanceType::as_select()))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let buckets: Vec<Bucket> = balance_buckets::table
        .filter(balance_buckets::balance_id.eq_any(&ids))
        .order(balance_buckets::id)
        .select(Bucket::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, balance_type)| Balance {
            id,
            wallet_id: wallet.0,
            balance_type,
            buckets: buckets
                .iter()
                .filter(|b| b.balance_id == id)
                .cloned()
                .collect(),
        })
        .collect())
}

/// Holds the wallet's row for the rest of the transaction (a write that changes nothing): on
/// PostgreSQL other writers of this wallet wait; SQLite's write lock is held already.
pub fn lock_wallet(conn: &mut DbConnection, wallet: WalletId) -> QueryResult<bool> {
    let n = diesel::update(wallets::table.find(wallet.0))
        .set(wallets::version.eq(wallets::version))
        .execute(conn)?;
    Ok(n == 1)
}

/// The wallet's balance of `balance_type`, made when it has none; returns its id.
pub fn balance_id(
    conn: &mut DbConnection,
    wallet: WalletId,
    balance_type: i64,
) -> QueryResult<i64> {
    let found: Option<i64> = wallet_balances::table
        .filter(wallet_balances::wallet_id.eq(wallet.0))
        .filter(wallet_balances::balance_type_id.eq(balance_type))
        .select(wallet_balances::id)
        .first(conn)
        .optional()?;
    match found {
        Some(id) => Ok(id),
        None => diesel::insert_into(wallet_balances::table)
            .values((
                wallet_balances::wallet_id.eq(wallet.0),
                wallet_balances::balance_type_id.eq(balance_type),
                wallet_balances::created_at.eq(crate::db::now()),
            ))
            .returning(wallet_balances::id)
            .get_result(conn),
    }
}

pub fn insert_bucket(
    conn: &mut DbConnection,
    balance_id: i64,
    value: i64,
    dates: BucketDates,
) -> QueryResult<i64> {
    let now = crate::db::now();
    diesel::insert_into(balance_buckets::table)
        .values((
            balance_buckets::balance_id.eq(balance_id),
            balance_buckets::value.eq(value),
            balance_buckets::expires_at.eq(dates.expires_at),
            balance_buckets::starts_at.eq(dates.starts_at),
            balance_buckets::created_at.eq(now),
            balance_buckets::updated_at.eq(now),
        ))
        .returning(balance_buckets::id)
        .get_result(conn)
}

pub fn update_bucket(
    conn: &mut DbConnection,
    id: i64,
    value: i64,
    dates: BucketDates,
) -> QueryResult<usize> {
    diesel::update(balance_buckets::table.find(id))
        .set((
            balance_buckets::value.eq(value),
            balance_buckets::expires_at.eq(dates.expires_at),
            balance_buckets::starts_at.eq(dates.starts_at),
            balance_buckets::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)
}

pub fn delete_bucket(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(balance_buckets::table.find(id)).execute(conn)
}

/// An adjustment range in the balance type's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limit {
    pub min: Amount,
    pub max: Amount,
}

/// Whose limits: a product type's, or an operator's own.
#[derive(Debug, Clone, Copy)]
pub enum LimitOwner {
    ProductType(i64),
    Operator(OperatorId),
}

/// Sets (replaces) the limit of `owner` for `balance_type`.
pub fn set_limit(
    conn: &mut DbConnection,
    owner: LimitOwner,
    balance_type: i64,
    limit: Limit,
) -> QueryResult<()> {
    match owner {
        LimitOwner::ProductType(p) => {
            diesel::delete(product_type_limits::table.find((p, balance_type))).execute(conn)?;
            diesel::insert_into(product_type_limits::table)
                .values((
                    product_type_limits::product_type_id.eq(p),
                    product_type_limits::balance_type_id.eq(balance_type),
                    product_type_limits::min_value.eq(limit.min.minor()),
                    product_type_limits::max_value.eq(limit.max.minor()),
                ))
                .execute(conn)?;
        }
        LimitOwner::Operator(o) => {
            diesel::delete(operator_limits::table.find((o.0, balance_type))).execute(conn)?;
            diesel::insert_into(operator_limits::table)
                .values((
                    operator_limits::operator_id.eq(o.0),
                    operator_limits::balance_type_id.eq(balance_type),
                    operator_limits::min_value.eq(limit.min.minor()),
                    operator_limits::max_value.eq(limit.max.minor()),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The limit of `owner` for `balance_type`, if one is set.
pub fn limit_of(
    conn: &mut DbConnection,
    owner: LimitOwner,
    balance_type: i64,
) -> QueryResult<Option<Limit>> {
    let row: Option<(i64, i64)> = match owner {
        LimitOwner::ProductType(p) => product_type_limits::table
            .find((p, balance_type))
            .select((
                product_type_limits::min_value,
                product_type_limits::max_value,
            ))
            .first(conn)
            .optional()?,
        LimitOwner::Operator(o) => operator_limits::table
            .find((o.0, balance_type))
            .select((operator_limits::min_value, operator_limits::max_value))
            .first(conn)
            .optional()?,
    };
    Ok(row.map(|(min, max)| Limit {
        min: Amount::from_minor(min),
        max: Amount::from_minor(max),
    }))
}

/// A product type's activation bonus: (balance type, amount), by balance type.
pub fn bonuses_of(
    conn: &mut DbConnection,
    product_type: i64,
) -> QueryResult<Vec<(BalanceType, i64)>> {
    activation_bonuses::table
        .inner_join(balance_types::table)
        .filter(activation_bonuses::product_type_id.eq(product_type))
        .order(balance_types::code)
        .select((BalanceType::as_select(), activation_bonuses::amount))
        .load(conn)
}

/// Sets a product type's activation bonus of `balance_type` (`0`: none).
pub fn set_bonus(
    conn: &mut DbConnection,
    product_type: i64,
    balance_type: i64,
    amount: i64,
) -> QueryResult<()> {
    diesel::delete(activation_bonuses::table.find((product_type, balance_type))).execute(conn)?;
    if amount != 0 {
        diesel::insert_into(activation_bonuses::table)
            .values((
                activation_bonuses::product_type_id.eq(product_type),
                activation_bonuses::balance_type_id.eq(balance_type),
                activation_bonuses::amount.eq(amount),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every limit of `owner`, by balance type (one query).
pub fn limits_of(conn: &mut DbConnection, owner: LimitOwner) -> QueryResult<Vec<(i64, Limit)>> {
    let rows: Vec<(i64, i64, i64)> = match owner {
        LimitOwner::ProductType(p) => product_type_limits::table
            .filter(product_type_limits::product_type_id.eq(p))
            .select((
                product_type_limits::balance_type_id,
                product_type_limits::min_value,
                product_type_limits::max_value,
            ))
            .load(conn)?,
        LimitOwner::Operator(o) => operator_limits::table
            .filter(operator_limits::operator_id.eq(o.0))
            .select((
                operator_limits::balance_type_id,
                operator_limits::min_value,
                operator_limits::max_value,
            ))
            .load(conn)?,
    };
    Ok(rows
        .into_iter()
        .map(|(t, min, max)| {
            (
                t,
                Limit {
                    min: Amount::from_minor(min),
                    max: Amount::from_minor(max),
                },
            )
        })
        .collect())
}

/// The wallet's balance of one type with its buckets (`None`: the wallet has none of it).
pub fn one(
    conn: &mut DbConnection,
    wallet: WalletId,
    balance_type: &BalanceType,
) -> QueryResult<Option<Balance>> {
    // One statement: the balance's row with each of its buckets (none: one row without).
    let rows: Vec<(i64, Option<Bucket>)> = crate::on_engine!(conn, |c| wallet_balances::table
        .left_join(balance_buckets::table)
        .filter(wallet_balances::wallet_id.eq(wallet.0))
        .filter(wallet_balances::balance_type_id.eq(balance_type.id))
        .order(balance_buckets::id)
        .select((wallet_balances::id, Option::<Bucket>::as_select()))
        .load(c))?;
    let Some(id) = rows.first().map(|(id, _)| *id) else {
        return Ok(None);
    };
    Ok(Some(Balance {
        id,
        wallet_id: wallet.0,
        balance_type: balance_type.clone(),
        buckets: rows.into_iter().filter_map(|(_, b)| b).collect(),
    }))
}

/// The provider's balance type with this code.
pub fn type_by_code(
    conn: &mut DbConnection,
    provider: i64,
    code: &str,
) -> QueryResult<Option<BalanceType>> {
    crate::on_engine!(conn, |c| balance_types::table
        .filter(balance_types::service_provider_id.eq(provider))
        .filter(balance_types::code.eq(code))
        .select(BalanceType::as_select())
        .first(c)
        .optional())
}

/// Sets a bucket's value (a debit), leaving its dates.
pub fn set_bucket_value(conn: &mut DbConnection, id: i64, value: i64) -> QueryResult<usize> {
    /// `db::prepared`'s marker of this statement.
    struct SetValue;
    crate::on_engine!(conn, |c| prepared::<_, SetValue>(
        diesel::update(balance_buckets::table.find(id))
            .set((
                balance_buckets::value.eq(value),
                balance_buckets::updated_at.eq(crate::db::now()),
            ))
            .returning(balance_buckets::id)
    )
    .load::<i64>(c)
    .map(|ids| ids.len()))
}
