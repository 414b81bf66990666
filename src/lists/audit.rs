//! The audit log as a list: its columns (when, who, action, object, changes, reason) and
//! its filters (who, action, object type and id, a range of days), newest first.

use super::{text, Cell, Kind, ListColumn};
use crate::db::models::audit::{self, AuditEntry, AuditFilter};
use crate::db::models::Page;
use crate::db::DbConnection;
use crate::domain::{FormState, Zone};
use crate::format::changes::changes_line;
use diesel::QueryResult;

/// Entries per page.
pub const PER_PAGE: i64 = 50;

const fn col(
    key: &'static str,
    label: &'static str,
    kind: Kind,
    width: u16,
    cell: fn(&AuditEntry) -> Cell,
) -> ListColumn<AuditEntry> {
    ListColumn::new(key, label, kind, width, cell).shown()
}

fn optional(v: &Option<String>) -> Cell {
    v.as_deref().map(text).unwrap_or(Cell::Empty)
}

/// Every column, in order. The stored before/after images are shown as what changed, in words.
pub const COLUMNS: &[ListColumn<AuditEntry>] = &[
    col("at", "When", Kind::Date, 20, |e| Cell::Time(e.at)),
    col("actor", "Who", Kind::Text, 18, |e| text(&e.actor)),
    col("action", "Action", Kind::Text, 10, |e| text(&e.action)),
    col("object", "Object", Kind::Text, 18, |e| {
        Cell::Text(format!("{} #{}", e.object_type, e.object_id))
    }),
    col("changes", "Changes", Kind::Text, 60, |e| {
        Cell::Text(changes_line(
            &e.action,
            e.before_json.as_deref(),
            e.after_json.as_deref(),
        ))
    }),
    col("reason", "Reason", Kind::Text, 24, |e| optional(&e.reason)),
];

/// The filters as typed (the query string's values, by these names).
pub const FILTERS: [&str; 6] = ["actor", "action", "object_type", "object_id", "from", "to"];

/// A day `YYYY-MM-DD` as the UTC seconds of its start in `zone`, and of the next day's start.
fn day_bounds(value: &str, zone: &Zone) -> Result<(i64, i64), String> {
    let bad = || format!("“{value}” is not a date; write it as YYYY-MM-DD, e.g. 2024-03-31.");
    let parts: Vec<&str> = value.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let number = |s: &str| s.parse::<u16>().map_err(|_| bad());
    let year = i32::from(number(y)?);
    let month = u8::try_from(number(m)?)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(bad)?;
    let day = u8::try_from(number(d)?).map_err(|_| bad())?;
    let date = time::Date::from_calendar_date(year, month, day).map_err(|_| bad())?;
    let next = date.next_day().ok_or_else(bad)?;
    let start = |d: time::Date| zone.day_start(d.year(), d.month().into(), d.day());
    start(date).zip(start(next)).ok_or_else(bad)
}

/// The filter the form asks for, or the form with a message on each field it cannot use.
/// `from` and `to` are whole days in the viewer's `zone`, both included. An object id that is
/// not a number is ignored, as it always was.
pub fn filter(form: &FormState, zone: &Zone) -> Result<AuditFilter, FormState> {
    let mut f = form.clone();
    let mut day = |name: &str| {
        let v = form.value(name);
        if v.is_empty() {
            return None;
        }
        f.check(name, day_bounds(v, zone))
    };
    let from = day("from").map(|(start, _)| start);
    let until = day("to").map(|(_, end)| end);
    if let (Some(a), Some(b)) = (from, until) {
        if a >= b {
            f.error(
                "to",
                "The range ends before it starts: “to” must not be before “from”.",
            );
        }
    }
    if f.has_errors() {
        return Err(f);
    }
    Ok(AuditFilter {
        actor: form.value("actor").to_string(),
        object_type: form.value("object_type").to_string(),
        object_id: form.value("object_id").parse().ok(),
        action: form.value("action").to_string(),
        from,
        until,
        scope: None,
    })
}

/// One page of the entries the filter finds, newest first.
pub fn page(conn: &mut DbConnection, f: &AuditFilter, page: i64) -> QueryResult<Page<AuditEntry>> {
    audit::search(conn, f, page, PER_PAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormState {
        let mut f = FormState::default();
        for (k, v) in pairs {
            f.set(k, *v);
        }
        f
    }

    #[test]
    fn days_are_whole_and_inclusive() {
        let both = form(&[("from", "1970-01-02"), ("to", "1970-01-02")]);
        let f = filter(&both, &Zone::utc()).unwrap();
        assert_eq!(f.from, Some(86_400));
        assert_eq!(f.until, Some(2 * 86_400));
        // The viewer's days: midnight in Paris is an hour before midnight UTC in winter.
        let paris = Zone::parse("Europe/Paris").unwrap();
        let f = filter(&both, &paris).unwrap();
        assert_eq!(f.from, Some(86_400 - 3600));
        assert_eq!(f.until, Some(2 * 86_400 - 3600));
    }

    #[test]
    fn bad_dates_are_messages_not_errors() {
        for bad in [
            "2024-13-01",
            "2024-02-30",
            "yesterday",
            "2024-1-1",
            "-2024-01-01",
        ] {
            let f = filter(&form(&[("from", bad)]), &Zone::utc()).unwrap_err();
            assert!(f.message("from").contains("YYYY-MM-DD"), "{bad}");
        }
        let f = filter(
            &form(&[("from", "2024-03-02"), ("to", "2024-03-01")]),
            &Zone::utc(),
        )
        .unwrap_err();
        assert!(f.message("to").contains("before"));
    }

    #[test]
    fn the_other_filters_pass_through() {
        let f = filter(
            &form(&[
                ("actor", "operator:admin"),
                ("action", "update"),
                ("object_type", "site"),
                ("object_id", "x"),
            ]),
            &Zone::utc(),
        )
        .unwrap();
        assert_eq!(
            (f.actor.as_str(), f.action.as_str(), f.object_type.as_str()),
            ("operator:admin", "update", "site")
        );
        assert_eq!(f.object_id, None);
    }
}
