//! Deleting a subscriber. Its wallets go with it, except a shared wallet another subscriber still
//! holds. Taking wallets away is a financial change, so a reason is asked for while such changes
//! are audited.

use crate::auth::CurrentOperator;
use crate::db::models::settings;
use crate::db::models::subscriber::{self, Subscriber};
use crate::db::models::subscriber_profile as profile;
use crate::db::models::wallet::{self, HeldWallet};
use crate::db::models::SubscriberId;
use crate::db::{write_transaction, DbConnection};
use crate::domain::subscriber::ChangeReason;
use crate::domain::FormState;
use crate::error::AppResult;
use crate::service::access::{subscriber_visible, Scope};
use crate::service::audit::{Action, AuditEvent, ObjectKind};

/// What the confirmation shows: the subscriber, the wallets it holds (with how many hold each),
/// and whether a reason is required.
pub struct DeleteInfo {
    pub subscriber: Subscriber,
    pub wallets: Vec<HeldWallet>,
    pub audit_on: bool,
}

/// The confirmation's data (404 outside the operator's scope).
#[tracing::instrument(skip(conn))]
pub fn delete_info(
    conn: &mut DbConnection,
    scope: Scope,
    id: SubscriberId,
) -> AppResult<DeleteInfo> {
    let subscriber = subscriber_visible(conn, scope, id.0)?;
    Ok(DeleteInfo {
        subscriber,
        wallets: wallet::held_by(conn, id.0)?,
        audit_on: settings::audit_financial_changes(conn)?,
    })
}

/// What a deletion ended in.
#[derive(Debug)]
pub enum DeleteOutcome {
    /// Gone; its card number, to say so.
    Deleted { card_number: String },
    /// The reason was missing or unfit: nothing was deleted.
    Invalid(FormState),
}

/// Deletes subscriber `id` (404 outside `op`'s scope) and the wallets nobody else holds.
#[tracing::instrument(skip(conn, op, typed_reason), fields(operator = %op.username))]
pub fn delete(
    conn: &mut DbConnection,
    op: &CurrentOperator,
    id: SubscriberId,
    typed_reason: &str,
) -> AppResult<DeleteOutcome> {
    let actor = op.actor();
    let scope = op.service_provider_id;
    write_transaction(conn, |conn| {
        let s = subscriber_visible(conn, scope, id.0)?;
        let reason = if settings::audit_financial_changes(conn)? || !typed_reason.trim().is_empty()
        {
            match ChangeReason::parse(typed_reason) {
                Ok(r) => Some(r.into_inner()),
                Err(m) => {
                    let mut f = FormState::default();
                    f.set("change_reason", typed_reason);
                    f.error("change_reason", m);
                    return Ok(DeleteOutcome::Invalid(f));
                }
            }
        } else {
            None
        };
        let before = profile::audit_image(&s, &profile::load(conn, id.0)?);
        let held = wallet::held_by(conn, id.0)?;
        subscriber::delete(conn, id)?;
        let mut event =
            AuditEvent::new(ObjectKind::Subscriber, id.0, Action::Delete).reason(reason.as_deref());
        event.before = before;
        event.write(conn, &actor)?;
        // The links went with the subscriber; a wallet nobody holds now goes too.
        for h in held {
            if wallet::delete_if_unheld(conn, h.wallet.id)? {
                AuditEvent::deleted(ObjectKind::Wallet, h.wallet.id, &h.wallet)
                    .reason(reason.as_deref())
                    .write(conn, &actor)?;
            }
        }
        Ok(DeleteOutcome::Deleted {
            card_number: s.card_number,
        })
    })
}
