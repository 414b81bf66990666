//! A credit transfer from the edit screen: the screen's subscriber (the purchaser) pays the
//! definition's cost from a cash balance of one of its wallets, and the recipient (another
//! subscriber of the provider by CLI, or the purchaser itself) gets what the definition gives.
//! Everything that needs no lock is checked first (`prepare`: recipient, wallets, product type,
//! PIN, reason); then one write transaction holds both wallets' rows in id order, checks again,
//! debits, credits, writes an EDR on each side and the audit events (`within`). A refusal
//! anywhere changes nothing on either side.

use super::movement;
use super::{refuse, Executed, Fail, Refusal};
use crate::auth::CurrentOperator;
use crate::db::models::balance::{self, BalanceType};
use crate::db::models::settings;
use crate::db::models::subscriber::{self, Subscriber};
use crate::db::models::transfer::{self, Definition};
use crate::db::models::wallet::{self, Wallet};
use crate::db::models::{SubscriberId, WalletId};
use crate::db::{write_transaction, DbConnection};
use crate::domain::balance::EdrType;
use crate::domain::subscriber::{ChangeReason, WalletType};
use crate::domain::transfer::TransferKind;
use crate::domain::Amount;
use crate::error::{AppError, AppResult};
use crate::service::access::subscriber_visible;
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use crate::service::money::changes::stale_message;
use crate::service::money::ledger::{self, By};
use crate::state::{blocking, with_conn, AppState};

/// The Credit transfers panel's fields as posted (part of the edit form).
#[derive(Debug, Clone, Default)]
pub struct TransferForm {
    /// `transfer_recipient_cli`: blank means the purchaser itself.
    pub recipient_cli: String,
    /// `transfer_purchaser_wallet_type` / `transfer_recipient_wallet_type`: blank = primary.
    pub purchaser_wallet_type: String,
    pub recipient_wallet_type: String,
    /// `transfer_pin`: the purchaser's PIN, when the definition asks for it.
    pub pin: String,
    /// `transfer_change_reason`.
    pub change_reason: String,
    /// The screen's wallet versions (`primary_version`, `secondary_version`); blank: not checked.
    pub primary_version: String,
    pub secondary_version: String,
}

/// A transfer checked as far as it can be without holding the wallets.
#[derive(Debug, Clone)]
pub struct Prepared {
    definition: Definition,
    purchaser: Subscriber,
    purchaser_wallet: Wallet,
    recipient: Subscriber,
    recipient_wallet: Wallet,
    reason: Option<String>,
    /// (wallet id, version the screen showed) of this screen's wallets the transfer touches.
    versions: Vec<(i64, String)>,
}

/// "Execute only": the transfer of definition `definition` by subscriber `purchaser`.
#[tracing::instrument(skip(state, by, form), fields(operator = %by.username))]
pub async fn execute(
    state: &AppState,
    by: &CurrentOperator,
    purchaser: SubscriberId,
    definition: i64,
    form: TransferForm,
) -> AppResult<Executed> {
    let p = match prepare(state, by, purchaser, definition, &form).await? {
        Ok(p) => p,
        Err(r) => return Ok(Executed::Refused(r)),
    };
    let who = by.clone();
    with_conn(state, move |conn| {
        let result = write_transaction(conn, |conn| {
            lock(conn, &p)?;
            check_versions(conn, &p.versions)?;
            within(conn, &who, &p)
        });
        match result {
            Ok(done) => Ok(Executed::Done(done)),
            Err(Fail::Refused(r)) => Ok(Executed::Refused(r)),
            Err(Fail::App(e)) => Err(e),
        }
    })
    .await
}

/// Holds both wallets' rows, in id order (so two transfers between the same wallets in
/// opposite directions cannot deadlock); returns their ids. Holding a row twice is harmless.
pub fn lock(conn: &mut DbConnection, p: &Prepared) -> Result<Vec<i64>, Fail> {
    let mut ids = vec![p.purchaser_wallet.id, p.recipient_wallet.id];
    ids.sort_unstable();
    ids.dedup();
    for id in &ids {
        if !balance::lock_wallet(conn, WalletId(*id))? {
            return Err(Fail::App(AppError::NotFound));
        }
    }
    Ok(ids)
}

/// Refuses when one of the screen's wallets changed after the screen was shown.
pub fn check_versions(conn: &mut DbConnection, versions: &[(i64, String)]) -> Result<(), Fail> {
    for (wallet_id, posted) in versions {
        if let Some(m) = stale_message(conn, *wallet_id, posted)? {
            return refuse("transfer", m);
        }
    }
    Ok(())
}

impl Prepared {
    /// The screen's wallet versions to check before a Save & execute moves them on.
    pub fn versions(&self) -> &[(i64, String)] {
        &self.versions
    }
}

/// Everything that needs no lock: the definition (404 when it is not the purchaser's
/// provider's), the recipient, both wallets, the recipient's product type, the reason and the
/// PIN (checked off the async workers).
pub async fn prepare(
    state: &AppState,
    by: &CurrentOperator,
    purchaser: SubscriberId,
    definition: i64,
    form: &TransferForm,
) -> AppResult<Result<Prepared, Refusal>> {
    let scope = by.service_provider_id;
    let f = form.clone();
    let read = with_conn(state, move |conn| {
        read(conn, scope, purchaser, definition, &f)
    })
    .await?;
    let p = match read {
        Ok(p) => p,
        Err(r) => return Ok(Err(r)),
    };
    if p.definition.row.pin_required {
        let Some(hash) = p.purchaser.pin_hash.clone() else {
            return Ok(Err(Refusal::new(
                "transfer_pin",
                "This transfer needs the purchaser's PIN, and the purchaser has none set.",
            )));
        };
        let pin = form.pin.trim().to_string();
        if pin.is_empty() {
            return Ok(Err(Refusal::new(
                "transfer_pin",
                "Enter the purchaser's PIN: this transfer needs it.",
            )));
        }
        let ok = blocking(move || Ok(crate::auth::password::verify(&pin, &hash))).await?;
        if !ok {
            return Ok(Err(Refusal::new(
                "transfer_pin",
                "This is not the purchaser's PIN; nothing was changed.",
            )));
        }
    }
    Ok(Ok(p))
}

fn wallet_type(typed: &str) -> Result<WalletType, String> {
    if typed.trim().is_empty() {
        Ok(WalletType::Primary)
    } else {
        WalletType::parse(typed)
    }
}

/// The subscriber's wallet of this type, if it has one.
fn wallet_of(conn: &mut DbConnection, subscriber: i64, t: WalletType) -> AppResult<Option<Wallet>> {
    Ok(wallet::held_by(conn, subscriber)?
        .into_iter()
        .find(|h| h.wallet_type == t)
        .map(|h| h.wallet))
}

fn read(
    conn: &mut DbConnection,
    scope: Option<i64>,
    purchaser: SubscriberId,
    definition: i64,
    form: &TransferForm,
) -> AppResult<Result<Prepared, Refusal>> {
    let purchaser = subscriber_visible(conn, scope, purchaser.0)?;
    let definition = transfer::find(conn, definition)?
        .filter(|d| d.row.service_provider_id == purchaser.service_provider_id)
        .ok_or(AppError::NotFound)?;
    let no = |field: &'static str, m: &str| Ok(Err(Refusal::new(field, m)));
    let (pt, rt) = match (
        wallet_type(&form.purchaser_wallet_type),
        wallet_type(&form.recipient_wallet_type),
    ) {
        (Ok(p), Ok(r)) => (p, r),
        (Err(m), _) => return no("transfer_purchaser_wallet_type", &m),
        (_, Err(m)) => return no("transfer_recipient_wallet_type", &m),
    };
    let Some(purchaser_wallet) = wallet_of(conn, purchaser.id, pt)? else {
        return no(
            "transfer_purchaser_wallet_type",
            "This subscriber has no wallet of this type.",
        );
    };
    let cli = form.recipient_cli.trim();
    let recipient = if cli.is_empty() || cli == purchaser.cli {
        purchaser.clone()
    } else {
        match subscriber::find_by_cli(conn, purchaser.service_provider_id, cli)? {
            Some(s) => s,
            None => {
                return no(
                    "transfer_recipient_cli",
                    "No subscriber of this service provider has this subscriber ID (CLI).",
                )
            }
        }
    };
    let Some(recipient_wallet) = wallet_of(conn, recipient.id, rt)? else {
        return no(
            "transfer_recipient_wallet_type",
            "The recipient has no wallet of this type.",
        );
    };
    if let Err(m) = allowed(&definition, &recipient_wallet) {
        return no("transfer_recipient_cli", &m);
    }
    let audit_on = settings::audit_financial_changes(conn)?;
    let reason = if audit_on || !form.change_reason.trim().is_empty() {
        match ChangeReason::parse(&form.change_reason) {
            Ok(r) => Some(r.into_inner()),
            Err(m) => return no("transfer_change_reason", &m),
        }
    } else {
        None
    };
    // The screen shows the versions of this subscriber's own wallets only.
    let mut versions = Vec::new();
    for (t, posted) in [
        (WalletType::Primary, &form.primary_version),
        (WalletType::Secondary, &form.secondary_version),
    ] {
        if let Some(w) = wallet_of(conn, purchaser.id, t)? {
            if w.id == purchaser_wallet.id || w.id == recipient_wallet.id {
                versions.push((w.id, posted.clone()));
            }
        }
    }
    Ok(Ok(Prepared {
        definition,
        purchaser,
        purchaser_wallet,
        recipient,
        recipient_wallet,
        reason,
        versions,
    }))
}

/// Whether the recipient's wallet has one of the product types the definition allows.
fn allowed(d: &Definition, w: &Wallet) -> Result<(), String> {
    if d.allowed_product_types.is_empty() || d.allowed_product_types.contains(&w.product_type_id) {
        Ok(())
    } else {
        Err(format!(
            "The recipient's wallet {} has a product type this transfer is not for; nothing \
             was changed.",
            w.wallet_ref
        ))
    }
}

fn balance_type(conn: &mut DbConnection, id: i64) -> Result<BalanceType, Fail> {
    match balance::find_type(conn, id)? {
        Some(bt) => Ok(bt),
        None => Err(Fail::App(AppError::NotFound)),
    }
}

/// The transfer inside the caller's write transaction: both wallets held in id order, checked
/// again as they are now, the cost debited, the recipient credited, an EDR on each side, the
/// audit events. Returns what happened, in words.
pub fn within(conn: &mut DbConnection, by: &CurrentOperator, p: &Prepared) -> Result<String, Fail> {
    let ids = lock(conn, p)?;
    let fresh = |conn: &mut DbConnection, id: i64| -> Result<Wallet, Fail> {
        wallet::find(conn, WalletId(id))?.ok_or(Fail::App(AppError::NotFound))
    };
    let purchaser_wallet = fresh(conn, p.purchaser_wallet.id)?;
    let recipient_wallet = fresh(conn, p.recipient_wallet.id)?;
    if let Err(m) = allowed(&p.definition, &recipient_wallet) {
        return refuse("transfer_recipient_cli", m);
    }
    let d = &p.definition.row;
    let now = crate::db::now();
    let who = By {
        operator_name: &by.username,
        reason: p.reason.as_deref(),
    };

    // The purchaser pays.
    let cost_type = balance_type(conn, d.cost_balance_type_id)?;
    let before = ledger::snapshot(conn, purchaser_wallet.id, now)?;
    if let Err(m) = movement::charge(conn, &purchaser_wallet, &cost_type, d.cost, now)? {
        return refuse("transfer", m);
    }
    let after = ledger::snapshot(conn, purchaser_wallet.id, now)?;
    let paid_edr = ledger::write_edr(
        conn,
        &purchaser_wallet,
        EdrType::Transfer,
        Some(p.purchaser.id),
        &who,
        now,
        &ledger::parts(&before, &after),
    )?;

    // The recipient gets.
    let before = ledger::snapshot(conn, recipient_wallet.id, now)?;
    let mut got = Vec::new();
    for g in &p.definition.gives {
        let bt = balance_type(conn, g.balance_type_id)?;
        let credited = match movement::credit(conn, &recipient_wallet, &bt, g.value, now)? {
            Ok(c) => c,
            Err(m) => return refuse("transfer", m),
        };
        movement::extend_buckets(
            conn,
            &recipient_wallet,
            bt.id,
            g.bucket_expiry_extension_days,
        )?;
        got.push(serde_json::json!({
            "balance_type": bt.code,
            "value": g.value,
            "credited": credited,
            "bucket_expiry_extension_days": g.bucket_expiry_extension_days,
        }));
    }
    let expiry =
        movement::extend_wallet(conn, &recipient_wallet, d.wallet_expiry_extension_days, now)?;
    if let Some(to) = d.swap_product_type_id {
        if !movement::swap_product(conn, &recipient_wallet, to, &by.actor())? {
            return Err(Fail::App(AppError::Conflict(
                "The recipient's wallet changed meanwhile; nothing was changed.".into(),
            )));
        }
    }
    let after = ledger::snapshot(conn, recipient_wallet.id, now)?;
    let got_edr = ledger::write_edr(
        conn,
        &recipient_wallet,
        EdrType::Transfer,
        Some(p.recipient.id),
        &who,
        now,
        &ledger::parts(&before, &after),
    )?;

    let image = serde_json::json!({
        "definition": d.name,
        "kind": d.kind.code(),
        "cost_balance_type": cost_type.code,
        "cost": d.cost,
        "purchaser_wallet": purchaser_wallet.wallet_ref,
        "recipient_wallet": recipient_wallet.wallet_ref,
        "recipient_gets": got,
        "wallet_expires_at": expiry,
        "product_type_id": d.swap_product_type_id,
        "purchaser_edr_id": paid_edr,
        "recipient_edr_id": got_edr,
    });
    AuditEvent::new(ObjectKind::Wallet, purchaser_wallet.id, Action::Transfer)
        .after_value(image.clone())
        .reason(p.reason.clone())
        .write(conn, &by.actor())?;
    if recipient_wallet.id != purchaser_wallet.id {
        AuditEvent::new(ObjectKind::Wallet, recipient_wallet.id, Action::Transfer)
            .after_value(image)
            .reason(p.reason.clone())
            .write(conn, &by.actor())?;
    }
    // What the recipient got may take a tracker balance to a promotion's threshold.
    crate::service::money::promotions::award_due(
        conn,
        &recipient_wallet,
        Some(p.recipient.id),
        &crate::service::money::promotions::Who {
            operator_name: Some(&by.username),
            actor: &by.actor(),
        },
        now,
    )?;
    for id in &ids {
        wallet::bump_version(conn, *id)?;
    }
    let decimals = ledger::decimals(conn, purchaser_wallet.currency_id)?;
    let kind = match d.kind {
        TransferKind::PeerToPeer => "Peer-to-peer transfer",
        TransferKind::ServiceBundle => "Service bundle",
    };
    Ok(format!(
        "{kind} {} done: {} {} paid from wallet {}, wallet {} of {} credited.",
        d.name,
        Amount::from_minor(d.cost).show(cost_type.unit, decimals),
        cost_type.code,
        purchaser_wallet.wallet_ref,
        recipient_wallet.wallet_ref,
        p.recipient.cli
    ))
}
