//! `reservations`: part of a wallet's balance held for a call until it is committed (charged),
//! released, or ends otherwise. Ending is a conditional update (`… WHERE state = 'open'`), so a
//! reservation ends exactly once whoever tries at the same time.

use crate::db::prepared::prepared;
use crate::db::schema::reservations;
use crate::db::DbConnection;
use crate::domain::charging::ReservationState;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = reservations)]
pub struct Reservation {
    pub id: i64,
    pub service_provider_id: i64,
    pub wallet_id: i64,
    pub balance_type_id: i64,
    pub amount: i64,
    pub used: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub state: ReservationState,
    pub charge_on_delete: bool,
    pub called_number: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
    pub ended_at: Option<i64>,
    pub how_ended: Option<String>,
    pub edr_id: Option<i64>,
}

impl Reservation {
    /// Whether it still holds part of the balance at `now` (open and not past its expiry).
    pub fn holds_at(&self, now: i64) -> bool {
        self.state == ReservationState::Open && self.expires_at > now
    }
}

/// `None` is written as NULL (the column's default): the insert's SQL is the same whatever the
/// values, so it stays prepared (`db::prepared`).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reservations, treat_none_as_default_value = false)]
pub struct NewReservation {
    pub service_provider_id: i64,
    pub wallet_id: i64,
    pub balance_type_id: i64,
    pub amount: i64,
    #[diesel(serialize_as = String)]
    pub state: ReservationState,
    pub charge_on_delete: bool,
    pub called_number: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
}

pub fn insert(conn: &mut DbConnection, new: &NewReservation) -> QueryResult<i64> {
    /// `db::prepared`'s marker of this statement.
    struct Insert;
    crate::on_engine!(conn, |c| prepared::<_, Insert>(
        diesel::insert_into(reservations::table)
            .values(new.clone())
            .returning(reservations::id)
    )
    .get_result(c))
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Reservation>> {
    crate::on_engine!(conn, |c| reservations::table
        .find(id)
        .select(Reservation::as_select())
        .first(c)
        .optional())
}

/// The wallet's reservations that hold part of a balance at `now`: (balance type, amount).
pub fn held(conn: &mut DbConnection, wallet_id: i64, now: i64) -> QueryResult<Vec<(i64, i64)>> {
    crate::on_engine!(conn, |c| reservations::table
        .filter(reservations::wallet_id.eq(wallet_id))
        .filter(reservations::state.eq(ReservationState::Open.code()))
        .filter(reservations::expires_at.gt(now))
        .select((reservations::balance_type_id, reservations::amount))
        .load(c))
}

/// A wallet's reservations, open first, then the newest ended ones (at most `limit` in all).
pub fn of_wallet(
    conn: &mut DbConnection,
    wallet_id: i64,
    limit: i64,
) -> QueryResult<Vec<Reservation>> {
    let mut open: Vec<Reservation> = reservations::table
        .filter(reservations::wallet_id.eq(wallet_id))
        .filter(reservations::state.eq(ReservationState::Open.code()))
        .order(reservations::id.desc())
        .limit(limit)
        .select(Reservation::as_select())
        .load(conn)?;
    let ended: Vec<Reservation> = reservations::table
        .filter(reservations::wallet_id.eq(wallet_id))
        .filter(reservations::state.ne(ReservationState::Open.code()))
        .order(reservations::id.desc())
        .limit((limit - open.len() as i64).max(0))
        .select(Reservation::as_select())
        .load(conn)?;
    open.extend(ended);
    Ok(open)
}

/// How an open reservation ends.
pub struct Ending<'a> {
    pub state: ReservationState,
    pub used: Option<i64>,
    pub how: &'a str,
    pub edr_id: Option<i64>,
    pub at: i64,
}

/// Ends the reservation if it is still open; true when this call ended it.
pub fn end(conn: &mut DbConnection, id: i64, e: &Ending) -> QueryResult<bool> {
    /// `db::prepared`'s marker of this statement.
    struct EndOpen;
    let n = crate::on_engine!(conn, |c| prepared::<_, EndOpen>(
        diesel::update(
            reservations::table
                .filter(reservations::id.eq(id))
                .filter(reservations::state.eq(ReservationState::Open.code())),
        )
        .set((
            reservations::state.eq(e.state.code()),
            reservations::used.eq(e.used),
            reservations::how_ended.eq(Some(e.how)),
            reservations::edr_id.eq(e.edr_id),
            reservations::ended_at.eq(Some(e.at)),
        ))
        .returning(reservations::id)
    )
    .load::<i64>(c))?;
    Ok(n.len() == 1)
}

/// Open reservations past their expiry at `now`, oldest first (at most `limit`).
pub fn due(conn: &mut DbConnection, now: i64, limit: i64) -> QueryResult<Vec<Reservation>> {
    reservations::table
        .filter(reservations::state.eq(ReservationState::Open.code()))
        .filter(reservations::expires_at.le(now))
        .order(reservations::expires_at)
        .limit(limit)
        .select(Reservation::as_select())
        .load(conn)
}
