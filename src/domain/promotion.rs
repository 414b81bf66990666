//! A tracker promotion's status for one wallet, as the promotions panel shows it.

use super::choices::choice;

choice!(
    /// Unset: the wallet has no tracker balance of the promotion yet; eligible: it may still
    /// reach the threshold; ineligible: rewarded already, or the promotion has ended.
    PromotionStatus, "Choose a promotion status from the list.", [
        Unset => "unset", "Unset";
        Eligible => "eligible", "Eligible";
        Ineligible => "ineligible", "Ineligible";
    ]
);
