//! Subscriber use cases: create a subscriber, give it a wallet (private or shared), save its
//! edit screen (form → plan → apply), delete it keeping shared wallets, and the automatic
//! blacklist after failed voucher recharges. The pure form reading (`form`, `details`,
//! `edit_form`) sits beside the use cases that apply it.

pub mod cards;
pub mod create;
pub mod delete;
pub mod details;
pub mod edit;
pub mod edit_data;
pub mod edit_form;
pub mod form;
pub mod promo_panels;
pub mod recharge;
pub mod wallets;

pub use edit_data::{edit_data, EditData};
