//! The subscribers search: one row per wallet a subscriber holds (one row with no wallet for a
//! subscriber without any), by wallet reference, card number, subscriber ID or customer, exact or
//! by prefix, within one service provider.
//!
//! Every query walks an index in the order it returns rows and stops at the limit: a prefix is
//! the range `col >= 'p' AND col < 'q'` (`q` = `p` with its last character moved on by one), which
//! both engines answer from a B-tree because the columns compare byte-wise (SQLite's BINARY
//! collation; `COLLATE "C"` on PostgreSQL). Pages and export chunks use the same functions; a
//! chunk carries on after the last row it returned (keyset), so each costs the same.

use crate::db::keyed::{keyed_by_sql, padded_ids};
use crate::db::schema::{
    balance_buckets, balance_types, currencies, customers, product_types, subscriber_wallets,
    subscribers, wallet_balances, wallets,
};
use crate::db::{DbConnection, MultiBackend};
use crate::domain::subscriber::MatchMode;
use crate::domain::{Amount, Unit};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use serde::{Deserialize, Serialize};

/// Which field a search looks in; `Browse` lists every subscriber of the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchField {
    Browse,
    WalletRef,
    CardNumber,
    SubscriberId,
    Customer,
}

impl SearchField {
    /// The query-string parameter of each field, in the order the page shows them.
    pub const PARAMS: [(SearchField, &'static str, &'static str); 4] = [
        (SearchField::WalletRef, "wallet_ref", "Wallet reference"),
        (SearchField::CardNumber, "card_number", "Card number"),
        (SearchField::SubscriberId, "subscriber_id", "Subscriber ID"),
        (SearchField::Customer, "customer", "Customer"),
    ];
    pub fn param(self) -> &'static str {
        Self::PARAMS
            .iter()
            .find(|(f, ..)| *f == self)
            .map(|(_, p, _)| *p)
            .unwrap_or("")
    }
    pub fn label(self) -> &'static str {
        Self::PARAMS
            .iter()
            .find(|(f, ..)| *f == self)
            .map(|(.., l)| *l)
            .unwrap_or("All subscribers")
    }
}

/// A search as asked: provider, field, text (already normalised by the caller) and match mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberQuery {
    pub service_provider_id: i64,
    pub field: SearchField,
    pub text: String,
    pub exact: bool,
}

impl SubscriberQuery {
    pub fn mode(&self) -> MatchMode {
        if self.exact {
            MatchMode::Exact
        } else {
            MatchMode::Prefix
        }
    }
}

/// One line of the result.
#[derive(Debug, Clone, Queryable)]
pub struct SearchRow {
    pub subscriber_id: i64,
    pub card_number: String,
    pub cli: String,
    pub description: String,
    pub blacklisted: bool,
    pub wallet_type: Option<String>,
    pub wallet_id: Option<i64>,
    pub wallet_ref: Option<String>,
    pub wallet_state: Option<String>,
    pub product_type: Option<String>,
    pub customer_id: Option<i64>,
    pub customer: Option<String>,
    /// `lower(company)` as the database computes it (the customer search's sort key).
    pub customer_key: Option<String>,
    /// The wallet's general cash total with its currency (`12.50 EUR`), filled in after the
    /// rows are read by one grouped query per chunk (`with_general_cash`).
    pub general_cash: Option<String>,
}

/// The smallest string greater than every string that starts with `prefix` (byte order), or
/// `None` when there is none (then the range has no upper end).
pub fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = last as u32 + 1;
        if (0xD800..=0xDFFF).contains(&next) {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// How `lower(company)` is written so that it compares byte-wise and uses the
/// `customers_company_prefix` index (the one place the engines differ here).
fn company_key_sql(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Postgresql(_) => "lower(customers.company) COLLATE \"C\"",
        DbConnection::Sqlite(_) => "lower(customers.company)",
    }
}

/// The customer search text as the database's `lower()` would have it (SQLite folds ASCII only).
fn company_key_text(conn: &DbConnection, text: &str) -> String {
    match conn {
        DbConnection::Postgresql(_) => text.to_lowercase(),
        DbConnection::Sqlite(_) => text.to_ascii_lowercase(),
    }
}

/// A plain-SQL condition that names its tables, usable on any of the joins below.
type Pred<QS> = Box<dyn BoxableExpression<QS, MultiBackend, SqlType = Bool>>;

fn raw(text: &str) -> diesel::expression::SqlLiteral<Bool> {
    sql::<Bool>(text)
}

macro_rules! row_select {
    () => {
        (
            subscribers::id,
            subscribers::card_number,
            subscribers::cli,
            subscribers::description,
            subscribers::blacklisted,
            subscriber_wallets::wallet_type.nullable(),
            wallets::id.nullable(),
            wallets::wallet_ref.nullable(),
            wallets::state.nullable(),
            product_types::name.nullable(),
            customers::id.nullable(),
            customers::company.nullable(),
            sql::<Nullable<Text>>("lower(customers.company)"),
            sql::<Nullable<Text>>("CAST(NULL AS TEXT)"),
        )
    };
}

/// Rows of the search in its order, after `after` (the last row of the previous chunk).
pub fn search(
    conn: &mut DbConnection,
    q: &SubscriberQuery,
    after: Option<&SearchRow>,
    limit: i64,
) -> QueryResult<Vec<SearchRow>> {
    match run(conn, q, after, limit, Run::Load)? {
        Output::Rows(rows) => with_general_cash(conn, rows),
        _ => Ok(Vec::new()),
    }
}

/// Fills in each row's general cash total (the default balance type's buckets that count now):
/// one grouped query for the sums and one for the wallets' currencies, whatever the row count.
fn with_general_cash(
    conn: &mut DbConnection,
    mut rows: Vec<SearchRow>,
) -> QueryResult<Vec<SearchRow>> {
    let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.wallet_id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(rows);
    }
    let ids = padded_ids(ids);
    let now = crate::db::now();
    let sums: Vec<(i64, Option<i64>)> = keyed_by_sql(
        balance_buckets::table
            .inner_join(wallet_balances::table.inner_join(balance_types::table))
            .filter(wallet_balances::wallet_id.eq_any(&ids))
            .filter(balance_types::is_default.eq(true))
            .filter(
                balance_buckets::starts_at
                    .is_null()
                    .or(balance_buckets::starts_at.le(now)),
            )
            .filter(
                balance_buckets::expires_at
                    .is_null()
                    .or(balance_buckets::expires_at.gt(now)),
            )
            .group_by(wallet_balances::wallet_id)
            .select((
                wallet_balances::wallet_id,
                sql::<Nullable<BigInt>>("CAST(SUM(balance_buckets.value) AS BIGINT)"),
            )),
    )
    .load(conn)?;
    let currencies: Vec<(i64, String, i32)> = keyed_by_sql(
        wallets::table
            .inner_join(currencies::table.on(currencies::id.eq(wallets::currency_id)))
            .filter(wallets::id.eq_any(&ids))
            .select((wallets::id, currencies::code, currencies::decimals)),
    )
    .load(conn)?;
    for r in &mut rows {
        let Some(w) = r.wallet_id else { continue };
        let total = sums
            .iter()
            .find(|(id, _)| *id == w)
            .and_then(|(_, s)| *s)
            .unwrap_or(0);
        r.general_cash = currencies
            .iter()
            .find(|(id, _, _)| *id == w)
            .map(|(_, code, d)| {
                format!(
                    "{} {code}",
                    Amount::from_minor(total).show(Unit::Cash, (*d).max(0) as u32)
                )
            });
    }
    Ok(rows)
}

/// The query plan of a search (tests check that it walks an index).
pub fn explain(
    conn: &mut DbConnection,
    q: &SubscriberQuery,
    after: Option<&SearchRow>,
    limit: i64,
) -> QueryResult<Vec<String>> {
    match run(conn, q, after, limit, Run::Explain)? {
        Output::Plan(lines) => Ok(lines),
        _ => Ok(Vec::new()),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    Load,
    Explain,
    Count,
}

enum Output {
    Rows(Vec<SearchRow>),
    Plan(Vec<String>),
    Count(i64),
}

fn run(
    conn: &mut DbConnection,
    q: &SubscriberQuery,
    after: Option<&SearchRow>,
    limit: i64,
    how: Run,
) -> QueryResult<Output> {
    match q.field {
        SearchField::Browse | SearchField::CardNumber | SearchField::SubscriberId => {
            by_subscriber(conn, q, after, limit, how)
        }
        SearchField::WalletRef => by_wallet(conn, q, after, limit, how),
        SearchField::Customer => by_customer(conn, q, after, limit, how),
    }
}

/// Loads the rows, or only asks for the plan.
fn finish<Q>(conn: &mut DbConnection, query: Q, how: Run) -> QueryResult<Output>
where
    Q: diesel::query_builder::QueryFragment<MultiBackend>,
    crate::db::keyed::KeyedBySql<Q>:
        for<'a> diesel::query_dsl::LoadQuery<'a, DbConnection, SearchRow>,
{
    match how {
        Run::Explain => Ok(Output::Plan(super::explain::plan(conn, query)?)),
        // The text is one of a few per field and mode (see `keyed_by_sql`).
        _ => Ok(Output::Rows(keyed_by_sql(query).load(conn)?)),
    }
}

/// How many rows the whole search has (exports).
pub fn count(conn: &mut DbConnection, q: &SubscriberQuery) -> QueryResult<i64> {
    match run(conn, q, None, 0, Run::Count)? {
        Output::Count(n) => Ok(n),
        _ => Ok(0),
    }
}

/// Card number, subscriber ID, or everything: the subscriber's index gives the order.
fn by_subscriber(
    conn: &mut DbConnection,
    q: &SubscriberQuery,
    after: Option<&SearchRow>,
    limit: i64,
    how: Run,
) -> QueryResult<Output> {
    let column = match q.field {
        SearchField::SubscriberId => "subscribers.cli",
        _ => "subscribers.card_number",
    };
    let mut query = subscribers::table
        .left_join(
            subscriber_wallets::table.on(subscriber_wallets::subscriber_id.eq(subscribers::id)),
        )
        .left_join(wallets::table.on(wallets::id.eq(subscriber_wallets::wallet_id)))
        .left_join(product_types::table.on(product_types::id.eq(wallets::product_type_id)))
        .left_join(customers::table.on(customers::id.nullable().eq(wallets::customer_id)))
        .filter(subscribers::service_provider_id.eq(q.service_provider_id))
        .select(row_select!())
        .into_boxed::<MultiBackend>();
    if q.field != SearchField::Browse {
        query = query.filter(text_match(column, &q.text, q.exact));
    }
    if let Some(last) = after {
        let key = if q.field == SearchField::SubscriberId {
            last.cli.clone()
        } else {
            last.card_number.clone()
        };
        // Carry on inside the last subscriber (its secondary wallet), then after it.
        query = query.filter(
            raw(&format!("{column} >= "))
                .bind::<Text, _>(key.clone())
                .sql(&format!(" AND ({column} > "))
                .bind::<Text, _>(key)
                .sql(" OR subscriber_wallets.wallet_type > ")
                .bind::<Text, _>(last.wallet_type.clone().unwrap_or_else(|| "~".into()))
                .sql(")"),
        );
    }
    if how == Run::Count {
        return Ok(Output::Count(query.count().get_result(conn)?));
    }
    let query = if q.field == SearchField::SubscriberId {
        query.order((subscribers::cli, subscriber_wallets::wallet_type))
    } else {
        query.order((subscribers::card_number, subscriber_wallets::wallet_type))
    };
    finish(conn, query.limit(limit), how)
}

/// Wallet reference: the wallets' index gives the order, then each wallet's holders.
fn by_wallet(
    conn: &mut DbConnection,
    q: &SubscriberQuery,
    after: Option<&SearchRow>,
    limit: i64,
    how: Run,
) -> QueryResult<Output> {
    let mut query = wallets::table
        .inner_join(subscriber_wallets::table.on(subscriber_wallets::wallet_id.eq(wallets::id)))
        .inner_join(subscribers::table.on(subscribers::id.eq(subscriber_wallets::subscriber_id)))
        .inner_join(product_types::table.on(product_types::id.eq(wallets::product_type_id)))
        .left_join(customers::table.on(customers::id.nullable().eq(wallets::customer_id)))
        .filter(wallets::service_provider_id.eq(q.service_provider_id))
        .filter(text_match("wallets.wallet_ref", &q.text, q.exact))
        .select(row_select!())
        .into_boxed::<MultiBackend>();
    if let Some(last) = after {
        let r = last.wallet_ref.clone().unwrap_or_default();
        query = query.filter(
            raw("wallets.wallet_ref >= ")
                .bind::<Text, _>(r.clone())
                .sql(" AND (wallets.wallet_ref > ")
                .bind::<Text, _>(r)
                .sql(" OR subscriber_wallets.subscriber_id > ")
                .bind::<BigInt, _>(last.subscriber_id)
                .sql(")"),
        );
    }
    if how == Run::Count {
        return Ok(Output::Count(query.count().get_result(conn)?));
    }
    let query = query
        .order((wallets::wallet_ref, subscriber_wallets::subscriber_id))
        .limit(limit);
    finish(conn, query, how)
}

/// Customer: the customers' company index gives the order, then each customer's wallets and
/// their holders.
fn by_customer(
    conn: &mut DbConnection,
    q: &SubscriberQuery,
    after: Option<&SearchRow>,
    limit: i64,
    how: Run,
) -> QueryResult<Output> {
    let key_sql = company_key_sql(conn);
    let text = company_key_text(conn, &q.text);
    let mut query = customers::table
        .inner_join(wallets::table.on(wallets::customer_id.eq(customers::id.nullable())))
        .inner_join(subscriber_wallets::table.on(subscriber_wallets::wallet_id.eq(wallets::id)))
        .inner_join(subscribers::table.on(subscribers::id.eq(subscriber_wallets::subscriber_id)))
        .inner_join(product_types::table.on(product_types::id.eq(wallets::product_type_id)))
        .filter(customers::service_provider_id.eq(q.service_provider_id))
        .filter(wallets::service_provider_id.eq(q.service_provider_id))
        .filter(text_match(key_sql, &text, q.exact))
        .select(row_select!())
        .into_boxed::<MultiBackend>();
    if let Some(last) = after {
        let k = last.customer_key.clone().unwrap_or_default();
        let c = last.customer_id.unwrap_or(0);
        let w = last.wallet_id.unwrap_or(0);
        query = query.filter(
            raw(&format!("{key_sql} >= "))
                .bind::<Text, _>(k.clone())
                .sql(&format!(" AND ({key_sql} > "))
                .bind::<Text, _>(k)
                .sql(" OR customers.id > ")
                .bind::<BigInt, _>(c)
                .sql(" OR (customers.id = ")
                .bind::<BigInt, _>(c)
                .sql(" AND (wallets.id > ")
                .bind::<BigInt, _>(w)
                .sql(" OR (wallets.id = ")
                .bind::<BigInt, _>(w)
                .sql(" AND subscriber_wallets.subscriber_id > ")
                .bind::<BigInt, _>(last.subscriber_id)
                .sql("))))"),
        );
    }
    if how == Run::Count {
        return Ok(Output::Count(query.count().get_result(conn)?));
    }
    let query = query
        .order((
            sql::<Text>(key_sql),
            customers::id,
            wallets::id,
            subscriber_wallets::subscriber_id,
        ))
        .limit(limit);
    finish(conn, query, how)
}

/// `col = text` (as `text <= col <= text`), or the prefix range `col >= text AND col < next(text)`.
fn text_match<QS>(column: &'static str, text: &str, exact: bool) -> Pred<QS> {
    if exact {
        // Written as a closed range: SQLite's planner then drives the join from the expression
        // index of the customer search too, where `= ?` made it start from the wallets.
        return Box::new(
            raw(&format!("{column} >= "))
                .bind::<Text, _>(text.to_string())
                .sql(&format!(" AND {column} <= "))
                .bind::<Text, _>(text.to_string()),
        );
    }
    if text.is_empty() {
        return Box::new(raw("1 = 1"));
    }
    match prefix_upper_bound(text) {
        Some(upper) => Box::new(
            raw(&format!("{column} >= "))
                .bind::<Text, _>(text.to_string())
                .sql(&format!(" AND {column} < "))
                .bind::<Text, _>(upper),
        ),
        None => Box::new(raw(&format!("{column} >= ")).bind::<Text, _>(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::prefix_upper_bound;

    #[test]
    fn the_upper_bound_follows_every_string_with_the_prefix() {
        assert_eq!(prefix_upper_bound("47").as_deref(), Some("48"));
        assert_eq!(prefix_upper_bound("AB9").as_deref(), Some("AB:"));
        assert_eq!(prefix_upper_bound("nord").as_deref(), Some("nore"));
        assert_eq!(prefix_upper_bound("").as_deref(), None);
        assert_eq!(
            prefix_upper_bound("a\u{10FFFF}").as_deref(),
            Some("b"),
            "the last character has no successor: move the one before"
        );
        assert_eq!(prefix_upper_bound("\u{D7FF}").as_deref(), Some("\u{E000}"));
        for s in ["47", "47000", "47\u{FFFF}", "47~"] {
            assert!(s >= "47" && s < prefix_upper_bound("47").unwrap().as_str());
        }
    }
}
