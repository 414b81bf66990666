//! A customer's account statement as a list: the opening balance, one line per local day with
//! calls (their summed cost) and one per ledger entry, in time order, each with the running
//! balance, then the closing balance. Read in keyset chunks like every list: the last line
//! carries where the next chunk starts and the balance so far.

use super::{text, Cell, Keyset, Kind, ListColumn};
use crate::db::models::billing::{self, Payment};
use crate::db::DbConnection;
use crate::domain::{Amount, PaymentKind, Unit, Zone};
use diesel::QueryResult;

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Opening,
    /// The calls of one day.
    Charges,
    Payment(PaymentKind),
    Closing,
}

/// One line of the statement. `amount` is its effect on the balance (charges negative).
#[derive(Debug, Clone)]
pub struct Line {
    pub kind: LineKind,
    /// UTC seconds: the local day's first instant for charges, the entry's time, or the
    /// period's start / end.
    pub at: i64,
    /// The entry's id (0 for the other lines): with `at` and the kind's rank, the sort key.
    pub id: i64,
    pub calls: i64,
    pub seconds: i64,
    pub amount: i64,
    pub balance: i64,
    pub reference: String,
    pub note: String,
    pub reversal: bool,
    pub decimals: u32,
}

impl Line {
    fn key(&self) -> (i64, u8, i64) {
        let rank = match self.kind {
            LineKind::Opening => 0,
            LineKind::Charges => 1,
            LineKind::Payment(_) => 2,
            LineKind::Closing => 3,
        };
        (self.at, rank, self.id)
    }

    /// What the line is, in words.
    pub fn label(&self) -> String {
        match self.kind {
            LineKind::Opening => "Opening balance".into(),
            LineKind::Closing => "Closing balance".into(),
            LineKind::Charges => "Calls".into(),
            LineKind::Payment(k) if self.reversal => format!("{} reversed", k.label()),
            LineKind::Payment(k) => k.label().into(),
        }
    }

    /// Calls and minutes, or the entry's note.
    pub fn details(&self) -> String {
        match self.kind {
            LineKind::Charges => format!(
                "{} call{}, {}",
                self.calls,
                if self.calls == 1 { "" } else { "s" },
                Amount::from_minor(self.seconds).show(Unit::Time, 0)
            ),
            LineKind::Payment(_) => self.note.clone(),
            _ => String::new(),
        }
    }

    /// The amount shown (nothing on the opening and closing lines).
    pub fn amount_cell(&self) -> Cell {
        match self.kind {
            LineKind::Opening | LineKind::Closing => Cell::Empty,
            _ => Cell::Minor(self.amount, self.decimals),
        }
    }
}

/// The local day (`YYYY-MM-DD` in `zone`) of a quarter-hour slice of CDRs, and that day's
/// first instant: slices never straddle a local midnight, so a day is a run of slices.
pub fn day_of_slice(slice: i64, zone: &Zone) -> (String, i64) {
    let at = slice * billing::SLICE_SECS;
    let date = zone.date(at);
    let start = crate::domain::civil_date_in(&date, zone).unwrap_or(at);
    (date, start)
}

/// The statement of one customer over `[start, end)`, days cut in `zone`.
#[derive(Debug, Clone)]
pub struct Statement {
    pub customer_id: i64,
    pub decimals: u32,
    pub start: i64,
    pub end: i64,
    /// The IANA name of the zone days are cut in.
    pub zone: String,
}

const fn col(
    key: &'static str,
    label: &'static str,
    kind: Kind,
    width: u16,
    cell: fn(&Line) -> Cell,
) -> ListColumn<Line> {
    ListColumn::new(key, label, kind, width, cell).shown()
}

pub const COLUMNS: &[ListColumn<Line>] = &[
    col("date", "Date", Kind::Date, 18, |l| Cell::Date(l.at)),
    col("entry", "Entry", Kind::Text, 18, |l| text(&l.label())),
    col("details", "Details", Kind::Text, 30, |l| text(&l.details())),
    col("reference", "Reference", Kind::Ident, 16, |l| {
        text(&l.reference)
    }),
    col("amount", "Amount", Kind::Money, 14, Line::amount_cell),
    col("balance", "Balance", Kind::Money, 14, |l| {
        Cell::Minor(l.balance, l.decimals)
    }),
];

impl Statement {
    fn zone(&self) -> Zone {
        Zone::parse(&self.zone).unwrap_or_else(|_| Zone::utc())
    }

    fn line(&self, kind: LineKind, at: i64) -> Line {
        Line {
            kind,
            at,
            id: 0,
            calls: 0,
            seconds: 0,
            amount: 0,
            balance: 0,
            reference: String::new(),
            note: String::new(),
            reversal: false,
            decimals: self.decimals,
        }
    }

    /// The opening balance: every entry and charge before the period.
    pub fn opening(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        Ok(billing::ledger_before(conn, self.customer_id, self.start)?
            - billing::charges_before(conn, self.customer_id, self.start)?)
    }

    /// One line per local day with calls.
    fn days(&self, conn: &mut DbConnection) -> QueryResult<Vec<Line>> {
        let zone = self.zone();
        let mut out: Vec<Line> = Vec::new();
        let mut day = String::new();
        for s in billing::slices(conn, self.customer_id, (self.start, self.end))? {
            let (date, start) = day_of_slice(s.slice, &zone);
            if date != day || out.is_empty() {
                day = date;
                out.push(Line {
                    ..self.line(LineKind::Charges, start)
                });
            }
            if let Some(l) = out.last_mut() {
                l.calls += s.calls;
                l.seconds += s.seconds;
                l.amount -= s.cost;
            }
        }
        Ok(out)
    }

    fn entry(&self, p: Payment) -> Line {
        Line {
            id: p.id,
            amount: p.effect(),
            reference: p.reference.clone(),
            note: p.note.clone(),
            reversal: p.reverses_id.is_some(),
            ..self.line(LineKind::Payment(p.kind), p.paid_at)
        }
    }
}

impl Keyset for Statement {
    type Row = Line;

    fn chunk(
        &self,
        conn: &mut DbConnection,
        after: Option<&Line>,
        limit: i64,
    ) -> QueryResult<Vec<Line>> {
        let mut lines: Vec<Line> = Vec::new();
        let mut balance = match after {
            Some(l) => l.balance,
            None => {
                let opening = self.opening(conn)?;
                lines.push(Line {
                    balance: opening,
                    ..self.line(LineKind::Opening, self.start)
                });
                opening
            }
        };
        if after.is_some_and(|l| l.kind == LineKind::Closing) {
            return Ok(lines);
        }
        let cursor = after.map(Line::key);
        let past = |l: &Line| cursor.is_none_or(|c| l.key() > c);
        let mut days: Vec<Line> = self.days(conn)?.into_iter().filter(past).collect();
        let from_entry = match after {
            Some(l) if matches!(l.kind, LineKind::Payment(_)) => Some((l.at, l.id)),
            Some(l) => Some((l.at, -1)),
            None => None,
        };
        let entries = billing::payments_between(
            conn,
            self.customer_id,
            (self.start, self.end),
            from_entry,
            limit,
        )?;
        let mut entries: Vec<Line> = entries.into_iter().map(|p| self.entry(p)).collect();
        let entries_done = (entries.len() as i64) < limit;
        let mut merged: Vec<Line> = Vec::with_capacity(days.len() + entries.len());
        days.reverse();
        entries.reverse();
        while let (Some(d), Some(e)) = (days.last(), entries.last()) {
            let next = if d.key() < e.key() {
                days.pop()
            } else {
                entries.pop()
            };
            merged.extend(next);
        }
        merged.extend(days.into_iter().rev());
        let rest_entries = entries.into_iter().rev();
        merged.extend(rest_entries);
        for mut l in merged {
            if lines.len() as i64 >= limit {
                return Ok(lines);
            }
            balance += l.amount;
            l.balance = balance;
            lines.push(l);
        }
        if entries_done && (lines.len() as i64) < limit {
            lines.push(Line {
                balance,
                ..self.line(LineKind::Closing, self.end)
            });
        }
        Ok(lines)
    }

    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        Ok(self.days(conn)?.len() as i64
            + billing::count_payments_between(conn, self.customer_id, (self.start, self.end))?
            + 2)
    }
}
