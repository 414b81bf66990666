//! The columns each pane can show, which are shown by default, and the operator's choice.

/// One column of a pane: URL key, header label, whether it is edited in place.
pub struct ColumnSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub editable: bool,
    pub default_visible: bool,
}

const fn col(
    key: &'static str,
    label: &'static str,
    editable: bool,
    default_visible: bool,
) -> ColumnSpec {
    ColumnSpec {
        key,
        label,
        editable,
        default_visible,
    }
}

pub const CUSTOMER_COLUMNS: &[ColumnSpec] = &[
    col("account_code", "Account code", false, true),
    col("company", "Company", false, true),
    col("name", "Name", true, true),
    col("description", "Description", true, true),
    col("username", "Web username", false, true),
    col("email", "Email", false, false),
    col("phone", "Phone", false, false),
    col("country", "Country", false, true),
    col("status", "Status", false, true),
    col("customer_type", "Type", false, false),
    col("billing_type", "Billing", false, false),
    col("created_at", "Created", false, false),
];

pub const SITE_COLUMNS: &[ColumnSpec] = &[
    col("name", "Name", true, true),
    col("description", "Description", true, true),
    col("address", "Address", false, false),
    col("country", "Country", false, true),
    col("time_zone", "Time zone", false, true),
    col("created_at", "Created", false, false),
];

pub const LINK_COLUMNS: &[ColumnSpec] = &[
    col("name", "Name", true, true),
    col("description", "Description", true, true),
    col("link_type", "Type", false, true),
    col("bandwidth_down_kbps", "Down (kbit/s)", false, true),
    col("bandwidth_up_kbps", "Up (kbit/s)", false, false),
    col("ip_address", "IP address", false, true),
    col("circuit_id", "Circuit id", false, false),
    col("status", "Status", false, true),
];

/// The pane names used in URLs, forms and preference keys.
pub fn specs(pane: &str) -> Option<&'static [ColumnSpec]> {
    match pane {
        "customers" => Some(CUSTOMER_COLUMNS),
        "sites" => Some(SITE_COLUMNS),
        "links" => Some(LINK_COLUMNS),
        _ => None,
    }
}

pub fn pref_key(pane: &str) -> String {
    format!("columns.{pane}")
}

/// The visible columns from a stored preference (comma list), or the defaults.
pub fn visible(pane: &str, stored: Option<&str>) -> Vec<&'static ColumnSpec> {
    let Some(all) = specs(pane) else {
        return Vec::new();
    };
    let chosen: Vec<&ColumnSpec> = match stored {
        Some(s) => {
            let keys: Vec<&str> = s.split(',').collect();
            all.iter().filter(|c| keys.contains(&c.key)).collect()
        }
        None => Vec::new(),
    };
    if chosen.is_empty() {
        all.iter().filter(|c| c.default_visible).collect()
    } else {
        chosen
    }
}

/// Keeps only known column keys of `pane`, in the pane's order.
pub fn sanitize<'a>(pane: &str, keys: impl Iterator<Item = &'a str>) -> Option<String> {
    let all = specs(pane)?;
    let wanted: Vec<&str> = keys.collect();
    let kept: Vec<&str> = all
        .iter()
        .filter(|c| wanted.contains(&c.key))
        .map(|c| c.key)
        .collect();
    if kept.is_empty() {
        None
    } else {
        Some(kept.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_nothing_stored_or_nothing_valid() {
        let d = visible("sites", None);
        assert_eq!(
            d.iter().map(|c| c.key).collect::<Vec<_>>(),
            ["name", "description", "country", "time_zone"]
        );
        assert_eq!(visible("sites", Some("bogus")).len(), d.len());
        assert_eq!(
            visible("sites", Some("address,name"))
                .iter()
                .map(|c| c.key)
                .collect::<Vec<_>>(),
            ["name", "address"]
        );
    }

    #[test]
    fn sanitize_drops_unknown_keys() {
        assert_eq!(
            sanitize("links", ["status", "evil", "name"].into_iter()),
            Some("name,status".into())
        );
        assert_eq!(sanitize("links", ["evil"].into_iter()), None);
        assert_eq!(sanitize("nope", ["name"].into_iter()), None);
    }
}
