//! `audit_log`: who changed what, when, with the before and after images.

use crate::db::schema::audit_log;
use crate::db::DbConnection;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: i64,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub reason: Option<String>,
}

/// One change to record; `before`/`after` are the object's images (absent for create/delete).
pub struct Change<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: i64,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<&'a str>,
}

pub fn record(conn: &mut DbConnection, change: Change<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(crate::db::now()),
            audit_log::actor.eq(change.actor),
            audit_log::action.eq(change.action),
            audit_log::object_type.eq(change.object_type),
            audit_log::object_id.eq(change.object_id),
            audit_log::before_json.eq(change.before.map(|v| v.to_string())),
            audit_log::after_json.eq(change.after.map(|v| v.to_string())),
            audit_log::reason.eq(change.reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// Serialises a row for the log, leaving out nothing but what `#[serde(skip)]` hides.
pub fn image<T: Serialize>(row: &T) -> Option<serde_json::Value> {
    serde_json::to_value(row).ok()
}

/// Filter of the audit log page; empty text and `None` mean "any".
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor: String,
    pub object_type: String,
    pub object_id: Option<i64>,
    pub action: String,
    /// Entries at or after this time (UTC seconds).
    pub from: Option<i64>,
    /// Entries before this time (UTC seconds).
    pub until: Option<i64>,
    /// The service provider an operator is limited to: only entries about that provider's
    /// customers (and their sites, links, numbers), subscribers, wallets and operators.
    pub scope: Option<i64>,
}

type Searched = audit_log::BoxedQuery<'static, crate::db::MultiBackend>;

/// The entries `f` selects, newest first: each equality filter (who, action, kind of object,
/// object) leads an index that runs in time order (`audit_log_*_at`), so
/// a page, with or without a time range, is an index walk however long the log is.
fn searched(f: &AuditFilter) -> Searched {
    let mut q = audit_log::table.into_boxed::<crate::db::MultiBackend>();
    if !f.actor.trim().is_empty() {
        q = q.filter(audit_log::actor.eq(f.actor.trim().to_string()));
    }
    if !f.object_type.trim().is_empty() {
        q = q.filter(audit_log::object_type.eq(f.object_type.trim().to_string()));
    }
    if let Some(id) = f.object_id {
        q = q.filter(audit_log::object_id.eq(id));
    }
    if !f.action.trim().is_empty() {
        q = q.filter(audit_log::action.eq(f.action.trim().to_string()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::at.ge(from));
    }
    if let Some(until) = f.until {
        q = q.filter(audit_log::at.lt(until));
    }
    if let Some(sp) = f.scope {
        q = q.filter(in_provider(sp));
    }
    q.order((audit_log::at.desc(), audit_log::id.desc()))
}

pub fn search(
    conn: &mut DbConnection,
    f: &AuditFilter,
    page: i64,
    per_page: i64,
) -> QueryResult<super::Page<AuditEntry>> {
    let rows = searched(f)
        .select(AuditEntry::as_select())
        .limit(per_page + 1)
        .offset(page.max(0) * per_page)
        .load(conn)?;
    Ok(super::Page::from_overfetch(rows, per_page))
}

/// The query plan of the first page of a search (tests check that it walks an index).
pub fn explain_search(conn: &mut DbConnection, f: &AuditFilter) -> QueryResult<Vec<String>> {
    super::explain::plan(conn, searched(f).select(audit_log::id).limit(51))
}

/// Entries about objects of provider `sp` that still exist (an operator limited to one provider
/// sees nothing of another's, and nothing of objects that are gone).
fn in_provider(
    sp: i64,
) -> Box<
    dyn BoxableExpression<
        audit_log::table,
        crate::db::MultiBackend,
        SqlType = diesel::sql_types::Bool,
    >,
> {
    use crate::db::schema::{
        access_links, api_tokens, balance_types, bpl_tasks, cdr_imports, cpn_substitutions,
        customers, did_ranges, emergency_locations, operators, payments, promotions, reservations,
        sites, subscribers, topup_rules, transfer_definitions, voucher_batches, wallets,
    };
    let customer_ids = || {
        customers::table
            .filter(customers::service_provider_id.eq(sp))
            .select(customers::id)
    };
    let site_ids = || {
        sites::table
            .filter(sites::customer_id.eq_any(customer_ids()))
            .select(sites::id)
    };
    let of = |kind: &'static str| audit_log::object_type.eq(kind);
    Box::new(
        of("customer")
            .and(audit_log::object_id.eq_any(customer_ids()))
            .or(of("customer_packages").and(audit_log::object_id.eq_any(customer_ids())))
            .or(of("site").and(audit_log::object_id.eq_any(site_ids())))
            // Telephony entries (and a customer's administrators, users, PBX settings,
            // billing changes and welcome mails) are recorded under their customer's id.
            .or(audit_log::object_type
                .eq_any([
                    "ip_device",
                    "sip_device",
                    "dialing_route",
                    "translation_rule",
                    "customer_admin",
                    "customer_user",
                    "pbx_settings",
                    "billing_change",
                    "welcome_mail",
                ])
                .and(audit_log::object_id.eq_any(customer_ids())))
            .or(of("access_link").and(
                audit_log::object_id.eq_any(
                    access_links::table
                        .filter(access_links::site_id.eq_any(site_ids()))
                        .select(access_links::id),
                ),
            ))
            .or(of("did_range").and(
                audit_log::object_id.eq_any(
                    did_ranges::table
                        .filter(did_ranges::customer_id.eq_any(customer_ids()))
                        .select(did_ranges::id),
                ),
            ))
            .or(of("cpn_substitution").and(
                audit_log::object_id.eq_any(
                    cpn_substitutions::table
                        .filter(cpn_substitutions::customer_id.eq_any(customer_ids()))
                        .select(cpn_substitutions::id),
                ),
            ))
            .or(of("emergency_location").and(
                audit_log::object_id.eq_any(
                    emergency_locations::table
                        .filter(emergency_locations::customer_id.eq_any(customer_ids()))
                        .select(emergency_locations::id),
                ),
            ))
            .or(of("subscriber").and(
                audit_log::object_id.eq_any(
                    subscribers::table
                        .filter(subscribers::service_provider_id.eq(sp))
                        .select(subscribers::id),
                ),
            ))
            .or(of("wallet").and(
                audit_log::object_id.eq_any(
                    wallets::table
                        .filter(wallets::service_provider_id.eq(sp))
                        .select(wallets::id),
                ),
            ))
            .or(of("balance_type").and(
                audit_log::object_id.eq_any(
                    balance_types::table
                        .filter(balance_types::service_provider_id.eq(sp))
                        .select(balance_types::id),
                ),
            ))
            .or(of("payment").and(
                audit_log::object_id.eq_any(
                    payments::table
                        .filter(payments::customer_id.eq_any(customer_ids()))
                        .select(payments::id),
                ),
            ))
            .or(of("cdr_import").and(
                audit_log::object_id.eq_any(
                    cdr_imports::table
                        .filter(cdr_imports::service_provider_id.eq(sp))
                        .select(cdr_imports::id),
                ),
            ))
            .or(of("voucher_batch").and(
                audit_log::object_id.eq_any(
                    voucher_batches::table
                        .filter(voucher_batches::service_provider_id.eq(sp))
                        .select(voucher_batches::id),
                ),
            ))
            .or(of("operator").and(
                audit_log::object_id.eq_any(
                    operators::table
                        .filter(operators::service_provider_id.eq(sp))
                        .select(operators::id),
                ),
            ))
            .or(of("api_token").and(
                audit_log::object_id.eq_any(
                    api_tokens::table
                        .filter(api_tokens::service_provider_id.eq(sp))
                        .select(api_tokens::id),
                ),
            ))
            .or(of("reservation").and(
                audit_log::object_id.eq_any(
                    reservations::table
                        .filter(
                            reservations::wallet_id.eq_any(
                                wallets::table
                                    .filter(wallets::service_provider_id.eq(sp))
                                    .select(wallets::id),
                            ),
                        )
                        .select(reservations::id),
                ),
            ))
            .or(of("transfer_definition").and(
                audit_log::object_id.eq_any(
                    transfer_definitions::table
                        .filter(transfer_definitions::service_provider_id.eq(sp))
                        .select(transfer_definitions::id),
                ),
            ))
            .or(of("bpl_task").and(
                audit_log::object_id.eq_any(
                    bpl_tasks::table
                        .filter(bpl_tasks::service_provider_id.eq(sp))
                        .select(bpl_tasks::id),
                ),
            ))
            .or(of("promotion").and(
                audit_log::object_id.eq_any(
                    promotions::table
                        .filter(promotions::service_provider_id.eq(sp))
                        .select(promotions::id),
                ),
            ))
            .or(of("topup_rule").and(
                audit_log::object_id.eq_any(
                    topup_rules::table
                        .filter(topup_rules::service_provider_id.eq(sp))
                        .select(topup_rules::id),
                ),
            )),
    )
}

/// The entries recorded under `object_id` with any of `object_types`, newest first (a
/// customer's telephony trail, kept under the customer's id).
pub fn history_of_kinds(
    conn: &mut DbConnection,
    object_types: &[&str],
    object_id: i64,
    limit: i64,
) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(audit_log::object_type.eq_any(object_types.to_vec()))
        .filter(audit_log::object_id.eq(object_id))
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)
}

/// The entries of one object and of some related ones (a subscriber and its wallets), newest
/// first.
pub fn history_of(
    conn: &mut DbConnection,
    object_type: &str,
    object_id: i64,
    related_type: &str,
    related_ids: &[i64],
    limit: i64,
) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(
            audit_log::object_type
                .eq(object_type)
                .and(audit_log::object_id.eq(object_id))
                .or(audit_log::object_type
                    .eq(related_type)
                    .and(audit_log::object_id.eq_any(related_ids))),
        )
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)
}

/// Who last changed an object (the newest entry's actor), if anyone did.
pub fn last_actor(
    conn: &mut DbConnection,
    object_type: &str,
    object_id: i64,
) -> QueryResult<Option<String>> {
    audit_log::table
        .filter(audit_log::object_type.eq(object_type))
        .filter(audit_log::object_id.eq(object_id))
        .order(audit_log::id.desc())
        .select(audit_log::actor)
        .first(conn)
        .optional()
}

/// Who changed an object last and when (UTC seconds), if anyone did.
pub fn last_change(
    conn: &mut DbConnection,
    object_type: &str,
    object_id: i64,
) -> QueryResult<Option<(String, i64)>> {
    audit_log::table
        .filter(audit_log::object_type.eq(object_type))
        .filter(audit_log::object_id.eq(object_id))
        .order(audit_log::id.desc())
        .select((audit_log::actor, audit_log::at))
        .first(conn)
        .optional()
}
