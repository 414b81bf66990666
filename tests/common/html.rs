//! Reading pages as text: the entities askama writes undone, a table's column found by its
//! header.

/// Decodes askama's escapes (`&` last, so an escaped entity stays text).
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// What every row (`<tr data-id=…>`) of the first table in `html` holds in column `col` (the
/// cell's inner HTML), top to bottom. Only header cells name their column (`th[data-col]`), so
/// a cell is found by its header's position. `None` when no header names `col` or a row has no
/// cell under it.
pub fn table_column(html: &str, col: &str) -> Option<Vec<String>> {
    let head = &html[html.find("<thead>")? + "<thead>".len()..html.find("</thead>")?];
    let at = head.find(&format!(" data-col=\"{col}\""))?;
    let index = head[..at].matches("<th").count().checked_sub(1)?;
    html.split("<tr data-id=\"")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").unwrap_or(row.len())];
            let cell = row.split("<td").nth(index + 1)?;
            let inner = &cell[cell.find('>')? + 1..];
            Some(inner[..inner.find("</td>").unwrap_or(inner.len())].to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_escaped_entity_stays_text() {
        assert_eq!(
            super::unescape("a&#38;lt;b &#60;c&#62; &quot;"),
            "a&lt;b <c> \""
        );
    }
}
