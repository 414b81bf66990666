//! A balance over time as a server-side SVG step chart (a balance holds its value until the next
//! change), readable without JavaScript: the SVG names itself (`<title>`, `<desc>` with a
//! summary) and a visually-hidden table lists the changes for screen readers. Dates on the axis
//! are in the viewer's zone (the rules are given); values are shown by the caller's function
//! (the balance's unit and decimals), so this module knows nothing of money.

use super::{format_date, format_time};
use jiff::tz::TimeZone;
use std::fmt::Write;

/// A change of the balance: from `at` (UTC seconds) on it is `value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub at: i64,
    pub value: i64,
}

/// One balance's chart.
pub struct Chart<'a> {
    /// Unique on the page (element ids derive from it): letters, digits, `-`.
    pub id: &'a str,
    /// What the chart shows, e.g. "GENERAL_CASH, last 90 days".
    pub title: &'a str,
    /// The window, UTC seconds.
    pub from: i64,
    pub to: i64,
    /// The value at `from` (before the first point).
    pub start: i64,
    /// The changes inside the window, oldest first.
    pub points: &'a [Point],
    pub tz: &'a TimeZone,
    pub show: &'a dyn Fn(i64) -> String,
}

const WIDTH: i64 = 640;
const HEIGHT: i64 = 180;
const LEFT: i64 = 96;
const RIGHT: i64 = 12;
const TOP: i64 = 12;
const BOTTOM: i64 = 28;
/// The line and its points: dark blue on white (contrast above 8:1).
const LINE: &str = "#1a4f8b";
const AXIS: &str = "#595959";
/// At most this many changes in the hidden table (the latest ones).
pub const TABLE_ROWS: usize = 60;

/// Escapes text for XML and HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `v` in `lo..=hi` mapped linearly onto `a..=b` (integer pixels; `lo < hi`).
fn scale(v: i64, lo: i64, hi: i64, a: i64, b: i64) -> i64 {
    let v = i128::from(v.clamp(lo, hi));
    let (lo, hi, a, b) = (i128::from(lo), i128::from(hi), i128::from(a), i128::from(b));
    // Round to the nearest pixel.
    let num = (v - lo) * (b - a) * 2 + (hi - lo);
    let off = num.div_euclid((hi - lo) * 2);
    (a + off) as i64
}

/// The chart: an `<svg>` followed by a visually-hidden table of the changes.
pub fn render(c: &Chart) -> String {
    let to = c.to.max(c.from + 1);
    let points: Vec<Point> = c
        .points
        .iter()
        .copied()
        .filter(|p| p.at >= c.from && p.at <= to)
        .collect();
    let values = std::iter::once(c.start).chain(points.iter().map(|p| p.value));
    let (lo, mut hi) = values.fold((0i64, 0i64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo == hi {
        hi = lo + 1;
    }
    let end = points.last().map(|p| p.value).unwrap_or(c.start);
    let (x0, x1) = (LEFT, WIDTH - RIGHT);
    let (ytop, ybot) = (TOP, HEIGHT - BOTTOM);
    let x = |at: i64| scale(at, c.from, to, x0, x1);
    let y = |v: i64| scale(v, lo, hi, ybot, ytop);
    let title_id = format!("{}-title", c.id);
    let desc_id = format!("{}-desc", c.id);
    let show = c.show;

    let mut svg = String::with_capacity(1024 + points.len() * 24);
    let _ = write!(
        svg,
        "<svg class=\"chart\" id=\"{id}\" role=\"img\" aria-labelledby=\"{title_id} {desc_id}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         xmlns=\"http://www.w3.org/2000/svg\" data-points=\"{n}\">",
        id = esc(c.id),
        n = points.len(),
    );
    let _ = write!(svg, "<title id=\"{title_id}\">{}</title>", esc(c.title));
    let (min_v, max_v) = std::iter::once(c.start)
        .chain(points.iter().map(|p| p.value))
        .fold((i64::MAX, i64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let desc = if points.is_empty() {
        format!(
            "No change from {} to {}; the balance stayed at {}.",
            format_date(c.from, c.tz),
            format_date(to, c.tz),
            show(c.start)
        )
    } else {
        format!(
            "From {} to {}: {} at the start, {} at the end, lowest {}, highest {}, {} change(s).",
            format_date(c.from, c.tz),
            format_date(to, c.tz),
            show(c.start),
            show(end),
            show(min_v),
            show(max_v),
            points.len()
        )
    };
    let _ = write!(svg, "<desc id=\"{desc_id}\">{}</desc>", esc(&desc));
    // Frame, axes and the zero line.
    let _ = write!(
        svg,
        "<g aria-hidden=\"true\"><rect x=\"{x0}\" y=\"{ytop}\" width=\"{w}\" height=\"{h}\" \
         fill=\"#ffffff\" stroke=\"{AXIS}\" stroke-width=\"1\"/>",
        w = x1 - x0,
        h = ybot - ytop
    );
    if lo < 0 && hi > 0 {
        let _ = write!(
            svg,
            "<line class=\"zero\" x1=\"{x0}\" x2=\"{x1}\" y1=\"{z}\" y2=\"{z}\" stroke=\"{AXIS}\" \
             stroke-dasharray=\"4 3\"/>",
            z = y(0)
        );
    }
    // Value labels: the highest, the lowest (and zero between them when it is).
    let mut labels = vec![hi, lo];
    if lo < 0 && hi > 0 {
        labels.push(0);
    }
    for v in labels {
        let _ = write!(
            svg,
            "<text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"12\" fill=\"#333333\">{}</text>",
            esc(&show(v)),
            tx = x0 - 6,
            ty = y(v) + 4
        );
    }
    // Date labels: start, middle, end, in the viewer's zone.
    for (at, anchor) in [
        (c.from, "start"),
        (c.from + (to - c.from) / 2, "middle"),
        (to, "end"),
    ] {
        let _ = write!(
            svg,
            "<text x=\"{tx}\" y=\"{ty}\" text-anchor=\"{anchor}\" font-size=\"12\" fill=\"#333333\">{}</text>",
            esc(&format_date(at, c.tz)),
            tx = x(at),
            ty = HEIGHT - 8
        );
    }
    // The balance: a step line from the start value through each change to the end.
    let mut d = format!("M{} {}", x(c.from), y(c.start));
    for p in &points {
        let _ = write!(d, " H{} V{}", x(p.at), y(p.value));
    }
    let _ = write!(d, " H{x1}");
    let _ = write!(
        svg,
        "<path class=\"line\" d=\"{d}\" fill=\"none\" stroke=\"{LINE}\" stroke-width=\"2\"/>"
    );
    for p in &points {
        let _ = write!(
            svg,
            "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{LINE}\"/>",
            x(p.at),
            y(p.value)
        );
    }
    svg.push_str("</g></svg>");

    // The text alternative: the latest changes as a table.
    let _ = write!(
        svg,
        "<table class=\"visually-hidden\" id=\"{}-values\"><caption>{}: {}</caption>\
         <thead><tr><th scope=\"col\">When</th><th scope=\"col\">Balance after the change</th></tr></thead><tbody>",
        esc(c.id),
        esc(c.title),
        if points.len() > TABLE_ROWS {
            format!("the latest {TABLE_ROWS} of {} changes", points.len())
        } else {
            format!("{} change(s)", points.len())
        }
    );
    let skip = points.len().saturating_sub(TABLE_ROWS);
    for p in &points[skip..] {
        let _ = write!(
            svg,
            "<tr><td>{}</td><td>{}</td></tr>",
            esc(&format_time(p.at, c.tz)),
            esc(&show(p.value))
        );
    }
    svg.push_str("</tbody></table>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;
    const FROM: i64 = 1_767_225_600; // 2026-01-01 00:00 UTC

    fn show(v: i64) -> String {
        format!("{v} u")
    }

    fn chart(start: i64, points: &[Point], tz: &TimeZone) -> String {
        render(&Chart {
            id: "c-1",
            title: "CASH <last 90 days>",
            from: FROM,
            to: FROM + 90 * DAY,
            start,
            points,
            tz,
            show: &show,
        })
    }

    /// The `d` of the balance's path.
    fn path(svg: &str) -> &str {
        let s = svg.split("class=\"line\" d=\"").nth(1).unwrap();
        s.split('"').next().unwrap()
    }

    #[test]
    fn an_empty_history_is_a_flat_line_that_says_so() {
        let svg = chart(0, &[], &TimeZone::UTC);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("data-points=\"0\""));
        assert!(svg.contains("<title id=\"c-1-title\">CASH &lt;last 90 days&gt;</title>"));
        assert!(svg.contains("No change from 2026-01-01 to 2026-04-01; the balance stayed at 0 u."));
        // Bottom of the plot (0 is the lowest value of 0..1).
        assert_eq!(
            path(&svg),
            format!("M{LEFT} {} H{}", HEIGHT - BOTTOM, WIDTH - RIGHT)
        );
        assert!(svg.contains("0 change(s)"));
        assert!(!svg.contains("<circle"));
    }

    #[test]
    fn one_point_steps_up_at_its_time() {
        let svg = chart(
            0,
            &[Point {
                at: FROM + 45 * DAY,
                value: 500,
            }],
            &TimeZone::UTC,
        );
        let mid = LEFT + (WIDTH - RIGHT - LEFT) / 2;
        assert_eq!(
            path(&svg),
            format!(
                "M{LEFT} {} H{mid} V{TOP} H{}",
                HEIGHT - BOTTOM,
                WIDTH - RIGHT
            )
        );
        assert!(svg.contains(
            "0 u at the start, 500 u at the end, lowest 0 u, highest 500 u, 1 change(s)."
        ));
        assert!(svg.contains("<tr><td>2026-02-15 00:00</td><td>500 u</td></tr>"));
        assert_eq!(svg.matches("<circle").count(), 1);
    }

    #[test]
    fn many_points_are_all_drawn_and_the_table_keeps_the_latest() {
        let points: Vec<Point> = (0..80)
            .map(|i| Point {
                at: FROM + i * DAY,
                value: i * 10,
            })
            .collect();
        let svg = chart(0, &points, &TimeZone::UTC);
        assert_eq!(svg.matches("<circle").count(), 80);
        assert_eq!(path(&svg).matches(" H").count(), 81);
        assert!(svg.contains("the latest 60 of 80 changes"));
        assert_eq!(svg.matches("<tr><td>").count(), TABLE_ROWS);
        assert!(svg.contains("<td>790 u</td>"));
        assert!(
            !svg.contains("<td>190 u</td>"),
            "the oldest ones are left out"
        );
        // Points outside the window are not drawn.
        let mut outside = points.clone();
        outside.push(Point {
            at: FROM + 200 * DAY,
            value: 1,
        });
        assert_eq!(
            chart(0, &outside, &TimeZone::UTC)
                .matches("<circle")
                .count(),
            80
        );
    }

    #[test]
    fn negative_values_go_below_a_zero_line() {
        let svg = chart(
            100,
            &[
                Point {
                    at: FROM + DAY,
                    value: -300,
                },
                Point {
                    at: FROM + 2 * DAY,
                    value: 100,
                },
            ],
            &TimeZone::UTC,
        );
        assert!(svg.contains("class=\"zero\""));
        assert!(
            svg.contains(">-300 u</text>"),
            "the lowest value is labelled"
        );
        assert!(svg.contains(">0 u</text>"), "and zero");
        assert!(svg.contains("lowest -300 u, highest 100 u"));
        // -300 is at the bottom, 100 at the top.
        assert!(path(&svg).contains(&format!("V{}", HEIGHT - BOTTOM)));
        assert!(path(&svg).contains(&format!("V{TOP}")));
    }

    #[test]
    fn dates_are_in_the_viewers_zone() {
        let tz = jiff::tz::TimeZone::get("Pacific/Auckland").unwrap();
        let svg = chart(
            0,
            &[Point {
                at: FROM + 12 * 3600,
                value: 5,
            }],
            &tz,
        );
        // 2026-01-01 12:00 UTC is 2026-01-02 01:00 in Auckland (NZDT, +13).
        assert!(svg.contains("<td>2026-01-02 01:00</td>"));
        assert!(svg.contains(">2026-01-01</text>"), "the start, 13:00 local");
    }
}
