//! CSV (RFC 4180, UTF-8 with BOM, CRLF) and TXT (tab-separated): written chunk by chunk.

use super::{Cell, Column};
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
        use std::fmt::Write as _;
        let mut w = self.writer();
        let mut num = String::with_capacity(32);
        for row in rows {
            for cell in row {
                match cell {
                    Cell::Text(s) => w.write_field(super::guard::neutralise(s).as_bytes())?,
                    Cell::Int(n) => {
                        num.clear();
                        let _ = write!(num, "{n}");
                        w.write_field(num.as_bytes())?;
                    }
                    Cell::Empty => w.write_field(b"")?,
                    other => w.write_field(other.display(&self.zone).as_bytes())?,
                }
            }
            w.write_record(None::<&[u8]>)?;
        }
        w.into_inner().map_err(|e| e.into_error())
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
