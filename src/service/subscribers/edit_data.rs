//! What the subscriber edit screen shows, read in one trip to the database: the subscriber, its
//! profile panels, its wallets with their customers, the lists the form chooses from and its
//! history. The save reads the same to check a posted form against.

use super::form::id_options;
use crate::db::models::audit::{self, AuditEntry};
use crate::db::models::ref_data::{self, Currency, RefKind};
use crate::db::models::settings;
use crate::db::models::subscriber::Subscriber;
use crate::db::models::subscriber_profile::{self, Profile};
use crate::db::models::wallet::{self, HeldWallet, WalletCustomer};
use crate::db::models::SubscriberId;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::service::access::{providers_for, subscriber_visible, Scope};
use crate::service::audit::ObjectKind;

/// Everything the screen needs about one subscriber.
pub struct EditData {
    pub subscriber: Subscriber,
    pub provider: String,
    pub profile: Profile,
    pub wallets: Vec<(HeldWallet, Option<WalletCustomer>)>,
    pub languages: Vec<(String, String)>,
    pub product_types: Vec<(String, String)>,
    pub currencies: Vec<Currency>,
    pub currency_options: Vec<(String, String)>,
    pub domains: Vec<(i64, String)>,
    pub cugs: Vec<(i64, String)>,
    pub audit_on: bool,
    /// Each wallet's balances, in the order of `wallets`.
    pub money: Vec<crate::service::money::panel::WalletMoney>,
    /// The Promotions, Credit cards and Top-up rules panels.
    pub promo: super::promo_panels::PromoPanels,
    pub history: Vec<AuditEntry>,
    /// The Credit transfers and BPL tasks panels' definitions and tasks.
    pub movements: crate::service::transfers::panel::Movements,
}

/// History entries shown at most.
const HISTORY: i64 = 200;

/// Loads the screen of subscriber `id` as `operator` sees it (their adjustment limits), if the operator's `scope` lets them see it (else 404).
#[tracing::instrument(skip(conn))]
pub fn edit_data(
    conn: &mut DbConnection,
    scope: Scope,
    operator: i64,
    id: SubscriberId,
) -> AppResult<EditData> {
    let subscriber = subscriber_visible(conn, scope, id.0)?;
    let provider = providers_for(conn, None)?
        .into_iter()
        .find(|(sp, _)| *sp == subscriber.service_provider_id.to_string())
        .map(|(_, name)| name)
        .unwrap_or_default();
    let profile = subscriber_profile::load(conn, id.0)?;
    let mut wallets = Vec::new();
    for held in wallet::held_by(conn, id.0)? {
        let customer = match held.wallet.customer_id {
            Some(c) => wallet::customer_by_id(conn, c)?,
            None => None,
        };
        wallets.push((held, customer));
    }
    let wallet_ids: Vec<i64> = wallets.iter().map(|(h, _)| h.wallet.id).collect();
    let currencies = ref_data::all_currencies(conn)?;
    let money = crate::service::money::panel::wallets_money(conn, operator, &wallets, &currencies)?;
    let plain: Vec<wallet::Wallet> = wallets.iter().map(|(h, _)| h.wallet.clone()).collect();
    let promo = super::promo_panels::load(conn, id.0, &plain)?;
    Ok(EditData {
        provider,
        profile,
        languages: id_options(ref_data::options(conn, RefKind::Languages)?),
        product_types: id_options(ref_data::options(conn, RefKind::ProductTypes)?),
        currency_options: currency_options(&currencies),
        currencies,
        domains: ref_data::options(conn, RefKind::ChargingDomains)?,
        cugs: ref_data::options(conn, RefKind::ClosedUserGroups)?,
        audit_on: settings::audit_financial_changes(conn)?,
        money,
        promo,
        history: audit::history_of(
            conn,
            ObjectKind::Subscriber.code(),
            id.0,
            ObjectKind::Wallet.code(),
            &wallet_ids,
            HISTORY,
        )?,
        movements: crate::service::transfers::panel::movements(
            conn,
            subscriber.service_provider_id,
        )?,
        wallets,
        subscriber,
    })
}

/// Currencies as select options: `(id, "EUR — Euro")`.
pub fn currency_options(currencies: &[Currency]) -> Vec<(String, String)> {
    currencies
        .iter()
        .map(|c| (c.id.to_string(), format!("{} — {}", c.code, c.name)))
        .collect()
}
