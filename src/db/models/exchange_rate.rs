//! `exchange_rates`: per pair of currencies, how many units of the target one unit of the source
//! buys, as an exact decimal (mantissa and scale). One row per pair; setting a pair again
//! replaces its rate.

use crate::db::schema::exchange_rates;
use crate::db::DbConnection;
use crate::domain::exchange::Rate;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq, Eq)]
#[diesel(table_name = exchange_rates)]
pub struct ExchangeRate {
    pub id: i64,
    pub from_currency_id: i64,
    pub to_currency_id: i64,
    pub rate_mantissa: i64,
    pub rate_scale: i32,
    pub updated_at: i64,
}

impl ExchangeRate {
    /// The stored rate; `None` when the stored parts are not a valid one.
    pub fn rate(&self) -> Option<Rate> {
        Rate::from_parts(self.rate_mantissa, self.rate_scale)
    }
}

/// Every rate, by id.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<ExchangeRate>> {
    exchange_rates::table
        .order(exchange_rates::id)
        .select(ExchangeRate::as_select())
        .load(conn)
}

/// The rate of one pair, if set.
pub fn of_pair(conn: &mut DbConnection, from: i64, to: i64) -> QueryResult<Option<ExchangeRate>> {
    exchange_rates::table
        .filter(exchange_rates::from_currency_id.eq(from))
        .filter(exchange_rates::to_currency_id.eq(to))
        .select(ExchangeRate::as_select())
        .first(conn)
        .optional()
}

/// The rates of these pairs that are set (one query).
pub fn of_pairs(conn: &mut DbConnection, pairs: &[(i64, i64)]) -> QueryResult<Vec<ExchangeRate>> {
    let froms: Vec<i64> = pairs.iter().map(|p| p.0).collect();
    let rows: Vec<ExchangeRate> = exchange_rates::table
        .filter(exchange_rates::from_currency_id.eq_any(&froms))
        .select(ExchangeRate::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| pairs.contains(&(r.from_currency_id, r.to_currency_id)))
        .collect())
}

pub fn insert(conn: &mut DbConnection, from: i64, to: i64, rate: Rate) -> QueryResult<i64> {
    let now = crate::db::now();
    diesel::insert_into(exchange_rates::table)
        .values((
            exchange_rates::from_currency_id.eq(from),
            exchange_rates::to_currency_id.eq(to),
            exchange_rates::rate_mantissa.eq(rate.mantissa()),
            exchange_rates::rate_scale.eq(rate.scale()),
            exchange_rates::created_at.eq(now),
            exchange_rates::updated_at.eq(now),
        ))
        .returning(exchange_rates::id)
        .get_result(conn)
}

pub fn update(conn: &mut DbConnection, id: i64, rate: Rate) -> QueryResult<usize> {
    diesel::update(exchange_rates::table.find(id))
        .set((
            exchange_rates::rate_mantissa.eq(rate.mantissa()),
            exchange_rates::rate_scale.eq(rate.scale()),
            exchange_rates::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ExchangeRate>> {
    exchange_rates::table
        .find(id)
        .select(ExchangeRate::as_select())
        .first(conn)
        .optional()
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(exchange_rates::table.find(id)).execute(conn)
}
