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

        /// Read from a text column (`#[diesel(deserialize_as = String)]` on a row field): a
        /// spelling the code does not know is a load error, never a silent default.
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                match s.as_str() {
                    $($code => Ok($name::$variant),)+
                    _ => Err(format!("unknown {} {:?} in the database", stringify!($name), s)),
                }
            }
        }

        /// Written to a text column (`#[diesel(serialize_as = String)]` on an insert/update field).
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.code().to_string()
            }
        }

        /// Audit images and stored export specs keep the database spelling.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::try_from(s).map_err(serde::de::Error::custom)
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

impl CustomerStatus {
    /// The statuses an operator sets by hand; the others belong to the compliance review.
    pub const OPERATOR_SETTABLE: &'static [CustomerStatus] = &[
        CustomerStatus::Active,
        CustomerStatus::Suspended,
        CustomerStatus::Blocked,
        CustomerStatus::Closed,
    ];

    pub fn operator_may_set(self) -> bool {
        Self::OPERATOR_SETTABLE.contains(&self)
    }

    /// Why a customer in this status cannot sign in to its portal, in plain words
    /// (`None`: it can).
    pub fn sign_in_refusal(self) -> Option<&'static str> {
        match self {
            CustomerStatus::Active => None,
            CustomerStatus::PendingReview => Some(
                "This account is waiting for a compliance review. You can sign in as soon as it \
                 has been approved; your service provider can tell you more.",
            ),
            CustomerStatus::ReviewFailed => Some(
                "This account did not pass the compliance review and cannot be used. Please \
                 contact your service provider.",
            ),
            CustomerStatus::Suspended => Some(
                "This account is suspended, so signing in is not possible for now. Please contact \
                 your service provider to have it reopened.",
            ),
            CustomerStatus::Blocked => Some(
                "This account is blocked, so signing in is not possible. Please contact your \
                 service provider.",
            ),
            CustomerStatus::Closed => Some(
                "This account is closed and can no longer be signed in to. Please contact your \
                 service provider if this is a mistake.",
            ),
        }
    }
}

/// Why a customer's administrators cannot use its portal (`None`: they can). A demo customer's
/// portal is closed for good; otherwise the status decides. (Unknown stored values never get
/// here: they fail to load.)
pub fn portal_refusal(customer_type: CustomerType, status: CustomerStatus) -> Option<&'static str> {
    if customer_type != CustomerType::Live {
        return Some(
            "This is a demo account: signing in to its portal is switched off. Please contact \
             your service provider.",
        );
    }
    status.sign_in_refusal()
}

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
    fn database_spellings_round_trip_and_unknown_ones_fail() {
        for s in CustomerStatus::ALL {
            let stored: String = (*s).into();
            assert_eq!(CustomerStatus::try_from(stored), Ok(*s));
        }
        assert!(LinkType::try_from("fiber".to_string()).is_err());
        assert_eq!(
            serde_json::to_string(&LinkType::Fiber).ok().as_deref(),
            Some("\"FIBER\"")
        );
        assert_eq!(
            serde_json::from_str::<CustomerStatus>("\"review_failed\"").ok(),
            Some(CustomerStatus::ReviewFailed)
        );
    }

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
    fn only_live_active_customers_may_sign_in() {
        use CustomerStatus as S;
        use CustomerType::{Demo, Live};
        assert_eq!(portal_refusal(Live, S::Active), None);
        assert!(portal_refusal(Demo, S::Active).unwrap().contains("demo"));
        assert!(portal_refusal(Live, S::Suspended)
            .unwrap()
            .contains("suspended"));
        assert!(portal_refusal(Live, S::Blocked)
            .unwrap()
            .contains("blocked"));
        assert!(portal_refusal(Live, S::Closed).unwrap().contains("closed"));
        assert!(portal_refusal(Live, S::PendingReview)
            .unwrap()
            .contains("review"));
        assert!(portal_refusal(Live, S::ReviewFailed).is_some());
        // An unknown stored status cannot reach the check: it fails to load.
        assert!(S::try_from("bogus".to_string()).is_err());
    }

    #[test]
    fn operators_set_only_the_lifecycle_statuses() {
        assert!(CustomerStatus::Suspended.operator_may_set());
        assert!(CustomerStatus::Active.operator_may_set());
        assert!(!CustomerStatus::PendingReview.operator_may_set());
        assert!(!CustomerStatus::ReviewFailed.operator_may_set());
    }

    #[test]
    fn only_admin_and_operator_edit() {
        assert!(Role::Admin.can_edit());
        assert!(Role::Operator.can_edit());
        assert!(!Role::Viewer.can_edit());
        assert!(!Role::Compliance.can_edit());
    }
}
