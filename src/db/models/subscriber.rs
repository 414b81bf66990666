//! `subscribers`: the row, insert form, version-checked updates, uniqueness checks, deletion.

use super::SubscriberId;
use crate::db::schema::subscribers;
use crate::db::DbConnection;
use crate::domain::subscriber::{BarringListType, FfService};
use diesel::prelude::*;
use serde::Serialize;

/// The whole stored subscriber; the PIN hash never leaves (not even into the audit log).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = subscribers)]
pub struct Subscriber {
    pub id: i64,
    pub service_provider_id: i64,
    pub card_number: String,
    /// The subscriber ID (calling line identity).
    pub cli: String,
    pub description: String,
    #[serde(skip)]
    pub pin_hash: Option<String>,
    pub language_id: i64,
    pub cli_restricted: bool,
    pub disable_incoming_roaming: bool,
    pub blacklisted: bool,
    pub disable_sms: bool,
    pub remote_access: bool,
    #[diesel(deserialize_as = String)]
    pub barring_list_type: BarringListType,
    pub barring_ignore: bool,
    #[diesel(deserialize_as = String)]
    pub ff_service: FfService,
    pub ff_discount_prefix: String,
    pub ff_change_count: i32,
    pub ff_changed_at: Option<i64>,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
    /// The Friends & Destination frame's own change count and date (the `ff_` pair is the
    /// Friends & Family frame's).
    pub fd_change_count: i32,
    pub fd_changed_at: Option<i64>,
}

impl Subscriber {
    pub fn pin_defined(&self) -> bool {
        self.pin_hash.is_some()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = subscribers)]
pub struct NewSubscriber {
    pub service_provider_id: i64,
    pub card_number: String,
    pub cli: String,
    pub description: String,
    pub pin_hash: Option<String>,
    pub language_id: i64,
    pub cli_restricted: bool,
    pub disable_incoming_roaming: bool,
    pub blacklisted: bool,
    pub disable_sms: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Everything the edit screen changes on the row itself.
#[derive(Debug, Clone, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = subscribers, treat_none_as_null = true)]
pub struct SubscriberUpdate {
    pub card_number: String,
    pub cli: String,
    pub description: String,
    pub pin_hash: Option<String>,
    pub language_id: i64,
    pub cli_restricted: bool,
    pub disable_incoming_roaming: bool,
    pub blacklisted: bool,
    pub disable_sms: bool,
    pub remote_access: bool,
    #[diesel(serialize_as = String)]
    pub barring_list_type: BarringListType,
    pub barring_ignore: bool,
    #[diesel(serialize_as = String)]
    pub ff_service: FfService,
    pub ff_discount_prefix: String,
    pub ff_change_count: i32,
    pub ff_changed_at: Option<i64>,
    pub fd_change_count: i32,
    pub fd_changed_at: Option<i64>,
}

impl SubscriberUpdate {
    /// The row as it stands, as a starting point for changes.
    pub fn from_row(s: &Subscriber) -> SubscriberUpdate {
        SubscriberUpdate {
            card_number: s.card_number.clone(),
            cli: s.cli.clone(),
            description: s.description.clone(),
            pin_hash: s.pin_hash.clone(),
            language_id: s.language_id,
            cli_restricted: s.cli_restricted,
            disable_incoming_roaming: s.disable_incoming_roaming,
            blacklisted: s.blacklisted,
            disable_sms: s.disable_sms,
            remote_access: s.remote_access,
            barring_list_type: s.barring_list_type,
            barring_ignore: s.barring_ignore,
            ff_service: s.ff_service,
            ff_discount_prefix: s.ff_discount_prefix.clone(),
            ff_change_count: s.ff_change_count,
            ff_changed_at: s.ff_changed_at,
            fd_change_count: s.fd_change_count,
            fd_changed_at: s.fd_changed_at,
        }
    }
}

pub fn insert(conn: &mut DbConnection, new: &NewSubscriber) -> QueryResult<Subscriber> {
    let id: i64 = diesel::insert_into(subscribers::table)
        .values(new)
        .returning(subscribers::id)
        .get_result(conn)?;
    subscribers::table
        .find(id)
        .select(Subscriber::as_select())
        .first(conn)
}

pub fn find(conn: &mut DbConnection, id: SubscriberId) -> QueryResult<Option<Subscriber>> {
    subscribers::table
        .find(id.0)
        .select(Subscriber::as_select())
        .first(conn)
        .optional()
}

/// Whether another subscriber of the provider has this card number.
pub fn card_taken(
    conn: &mut DbConnection,
    service_provider_id: i64,
    card_number: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let ids: Vec<i64> = subscribers::table
        .filter(subscribers::service_provider_id.eq(service_provider_id))
        .filter(subscribers::card_number.eq(card_number))
        .select(subscribers::id)
        .load(conn)?;
    Ok(ids.into_iter().any(|id| Some(id) != except))
}

/// Whether another subscriber of the provider has this subscriber ID.
pub fn cli_taken(
    conn: &mut DbConnection,
    service_provider_id: i64,
    cli: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let ids: Vec<i64> = subscribers::table
        .filter(subscribers::service_provider_id.eq(service_provider_id))
        .filter(subscribers::cli.eq(cli))
        .select(subscribers::id)
        .load(conn)?;
    Ok(ids.into_iter().any(|id| Some(id) != except))
}

/// Writes the changes if the row still has `version`, moving it on; `None` when someone saved
/// in between (nothing written).
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    changes: &SubscriberUpdate,
) -> QueryResult<Option<Subscriber>> {
    let n = diesel::update(
        subscribers::table
            .filter(subscribers::id.eq(id))
            .filter(subscribers::version.eq(version)),
    )
    .set((
        changes.clone(),
        subscribers::version.eq(version.saturating_add(1)),
        subscribers::updated_at.eq(crate::db::now()),
    ))
    .execute(conn)?;
    if n == 1 {
        find(conn, SubscriberId(id))
    } else {
        Ok(None)
    }
}

/// Sets the blacklist flag outside the edit screen (automatic blacklisting).
pub fn set_blacklisted(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::update(subscribers::table.find(id))
        .set((
            subscribers::blacklisted.eq(true),
            subscribers::version.eq(subscribers::version + 1),
            subscribers::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)
}

pub fn delete(conn: &mut DbConnection, id: SubscriberId) -> QueryResult<usize> {
    diesel::delete(subscribers::table.find(id.0)).execute(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    subscribers::table.count().get_result(conn)
}

/// The subscriber of `service_provider_id` with subscriber ID (CLI) `cli`, if any.
pub fn find_by_cli(
    conn: &mut DbConnection,
    service_provider_id: i64,
    cli: &str,
) -> QueryResult<Option<Subscriber>> {
    subscribers::table
        .filter(subscribers::service_provider_id.eq(service_provider_id))
        .filter(subscribers::cli.eq(cli))
        .select(Subscriber::as_select())
        .first(conn)
        .optional()
}
