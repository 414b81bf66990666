//! PDF: an A4 landscape table with DejaVu Sans embedded (subset by krilla), the header row on
//! every page, "page n of N" and a block on the first page with the list, its filters, the time
//! and who exported it. A cell's text wraps inside its column (at spaces where it can, inside a
//! word where it must), so a list of many columns stays readable: the row grows instead of
//! every cell being cut.

use super::{Column, ExportInfo, Kind, RowSource};
use crate::db::DbConnection;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use std::ops::Range;

/// A PDF past this many rows is unreadable anyway; CSV or XLSX is offered instead.
pub const MAX_ROWS: u64 = 50_000;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const PAGE_W: f32 = 841.89;
const PAGE_H: f32 = 595.28;
const MARGIN: f32 = 32.0;
const FONT_SIZE: f32 = 7.5;
/// One line of a cell; a row is its tallest cell's lines plus `ROW_PAD`.
const LINE_H: f32 = 9.0;
const ROW_PAD: f32 = 3.0;
const INFO_H: f32 = 64.0;
/// Where the table ends on every page (the footer is below).
const BODY_END: f32 = PAGE_H - MARGIN - 14.0;
/// Space kept free on each side of a cell's text.
const CELL_PAD: f32 = 2.5;

struct Layout {
    xs: Vec<f32>,
    widths: Vec<f32>,
}

/// The narrowest a column may be and stay readable: its declared width in characters, and at
/// least its label's longest word (bold is about a tenth wider than the measure).
fn min_width(c: &Column) -> f32 {
    let declared = f32::from(c.width.clamp(4, 40)) * CHAR_PT;
    let word = c
        .label
        .split_whitespace()
        .map(|w| measure(w) * 1.1)
        .fold(0.0, f32::max);
    declared.max(word + 2.0 * CELL_PAD)
}

/// The columns' places across the page: each gets a share of the width in proportion to
/// its `min_width`.
fn layout(columns: &[Column]) -> Layout {
    let total: f32 = columns.iter().map(min_width).sum();
    let usable = PAGE_W - 2.0 * MARGIN;
    let mut x = MARGIN;
    let mut xs = Vec::new();
    let mut widths = Vec::new();
    for c in columns {
        let w = usable * min_width(c) / total.max(1.0);
        xs.push(x);
        widths.push(w);
        x += w;
    }
    Layout { xs, widths }
}

/// The advance of a character in DejaVu Sans, in ems, rounded up a little so text measured
/// with it never runs into the next cell (the font's own table is not read for this).
fn advance(c: char) -> f32 {
    match c {
        ' ' | 'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '|' | '!' | '\'' | '(' | ')' | '['
        | ']' => 0.36,
        'f' | 't' | 'r' | 'I' | '-' | '/' => 0.44,
        'm' | 'w' | 'M' | 'W' | '@' | '%' | '…' => 0.95,
        c if c.is_ascii_uppercase() => 0.78,
        c if c.is_ascii() => 0.64,
        // Letters of other scripts and symbols: wide, to be safe.
        _ => 0.8,
    }
}

/// The width of `text` at the table's font size, in points.
fn measure(text: &str) -> f32 {
    text.chars().map(advance).sum::<f32>() * FONT_SIZE
}

/// Breaks `text` into lines that fit in a cell `width` points wide: at spaces where it can,
/// inside a word where it must. At most `max_lines`; when even those cannot hold it all, the
/// last is cut with an ellipsis. An empty text is one empty line.
fn wrap(text: &str, width: f32, max_lines: usize) -> Vec<String> {
    let room = (width - 2.0 * CELL_PAD).max(FONT_SIZE);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if measure(&candidate) <= room {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word longer than the cell is broken where the line is full.
        for c in word.chars() {
            if !line.is_empty() && measure(&line) + advance(c) * FONT_SIZE > room {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    lines.push(line);
    if lines.len() > max_lines.max(1) {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && measure(last) + advance('…') * FONT_SIZE > room {
                last.pop();
            }
            last.push('…');
        }
    }
    lines
}

/// Cuts text to one line of what fits in `width` points, marking the cut with an ellipsis.
fn fit(text: &str, width: f32) -> String {
    wrap(text, width, 1).swap_remove(0)
}

/// A row laid out: each cell's lines, and the row's height.
struct Row {
    cells: Vec<Vec<String>>,
    height: f32,
}

fn row(values: &[String], lay: &Layout, max_lines: usize) -> Row {
    let cells: Vec<Vec<String>> = values
        .iter()
        .zip(&lay.widths)
        .map(|(v, w)| wrap(v, *w, max_lines))
        .collect();
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    Row {
        cells,
        height: lines as f32 * LINE_H + ROW_PAD,
    }
}

/// Splits rows of these heights into pages: the first starts at `first_top` (below the
/// information block on the document's first page), every other at the margin; each below its
/// header row of `header` points. Always at least one (maybe empty) page.
fn paginate(heights: &[f32], header: f32, first_top: f32) -> Vec<Range<usize>> {
    let mut pages = Vec::new();
    let (mut start, mut y) = (0usize, first_top + header);
    for (i, h) in heights.iter().enumerate() {
        if y + h > BODY_END && i > start {
            pages.push(start..i);
            start = i;
            y = MARGIN + header;
        }
        y += h;
    }
    pages.push(start..heights.len());
    pages
}

/// Points per character of a column's declared width: what a cell needs to stay readable.
const CHAR_PT: f32 = FONT_SIZE * 0.6;

/// The columns of each page band. When every column fits the page at its declared width there
/// is one band; else the columns are split into bands that each fit, every band after the first
/// starting with the first column again (the row's key, so each row can be found), and the
/// bands are printed one after the other.
fn bands(columns: &[Column]) -> Vec<Vec<usize>> {
    let usable = PAGE_W - 2.0 * MARGIN;
    let need = |i: usize| min_width(&columns[i]);
    let mut bands: Vec<Vec<usize>> = Vec::new();
    let mut band: Vec<usize> = Vec::new();
    let mut used = 0.0;
    for i in 0..columns.len() {
        if !band.is_empty() && used + need(i) > usable && band != [0] {
            bands.push(std::mem::take(&mut band));
            band.push(0);
            used = need(0);
        }
        band.push(i);
        used += need(i);
    }
    bands.push(band);
    bands
}

/// One band laid out: its columns, their places, and its header row.
struct Band {
    columns: Vec<Column>,
    lay: Layout,
    header: Row,
    max_lines: usize,
    /// Where its first page's table starts (below the information block for the first band).
    top: f32,
}

impl Band {
    fn new(all: &[Column], picked: &[usize], first: bool) -> Band {
        let columns: Vec<Column> = picked.iter().map(|&i| all[i]).collect();
        let lay = layout(&columns);
        let labels: Vec<String> = columns.iter().map(|c| c.label.to_string()).collect();
        let header = row(&labels, &lay, 4);
        // A row never needs more than a page: its cells are cut at what the first page holds.
        let max_lines =
            ((BODY_END - MARGIN - INFO_H - header.height - ROW_PAD) / LINE_H).max(1.0) as usize;
        Band {
            columns,
            lay,
            header,
            max_lines,
            top: if first { MARGIN + INFO_H } else { MARGIN },
        }
    }

    /// A row of all the values, laid out in this band's columns.
    fn row(&self, values: &[String], picked: &[usize]) -> Row {
        let mine: Vec<String> = picked
            .iter()
            .map(|&i| values.get(i).cloned().unwrap_or_default())
            .collect();
        row(&mine, &self.lay, self.max_lines)
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

/// Builds the whole PDF; rows are read (at most [`MAX_ROWS`]) and laid out first, so the page
/// count is known.
pub fn write(
    info: &ExportInfo,
    source: &mut dyn RowSource,
    conn: &mut DbConnection,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<Vec<u8>> {
    let columns = source.columns().to_vec();
    let zone = info.zone();
    let mut values: Vec<Vec<String>> = Vec::new();
    while let Some(chunk) = source.next_chunk(conn)? {
        for r in chunk {
            if values.len() as u64 >= MAX_ROWS {
                anyhow::bail!("a PDF holds at most {MAX_ROWS} rows; choose CSV or XLSX");
            }
            values.push(r.iter().map(|c| c.display(&zone)).collect());
        }
        progress(values.len() as u64);
    }
    let regular = Font::new(REGULAR.into(), 0).ok_or_else(|| anyhow::anyhow!("font"))?;
    let bold = Font::new(BOLD.into(), 0).ok_or_else(|| anyhow::anyhow!("font"))?;
    // First the pages of every band (rows' heights only), so "page n of N" is known; then each
    // band's rows are laid out again as its pages are drawn.
    let picks = bands(&columns);
    let mut plan: Vec<(Band, Vec<Range<usize>>)> = Vec::new();
    for (k, picked) in picks.iter().enumerate() {
        let band = Band::new(&columns, picked, k == 0);
        let heights: Vec<f32> = values.iter().map(|v| band.row(v, picked).height).collect();
        let pages = paginate(&heights, band.header.height, band.top);
        plan.push((band, pages));
    }
    let count: usize = plan.iter().map(|(_, p)| p.len()).sum();
    let band_count = plan.len();
    let mut doc = Document::new();
    let mut page_no = 0;
    for (k, (band, pages)) in plan.iter().enumerate() {
        let picked = &picks[k];
        for range in pages {
            page_no += 1;
            let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
                .ok_or_else(|| anyhow::anyhow!("page size"))?;
            let mut page = doc.start_page_with(settings);
            let mut s = page.surface();
            let mut y = MARGIN;
            if page_no == 1 {
                info_block(&mut s, &regular, &bold, info, values.len());
                y += INFO_H;
            }
            let header = &band.header;
            rect(
                &mut s,
                MARGIN,
                y,
                PAGE_W - 2.0 * MARGIN,
                header.height,
                fill(31, 95, 168),
            );
            s.set_fill(Some(fill(255, 255, 255)));
            draw_cells(&mut s, &bold, &band.lay, header, &band.columns, y, false);
            y += header.height;
            for (n, v) in values[range.clone()].iter().enumerate() {
                let r = band.row(v, picked);
                if n % 2 == 1 {
                    rect(
                        &mut s,
                        MARGIN,
                        y,
                        PAGE_W - 2.0 * MARGIN,
                        r.height,
                        fill(240, 244, 249),
                    );
                }
                s.set_fill(Some(fill(29, 39, 51)));
                draw_cells(&mut s, &regular, &band.lay, &r, &band.columns, y, true);
                y += r.height;
            }
            s.set_fill(Some(fill(93, 107, 122)));
            let part = if band_count > 1 {
                let first = band.columns.get(usize::from(k > 0)).map_or("", |c| c.label);
                let last = band.columns.last().map_or("", |c| c.label);
                format!(
                    " · columns {first} to {last} (part {} of {band_count})",
                    k + 1
                )
            } else {
                String::new()
            };
            let footer = format!("{}{part} · page {page_no} of {count}", info.title);
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
    }
    doc.finish()
        .map_err(|e| anyhow::anyhow!("building the PDF: {e:?}"))
}

/// The block on the first page: the list, its filters, when, by whom, how many rows.
fn info_block(
    s: &mut krilla::surface::Surface,
    regular: &Font,
    bold: &Font,
    info: &ExportInfo,
    rows: usize,
) {
    let zone = info.zone();
    let y = MARGIN;
    s.set_fill(Some(fill(20, 38, 61)));
    text(s, bold, 14.0, MARGIN, y + 12.0, &info.title);
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
        s,
        regular,
        8.5,
        MARGIN,
        y + 28.0,
        &fit(&filters, (PAGE_W - 2.0 * MARGIN) * FONT_SIZE / 8.5),
    );
    let when = format!(
        "Exported {} by {} · {rows} rows · times in {}",
        zone.time(info.exported_at),
        info.exported_by,
        zone.name()
    );
    text(s, regular, 8.5, MARGIN, y + 42.0, &when);
}

/// Draws a row's cells from `top`, line under line; numbers (when `align`) to the right.
fn draw_cells(
    s: &mut krilla::surface::Surface,
    font: &Font,
    lay: &Layout,
    r: &Row,
    columns: &[Column],
    top: f32,
    align: bool,
) {
    for (i, lines) in r.cells.iter().enumerate().take(columns.len()) {
        let right = align && matches!(columns[i].kind, Kind::Int | Kind::Money);
        for (n, line) in lines.iter().enumerate() {
            let x = if right {
                (lay.xs[i] + lay.widths[i] - CELL_PAD - measure(line)).max(lay.xs[i] + CELL_PAD)
            } else {
                lay.xs[i] + CELL_PAD
            };
            let baseline = top + 8.8 + n as f32 * LINE_H;
            text(s, font, FONT_SIZE, x, baseline, line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_and_keeps_every_word() {
        assert_eq!(wrap("short", 100.0, 5), vec!["short"]);
        assert_eq!(wrap("", 100.0, 5), vec![""]);
        let long = "Nordlys Kraft AS, avdeling for fjernvarme og kraftproduksjon i Troms";
        let lines = wrap(long, 90.0, 20);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.join(" "), long);
        for l in &lines {
            assert!(measure(l) <= 90.0 - 2.0 * CELL_PAD, "{l}");
        }
        // A word longer than the cell is broken inside it, nothing lost.
        let word = "x".repeat(60);
        let lines = wrap(&word, 40.0, 50);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), word);
    }

    #[test]
    fn text_beyond_the_lines_allowed_is_cut_with_an_ellipsis() {
        let cut = fit(&"x".repeat(200), 40.0);
        assert!(cut.ends_with('…'));
        assert!(cut.chars().count() < 20);
        let lines = wrap(&"word ".repeat(100), 40.0, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
    }

    #[test]
    fn pages_break_between_rows_and_the_first_holds_the_information_block() {
        let one = LINE_H + ROW_PAD;
        let top = MARGIN + INFO_H;
        assert_eq!(paginate(&[], one, top), vec![0..0]);
        let first = ((BODY_END - MARGIN - INFO_H - one) / one).floor() as usize;
        let other = ((BODY_END - MARGIN - one) / one).floor() as usize;
        assert_eq!(paginate(&vec![one; first], one, top).len(), 1);
        assert_eq!(
            paginate(&vec![one; first + 1], one, top),
            vec![0..first, first..first + 1]
        );
        assert_eq!(paginate(&vec![one; first + other], one, top).len(), 2);
        assert_eq!(paginate(&vec![one; first + other + 1], one, top).len(), 3);
        // Tall rows take more room: fewer of them on a page.
        assert!(paginate(&vec![4.0 * one; first], one, top).len() > 1);
    }

    fn col(width: u16) -> Column {
        Column {
            key: "k",
            label: "Label",
            kind: Kind::Text,
            width,
        }
    }

    #[test]
    fn too_many_columns_go_to_bands_that_repeat_the_first() {
        assert_eq!(bands(&[col(14), col(24), col(20)]), vec![vec![0, 1, 2]]);
        let many: Vec<Column> = (0..30).map(|_| col(20)).collect();
        let b = bands(&many);
        assert!(b.len() > 1, "{b:?}");
        let usable = PAGE_W - 2.0 * MARGIN;
        for band in &b {
            assert_eq!(band[0], 0, "each band starts with the key column");
            let need: f32 = band.iter().map(|&i| min_width(&many[i])).sum();
            assert!(need <= usable, "{band:?}");
        }
        // Every column is printed, once besides the repeated key.
        let mut all: Vec<usize> = b
            .iter()
            .flat_map(|band| band[usize::from(band.len() > 1)..].to_vec())
            .collect();
        all.insert(0, 0);
        all.dedup();
        assert_eq!(all, (0..30).collect::<Vec<_>>());
    }
}
