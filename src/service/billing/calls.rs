//! The call analysis of a customer over a period: calls, minutes and cost by destination
//! prefix (the called number's first three digits after `+` or `00`) and by local day.

use super::payments::decimals;
use super::Period;
use crate::db::models::billing::{self, PrefixTotals, Totals};
use crate::db::models::customer::Customer;
use crate::db::DbConnection;
use crate::domain::Zone;
use crate::error::AppResult;
use crate::lists::statement::day_of_slice;
use crate::service::access::{customer_visible, Scope};

/// Destinations the analysis lists at most (the costliest).
pub const PREFIXES: i64 = 50;

/// One local day's calls.
#[derive(Debug, Clone)]
pub struct Day {
    pub date: String,
    pub calls: i64,
    pub seconds: i64,
    pub cost: i64,
}

#[derive(Debug)]
pub struct Analysis {
    pub customer: Customer,
    pub decimals: u32,
    pub totals: Totals,
    pub prefixes: Vec<PrefixTotals>,
    pub days: Vec<Day>,
}

#[tracing::instrument(skip(conn))]
pub fn analysis(
    conn: &mut DbConnection,
    scope: Scope,
    customer_id: i64,
    period: &Period,
    zone: &Zone,
) -> AppResult<Analysis> {
    let customer = customer_visible(conn, scope, customer_id)?;
    let span = (period.start, period.end);
    let mut days: Vec<Day> = Vec::new();
    for s in billing::slices(conn, customer.id, span)? {
        let (date, _) = day_of_slice(s.slice, zone);
        match days.last_mut() {
            Some(d) if d.date == date => {
                d.calls += s.calls;
                d.seconds += s.seconds;
                d.cost += s.cost;
            }
            _ => days.push(Day {
                date,
                calls: s.calls,
                seconds: s.seconds,
                cost: s.cost,
            }),
        }
    }
    Ok(Analysis {
        totals: billing::totals(conn, customer.id, span)?,
        prefixes: billing::by_prefix(conn, customer.id, span, PREFIXES)?,
        decimals: decimals(&customer),
        customer,
        days,
    })
}
