//! The account statement of a customer over a period of whole days in the viewer's zone: the
//! opening balance (every entry and charge before the period), one line per day with calls
//! (the sum of that day's CDR costs), one line per payment, credit or debit, and the closing
//! balance = opening + payments + credits − debits − charges, all exact minor units. The page
//! and the five export formats read the same lines (`lists::statement`).

use super::payments::decimals;
use super::Period;
use crate::db::models::customer::Customer;
use crate::db::DbConnection;
use crate::domain::{PaymentKind, Zone};
use crate::error::AppResult;
use crate::lists::statement::{Line, LineKind, Statement};
use crate::lists::Keyset;
use crate::service::access::{customer_visible, Scope};

/// The statement as the page shows it.
#[derive(Debug)]
pub struct View {
    pub customer: Customer,
    pub decimals: u32,
    pub opening: i64,
    pub payments: i64,
    pub credits: i64,
    pub debits: i64,
    pub charges: i64,
    pub calls: i64,
    pub closing: i64,
    pub lines: Vec<Line>,
}

/// The statement's list (its lines in order) for a visible customer.
pub fn list(customer: &Customer, period: &Period, zone: &Zone) -> Statement {
    Statement {
        customer_id: customer.id,
        decimals: decimals(customer),
        start: period.start,
        end: period.end,
        zone: zone.name().to_string(),
    }
}

#[tracing::instrument(skip(conn))]
pub fn statement(
    conn: &mut DbConnection,
    scope: Scope,
    customer_id: i64,
    period: &Period,
    zone: &Zone,
) -> AppResult<View> {
    let customer = customer_visible(conn, scope, customer_id)?;
    let list = list(&customer, period, zone);
    let mut lines: Vec<Line> = Vec::new();
    loop {
        let chunk = list.chunk(conn, lines.last(), crate::lists::source::CHUNK)?;
        let done = (chunk.len() as i64) < crate::lists::source::CHUNK;
        lines.extend(chunk);
        if done {
            break;
        }
    }
    let (mut payments, mut credits, mut debits, mut charges, mut calls) = (0, 0, 0, 0, 0);
    for l in &lines {
        match l.kind {
            LineKind::Payment(PaymentKind::Payment) => payments += l.amount,
            LineKind::Payment(PaymentKind::Credit) => credits += l.amount,
            LineKind::Payment(PaymentKind::Debit) => debits -= l.amount,
            LineKind::Charges => {
                charges -= l.amount;
                calls += l.calls;
            }
            _ => {}
        }
    }
    let opening = lines.first().map(|l| l.balance).unwrap_or_default();
    let closing = opening + payments + credits - debits - charges;
    Ok(View {
        decimals: decimals(&customer),
        customer,
        opening,
        payments,
        credits,
        debits,
        charges,
        calls,
        closing,
        lines,
    })
}
