//! Values of credit transfers and BPL tasks: the kind of a transfer definition, a task's
//! built-in action, its parameters' kinds and what a parameter supplies, and the checks a typed
//! parameter value passes.

use super::choices::choice;

choice!(
    /// Peer-to-peer (one subscriber pays for another) or a service bundle (bought for oneself or
    /// another); both move value the same way.
    TransferKind, "Choose peer-to-peer or service bundle.", [
        PeerToPeer => "peer_to_peer", "Peer-to-peer";
        ServiceBundle => "service_bundle", "Service bundle";
    ]
);

choice!(
    /// What a BPL task does to the wallet it is executed on.
    BplAction, "Choose an action from the list.", [
        AdjustBalance => "adjust_balance", "Adjust a balance";
        SwapProductType => "swap_product_type", "Swap the product type";
        SetWalletState => "set_wallet_state", "Set the wallet state";
        ExtendWalletExpiry => "extend_wallet_expiry", "Extend the wallet expiry";
    ]
);

choice!(
    /// The type of value a BPL parameter takes.
    ParamKind, "Choose text, number, date or choice.", [
        Text => "text", "Text";
        Number => "number", "Number";
        Date => "date", "Date (YYYY-MM-DD)";
        Choice => "choice", "Choice from a list";
    ]
);

choice!(
    /// What a parameter's value is used for: recorded with the execution only, or the amount
    /// of an adjustment / the days of an extension instead of the task's fixed one.
    ParamUse, "Choose what the parameter is used for.", [
        Recorded => "recorded", "Recorded with the execution";
        Amount => "amount", "The amount to adjust by";
        Days => "days", "The days to extend by";
    ]
);

/// Days an extension may add at most (about ten years).
pub const MAX_EXTENSION_DAYS: i64 = 3650;

/// A number of days for an extension: 0 (none) to `MAX_EXTENSION_DAYS`.
pub fn parse_days(input: &str) -> Result<i32, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(0);
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=MAX_EXTENSION_DAYS).contains(&n) => Ok(n as i32),
        _ => Err(format!(
            "Enter a whole number of days from 0 to {MAX_EXTENSION_DAYS}."
        )),
    }
}

/// The choices of a choice parameter as the admin typed them: comma-separated, each 1–30
/// characters, at most 20, no duplicates.
pub fn parse_choices(input: &str) -> Result<Vec<String>, String> {
    let items: Vec<String> = input
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Err("List the choices, separated by commas.".into());
    }
    if items.len() > 20 {
        return Err("List at most 20 choices.".into());
    }
    if items
        .iter()
        .any(|s| s.chars().count() > 30 || s.chars().any(char::is_control))
    {
        return Err("Each choice is 1–30 characters.".into());
    }
    let mut sorted = items.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != items.len() {
        return Err("List each choice once.".into());
    }
    Ok(items)
}

/// A posted parameter value checked against its kind; `Ok(None)` when blank. Dates come back
/// as `YYYY-MM-DD`, numbers as typed (trimmed), choices as one of `choices`.
pub fn parse_param(
    kind: ParamKind,
    choices: &[String],
    input: &str,
) -> Result<Option<String>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().any(char::is_control) {
        return Err("This value contains characters that are not allowed.".into());
    }
    match kind {
        ParamKind::Text if t.chars().count() > 100 => Err("Enter at most 100 characters.".into()),
        ParamKind::Text => Ok(Some(t.to_string())),
        ParamKind::Number => {
            let digits = t.strip_prefix('-').unwrap_or(t);
            let mut parts = digits.splitn(2, '.');
            let whole = parts.next().unwrap_or("");
            let frac = parts.next().unwrap_or("0");
            let ok = !whole.is_empty()
                && whole.len() <= 15
                && frac.len() <= 6
                && whole.chars().all(|c| c.is_ascii_digit())
                && !frac.is_empty()
                && frac.chars().all(|c| c.is_ascii_digit());
            if ok {
                Ok(Some(t.to_string()))
            } else {
                Err("Enter a number, such as 12 or -3.50.".into())
            }
        }
        ParamKind::Date => {
            super::subscriber::parse_date(t)?;
            Ok(Some(t.to_string()))
        }
        ParamKind::Choice => choices
            .iter()
            .find(|c| c.as_str() == t)
            .map(|c| Some(c.clone()))
            .ok_or_else(|| "Choose one of the listed values.".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_by_kind() {
        let choices = vec!["gold".to_string(), "silver".to_string()];
        assert_eq!(
            parse_param(ParamKind::Number, &[], " 12 "),
            Ok(Some("12".into()))
        );
        assert_eq!(
            parse_param(ParamKind::Number, &[], "-3.50"),
            Ok(Some("-3.50".into()))
        );
        assert!(parse_param(ParamKind::Number, &[], "1e3").is_err());
        assert!(parse_param(ParamKind::Number, &[], "1.").is_err());
        assert!(parse_param(ParamKind::Date, &[], "2027-02-30").is_err());
        assert_eq!(
            parse_param(ParamKind::Choice, &choices, "gold"),
            Ok(Some("gold".into()))
        );
        assert!(parse_param(ParamKind::Choice, &choices, "bronze").is_err());
        assert_eq!(parse_param(ParamKind::Text, &[], "  "), Ok(None));
        assert!(parse_choices("a, b, a").is_err());
        assert_eq!(parse_days(""), Ok(0));
        assert!(parse_days("3651").is_err());
    }
}
