//! Transfer definitions, the admin's reference data per service provider: list, create, edit
//! (version-checked) and delete, each audited. A definition's form: `service_provider_id,
//! name, kind, cost_balance_type_id, cost, pin_required, wallet_expiry_extension_days,
//! swap_product_type_id, allowed_product_type_ids` (repeated) and up to `GIVES_ROWS` rows of
//! `gives_balance_type_id_{n}, gives_value_{n}, gives_expiry_extension_days_{n}`.

use crate::auth::csrf::Fields;
use crate::db::models::balance::{self, BalanceType};
use crate::db::models::ref_data::{self, RefKind};
use crate::db::models::reference;
use crate::db::models::transfer::{self, Definition, DefinitionFields, Gives};
use crate::db::{write_transaction, DbConnection};
use crate::domain::subscriber::RefName;
use crate::domain::transfer::{parse_days, TransferKind};
use crate::domain::{Amount, FormState, Unit};
use crate::error::{AppError, AppResult};
use crate::service::audit::{AuditEvent, ObjectKind};
use crate::service::money::balance_types::CASH_DECIMALS;

/// How many "recipient gets" rows the form has.
pub const GIVES_ROWS: usize = 3;

/// What the admin page lists and chooses from.
pub struct Listing {
    pub definitions: Vec<Definition>,
    pub providers: Vec<(i64, String)>,
    pub balance_types: Vec<BalanceType>,
    pub product_types: Vec<(i64, String)>,
}

pub fn listing(conn: &mut DbConnection) -> AppResult<Listing> {
    Ok(Listing {
        definitions: transfer::list(conn, None)?,
        providers: reference::service_providers(conn)?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect(),
        balance_types: balance::types(conn, None)?,
        product_types: ref_data::options(conn, RefKind::ProductTypes)?,
    })
}

/// What a save led to.
pub enum Saved {
    Saved(i64),
    Invalid(FormState),
    /// Someone else changed or deleted the definition meanwhile: nothing was written.
    Stale(FormState),
}

/// A definition's values as the form shows them.
pub fn form_of(d: &Definition, types: &[BalanceType]) -> FormState {
    let r = &d.row;
    let mut f = FormState::default();
    let unit = |id: i64| {
        types
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.unit)
            .unwrap_or(Unit::Cash)
    };
    f.set("service_provider_id", r.service_provider_id.to_string());
    f.set("name", r.name.clone());
    f.set("kind", r.kind.code());
    f.set("cost_balance_type_id", r.cost_balance_type_id.to_string());
    f.set(
        "cost",
        Amount::from_minor(r.cost).input_value(Unit::Cash, CASH_DECIMALS),
    );
    if r.pin_required {
        f.set("pin_required", "on");
    }
    if r.wallet_expiry_extension_days > 0 {
        f.set(
            "wallet_expiry_extension_days",
            r.wallet_expiry_extension_days.to_string(),
        );
    }
    f.set(
        "swap_product_type_id",
        r.swap_product_type_id
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    for p in &d.allowed_product_types {
        f.set(&format!("allowed_product_type_{p}"), "on");
    }
    for (i, g) in d.gives.iter().enumerate().take(GIVES_ROWS) {
        let n = i + 1;
        f.set(
            &format!("gives_balance_type_id_{n}"),
            g.balance_type_id.to_string(),
        );
        if g.value > 0 {
            f.set(
                &format!("gives_value_{n}"),
                Amount::from_minor(g.value).input_value(unit(g.balance_type_id), CASH_DECIMALS),
            );
        }
        if g.bucket_expiry_extension_days > 0 {
            f.set(
                &format!("gives_expiry_extension_days_{n}"),
                g.bucket_expiry_extension_days.to_string(),
            );
        }
    }
    f.set("version", r.version.to_string());
    f
}

/// The posted values, to show the form again.
fn posted(fields: &Fields) -> FormState {
    let mut f = FormState::default();
    for (name, value) in &fields.0 {
        if name == "csrf_token" {
            continue;
        }
        if name == "allowed_product_type_ids" {
            f.set(&format!("allowed_product_type_{}", value.trim()), "on");
        } else {
            f.set(name, value.trim());
        }
    }
    f
}

type Parsed = (DefinitionFields, Vec<Gives>, Vec<i64>);

/// Checks the posted form against the reference data; `Err` with the messages.
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
    let kind = f.check("kind", TransferKind::parse(&get("kind")));
    let types = balance::types(conn, provider)?;
    let type_of = |typed: &str| {
        typed
            .parse::<i64>()
            .ok()
            .and_then(|id| types.iter().find(|t| t.id == id))
            .cloned()
    };
    let cost_type = f.check(
        "cost_balance_type_id",
        type_of(&get("cost_balance_type_id"))
            .filter(|t| t.unit == Unit::Cash)
            .ok_or_else(|| {
                "Choose a cash balance type of this service provider for the cost.".to_string()
            }),
    );
    let cost = f.check(
        "cost",
        Amount::parse_non_negative(&get("cost"), Unit::Cash, CASH_DECIMALS),
    );
    let wallet_days = f.check(
        "wallet_expiry_extension_days",
        parse_days(&get("wallet_expiry_extension_days")),
    );
    let product_types = ref_data::options(conn, RefKind::ProductTypes)?;
    let product_type = |typed: &str| {
        typed
            .parse::<i64>()
            .ok()
            .filter(|id| product_types.iter().any(|(p, _)| p == id))
    };
    let swap = match get("swap_product_type_id").as_str() {
        "" => Some(None),
        typed => f.check(
            "swap_product_type_id",
            product_type(typed)
                .map(Some)
                .ok_or_else(|| "Choose a product type from the list.".to_string()),
        ),
    };
    let mut allowed = Vec::new();
    for typed in fields.all("allowed_product_type_ids") {
        match product_type(typed.trim()) {
            Some(p) if !allowed.contains(&p) => allowed.push(p),
            Some(_) => {}
            None => f.error(
                "allowed_product_type_ids",
                "Choose product types from the list.",
            ),
        }
    }
    allowed.sort_unstable();
    let mut gives: Vec<Gives> = Vec::new();
    for n in 1..=GIVES_ROWS {
        let (bt_field, value_field, days_field) = (
            format!("gives_balance_type_id_{n}"),
            format!("gives_value_{n}"),
            format!("gives_expiry_extension_days_{n}"),
        );
        let (typed_bt, typed_value, typed_days) =
            (get(&bt_field), get(&value_field), get(&days_field));
        if typed_bt.is_empty() {
            if !typed_value.is_empty() || !typed_days.is_empty() {
                f.error(&bt_field, "Choose the balance type this row gives.");
            }
            continue;
        }
        let Some(bt) = type_of(&typed_bt) else {
            f.error(&bt_field, "Choose a balance type of this service provider.");
            continue;
        };
        if gives.iter().any(|g| g.balance_type_id == bt.id) {
            f.error(&bt_field, "Give each balance type in one row only.");
            continue;
        }
        let value = if typed_value.is_empty() {
            Some(0)
        } else {
            f.check(
                &value_field,
                Amount::parse_non_negative(&typed_value, bt.unit, CASH_DECIMALS),
            )
            .map(Amount::minor)
        };
        let days = f.check(&days_field, parse_days(&typed_days));
        if let (Some(value), Some(days)) = (value, days) {
            if value == 0 && days == 0 {
                f.error(
                    &value_field,
                    "Give a value, or days to extend the bucket expiry by.",
                );
                continue;
            }
            gives.push(Gives {
                balance_type_id: bt.id,
                value,
                bucket_expiry_extension_days: days,
            });
        }
    }
    if gives.is_empty() && wallet_days == Some(0) && matches!(swap, Some(None)) {
        f.error(
            "gives_balance_type_id_1",
            "Say what the recipient gets: a balance value, an expiry extension or a product type swap.",
        );
    }
    let (
        Some(provider),
        Some(name),
        Some(kind),
        Some(cost_type),
        Some(cost),
        Some(wallet_days),
        Some(swap),
    ) = (provider, name, kind, cost_type, cost, wallet_days, swap)
    else {
        return Ok(Err(f));
    };
    if f.has_errors() {
        return Ok(Err(f));
    }
    Ok(Ok((
        DefinitionFields {
            service_provider_id: provider,
            name: name.into_inner(),
            kind,
            cost_balance_type_id: cost_type.id,
            cost: cost.minor(),
            wallet_expiry_extension_days: wallet_days,
            swap_product_type_id: swap,
            pin_required: fields.get("pin_required").is_some_and(|v| !v.is_empty()),
        },
        gives,
        allowed,
    )))
}

const NAME_TAKEN: &str = "This service provider has a transfer definition of this name already.";

/// Adds a definition; 422 with messages for bad input or a name the provider has already.
#[tracing::instrument(skip(conn, fields))]
pub fn create(conn: &mut DbConnection, actor: &str, fields: &Fields) -> AppResult<Saved> {
    let (row, gives, allowed) = match parse(conn, fields)? {
        Ok(p) => p,
        Err(f) => return Ok(Saved::Invalid(f)),
    };
    let result = write_transaction(conn, |conn| -> AppResult<Option<i64>> {
        if transfer::name_taken(conn, row.service_provider_id, &row.name, None)? {
            return Ok(None);
        }
        let id = transfer::insert(conn, &row, &gives, &allowed)?;
        AuditEvent::created(
            ObjectKind::TransferDefinition,
            id,
            &serde_json::json!({"definition": row, "gives": gives, "allowed_product_types": allowed}),
        )
        .write(conn, actor)?;
        Ok(Some(id))
    })?;
    match result {
        Some(id) => Ok(Saved::Saved(id)),
        None => {
            let mut f = posted(fields);
            f.error("name", NAME_TAKEN);
            Ok(Saved::Invalid(f))
        }
    }
}

/// Changes definition `id` if it still has the posted `version`.
#[tracing::instrument(skip(conn, fields))]
pub fn update(conn: &mut DbConnection, actor: &str, id: i64, fields: &Fields) -> AppResult<Saved> {
    let before = transfer::find(conn, id)?.ok_or(AppError::NotFound)?;
    let (row, gives, allowed) = match parse(conn, fields)? {
        Ok(p) => p,
        Err(f) => return Ok(Saved::Invalid(f)),
    };
    let version = fields
        .get("version")
        .and_then(|v| v.trim().parse::<i32>().ok())
        .unwrap_or(-1);
    enum End {
        Done,
        Taken,
        Stale,
    }
    let end = write_transaction(conn, |conn| -> AppResult<End> {
        if transfer::name_taken(conn, row.service_provider_id, &row.name, Some(id))? {
            return Ok(End::Taken);
        }
        if !transfer::update(conn, id, version, &row, &gives, &allowed)? {
            return Ok(End::Stale);
        }
        AuditEvent::new(ObjectKind::TransferDefinition, id, crate::service::audit::Action::Update)
            .before_value(serde_json::json!({"definition": before.row, "gives": before.gives, "allowed_product_types": before.allowed_product_types}))
            .after_value(serde_json::json!({"definition": row, "gives": gives, "allowed_product_types": allowed}))
            .write(conn, actor)?;
        Ok(End::Done)
    })?;
    let mut f = posted(fields);
    match end {
        End::Done => Ok(Saved::Saved(id)),
        End::Taken => {
            f.error("name", NAME_TAKEN);
            Ok(Saved::Invalid(f))
        }
        End::Stale => {
            f.error(
                "name",
                "Someone else changed this definition after you opened it; nothing was saved. \
                 This is what is saved now.",
            );
            Ok(Saved::Stale(f))
        }
    }
}

/// Deletes definition `id` (404 when it is gone).
#[tracing::instrument(skip(conn))]
pub fn delete(conn: &mut DbConnection, actor: &str, id: i64) -> AppResult<String> {
    write_transaction(conn, |conn| {
        let before = transfer::find(conn, id)?.ok_or(AppError::NotFound)?;
        if !transfer::delete(conn, id)? {
            return Err(AppError::NotFound);
        }
        AuditEvent::deleted(ObjectKind::TransferDefinition, id, &before).write(conn, actor)?;
        Ok(before.row.name)
    })
}

/// One definition (404 when there is none).
pub fn find(conn: &mut DbConnection, id: i64) -> AppResult<Definition> {
    transfer::find(conn, id)?.ok_or(AppError::NotFound)
}
