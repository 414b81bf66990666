//! A row read as either engine hands it over, without a row struct: integers, text and NULL.
//! The lean reading of a large CSV/TXT export selects only the columns asked for and copies
//! each row's text once, into one buffer, from which the writer takes the cells; the typed
//! row (a `String` per column, then a `Cell` per value) costs several times more per row.

use crate::db::{DbConnection, MultiBackend, MultiRawValue};
use diesel::deserialize::{self, QueryableByName};
use diesel::prelude::*;
use diesel::row::{Field, NamedRow, Row};
use diesel::sqlite::SqliteType;

/// One value of a [`FlatRow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlatValue<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Null,
    Int(i64),
    Text(u32, u32),
}

/// A row's values in select order; text lives in one buffer per row.
#[derive(Debug, Default)]
pub struct FlatRow {
    text: String,
    slots: Vec<Slot>,
}

impl FlatRow {
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The `i`-th value (`Null` past the end).
    pub fn get(&self, i: usize) -> FlatValue<'_> {
        match self.slots.get(i) {
            Some(Slot::Int(n)) => FlatValue::Int(*n),
            Some(Slot::Text(a, b)) => FlatValue::Text(&self.text[*a as usize..*b as usize]),
            Some(Slot::Null) | None => FlatValue::Null,
        }
    }

    fn push_text(&mut self, s: &str) -> deserialize::Result<()> {
        let start = u32::try_from(self.text.len())?;
        self.text.push_str(s);
        let end = u32::try_from(self.text.len())?;
        self.slots.push(Slot::Text(start, end));
        Ok(())
    }

    fn push(&mut self, value: MultiRawValue<'_>) -> deserialize::Result<()> {
        match value {
            MultiRawValue::Sqlite(mut v) => match v.value_type() {
                Some(SqliteType::Long | SqliteType::Integer | SqliteType::SmallInt) => {
                    self.slots.push(Slot::Int(v.read_long()));
                    Ok(())
                }
                None => {
                    self.slots.push(Slot::Null);
                    Ok(())
                }
                // Text, and anything else as SQLite spells it as text.
                Some(_) => self.push_text(v.read_text()),
            },
            MultiRawValue::Postgresql(v) => {
                // Binary results: integers big-endian, text as UTF-8 (oids of pg_type).
                let bytes = v.as_bytes();
                match v.get_oid().get() {
                    20 => self
                        .slots
                        .push(Slot::Int(i64::from_be_bytes(bytes.try_into()?))),
                    23 => self
                        .slots
                        .push(Slot::Int(i32::from_be_bytes(bytes.try_into()?).into())),
                    21 => self
                        .slots
                        .push(Slot::Int(i16::from_be_bytes(bytes.try_into()?).into())),
                    25 | 1043 | 19 => return self.push_text(std::str::from_utf8(bytes)?),
                    oid => return Err(format!("a lean export cannot read type oid {oid}").into()),
                }
                Ok(())
            }
        }
    }
}

impl QueryableByName<MultiBackend> for FlatRow {
    fn build<'a>(row: &impl NamedRow<'a, MultiBackend>) -> deserialize::Result<Self> {
        let n = row.field_count();
        let mut out = FlatRow {
            text: String::with_capacity(16 * n),
            slots: Vec::with_capacity(n),
        };
        for i in 0..n {
            let field = Row::get(row, i).ok_or("a lean row ended early")?;
            let value = field.value();
            match value {
                Some(value) => out.push(value)?,
                None => out.slots.push(Slot::Null),
            };
        }
        Ok(out)
    }
}

/// What a lean chunk selects: `id_sql` (the keyset, read first and not handed on as a cell),
/// then `columns` (constant SQL expressions, never input), from `from` (constant joins) where
/// `filter` (constant SQL with only integers formatted in) holds.
pub struct FlatQuery<'a> {
    pub id_sql: &'static str,
    pub columns: &'a str,
    pub from: &'static str,
    pub filter: Option<String>,
}

/// The rows after id `after` in id order, at most `limit`, each handed to `each` as it is read
/// (no chunk of rows is held); returns how many there were and the last id.
pub fn after_id(
    conn: &mut DbConnection,
    q: &FlatQuery<'_>,
    after: i64,
    limit: i64,
    each: &mut dyn FnMut(&FlatRow) -> deserialize::Result<()>,
) -> QueryResult<(usize, Option<i64>)> {
    let filter = q
        .filter
        .as_deref()
        .map(|f| format!(" AND {f}"))
        .unwrap_or_default();
    // Integers formatted in: the SQL is one per chunk, prepared once for its thousands of rows.
    let sql = format!(
        "SELECT {id}, {cols} FROM {from} WHERE {id} > {after}{filter} ORDER BY {id} LIMIT {limit}",
        id = q.id_sql,
        cols = q.columns,
        from = q.from,
    );
    let mut n = 0;
    let mut last = None;
    for row in
        diesel::sql_query(sql).load_iter::<FlatRow, diesel::connection::DefaultLoadingMode>(conn)?
    {
        let row = row?;
        match row.get(0) {
            FlatValue::Int(id) => last = Some(id),
            _ => {
                return Err(diesel::result::Error::DeserializationError(
                    "a lean row without its id".into(),
                ))
            }
        }
        each(&row).map_err(diesel::result::Error::DeserializationError)?;
        n += 1;
    }
    Ok((n, last))
}
