//! `mail_outbox` and `user_password_tokens`: mail waiting to be sent (welcome mails to new
//! users), and the one-time set-password links those mails carry (only a hash of each).

use crate::db::schema::{mail_outbox, user_password_tokens};
use crate::db::DbConnection;
use diesel::prelude::*;
use serde::Serialize;

crate::domain::choice!(
    /// Where a mail stands: queued for the sender, sent, or failed after its attempts.
    MailStatus, "Choose a status from the list.", [
        Queued => "queued", "Queued";
        Sent => "sent", "Sent";
        Failed => "failed", "Failed";
    ]
);

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = mail_outbox)]
pub struct OutboxMail {
    pub id: i64,
    pub customer_id: i64,
    pub user_id: Option<i64>,
    pub to_address: String,
    pub subject: String,
    #[serde(skip)]
    pub body: String,
    #[diesel(deserialize_as = String)]
    pub status: MailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

pub fn queue(
    conn: &mut DbConnection,
    customer_id: i64,
    user_id: Option<i64>,
    to: &str,
    subject: &str,
    body: &str,
) -> QueryResult<OutboxMail> {
    let id: i64 = diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::customer_id.eq(customer_id),
            mail_outbox::user_id.eq(user_id),
            mail_outbox::to_address.eq(to),
            mail_outbox::subject.eq(subject),
            mail_outbox::body.eq(body),
            mail_outbox::status.eq(MailStatus::Queued.code()),
            mail_outbox::created_at.eq(crate::db::now()),
        ))
        .returning(mail_outbox::id)
        .get_result(conn)?;
    mail_outbox::table
        .find(id)
        .select(OutboxMail::as_select())
        .first(conn)
}

/// The customer's mails, newest first (at most `limit`).
pub fn of_customer(
    conn: &mut DbConnection,
    customer_id: i64,
    limit: i64,
) -> QueryResult<Vec<OutboxMail>> {
    mail_outbox::table
        .filter(mail_outbox::customer_id.eq(customer_id))
        .order(mail_outbox::id.desc())
        .limit(limit)
        .select(OutboxMail::as_select())
        .load(conn)
}

pub fn insert_token(
    conn: &mut DbConnection,
    token_hash: &str,
    user_id: i64,
    expires_at: i64,
) -> QueryResult<()> {
    diesel::insert_into(user_password_tokens::table)
        .values((
            user_password_tokens::token_hash.eq(token_hash),
            user_password_tokens::user_id.eq(user_id),
            user_password_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The user whose unused, unexpired link has this hash.
pub fn token_user(conn: &mut DbConnection, token_hash: &str, now: i64) -> QueryResult<Option<i64>> {
    user_password_tokens::table
        .find(token_hash)
        .filter(user_password_tokens::used_at.is_null())
        .filter(user_password_tokens::expires_at.gt(now))
        .select(user_password_tokens::user_id)
        .first(conn)
        .optional()
}

/// Uses a link up; returns whether it was still unused (a link works once).
pub fn use_token(conn: &mut DbConnection, token_hash: &str, now: i64) -> QueryResult<bool> {
    let n = diesel::update(
        user_password_tokens::table
            .find(token_hash)
            .filter(user_password_tokens::used_at.is_null())
            .filter(user_password_tokens::expires_at.gt(now)),
    )
    .set(user_password_tokens::used_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// Queued mails, oldest first, that have been tried fewer than `max_attempts` times.
pub fn queued(
    conn: &mut DbConnection,
    max_attempts: i32,
    limit: i64,
) -> QueryResult<Vec<OutboxMail>> {
    mail_outbox::table
        .filter(mail_outbox::status.eq(MailStatus::Queued.code()))
        .filter(mail_outbox::attempts.lt(max_attempts))
        .order(mail_outbox::id.asc())
        .limit(limit)
        .select(OutboxMail::as_select())
        .load(conn)
}

/// Claims one try of a queued mail seen with `attempts` tries: true for exactly one caller
/// (another instance that read the same row finds `attempts` moved on).
pub fn claim(conn: &mut DbConnection, id: i64, attempts: i32) -> QueryResult<bool> {
    diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq(id))
            .filter(mail_outbox::status.eq(MailStatus::Queued.code()))
            .filter(mail_outbox::attempts.eq(attempts)),
    )
    .set(mail_outbox::attempts.eq(attempts + 1))
    .execute(conn)
    .map(|n| n == 1)
}

/// Records how a claimed try ended: sent, or the error (and `Failed` after the last try).
pub fn finish(
    conn: &mut DbConnection,
    id: i64,
    status: MailStatus,
    error: Option<&str>,
) -> QueryResult<()> {
    let sent_at = (status == MailStatus::Sent).then(crate::db::now);
    diesel::update(mail_outbox::table.filter(mail_outbox::id.eq(id)))
        .set((
            mail_outbox::status.eq(status.code()),
            mail_outbox::last_error.eq(error),
            mail_outbox::sent_at.eq(sent_at),
        ))
        .execute(conn)
        .map(|_| ())
}
