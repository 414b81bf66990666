//! Adjustment limits: a range per product type and balance type, and an operator's own range
//! per balance type, which wins over the product type's. Set by admins (audited).

use crate::db::models::balance::{self, BalanceType, Limit, LimitOwner};
use crate::db::models::OperatorId;
use crate::db::schema::{operators, product_types};
use crate::db::{write_transaction, DbConnection};
use crate::domain::{Amount, FormState};
use crate::error::{AppError, AppResult};
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use diesel::prelude::*;
use serde::Deserialize;

use super::balance_types::CASH_DECIMALS;

/// The limits form (`balance_type_id, min, max`).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct LimitForm {
    pub balance_type_id: String,
    pub min: String,
    pub max: String,
}

/// The range that applies to `operator` adjusting `balance_type` on a wallet of `product_type`:
/// the operator's own when set, else the product type's; `None`: no limit is set.
pub fn range_for(
    conn: &mut DbConnection,
    operator: i64,
    product_type: i64,
    balance_type: i64,
) -> QueryResult<Option<Limit>> {
    match balance::limit_of(
        conn,
        LimitOwner::Operator(OperatorId(operator)),
        balance_type,
    )? {
        Some(l) => Ok(Some(l)),
        None => balance::limit_of(conn, LimitOwner::ProductType(product_type), balance_type),
    }
}

pub enum LimitSet {
    Saved,
    Invalid(FormState),
}

/// Sets the limit of a product type or an operator (404 when it does not exist).
#[tracing::instrument(skip(conn, form))]
pub fn set(
    conn: &mut DbConnection,
    actor: &str,
    owner: LimitOwner,
    form: &LimitForm,
) -> AppResult<LimitSet> {
    let exists: i64 = match owner {
        LimitOwner::ProductType(p) => product_types::table
            .filter(product_types::id.eq(p))
            .count()
            .get_result(conn)?,
        LimitOwner::Operator(o) => operators::table
            .filter(operators::id.eq(o.0))
            .count()
            .get_result(conn)?,
    };
    if exists == 0 {
        return Err(AppError::NotFound);
    }
    let mut f = FormState::default();
    f.set("balance_type_id", form.balance_type_id.trim());
    f.set("min", form.min.trim());
    f.set("max", form.max.trim());
    let bt: Option<BalanceType> = match form.balance_type_id.trim().parse::<i64>() {
        Ok(id) => balance::find_type(conn, id)?,
        Err(_) => None,
    };
    let Some(bt) = bt else {
        f.error("balance_type_id", "Choose a balance type from the list.");
        return Ok(LimitSet::Invalid(f));
    };
    let min = f.check("min", Amount::parse(&form.min, bt.unit, CASH_DECIMALS));
    let max = f.check("max", Amount::parse(&form.max, bt.unit, CASH_DECIMALS));
    let (Some(min), Some(max)) = (min, max) else {
        return Ok(LimitSet::Invalid(f));
    };
    if min > max {
        f.error("max", "The maximum must not be below the minimum.");
        return Ok(LimitSet::Invalid(f));
    }
    let limit = Limit { min, max };
    write_transaction(conn, |conn| -> AppResult<()> {
        balance::set_limit(conn, owner, bt.id, limit)?;
        let (kind, id) = match owner {
            LimitOwner::ProductType(p) => ("product_type", p),
            LimitOwner::Operator(o) => ("operator", o.0),
        };
        AuditEvent::new(ObjectKind::AdjustmentLimit, id, Action::Update)
            .after_value(serde_json::json!({
                "owner": kind,
                "balance_type": bt.code,
                "min": limit.min.minor(),
                "max": limit.max.minor(),
            }))
            .write(conn, actor)?;
        Ok(())
    })?;
    Ok(LimitSet::Saved)
}

/// For the panel: the range of each balance type for `operator` on `wallet`'s product type.
pub fn wallet_ranges(
    conn: &mut DbConnection,
    operator: i64,
    product_type: i64,
    types: &[BalanceType],
) -> QueryResult<Vec<(i64, Option<Limit>)>> {
    // Two queries whatever the number of balance types: the operator's own limits win.
    let own = balance::limits_of(conn, LimitOwner::Operator(OperatorId(operator)))?;
    let product = balance::limits_of(conn, LimitOwner::ProductType(product_type))?;
    let find = |list: &[(i64, Limit)], id: i64| list.iter().find(|(t, _)| *t == id).map(|p| p.1);
    Ok(types
        .iter()
        .map(|t| (t.id, find(&own, t.id).or_else(|| find(&product, t.id))))
        .collect())
}

/// What a limits page shows: whose limits, the balance types they may cover (with the current
/// range of each, as typed), nothing else.
pub struct LimitsView {
    pub owner_name: String,
    pub rows: Vec<(BalanceType, Option<Limit>)>,
    /// A product type's activation bonus per balance type (none for an operator).
    pub bonuses: Vec<(BalanceType, i64)>,
}

/// The limits of a product type or an operator (404 when it does not exist).
pub fn view(conn: &mut DbConnection, owner: LimitOwner) -> AppResult<LimitsView> {
    let owner_name: Option<String> = match owner {
        LimitOwner::ProductType(p) => product_types::table
            .filter(product_types::id.eq(p))
            .select(product_types::name)
            .first(conn)
            .optional()?,
        LimitOwner::Operator(o) => operators::table
            .filter(operators::id.eq(o.0))
            .select(operators::username)
            .first(conn)
            .optional()?,
    };
    let owner_name = owner_name.ok_or(AppError::NotFound)?;
    let mut rows = Vec::new();
    for t in balance::types(conn, None)? {
        let l = balance::limit_of(conn, owner, t.id)?;
        rows.push((t, l));
    }
    let bonuses = match owner {
        LimitOwner::ProductType(p) => balance::bonuses_of(conn, p)?,
        LimitOwner::Operator(_) => Vec::new(),
    };
    Ok(LimitsView {
        owner_name,
        rows,
        bonuses,
    })
}
