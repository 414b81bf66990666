//! The reservations panel's operator actions on one reservation: commit (charge the reserved
//! amount), revoke (release without a charge), delete (charge or not by the reservation's own
//! `charge_on_delete`). Each asks for a change reason while financial changes are audited,
//! holds the wallet, writes the EDR of a charge and the audit event.

use super::api::{end_reservation, Ender};
use super::{in_write_transaction, Fail, Refusal};
use crate::auth::CurrentOperator;
use crate::db::models::balance;
use crate::db::models::reservation::{self, Reservation};
use crate::db::models::settings;
use crate::db::models::wallet::{self, Wallet};
use crate::db::models::WalletId;
use crate::db::DbConnection;
use crate::domain::charging::ReservationState;
use crate::domain::subscriber::ChangeReason;
use crate::error::{AppError, AppResult};
use crate::service::audit::{Action, AuditEvent, ObjectKind};

/// Which action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelAction {
    Commit,
    Revoke,
    Delete,
}

impl PanelAction {
    pub fn parse(s: &str) -> Option<PanelAction> {
        match s {
            "commit" => Some(PanelAction::Commit),
            "revoke" => Some(PanelAction::Revoke),
            "delete" => Some(PanelAction::Delete),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            PanelAction::Commit => "commit",
            PanelAction::Revoke => "revoke",
            PanelAction::Delete => "delete",
        }
    }
}

/// A reservation as the confirmation page shows it.
#[derive(Debug, Clone)]
pub struct ReservationInfo {
    pub reservation: Reservation,
    pub wallet: Wallet,
    pub balance_code: String,
    pub unit: crate::domain::Unit,
    pub decimals: u32,
    /// The subscriber whose screen to go back to.
    pub subscriber_id: i64,
    pub audit_on: bool,
}

/// The reservation `id` if this operator may see its wallet (else 404).
pub fn find(conn: &mut DbConnection, by: &CurrentOperator, id: i64) -> AppResult<ReservationInfo> {
    let r = reservation::find(conn, id)?.ok_or(AppError::NotFound)?;
    let w = wallet::find(conn, WalletId(r.wallet_id))?
        .filter(|w| {
            by.service_provider_id
                .is_none_or(|p| p == w.service_provider_id)
        })
        .ok_or(AppError::NotFound)?;
    let bt = balance::find_type(conn, r.balance_type_id)?.ok_or(AppError::NotFound)?;
    let subscriber_id = *wallet::holder_ids(conn, w.id)?
        .first()
        .ok_or(AppError::NotFound)?;
    let decimals = crate::db::models::ref_data::all_currencies(conn)?
        .into_iter()
        .find(|c| c.id == w.currency_id)
        .map(|c| c.decimals.max(0) as u32)
        .unwrap_or(2);
    Ok(ReservationInfo {
        reservation: r,
        wallet: w,
        balance_code: bt.code,
        unit: bt.unit,
        decimals,
        subscriber_id,
        audit_on: settings::audit_financial_changes(conn)?,
    })
}

pub enum PanelOutcome {
    Done {
        subscriber_id: i64,
        state: ReservationState,
    },
    /// Nothing changed: the message for the reason field (missing reason) or the page (ended).
    Refused {
        info: Box<ReservationInfo>,
        field: &'static str,
        message: String,
    },
}

#[tracing::instrument(skip(conn, by, change_reason), fields(operator = %by.username))]
pub fn act(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    id: i64,
    action: PanelAction,
    change_reason: &str,
) -> AppResult<PanelOutcome> {
    let info = find(conn, by, id)?;
    let reason = if info.audit_on || !change_reason.trim().is_empty() {
        match ChangeReason::parse(change_reason) {
            Ok(r) => Some(r.into_inner()),
            Err(m) => {
                return Ok(PanelOutcome::Refused {
                    info: Box::new(info),
                    field: "change_reason",
                    message: m,
                })
            }
        }
    } else {
        None
    };
    let r = info.reservation.clone();
    let (state, charge, audit_action) = match action {
        PanelAction::Commit => (ReservationState::Committed, r.amount, Action::Commit),
        PanelAction::Revoke => (ReservationState::Revoked, 0, Action::Revoke),
        PanelAction::Delete => (
            ReservationState::Deleted,
            if r.charge_on_delete { r.amount } else { 0 },
            Action::Delete,
        ),
    };
    let how = by.actor();
    let outcome = in_write_transaction(conn, |conn| {
        if !balance::lock_wallet(conn, WalletId(r.wallet_id))? {
            return Err(Fail::App(AppError::NotFound));
        }
        let ender = Ender {
            how: &how,
            operator: Some(by.username.clone()),
            reason: reason.clone(),
        };
        let now = crate::db::now();
        let ended = end_reservation(conn, &r, state, charge, &ender, now)?;
        AuditEvent::new(ObjectKind::Reservation, r.id, audit_action)
            .before(&r)
            .after_value(serde_json::json!({
                "state": ended.state.code(),
                "used": ended.used,
                "edr_id": ended.edr_id,
            }))
            .reason(reason.clone())
            .write(conn, &how)?;
        Ok(ended)
    });
    match outcome {
        Ok(_) => Ok(PanelOutcome::Done {
            subscriber_id: info.subscriber_id,
            state,
        }),
        Err(Fail::Refused(Refusal::Ended(m))) => Ok(PanelOutcome::Refused {
            info: Box::new(info),
            field: "",
            message: m,
        }),
        Err(Fail::Refused(_)) => Err(AppError::NotFound),
        Err(Fail::App(e)) => Err(e),
    }
}
