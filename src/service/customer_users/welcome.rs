//! Welcome mail: when a customer's PBX settings say so, creating a user queues a message in the
//! outbox (in the transaction that creates the user) with a one-time set-password link — never
//! a password. Operators see the outbox with each link's token cut short, so that reading it
//! does not let them choose a user's password. Mail waits in the outbox (status `queued`) until
//! the background worker sends it (`send_queued`, through SMTP when `SELFCARE_SMTP_URL` is set;
//! otherwise it stays there for operators to read).

use super::Whose;
use crate::auth::password;
use crate::db::models::customer::Customer;
use crate::db::models::customer_user::{self, CustomerUser};
use crate::db::models::mail_outbox::{self as rows, OutboxMail};
use crate::db::{write_transaction, DbConnection};
use crate::domain::{FormState, SetPasswordToken, WebPassword};
use crate::error::{AppError, AppResult};
use crate::service::audit::{AuditEvent, ObjectKind};

/// How long a set-password link works.
pub const LINK_DAYS: i64 = 7;
const LINK_PATH: &str = "/set-password/";

/// Queues the welcome mail of a new user, in the caller's transaction.
pub fn queue(
    conn: &mut DbConnection,
    actor: &str,
    c: &Customer,
    user: &CustomerUser,
) -> AppResult<OutboxMail> {
    let token = SetPasswordToken::generate();
    let now = crate::db::now();
    rows::insert_token(conn, &token.hash(), user.id, now + LINK_DAYS * 86_400)?;
    let body = format!(
        "Hello {name},\n\n{company} has set up your phone account: extension {ext}, SIP username \
         {sip}.\n\nChoose your password here (the link works once, for {LINK_DAYS} days):\n\
         {LINK_PATH}{token}\n",
        name = user.name,
        company = c.company,
        ext = user.extension,
        sip = user.sip_username,
        token = token.reveal(),
    );
    let mail = rows::queue(
        conn,
        c.id,
        Some(user.id),
        &user.email,
        &format!("Welcome to your phone account at {}", c.company),
        &body,
    )?;
    AuditEvent::created(ObjectKind::WelcomeMail, c.id, &mail).write(conn, actor)?;
    Ok(mail)
}

/// A mail's body with the link's token cut to its first 8 characters.
pub fn masked(body: &str) -> String {
    match body.find(LINK_PATH) {
        Some(at) => {
            let start = at + LINK_PATH.len();
            let end = body[start..]
                .find(|c: char| !c.is_ascii_hexdigit())
                .map(|n| start + n)
                .unwrap_or(body.len());
            let keep = (start + 8).min(end);
            format!("{}…(hidden){}", &body[..keep], &body[end..])
        }
        None => body.to_string(),
    }
}

/// The customer's outbox, newest first, bodies masked.
#[tracing::instrument(skip(conn))]
pub fn outbox(conn: &mut DbConnection, whose: &Whose) -> AppResult<Vec<OutboxMail>> {
    let c = whose.customer(conn)?;
    Ok(rows::of_customer(conn, c.id, 100)?
        .into_iter()
        .map(|mut m| {
            m.body = masked(&m.body);
            m
        })
        .collect())
}

/// How many times a mail is tried before it is marked failed.
pub const MAX_ATTEMPTS: i32 = 5;

/// Sends what waits in the outbox with `send(to, subject, body)`, each mail claimed by one
/// instance for one try (so two workers never send it twice), and marks it sent, or after
/// `MAX_ATTEMPTS` failed tries failed (the last error kept for operators). Returns how many
/// were sent. The background worker calls it; failures are logged, never raised.
pub fn send_queued(
    conn: &mut DbConnection,
    send: &dyn Fn(&str, &str, &str) -> Result<(), String>,
) -> usize {
    let mails = match rows::queued(conn, MAX_ATTEMPTS, 20) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "reading the mail outbox failed");
            return 0;
        }
    };
    let mut sent = 0;
    for m in mails {
        match rows::claim(conn, m.id, m.attempts) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, mail = m.id, "claiming a mail failed");
                continue;
            }
        }
        let (status, error) = match send(&m.to_address, &m.subject, &m.body) {
            Ok(()) => (rows::MailStatus::Sent, None),
            Err(e) if m.attempts + 1 >= MAX_ATTEMPTS => (rows::MailStatus::Failed, Some(e)),
            Err(e) => (rows::MailStatus::Queued, Some(e)),
        };
        if let Some(e) = &error {
            tracing::warn!(mail = m.id, attempt = m.attempts + 1, error = %e, "a mail was not sent");
        } else {
            sent += 1;
        }
        if let Err(e) = rows::finish(conn, m.id, status, error.as_deref()) {
            tracing::warn!(error = %e, mail = m.id, "recording a mail's try failed");
        }
    }
    sent
}

/// What became of a set-password form.
#[derive(Debug)]
pub enum PasswordSet {
    Done,
    Invalid(FormState),
    /// The link is unknown, used or expired.
    Gone,
}

/// Whether a link still works (for showing its form).
pub fn link_works(conn: &mut DbConnection, token: &str) -> AppResult<bool> {
    let Some(t) = SetPasswordToken::from_link(token) else {
        return Ok(false);
    };
    Ok(rows::token_user(conn, &t.hash(), crate::db::now())?.is_some())
}

/// Sets a user's password through their one-time link. Blocking (argon2).
pub fn set_password(
    conn: &mut DbConnection,
    token: &str,
    new: &str,
    confirm: &str,
) -> AppResult<PasswordSet> {
    let Some(t) = SetPasswordToken::from_link(token) else {
        return Ok(PasswordSet::Gone);
    };
    if !link_works(conn, t.reveal())? {
        return Ok(PasswordSet::Gone);
    }
    let mut f = FormState::default();
    let pw = f.check("password", WebPassword::parse(new));
    if pw.is_some() && new != confirm {
        f.error("password_confirm", "The two passwords differ.");
    }
    let Some(pw) = pw.filter(|_| !f.has_errors()) else {
        return Ok(PasswordSet::Invalid(f));
    };
    let hash = password::hash(pw.expose())?;
    write_transaction(conn, |conn| {
        let now = crate::db::now();
        let Some(user_id) = rows::token_user(conn, &t.hash(), now)? else {
            return Ok(PasswordSet::Gone);
        };
        if !rows::use_token(conn, &t.hash(), now)? {
            return Ok(PasswordSet::Gone);
        }
        let user = customer_user::find(conn, user_id)?.ok_or(AppError::NotFound)?;
        customer_user::set_password_hash(conn, user.id, &hash)?;
        AuditEvent::new(
            ObjectKind::CustomerUser,
            user.customer_id,
            crate::service::audit::Action::Update,
        )
        .reason(Some(format!(
            "password of {} ({}) set through the one-time link",
            user.name, user.extension
        )))
        .write(conn, &format!("user:{}", user.sip_username))?;
        Ok::<_, AppError>(PasswordSet::Done)
    })
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn the_outbox_shows_only_the_start_of_a_token() {
        let token = "ab".repeat(32);
        let body = format!("Hi\n/set-password/{token}\nBye");
        let shown = masked(&body);
        assert!(
            shown.contains("/set-password/abababab…(hidden)\nBye"),
            "{shown}"
        );
        assert!(!shown.contains(&token));
    }
}
