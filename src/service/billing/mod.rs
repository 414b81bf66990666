//! A customer's billing (DESIGN §5b): the ledger of payments, credits and debits (`payments`),
//! CDR imports (`import`), the account statement (`statement`) and the call analysis
//! (`calls`). Amounts are minor units of the customer's currency: its billing decimals say how
//! many decimals it has. Everyone who may see the customer may look; editors change.

pub mod calls;
pub mod import;
pub mod payments;
pub mod statement;

use crate::domain::{civil_date_in, Zone};

/// A period of whole days in the viewer's zone: `from` and `to` inclusive as typed, and the
/// UTC instants `[start, end)` they cover.
#[derive(Debug, Clone)]
pub struct Period {
    pub from: String,
    pub to: String,
    pub start: i64,
    pub end: i64,
}

/// The longest period a statement or analysis covers, in days.
pub const MAX_DAYS: i64 = 400;

/// The period `from`–`to` (dates `YYYY-MM-DD` in `zone`; blank: this month up to today);
/// a message when it is not one.
pub fn period(from: Option<&str>, to: Option<&str>, zone: &Zone) -> Result<Period, String> {
    let today = zone.date(crate::db::now());
    let from = from.map(str::trim).filter(|s| !s.is_empty());
    let to = to.map(str::trim).filter(|s| !s.is_empty());
    let first_of_month = format!("{}-01", &today[..7]);
    let from = from.unwrap_or(&first_of_month).to_string();
    let to = to.unwrap_or(&today).to_string();
    let start = civil_date_in(&from, zone).map_err(|m| format!("From: {m}"))?;
    let to_day = crate::domain::billing::civil_date(&to).map_err(|m| format!("To: {m}"))?;
    let (y, m, d) = crate::domain::billing::next_day(to_day);
    let end = zone
        .day_start(y, m, d)
        .ok_or_else(|| "To: enter a date as YYYY-MM-DD.".to_string())?;
    if end <= start {
        return Err("The period must end on or after the day it starts.".into());
    }
    if end - start > MAX_DAYS * 86_400 + 7200 {
        return Err(format!("Choose a period of at most {MAX_DAYS} days."));
    }
    Ok(Period {
        from,
        to,
        start,
        end,
    })
}
