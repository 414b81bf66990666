//! `branding_profiles` and `branding_logos`: how each customer's portal looks.

use crate::db::schema::{branding_logos, branding_profiles, customers};
use crate::db::DbConnection;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = branding_profiles)]
pub struct BrandingProfile {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub primary_color: String,
    pub footer_text: String,
    pub version: i32,
    pub created_at: i64,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = branding_profiles)]
pub struct BrandingFields {
    pub name: String,
    pub display_name: String,
    pub primary_color: String,
    pub footer_text: String,
}

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<BrandingProfile>> {
    branding_profiles::table
        .order(branding_profiles::name)
        .select(BrandingProfile::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<BrandingProfile>> {
    branding_profiles::table
        .find(id)
        .select(BrandingProfile::as_select())
        .first(conn)
        .optional()
}

pub fn name_taken(conn: &mut DbConnection, name: &str, except: Option<i64>) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        branding_profiles::table
            .filter(branding_profiles::name.eq(name))
            .filter(branding_profiles::id.ne(except.unwrap_or(-1))),
    ))
    .get_result(conn)
}

pub fn insert(conn: &mut DbConnection, fields: &BrandingFields) -> QueryResult<BrandingProfile> {
    let id: i64 = diesel::insert_into(branding_profiles::table)
        .values((fields, branding_profiles::created_at.eq(crate::db::now())))
        .returning(branding_profiles::id)
        .get_result(conn)?;
    branding_profiles::table
        .find(id)
        .select(BrandingProfile::as_select())
        .first(conn)
}

/// Applies the edit form if the profile still has `version`; returns the new row if it did.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    fields: &BrandingFields,
) -> QueryResult<Option<BrandingProfile>> {
    let n = diesel::update(
        branding_profiles::table
            .filter(branding_profiles::id.eq(id))
            .filter(branding_profiles::version.eq(version)),
    )
    .set((
        fields,
        branding_profiles::version.eq(version.saturating_add(1)),
    ))
    .execute(conn)?;
    if n == 1 {
        find(conn, id)
    } else {
        Ok(None)
    }
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(branding_profiles::table.find(id)).execute(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    branding_profiles::table.count().get_result(conn)
}

/// How many customers use the profile (one in use cannot be deleted).
pub fn customers_using(conn: &mut DbConnection, id: i64) -> QueryResult<i64> {
    customers::table
        .filter(customers::branding_id.eq(id))
        .count()
        .get_result(conn)
}

/// The logo's content type and bytes, if the profile has one.
pub fn logo(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(String, Vec<u8>)>> {
    branding_logos::table
        .find(id)
        .select((branding_logos::content_type, branding_logos::data))
        .first(conn)
        .optional()
}

pub fn has_logo(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(branding_logos::table.find(id))).get_result(conn)
}

/// Replaces the logo (portable upsert: delete, then insert, in the caller's transaction).
pub fn set_logo(
    conn: &mut DbConnection,
    id: i64,
    content_type: &str,
    data: &[u8],
) -> QueryResult<()> {
    remove_logo(conn, id)?;
    diesel::insert_into(branding_logos::table)
        .values((
            branding_logos::branding_id.eq(id),
            branding_logos::content_type.eq(content_type),
            branding_logos::data.eq(data),
            branding_logos::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn remove_logo(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::delete(branding_logos::table.find(id)).execute(conn)?;
    Ok(())
}
