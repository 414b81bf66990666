//! PDF: an A4 landscape table with DejaVu Sans embedded (subset by krilla), the header row on
//! every page, "page n of N" and a block on the first page with the list, its filters, the time
//! and who exported it.

use super::{Column, ExportInfo, Kind, RowSource};
use crate::db::DbConnection;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::text::{Font, TextDirection};
use krilla::Document;

/// A PDF past this many rows is unreadable anyway; CSV or XLSX is offered instead.
pub const MAX_ROWS: u64 = 50_000;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const PAGE_W: f32 = 841.89;
const PAGE_H: f32 = 595.28;
const MARGIN: f32 = 32.0;
const FONT_SIZE: f32 = 7.5;
const ROW_H: f32 = 12.0;
const INFO_H: f32 = 64.0;
/// Average advance of DejaVu Sans, in ems: enough to cut text before it overflows its cell.
const AVG_ADVANCE: f32 = 0.56;

struct Layout {
    xs: Vec<f32>,
    widths: Vec<f32>,
}

fn layout(columns: &[Column]) -> Layout {
    let total: f32 = columns
        .iter()
        .map(|c| f32::from(c.width.clamp(4, 40)))
        .sum();
    let usable = PAGE_W - 2.0 * MARGIN;
    let mut x = MARGIN;
    let mut xs = Vec::new();
    let mut widths = Vec::new();
    for c in columns {
        let w = usable * f32::from(c.width.clamp(4, 40)) / total.max(1.0);
        xs.push(x);
        widths.push(w);
        x += w;
    }
    Layout { xs, widths }
}

/// Cuts text to what fits in `width` points, marking the cut with an ellipsis.
fn fit(text: &str, width: f32) -> String {
    let max = ((width - 4.0) / (FONT_SIZE * AVG_ADVANCE)).floor().max(1.0) as usize;
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

fn fill(r: u8, g: u8, b: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn rect(surface: &mut krilla::surface::Surface, x: f32, y: f32, w: f32, h: f32, color: Fill) {
    let mut pb = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        pb.push_rect(r);
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(color));
        surface.draw_path(&path);
    }
}

fn text(surface: &mut krilla::surface::Surface, font: &Font, size: f32, x: f32, y: f32, s: &str) {
    surface.draw_text(
        Point::from_xy(x, y),
        font.clone(),
        size,
        s,
        false,
        TextDirection::Auto,
    );
}

/// Rows that fit on the first page (below the information block) and on the others.
fn rows_per_page() -> (usize, usize) {
    let body = PAGE_H - 2.0 * MARGIN - ROW_H - 14.0;
    let first = ((body - INFO_H) / ROW_H).floor() as usize;
    let other = (body / ROW_H).floor() as usize;
    (first, other)
}

pub fn page_count(rows: usize) -> usize {
    let (first, other) = rows_per_page();
    if rows <= first {
        1
    } else {
        1 + (rows - first).div_ceil(other)
    }
}

/// Builds the whole PDF; rows are read first (at most [`MAX_ROWS`]) so the page count is known.
pub fn write(
    info: &ExportInfo,
    source: &mut dyn RowSource,
    conn: &mut DbConnection,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<Vec<u8>> {
    let columns = source.columns().to_vec();
    let zone = info.zone();
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(chunk) = source.next_chunk(conn)? {
        for r in chunk {
            if rows.len() as u64 >= MAX_ROWS {
                anyhow::bail!("a PDF holds at most {MAX_ROWS} rows; choose CSV or XLSX");
            }
            rows.push(r.iter().map(|c| c.display(&zone)).collect());
        }
        progress(rows.len() as u64);
    }
    let regular = Font::new(REGULAR.into(), 0).ok_or_else(|| anyhow::anyhow!("font"))?;
    let bold = Font::new(BOLD.into(), 0).ok_or_else(|| anyhow::anyhow!("font"))?;
    let lay = layout(&columns);
    let (first, other) = rows_per_page();
    let pages = page_count(rows.len());
    let mut doc = Document::new();
    let mut next = 0usize;
    for page_no in 1..=pages {
        let settings =
            PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| anyhow::anyhow!("page size"))?;
        let mut page = doc.start_page_with(settings);
        let mut s = page.surface();
        let mut y = MARGIN;
        if page_no == 1 {
            s.set_fill(Some(fill(20, 38, 61)));
            text(&mut s, &bold, 14.0, MARGIN, y + 12.0, &info.title);
            s.set_fill(Some(fill(70, 80, 95)));
            let filters = if info.filters.is_empty() {
                "Filters: none".to_string()
            } else {
                let parts: Vec<String> = info
                    .filters
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                format!("Filters: {}", parts.join("; "))
            };
            text(
                &mut s,
                &regular,
                8.5,
                MARGIN,
                y + 28.0,
                &fit(&filters, PAGE_W - 2.0 * MARGIN),
            );
            let when = format!(
                "Exported {} by {} · {} rows · times in {}",
                zone.time(info.exported_at),
                info.exported_by,
                rows.len(),
                zone.name()
            );
            text(&mut s, &regular, 8.5, MARGIN, y + 42.0, &when);
            y += INFO_H;
        }
        rect(
            &mut s,
            MARGIN,
            y,
            PAGE_W - 2.0 * MARGIN,
            ROW_H,
            fill(31, 95, 168),
        );
        s.set_fill(Some(fill(255, 255, 255)));
        for (i, c) in columns.iter().enumerate() {
            text(
                &mut s,
                &bold,
                FONT_SIZE,
                lay.xs[i] + 2.0,
                y + 8.8,
                &fit(c.label, lay.widths[i]),
            );
        }
        y += ROW_H;
        let take = if page_no == 1 { first } else { other };
        for (k, row) in rows.iter().skip(next).take(take).enumerate() {
            if k % 2 == 1 {
                rect(
                    &mut s,
                    MARGIN,
                    y,
                    PAGE_W - 2.0 * MARGIN,
                    ROW_H,
                    fill(240, 244, 249),
                );
            }
            s.set_fill(Some(fill(29, 39, 51)));
            for (i, value) in row.iter().enumerate().take(columns.len()) {
                let shown = fit(value, lay.widths[i]);
                let x = if matches!(columns[i].kind, Kind::Int | Kind::Money) {
                    let w = shown.chars().count() as f32 * FONT_SIZE * AVG_ADVANCE;
                    (lay.xs[i] + lay.widths[i] - 3.0 - w).max(lay.xs[i] + 2.0)
                } else {
                    lay.xs[i] + 2.0
                };
                text(&mut s, &regular, FONT_SIZE, x, y + 8.8, &shown);
            }
            y += ROW_H;
        }
        next += take;
        s.set_fill(Some(fill(93, 107, 122)));
        let footer = format!("{} · page {page_no} of {pages}", info.title);
        text(
            &mut s,
            &regular,
            7.5,
            MARGIN,
            PAGE_H - MARGIN + 10.0,
            &footer,
        );
        s.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| anyhow::anyhow!("building the PDF: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(fit("short", 100.0), "short");
        let cut = fit(&"x".repeat(200), 40.0);
        assert!(cut.ends_with('…'));
        assert!(cut.chars().count() < 20);
    }

    #[test]
    fn page_count_accounts_for_the_first_page_block() {
        let (first, other) = rows_per_page();
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(first), 1);
        assert_eq!(page_count(first + 1), 2);
        assert_eq!(page_count(first + other), 2);
        assert_eq!(page_count(first + other + 1), 3);
    }
}
