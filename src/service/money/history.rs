//! A wallet's balance history over the last 90 days, from its EDRs: per balance type, the total
//! at the start of the window and the total after each change in it.

use crate::db::models::edr::{self, TotalAt};
use crate::db::DbConnection;
use crate::format::chart::Point;
use diesel::QueryResult;

/// How far back the chart looks.
pub const WINDOW_DAYS: i64 = 90;

/// One balance type's history in the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub balance_type_id: i64,
    /// The total when the window starts (before the first change in it).
    pub start: i64,
    pub points: Vec<Point>,
}

/// The window: from `now` − 90 days to `now`.
pub fn window(now: i64) -> (i64, i64) {
    (now - WINDOW_DAYS * 86_400, now)
}

/// The series of each balance type that changed in the window.
pub fn of_wallet(conn: &mut DbConnection, wallet_id: i64, now: i64) -> QueryResult<Vec<Series>> {
    let (from, _) = window(now);
    Ok(series(&edr::totals_since(conn, wallet_id, from)?))
}

/// Groups the totals (oldest first) by balance type.
pub fn series(rows: &[TotalAt]) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    for r in rows {
        let point = Point {
            at: r.at,
            value: r.after_total,
        };
        match out
            .iter_mut()
            .find(|s| s.balance_type_id == r.balance_type_id)
        {
            Some(s) => s.points.push(point),
            None => out.push(Series {
                balance_type_id: r.balance_type_id,
                start: r.before_total,
                points: vec![point],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_group_by_balance_type_starting_from_the_first_before() {
        let row = |at, balance_type_id, before_total, after_total| TotalAt {
            at,
            balance_type_id,
            before_total,
            after_total,
        };
        let s = series(&[row(10, 1, 50, 80), row(20, 2, 0, 5), row(30, 1, 80, -20)]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].start, 50);
        assert_eq!(
            s[0].points,
            vec![Point { at: 10, value: 80 }, Point { at: 30, value: -20 }]
        );
        assert_eq!(s[1].start, 0);
        assert!(series(&[]).is_empty());
    }
}
