//! What the edit screen's Credit transfers and BPL tasks panels show (both inside the edit form,
//! so their "Save & execute" buttons post the screen's edits with them): one row per transfer
//! definition and per task, each with its "Execute only" and "Save & execute" buttons, and the
//! inputs they share.

use crate::db::models::bpl_task::Task;
use crate::db::models::transfer::Definition;
use crate::domain::subscriber::{WalletState, WalletType};
use crate::domain::transfer::{BplAction, ParamKind};
use crate::domain::{Amount, Unit};
use crate::service::money::balance_types::CASH_DECIMALS;
use crate::service::subscribers::EditData;
use crate::service::transfers::panel::Movements;

pub struct DefinitionView {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub cost: String,
    pub gives: String,
    pub allowed: String,
    pub pin_required: bool,
}

pub struct TransferPanel {
    pub definitions: Vec<DefinitionView>,
    /// This subscriber's wallet types (the purchaser's choice), and every type (the recipient's).
    pub own_wallet_types: Vec<(String, String)>,
    pub all_wallet_types: Vec<(String, String)>,
    pub two_wallets: bool,
    pub needs_pin: bool,
}

pub struct ParamView {
    pub field: String,
    pub label: String,
    pub is_date: bool,
    pub choices: Vec<(String, String)>,
    pub is_choice: bool,
}

pub struct TaskView {
    pub id: i64,
    pub name: String,
    pub action: String,
    pub charge: String,
    pub params: Vec<ParamView>,
}

pub struct BplPanel {
    pub tasks: Vec<TaskView>,
    pub own_wallet_types: Vec<(String, String)>,
    pub two_wallets: bool,
}

fn type_name(m: &Movements, id: i64) -> (String, Unit) {
    m.balance_types
        .iter()
        .find(|t| t.id == id)
        .map(|t| (t.code.clone(), t.unit))
        .unwrap_or_else(|| (format!("#{id}"), Unit::Units))
}

fn product_name(m: &Movements, id: i64) -> String {
    m.product_types
        .iter()
        .find(|(p, _)| *p == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_else(|| format!("#{id}"))
}

fn show(m: &Movements, type_id: i64, value: i64) -> String {
    let (code, unit) = type_name(m, type_id);
    format!(
        "{} {code}",
        Amount::from_minor(value).show(unit, CASH_DECIMALS)
    )
}

/// What a definition gives, in words.
pub fn gives_text(m: &Movements, d: &Definition) -> String {
    let mut parts: Vec<String> = d
        .gives
        .iter()
        .map(|g| {
            let mut s = Vec::new();
            if g.value > 0 {
                s.push(show(m, g.balance_type_id, g.value));
            }
            if g.bucket_expiry_extension_days > 0 {
                s.push(format!(
                    "{} buckets +{} days",
                    type_name(m, g.balance_type_id).0,
                    g.bucket_expiry_extension_days
                ));
            }
            s.join(", ")
        })
        .collect();
    if d.row.wallet_expiry_extension_days > 0 {
        parts.push(format!(
            "wallet expiry +{} days",
            d.row.wallet_expiry_extension_days
        ));
    }
    if let Some(p) = d.row.swap_product_type_id {
        parts.push(format!("product type → {}", product_name(m, p)));
    }
    parts.join("; ")
}

/// The product types a definition allows, in words.
pub fn allowed_text(m: &Movements, d: &Definition) -> String {
    if d.allowed_product_types.is_empty() {
        "any".to_string()
    } else {
        d.allowed_product_types
            .iter()
            .map(|p| product_name(m, *p))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn own_types(d: &EditData) -> Vec<(String, String)> {
    d.wallets
        .iter()
        .map(|(h, _)| {
            (
                h.wallet_type.code().to_string(),
                format!("{} ({})", h.wallet_type.label(), h.wallet.wallet_ref),
            )
        })
        .collect()
}

pub fn transfers(d: &EditData) -> TransferPanel {
    let m = &d.movements;
    TransferPanel {
        definitions: m
            .definitions
            .iter()
            .map(|x| DefinitionView {
                id: x.row.id,
                name: x.row.name.clone(),
                kind: x.row.kind.label(),
                cost: show(m, x.row.cost_balance_type_id, x.row.cost),
                gives: gives_text(m, x),
                allowed: allowed_text(m, x),
                pin_required: x.row.pin_required,
            })
            .collect(),
        own_wallet_types: own_types(d),
        all_wallet_types: WalletType::ALL
            .iter()
            .map(|t| (t.code().to_string(), t.label().to_string()))
            .collect(),
        two_wallets: d.wallets.len() > 1,
        needs_pin: m.definitions.iter().any(|x| x.row.pin_required),
    }
}

/// A task's action with its fixed setting, in words.
fn action_text(m: &Movements, t: &Task) -> String {
    let r = &t.row;
    match r.action {
        BplAction::AdjustBalance => match r.balance_type_id {
            Some(bt) if r.amount != 0 => format!("Adjust {}", show(m, bt, r.amount)),
            Some(bt) => format!("Adjust {} (amount asked)", type_name(m, bt).0),
            None => BplAction::AdjustBalance.label().to_string(),
        },
        BplAction::SwapProductType => format!(
            "Swap the product type to {}",
            r.product_type_id
                .map(|p| product_name(m, p))
                .unwrap_or_default()
        ),
        BplAction::SetWalletState => format!(
            "Set the wallet state to {}",
            r.state().map(WalletState::label).unwrap_or("?")
        ),
        BplAction::ExtendWalletExpiry if r.extension_days > 0 => {
            format!("Extend the wallet expiry by {} days", r.extension_days)
        }
        BplAction::ExtendWalletExpiry => "Extend the wallet expiry (days asked)".to_string(),
    }
}

pub fn bpl(d: &EditData) -> BplPanel {
    let m = &d.movements;
    BplPanel {
        tasks: m
            .tasks
            .iter()
            .map(|t| TaskView {
                id: t.row.id,
                name: t.row.name.clone(),
                action: action_text(m, t),
                charge: match t.row.charge_balance_type_id {
                    Some(bt) if t.row.charge > 0 => show(m, bt, t.row.charge),
                    _ => "none".to_string(),
                },
                params: t
                    .params
                    .iter()
                    .map(|p| ParamView {
                        field: format!("bpl_param_{}", p.id),
                        label: format!(
                            "{} ({}{})",
                            p.name,
                            p.kind.label(),
                            if p.mandatory { ", mandatory" } else { "" }
                        ),
                        is_date: p.kind == ParamKind::Date,
                        choices: p
                            .choice_list()
                            .into_iter()
                            .map(|c| (c.clone(), c))
                            .collect(),
                        is_choice: p.kind == ParamKind::Choice,
                    })
                    .collect(),
            })
            .collect(),
        own_wallet_types: own_types(d),
        two_wallets: d.wallets.len() > 1,
    }
}
