//! The EDRs of a subscriber as a list: the viewer's columns (time, type, wallet, called number,
//! duration, per balance type the cost and the totals before and after, operator, reason), its
//! filters (a time range in the viewer's zone — the last two days unless asked otherwise —,
//! wallet type, how many, called number, EDR type, partial ones too), its six orders and the
//! keyset source its page and its five export formats read. Called numbers are masked here
//! (all but the last four digits) when the query says so.

use super::{text, Cell, Keyset, KeysetValue, Kind, ListColumn, Order, SortDir};
use crate::db::models::edr::{self, EdrFilter, EdrPart, EdrRow};
use crate::db::models::ref_data;
use crate::db::DbConnection;
use crate::domain::balance::EdrType;
use crate::domain::subscriber::WalletType;
use crate::domain::{Amount, FormState, Zone};
use diesel::QueryResult;
use serde::{Deserialize, Serialize};
use std::cell::Cell as Counter;

/// The most EDRs the viewer's page shows at once (exports have no such cap).
pub const PAGE_MAX: i64 = 500;
/// The default window: the last two days.
pub const DEFAULT_WINDOW_SECS: i64 = 2 * 86_400;
/// The largest "number of EDRs" a person may ask for.
pub const LIMIT_MAX: i64 = 1_000_000;

/// One EDR as the list shows it: the record (its called number masked when asked), its
/// balance parts, its wallet as people know it and the wallet currency's decimals.
#[derive(Debug, Clone)]
pub struct EdrListRow {
    pub edr: EdrRow,
    pub parts: Vec<EdrPart>,
    pub wallet: String,
    pub decimals: u32,
}

impl EdrListRow {
    /// The balance type id the list sorts by (the lowest of the EDR's; 0 without any).
    pub fn first_type(&self) -> i64 {
        self.parts
            .iter()
            .map(|p| p.balance_type_id)
            .min()
            .unwrap_or(0)
    }
    /// The cost the list sorts by (the highest of the EDR's; 0 without any).
    pub fn top_cost(&self) -> i64 {
        self.parts.iter().map(|p| p.cost).max().unwrap_or(0)
    }
    /// `CODE value` per balance type, joined.
    fn per_type(&self, value: fn(&EdrPart) -> i64) -> Cell {
        let s: Vec<String> = self
            .parts
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p.code,
                    Amount::from_minor(value(p)).show(p.unit, self.decimals)
                )
            })
            .collect();
        text(&s.join("; "))
    }
}

/// All but the last four digits replaced by `*`.
pub fn mask_number(number: &str) -> String {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let hide = digits.saturating_sub(4);
    let mut seen = 0;
    number
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen <= hide {
                    return '*';
                }
            }
            c
        })
        .collect()
}

fn optional(v: &Option<String>) -> Cell {
    v.as_deref().map(text).unwrap_or(Cell::Empty)
}

const fn col(
    key: &'static str,
    label: &'static str,
    kind: Kind,
    width: u16,
    cell: fn(&EdrListRow) -> Cell,
) -> ListColumn<EdrListRow> {
    ListColumn::new(key, label, kind, width, cell).shown()
}

/// Every column, in the order of the viewer and of the exports.
pub const COLUMNS: &[ListColumn<EdrListRow>] = &[
    col("time", "Time", Kind::Date, 17, |r| {
        Cell::Time(r.edr.created_at)
    }),
    col("edr_type", "Type", Kind::Text, 14, |r| {
        text(r.edr.edr_type.label())
    }),
    col("wallet", "Wallet", Kind::Text, 20, |r| text(&r.wallet)),
    col("called_number", "Called number", Kind::Ident, 16, |r| {
        optional(&r.edr.called_number)
    }),
    col("duration", "Duration (s)", Kind::Int, 8, |r| {
        r.edr.duration_s.map(Cell::Int).unwrap_or(Cell::Empty)
    }),
    col("cost", "Cost", Kind::Text, 22, |r| r.per_type(|p| p.cost)),
    col("before", "Before", Kind::Text, 22, |r| {
        r.per_type(|p| p.before_total)
    }),
    col("after", "After", Kind::Text, 22, |r| {
        r.per_type(|p| p.after_total)
    }),
    col("operator", "Operator", Kind::Text, 14, |r| {
        optional(&r.edr.operator_name)
    }),
    col("reason", "Reason", Kind::Text, 24, |r| {
        optional(&r.edr.change_reason)
    }),
];

/// The viewer's orders (`sort=`): the SQL is a constant of this allow-list, never input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum EdrSort {
    /// Newest first.
    #[default]
    Date,
    /// Oldest first.
    DateAsc,
    /// Balance type id ascending.
    BalanceType,
    /// Highest cost first.
    Cost,
    /// EDR type ascending (same type by date).
    EdrType,
    /// EDR type descending.
    EdrTypeDesc,
}

const FIRST_TYPE_SQL: &str =
    "COALESCE((SELECT MIN(b.balance_type_id) FROM edr_balances b WHERE b.edr_id = edrs.id), 0)";
const TOP_COST_SQL: &str =
    "COALESCE((SELECT MAX(b.cost) FROM edr_balances b WHERE b.edr_id = edrs.id), 0)";

impl EdrSort {
    pub const ALL: [EdrSort; 6] = [
        EdrSort::Date,
        EdrSort::DateAsc,
        EdrSort::BalanceType,
        EdrSort::Cost,
        EdrSort::EdrType,
        EdrSort::EdrTypeDesc,
    ];

    pub fn key(self) -> &'static str {
        match self {
            EdrSort::Date => "date",
            EdrSort::DateAsc => "date_asc",
            EdrSort::BalanceType => "balance_type",
            EdrSort::Cost => "cost",
            EdrSort::EdrType => "edr_type",
            EdrSort::EdrTypeDesc => "edr_type_desc",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EdrSort::Date => "Date, newest first",
            EdrSort::DateAsc => "Date, oldest first",
            EdrSort::BalanceType => "Balance type",
            EdrSort::Cost => "Cost, highest first",
            EdrSort::EdrType => "EDR type, A–Z",
            EdrSort::EdrTypeDesc => "EDR type, Z–A",
        }
    }

    /// The order asked for; anything else is the default (newest first).
    pub fn parse(key: &str) -> EdrSort {
        EdrSort::ALL
            .into_iter()
            .find(|s| s.key() == key.trim())
            .unwrap_or_default()
    }

    /// Clicking the column again: date ⇄ date_asc, edr_type ⇄ edr_type_desc.
    pub fn again(self) -> EdrSort {
        match self {
            EdrSort::Date => EdrSort::DateAsc,
            EdrSort::DateAsc => EdrSort::Date,
            EdrSort::EdrType => EdrSort::EdrTypeDesc,
            EdrSort::EdrTypeDesc => EdrSort::EdrType,
            other => other,
        }
    }

    fn order(self) -> Order {
        let (column, dir) = match self {
            EdrSort::Date => ("edrs.created_at", SortDir::Desc),
            EdrSort::DateAsc => ("edrs.created_at", SortDir::Asc),
            EdrSort::BalanceType => (FIRST_TYPE_SQL, SortDir::Asc),
            EdrSort::Cost => (TOP_COST_SQL, SortDir::Desc),
            EdrSort::EdrType => ("edrs.edr_type", SortDir::Asc),
            EdrSort::EdrTypeDesc => ("edrs.edr_type", SortDir::Desc),
        };
        Order { column, dir }
    }

    fn value(self, r: &EdrListRow) -> KeysetValue {
        match self {
            EdrSort::Date | EdrSort::DateAsc => KeysetValue::Int(r.edr.created_at),
            EdrSort::BalanceType => KeysetValue::Int(r.first_type()),
            EdrSort::Cost => KeysetValue::Int(r.top_cost()),
            EdrSort::EdrType | EdrSort::EdrTypeDesc => {
                KeysetValue::Text(r.edr.edr_type.code().to_string())
            }
        }
    }
}

/// Which EDRs, in which order, how many, and whether called numbers are masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdrQuery {
    pub filter: EdrFilter,
    pub sort: EdrSort,
    pub limit: Option<i64>,
    pub mask: bool,
}

/// The viewer's filters as typed (`None`: not in the URL at all).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EdrParams {
    pub start: Option<String>,
    pub end: Option<String>,
    pub wallet_type: String,
    pub limit: String,
    pub called_number: String,
    pub edr_type: String,
    pub partial: String,
    pub sort: String,
}

/// The form fields, in the order of the viewer's form.
pub const FILTERS: [&str; 8] = [
    "start",
    "end",
    "wallet_type",
    "limit",
    "called_number",
    "edr_type",
    "partial",
    "sort",
];

/// A local date and time (`YYYY-MM-DDTHH:MM`, `YYYY-MM-DD HH:MM` or a date alone) in `zone`,
/// as UTC seconds. A date alone is the start of that day, or with `end_of_day` the next day's.
pub fn local_instant(input: &str, zone: &Zone, end_of_day: bool) -> Result<i64, String> {
    let typed = input.trim();
    let bad = || format!("“{typed}” is not a date and time; write it as YYYY-MM-DD HH:MM.");
    let t = typed.replace('T', " ");
    let (day, clock) = match t.split_once(' ') {
        Some((d, c)) => (d, Some(c.trim())),
        None => (t.as_str(), None),
    };
    let number = |s: &str, len: usize| -> Result<i16, String> {
        if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let parts: Vec<&str> = day.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let (y, m, d) = (number(y, 4)?, number(m, 2)?, number(d, 2)?);
    if !(2000..=2200).contains(&y) {
        return Err("Enter a date between the years 2000 and 2200.".into());
    }
    let date = jiff::civil::Date::new(y, m as i8, d as i8).map_err(|_| bad())?;
    let at = match clock {
        Some(c) => {
            let (h, mi) = c.split_once(':').ok_or_else(bad)?;
            let (h, mi) = (number(h, 2)?, number(mi, 2)?);
            if h > 23 || mi > 59 {
                return Err(bad());
            }
            date.at(h as i8, mi as i8, 0, 0)
        }
        None if end_of_day => date.tomorrow().map_err(|_| bad())?.at(0, 0, 0, 0),
        None => date.at(0, 0, 0, 0),
    };
    at.to_zoned_datetime(zone.rules().clone())
        .map(|z| z.timestamp().as_second())
        .map_err(|_| bad())
}

/// A UTC instant as a `datetime-local` input's value in `zone`.
pub fn input_value(ts: i64, zone: &Zone) -> String {
    zone.time(ts).replacen(' ', "T", 1)
}

impl EdrParams {
    /// The form as typed; a start not given at all is the default window's (`now` − 2 days).
    pub fn form(&self, zone: &Zone, now: i64) -> FormState {
        let mut f = FormState::default();
        let start = match &self.start {
            Some(s) => s.trim().to_string(),
            None => input_value(now - DEFAULT_WINDOW_SECS, zone),
        };
        f.set("start", start);
        f.set("end", self.end.as_deref().unwrap_or("").trim());
        for (k, v) in [
            ("wallet_type", &self.wallet_type),
            ("limit", &self.limit),
            ("called_number", &self.called_number),
            ("edr_type", &self.edr_type),
            ("partial", &self.partial),
        ] {
            f.set(k, v.trim());
        }
        f.set("sort", EdrSort::parse(&self.sort).key());
        f
    }
}

/// The query a filled-in form asks for (masking off; the service decides it), or the form with
/// a message on each field it cannot use.
pub fn parse(form: &FormState, subscriber_id: i64, zone: &Zone) -> Result<EdrQuery, FormState> {
    let mut f = form.clone();
    let mut instant = |name: &str, end: bool| {
        let v = form.value(name);
        if v.is_empty() {
            return None;
        }
        f.check(name, local_instant(v, zone, end))
    };
    let from = instant("start", false);
    let until = instant("end", true);
    if let (Some(a), Some(b)) = (from, until) {
        if a >= b {
            f.error("end", "The end must be after the start.");
        }
    }
    let wallet_type = match form.value("wallet_type") {
        "" => None,
        v => f.check(
            "wallet_type",
            WalletType::parse(v).map(|t| t.code().to_string()),
        ),
    };
    let limit = match form.value("limit") {
        "" => None,
        v => f.check(
            "limit",
            v.parse::<i64>()
                .ok()
                .filter(|n| (1..=LIMIT_MAX).contains(n))
                .ok_or_else(|| format!("Enter a whole number of EDRs from 1 to {LIMIT_MAX}.")),
        ),
    };
    let called_number = match form.value("called_number") {
        "" => None,
        v => f.check(
            "called_number",
            if v.len() <= 32 && v.chars().all(|c| c.is_ascii_digit() || c == '+') {
                Ok(v.to_string())
            } else {
                Err("Enter the called number as digits (a leading + allowed).".to_string())
            },
        ),
    };
    let edr_type = match form.value("edr_type") {
        "" => None,
        v => f.check("edr_type", EdrType::parse(v).map(|t| t.code().to_string())),
    };
    let partial = matches!(form.value("partial"), "on" | "1" | "true" | "yes");
    if f.has_errors() {
        return Err(f);
    }
    Ok(EdrQuery {
        filter: EdrFilter {
            subscriber_id,
            from,
            until,
            wallet_type,
            called_number,
            edr_type,
            partial,
        },
        sort: EdrSort::parse(form.value("sort")),
        limit,
        mask: false,
    })
}

/// The EDRs of one query, read chunk after chunk (at most `limit` in all).
pub struct Edrs {
    pub query: EdrQuery,
    served: Counter<i64>,
}

impl Edrs {
    pub fn new(query: EdrQuery) -> Edrs {
        Edrs {
            query,
            served: Counter::new(0),
        }
    }

    /// The first rows, at most `max`.
    pub fn first(&self, conn: &mut DbConnection, max: i64) -> QueryResult<Vec<EdrListRow>> {
        let n = self.query.limit.map_or(max, |l| l.min(max));
        load(conn, &self.query, None, n)
    }
}

/// Reads `limit` rows after `after` and completes them (parts, wallet, masking).
fn load(
    conn: &mut DbConnection,
    q: &EdrQuery,
    after: Option<&EdrListRow>,
    limit: i64,
) -> QueryResult<Vec<EdrListRow>> {
    let order = q.sort.order();
    let after = after.map(|r| (q.sort.value(r), r.edr.id));
    let rows = edr::search(conn, &q.filter, order, after, limit)?;
    complete(conn, rows, Some(q.filter.subscriber_id), q.mask)
}

/// EDRs with their parts, wallets and decimals; called numbers masked when `mask`.
pub fn complete(
    conn: &mut DbConnection,
    rows: Vec<EdrRow>,
    subscriber: Option<i64>,
    mask: bool,
) -> QueryResult<Vec<EdrListRow>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut wallet_ids: Vec<i64> = rows.iter().map(|r| r.wallet_id).collect();
    wallet_ids.sort_unstable();
    wallet_ids.dedup();
    let parts = edr::parts_of(conn, &ids)?;
    let wallets = edr::wallets_of(conn, &wallet_ids)?;
    let currencies = ref_data::all_currencies(conn)?;
    let types: Vec<(i64, String)> = match subscriber {
        Some(s) => crate::db::models::wallet::types_of_subscriber(conn, s)?,
        None => Vec::new(),
    };
    Ok(rows
        .into_iter()
        .map(|mut edr| {
            let w = wallets.iter().find(|w| w.0 == edr.wallet_id);
            let decimals = w
                .and_then(|w| currencies.iter().find(|c| c.id == w.2))
                .map(|c| c.decimals.clamp(0, 6) as u32)
                .unwrap_or(2);
            let kind = types
                .iter()
                .find(|t| t.0 == edr.wallet_id)
                .and_then(|t| WalletType::parse(&t.1).ok())
                .map(|t| format!("{} ", t.label()))
                .unwrap_or_default();
            let wallet = match w {
                Some(w) => format!("{kind}{}", w.1),
                None => format!("{kind}#{}", edr.wallet_id),
            };
            if mask {
                edr.called_number = edr.called_number.as_deref().map(mask_number);
            }
            EdrListRow {
                parts: parts
                    .iter()
                    .filter(|p| p.edr_id == edr.id)
                    .cloned()
                    .collect(),
                wallet,
                decimals,
                edr,
            }
        })
        .collect())
}

impl Keyset for Edrs {
    type Row = EdrListRow;
    fn chunk(
        &self,
        conn: &mut DbConnection,
        after: Option<&EdrListRow>,
        limit: i64,
    ) -> QueryResult<Vec<EdrListRow>> {
        let left = self
            .query
            .limit
            .map_or(limit, |l| (l - self.served.get()).clamp(0, limit));
        if left == 0 {
            return Ok(Vec::new());
        }
        let rows = load(conn, &self.query, after, left)?;
        self.served.set(self.served.get() + rows.len() as i64);
        Ok(rows)
    }
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        let n = edr::count(conn, &self.query.filter)?;
        Ok(self.query.limit.map_or(n, |l| n.min(l)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_masked_but_the_last_four_digits() {
        assert_eq!(mask_number("+4790012345"), "+******2345");
        assert_eq!(mask_number("123"), "123");
        assert_eq!(mask_number(""), "");
    }

    #[test]
    fn local_times_follow_the_zone() {
        let utc = Zone::utc();
        assert_eq!(
            local_instant("2024-01-02T00:00", &utc, false),
            Ok(1_704_153_600)
        );
        assert_eq!(local_instant("2024-01-02", &utc, false), Ok(1_704_153_600));
        assert_eq!(
            local_instant("2024-01-01", &utc, true),
            Ok(1_704_153_600),
            "a date alone ends with its day"
        );
        let paris = Zone::parse("Europe/Paris").unwrap();
        assert_eq!(
            local_instant("2024-01-02 01:00", &paris, false),
            Ok(1_704_153_600)
        );
        for bad in ["2024-13-01", "yesterday", "2024-01-01 25:00", "2024-1-1"] {
            assert!(local_instant(bad, &utc, false).is_err(), "{bad}");
        }
        assert_eq!(input_value(1_704_153_600, &paris), "2024-01-02T01:00");
    }

    #[test]
    fn unknown_sorts_are_newest_first_and_each_sort_round_trips() {
        assert_eq!(EdrSort::parse("nonsense"), EdrSort::Date);
        for s in EdrSort::ALL {
            assert_eq!(EdrSort::parse(s.key()), s);
        }
        assert_eq!(EdrSort::Date.again(), EdrSort::DateAsc);
    }

    #[test]
    fn bad_filters_are_messages() {
        let mut f = FormState::default();
        f.set("limit", "0");
        f.set("called_number", "12a");
        f.set("edr_type", "nope");
        f.set("start", "2024-01-02");
        f.set("end", "2024-01-01T10:00");
        let e = parse(&f, 1, &Zone::utc()).unwrap_err();
        for k in ["limit", "called_number", "edr_type", "end"] {
            assert!(!e.message(k).is_empty(), "{k}");
        }
    }
}
