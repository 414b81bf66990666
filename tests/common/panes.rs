//! Reading the three-pane page as a test sees it. The page is lean: a pane's grid sits inside
//! its save form, the rows' versions travel in one `versions` field, and only the header cells
//! name their column (`th[data-col]`), so a cell is found by its column's position.

use super::{table_column, unescape};

/// The part of the page inside pane `pane`'s section.
pub fn pane_section<'a>(html: &'a str, pane: &str) -> Option<&'a str> {
    let start = html.find(&format!("<section class=\"pane\" id=\"pane-{pane}\""))?;
    let end = html[start..].find("</section>")? + start;
    Some(&html[start..end])
}

/// Pane `pane`'s save form, from its opening tag to its end.
fn save_form<'a>(html: &'a str, pane: &str) -> Option<&'a str> {
    let section = pane_section(html, pane)?;
    let start = section.find(&format!("<form id=\"save-{pane}\""))?;
    Some(&section[start..start + section[start..].find("</form>")?])
}

/// The value a save of pane `pane` would post for `name`: a cell's input (`name_{id}`), or for
/// `v_{id}` the version the row was loaded at.
pub fn pane_input(html: &str, pane: &str, name: &str) -> Option<String> {
    let form = save_form(html, pane)?;
    if let Some(id) = name.strip_prefix("v_") {
        let versions = attribute_after(form, "name=\"versions\" value=\"")?;
        let prefix = format!("{id}:");
        return versions
            .split_whitespace()
            .find_map(|p| p.strip_prefix(prefix.as_str()))
            .map(str::to_string);
    }
    attribute_after(form, &format!(" name=\"{name}\" value=\"")).map(str::to_string)
}

fn attribute_after<'a>(html: &'a str, marker: &str) -> Option<&'a str> {
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(&html[start..end])
}

/// What every row of pane `pane` holds in column `col` (the cell's inner HTML), top to bottom;
/// `None` when the pane does not show that column.
pub fn column_cells(html: &str, pane: &str, col: &str) -> Option<Vec<String>> {
    table_column(pane_section(html, pane)?, col)
}

/// What pane `pane`'s save form sends when submitted as the page stands, as a browser without
/// scripts sends it: its action and every named input inside it (token, return address,
/// versions, each cell), values unescaped.
pub fn save_form_fields(html: &str, pane: &str) -> Option<(String, Vec<(String, String)>)> {
    let form = save_form(html, pane)?;
    let action = unescape(attribute_after(form, "action=\"")?);
    let fields = form
        .split("<input ")
        .skip(1)
        .filter_map(|input| {
            let tag = &input[..input.find('>')?];
            let name = attribute_after(tag, "name=\"")?;
            let value = attribute_after(tag, "value=\"").unwrap_or("");
            Some((unescape(name), unescape(value)))
        })
        .collect();
    Some((action, fields))
}
