//! `credit_cards`: a subscriber's cards as kept — a keyed hash of the number (the token), the
//! last four digits, expiry, holder and state. The number itself has no column.

use crate::db::schema::credit_cards;
use crate::db::DbConnection;
use crate::domain::card::CardState;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = credit_cards)]
pub struct CreditCard {
    pub id: i64,
    pub subscriber_id: i64,
    /// The keyed hash of the number: compared, never shown.
    #[serde(skip)]
    pub token: String,
    pub last_four: String,
    pub expiry_month: i32,
    pub expiry_year: i32,
    pub holder: String,
    #[diesel(deserialize_as = String)]
    pub state: CardState,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = credit_cards)]
pub struct NewCreditCard {
    pub subscriber_id: i64,
    pub token: String,
    pub last_four: String,
    pub expiry_month: i32,
    pub expiry_year: i32,
    pub holder: String,
    #[diesel(serialize_as = String)]
    pub state: CardState,
    pub created_at: i64,
    pub updated_at: i64,
}

pub fn insert(conn: &mut DbConnection, new: &NewCreditCard) -> QueryResult<CreditCard> {
    let id: i64 = diesel::insert_into(credit_cards::table)
        .values(new.clone())
        .returning(credit_cards::id)
        .get_result(conn)?;
    credit_cards::table
        .find(id)
        .select(CreditCard::as_select())
        .first(conn)
}

/// A subscriber's cards, oldest first.
pub fn of_subscriber(conn: &mut DbConnection, subscriber: i64) -> QueryResult<Vec<CreditCard>> {
    credit_cards::table
        .filter(credit_cards::subscriber_id.eq(subscriber))
        .order(credit_cards::id)
        .select(CreditCard::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<CreditCard>> {
    credit_cards::table
        .find(id)
        .select(CreditCard::as_select())
        .first(conn)
        .optional()
}

/// Moves a card from `from` to `to`; false when it was not in `from` any more (someone else
/// moved it first).
pub fn set_state(
    conn: &mut DbConnection,
    id: i64,
    from: CardState,
    to: CardState,
) -> QueryResult<bool> {
    let n = diesel::update(
        credit_cards::table
            .find(id)
            .filter(credit_cards::state.eq(from.code())),
    )
    .set((
        credit_cards::state.eq(to.code()),
        credit_cards::updated_at.eq(crate::db::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
