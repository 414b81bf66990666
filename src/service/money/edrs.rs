//! The EDR viewer of a subscriber, the details of one EDR, and the reverse charge: who may see
//! called numbers unmasked (admins, and operators an admin allowed), and the undoing of an
//! EDR's balance changes — one transaction holding the wallet row, a `reversal` EDR that names
//! the original (a unique column, so an EDR is reversed once even when two reversals race), and
//! the audit event. Which EDR types may be reversed is `domain::balance::REVERSIBLE`.

use crate::auth::CurrentOperator;
use crate::db::models::balance::{self, BalanceType};
use crate::db::models::edr::{self, EdrBalance, EdrRow, NewEdr};
use crate::db::models::subscriber::Subscriber;
use crate::db::models::{operator, settings, OperatorId, WalletId};
use crate::db::{write_transaction, DbConnection};
use crate::domain::balance::{BucketDates, EdrType};
use crate::domain::subscriber::ChangeReason;
use crate::domain::{FormState, Role};
use crate::error::{AppError, AppResult};
use crate::lists::edrs::{self as list, EdrListRow, EdrParams, EdrQuery, Edrs};
use crate::service::access::subscriber_visible;
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use serde_json::json;

/// Whether operator `id` sees called numbers unmasked: admins always, others when allowed.
pub fn unmasked(conn: &mut DbConnection, id: i64) -> AppResult<bool> {
    Ok(operator::find(conn, OperatorId(id))?
        .is_some_and(|o| o.role == Role::Admin || o.edr_no_masking))
}

/// What the viewer shows.
#[derive(Debug)]
pub struct Viewer {
    pub subscriber: Subscriber,
    /// The filters as typed, with messages when some cannot be used.
    pub form: FormState,
    /// The query the export links repeat (`None`: the form has mistakes).
    pub query: Option<EdrQuery>,
    pub rows: Vec<EdrListRow>,
    /// More EDRs match than the page shows.
    pub more: bool,
    pub masked: bool,
}

/// The EDRs of subscriber `id` that `params` ask for, as `by` may see them.
#[tracing::instrument(skip(conn, by, params), fields(operator = %by.username))]
pub fn viewer(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    id: i64,
    params: &EdrParams,
) -> AppResult<Viewer> {
    let subscriber = subscriber_visible(conn, by.service_provider_id, id)?;
    let masked = !unmasked(conn, by.id)?;
    let form = params.form(&by.zone, crate::db::now());
    let (form, query, rows, more) = match list::parse(&form, subscriber.id, &by.zone) {
        Ok(mut q) => {
            q.mask = masked;
            let source = Edrs::new(q.clone());
            let mut rows = source.first(conn, list::PAGE_MAX + 1)?;
            let shown = q.limit.map_or(list::PAGE_MAX, |l| l.min(list::PAGE_MAX));
            let more = rows.len() as i64 > shown;
            rows.truncate(shown as usize);
            (form, Some(q), rows, more)
        }
        Err(f) => (f, None, Vec::new(), false),
    };
    Ok(Viewer {
        subscriber,
        form,
        query,
        rows,
        more,
        masked,
    })
}

/// One EDR with what its page shows.
#[derive(Debug)]
pub struct Details {
    pub row: EdrListRow,
    /// The EDR that reversed this one.
    pub reversed_by: Option<i64>,
    pub reversible: bool,
    /// Whether a reverse charge must give a reason (financial changes audited).
    pub reason_required: bool,
}

/// EDR `id` as `by` may see it (404 outside their provider).
#[tracing::instrument(skip(conn, by), fields(operator = %by.username))]
pub fn details(conn: &mut DbConnection, by: &CurrentOperator, id: i64) -> AppResult<Details> {
    let e = visible(conn, by, id)?;
    let mask = !unmasked(conn, by.id)?;
    let reversed_by = edr::reversal_of(conn, e.id)?;
    let reversible = e.edr_type.reversible() && reversed_by.is_none() && !e.partial;
    let subscriber = e.subscriber_id;
    let row = list::complete(conn, vec![e], subscriber, mask)?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(Details {
        row,
        reversed_by,
        reversible,
        reason_required: settings::audit_financial_changes(conn)?,
    })
}

fn visible(conn: &mut DbConnection, by: &CurrentOperator, id: i64) -> AppResult<EdrRow> {
    edr::find(conn, id)?
        .filter(|e| {
            by.service_provider_id
                .is_none_or(|p| p == e.service_provider_id)
        })
        .ok_or(AppError::NotFound)
}

/// How a reverse charge ended.
#[derive(Debug)]
pub enum Reversed {
    /// Done: the reversal EDR, and the subscriber whose viewer to go back to.
    Done {
        reversal_id: i64,
        subscriber_id: Option<i64>,
    },
    /// Refused by a rule or bad input; nothing changed.
    Refused(FormState),
    /// The EDR was reversed already (perhaps a moment ago by someone else); nothing changed.
    AlreadyReversed(FormState),
}

enum Fail {
    Refused(&'static str, String),
    Already,
    App(AppError),
}

impl From<diesel::result::Error> for Fail {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            // The unique reversal column: another reversal of this EDR committed first.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => Fail::Already,
            e => Fail::App(AppError::Db(e)),
        }
    }
}

impl From<AppError> for Fail {
    fn from(e: AppError) -> Self {
        Fail::App(e)
    }
}

/// Reverses EDR `id`: each balance type's cost comes back (a debit is credited, a credit taken
/// back) on the EDR's wallet, in its undated bucket; a `reversal` EDR and the audit event record
/// it. Refused for types that are not reversible, for partial EDRs, for a wallet that is gone,
/// when taking a credit back would take a balance without credit below zero, and without a
/// reason while financial changes are audited.
#[tracing::instrument(skip(conn, by, change_reason), fields(operator = %by.username))]
pub fn reverse(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    id: i64,
    change_reason: &str,
) -> AppResult<Reversed> {
    let original = visible(conn, by, id)?;
    let result = write_transaction(conn, |conn| reverse_in(conn, by, &original, change_reason));
    let form = |field: &str, message: String| {
        let mut f = FormState::default();
        f.set("change_reason", change_reason.trim());
        f.error(field, message);
        f
    };
    match result {
        Ok(reversal_id) => Ok(Reversed::Done {
            reversal_id,
            subscriber_id: original.subscriber_id,
        }),
        Err(Fail::Refused(field, m)) => Ok(Reversed::Refused(form(field, m))),
        Err(Fail::Already) => Ok(Reversed::AlreadyReversed(form(
            "change_reason",
            "This EDR has been reversed already; nothing was changed.".into(),
        ))),
        Err(Fail::App(e)) => Err(e),
    }
}

fn reverse_in(
    conn: &mut DbConnection,
    by: &CurrentOperator,
    e: &EdrRow,
    change_reason: &str,
) -> Result<i64, Fail> {
    let refuse = |field: &'static str, m: &str| Err(Fail::Refused(field, m.to_string()));
    if !e.edr_type.reversible() || e.partial {
        return refuse(
            "change_reason",
            "EDRs of this type cannot be reversed (only charges, reservation commits, recharges and adjustments can).",
        );
    }
    // Holding the wallet first queues concurrent reversals (and every other change) of it.
    if !balance::lock_wallet(conn, WalletId(e.wallet_id))? {
        return refuse("change_reason", "The wallet of this EDR no longer exists.");
    }
    if edr::reversal_of(conn, e.id)?.is_some() {
        return Err(Fail::Already);
    }
    let reason = if settings::audit_financial_changes(conn)? || !change_reason.trim().is_empty() {
        match ChangeReason::parse(change_reason) {
            Ok(r) => Some(r.into_inner()),
            Err(m) => return Err(Fail::Refused("change_reason", m)),
        }
    } else {
        None
    };
    let now = crate::db::now();
    let parts = edr::parts_of(conn, &[e.id])?;
    let balances = balance::of_wallet(conn, WalletId(e.wallet_id))?;
    let mut written = Vec::new();
    for p in parts.iter().filter(|p| p.cost != 0) {
        let current = balances
            .iter()
            .find(|b| b.balance_type.id == p.balance_type_id);
        let before_total = current.map(|b| b.total_at(now)).unwrap_or(0);
        let before_stored = current.map(|b| b.stored()).unwrap_or(0);
        let bt: Option<BalanceType> = current.map(|b| b.balance_type.clone());
        let allow_credit = match &bt {
            Some(bt) => bt.allow_credit,
            None => balance::find_type(conn, p.balance_type_id)?.is_some_and(|t| t.allow_credit),
        };
        // The cost was the fall of the balance: giving it back raises it by the cost.
        if before_total + p.cost < 0 && p.cost < 0 && !allow_credit {
            return refuse(
                "change_reason",
                "Taking this credit back would take the balance below zero, which it does not allow; nothing was changed.",
            );
        }
        let undated = current.and_then(|b| {
            b.buckets
                .iter()
                .find(|k| k.starts_at.is_none() && k.expires_at.is_none())
        });
        let dates = BucketDates {
            starts_at: None,
            expires_at: None,
        };
        match undated {
            Some(k) => {
                let Some(v) = k.value.checked_add(p.cost) else {
                    return refuse(
                        "change_reason",
                        "The balance would go beyond its largest amount.",
                    );
                };
                balance::update_bucket(conn, k.id, v, dates)?;
            }
            None => {
                let balance_id =
                    balance::balance_id(conn, WalletId(e.wallet_id), p.balance_type_id)?;
                balance::insert_bucket(conn, balance_id, p.cost, dates)?;
            }
        }
        written.push((p, before_total, before_stored));
    }
    let after = balance::of_wallet(conn, WalletId(e.wallet_id))?;
    let rows: Vec<EdrBalance> = written
        .iter()
        .map(|(p, before_total, before_stored)| {
            let a = after
                .iter()
                .find(|b| b.balance_type.id == p.balance_type_id);
            EdrBalance {
                balance_type_id: p.balance_type_id,
                before_total: *before_total,
                after_total: a.map(|b| b.total_at(now)).unwrap_or(0),
                cost: before_stored - a.map(|b| b.stored()).unwrap_or(0),
            }
        })
        .collect();
    let reversal_id = edr::insert_reversal(
        conn,
        &NewEdr {
            edr_type: EdrType::Reversal,
            service_provider_id: e.service_provider_id,
            wallet_id: e.wallet_id,
            subscriber_id: e.subscriber_id,
            operator_name: Some(by.username.clone()),
            change_reason: reason.clone(),
            called_number: e.called_number.clone(),
            duration_s: None,
            created_at: now,
        },
        e.id,
        &rows,
    )?;
    let image = |r: &[EdrBalance]| {
        r.iter()
            .map(|p| json!({"balance_type_id": p.balance_type_id, "total": p.after_total}))
            .collect::<Vec<_>>()
    };
    AuditEvent::new(ObjectKind::Wallet, e.wallet_id, Action::Reverse)
        .before_value(json!({
            "edr_id": e.id,
            "edr_type": e.edr_type.code(),
            "totals": rows.iter().map(|p| json!({"balance_type_id": p.balance_type_id, "total": p.before_total})).collect::<Vec<_>>(),
        }))
        .after_value(json!({ "reversal_edr_id": reversal_id, "totals": image(&rows) }))
        .reason(reason)
        .write(conn, &by.actor())?;
    // Charges given back may raise a tracker balance to a promotion's threshold.
    if let Some(w) = crate::db::models::wallet::find(conn, WalletId(e.wallet_id))? {
        super::promotions::award_due(
            conn,
            &w,
            e.subscriber_id,
            &super::promotions::Who {
                operator_name: Some(&by.username),
                actor: &by.actor(),
            },
            now,
        )?;
    }
    Ok(reversal_id)
}

/// The export of a subscriber's EDRs: the subscriber must be in the operator's scope; called
/// numbers masked unless the operator may see them.
pub fn export_query(
    conn: &mut DbConnection,
    operator_id: i64,
    scope: Option<i64>,
    mut query: EdrQuery,
) -> AppResult<(EdrQuery, Subscriber)> {
    let s = subscriber_visible(conn, scope, query.filter.subscriber_id)?;
    query.mask = !unmasked(conn, operator_id)?;
    Ok((query, s))
}
