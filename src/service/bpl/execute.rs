//! Executing a BPL task on one of the screen's subscriber's wallets: the parameters are checked
//! by their kinds first (a missing mandatory one refuses the task), then one write transaction
//! holds the wallet's row, takes the charge, runs the built-in action, writes the EDR and the
//! audit event. A refusal changes nothing.

use crate::auth::CurrentOperator;
use crate::db::models::balance::{self, BalanceType};
use crate::db::models::bpl_task::{self, Task};
use crate::db::models::settings;
use crate::db::models::subscriber::Subscriber;
use crate::db::models::wallet::{self, Wallet};
use crate::db::models::{SubscriberId, WalletId};
use crate::db::{write_transaction, DbConnection};
use crate::domain::balance::EdrType;
use crate::domain::subscriber::{ChangeReason, WalletType};
use crate::domain::transfer::{parse_days, parse_param, BplAction, ParamUse};
use crate::domain::Amount;
use crate::error::{AppError, AppResult};
use crate::service::access::subscriber_visible;
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use crate::service::money::ledger::{self, By};
use crate::service::transfers::execute::check_versions;
use crate::service::transfers::movement;
use crate::service::transfers::{refuse, Executed, Fail, Refusal};
use crate::state::{with_conn, AppState};

/// The BPL tasks panel's fields as posted (part of the edit form).
#[derive(Debug, Clone, Default)]
pub struct TaskForm {
    /// `bpl_wallet_type`: blank = primary.
    pub wallet_type: String,
    /// `bpl_param_{parameter id}` → the typed value.
    pub params: Vec<(String, String)>,
    /// `bpl_change_reason`.
    pub change_reason: String,
    /// The screen's wallet versions (`primary_version`, `secondary_version`); blank: unchecked.
    pub primary_version: String,
    pub secondary_version: String,
}

impl TaskForm {
    fn param(&self, id: i64) -> &str {
        let name = format!("bpl_param_{id}");
        self.params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// A task checked as far as it can be without holding the wallet.
#[derive(Debug, Clone)]
pub struct Prepared {
    task: Task,
    subscriber: Subscriber,
    wallet: Wallet,
    /// (parameter name, value) of the parameters given.
    values: Vec<(String, String)>,
    /// What the parameters supply: an amount (minor units) and days.
    amount: Option<i64>,
    days: Option<i32>,
    reason: Option<String>,
    versions: Vec<(i64, String)>,
}

impl Prepared {
    pub fn versions(&self) -> &[(i64, String)] {
        &self.versions
    }
}

/// "Execute only": task `task` on subscriber `id`'s wallet.
#[tracing::instrument(skip(state, by, form), fields(operator = %by.username))]
pub async fn execute(
    state: &AppState,
    by: &CurrentOperator,
    id: SubscriberId,
    task: i64,
    form: TaskForm,
) -> AppResult<Executed> {
    let scope = by.service_provider_id;
    let who = by.clone();
    with_conn(state, move |conn| {
        let p = match prepare(conn, scope, id, task, &form)? {
            Ok(p) => p,
            Err(r) => return Ok(Executed::Refused(r)),
        };
        let result = write_transaction(conn, |conn| {
            if !balance::lock_wallet(conn, WalletId(p.wallet.id))? {
                return Err(Fail::App(AppError::NotFound));
            }
            check_versions(conn, &p.versions)?;
            within(conn, &who, &p)
        });
        match result {
            Ok(done) => Ok(Executed::Done(done)),
            Err(Fail::Refused(mut r)) => {
                if r.field == "transfer" {
                    r.field = "bpl".into();
                }
                Ok(Executed::Refused(r))
            }
            Err(Fail::App(e)) => Err(e),
        }
    })
    .await
}

/// The task (404 when it is not the subscriber's provider's), the wallet, the parameters and
/// the reason, checked without locks.
pub fn prepare(
    conn: &mut DbConnection,
    scope: Option<i64>,
    id: SubscriberId,
    task: i64,
    form: &TaskForm,
) -> AppResult<Result<Prepared, Refusal>> {
    let subscriber = subscriber_visible(conn, scope, id.0)?;
    let task = bpl_task::find(conn, task)?
        .filter(|t| t.row.service_provider_id == subscriber.service_provider_id)
        .ok_or(AppError::NotFound)?;
    let wallet_type = if form.wallet_type.trim().is_empty() {
        WalletType::Primary
    } else {
        match WalletType::parse(&form.wallet_type) {
            Ok(t) => t,
            Err(m) => return Ok(Err(Refusal::new("bpl_wallet_type", m))),
        }
    };
    let held = wallet::held_by(conn, subscriber.id)?;
    let Some(w) = held
        .iter()
        .find(|h| h.wallet_type == wallet_type)
        .map(|h| h.wallet.clone())
    else {
        return Ok(Err(Refusal::new(
            "bpl_wallet_type",
            "This subscriber has no wallet of this type.",
        )));
    };
    let decimals = ledger::decimals(conn, w.currency_id)?;
    let adjusted = match task.row.balance_type_id {
        Some(bt) => balance::find_type(conn, bt)?,
        None => None,
    };
    let (mut values, mut amount, mut days) = (Vec::new(), None, None);
    for p in &task.params {
        let field = format!("bpl_param_{}", p.id);
        let value = match parse_param(p.kind, &p.choice_list(), form.param(p.id)) {
            Ok(v) => v,
            Err(m) => return Ok(Err(Refusal::new(field, m))),
        };
        let Some(value) = value else {
            if p.mandatory || p.supplies != ParamUse::Recorded {
                return Ok(Err(Refusal::new(
                    field,
                    format!("Enter {}: this parameter is mandatory.", p.name),
                )));
            }
            continue;
        };
        match p.supplies {
            ParamUse::Amount => {
                let unit = adjusted
                    .as_ref()
                    .map(|t| t.unit)
                    .unwrap_or(crate::domain::Unit::Units);
                match Amount::parse(&value, unit, decimals) {
                    Ok(a) if a != Amount::ZERO => amount = Some(a.minor()),
                    Ok(_) => {
                        return Ok(Err(Refusal::new(field, "Enter an amount other than zero.")))
                    }
                    Err(m) => return Ok(Err(Refusal::new(field, m))),
                }
            }
            ParamUse::Days => match parse_days(&value) {
                Ok(d) if d > 0 => days = Some(d),
                Ok(_) => return Ok(Err(Refusal::new(field, "Enter at least one day."))),
                Err(m) => return Ok(Err(Refusal::new(field, m))),
            },
            ParamUse::Recorded => {}
        }
        values.push((p.name.clone(), value));
    }
    let audit_on = settings::audit_financial_changes(conn)?;
    let reason = if audit_on || !form.change_reason.trim().is_empty() {
        match ChangeReason::parse(&form.change_reason) {
            Ok(r) => Some(r.into_inner()),
            Err(m) => return Ok(Err(Refusal::new("bpl_change_reason", m))),
        }
    } else {
        None
    };
    let versions = held
        .iter()
        .filter(|h| h.wallet.id == w.id)
        .map(|h| {
            let posted = match h.wallet_type {
                WalletType::Primary => &form.primary_version,
                WalletType::Secondary => &form.secondary_version,
            };
            (h.wallet.id, posted.clone())
        })
        .collect();
    Ok(Ok(Prepared {
        task,
        subscriber,
        wallet: w,
        values,
        amount,
        days,
        reason,
        versions,
    }))
}

fn balance_type(conn: &mut DbConnection, id: Option<i64>) -> Result<BalanceType, Fail> {
    match id {
        Some(id) => balance::find_type(conn, id)?.ok_or(Fail::App(AppError::NotFound)),
        None => Err(Fail::App(AppError::NotFound)),
    }
}

/// The task inside the caller's write transaction; returns the result in words.
pub fn within(conn: &mut DbConnection, by: &CurrentOperator, p: &Prepared) -> Result<String, Fail> {
    if !balance::lock_wallet(conn, WalletId(p.wallet.id))? {
        return Err(Fail::App(AppError::NotFound));
    }
    let w = wallet::find(conn, WalletId(p.wallet.id))?.ok_or(Fail::App(AppError::NotFound))?;
    let t = &p.task.row;
    let now = crate::db::now();
    let decimals = ledger::decimals(conn, w.currency_id)?;
    let before = ledger::snapshot(conn, w.id, now)?;
    let mut said = Vec::new();
    if let Some(ct) = t.charge_balance_type_id.filter(|_| t.charge > 0) {
        let bt = balance_type(conn, Some(ct))?;
        if let Err(m) = movement::charge(conn, &w, &bt, t.charge, now)? {
            return refuse("bpl", m);
        }
        said.push(format!(
            "charged {} {}",
            Amount::from_minor(t.charge).show(bt.unit, decimals),
            bt.code
        ));
    }
    match t.action {
        BplAction::AdjustBalance => {
            let bt = balance_type(conn, t.balance_type_id)?;
            let amount = p.amount.unwrap_or(t.amount);
            let show = |a: i64| Amount::from_minor(a).show(bt.unit, decimals);
            if amount > 0 {
                match movement::credit(conn, &w, &bt, amount, now)? {
                    Ok(c) => said.push(format!("{} adjusted by {}", bt.code, show(c))),
                    Err(m) => return refuse("bpl", m),
                }
            } else if amount < 0 {
                if let Err(m) = movement::charge(conn, &w, &bt, -amount, now)? {
                    return refuse("bpl", m);
                }
                said.push(format!("{} adjusted by {}", bt.code, show(amount)));
            }
        }
        BplAction::SwapProductType => {
            let Some(to) = t.product_type_id else {
                return Err(Fail::App(AppError::NotFound));
            };
            if !movement::swap_product(conn, &w, to, &by.actor())? {
                return refuse("bpl", "The wallet changed meanwhile; nothing was changed.");
            }
            said.push("product type swapped".to_string());
        }
        BplAction::SetWalletState => {
            let Some(state) = t.state() else {
                return Err(Fail::App(AppError::NotFound));
            };
            movement::set_state(conn, &w, state)?;
            said.push(format!("wallet state set to {}", state.label()));
        }
        BplAction::ExtendWalletExpiry => {
            let days = p.days.unwrap_or(t.extension_days);
            match movement::extend_wallet(conn, &w, days, now)? {
                Some(at) if w.expires_at.is_some() => said.push(format!(
                    "wallet expiry extended by {days} days to {}",
                    crate::domain::subscriber::date_input_value(at)
                )),
                _ => said.push("the wallet has no expiry, so it still has none".to_string()),
            }
        }
    }
    let after = ledger::snapshot(conn, w.id, now)?;
    let edr_id = ledger::write_edr(
        conn,
        &w,
        EdrType::BplTask,
        Some(p.subscriber.id),
        &By {
            operator_name: &by.username,
            reason: p.reason.as_deref(),
        },
        now,
        &ledger::parts(&before, &after),
    )?;
    let result = format!(
        "Task {} executed on wallet {}: {}.",
        t.name,
        w.wallet_ref,
        said.join("; ")
    );
    AuditEvent::new(ObjectKind::Wallet, w.id, Action::ExecuteTask)
        .after_value(serde_json::json!({
            "task": t.name,
            "action": t.action.code(),
            "parameters": p.values,
            "result": result,
            "edr_id": edr_id,
        }))
        .reason(p.reason.clone())
        .write(conn, &by.actor())?;
    wallet::bump_version(conn, w.id)?;
    Ok(result)
}
