//! One export pipeline for every list: a list (declared in `crate::lists`, which this module
//! does not know) describes its columns and yields rows in chunks; the writers turn them into
//! CSV, TXT, XLSX, PDF or XLS. Text that a spreadsheet could read as a formula is neutralised on
//! the way out.

pub mod csv;
pub mod guard;
pub mod jobs;
pub mod pdf;
pub mod stream;
pub mod xls;
pub mod xlsx;

use crate::db::DbConnection;
use crate::domain::Zone;
use diesel::QueryResult;

/// The five formats, named by their file extension in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Csv,
    Txt,
    Xlsx,
    Pdf,
    Xls,
}

impl Format {
    pub fn parse(ext: &str) -> Option<Format> {
        match ext {
            "csv" => Some(Format::Csv),
            "txt" => Some(Format::Txt),
            "xlsx" => Some(Format::Xlsx),
            "pdf" => Some(Format::Pdf),
            "xls" => Some(Format::Xls),
            _ => None,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Txt => "txt",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
            Format::Xls => "xls",
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Txt => "text/tab-separated-values; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Pdf => "application/pdf",
            Format::Xls => "application/vnd.ms-excel",
        }
    }
    /// Whether rows can leave as they are read (no file to finish first).
    pub fn streams(self) -> bool {
        matches!(self, Format::Csv | Format::Txt)
    }
    /// The most rows a file of this format can hold, if limited.
    pub fn max_rows(self) -> Option<u64> {
        match self {
            Format::Xls => Some(xls::MAX_DATA_ROWS),
            Format::Pdf => Some(pdf::MAX_ROWS),
            _ => None,
        }
    }
    pub const ALL: [Format; 5] = [
        Format::Csv,
        Format::Txt,
        Format::Xlsx,
        Format::Pdf,
        Format::Xls,
    ];
}

/// How a column's values are written: text, identifiers that look like numbers but must stay
/// text (phone, account code), whole numbers, money in cents, and dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Ident,
    Int,
    Money,
    Date,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    /// Width in characters for spreadsheets and PDF.
    pub width: u16,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Minor units (cents).
    Money(i64),
    /// An exact amount in minor units of a currency with this many decimals (0–6).
    Minor(i64, u32),
    /// UTC seconds since the epoch: a pane shows the date, a file the time to the minute.
    Date(i64),
    /// UTC seconds since the epoch, shown to the minute everywhere (audit entries, jobs).
    Time(i64),
    Empty,
}

impl Cell {
    /// The value as plain text (CSV, TXT, PDF), neutralised against formula injection; times
    /// in `zone`.
    pub fn display(&self, zone: &Zone) -> String {
        match self {
            Cell::Text(s) => guard::neutralise(s).into_owned(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(c) => {
                let sign = if *c < 0 { "-" } else { "" };
                format!("{sign}{}.{:02}", c.abs() / 100, c.abs() % 100)
            }
            Cell::Minor(m, d) => {
                crate::domain::Amount::from_minor(*m).show(crate::domain::Unit::Cash, *d)
            }
            Cell::Date(ts) | Cell::Time(ts) => zone.time(*ts),
            Cell::Empty => String::new(),
        }
    }
}

/// How a lean export (see [`RowSource::write_chunk`]) turns a column's raw value into the text
/// the typed cell of the same column writes.
#[derive(Debug, Clone, Copy)]
pub enum FlatCell {
    /// Text as stored (guarded), like `lists::text`.
    Text,
    /// A whole number, like `Cell::Int`.
    Int,
    /// UTC seconds, like `Cell::Date`.
    Date,
    /// A stored code shown by its label; a code the program does not know fails the export,
    /// as it fails the typed row's load.
    Label(fn(&str) -> Option<&'static str>),
}

/// A column's heading in a file: a time column names the zone its times are in.
pub fn heading(column: &Column, zone: &Zone) -> String {
    if column.kind == Kind::Date {
        format!("{} ({})", column.label, zone.name())
    } else {
        column.label.to_string()
    }
}

fn utc_name() -> String {
    "UTC".into()
}

/// What is printed at the top of a PDF and used for file names.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ExportInfo {
    pub title: String,
    /// File name stem, e.g. `customers`.
    pub stem: String,
    pub filters: Vec<(String, String)>,
    pub exported_by: String,
    pub exported_at: i64,
    /// The zone the file's times are written in: the requester's (an IANA name; specs stored
    /// before zones existed are UTC).
    #[serde(default = "utc_name")]
    pub time_zone: String,
}

impl ExportInfo {
    /// `<list>-<yyyymmdd-hhmm>.<ext>`, the time in the export's zone.
    pub fn file_name(&self, format: Format) -> String {
        let stamp: String = self
            .zone()
            .time(self.exported_at)
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == ' ')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        format!("{}-{stamp}.{}", self.stem, format.extension())
    }

    /// The zone the file's times are written in (UTC if the stored name is no longer known).
    pub fn zone(&self) -> Zone {
        Zone::parse(&self.time_zone).unwrap_or_else(|_| Zone::utc())
    }
}

/// A list being exported: its columns and its rows, read in chunks (keyset pagination), so memory
/// does not grow with the number of rows.
pub trait RowSource: Send {
    fn columns(&self) -> &[Column];
    /// The next rows, or `None` when done.
    fn next_chunk(&mut self, conn: &mut DbConnection) -> QueryResult<Option<Vec<Vec<Cell>>>>;
    /// How many rows the export will have (for limits, progress and the background decision).
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64>;
    /// CSV/TXT: the next chunk's rows written by `writer`, and how many; `None` when done.
    /// A source with a lean reading writes straight from the database's rows instead.
    fn write_chunk(
        &mut self,
        conn: &mut DbConnection,
        writer: &csv::DelimitedWriter,
    ) -> std::io::Result<Option<(Vec<u8>, usize)>> {
        typed_chunk(self, conn, writer)
    }
}

/// CSV/TXT from the typed rows: the next chunk's cells written by `writer`.
pub fn typed_chunk<S: RowSource + ?Sized>(
    source: &mut S,
    conn: &mut DbConnection,
    writer: &csv::DelimitedWriter,
) -> std::io::Result<Option<(Vec<u8>, usize)>> {
    match source.next_chunk(conn).map_err(query_failed)? {
        Some(rows) => Ok(Some((writer.rows(&rows)?, rows.len()))),
        None => Ok(None),
    }
}

/// A failed read of an export's rows, as the writers' error.
pub fn query_failed(e: diesel::result::Error) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// An export ready to write: its format, what its header says, and its rows.
pub struct Prepared {
    pub format: Format,
    pub info: ExportInfo,
    pub source: Box<dyn RowSource>,
}

/// Writes a whole export into `path` (any format); returns the number of rows.
pub fn write_to(
    path: &std::path::Path,
    format: Format,
    info: &ExportInfo,
    source: &mut dyn RowSource,
    conn: &mut DbConnection,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<u64> {
    use std::io::Write;
    match format {
        Format::Xlsx => xlsx::write(path, info, source, conn, progress),
        Format::Xls => xls::write(path, info, source, conn, progress),
        Format::Pdf => {
            let bytes = pdf::write(info, source, conn, progress)?;
            std::fs::write(path, bytes)?;
            Ok(0)
        }
        Format::Csv | Format::Txt => {
            let writer = if format == Format::Txt {
                csv::DelimitedWriter::tsv(info.zone())
            } else {
                csv::DelimitedWriter::csv(info.zone())
            };
            // Chunks arrive as ~1 MB buffers already: they go to the file as they are.
            let mut out = std::fs::File::create(path)?;
            out.write_all(&writer.header(source.columns())?)?;
            let mut rows = 0u64;
            while let Some((bytes, n)) = source.write_chunk(conn, &writer)? {
                rows += n as u64;
                out.write_all(&bytes)?;
                progress(rows);
            }
            out.flush()?;
            Ok(rows)
        }
    }
}

/// Builds a file-format export in a temporary file and hands it back open and already removed
/// from the directory, so it disappears whatever happens to the download.
pub fn build_temp(
    format: Format,
    info: &ExportInfo,
    source: &mut dyn RowSource,
    conn: &mut DbConnection,
) -> anyhow::Result<std::fs::File> {
    let temp = tempfile::Builder::new()
        .prefix("selfcare-export-")
        .suffix(&format!(".{}", format.extension()))
        .tempfile()?;
    write_to(temp.path(), format, info, source, conn, &mut |_| {})?;
    let file = std::fs::File::open(temp.path())?;
    drop(temp);
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_dated() {
        let info = ExportInfo {
            title: "Customers".into(),
            stem: "customers".into(),
            filters: vec![],
            exported_by: "admin".into(),
            exported_at: 1_700_000_000,
            time_zone: "UTC".into(),
        };
        assert_eq!(info.file_name(Format::Xlsx), "customers-20231114-2213.xlsx");
        let paris = ExportInfo {
            time_zone: "Europe/Paris".into(),
            ..info
        };
        assert_eq!(paris.file_name(Format::Csv), "customers-20231114-2313.csv");
    }

    #[test]
    fn formats_parse_from_extensions_only() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.extension()), Some(f));
        }
        assert_eq!(Format::parse("exe"), None);
        assert_eq!(Format::parse("CSV"), None);
    }

    #[test]
    fn money_and_negative_numbers_display_exactly() {
        let utc = Zone::utc();
        assert_eq!(Cell::Money(150050).display(&utc), "1500.50");
        assert_eq!(Cell::Money(-7).display(&utc), "-0.07");
        assert_eq!(Cell::Int(-5).display(&utc), "-5");
        assert_eq!(Cell::Minor(-1234, 3).display(&utc), "-1.234");
        assert_eq!(Cell::Text("-5".into()).display(&utc), "'-5");
        let ny = Zone::parse("America/New_York").unwrap();
        assert_eq!(Cell::Date(1_700_000_000).display(&ny), "2023-11-14 17:13");
        assert_eq!(Cell::Time(1_700_000_000).display(&utc), "2023-11-14 22:13");
    }
}
