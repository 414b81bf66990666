//! Text as a page shows it: the entities askama writes in attribute values and text, undone.

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
