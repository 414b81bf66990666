//! The one keyset row source every list exports through: a list says how to fetch the rows
//! after a cursor and how many there are; the chunk loop, the cells and the end are here.

use super::ListColumn;
use crate::db::DbConnection;
use crate::export::{Cell, Column, RowSource};
use diesel::QueryResult;

/// Rows read per query.
pub const CHUNK: i64 = 2_000;

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
}

/// A list being exported with some of its columns.
pub struct Source<K: Keyset> {
    list: K,
    columns: Vec<&'static ListColumn<K::Row>>,
    export: Vec<Column>,
    last: Option<K::Row>,
    done: bool,
}

impl<K: Keyset> Source<K> {
    pub fn new(list: K, columns: Vec<&'static ListColumn<K::Row>>) -> Self {
        Source {
            list,
            export: columns.iter().map(|c| c.export()).collect(),
            columns,
            last: None,
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
}
