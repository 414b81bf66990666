//! Reference data of subscribers and wallets (languages, currencies, product types, charging
//! domains, closed user groups) and the admin pages' view of them and of service providers:
//! list, create, and delete only what nothing uses.

use crate::db::schema::{
    charging_domains, closed_user_groups, currencies, customers, dialing_route_list,
    dialing_routes, exchange_rates, languages, operators, product_types, service_providers,
    subscriber_cugs, subscribers, wallets,
};
use crate::db::DbConnection;
use diesel::prelude::*;

/// The reference lists an admin maintains, named by their URL slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    ServiceProviders,
    ProductTypes,
    Currencies,
    Languages,
    ClosedUserGroups,
    ChargingDomains,
    /// The routes customers' dialing routes choose from (telephony).
    Routes,
}

impl RefKind {
    pub const ALL: [RefKind; 7] = [
        RefKind::ServiceProviders,
        RefKind::ProductTypes,
        RefKind::Currencies,
        RefKind::Languages,
        RefKind::ClosedUserGroups,
        RefKind::ChargingDomains,
        RefKind::Routes,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            RefKind::ServiceProviders => "service-providers",
            RefKind::ProductTypes => "product-types",
            RefKind::Currencies => "currencies",
            RefKind::Languages => "languages",
            RefKind::ClosedUserGroups => "closed-user-groups",
            RefKind::ChargingDomains => "charging-domains",
            RefKind::Routes => "routes",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            RefKind::ServiceProviders => "Service providers",
            RefKind::ProductTypes => "Product types",
            RefKind::Currencies => "Currencies",
            RefKind::Languages => "Languages",
            RefKind::ClosedUserGroups => "Closed user groups",
            RefKind::ChargingDomains => "Charging domains",
            RefKind::Routes => "Dialing routes",
        }
    }
    /// The object type written to the audit log.
    pub fn audit_type(self) -> &'static str {
        match self {
            RefKind::ServiceProviders => "service_provider",
            RefKind::ProductTypes => "product_type",
            RefKind::Currencies => "currency",
            RefKind::Languages => "language",
            RefKind::ClosedUserGroups => "closed_user_group",
            RefKind::ChargingDomains => "charging_domain",
            RefKind::Routes => "route",
        }
    }
    pub fn from_slug(slug: &str) -> Option<RefKind> {
        RefKind::ALL.into_iter().find(|k| k.slug() == slug)
    }
}

/// One entry as the admin page lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RefEntry {
    pub id: i64,
    pub name: String,
    /// Currency code and decimals; empty for the other kinds.
    pub code: String,
    pub decimals: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = currencies)]
pub struct Currency {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub decimals: i32,
}

/// `(id, name)` pairs of a list, ordered by name (currencies by code).
pub fn options(conn: &mut DbConnection, kind: RefKind) -> QueryResult<Vec<(i64, String)>> {
    Ok(list(conn, kind)?
        .into_iter()
        .map(|e| {
            let label = if e.code.is_empty() {
                e.name
            } else {
                format!("{} — {}", e.code, e.name)
            };
            (e.id, label)
        })
        .collect())
}

pub fn list(conn: &mut DbConnection, kind: RefKind) -> QueryResult<Vec<RefEntry>> {
    let named = |rows: Vec<(i64, String)>| {
        rows.into_iter()
            .map(|(id, name)| RefEntry {
                id,
                name,
                code: String::new(),
                decimals: None,
            })
            .collect()
    };
    Ok(match kind {
        RefKind::ServiceProviders => named(
            service_providers::table
                .order(service_providers::id)
                .select((service_providers::id, service_providers::name))
                .load(conn)?,
        ),
        RefKind::ProductTypes => named(
            product_types::table
                .order(product_types::name)
                .select((product_types::id, product_types::name))
                .load(conn)?,
        ),
        RefKind::Languages => named(
            languages::table
                .order(languages::name)
                .select((languages::id, languages::name))
                .load(conn)?,
        ),
        RefKind::ClosedUserGroups => named(
            closed_user_groups::table
                .order(closed_user_groups::name)
                .select((closed_user_groups::id, closed_user_groups::name))
                .load(conn)?,
        ),
        RefKind::ChargingDomains => named(
            charging_domains::table
                .order(charging_domains::name)
                .select((charging_domains::id, charging_domains::name))
                .load(conn)?,
        ),
        RefKind::Routes => named(
            dialing_route_list::table
                .order(dialing_route_list::name)
                .select((dialing_route_list::id, dialing_route_list::name))
                .load(conn)?,
        ),
        RefKind::Currencies => all_currencies(conn)?
            .into_iter()
            .map(|c| RefEntry {
                id: c.id,
                name: c.name,
                code: c.code,
                decimals: Some(c.decimals),
            })
            .collect(),
    })
}

pub fn all_currencies(conn: &mut DbConnection) -> QueryResult<Vec<Currency>> {
    currencies::table
        .order(currencies::code)
        .select(Currency::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, kind: RefKind, id: i64) -> QueryResult<Option<RefEntry>> {
    Ok(list(conn, kind)?.into_iter().find(|e| e.id == id))
}

/// Whether an entry of this kind already has this name (currencies: this code).
pub fn name_taken(conn: &mut DbConnection, kind: RefKind, name: &str) -> QueryResult<bool> {
    let exists = |n: i64| n > 0;
    Ok(exists(match kind {
        RefKind::ServiceProviders => service_providers::table
            .filter(service_providers::name.eq(name))
            .count()
            .get_result(conn)?,
        RefKind::ProductTypes => product_types::table
            .filter(product_types::name.eq(name))
            .count()
            .get_result(conn)?,
        RefKind::Languages => languages::table
            .filter(languages::name.eq(name))
            .count()
            .get_result(conn)?,
        RefKind::ClosedUserGroups => closed_user_groups::table
            .filter(closed_user_groups::name.eq(name))
            .count()
            .get_result(conn)?,
        RefKind::ChargingDomains => charging_domains::table
            .filter(charging_domains::name.eq(name))
            .count()
            .get_result(conn)?,
        RefKind::Routes => dialing_route_list::table
            .filter(dialing_route_list::name.eq(name))
            .count()
            .get_result(conn)?,
        RefKind::Currencies => currencies::table
            .filter(currencies::code.eq(name))
            .count()
            .get_result(conn)?,
    }))
}

/// Adds a named entry (every kind but currencies); returns its id.
pub fn create_named(conn: &mut DbConnection, kind: RefKind, name: &str) -> QueryResult<i64> {
    let now = crate::db::now();
    match kind {
        RefKind::ServiceProviders => {
            let id = diesel::insert_into(service_providers::table)
                .values((
                    service_providers::name.eq(name),
                    service_providers::created_at.eq(now),
                ))
                .returning(service_providers::id)
                .get_result(conn)?;
            super::balance::ensure_default(conn, id)?;
            Ok(id)
        }
        RefKind::ProductTypes => diesel::insert_into(product_types::table)
            .values((
                product_types::name.eq(name),
                product_types::created_at.eq(now),
            ))
            .returning(product_types::id)
            .get_result(conn),
        RefKind::Languages => diesel::insert_into(languages::table)
            .values((languages::name.eq(name), languages::created_at.eq(now)))
            .returning(languages::id)
            .get_result(conn),
        RefKind::ClosedUserGroups => diesel::insert_into(closed_user_groups::table)
            .values((
                closed_user_groups::name.eq(name),
                closed_user_groups::created_at.eq(now),
            ))
            .returning(closed_user_groups::id)
            .get_result(conn),
        RefKind::ChargingDomains => diesel::insert_into(charging_domains::table)
            .values((
                charging_domains::name.eq(name),
                charging_domains::created_at.eq(now),
            ))
            .returning(charging_domains::id)
            .get_result(conn),
        RefKind::Routes => diesel::insert_into(dialing_route_list::table)
            .values((
                dialing_route_list::name.eq(name),
                dialing_route_list::created_at.eq(now),
            ))
            .returning(dialing_route_list::id)
            .get_result(conn),
        RefKind::Currencies => Err(diesel::result::Error::QueryBuilderError(
            "currencies are created with create_currency".into(),
        )),
    }
}

pub fn create_currency(
    conn: &mut DbConnection,
    code: &str,
    name: &str,
    decimals: i32,
) -> QueryResult<i64> {
    diesel::insert_into(currencies::table)
        .values((
            currencies::code.eq(code),
            currencies::name.eq(name),
            currencies::decimals.eq(decimals),
            currencies::created_at.eq(crate::db::now()),
        ))
        .returning(currencies::id)
        .get_result(conn)
}

/// How many rows refer to the entry; only an entry nothing refers to may be deleted.
pub fn usage(conn: &mut DbConnection, kind: RefKind, id: i64) -> QueryResult<i64> {
    Ok(match kind {
        RefKind::ServiceProviders => {
            let c: i64 = customers::table
                .filter(customers::service_provider_id.eq(id))
                .count()
                .get_result(conn)?;
            let s: i64 = subscribers::table
                .filter(subscribers::service_provider_id.eq(id))
                .count()
                .get_result(conn)?;
            let w: i64 = wallets::table
                .filter(wallets::service_provider_id.eq(id))
                .count()
                .get_result(conn)?;
            let o: i64 = operators::table
                .filter(operators::service_provider_id.eq(id))
                .count()
                .get_result(conn)?;
            c + s + w + o
        }
        RefKind::ProductTypes => wallets::table
            .filter(wallets::product_type_id.eq(id))
            .count()
            .get_result(conn)?,
        RefKind::Languages => subscribers::table
            .filter(subscribers::language_id.eq(id))
            .count()
            .get_result(conn)?,
        RefKind::ClosedUserGroups => subscriber_cugs::table
            .filter(subscriber_cugs::cug_id.eq(id))
            .count()
            .get_result(conn)?,
        RefKind::ChargingDomains => wallets::table
            .filter(wallets::charging_domain_id.eq(id))
            .count()
            .get_result(conn)?,
        RefKind::Routes => dialing_routes::table
            .filter(dialing_routes::route_id.eq(id))
            .count()
            .get_result(conn)?,
        RefKind::Currencies => {
            let w: i64 = wallets::table
                .filter(
                    wallets::currency_id
                        .eq(id)
                        .or(wallets::display_currency_id.eq(id)),
                )
                .count()
                .get_result(conn)?;
            let r: i64 = exchange_rates::table
                .filter(
                    exchange_rates::from_currency_id
                        .eq(id)
                        .or(exchange_rates::to_currency_id.eq(id)),
                )
                .count()
                .get_result(conn)?;
            w + r
        }
    })
}

pub fn delete(conn: &mut DbConnection, kind: RefKind, id: i64) -> QueryResult<usize> {
    match kind {
        RefKind::ServiceProviders => {
            diesel::delete(service_providers::table.find(id)).execute(conn)
        }
        RefKind::ProductTypes => diesel::delete(product_types::table.find(id)).execute(conn),
        RefKind::Languages => diesel::delete(languages::table.find(id)).execute(conn),
        RefKind::ClosedUserGroups => {
            diesel::delete(closed_user_groups::table.find(id)).execute(conn)
        }
        RefKind::ChargingDomains => diesel::delete(charging_domains::table.find(id)).execute(conn),
        RefKind::Routes => diesel::delete(dialing_route_list::table.find(id)).execute(conn),
        RefKind::Currencies => diesel::delete(currencies::table.find(id)).execute(conn),
    }
}

#[cfg(test)]
mod tests {
    use super::RefKind;

    #[test]
    fn slugs_round_trip() {
        for k in RefKind::ALL {
            assert_eq!(RefKind::from_slug(k.slug()), Some(k));
        }
        assert_eq!(RefKind::from_slug("tariffs"), None);
    }
}
