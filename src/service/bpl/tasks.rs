//! BPL tasks, the admin's reference data per service provider: list, create and delete, each
//! audited. The form: `service_provider_id, name, action, balance_type_id, amount,
//! product_type_id, wallet_state, extension_days, charge_balance_type_id, charge`, and up to
//! `PARAM_ROWS` parameters `param_name_{n}, param_kind_{n}, param_mandatory_{n},
//! param_choices_{n}, param_supplies_{n}`.

use crate::auth::csrf::Fields;
use crate::db::models::balance::{self, BalanceType};
use crate::db::models::bpl_task::{self, NewBplParam, NewBplTask, Task};
use crate::db::models::ref_data::{self, RefKind};
use crate::db::models::reference;
use crate::db::{write_transaction, DbConnection};
use crate::domain::subscriber::{RefName, WalletState};
use crate::domain::transfer::{parse_choices, parse_days, BplAction, ParamKind, ParamUse};
use crate::domain::{Amount, FormState, Unit};
use crate::error::{AppError, AppResult};
use crate::service::audit::{AuditEvent, ObjectKind};
use crate::service::money::balance_types::CASH_DECIMALS;

/// How many parameter rows the form has.
pub const PARAM_ROWS: usize = 3;

/// What the admin page lists and chooses from.
pub struct Listing {
    pub tasks: Vec<Task>,
    pub providers: Vec<(i64, String)>,
    pub balance_types: Vec<BalanceType>,
    pub product_types: Vec<(i64, String)>,
}

pub fn listing(conn: &mut DbConnection) -> AppResult<Listing> {
    Ok(Listing {
        tasks: bpl_task::list(conn, None)?,
        providers: reference::service_providers(conn)?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect(),
        balance_types: balance::types(conn, None)?,
        product_types: ref_data::options(conn, RefKind::ProductTypes)?,
    })
}

pub enum Created {
    Created(i64),
    Invalid(FormState),
}

fn posted(fields: &Fields) -> FormState {
    let mut f = FormState::default();
    for (name, value) in &fields.0 {
        if name != "csrf_token" {
            f.set(name, value.trim());
        }
    }
    f
}

type Parsed = (NewBplTask, Vec<NewBplParam>);

fn parse(conn: &mut DbConnection, fields: &Fields) -> AppResult<Result<Parsed, FormState>> {
    let get = |n: &str| fields.get(n).unwrap_or("").trim().to_string();
    let mut f = posted(fields);
    let providers = reference::service_providers(conn)?;
    let provider = f.check(
        "service_provider_id",
        get("service_provider_id")
            .parse::<i64>()
            .ok()
            .filter(|id| providers.iter().any(|p| p.id == *id))
            .ok_or_else(|| "Choose a service provider from the list.".to_string()),
    );
    let name = f.check("name", RefName::parse(&get("name")));
    let action = f.check("action", BplAction::parse(&get("action")));
    let types = balance::types(conn, provider)?;
    let type_of = |typed: &str| {
        typed
            .parse::<i64>()
            .ok()
            .and_then(|id| types.iter().find(|t| t.id == id))
            .cloned()
    };
    let product_types = ref_data::options(conn, RefKind::ProductTypes)?;

    // The parameters first: a parameter may supply the action's amount or days.
    let mut params = Vec::new();
    for n in 1..=PARAM_ROWS {
        let field = |k: &str| format!("param_{k}_{n}");
        let typed_name = get(&field("name"));
        let typed_choices = get(&field("choices"));
        if typed_name.is_empty() {
            if !typed_choices.is_empty() {
                f.error(&field("name"), "Name the parameter these choices are for.");
            }
            continue;
        }
        let pname = f.check(&field("name"), RefName::parse(&typed_name));
        let kind = f.check(&field("kind"), ParamKind::parse(&get(&field("kind"))));
        let supplies = match get(&field("supplies")).as_str() {
            "" => Some(ParamUse::Recorded),
            typed => f.check(&field("supplies"), ParamUse::parse(typed)),
        };
        let choices = match kind {
            Some(ParamKind::Choice) => f
                .check(&field("choices"), parse_choices(&typed_choices))
                .map(|c| c.join(",")),
            _ if !typed_choices.is_empty() => {
                f.error(&field("choices"), "Only a choice parameter lists choices.");
                None
            }
            _ => Some(String::new()),
        };
        if let (Some(ParamUse::Amount | ParamUse::Days), Some(k)) = (supplies, kind) {
            if k != ParamKind::Number {
                f.error(
                    &field("supplies"),
                    "Only a number parameter supplies an amount or days.",
                );
            }
        }
        let fits = match supplies {
            Some(ParamUse::Amount) => action == Some(BplAction::AdjustBalance),
            Some(ParamUse::Days) => action == Some(BplAction::ExtendWalletExpiry),
            _ => true,
        };
        if !fits {
            f.error(&field("supplies"), "The task's action takes no such value.");
        }
        if let (Some(pname), Some(kind), Some(supplies), Some(choices)) =
            (pname, kind, supplies, choices)
        {
            if supplies != ParamUse::Recorded
                && params.iter().any(|p: &NewBplParam| p.supplies == supplies)
            {
                f.error(
                    &field("supplies"),
                    "Another parameter supplies this already.",
                );
            }
            params.push(NewBplParam {
                task_id: 0,
                position: n as i32,
                name: pname.into_inner(),
                kind,
                mandatory: fields
                    .get(&field("mandatory"))
                    .is_some_and(|v| !v.is_empty()),
                choices,
                supplies,
            });
        }
    }
    let supplied = |u: ParamUse| params.iter().any(|p| p.supplies == u);

    let (mut balance_type_id, mut amount, mut product_type_id, mut wallet_state, mut days) =
        (None, 0, None, None, 0);
    match action {
        Some(BplAction::AdjustBalance) => {
            let bt = f.check(
                "balance_type_id",
                type_of(&get("balance_type_id"))
                    .ok_or_else(|| "Choose the balance type to adjust.".to_string()),
            );
            if let Some(bt) = bt {
                balance_type_id = Some(bt.id);
                let typed = get("amount");
                if typed.is_empty() && supplied(ParamUse::Amount) {
                    amount = 0;
                } else if let Some(a) =
                    f.check("amount", Amount::parse(&typed, bt.unit, CASH_DECIMALS))
                {
                    if a == Amount::ZERO {
                        f.error(
                            "amount",
                            "Enter an amount other than zero, or let a parameter supply it.",
                        );
                    }
                    amount = a.minor();
                }
            }
        }
        Some(BplAction::SwapProductType) => {
            product_type_id = f.check(
                "product_type_id",
                get("product_type_id")
                    .parse::<i64>()
                    .ok()
                    .filter(|id| product_types.iter().any(|(p, _)| p == id))
                    .ok_or_else(|| "Choose the product type to swap to.".to_string()),
            );
        }
        Some(BplAction::SetWalletState) => {
            wallet_state = f
                .check("wallet_state", WalletState::parse(&get("wallet_state")))
                .map(|s| s.code().to_string());
        }
        Some(BplAction::ExtendWalletExpiry) => {
            if let Some(d) = f.check("extension_days", parse_days(&get("extension_days"))) {
                if d == 0 && !supplied(ParamUse::Days) {
                    f.error(
                        "extension_days",
                        "Enter the days to extend by, or let a parameter supply them.",
                    );
                }
                days = d;
            }
        }
        None => {}
    }
    let charge_type = match get("charge_balance_type_id").as_str() {
        "" => Some(None),
        typed => f.check(
            "charge_balance_type_id",
            type_of(typed)
                .filter(|t| t.unit == Unit::Cash)
                .map(Some)
                .ok_or_else(|| "Choose a cash balance type for the charge.".to_string()),
        ),
    };
    let charge = match get("charge").as_str() {
        "" => Some(0),
        typed => f
            .check(
                "charge",
                Amount::parse_non_negative(typed, Unit::Cash, CASH_DECIMALS),
            )
            .map(Amount::minor),
    };
    if let (Some(None), Some(c)) = (&charge_type, charge) {
        if c > 0 {
            f.error(
                "charge_balance_type_id",
                "Choose the balance type the charge is taken from.",
            );
        }
    }
    let (Some(provider), Some(name), Some(action), Some(charge_type), Some(charge)) =
        (provider, name, action, charge_type, charge)
    else {
        return Ok(Err(f));
    };
    if f.has_errors() {
        return Ok(Err(f));
    }
    Ok(Ok((
        NewBplTask {
            service_provider_id: provider,
            name: name.into_inner(),
            action,
            balance_type_id,
            amount,
            product_type_id,
            wallet_state,
            extension_days: days,
            charge_balance_type_id: charge_type.map(|t| t.id),
            charge,
            created_at: crate::db::now(),
        },
        params,
    )))
}

/// Adds a task; 422 with messages for bad input or a name the provider has already.
#[tracing::instrument(skip(conn, fields))]
pub fn create(conn: &mut DbConnection, actor: &str, fields: &Fields) -> AppResult<Created> {
    let (task, params) = match parse(conn, fields)? {
        Ok(p) => p,
        Err(f) => return Ok(Created::Invalid(f)),
    };
    let id = write_transaction(conn, |conn| -> AppResult<Option<i64>> {
        if bpl_task::name_taken(conn, task.service_provider_id, &task.name)? {
            return Ok(None);
        }
        let id = bpl_task::insert(conn, &task, &params)?;
        AuditEvent::created(
            ObjectKind::BplTask,
            id,
            &serde_json::json!({"task": task, "parameters": params}),
        )
        .write(conn, actor)?;
        Ok(Some(id))
    })?;
    match id {
        Some(id) => Ok(Created::Created(id)),
        None => {
            let mut f = posted(fields);
            f.error(
                "name",
                "This service provider has a BPL task of this name already.",
            );
            Ok(Created::Invalid(f))
        }
    }
}

/// Deletes task `id` (404 when it is gone); returns its name.
#[tracing::instrument(skip(conn))]
pub fn delete(conn: &mut DbConnection, actor: &str, id: i64) -> AppResult<String> {
    write_transaction(conn, |conn| {
        let before = bpl_task::find(conn, id)?.ok_or(AppError::NotFound)?;
        if !bpl_task::delete(conn, id)? {
            return Err(AppError::NotFound);
        }
        AuditEvent::deleted(ObjectKind::BplTask, id, &before).write(conn, actor)?;
        Ok(before.row.name)
    })
}
