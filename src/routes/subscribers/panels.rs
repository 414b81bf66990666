//! Which panel of the subscriber edit screen holds a field, so a refused save can open the
//! panel of its first message (a 422 cannot set the URL's fragment) and the menu can count the
//! messages of each panel. Field names follow the screen's conventions (`edit_view`).

use crate::domain::FormState;

/// The panel (its element id) whose form holds `field`; `None` for what is outside the panels
/// (the change reason, the version) or a field this map does not know.
pub fn panel_of(field: &str) -> Option<&'static str> {
    const DETAILS: [&str; 11] = [
        "card_number",
        "subscriber_id",
        "description",
        "language",
        "pin",
        "pin_confirm",
        "pin_defined",
        "blacklisted",
        "cli_restricted",
        "disable_sms",
        "disable_incoming_roaming",
    ];
    let starts = |p: &str| field == p || field.starts_with(&format!("{p}_"));
    let panel = if DETAILS.contains(&field) || field.starts_with("disable_") {
        "p-details"
    } else if starts("barring") {
        "p-barring"
    } else if starts("sc") {
        "p-translation"
    } else if starts("ff") || starts("fd") {
        "p-friends"
    } else if starts("cug") {
        "p-cugs"
    } else if field == "remote_access" {
        "p-remote"
    } else if starts("comment") {
        "p-comments"
    } else if starts("zone") || starts("shape") || starts("new_zone") {
        "p-zones"
    } else if starts("primary") || starts("secondary") {
        "p-wallets"
    } else if matches!(field, "balance_type_id" | "amount" | "wallet_version") {
        "p-adjustments"
    } else if starts("transfer") {
        "p-transfers"
    } else if starts("bpl") {
        "p-bpl"
    } else {
        return None;
    };
    Some(panel)
}

/// The panel a refused save opens on: the one holding the first message, else Details.
pub fn open_panel(form: &FormState) -> &'static str {
    form.errors()
        .iter()
        .find_map(|(name, _)| panel_of(name))
        .unwrap_or("p-details")
}

/// How many of the form's messages are in `panel`.
pub fn errors_in(form: &FormState, panel: &str) -> usize {
    form.errors()
        .iter()
        .filter(|(name, _)| panel_of(name) == Some(panel))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_belong_to_their_panels() {
        assert_eq!(panel_of("pin_confirm"), Some("p-details"));
        assert_eq!(panel_of("barring_new"), Some("p-barring"));
        assert_eq!(panel_of("sc_12_number"), Some("p-translation"));
        assert_eq!(panel_of("fd_change_date"), Some("p-friends"));
        assert_eq!(panel_of("cug_3"), Some("p-cugs"));
        assert_eq!(panel_of("comment_4_delete"), Some("p-comments"));
        assert_eq!(panel_of("shape_7_x2"), Some("p-zones"));
        assert_eq!(panel_of("new_zone_name"), Some("p-zones"));
        assert_eq!(panel_of("secondary_max_concurrent"), Some("p-wallets"));
        assert_eq!(panel_of("amount"), Some("p-adjustments"));
        assert_eq!(panel_of("transfer_pin"), Some("p-transfers"));
        assert_eq!(panel_of("bpl"), Some("p-bpl"));
        assert_eq!(panel_of("change_reason"), None);
        assert_eq!(panel_of("version"), None);
        // "scope" is not a short code field, "ffx" not Friends and family.
        assert_eq!(panel_of("scope"), None);
        assert_eq!(panel_of("ffx"), None);
    }

    #[test]
    fn the_first_message_decides_the_open_panel() {
        let mut f = FormState::default();
        assert_eq!(open_panel(&f), "p-details");
        f.error("change_reason", "Give a reason.");
        assert_eq!(open_panel(&f), "p-details");
        f.error("primary_max_concurrent", "A whole number.");
        f.error("pin", "Four digits.");
        f.error("secondary_customer", "No such customer.");
        assert_eq!(open_panel(&f), "p-wallets");
        assert_eq!(errors_in(&f, "p-wallets"), 2);
        assert_eq!(errors_in(&f, "p-details"), 1);
        assert_eq!(errors_in(&f, "p-zones"), 0);
    }
}
