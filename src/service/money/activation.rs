//! Wallet activation: when a wallet goes from pre-use to active (the edit screen's state change,
//! or a merge of a pre-use source), its product type's activation bonus is credited under the
//! max-balance policy — limit: the balance is set to its maximum and the wallet is active;
//! reject: neither the state nor any balance changes. One `activation` EDR when a balance moved,
//! and the audit event. The bonus itself is set by admins per product type and balance type.

use super::ledger::{self, By};
use crate::db::models::balance::{self, BalanceType};
use crate::db::models::wallet::Wallet;
use crate::db::{write_transaction, DbConnection};
use crate::domain::balance::{EdrType, MaxPolicy};
use crate::domain::{Amount, FormState};
use crate::error::{AppError, AppResult};
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use serde::Deserialize;

/// Why an activation did not happen.
#[derive(Debug)]
pub enum NotActivated {
    /// The bonus would take a reject-policy balance beyond its maximum: the message.
    Refused(String),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for NotActivated {
    fn from(e: diesel::result::Error) -> Self {
        NotActivated::Db(e)
    }
}

/// Credits wallet `w`'s activation bonus (the caller holds the wallet row in its transaction
/// and sets the state). Bonuses of balance types of another provider are skipped.
pub fn apply_bonus(
    conn: &mut DbConnection,
    w: &Wallet,
    subscriber_id: Option<i64>,
    by: &By<'_>,
    actor: &str,
) -> Result<(), NotActivated> {
    let now = crate::db::now();
    let bonuses: Vec<(BalanceType, i64)> = balance::bonuses_of(conn, w.product_type_id)?
        .into_iter()
        .filter(|(bt, _)| bt.service_provider_id == w.service_provider_id)
        .collect();
    if bonuses.is_empty() {
        return Ok(());
    }
    let before = ledger::snapshot(conn, w.id, now)?;
    let decimals = ledger::decimals(conn, w.currency_id)?;
    let mut credited = Vec::new();
    for (bt, amount) in &bonuses {
        let total = before
            .iter()
            .find(|(id, _, _)| *id == bt.id)
            .map(|(_, t, _)| *t)
            .unwrap_or(0);
        let credit = match bt.max_value {
            Some(max) if *amount > 0 && total.saturating_add(*amount) > max => {
                match bt.max_policy {
                    MaxPolicy::Reject => {
                        return Err(NotActivated::Refused(format!(
                            "The activation bonus would take {} beyond its maximum of {}, so the \
                         wallet was not activated and nothing was changed.",
                            bt.code,
                            Amount::from_minor(max).show(bt.unit, decimals)
                        )))
                    }
                    MaxPolicy::Limit => (max - total).max(0),
                }
            }
            _ => *amount,
        };
        if credit != 0 {
            ledger::credit_undated(conn, w.id, bt.id, credit)?;
        }
        credited.push(serde_json::json!({"balance_type": bt.code, "credit": credit}));
    }
    let after = ledger::snapshot(conn, w.id, now)?;
    let parts = ledger::parts(&before, &after);
    let edr_id = if parts.is_empty() {
        None
    } else {
        Some(ledger::write_edr(
            conn,
            w,
            EdrType::Activation,
            subscriber_id,
            by,
            now,
            &parts,
        )?)
    };
    AuditEvent::new(ObjectKind::Wallet, w.id, Action::Activate)
        .after_value(serde_json::json!({"bonus": credited, "edr_id": edr_id}))
        .reason(by.reason)
        .write(conn, actor)?;
    // A bonus on a tracker balance may reach a promotion's threshold.
    super::promotions::award_due(
        conn,
        w,
        subscriber_id,
        &super::promotions::Who {
            operator_name: Some(by.operator_name),
            actor,
        },
        now,
    )?;
    Ok(())
}

/// The bonus form of a product type (`balance_type_id, amount`; 0 or blank: no bonus).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct BonusForm {
    pub balance_type_id: String,
    pub amount: String,
}

pub enum BonusSet {
    Saved,
    Invalid(FormState),
}

/// Sets a product type's activation bonus of one balance type (admins; audited; 404 for an
/// unknown product type).
#[tracing::instrument(skip(conn, form))]
pub fn set_bonus(
    conn: &mut DbConnection,
    actor: &str,
    product_type: i64,
    form: &BonusForm,
) -> AppResult<BonusSet> {
    use crate::db::schema::product_types;
    use diesel::prelude::*;
    let exists: i64 = product_types::table
        .filter(product_types::id.eq(product_type))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        return Err(AppError::NotFound);
    }
    let mut f = FormState::default();
    f.set("bonus_balance_type_id", form.balance_type_id.trim());
    f.set("bonus_amount", form.amount.trim());
    let bt = match form.balance_type_id.trim().parse::<i64>() {
        Ok(id) => balance::find_type(conn, id)?,
        Err(_) => None,
    };
    let Some(bt) = bt else {
        f.error(
            "bonus_balance_type_id",
            "Choose a balance type from the list.",
        );
        return Ok(BonusSet::Invalid(f));
    };
    let amount = if form.amount.trim().is_empty() {
        Some(Amount::ZERO)
    } else {
        f.check(
            "bonus_amount",
            Amount::parse_non_negative(&form.amount, bt.unit, super::balance_types::CASH_DECIMALS),
        )
    };
    let Some(amount) = amount else {
        return Ok(BonusSet::Invalid(f));
    };
    write_transaction(conn, |conn| -> AppResult<()> {
        balance::set_bonus(conn, product_type, bt.id, amount.minor())?;
        AuditEvent::new(ObjectKind::ProductType, product_type, Action::SetBonus)
            .after_value(serde_json::json!({
                "balance_type": bt.code,
                "activation_bonus": amount.minor(),
            }))
            .write(conn, actor)?;
        Ok(())
    })?;
    Ok(BonusSet::Saved)
}
