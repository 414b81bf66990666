//! Row structs, insert forms, update forms and the queries of each table.

pub mod api_token;
pub mod audit;
pub mod balance;
pub mod billing;
pub mod billing_change;
pub mod bpl_task;
pub mod branding;
pub mod compliance;
pub mod credit_card;
pub mod customer;
pub mod customer_admin;
pub mod customer_lookup;
pub mod customer_user;
pub mod edr;
pub mod exchange_rate;
pub mod explain;
pub mod export_job;
pub mod flat;
pub mod link;
pub mod login_failure;
pub mod mail_outbox;
pub mod numbers;
pub mod operator;
pub mod packages;
pub mod pbx;
pub mod preference;
pub mod promotion;
pub mod ref_data;
pub mod reference;
pub mod reservation;
pub mod session;
pub mod settings;
pub mod site;
pub mod stats;
pub mod subscriber;
pub mod subscriber_profile;
pub mod subscriber_search;
pub mod telephony;
pub mod topup;
pub mod transfer;
pub mod voucher;
pub mod wallet;

/// Declares an id newtype: one table's ids cannot be passed where another's are expected.
macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

id_type! {
    /// Identifies a site (`sites.id`).
    SiteId;
    /// Identifies an access link (`access_links.id`).
    LinkId;
    /// Identifies a subscriber (`subscribers.id`).
    SubscriberId;
    /// Identifies a wallet (`wallets.id`).
    WalletId;
    /// Identifies an operator (`operators.id`).
    OperatorId;
}

/// Case-insensitive "contains" pattern for LIKE, with the wildcard characters escaped.
pub fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.trim().to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both engines.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Sort direction from the URL (`asc` / `desc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum SortDir {
    #[default]
    Asc,
    Desc,
}

impl SortDir {
    pub fn parse(s: Option<&str>) -> SortDir {
        match s {
            Some("desc") => SortDir::Desc,
            _ => SortDir::Asc,
        }
    }
    /// The other direction.
    pub fn reversed(self) -> SortDir {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }
}

/// The last row's value in the sort column, for keyset pagination.
#[derive(Debug, Clone)]
pub enum KeysetValue {
    Text(String),
    Int(i64),
}

/// `(column, id) > (value, last_id)` (or `<` descending): a row-value comparison that both
/// engines answer from the (column, id) index. `column` comes from an allow-list, never input.
pub fn keyset_after<QS>(
    column: &'static str,
    value: KeysetValue,
    id_column: &'static str,
    last_id: i64,
    dir: SortDir,
) -> Box<
    dyn diesel::BoxableExpression<QS, crate::db::MultiBackend, SqlType = diesel::sql_types::Bool>,
> {
    let op = match dir {
        SortDir::Asc => ">",
        SortDir::Desc => "<",
    };
    let head =
        diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("({column}, {id_column}) {op} ("));
    match value {
        KeysetValue::Text(v) => Box::new(
            head.bind::<diesel::sql_types::Text, _>(v)
                .sql(", ")
                .bind::<diesel::sql_types::BigInt, _>(last_id)
                .sql(")"),
        ),
        KeysetValue::Int(v) => Box::new(
            head.bind::<diesel::sql_types::BigInt, _>(v)
                .sql(", ")
                .bind::<diesel::sql_types::BigInt, _>(last_id)
                .sql(")"),
        ),
    }
}

/// How a list is ordered: one column named by a list declaration (its SQL text comes from the
/// declaration's allow-list, never from input), then the row id, both in `dir`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub column: &'static str,
    pub dir: SortDir,
}

/// Where a keyset chunk carries on: the last row's value in the sort column, and its id.
pub type After = Option<(KeysetValue, i64)>;

impl Order {
    /// `ORDER BY column dir, id_column dir`, as one SQL fragment.
    pub fn by(self, id_column: &'static str) -> OrderBy {
        OrderBy {
            order: self,
            id_column,
        }
    }

    /// The condition "after this row" of keyset pagination (`None`: from the start).
    pub fn after<QS>(
        self,
        after: After,
        id_column: &'static str,
    ) -> Option<
        Box<
            dyn diesel::BoxableExpression<
                QS,
                crate::db::MultiBackend,
                SqlType = diesel::sql_types::Bool,
            >,
        >,
    > {
        after.map(|(value, id)| keyset_after(self.column, value, id_column, id, self.dir))
    }
}

/// `column dir, id_column dir` of an `Order`. Unlike a `sql()` literal, which diesel must
/// assume unbounded and so prepares afresh on every call, its text comes from a list's
/// allow-list, so a list query without literal filters stays prepared (keyed by its SQL): the
/// three-pane page parsed its three list statements again on every view, a tenth of its CPU.
#[derive(Debug, Clone, Copy)]
pub struct OrderBy {
    order: Order,
    id_column: &'static str,
}

impl diesel::Expression for OrderBy {
    type SqlType = diesel::sql_types::Text;
}

impl<DB: diesel::backend::Backend> diesel::query_builder::QueryFragment<DB> for OrderBy {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        let dir = match self.order.dir {
            SortDir::Asc => " ASC",
            SortDir::Desc => " DESC",
        };
        out.push_sql(self.order.column);
        out.push_sql(dir);
        out.push_sql(", ");
        out.push_sql(self.id_column);
        out.push_sql(dir);
        Ok(())
    }
}

impl diesel::query_builder::QueryId for OrderBy {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<QS> diesel::SelectableExpression<QS> for OrderBy {}

impl<QS> diesel::AppearsOnTable<QS> for OrderBy {}

impl<GB> diesel::expression::ValidGrouping<GB> for OrderBy {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl Order {
    /// The condition "before this row" (its value in the sort column, its id): the rows a
    /// list shows ahead of it, counted to find the page it is on.
    pub fn before<QS>(
        self,
        value: KeysetValue,
        id: i64,
        id_column: &'static str,
    ) -> Box<
        dyn diesel::BoxableExpression<
            QS,
            crate::db::MultiBackend,
            SqlType = diesel::sql_types::Bool,
        >,
    > {
        keyset_after(self.column, value, id_column, id, self.dir.reversed())
    }
}

/// One page of a list: the rows and whether another page follows.
#[derive(Debug)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub has_more: bool,
}

impl<T> Page<T> {
    /// Builds a page from a query that fetched `per_page + 1` rows.
    pub fn from_overfetch(mut rows: Vec<T>, per_page: i64) -> Page<T> {
        let has_more = rows.len() as i64 > per_page;
        rows.truncate(per_page as usize);
        Page { rows, has_more }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern(" A_b%c "), "%a\\_b\\%c%");
    }
}
