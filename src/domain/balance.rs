//! Values of balance types and balance changes: category, max-balance policy, EDR type, the
//! balance type's code, and the rules a bucket's dates follow.

use super::choices::choice;

choice!(
    /// What a balance is for; only chargeable and cross-balance-discount balances take offset
    /// buckets.
    Category, "Choose a category from the list.", [
        Chargeable => "chargeable", "Chargeable";
        CrossBalanceDiscount => "cross_balance_discount", "Cross-balance discount";
        Expenditure => "expenditure", "Expenditure";
        Fraud => "fraud", "Fraud";
        Tracker => "tracker", "Tracker";
    ]
);
choice!(
    /// What a credit beyond the balance type's maximum does: cut to the maximum, or refused whole.
    MaxPolicy, "Choose limit or reject.", [
        Limit => "limit", "Limit (cut to the maximum)";
        Reject => "reject", "Reject (refuse the change)";
    ]
);
choice!(
    /// Why an EDR was written; the charging issue adds its own kinds.
    EdrType, "Choose an EDR type from the list.", [
        Adjustment => "adjustment", "Adjustment";
        BucketAdd => "bucket_add", "Bucket added";
        BucketEdit => "bucket_edit", "Bucket changed";
        BucketDelete => "bucket_delete", "Bucket deleted";
        Merge => "merge", "Wallet merge";
        Activation => "activation", "Wallet activation";
        Reversal => "reversal", "Reversal";
        Recharge => "recharge", "Voucher recharge";
        Reservation => "reservation", "Reservation";
        Charge => "charge", "Charge";
        Transfer => "transfer", "Credit transfer";
        BplTask => "bpl_task", "BPL task";
        Promotion => "promotion", "Promotion reward";
        Topup => "topup", "Periodic top-up";
    ]
);
choice!(
    /// A merge's wallet expiry policy: the later of both expiries, or the target's unchanged.
    ExpiryPolicy, "Choose best or ignore.", [
        Best => "best", "Best (the later expiry)";
        Ignore => "ignore", "Ignore (keep the target's)";
    ]
);
choice!(
    /// A merge's bucket policy: a dated source bucket joins a target bucket of its balance type
    /// (taking the later date), or moves over as it is.
    BucketPolicy, "Choose merge or move.", [
        Merge => "merge", "Merge buckets";
        Move => "move", "Move buckets";
    ]
);

/// The EDR types whose balance changes a reverse charge may undo: the ones that move money
/// (charges, reservation commits, recharges, adjustments). Bucket edits are not (a bucket's
/// dates cannot be given back), nor reversals (they are the undoing). Adding a type to the
/// reversible set is one line here.
pub const REVERSIBLE: &[EdrType] = &[
    EdrType::Charge,
    EdrType::Reservation,
    EdrType::Recharge,
    EdrType::Adjustment,
];

impl EdrType {
    /// Whether a reverse charge may undo an EDR of this type.
    pub fn reversible(self) -> bool {
        REVERSIBLE.contains(&self)
    }
}

impl Category {
    pub fn takes_offset(self) -> bool {
        matches!(self, Category::Chargeable | Category::CrossBalanceDiscount)
    }
}

/// A balance type's code: 1–20 capitals, digits and underscores (kept in capitals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceCode(String);

impl BalanceCode {
    pub fn parse(input: &str) -> Result<BalanceCode, String> {
        let t = input.trim().to_ascii_uppercase();
        let ok = !t.is_empty()
            && t.len() <= 20
            && t.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if ok {
            Ok(BalanceCode(t))
        } else {
            Err("Enter a code of 1–20 letters, digits and underscores, such as DATA_MB.".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The code and name of the general cash balance every provider has.
pub const DEFAULT_CODE: &str = "GENERAL_CASH";
pub const DEFAULT_NAME: &str = "General cash";

/// A day as the UTC second it starts.
const DAY: i64 = 86_400;

/// A bucket's dates as stored: it counts from `starts_at` (the offset date's start) until
/// `expires_at` (the end of the expiry date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketDates {
    pub starts_at: Option<i64>,
    pub expires_at: Option<i64>,
}

impl BucketDates {
    /// Checks typed dates (day starts, from `parse_date`) against today: an expiry not in the
    /// past, an offset only for `category`s that take one, from today on and before the expiry.
    /// Errors are `(field, message)`.
    pub fn check(
        offset_day: Option<i64>,
        expiry_day: Option<i64>,
        category: Category,
        now: i64,
    ) -> Result<BucketDates, (&'static str, String)> {
        let today = now - now.rem_euclid(DAY);
        if let Some(e) = expiry_day {
            if e < today {
                return Err((
                    "expiry",
                    "The expiry date has passed; choose today or later.".into(),
                ));
            }
        }
        if let Some(o) = offset_day {
            if !category.takes_offset() {
                return Err((
                    "offset",
                    "Only chargeable and cross-balance-discount balances take an offset date."
                        .into(),
                ));
            }
            if o < today {
                return Err(("offset", "The offset date cannot be in the past.".into()));
            }
            if let Some(e) = expiry_day {
                if o > e {
                    return Err((
                        "offset",
                        "The offset date must not be after the expiry date.".into(),
                    ));
                }
            }
        }
        Ok(BucketDates {
            starts_at: offset_day,
            expires_at: expiry_day.map(|e| e + DAY),
        })
    }

    /// Whether a bucket with these dates counts at `now`.
    pub fn counts_at(self, now: i64) -> bool {
        self.starts_at.is_none_or(|s| s <= now) && self.expires_at.is_none_or(|e| now < e)
    }

    /// The expiry date as typed (the day before `expires_at`).
    pub fn expiry_day(self) -> Option<i64> {
        self.expires_at.map(|e| e - DAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000; // 2027-01-15 08:00 UTC
    const TODAY: i64 = NOW - NOW % DAY;

    #[test]
    fn codes() {
        assert_eq!(BalanceCode::parse(" data_mb ").unwrap().as_str(), "DATA_MB");
        assert!(BalanceCode::parse("").is_err());
        assert!(BalanceCode::parse("A-B").is_err());
        assert!(BalanceCode::parse(&"A".repeat(21)).is_err());
    }

    #[test]
    fn bucket_dates_follow_the_rules() {
        let c = Category::Chargeable;
        let d = BucketDates::check(Some(TODAY + DAY), Some(TODAY + 3 * DAY), c, NOW).unwrap();
        assert!(!d.counts_at(NOW));
        assert!(d.counts_at(TODAY + DAY));
        assert!(d.counts_at(TODAY + 4 * DAY - 1));
        assert!(!d.counts_at(TODAY + 4 * DAY));
        assert_eq!(d.expiry_day(), Some(TODAY + 3 * DAY));
        assert!(BucketDates::check(Some(TODAY + 4 * DAY), Some(TODAY + 3 * DAY), c, NOW).is_err());
        assert!(BucketDates::check(Some(TODAY - DAY), None, c, NOW).is_err());
        assert!(BucketDates::check(None, Some(TODAY - DAY), c, NOW).is_err());
        assert!(BucketDates::check(Some(TODAY), None, Category::Tracker, NOW).is_err());
        assert!(BucketDates::check(None, Some(TODAY), c, NOW)
            .unwrap()
            .counts_at(NOW));
    }
}
