//! Row structs, insert forms, update forms and the queries of each table.

pub mod audit;
pub mod branding;
pub mod compliance;
pub mod customer;
pub mod link;
pub mod numbers;
pub mod operator;
pub mod packages;
pub mod preference;
pub mod reference;
pub mod session;
pub mod settings;
pub mod site;

/// Case-insensitive "contains" pattern for LIKE, with the wildcard characters escaped.
pub fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.trim().to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both engines.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Sort direction from the URL (`asc` / `desc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDir {
    #[default]
    Asc,
    Desc,
}

impl SortDir {
    pub fn parse(s: Option<&str>) -> SortDir {
        match s {
            Some("desc") => SortDir::Desc,
            _ => SortDir::Asc,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }
}

/// One page of a list: the rows and whether another page follows.
#[derive(Debug)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub has_more: bool,
}

impl<T> Page<T> {
    /// Builds a page from a query that fetched `per_page + 1` rows.
    pub fn from_overfetch(mut rows: Vec<T>, per_page: i64) -> Page<T> {
        let has_more = rows.len() as i64 > per_page;
        rows.truncate(per_page as usize);
        Page { rows, has_more }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern(" A_b%c "), "%a\\_b\\%c%");
    }
}
