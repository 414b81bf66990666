//! CSV (RFC 4180, UTF-8 with BOM, CRLF) and TXT (tab-separated): written chunk by chunk.

use super::{Cell, Column, FlatCell};
use crate::db::models::flat::{FlatRow, FlatValue};
use crate::domain::Zone;

/// Writes rows into byte buffers, one buffer per chunk, so they can be sent as they are made.
/// Times are written in `zone`, which the time columns' headings name.
pub struct DelimitedWriter {
    delimiter: u8,
    zone: Zone,
}

impl DelimitedWriter {
    pub fn csv(zone: Zone) -> Self {
        DelimitedWriter {
            delimiter: b',',
            zone,
        }
    }
    pub fn tsv(zone: Zone) -> Self {
        DelimitedWriter {
            delimiter: b'\t',
            zone,
        }
    }

    fn writer(&self) -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::with_capacity(64 * 1024))
    }

    /// The byte-order mark (CSV only, so spreadsheets read UTF-8) and the header row.
    pub fn header(&self, columns: &[Column]) -> std::io::Result<Vec<u8>> {
        let mut w = self.writer();
        w.write_record(columns.iter().map(|c| super::heading(c, &self.zone)))?;
        let mut out = if self.delimiter == b',' {
            vec![0xEF, 0xBB, 0xBF]
        } else {
            Vec::new()
        };
        out.extend(w.into_inner().map_err(|e| e.into_error())?);
        Ok(out)
    }

    /// Text goes out as it is stored (only guarded text is copied); numbers are formatted into
    /// one reused buffer: no allocation per cell on the way to a million rows.
    pub fn rows(&self, rows: &[Vec<Cell>]) -> std::io::Result<Vec<u8>> {
        let mut w = self.writer();
        let mut num = itoa::Buffer::new();
        for row in rows {
            for cell in row {
                match cell {
                    Cell::Text(s) => w.write_field(super::guard::neutralise(s).as_bytes())?,
                    Cell::Int(n) => w.write_field(num.format(*n).as_bytes())?,
                    Cell::Empty => w.write_field(b"")?,
                    other => w.write_field(other.display(&self.zone).as_bytes())?,
                }
            }
            w.write_record(None::<&[u8]>)?;
        }
        w.into_inner().map_err(|e| e.into_error())
    }

    /// A chunk of a lean export: rows written from the database's values as they are read.
    pub fn flat_chunk(&self, capacity: usize) -> FlatChunk<'_> {
        FlatChunk {
            w: csv::WriterBuilder::new()
                .delimiter(self.delimiter)
                .terminator(csv::Terminator::CRLF)
                .buffer_capacity(64 * 1024)
                .from_writer(Vec::with_capacity(capacity)),
            zone: &self.zone,
            num: itoa::Buffer::new(),
        }
    }
}

/// Rows of a lean export being written into one buffer (see [`DelimitedWriter::flat_chunk`]).
pub struct FlatChunk<'z> {
    w: csv::Writer<Vec<u8>>,
    zone: &'z Zone,
    num: itoa::Buffer,
}

/// Why a lean row could not be written: a stored value the column's cell cannot show.
pub type FlatError = Box<dyn std::error::Error + Send + Sync>;

impl FlatChunk<'_> {
    /// One row: `cells[i]` says how to write the row's value `i + 1` (value 0 is its id), the
    /// same text the typed cell of that column writes.
    pub fn row(&mut self, row: &FlatRow, cells: &[FlatCell]) -> Result<(), FlatError> {
        for (i, cell) in cells.iter().enumerate() {
            let value = row.get(i + 1);
            match (cell, value) {
                (_, FlatValue::Null) => self.w.write_field(b"")?,
                (FlatCell::Int | FlatCell::Text, FlatValue::Int(n)) => {
                    self.w.write_field(self.num.format(n).as_bytes())?
                }
                (FlatCell::Text, FlatValue::Text(s)) => {
                    self.w.write_field(super::guard::neutralise(s).as_bytes())?
                }
                (FlatCell::Label(label), FlatValue::Text(code)) => {
                    let shown = label(code)
                        .ok_or_else(|| format!("unknown code {code:?} in the database"))?;
                    self.w
                        .write_field(super::guard::neutralise(shown).as_bytes())?
                }
                (FlatCell::Date, FlatValue::Int(ts)) => self
                    .w
                    .write_field(Cell::Date(ts).display(self.zone).as_bytes())?,
                (cell, value) => {
                    return Err(format!("column {}: {value:?} is not {cell:?}", i + 1).into())
                }
            }
        }
        self.w.write_record(None::<&[u8]>)?;
        Ok(())
    }

    /// The chunk's bytes.
    pub fn finish(self) -> std::io::Result<Vec<u8>> {
        self.w.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Kind;

    const COLS: [Column; 2] = [
        Column {
            key: "a",
            label: "Name",
            kind: Kind::Text,
            width: 10,
        },
        Column {
            key: "b",
            label: "Count",
            kind: Kind::Int,
            width: 5,
        },
    ];

    #[test]
    fn csv_quotes_and_guards() {
        let w = DelimitedWriter::csv(Zone::utc());
        let head = w.header(&COLS).unwrap();
        assert_eq!(head, b"\xEF\xBB\xBFName,Count\r\n");
        let body = w
            .rows(&[
                vec![Cell::Text("A, \"B\"".into()), Cell::Int(-3)],
                vec![Cell::Text("=cmd".into()), Cell::Empty],
            ])
            .unwrap();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "\"A, \"\"B\"\"\",-3\r\n'=cmd,\r\n"
        );
    }

    #[test]
    fn txt_is_tab_separated_without_bom() {
        let w = DelimitedWriter::tsv(Zone::utc());
        assert_eq!(w.header(&COLS).unwrap(), b"Name\tCount\r\n");
        let body = w
            .rows(&[vec![Cell::Text("Øst".into()), Cell::Int(7)]])
            .unwrap();
        assert_eq!(String::from_utf8(body).unwrap(), "Øst\t7\r\n");
    }
}
