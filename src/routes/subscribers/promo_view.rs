//! What the edit screen's Promotions, Credit cards and Top-up rules panels show (template
//! `subscribers/promo_panels.html`, included by the edit screen), built from `EditData.promo`.

use crate::domain::card::CardState;
use crate::domain::{Amount, FormState, Unit, Zone};
use crate::service::money::balance_types::CASH_DECIMALS;
use crate::service::subscribers::EditData;

/// One promotion of one wallet.
pub struct PromotionRow {
    pub wallet_ref: String,
    pub promotion_id: i64,
    pub name: String,
    /// `unset` / `eligible` / `ineligible` and its label.
    pub status: &'static str,
    pub status_label: &'static str,
    pub expiry: String,
    pub tracker: String,
    /// The tracker's total (integer, minor units / seconds / units; empty when unset).
    pub tracker_value: String,
    pub tracker_shown: String,
    pub tracker_expiry: String,
    pub threshold: String,
    pub reward: String,
    pub liability: String,
    pub max_liability: String,
}

/// One card.
pub struct CardRow {
    pub id: i64,
    pub last_four: String,
    pub expiry: String,
    pub holder: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub can_confirm: bool,
    pub can_freeze: bool,
    pub can_deregister: bool,
    /// The refused action form of this card (its reason and message), else blank.
    pub form: FormState,
}

/// One top-up rule that reaches the subscriber.
pub struct TopupRow {
    pub id: i64,
    pub name: String,
    pub balance_type: String,
    pub amount: String,
    pub period: &'static str,
    pub applies_to: String,
    pub last_run: String,
    pub last_credited: String,
}

pub struct PromoView {
    pub promotions: Vec<PromotionRow>,
    pub cards: Vec<CardRow>,
    /// How many cards count towards the limit, and the limit.
    pub cards_held: usize,
    pub card_limit: i64,
    pub can_register: bool,
    /// The register form (a refused one with its messages; never the number typed).
    pub card_form: FormState,
    pub topups: Vec<TopupRow>,
}

fn show(v: i64, unit: Unit) -> String {
    Amount::from_minor(v).show(unit, CASH_DECIMALS)
}

fn wallet_ref(d: &EditData, wallet_id: i64) -> String {
    d.wallets
        .iter()
        .find(|(h, _)| h.wallet.id == wallet_id)
        .map(|(h, _)| h.wallet.wallet_ref.clone())
        .unwrap_or_default()
}

fn promotion_rows(d: &EditData, zone: &Zone) -> Vec<PromotionRow> {
    d.promo
        .promotions
        .iter()
        .map(|p| PromotionRow {
            wallet_ref: wallet_ref(d, p.wallet_id),
            promotion_id: p.promotion_id,
            name: p.name.clone(),
            status: p.status.code(),
            status_label: p.status.label(),
            expiry: p
                .ends_at
                .map(|t| format!("until {}", zone.time(t)))
                .unwrap_or_else(|| "Does not expire".into()),
            tracker: p.tracker_code.clone(),
            tracker_value: p.tracker_value.map(|v| v.to_string()).unwrap_or_default(),
            tracker_shown: p
                .tracker_value
                .map(|v| show(v, p.tracker_unit))
                .unwrap_or_else(|| "—".into()),
            tracker_expiry: match (p.tracker_value, p.tracker_expiry) {
                (None, _) => "—".into(),
                (Some(_), Some(t)) => zone.time(t),
                (Some(_), None) => "Does not expire".into(),
            },
            threshold: show(p.threshold, p.tracker_unit),
            reward: format!("{} {}", show(p.max_liability, p.reward_unit), p.reward_code),
            liability: show(p.credited, p.reward_unit),
            max_liability: show(p.max_liability, p.reward_unit),
        })
        .collect()
}

fn card_rows(d: &EditData, refused: &FormState) -> Vec<CardRow> {
    d.promo
        .cards
        .iter()
        .map(|c| {
            let key = format!("card-{}", c.id);
            CardRow {
                id: c.id,
                last_four: c.last_four.clone(),
                expiry: format!("{:02}/{:04}", c.expiry_month, c.expiry_year),
                holder: c.holder.clone(),
                state: c.state.code(),
                state_label: c.state.label(),
                can_confirm: c.state == CardState::Registered,
                can_freeze: matches!(c.state, CardState::Registered | CardState::Confirmed),
                can_deregister: c.state.counts(),
                form: if refused.value("card_form") == key {
                    refused.clone()
                } else {
                    FormState::default()
                },
            }
        })
        .collect()
}

fn topup_rows(d: &EditData, zone: &Zone) -> Vec<TopupRow> {
    d.promo
        .topups
        .iter()
        .map(|t| {
            let unit = t
                .balance_type
                .as_ref()
                .map(|b| b.unit)
                .unwrap_or(Unit::Units);
            TopupRow {
                id: t.rule.id,
                name: t.rule.name.clone(),
                balance_type: t
                    .balance_type
                    .as_ref()
                    .map(|b| b.code.clone())
                    .unwrap_or_default(),
                amount: show(t.rule.amount, unit),
                period: t.rule.period.label(),
                applies_to: t.applies_to.clone(),
                last_run: t
                    .last_run
                    .map(|(at, _)| zone.time(at))
                    .unwrap_or_else(|| "Not run yet".into()),
                last_credited: t.last_run.map(|(_, c)| show(c, unit)).unwrap_or_default(),
            }
        })
        .collect()
}

/// The three panels; `refused` is a refused card form (blank when none).
pub fn view(d: &EditData, refused: &FormState, zone: &Zone) -> PromoView {
    let held = d.promo.cards.iter().filter(|c| c.state.counts()).count();
    PromoView {
        promotions: promotion_rows(d, zone),
        cards: card_rows(d, refused),
        cards_held: held,
        card_limit: d.promo.card_limit,
        can_register: (held as i64) < d.promo.card_limit,
        card_form: if refused.value("card_form") == "register" {
            refused.clone()
        } else {
            FormState::default()
        },
        topups: topup_rows(d, zone),
    }
}
