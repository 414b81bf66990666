//! The API's voucher recharge: the token's provider, its wallet, then the one recharge of
//! `money::vouchers` (the operator's form calls the same function), so the blacklist after
//! three failures and the single use of a voucher hold whichever way a recharge comes.

use super::api::wallet_of;
use super::tokens::authenticate;
use super::{refuse, Fail, Outcome, Refusal};
use crate::db::models::WalletId;
use crate::db::DbConnection;
use crate::domain::charging::{has_control, BearerToken};
use crate::error::AppError;
use crate::service::money::vouchers::{self, RechargeBy, RechargeOutcome};

/// A recharge done.
#[derive(Debug, Clone)]
pub struct Recharged {
    pub edr_id: i64,
    /// Less than the voucher's value when the balance's maximum cut it.
    pub credited: i64,
}

/// `POST /api/v1/wallets/{wallet_ref}/recharges`.
#[tracing::instrument(skip(conn, token, voucher_number, serial_number))]
pub fn recharge(
    conn: &mut DbConnection,
    token: Option<&BearerToken>,
    wallet_ref: &str,
    voucher_number: &str,
    serial_number: &str,
) -> Outcome<Recharged> {
    let client = authenticate(conn, token)?;
    if has_control(voucher_number) || has_control(serial_number) {
        return refuse(Refusal::BadRequest(
            "A text field holds a control character.".into(),
        ));
    }
    let w = wallet_of(conn, client, wallet_ref)?;
    let actor = format!("API token {}", client.token_id);
    let outcome = vouchers::recharge(
        conn,
        Some(client.service_provider_id),
        WalletId(w.id),
        voucher_number,
        serial_number,
        RechargeBy::Api { actor: &actor },
    )
    .map_err(|e| match e {
        AppError::NotFound => Fail::Refused(Refusal::NotFound),
        AppError::Refused(m) | AppError::Conflict(m) => Fail::Refused(Refusal::Invalid(m)),
        e => Fail::App(e),
    })?;
    match outcome {
        RechargeOutcome::Recharged {
            edr_id, credited, ..
        } => Ok(Recharged { edr_id, credited }),
        // Every refusal is of the voucher (or the balance's maximum): 422 with its message;
        // a failure still counted towards the blacklist, as on the form.
        RechargeOutcome::Refused { why, .. } => refuse(Refusal::Invalid(why.message().1)),
    }
}
