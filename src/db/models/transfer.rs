//! `transfer_definitions`, `transfer_definition_values`, `transfer_definition_product_types`:
//! the credit transfers an admin defines per service provider, what the recipient gets per
//! balance type, and the recipient product types allowed (none listed: any).

use crate::db::schema::{
    transfer_definition_product_types as allowed, transfer_definition_values as gives,
    transfer_definitions as defs,
};
use crate::db::DbConnection;
use crate::domain::transfer::TransferKind;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = defs)]
pub struct TransferDefinition {
    pub id: i64,
    pub service_provider_id: i64,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub kind: TransferKind,
    pub cost_balance_type_id: i64,
    pub cost: i64,
    pub wallet_expiry_extension_days: i32,
    pub swap_product_type_id: Option<i64>,
    pub pin_required: bool,
    pub version: i32,
}

/// The fields an admin sets (create and edit).
#[derive(Debug, Clone, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = defs, treat_none_as_null = true)]
pub struct DefinitionFields {
    pub service_provider_id: i64,
    pub name: String,
    #[diesel(serialize_as = String)]
    pub kind: TransferKind,
    pub cost_balance_type_id: i64,
    pub cost: i64,
    pub wallet_expiry_extension_days: i32,
    pub swap_product_type_id: Option<i64>,
    pub pin_required: bool,
}

/// What the recipient gets of one balance type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gives {
    pub balance_type_id: i64,
    pub value: i64,
    pub bucket_expiry_extension_days: i32,
}

/// A definition with what it gives and the product types it allows.
#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub row: TransferDefinition,
    pub gives: Vec<Gives>,
    pub allowed_product_types: Vec<i64>,
}

/// Every definition (of one provider when given), by name, with its details.
pub fn list(conn: &mut DbConnection, provider: Option<i64>) -> QueryResult<Vec<Definition>> {
    let mut q = defs::table.into_boxed();
    if let Some(p) = provider {
        q = q.filter(defs::service_provider_id.eq(p));
    }
    let rows: Vec<TransferDefinition> = q
        .order((defs::name, defs::id))
        .select(TransferDefinition::as_select())
        .load(conn)?;
    details(conn, rows)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Definition>> {
    let rows: Vec<TransferDefinition> = defs::table
        .filter(defs::id.eq(id))
        .select(TransferDefinition::as_select())
        .load(conn)?;
    Ok(details(conn, rows)?.into_iter().next())
}

fn details(conn: &mut DbConnection, rows: Vec<TransferDefinition>) -> QueryResult<Vec<Definition>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let values: Vec<(i64, i64, i64, i32)> = gives::table
        .filter(gives::definition_id.eq_any(&ids))
        .order(gives::id)
        .select((
            gives::definition_id,
            gives::balance_type_id,
            gives::value,
            gives::bucket_expiry_extension_days,
        ))
        .load(conn)?;
    let kinds: Vec<(i64, i64)> = allowed::table
        .filter(allowed::definition_id.eq_any(&ids))
        .order(allowed::product_type_id)
        .select((allowed::definition_id, allowed::product_type_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| Definition {
            gives: values
                .iter()
                .filter(|v| v.0 == row.id)
                .map(|v| Gives {
                    balance_type_id: v.1,
                    value: v.2,
                    bucket_expiry_extension_days: v.3,
                })
                .collect(),
            allowed_product_types: kinds
                .iter()
                .filter(|k| k.0 == row.id)
                .map(|k| k.1)
                .collect(),
            row,
        })
        .collect())
}

/// Whether the provider has a definition of this name (other than `except`).
pub fn name_taken(
    conn: &mut DbConnection,
    provider: i64,
    name: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let n: i64 = defs::table
        .filter(defs::service_provider_id.eq(provider))
        .filter(defs::name.eq(name))
        .filter(defs::id.ne(except.unwrap_or(0)))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn insert(
    conn: &mut DbConnection,
    fields: &DefinitionFields,
    values: &[Gives],
    product_types: &[i64],
) -> QueryResult<i64> {
    let now = crate::db::now();
    let id: i64 = diesel::insert_into(defs::table)
        .values((
            fields.clone(),
            defs::created_at.eq(now),
            defs::updated_at.eq(now),
        ))
        .returning(defs::id)
        .get_result(conn)?;
    put_details(conn, id, values, product_types)?;
    Ok(id)
}

/// Writes the fields if the definition still has `version`; false when it moved (or is gone).
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    fields: &DefinitionFields,
    values: &[Gives],
    product_types: &[i64],
) -> QueryResult<bool> {
    let n = diesel::update(
        defs::table
            .filter(defs::id.eq(id))
            .filter(defs::version.eq(version)),
    )
    .set((
        fields.clone(),
        defs::version.eq(version + 1),
        defs::updated_at.eq(crate::db::now()),
    ))
    .execute(conn)?;
    if n != 1 {
        return Ok(false);
    }
    diesel::delete(gives::table.filter(gives::definition_id.eq(id))).execute(conn)?;
    diesel::delete(allowed::table.filter(allowed::definition_id.eq(id))).execute(conn)?;
    put_details(conn, id, values, product_types)?;
    Ok(true)
}

fn put_details(
    conn: &mut DbConnection,
    id: i64,
    values: &[Gives],
    product_types: &[i64],
) -> QueryResult<()> {
    for v in values {
        diesel::insert_into(gives::table)
            .values((
                gives::definition_id.eq(id),
                gives::balance_type_id.eq(v.balance_type_id),
                gives::value.eq(v.value),
                gives::bucket_expiry_extension_days.eq(v.bucket_expiry_extension_days),
            ))
            .execute(conn)?;
    }
    for p in product_types {
        diesel::insert_into(allowed::table)
            .values((
                allowed::definition_id.eq(id),
                allowed::product_type_id.eq(*p),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Deletes a definition (what it gives and allows goes with it); false when it was gone.
pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    diesel::delete(gives::table.filter(gives::definition_id.eq(id))).execute(conn)?;
    diesel::delete(allowed::table.filter(allowed::definition_id.eq(id))).execute(conn)?;
    Ok(diesel::delete(defs::table.find(id)).execute(conn)? == 1)
}
