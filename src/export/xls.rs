//! XLS: a small BIFF8 writer over a compound file (the `cfb` crate), as Excel 97–2003 and the
//! readers of that era expect. One sheet, at most 65,536 rows including the header.

use super::{Cell, ExportInfo, Kind, RowSource};
use crate::db::DbConnection;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

/// Rows of data a sheet can hold besides the header row.
pub const MAX_DATA_ROWS: u64 = 65_535;
/// A LABEL record holds at most 255 characters.
const MAX_LABEL_CHARS: usize = 255;

const XF_DEFAULT: u16 = 15;
const XF_DATE: u16 = 16;
const XF_HEADER: u16 = 17;
const XF_MONEY: u16 = 18;
const XF_TEXT: u16 = 19;
const FMT_DATE: u16 = 164;

fn record(out: &mut Vec<u8>, id: u16, data: &[u8]) {
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn bof(kind: u16) -> Vec<u8> {
    let mut d = Vec::with_capacity(16);
    for v in [0x0600u16, kind, 0x0DBB, 0x07CC] {
        d.extend_from_slice(&v.to_le_bytes());
    }
    d.extend_from_slice(&0x0001_00C1u32.to_le_bytes());
    d.extend_from_slice(&0x0000_0006u32.to_le_bytes());
    d
}

/// An XLUnicodeString (16-bit length) or ShortXLUnicodeString (8-bit length): Latin-1 text is
/// stored one byte a character, anything else as UTF-16LE.
fn unicode_string(text: &str, short: bool) -> Vec<u8> {
    let chars: Vec<char> = text.chars().collect();
    let latin1 = chars.iter().all(|c| (*c as u32) < 0x100);
    let units: Vec<u16> = if latin1 {
        chars.iter().map(|c| *c as u16).collect()
    } else {
        text.encode_utf16().collect()
    };
    let mut d = Vec::with_capacity(3 + units.len() * 2);
    if short {
        d.push(units.len().min(255) as u8);
    } else {
        d.extend_from_slice(&(units.len() as u16).to_le_bytes());
    }
    d.push(if latin1 { 0 } else { 1 });
    for u in units {
        if latin1 {
            d.push(u as u8);
        } else {
            d.extend_from_slice(&u.to_le_bytes());
        }
    }
    d
}

fn font(bold: bool) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&200u16.to_le_bytes()); // 10 pt
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&0x7FFFu16.to_le_bytes());
    d.extend_from_slice(&(if bold { 700u16 } else { 400 }).to_le_bytes());
    d.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    d.extend(unicode_string("Arial", true));
    d
}

fn xf(font: u16, num_format: u16, style: bool) -> Vec<u8> {
    let mut d = Vec::with_capacity(20);
    d.extend_from_slice(&font.to_le_bytes());
    d.extend_from_slice(&num_format.to_le_bytes());
    d.extend_from_slice(&(if style { 0xFFF5u16 } else { 0x0001 }).to_le_bytes());
    d.push(0x20); // bottom-aligned
    d.push(0);
    d.push(0);
    d.push(if style { 0 } else { 0xFC });
    d.extend_from_slice(&0u32.to_le_bytes());
    d.extend_from_slice(&0u32.to_le_bytes());
    d.extend_from_slice(&0x20C0u16.to_le_bytes());
    d
}

/// The workbook globals, with the sheet's stream offset filled in.
fn globals(sheet_name: &str) -> Vec<u8> {
    let mut g = Vec::new();
    record(&mut g, 0x0809, &bof(0x0005));
    record(&mut g, 0x0042, &1200u16.to_le_bytes()); // CODEPAGE: UTF-16
    let mut window1 = Vec::new();
    for v in [0u16, 0, 0x3A5C, 0x23BE, 0x0038, 0, 0, 1, 0x0258] {
        window1.extend_from_slice(&v.to_le_bytes());
    }
    record(&mut g, 0x003D, &window1);
    record(&mut g, 0x0022, &0u16.to_le_bytes()); // DATEMODE 1900
    for _ in 0..4 {
        record(&mut g, 0x0031, &font(false));
    }
    record(&mut g, 0x0031, &font(true)); // index 5 (index 4 does not exist)
    let mut fmt = FMT_DATE.to_le_bytes().to_vec();
    fmt.extend(unicode_string("yyyy-mm-dd hh:mm", false));
    record(&mut g, 0x041E, &fmt);
    for _ in 0..15 {
        record(&mut g, 0x00E0, &xf(0, 0, true));
    }
    record(&mut g, 0x00E0, &xf(0, 0, false)); // 15: default cell format
    record(&mut g, 0x00E0, &xf(0, FMT_DATE, false)); // 16: date
    record(&mut g, 0x00E0, &xf(5, 0, false)); // 17: bold header
    record(&mut g, 0x00E0, &xf(0, 4, false)); // 18: #,##0.00
    record(&mut g, 0x00E0, &xf(0, 49, false)); // 19: @ (text)
    record(&mut g, 0x0293, &[0x00, 0x80, 0x00, 0xFF]); // STYLE: Normal
    let mut sheet = vec![0u8; 4]; // offset, patched below
    sheet.extend_from_slice(&[0, 0]);
    sheet.extend(unicode_string(sheet_name, true));
    let patch_at = g.len() + 4;
    record(&mut g, 0x0085, &sheet);
    record(&mut g, 0x000A, &[]);
    let offset = (g.len() as u32).to_le_bytes();
    g[patch_at..patch_at + 4].copy_from_slice(&offset);
    g
}

fn cell_header(row: u16, col: u16, xf: u16) -> Vec<u8> {
    let mut d = Vec::with_capacity(16);
    d.extend_from_slice(&row.to_le_bytes());
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&xf.to_le_bytes());
    d
}

fn label(out: &mut Vec<u8>, row: u16, col: u16, xf: u16, text: &str) {
    let text: String = if text.chars().count() > MAX_LABEL_CHARS {
        text.chars()
            .take(MAX_LABEL_CHARS - 1)
            .chain(std::iter::once('…'))
            .collect()
    } else {
        text.to_string()
    };
    let mut d = cell_header(row, col, xf);
    d.extend(unicode_string(&text, false));
    record(out, 0x0204, &d);
}

fn number(out: &mut Vec<u8>, row: u16, col: u16, xf: u16, value: f64) {
    let mut d = cell_header(row, col, xf);
    d.extend_from_slice(&value.to_le_bytes());
    record(out, 0x0203, &d);
}

/// Excel's serial date: days since 1899-12-30.
fn serial_date(ts: i64) -> f64 {
    ts as f64 / 86_400.0 + 25_569.0
}

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
    let ncols = columns.len().min(256) as u16;
    // Version 3 (512-byte sectors): what Excel 97–2003 and the old readers expect.
    let mut comp =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, std::fs::File::create(path)?)?;
    let mut stream = comp.create_stream("/Workbook")?;
    let globals = globals(&sheet_name(&info.title));
    stream.write_all(&globals)?;

    let mut head = Vec::new();
    record(&mut head, 0x0809, &bof(0x0010));
    let dimensions_at = globals.len() as u64 + head.len() as u64 + 4;
    record(&mut head, 0x0200, &[0u8; 14]);
    for (i, c) in columns.iter().take(256).enumerate() {
        let mut d = Vec::new();
        for v in [
            i as u16,
            i as u16,
            (c.width.clamp(6, 60) + 2) * 256,
            XF_DEFAULT,
            0,
            0,
        ] {
            d.extend_from_slice(&v.to_le_bytes());
        }
        record(&mut head, 0x007D, &d);
    }
    let mut window2 = Vec::new();
    for v in [0x07BEu16, 0, 0, 64, 0, 0, 0, 0, 0] {
        window2.extend_from_slice(&v.to_le_bytes());
    }
    record(&mut head, 0x023E, &window2);
    record(&mut head, 0x0041, &[0, 0, 1, 0, 1, 0, 0, 0, 2, 0]); // PANE: first row frozen
    for (i, c) in columns.iter().take(256).enumerate() {
        label(&mut head, 0, i as u16, XF_HEADER, &super::heading(c, &zone));
    }
    stream.write_all(&head)?;

    let mut rows: u64 = 0;
    let mut buf = Vec::with_capacity(256 * 1024);
    while let Some(chunk) = source.next_chunk(conn)? {
        for cells in &chunk {
            if rows >= MAX_DATA_ROWS {
                anyhow::bail!(
                    "an XLS sheet holds at most {MAX_DATA_ROWS} rows; choose CSV or XLSX"
                );
            }
            rows += 1;
            let r = rows as u16;
            for (i, cell) in cells.iter().take(256).enumerate() {
                let col = i as u16;
                let kind = columns.get(i).map(|c| c.kind);
                match cell {
                    Cell::Text(s) => {
                        let xf = if kind == Some(Kind::Ident) {
                            XF_TEXT
                        } else {
                            XF_DEFAULT
                        };
                        label(&mut buf, r, col, xf, &super::guard::neutralise(s));
                    }
                    Cell::Int(n) => number(&mut buf, r, col, XF_DEFAULT, *n as f64),
                    Cell::Money(c) => number(&mut buf, r, col, XF_MONEY, *c as f64 / 100.0),
                    Cell::Minor(m, d) => {
                        let scale = 10f64.powi((*d).min(6) as i32);
                        number(&mut buf, r, col, XF_DEFAULT, *m as f64 / scale)
                    }
                    Cell::Date(ts) | Cell::Time(ts) => {
                        let local = zone.local_seconds(*ts);
                        number(&mut buf, r, col, XF_DATE, serial_date(local))
                    }
                    Cell::Empty => {}
                }
            }
        }
        stream.write_all(&buf)?;
        buf.clear();
        progress(rows);
    }
    let mut eof = Vec::new();
    record(&mut eof, 0x000A, &[]);
    stream.write_all(&eof)?;

    let mut dims = Vec::with_capacity(14);
    dims.extend_from_slice(&0u32.to_le_bytes());
    dims.extend_from_slice(&((rows + 1) as u32).to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    dims.extend_from_slice(&ncols.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    stream.seek(SeekFrom::Start(dimensions_at))?;
    stream.write_all(&dims)?;
    stream.flush()?;
    drop(stream);
    comp.flush()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_pick_the_narrowest_encoding() {
        assert_eq!(unicode_string("Aé", false), vec![2, 0, 0, b'A', 0xE9]);
        assert_eq!(unicode_string("Ω", true), vec![1, 1, 0xA9, 0x03]);
    }

    #[test]
    fn globals_point_at_the_sheet() {
        let g = globals("Customers");
        // Walk the records to the BOUNDSHEET; its offset is the length of the globals.
        let mut at = 0;
        let mut offset = None;
        while at + 4 <= g.len() {
            let id = u16::from_le_bytes([g[at], g[at + 1]]);
            let len = u16::from_le_bytes([g[at + 2], g[at + 3]]) as usize;
            if id == 0x0085 {
                offset = Some(u32::from_le_bytes(g[at + 4..at + 8].try_into().unwrap()));
            }
            at += 4 + len;
        }
        assert_eq!(at, g.len(), "records tile the globals exactly");
        assert_eq!(offset, Some(g.len() as u32));
        assert_eq!(&g[g.len() - 4..], &[0x0A, 0x00, 0x00, 0x00]);
    }

    #[test]
    fn dates_are_excel_serials() {
        assert_eq!(serial_date(0), 25_569.0);
        assert_eq!(serial_date(86_400 / 2), 25_569.5);
    }
}
