//! Balance types, the admin's reference data per service provider: list and create (audited).

use crate::db::models::balance::{self, BalanceType, NewBalanceType};
use crate::db::models::ref_data::{self, RefKind};
use crate::db::models::reference;
use crate::db::{write_transaction, DbConnection};
use crate::domain::balance::{BalanceCode, Category, MaxPolicy};
use crate::domain::subscriber::RefName;
use crate::domain::{Amount, FormState, Unit};
use crate::error::{AppError, AppResult};
use crate::service::audit::{AuditEvent, ObjectKind};
use serde::Deserialize;

/// Decimals of a cash maximum: balance types are not tied to one currency, so a cash maximum
/// is written with two decimals.
pub const CASH_DECIMALS: u32 = 2;

/// The create form as posted (the contract's field names).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct BalanceTypeForm {
    pub service_provider_id: String,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub category: String,
    pub max_value: String,
    pub max_policy: String,
    pub allow_credit: String,
}

impl BalanceTypeForm {
    pub fn state(&self) -> FormState {
        let mut f = FormState::default();
        for (k, v) in [
            ("service_provider_id", &self.service_provider_id),
            ("code", &self.code),
            ("name", &self.name),
            ("unit", &self.unit),
            ("category", &self.category),
            ("max_value", &self.max_value),
            ("max_policy", &self.max_policy),
        ] {
            f.set(k, v.trim());
        }
        if !self.allow_credit.is_empty() {
            f.set("allow_credit", "on");
        }
        f
    }
}

pub enum Created {
    Created(BalanceType),
    Invalid(FormState),
}

/// What the admin page lists: the balance types of every provider, the providers' names, and
/// the product types (whose limits it links to).
pub type Listing = (Vec<BalanceType>, Vec<(i64, String)>, Vec<(i64, String)>);

pub fn list(conn: &mut DbConnection) -> AppResult<Listing> {
    let providers = reference::service_providers(conn)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let product_types = ref_data::options(conn, RefKind::ProductTypes)?;
    Ok((balance::types(conn, None)?, providers, product_types))
}

/// Adds a balance type; 422 with messages for bad input or a code the provider has already.
#[tracing::instrument(skip(conn, form))]
pub fn create(conn: &mut DbConnection, actor: &str, form: &BalanceTypeForm) -> AppResult<Created> {
    let mut f = form.state();
    let providers = reference::service_providers(conn)?;
    let provider = f.check(
        "service_provider_id",
        form.service_provider_id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| providers.iter().any(|p| p.id == *id))
            .ok_or_else(|| "Choose a service provider from the list.".to_string()),
    );
    let code = f.check("code", BalanceCode::parse(&form.code));
    let name = f.check("name", RefName::parse(&form.name));
    let unit = f.check("unit", Unit::parse(&form.unit));
    let category = f.check("category", Category::parse(&form.category));
    let max_policy = f.check("max_policy", MaxPolicy::parse(&form.max_policy));
    let max_value = match (unit, form.max_value.trim()) {
        (_, "") => Some(None),
        (Some(u), typed) => f
            .check(
                "max_value",
                Amount::parse_non_negative(typed, u, CASH_DECIMALS),
            )
            .map(|a| Some(a.minor())),
        (None, _) => None,
    };
    let (
        Some(provider),
        Some(code),
        Some(name),
        Some(unit),
        Some(category),
        Some(max_policy),
        Some(max_value),
    ) = (provider, code, name, unit, category, max_policy, max_value)
    else {
        return Ok(Created::Invalid(f));
    };
    let new = NewBalanceType {
        service_provider_id: provider,
        code: code.as_str().to_string(),
        name: name.into_inner(),
        unit,
        category,
        max_value,
        max_policy,
        allow_credit: !form.allow_credit.is_empty(),
        is_default: false,
        created_at: crate::db::now(),
    };
    let result = write_transaction(conn, |conn| -> Result<BalanceType, AppError> {
        let taken = balance::types(conn, Some(provider))?
            .iter()
            .any(|t| t.code == new.code);
        if taken {
            return Err(AppError::Conflict("taken".into()));
        }
        let row = balance::insert_type(conn, &new)?;
        AuditEvent::created(ObjectKind::BalanceType, row.id, &row).write(conn, actor)?;
        Ok(row)
    });
    match result {
        Ok(row) => Ok(Created::Created(row)),
        Err(AppError::Conflict(m)) if m == "taken" => {
            f.error(
                "code",
                "This provider has a balance type with this code already.",
            );
            Ok(Created::Invalid(f))
        }
        Err(e) => Err(e),
    }
}
