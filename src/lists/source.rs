//! The one keyset row source every list exports through: a list says how to fetch the rows
//! after a cursor and how many there are; the chunk loop, the cells and the end are here.

use super::ListColumn;
use crate::db::models::flat::{self, FlatQuery};
use crate::db::DbConnection;
use crate::export::csv::DelimitedWriter;
use crate::export::{Cell, Column, FlatCell, RowSource};
use diesel::QueryResult;

/// Rows read per query.
pub const CHUNK: i64 = 2_000;

/// Rows read per query by a lean CSV/TXT export: about 1 MB of output per chunk, so a chunk's
/// query and its trip through the channel to the socket are paid once per ten thousand rows.
pub const FLAT_CHUNK: i64 = 10_000;

/// A list whose rows can be read in order, chunk after chunk.
pub trait Keyset: Send + 'static {
    type Row: Send + 'static;
    /// The rows after `after` (the last row of the previous chunk; `None`: from the start).
    fn chunk(
        &self,
        conn: &mut DbConnection,
        after: Option<&Self::Row>,
        limit: i64,
    ) -> QueryResult<Vec<Self::Row>>;
    /// How many rows the whole list has.
    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64>;
    /// A lean reading in id order selecting `columns` (SQL of the chosen columns), for CSV and
    /// TXT; `None` when the list has none (it is then written from its typed rows).
    fn flat<'a>(&self, _columns: &'a str) -> Option<FlatQuery<'a>> {
        None
    }
}

/// The chosen columns' lean reading, when every one of them has one.
struct FlatPlan {
    columns: String,
    cells: Vec<FlatCell>,
}

/// A list being exported with some of its columns.
pub struct Source<K: Keyset> {
    list: K,
    columns: Vec<&'static ListColumn<K::Row>>,
    export: Vec<Column>,
    last: Option<K::Row>,
    flat: Option<FlatPlan>,
    last_id: i64,
    done: bool,
}

impl<K: Keyset> Source<K> {
    pub fn new(list: K, columns: Vec<&'static ListColumn<K::Row>>) -> Self {
        let flat: Option<Vec<_>> = columns.iter().map(|c| c.flat).collect();
        Source {
            list,
            export: columns.iter().map(|c| c.export()).collect(),
            flat: flat.filter(|f| !f.is_empty()).map(|f| FlatPlan {
                columns: f.iter().map(|c| c.sql).collect::<Vec<_>>().join(", "),
                cells: f.iter().map(|c| c.cell).collect(),
            }),
            columns,
            last: None,
            last_id: 0,
            done: false,
        }
    }

    /// Boxed for the export pipeline.
    pub fn boxed(list: K, columns: Vec<&'static ListColumn<K::Row>>) -> Box<dyn RowSource> {
        Box::new(Self::new(list, columns))
    }
}

impl<K: Keyset> RowSource for Source<K> {
    fn columns(&self) -> &[Column] {
        &self.export
    }

    fn next_chunk(&mut self, conn: &mut DbConnection) -> QueryResult<Option<Vec<Vec<Cell>>>> {
        if self.done {
            return Ok(None);
        }
        let rows = self.list.chunk(conn, self.last.as_ref(), CHUNK)?;
        self.done = (rows.len() as i64) < CHUNK;
        let out: Vec<Vec<Cell>> = rows
            .iter()
            .map(|row| self.columns.iter().map(|c| (c.cell)(row)).collect())
            .collect();
        self.last = rows.into_iter().last();
        Ok(if out.is_empty() { None } else { Some(out) })
    }

    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        self.list.count(conn)
    }

    fn write_chunk(
        &mut self,
        conn: &mut DbConnection,
        writer: &DelimitedWriter,
    ) -> std::io::Result<Option<(Vec<u8>, usize)>> {
        let query = match &self.flat {
            Some(plan) => self.list.flat(&plan.columns).map(|q| (q, &plan.cells)),
            None => None,
        };
        let Some((query, cells)) = query else {
            return crate::export::typed_chunk(self, conn, writer);
        };
        if self.done {
            return Ok(None);
        }
        let mut chunk = writer.flat_chunk(FLAT_CHUNK as usize * 128);
        let (n, last) = flat::after_id(conn, &query, self.last_id, FLAT_CHUNK, &mut |row| {
            chunk.row(row, cells)
        })
        .map_err(crate::export::query_failed)?;
        self.done = (n as i64) < FLAT_CHUNK;
        self.last_id = last.unwrap_or(self.last_id);
        if n == 0 {
            return Ok(None);
        }
        Ok(Some((chunk.finish()?, n)))
    }
}
