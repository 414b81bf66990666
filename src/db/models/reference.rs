//! Reference data: service providers, tariffs, branding profiles.

use crate::db::schema::{branding_profiles, service_providers, tariffs};
use crate::db::DbConnection;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tariffs)]
pub struct Tariff {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = branding_profiles)]
pub struct Branding {
    pub id: i64,
    pub name: String,
    pub primary_color: String,
    pub footer_text: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_providers)]
pub struct ServiceProvider {
    pub id: i64,
    pub name: String,
}

pub fn tariffs(conn: &mut DbConnection) -> QueryResult<Vec<Tariff>> {
    tariffs::table
        .order(tariffs::name)
        .select(Tariff::as_select())
        .load(conn)
}

pub fn brandings(conn: &mut DbConnection) -> QueryResult<Vec<Branding>> {
    branding_profiles::table
        .order(branding_profiles::name)
        .select(Branding::as_select())
        .load(conn)
}

pub fn branding(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Branding>> {
    branding_profiles::table
        .find(id)
        .select(Branding::as_select())
        .first(conn)
        .optional()
}

pub fn service_providers(conn: &mut DbConnection) -> QueryResult<Vec<ServiceProvider>> {
    service_providers::table
        .order(service_providers::id)
        .select(ServiceProvider::as_select())
        .load(conn)
}

/// The one service provider, tariff and branding profile a new database starts with.
pub fn seed(conn: &mut DbConnection) -> QueryResult<()> {
    let now = crate::db::now();
    if service_providers::table.count().get_result::<i64>(conn)? == 0 {
        diesel::insert_into(service_providers::table)
            .values((
                service_providers::name.eq("Default provider"),
                service_providers::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    if tariffs::table.count().get_result::<i64>(conn)? == 0 {
        diesel::insert_into(tariffs::table)
            .values((tariffs::name.eq("Standard"), tariffs::created_at.eq(now)))
            .execute(conn)?;
    }
    if branding_profiles::table.count().get_result::<i64>(conn)? == 0 {
        diesel::insert_into(branding_profiles::table)
            .values((
                branding_profiles::name.eq("Default"),
                branding_profiles::display_name.eq("Customer portal"),
                branding_profiles::primary_color.eq("#1f5fa8"),
                branding_profiles::footer_text.eq(""),
                branding_profiles::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
