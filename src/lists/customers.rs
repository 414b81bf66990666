//! The customers list: the customers pane (filtered, sorted, paged) and its exports.

use super::counts::{CountCache, RowCount};
use super::{by_text, text, yes_no, Cell, Keyset, KeysetValue, Kind, ListColumn, Row, SortDir};
use crate::db::models::customer::{self, Customer, CustomerFilter, Listing};
use crate::db::DbConnection;
use crate::domain::Country;
use diesel::QueryResult;

const fn col(
    key: &'static str,
    label: &'static str,
    kind: Kind,
    width: u16,
    cell: fn(&Customer) -> Cell,
) -> ListColumn<Customer> {
    ListColumn::new(key, label, kind, width, cell)
}

/// Every column, in the order of the pane and of "all data" exports.
pub const COLUMNS: &[ListColumn<Customer>] = &[
    col("account_code", "Account code", Kind::Ident, 14, |c| {
        text(&c.account_code)
    })
    .sort("customers.account_code", |c| by_text(&c.account_code))
    .shown(),
    col("company", "Company", Kind::Text, 24, |c| text(&c.company))
        .sort("customers.company", |c| by_text(&c.company))
        .shown(),
    col("name", "Name", Kind::Text, 20, |c| text(&c.name))
        .sort("customers.name", |c| by_text(&c.name))
        .shown()
        .inline(100),
    col("description", "Description", Kind::Text, 24, |c| {
        text(&c.description)
    })
    .shown()
    .inline(200),
    col("username", "Web username", Kind::Text, 14, |c| {
        text(&c.username)
    })
    .sort("customers.username_key", |c| by_text(&c.username_key))
    .shown(),
    col("email", "Email", Kind::Text, 22, |c| text(&c.email))
        .sort("customers.email", |c| by_text(&c.email))
        .optional(),
    col("phone", "Phone", Kind::Ident, 12, |c| text(&c.phone))
        .sort("customers.phone", |c| by_text(&c.phone))
        .optional(),
    col("address", "Address", Kind::Text, 26, |c| text(&c.address)),
    col("country", "Country", Kind::Text, 14, |c| {
        text(Country::name_of(&c.country))
    })
    .sort("customers.country", |c| by_text(&c.country))
    .shown(),
    col("pin", "Postal code", Kind::Ident, 9, |c| text(&c.pin)),
    col("webid", "WebID", Kind::Text, 16, |c| text(&c.webid)),
    col("status", "Status", Kind::Text, 12, |c| {
        text(c.status.label())
    })
    .sort("customers.status", |c| by_text(c.status.code()))
    .shown(),
    col("customer_type", "Type", Kind::Text, 6, |c| {
        text(c.customer_type.label())
    })
    .sort("customers.customer_type", |c| {
        by_text(c.customer_type.code())
    })
    .optional(),
    col("billing_type", "Billing", Kind::Text, 9, |c| {
        text(c.billing_type.label())
    })
    .sort("customers.billing_type", |c| by_text(c.billing_type.code()))
    .optional(),
    col(
        "payment_term_days",
        "Payment term (days)",
        Kind::Int,
        8,
        |c| Cell::Int(c.payment_term_days.into()),
    ),
    col("credit_limit", "Credit limit", Kind::Money, 12, |c| {
        Cell::Money(c.credit_limit_cents)
    }),
    col("billing_decimals", "Billing decimals", Kind::Int, 8, |c| {
        Cell::Int(c.billing_decimals.into())
    }),
    col("tax_flag", "VAT/tax", Kind::Text, 6, |c| {
        text(c.tax_flag.code())
    }),
    col(
        "max_call_sessions",
        "Max call sessions",
        Kind::Int,
        8,
        |c| Cell::Int(c.max_call_sessions.into()),
    ),
    col("calls_per_second", "Calls per second", Kind::Int, 8, |c| {
        Cell::Int(c.calls_per_second.into())
    }),
    col("call_with_media", "Call with media", Kind::Text, 6, |c| {
        yes_no(c.call_with_media)
    }),
    col("codec_list", "Codecs", Kind::Text, 12, |c| {
        text(&c.codec_list)
    }),
    col(
        "max_call_duration",
        "Max call duration (s)",
        Kind::Int,
        8,
        |c| {
            c.max_call_duration_secs
                .map(|d| Cell::Int(d.into()))
                .unwrap_or(Cell::Empty)
        },
    ),
    col("created_at", "Created", Kind::Date, 16, |c| {
        Cell::Date(c.created_at)
    })
    .sort("customers.created_at", |c| KeysetValue::Int(c.created_at))
    .optional(),
    col("updated_at", "Updated", Kind::Date, 16, |c| {
        Cell::Date(c.updated_at)
    }),
];

/// The filters refused, by parameter name, with the message to show next to each: a
/// contains-match with fewer than 3 characters (no trigram to look up, so it would read every
/// row) and an IP network that cannot be read. A refused filter selects nothing.
pub fn refusals(f: &CustomerFilter) -> Vec<(&'static str, String)> {
    use crate::domain::customer_search::{contains_text, ip_ranges};
    let mut out = Vec::new();
    for (key, typed) in [("q_company", &f.company), ("q_name", &f.name)] {
        if let Err(m) = contains_text(typed) {
            out.push((key, m));
        }
    }
    if let Err(m) = ip_ranges(&f.ip) {
        out.push(("q_ip", m));
    }
    out
}

/// The sort column asked for, if allowed, else by company.
pub fn sort(asked: Option<&str>) -> &'static ListColumn<Customer> {
    super::sort_column(COLUMNS, asked, "company")
}

impl Row for Customer {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i32 {
        self.version
    }
    fn label(&self) -> &str {
        &self.company
    }
}

/// The customers matching a filter, in one column's order.
pub struct Customers {
    pub filter: CustomerFilter,
    pub sort: &'static ListColumn<Customer>,
    pub dir: SortDir,
}

impl Customers {
    /// One page of the pane.
    pub fn page(
        &self,
        conn: &mut DbConnection,
        page: i64,
        per_page: i64,
    ) -> QueryResult<crate::db::models::Page<Customer>> {
        customer::list(
            conn,
            &self.filter,
            super::order(self.sort, self.dir),
            page,
            per_page,
        )
    }
}

impl Customers {
    /// How the pane lists these customers in pages of `per_page` (`customer::listing`): in
    /// the order asked, or newest first when the matches of a contains-text are too many to
    /// sort and too few come early in that order.
    /// Its first page comes along when finding out read it.
    pub fn listing(
        &self,
        conn: &mut DbConnection,
        per_page: i64,
    ) -> QueryResult<(Listing, Option<crate::db::models::Page<Customer>>)> {
        customer::listing(
            conn,
            &self.filter,
            super::order(self.sort, self.dir),
            per_page,
        )
    }

    /// One page of the pane as `listing` says.
    pub fn page_as(
        &self,
        conn: &mut DbConnection,
        listing: Listing,
        page: i64,
        per_page: i64,
    ) -> QueryResult<crate::db::models::Page<Customer>> {
        customer::list_as(conn, &self.filter, listing, page, per_page)
    }

    /// The 0-based place of `row` in the list as `listing` orders it.
    pub fn position_as(
        &self,
        conn: &mut DbConnection,
        listing: Listing,
        row: &Customer,
    ) -> QueryResult<Option<i64>> {
        match listing {
            Listing::Newest => customer::position(
                conn,
                &self.filter,
                listing.order(),
                (KeysetValue::Int(row.id), row.id),
            ),
            Listing::Asked(_) | Listing::Walked(_) => self.position(conn, row),
        }
    }

    /// What the pane says above its rows when they are not in the order asked.
    pub fn order_note(&self, listing: Listing) -> Option<String> {
        match listing {
            Listing::Newest => Some(format!(
                "Too many customers match to sort them by {}: listed newest first. \
                 Add to the search to sort them.",
                self.sort.label
            )),
            Listing::Asked(_) | Listing::Walked(_) => None,
        }
    }

    /// The 0-based place of `row` in the list, `None` when the filter leaves it out.
    pub fn position(&self, conn: &mut DbConnection, row: &Customer) -> QueryResult<Option<i64>> {
        match self.sort.sort {
            Some(s) => customer::position(
                conn,
                &self.filter,
                super::order(self.sort, self.dir),
                ((s.value)(row), row.id),
            ),
            None => Ok(None),
        }
    }

    /// How many customers the pane lists (`lists::counts`; the filter, scope included, is the key).
    pub fn row_count(&self, conn: &mut DbConnection, cache: &CountCache) -> QueryResult<RowCount> {
        let key = format!("customers {:?}", self.filter);
        cache.count_with(
            &key,
            conn,
            |conn, n| customer::more_than(conn, &self.filter, n),
            |conn| customer::count_filtered(conn, &self.filter),
        )
    }
}

impl Keyset for Customers {
    type Row = Customer;
    fn chunk(
        &self,
        conn: &mut DbConnection,
        after: Option<&Customer>,
        limit: i64,
    ) -> QueryResult<Vec<Customer>> {
        let after = after.and_then(|r| self.sort.sort.map(|s| ((s.value)(r), r.id)));
        customer::list_after(
            conn,
            &self.filter,
            super::order(self.sort, self.dir),
            after,
            limit,
        )
    }
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        customer::count_filtered(conn, &self.filter)
    }
}
