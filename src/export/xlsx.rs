//! XLSX through rust_xlsxwriter in constant-memory mode: rows go to disk as they are written.
//! Header styled and frozen, autofilter, widths per column, numbers as numbers, identifiers as
//! text, dates as dates (the local time of the export's zone, which their headings name).

use super::{Cell, ExportInfo, Kind, RowSource};
use crate::db::DbConnection;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook};
use std::path::Path;

/// Excel's sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if cleaned.trim().is_empty() {
        "Export".into()
    } else {
        cleaned
    }
}

pub fn write(
    path: &Path,
    info: &ExportInfo,
    source: &mut dyn RowSource,
    conn: &mut DbConnection,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<u64> {
    let columns = source.columns().to_vec();
    let zone = info.zone();
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_font_color(Color::White)
        .set_background_color(Color::RGB(0x1F5FA8))
        .set_border_bottom(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let money = Format::new().set_num_format("#,##0.00");
    let text = Format::new().set_num_format("@");
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(sheet_name(&info.title))?;
    for (i, c) in columns.iter().enumerate() {
        let col = i as u16;
        sheet.set_column_width(col, f64::from(c.width.clamp(6, 60)) + 2.0)?;
        sheet.write_string_with_format(0, col, super::heading(c, &zone), &header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut row: u32 = 0;
    while let Some(chunk) = source.next_chunk(conn)? {
        for cells in &chunk {
            row += 1;
            for (i, cell) in cells.iter().enumerate() {
                let col = i as u16;
                match cell {
                    Cell::Text(s) => {
                        let s = super::guard::neutralise(s);
                        if columns.get(i).map(|c| c.kind) == Some(Kind::Ident) {
                            sheet.write_string_with_format(row, col, s.as_ref(), &text)?;
                        } else {
                            sheet.write_string(row, col, s.as_ref())?;
                        }
                    }
                    Cell::Int(n) => {
                        sheet.write_number(row, col, *n as f64)?;
                    }
                    Cell::Money(cents) => {
                        sheet.write_number_with_format(row, col, *cents as f64 / 100.0, &money)?;
                    }
                    Cell::Minor(m, d) => {
                        let scale = 10f64.powi((*d).min(6) as i32);
                        let f = Format::new().set_num_format(decimal_format(*d));
                        sheet.write_number_with_format(row, col, *m as f64 / scale, &f)?;
                    }
                    Cell::Date(ts) | Cell::Time(ts) => {
                        // A spreadsheet date has no zone: it holds the local wall-clock time.
                        let dt = ExcelDateTime::from_timestamp(zone.local_seconds(*ts))?;
                        sheet.write_datetime_with_format(row, col, &dt, &date)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        progress(u64::from(row));
    }
    if !columns.is_empty() {
        sheet.autofilter(0, 0, row, (columns.len() - 1) as u16)?;
    }
    workbook.save(path)?;
    Ok(u64::from(row))
}

/// The number format of an amount with `d` decimals (`#,##0.000` for 3).
fn decimal_format(d: u32) -> String {
    let d = d.min(6) as usize;
    if d == 0 {
        "#,##0".into()
    } else {
        format!("#,##0.{}", "0".repeat(d))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sheet_names_follow_excel_rules() {
        assert_eq!(super::sheet_name("Sites of A/B [x]"), "Sites of AB x");
        assert_eq!(super::sheet_name(&"x".repeat(40)).len(), 31);
        assert_eq!(super::sheet_name("///"), "Export");
    }
}
