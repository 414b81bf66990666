//! The audit trail as the service layer writes it: one typed event per change (what object, what
//! action, before and after, the reason). Only services build these; the stored spelling of each
//! kind and action is fixed here, so the audit log's filters and history pages can rely on it.

use crate::db::models::audit;
use crate::db::DbConnection;
use diesel::QueryResult;
use serde::Serialize;

crate::domain::choice!(
    /// The kinds of object the audit log records.
    ObjectKind, "Choose an object type from the list.", [
        Customer => "customer", "Customer";
        Site => "site", "Site";
        AccessLink => "access_link", "Access link";
        Operator => "operator", "Operator";
        Branding => "branding", "Branding profile";
        Package => "package", "Package";
        Subscriber => "subscriber", "Subscriber";
        Wallet => "wallet", "Wallet";
        RestrictedPartyList => "restricted_party_list", "Restricted-party list";
        Setting => "setting", "Setting";
        ServiceProvider => "service_provider", "Service provider";
        ProductType => "product_type", "Product type";
        Currency => "currency", "Currency";
        Language => "language", "Language";
        ClosedUserGroup => "closed_user_group", "Closed user group";
        ChargingDomain => "charging_domain", "Charging domain";
        CustomerPackages => "customer_packages", "Customer packages";
        DidRange => "did_range", "DID range";
        CpnSubstitution => "cpn_substitution", "CPN substitution";
        EmergencyLocation => "emergency_location", "Emergency response location";
        BalanceType => "balance_type", "Balance type";
        AdjustmentLimit => "adjustment_limit", "Adjustment limit";
        IpDevice => "ip_device", "IP device";
        SipDevice => "sip_device", "SIP device";
        DialingRoute => "dialing_route", "Dialing route";
        TranslationRule => "translation_rule", "Number translation rule";
        Route => "route", "Route";
        Payment => "payment", "Payment";
        CdrImport => "cdr_import", "CDR import";
        ExchangeRate => "exchange_rate", "Exchange rate";
        VoucherBatch => "voucher_batch", "Voucher batch";
        ApiToken => "api_token", "API token";
        Reservation => "reservation", "Reservation";
        CustomerAdmin => "customer_admin", "Customer administrator";
        CustomerUser => "customer_user", "Customer user";
        PbxSettings => "pbx_settings", "PBX settings";
        BillingChange => "billing_change", "Pending billing change";
        WelcomeMail => "welcome_mail", "Welcome mail";
        TransferDefinition => "transfer_definition", "Transfer definition";
        BplTask => "bpl_task", "BPL task";
        Promotion => "promotion", "Promotion";
        TopupRule => "topup_rule", "Top-up rule";
    ]
);

crate::domain::choice!(
    /// What was done to the object.
    Action, "Choose an action from the list.", [
        Create => "create", "Create";
        Update => "update", "Update";
        Delete => "delete", "Delete";
        Impersonate => "impersonate", "Switch to portal";
        Replace => "replace", "Replace";
        AddWallet => "add_wallet", "Add wallet";
        Blacklist => "blacklist", "Blacklist";
        Adjust => "adjust", "Adjust balance";
        AddBucket => "add_bucket", "Add bucket";
        EditBucket => "edit_bucket", "Change bucket";
        DeleteBucket => "delete_bucket", "Delete bucket";
        Merge => "merge", "Merge wallets";
        Activate => "activate", "Activate wallet";
        SetBonus => "set_bonus", "Set activation bonus";
        Reverse => "reverse", "Reverse charge";
        Recharge => "recharge", "Voucher recharge";
        Revoke => "revoke", "Revoke";
        Commit => "commit", "Commit";
        Expire => "expire", "Expire";
        Accept => "accept", "Accept";
        Decline => "decline", "Decline";
        Transfer => "transfer", "Credit transfer";
        ExecuteTask => "execute_task", "Execute BPL task";
        Award => "award", "Promotion reward";
        Topup => "topup", "Periodic top-up";
        RegisterCard => "register_card", "Register credit card";
        ConfirmCard => "confirm_card", "Confirm credit card";
        DeregisterCard => "deregister_card", "Deregister credit card";
        FreezeCard => "freeze_card", "Freeze credit card";
    ]
);

/// One change, ready to be written in the same transaction as the change itself.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub object: ObjectKind,
    pub object_id: i64,
    pub action: Action,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

impl AuditEvent {
    pub fn new(object: ObjectKind, object_id: i64, action: Action) -> AuditEvent {
        AuditEvent {
            object,
            object_id,
            action,
            before: None,
            after: None,
            reason: None,
        }
    }

    /// A new object, with its image after the insert.
    pub fn created<T: Serialize>(object: ObjectKind, object_id: i64, after: &T) -> AuditEvent {
        AuditEvent::new(object, object_id, Action::Create).after(after)
    }

    /// A changed object, with its images before and after.
    pub fn updated<B: Serialize, A: Serialize>(
        object: ObjectKind,
        object_id: i64,
        before: &B,
        after: &A,
    ) -> AuditEvent {
        AuditEvent::new(object, object_id, Action::Update)
            .before(before)
            .after(after)
    }

    /// A deleted object, with its last image.
    pub fn deleted<T: Serialize>(object: ObjectKind, object_id: i64, before: &T) -> AuditEvent {
        AuditEvent::new(object, object_id, Action::Delete).before(before)
    }

    pub fn before<T: Serialize>(mut self, row: &T) -> AuditEvent {
        self.before = audit::image(row);
        self
    }

    pub fn after<T: Serialize>(mut self, row: &T) -> AuditEvent {
        self.after = audit::image(row);
        self
    }

    /// A hand-made image (counts, a summary) instead of a row's.
    pub fn before_value(mut self, v: serde_json::Value) -> AuditEvent {
        self.before = Some(v);
        self
    }

    pub fn after_value(mut self, v: serde_json::Value) -> AuditEvent {
        self.after = Some(v);
        self
    }

    pub fn reason(mut self, reason: Option<impl Into<String>>) -> AuditEvent {
        self.reason = reason.map(Into::into);
        self
    }

    /// Writes the event as `actor` (an operator's name, or `customer:…` in the portal).
    pub fn write(self, conn: &mut DbConnection, actor: &str) -> QueryResult<()> {
        audit::record(
            conn,
            audit::Change {
                actor,
                action: self.action.code(),
                object_type: self.object.code(),
                object_id: self.object_id,
                before: self.before,
                after: self.after,
                reason: self.reason.as_deref(),
            },
        )
    }
}

/// The newest entries about one object, for its page's history.
pub fn history(
    conn: &mut DbConnection,
    object: ObjectKind,
    object_id: i64,
    limit: i64,
) -> QueryResult<Vec<audit::AuditEntry>> {
    audit::history_of(conn, object.code(), object_id, "", &[], limit)
}
