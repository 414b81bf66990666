//! The JSON API's use cases. Each authenticates the bearer token first (401), finds the wallet
//! or reservation among its provider's (404), checks the input, and runs in one write
//! transaction holding the wallet (see the module above).

use super::tokens::{authenticate, ApiClient};
use super::{in_write_transaction, refuse, Outcome, Refusal};
use crate::db::models::balance::{self, BalanceType};
use crate::db::models::edr::{self, NewEdr};
use crate::db::models::reservation::{self, Ending, NewReservation, Reservation};
use crate::db::models::wallet::{self, Wallet};
use crate::db::models::WalletId;
use crate::db::DbConnection;
use crate::domain::balance::EdrType;
use crate::domain::charging::ReservationState;
use crate::domain::charging::{called_number, has_control, positive_amount, BearerToken};
use crate::domain::subscriber::WalletState;
use crate::service::money::debit;

/// The longest a reservation may be held: one day.
pub const MAX_EXPIRES_IN_S: i64 = 86_400;

/// One balance as the API shows it.
#[derive(Debug, Clone)]
pub struct BalanceView {
    pub balance_type: String,
    pub total: i64,
    pub available: i64,
    pub reserved: i64,
}

#[derive(Debug, Clone)]
pub struct WalletView {
    pub wallet_ref: String,
    pub state: String,
    pub balances: Vec<BalanceView>,
}

/// A reservation asked for.
#[derive(Debug, Clone)]
pub struct Reserve {
    pub balance_type: String,
    pub amount: i64,
    pub expires_in_s: i64,
    pub called_number: String,
    pub charge_on_delete: bool,
}

/// A direct charge asked for.
#[derive(Debug, Clone)]
pub struct Charge {
    pub balance_type: String,
    pub amount: i64,
    pub called_number: String,
    pub duration_s: i64,
}

/// A reservation after its end.
#[derive(Debug, Clone)]
pub struct Ended {
    pub id: i64,
    pub state: ReservationState,
    pub used: i64,
    pub edr_id: Option<i64>,
}

fn text(s: &str) -> Outcome<&str> {
    if has_control(s) {
        return refuse(Refusal::BadRequest(
            "A text field holds a control character.".into(),
        ));
    }
    Ok(s.trim())
}

fn invalid<T>(m: impl Into<String>) -> Outcome<T> {
    refuse(Refusal::Invalid(m.into()))
}

pub(super) fn wallet_of(
    conn: &mut DbConnection,
    c: ApiClient,
    wallet_ref: &str,
) -> Outcome<Wallet> {
    if has_control(wallet_ref) {
        return refuse(Refusal::NotFound);
    }
    match wallet::find_by_ref(conn, c.service_provider_id, wallet_ref)? {
        Some(w) => Ok(w),
        None => refuse(Refusal::NotFound),
    }
}

fn balance_type(conn: &mut DbConnection, w: &Wallet, code: &str) -> Outcome<BalanceType> {
    match balance::type_by_code(conn, w.service_provider_id, &code.to_ascii_uppercase())? {
        Some(bt) => Ok(bt),
        None => invalid(format!(
            "The wallet's provider has no balance type {code:?}."
        )),
    }
}

fn chargeable(w: &Wallet) -> Outcome<()> {
    match w.state {
        WalletState::Suspended | WalletState::Frozen | WalletState::Terminated => {
            refuse(Refusal::NotCovered)
        }
        _ => Ok(()),
    }
}

/// One balance of a held wallet: its buckets, what is available, and every open reservation
/// of the wallet (balance type, amount).
struct Coverage {
    current: Option<balance::Balance>,
    available: i64,
    held: Vec<(i64, i64)>,
}

/// Total, reserved and available of one balance type at `now`, the wallet being held.
fn coverage(conn: &mut DbConnection, w: &Wallet, bt: &BalanceType, now: i64) -> Outcome<Coverage> {
    let current = balance::one(conn, WalletId(w.id), bt)?;
    let held = reservation::held(conn, w.id, now)?;
    let reserved: i64 = held
        .iter()
        .filter(|(t, _)| *t == bt.id)
        .map(|(_, a)| *a)
        .sum();
    let total = current.as_ref().map(|b| b.total_at(now)).unwrap_or(0);
    Ok(Coverage {
        current,
        available: total - reserved,
        held,
    })
}

/// `GET /api/v1/wallets/{wallet_ref}`.
#[tracing::instrument(skip(conn, token))]
pub fn wallet(
    conn: &mut DbConnection,
    token: Option<&BearerToken>,
    wallet_ref: &str,
) -> Outcome<WalletView> {
    let c = authenticate(conn, token)?;
    let w = wallet_of(conn, c, wallet_ref)?;
    let now = crate::db::now();
    let held = reservation::held(conn, w.id, now)?;
    let balances = balance::of_wallet(conn, WalletId(w.id))?
        .into_iter()
        .map(|b| {
            let total = b.total_at(now);
            let reserved: i64 = held
                .iter()
                .filter(|(t, _)| *t == b.balance_type.id)
                .map(|(_, a)| *a)
                .sum();
            BalanceView {
                balance_type: b.balance_type.code.clone(),
                total,
                available: total - reserved,
                reserved,
            }
        })
        .collect();
    Ok(WalletView {
        wallet_ref: w.wallet_ref,
        state: w.state.code().to_string(),
        balances,
    })
}

/// The client's wallet `wallet_ref`, held for the transaction (`wallet::lock_by_ref`; 404).
fn held_wallet(conn: &mut DbConnection, c: ApiClient, wallet_ref: &str) -> Outcome<Wallet> {
    if has_control(wallet_ref) {
        return refuse(Refusal::NotFound);
    }
    match wallet::lock_by_ref(conn, c.service_provider_id, wallet_ref)? {
        Some(w) => Ok(w),
        None => refuse(Refusal::NotFound),
    }
}

/// `POST /api/v1/wallets/{wallet_ref}/reservations`: the new reservation's id.
///
/// Everything after the token runs in the write transaction: the wallet is found and held by
/// one statement, the checks that read nothing cost nothing there, and a refusal rolls back.
#[tracing::instrument(skip(conn, token))]
pub fn reserve(
    conn: &mut DbConnection,
    token: Option<&BearerToken>,
    wallet_ref: &str,
    r: &Reserve,
) -> Outcome<i64> {
    let c = authenticate(conn, token)?;
    let code = text(&r.balance_type)?.to_string();
    let number = text(&r.called_number)?.to_string();
    in_write_transaction(conn, |conn| {
        let w = held_wallet(conn, c, wallet_ref)?;
        let amount = positive_amount(r.amount).or_else(invalid)?;
        if !(1..=MAX_EXPIRES_IN_S).contains(&r.expires_in_s) {
            return invalid(format!(
                "expires_in_s must be from 1 to {MAX_EXPIRES_IN_S} seconds."
            ));
        }
        let number = called_number(&number).or_else(invalid)?;
        let bt = balance_type(conn, &w, &code)?;
        chargeable(&w)?;
        let now = crate::db::now();
        let c = coverage(conn, &w, &bt, now)?;
        if c.held.len() as i64 >= i64::from(w.max_concurrent) {
            return refuse(Refusal::TooMany);
        }
        if c.available - amount < debit::floor(&w, &bt) {
            return refuse(Refusal::NotCovered);
        }
        Ok(reservation::insert(
            conn,
            &NewReservation {
                service_provider_id: w.service_provider_id,
                wallet_id: w.id,
                balance_type_id: bt.id,
                amount,
                state: ReservationState::Open,
                charge_on_delete: r.charge_on_delete,
                called_number: number,
                expires_at: now + r.expires_in_s,
                created_at: now,
            },
        )?)
    })
}

/// The reservation `id` of the client's provider (404 otherwise).
fn reservation_of(conn: &mut DbConnection, c: ApiClient, id: i64) -> Outcome<Reservation> {
    match reservation::find(conn, id)? {
        Some(r) if r.service_provider_id == c.service_provider_id => Ok(r),
        _ => refuse(Refusal::NotFound),
    }
}

/// Who ends a reservation, and how it is recorded.
pub(crate) struct Ender<'a> {
    pub how: &'a str,
    pub operator: Option<String>,
    pub reason: Option<String>,
}

/// Ends the open reservation `r` as `state` (see `end_held`), reading it and its wallet afresh
/// first, inside the caller's transaction which holds the wallet.
pub(crate) fn end_reservation(
    conn: &mut DbConnection,
    r: &Reservation,
    state: ReservationState,
    charge: i64,
    by: &Ender,
    now: i64,
) -> Outcome<Ended> {
    let fresh = reservation::find(conn, r.id)?.ok_or(super::Fail::Refused(Refusal::NotFound))?;
    let w = wallet::find(conn, WalletId(r.wallet_id))?
        .ok_or(super::Fail::Refused(Refusal::NotFound))?;
    end_held(conn, &fresh, &w, state, charge, by, now)
}

/// Ends the reservation `r` (read in this transaction) of the held wallet `w` as `state`,
/// charging `charge` (0: nothing; the EDR is written for a commit all the same). Refused as
/// ended when it is no longer open (or has expired, unless `state` is an operator's action
/// that applies to expired ones too). The end is a conditional update: should `r` be stale
/// (another transaction ended it since it was read), the update changes nothing and the
/// refusal rolls the charge back with the rest.
fn end_held(
    conn: &mut DbConnection,
    r: &Reservation,
    w: &Wallet,
    state: ReservationState,
    charge: i64,
    by: &Ender,
    now: i64,
) -> Outcome<Ended> {
    let api_end = matches!(
        state,
        ReservationState::Committed | ReservationState::Released
    );
    if r.state != ReservationState::Open || (api_end && r.expires_at <= now) {
        return refuse(Refusal::Ended(format!(
            "Reservation {} has ended already ({}).",
            r.id,
            if r.state == ReservationState::Open {
                "expired"
            } else {
                r.state.code()
            }
        )));
    }
    let writes_edr = state == ReservationState::Committed || charge > 0;
    let (edr_id, charge) = if writes_edr {
        let bt = balance::find_type(conn, r.balance_type_id)?
            .ok_or(super::Fail::Refused(Refusal::NotFound))?;
        let current = balance::one(conn, WalletId(w.id), &bt)?;
        // A bucket that expired (or was taken by an operator) since the reservation was made
        // no longer covers it: charge at most what is there above the floor, never overdraw.
        let total = current.as_ref().map(|b| b.total_at(now)).unwrap_or(0);
        let charge = charge.min((total - debit::floor(w, &bt)).max(0));
        let part = if charge > 0 {
            debit::debit(conn, WalletId(w.id), &bt, current.as_ref(), charge, now)?
        } else {
            crate::db::models::edr::EdrBalance {
                balance_type_id: bt.id,
                before_total: total,
                after_total: total,
                cost: 0,
            }
        };
        let subscriber = wallet::holder_ids(conn, w.id)?.first().copied();
        let edr_id = edr::insert(
            conn,
            &NewEdr {
                edr_type: EdrType::Reservation,
                service_provider_id: w.service_provider_id,
                wallet_id: w.id,
                subscriber_id: subscriber,
                operator_name: by.operator.clone(),
                change_reason: by.reason.clone(),
                called_number: r.called_number.clone(),
                duration_s: (bt.unit == crate::domain::Unit::Time).then_some(charge),
                created_at: now,
            },
            &[part],
        )?;
        (Some(edr_id), charge)
    } else {
        (None, charge)
    };
    let ending = Ending {
        state,
        used: Some(charge),
        how: by.how,
        edr_id,
        at: now,
    };
    if !reservation::end(conn, r.id, &ending)? {
        return refuse(Refusal::Ended(format!(
            "Reservation {} has ended already.",
            r.id
        )));
    }
    Ok(Ended {
        id: r.id,
        state,
        used: charge,
        edr_id,
    })
}

/// The API's end of reservation `id`: read, checked by `check` (422), its wallet held, ended.
fn end_by_api(
    conn: &mut DbConnection,
    c: ApiClient,
    id: i64,
    state: ReservationState,
    used: i64,
    check: impl Fn(&Reservation) -> Outcome<()>,
) -> Outcome<Ended> {
    in_write_transaction(conn, |conn| {
        let r = reservation_of(conn, c, id)?;
        check(&r)?;
        let w = wallet::lock(conn, WalletId(r.wallet_id))?
            .ok_or(super::Fail::Refused(Refusal::NotFound))?;
        let by = Ender {
            how: "api",
            operator: None,
            reason: None,
        };
        end_held(conn, &r, &w, state, used, &by, crate::db::now())
    })
}

/// `POST /api/v1/reservations/{id}/commit`: charges `used` (at most the reserved amount).
#[tracing::instrument(skip(conn, token))]
pub fn commit(
    conn: &mut DbConnection,
    token: Option<&BearerToken>,
    id: i64,
    used: i64,
) -> Outcome<Ended> {
    let c = authenticate(conn, token)?;
    end_by_api(conn, c, id, ReservationState::Committed, used, |r| {
        if used < 0 || used > r.amount {
            return invalid(format!(
                "used must be from 0 to the reserved amount ({}).",
                r.amount
            ));
        }
        Ok(())
    })
}

/// `POST /api/v1/reservations/{id}/release`: ends it without a charge.
#[tracing::instrument(skip(conn, token))]
pub fn release(conn: &mut DbConnection, token: Option<&BearerToken>, id: i64) -> Outcome<Ended> {
    let c = authenticate(conn, token)?;
    end_by_api(conn, c, id, ReservationState::Released, 0, |_| Ok(()))
}

/// `POST /api/v1/wallets/{wallet_ref}/charges`: the EDR's id.
#[tracing::instrument(skip(conn, token))]
pub fn charge(
    conn: &mut DbConnection,
    token: Option<&BearerToken>,
    wallet_ref: &str,
    ch: &Charge,
) -> Outcome<i64> {
    let c = authenticate(conn, token)?;
    let code = text(&ch.balance_type)?.to_string();
    let number = text(&ch.called_number)?.to_string();
    in_write_transaction(conn, |conn| {
        let w = held_wallet(conn, c, wallet_ref)?;
        let amount = positive_amount(ch.amount).or_else(invalid)?;
        if !(0..=MAX_EXPIRES_IN_S * 7).contains(&ch.duration_s) {
            return invalid("duration_s must be from 0 to 604800 seconds.");
        }
        let number = called_number(&number).or_else(invalid)?;
        let bt = balance_type(conn, &w, &code)?;
        chargeable(&w)?;
        let now = crate::db::now();
        let c = coverage(conn, &w, &bt, now)?;
        if c.available - amount < debit::floor(&w, &bt) {
            return refuse(Refusal::NotCovered);
        }
        let part = debit::debit(conn, WalletId(w.id), &bt, c.current.as_ref(), amount, now)?;
        let subscriber = wallet::holder_ids(conn, w.id)?.first().copied();
        Ok(edr::insert(
            conn,
            &NewEdr {
                edr_type: EdrType::Charge,
                service_provider_id: w.service_provider_id,
                wallet_id: w.id,
                subscriber_id: subscriber,
                operator_name: None,
                change_reason: None,
                called_number: number,
                duration_s: Some(ch.duration_s),
                created_at: now,
            },
            &[part],
        )?)
    })
}
