//! `customer_pbx_settings`, `customer_pbx_options` and the admin list `pbx_options`: a
//! customer's hosted-PBX settings. A customer without a settings row has the defaults
//! (`PbxSettings::defaults`), so customers made before (or by an older release) need no row.

use crate::db::schema::{customer_pbx_options, customer_pbx_settings, pbx_options};
use crate::db::DbConnection;
use crate::domain::{ManagedBy, PbxOptionKind};
use diesel::prelude::*;
use serde::Serialize;

/// A customer's PBX settings, as stored (or the defaults).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = customer_pbx_settings)]
pub struct PbxSettings {
    pub customer_id: i64,
    pub platform_id: Option<i64>,
    pub extension_length: i32,
    pub dial_internal: bool,
    pub dial_local: bool,
    pub dial_national: bool,
    pub dial_international: bool,
    pub welcome_mail: bool,
    pub confirm_billing: bool,
    pub time_zone: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub managed_by: ManagedBy,
    pub version: i32,
    pub updated_at: i64,
}

impl PbxSettings {
    /// What a customer without a settings row has.
    pub fn defaults(customer_id: i64) -> PbxSettings {
        PbxSettings {
            customer_id,
            platform_id: None,
            extension_length: 4,
            dial_internal: true,
            dial_local: true,
            dial_national: true,
            dial_international: false,
            welcome_mail: false,
            confirm_billing: false,
            time_zone: "UTC".into(),
            managed_by: ManagedBy::Mivoice,
            version: 0,
            updated_at: 0,
        }
    }
}

impl Default for PbxSettings {
    fn default() -> Self {
        PbxSettings::defaults(0)
    }
}

/// The customer's settings, or the defaults when none were saved.
pub fn settings(conn: &mut DbConnection, customer_id: i64) -> QueryResult<PbxSettings> {
    Ok(customer_pbx_settings::table
        .find(customer_id)
        .select(PbxSettings::as_select())
        .first(conn)
        .optional()?
        .unwrap_or_else(|| PbxSettings::defaults(customer_id)))
}

/// Writes the settings if they are still at `version` (0: never saved); returns whether they
/// were written.
pub fn save(conn: &mut DbConnection, new: &PbxSettings, version: i32) -> QueryResult<bool> {
    let mut row = new.clone();
    row.version = version.saturating_add(1);
    row.updated_at = crate::db::now();
    if version == 0 {
        let exists: bool = diesel::select(diesel::dsl::exists(
            customer_pbx_settings::table.find(new.customer_id),
        ))
        .get_result(conn)?;
        if exists {
            return Ok(false);
        }
        diesel::insert_into(customer_pbx_settings::table)
            .values(row)
            .execute(conn)?;
        return Ok(true);
    }
    let n = diesel::update(
        customer_pbx_settings::table
            .find(new.customer_id)
            .filter(customer_pbx_settings::version.eq(version)),
    )
    .set((
        customer_pbx_settings::platform_id.eq(row.platform_id),
        customer_pbx_settings::extension_length.eq(row.extension_length),
        customer_pbx_settings::dial_internal.eq(row.dial_internal),
        customer_pbx_settings::dial_local.eq(row.dial_local),
        customer_pbx_settings::dial_national.eq(row.dial_national),
        customer_pbx_settings::dial_international.eq(row.dial_international),
        customer_pbx_settings::welcome_mail.eq(row.welcome_mail),
        customer_pbx_settings::confirm_billing.eq(row.confirm_billing),
        customer_pbx_settings::time_zone.eq(&row.time_zone),
        customer_pbx_settings::managed_by.eq(row.managed_by.code()),
        customer_pbx_settings::version.eq(row.version),
        customer_pbx_settings::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// One entry of an admin list.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = pbx_options)]
pub struct PbxOption {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub kind: PbxOptionKind,
    pub name: String,
    pub created_at: i64,
}

/// Every entry of every PBX admin list, by kind and name.
pub fn options(conn: &mut DbConnection) -> QueryResult<Vec<PbxOption>> {
    pbx_options::table
        .order((pbx_options::kind, pbx_options::name))
        .select(PbxOption::as_select())
        .load(conn)
}

pub fn add_option(conn: &mut DbConnection, kind: PbxOptionKind, name: &str) -> QueryResult<i64> {
    diesel::insert_into(pbx_options::table)
        .values((
            pbx_options::kind.eq(kind.code()),
            pbx_options::name.eq(name),
            pbx_options::created_at.eq(crate::db::now()),
        ))
        .returning(pbx_options::id)
        .get_result(conn)
}

/// The key templates and hotdesk devices the customer may use (option ids).
pub fn chosen(conn: &mut DbConnection, customer_id: i64) -> QueryResult<Vec<i64>> {
    customer_pbx_options::table
        .filter(customer_pbx_options::customer_id.eq(customer_id))
        .select(customer_pbx_options::option_id)
        .order(customer_pbx_options::option_id)
        .load(conn)
}

/// Replaces the customer's chosen key templates and hotdesk devices.
pub fn set_chosen(conn: &mut DbConnection, customer_id: i64, ids: &[i64]) -> QueryResult<()> {
    diesel::delete(
        customer_pbx_options::table.filter(customer_pbx_options::customer_id.eq(customer_id)),
    )
    .execute(conn)?;
    for id in ids {
        diesel::insert_into(customer_pbx_options::table)
            .values((
                customer_pbx_options::customer_id.eq(customer_id),
                customer_pbx_options::option_id.eq(id),
            ))
            .execute(conn)?;
    }
    Ok(())
}
