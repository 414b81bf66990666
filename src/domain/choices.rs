//! Closed sets of values: each parses from its form/database spelling and shows a label.

macro_rules! choice {
    ($(#[$doc:meta])* $name:ident, $msg:expr, [$($variant:ident => $code:expr, $label:expr;)+]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn parse(input: &str) -> Result<Self, String> {
                match input.trim() {
                    $($code => Ok($name::$variant),)+
                    _ => Err($msg.to_string()),
                }
            }
            /// The spelling stored in the database and posted by forms.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

/// Other domain modules declare their closed sets with the same macro.
pub(crate) use choice;

choice!(
    /// LIVE customers are billed; DEMO ones are for trials (a one-way conversion).
    CustomerType, "Choose LIVE or DEMO.", [
        Live => "LIVE", "Live";
        Demo => "DEMO", "Demo";
    ]
);
choice!(BillingType, "Choose PREPAID or POSTPAID.", [
    Prepaid => "PREPAID", "Prepaid";
    Postpaid => "POSTPAID", "Postpaid";
]);
choice!(TaxFlag, "Choose NONE, VAT or TAX.", [
    None => "NONE", "None";
    Vat => "VAT", "VAT";
    Tax => "TAX", "Tax";
]);
choice!(CustomerStatus, "Choose a status from the list.", [
    PendingReview => "pending_review", "Pending review";
    Active => "active", "Active";
    Suspended => "suspended", "Suspended";
    Blocked => "blocked", "Blocked";
    Closed => "closed", "Closed";
    ReviewFailed => "review_failed", "Review failed";
]);
choice!(LinkType, "Choose a link type from the list.", [
    Fiber => "FIBER", "Fiber";
    Dsl => "DSL", "DSL";
    Lte => "LTE", "LTE";
    Mpls => "MPLS", "MPLS";
    Internet => "INTERNET", "Internet";
    Other => "OTHER", "Other";
]);
choice!(LinkStatus, "Choose ACTIVE or INACTIVE.", [
    Active => "ACTIVE", "Active";
    Inactive => "INACTIVE", "Inactive";
]);
choice!(
    /// What an operator may do: admin everything, operator data, viewer read/export only,
    /// compliance the review queue (and read).
    Role, "Choose admin, operator, viewer or compliance.", [
        Admin => "admin", "Administrator";
        Operator => "operator", "Operator";
        Viewer => "viewer", "Viewer";
        Compliance => "compliance", "Compliance reviewer";
    ]
);

impl Role {
    /// Whether this role may create, change or delete customer data.
    pub fn can_edit(self) -> bool {
        matches!(self, Role::Admin | Role::Operator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for t in LinkType::ALL {
            assert_eq!(LinkType::parse(t.code()), Ok(*t));
        }
        for s in CustomerStatus::ALL {
            assert_eq!(CustomerStatus::parse(s.code()), Ok(*s));
        }
        assert!(CustomerType::parse("live").is_err());
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn only_admin_and_operator_edit() {
        assert!(Role::Admin.can_edit());
        assert!(Role::Operator.can_edit());
        assert!(!Role::Viewer.can_edit());
        assert!(!Role::Compliance.can_edit());
    }
}
