//! What the edit screen shows: the saved values as a form state, and the page's view model
//! (menu, panels, history) built from what `service::subscribers::edit_data` loaded.

use super::on;
use crate::auth::CurrentOperator;
use crate::db::models::audit::AuditEntry;
use crate::db::models::balance::{Balance, Bucket};
use crate::db::models::subscriber_profile::{BARRING, FRIENDS};
use crate::db::models::wallet::{HeldWallet, WalletCustomer};
use crate::domain::balance::Category;
use crate::domain::balance::{BucketPolicy, ExpiryPolicy};
use crate::domain::charging::ReservationState;
use crate::domain::geo::{format_scaled, MAX_SHAPES, MAX_ZONES};
use crate::domain::subscriber::{
    date_input_value, date_time_input_value, BarringListType, FfService, WalletState, WalletType,
};
use crate::domain::subscriber_rules::CommentPrivilege;
use crate::domain::{Amount, FormState, Unit, Zone};
use crate::format::chart::{self, Chart};
use crate::routes::history::HistoryView;
use crate::routes::Layout;
use crate::service::money::panel::WalletMoney;
use crate::service::subscribers::edit_form::SHAPE_INPUTS;
use crate::service::subscribers::EditData;
use askama::Template;
use askama_web::WebTemplate;

/// The saved values as the form shows them.
pub fn saved_state(d: &EditData) -> FormState {
    let s = &d.subscriber;
    let mut f = FormState::default();
    f.set("version", s.version.to_string());
    f.set("card_number", s.card_number.clone());
    f.set("subscriber_id", s.cli.clone());
    f.set("description", s.description.clone());
    f.set("pin_defined", on(s.pin_defined()));
    f.set("language", s.language_id.to_string());
    for (name, flag) in [
        ("cli_restricted", s.cli_restricted),
        ("disable_incoming_roaming", s.disable_incoming_roaming),
        ("blacklisted", s.blacklisted),
        ("disable_sms", s.disable_sms),
        ("barring_ignore", s.barring_ignore),
        ("remote_access", s.remote_access),
    ] {
        f.set(name, on(flag));
    }
    f.set("barring_list_type", s.barring_list_type.code());
    f.set("ff_service", s.ff_service.code());
    f.set("ff_discount_prefix", s.ff_discount_prefix.clone());
    f.set("ff_change_count", s.ff_change_count.to_string());
    f.set(
        "ff_change_date",
        s.ff_changed_at
            .map(date_time_input_value)
            .unwrap_or_default(),
    );
    f.set("fd_change_count", s.fd_change_count.to_string());
    f.set(
        "fd_change_date",
        s.fd_changed_at
            .map(date_time_input_value)
            .unwrap_or_default(),
    );
    for c in &d.profile.short_codes {
        f.set(&format!("sc_{}_number", c.id), c.number.clone());
    }
    for id in &d.profile.cugs {
        f.set(&format!("cug_{id}"), "on");
    }
    for c in &d.profile.comments {
        f.set(&format!("comment_{}", c.id), c.body.clone());
    }
    for z in &d.profile.zones {
        f.set(&format!("zone_{}_name", z.zone.id), z.zone.name.clone());
        for s in &z.shapes {
            let p = format!("shape_{}", s.id);
            let values = [
                Some(s.lon_e7),
                Some(s.lat_e7),
                s.radius_e7_km,
                s.lon2_e7,
                s.lat2_e7,
            ];
            for (suffix, v) in SHAPE_INPUTS.iter().zip(values) {
                if let Some(v) = v {
                    f.set(&format!("{p}_{suffix}"), format_scaled(v));
                }
            }
        }
    }
    for (held, customer) in &d.wallets {
        wallet_state(&mut f, held, customer.as_ref());
    }
    f
}

/// A wallet's saved values, under its type's field names.
fn wallet_state(f: &mut FormState, held: &HeldWallet, customer: Option<&WalletCustomer>) {
    let t = held.wallet_type.code();
    let w = &held.wallet;
    f.set(&format!("{t}_version"), w.version.to_string());
    f.set(
        &format!("{t}_product_type_id"),
        w.product_type_id.to_string(),
    );
    f.set(&format!("{t}_state"), w.state.code());
    f.set(
        &format!("{t}_expiry_date"),
        w.expires_at.map(date_input_value).unwrap_or_default(),
    );
    f.set(&format!("{t}_currency_id"), w.currency_id.to_string());
    f.set(&format!("{t}_max_concurrent"), w.max_concurrent.to_string());
    f.set(
        &format!("{t}_customer"),
        customer.map(|c| c.account_code.clone()).unwrap_or_default(),
    );
}

pub struct NumberView {
    pub id: i64,
    pub number: String,
    pub remove: String,
}

pub struct CodeView {
    pub id: i64,
    pub code: String,
    pub number: String,
    pub remove: String,
}

pub struct CugView {
    pub name: String,
    pub field: String,
}

pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub when: String,
    pub body: String,
    /// The text input, when this operator may change the comment.
    pub edit: Option<String>,
    /// The delete checkbox, when this operator may delete it.
    pub delete: Option<String>,
}

/// Names of a shape's inputs.
pub struct ShapeFields {
    pub kind: String,
    pub x: String,
    pub y: String,
    pub r: String,
    pub x2: String,
    pub y2: String,
}

impl ShapeFields {
    fn new(prefix: &str) -> ShapeFields {
        ShapeFields {
            kind: format!("{prefix}_kind"),
            x: format!("{prefix}_x"),
            y: format!("{prefix}_y"),
            r: format!("{prefix}_r"),
            x2: format!("{prefix}_x2"),
            y2: format!("{prefix}_y2"),
        }
    }
}

pub struct ShapeView {
    pub id: i64,
    pub circle: bool,
    pub fields: ShapeFields,
    pub delete: String,
}

pub struct ZoneView {
    pub id: i64,
    pub name_field: String,
    pub shapes: Vec<ShapeView>,
    pub new_shape: ShapeFields,
    pub can_add_shape: bool,
}

/// Names of a wallet's inputs (prefixed by its type).
pub struct WalletFields {
    pub version: String,
    pub product_type_id: String,
    pub state: String,
    pub expiry_date: String,
    pub currency_id: String,
    pub max_concurrent: String,
    pub customer: String,
    pub bill_swap: String,
}

impl WalletFields {
    fn new(wallet_type: &str) -> WalletFields {
        let field = |n: &str| format!("{wallet_type}_{n}");
        WalletFields {
            version: field("version"),
            product_type_id: field("product_type_id"),
            state: field("state"),
            expiry_date: field("expiry_date"),
            currency_id: field("currency_id"),
            max_concurrent: field("max_concurrent"),
            customer: field("customer"),
            bill_swap: field("bill_swap"),
        }
    }
}

pub struct WalletView {
    pub wallet_type: String,
    pub label: String,
    pub wallet_ref: String,
    pub holders: i64,
    pub limit_type: String,
    pub charging_domain: String,
    pub display_currency: String,
    pub min_credit: String,
    pub customer: String,
    pub fields: WalletFields,
}

#[derive(Template, WebTemplate)]
#[template(path = "subscribers/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub provider: String,
    pub form: FormState,
    pub stale: bool,
    pub can_edit: bool,
    pub audit_on: bool,
    pub languages: Vec<(String, String)>,
    pub barring_types: Vec<(String, String)>,
    pub ff_services: Vec<(String, String)>,
    pub product_types: Vec<(String, String)>,
    pub currencies: Vec<(String, String)>,
    pub states: Vec<(String, String)>,
    pub shape_kinds: Vec<(String, String)>,
    pub barring: Vec<NumberView>,
    pub friends: Vec<NumberView>,
    pub codes: Vec<CodeView>,
    pub cugs: Vec<CugView>,
    pub comments: Vec<CommentView>,
    pub can_add_comment: bool,
    pub zones: Vec<ZoneView>,
    pub can_add_zone: bool,
    pub new_zone: ShapeFields,
    pub wallets: Vec<WalletView>,
    pub money: Vec<MoneyView>,
    /// The Adjustments panel (part of the edit form): the provider's balance types and, per
    /// wallet, its version (sent by the buttons) and this operator's ranges.
    pub adjust_types: Vec<(String, String)>,
    pub adjust_wallets: Vec<AdjustWallet>,
    /// The Merge panel's form.
    pub merge_form: FormState,
    pub wallet_types: Vec<(String, String)>,
    pub expiry_policies: Vec<(String, String)>,
    pub bucket_policies: Vec<(String, String)>,
    /// The category the Balances panel shows (empty: all) and the choices.
    pub balance_category: String,
    pub balance_categories: Vec<(String, String)>,
    /// A refused money form's message when that form is not on this screen.
    pub money_problem: String,
    pub can_add_wallet: bool,
    pub history: Vec<HistoryView>,
    pub has_pin: bool,
    /// The Credit transfers and BPL tasks panels (`movements_view`).
    pub transfers: super::movements_view::TransferPanel,
    pub bpl: super::movements_view::BplPanel,
    /// The Promotions, Credit cards and Top-up rules panels (`promo_view`).
    pub promo: super::promo_view::PromoView,
}

impl EditPage {
    /// The panel shown when no fragment picks one: the first message's after a refused save.
    pub fn open_panel(&self) -> &'static str {
        super::panels::open_panel(&self.form)
    }
    /// The messages of a refused save in `panel`, for its menu entry.
    pub fn panel_errors(&self, panel: &str) -> usize {
        super::panels::errors_in(&self.form, panel)
    }
}

fn pairs<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|t| (code(*t).to_string(), label(*t).to_string()))
        .collect()
}

fn history_view(d: &EditData, e: &AuditEntry, zone: &Zone) -> HistoryView {
    HistoryView::of(e, zone, |e| {
        if e.object_type == "wallet" {
            d.wallets
                .iter()
                .find(|(h, _)| h.wallet.id == e.object_id)
                .map(|(h, _)| format!("Wallet {}", h.wallet.wallet_ref))
                .unwrap_or_else(|| format!("Wallet #{}", e.object_id))
        } else {
            "Subscriber".to_string()
        }
    })
}

fn numbers(d: &EditData, list: &str) -> Vec<NumberView> {
    d.profile
        .numbers_of(list)
        .map(|n| NumberView {
            id: n.id,
            number: n.number.clone(),
            remove: format!("num_{}_remove", n.id),
        })
        .collect()
}

fn wallet_views(d: &EditData) -> Vec<WalletView> {
    let name_of = |list: &[(i64, String)], id: i64| {
        list.iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let currency = |id: i64| d.currencies.iter().find(|c| c.id == id);
    d.wallets
        .iter()
        .map(|(held, customer)| {
            let w = &held.wallet;
            let t = held.wallet_type;
            let display = currency(w.display_currency_id);
            WalletView {
                label: t.label().to_string(),
                wallet_ref: w.wallet_ref.clone(),
                holders: held.holders,
                limit_type: w.limit_type.label().to_string(),
                charging_domain: name_of(&d.domains, w.charging_domain_id),
                display_currency: display.map(|c| c.code.clone()).unwrap_or_default(),
                min_credit: match (w.min_credit_minor, display) {
                    (Some(m), Some(c)) => {
                        format!(
                            "{} {}",
                            Amount::from_minor(m).show(Unit::Cash, c.decimals.max(0) as u32),
                            c.code
                        )
                    }
                    _ => String::new(),
                },
                customer: customer
                    .as_ref()
                    .map(|c| c.company.clone())
                    .unwrap_or_default(),
                fields: WalletFields::new(t.code()),
                wallet_type: t.code().to_string(),
            }
        })
        .collect()
}

fn comment_views(d: &EditData, op: &CurrentOperator) -> Vec<CommentView> {
    let privilege = CommentPrivilege::for_role(op.role);
    let can_edit = op.role.can_edit();
    d.profile
        .comments
        .iter()
        .map(|c| CommentView {
            id: c.id,
            author: c.author.clone(),
            when: op.zone.time(c.updated_at),
            body: c.body.clone(),
            edit: (can_edit && privilege.can_edit(c.author_id, op.id))
                .then(|| format!("comment_{}", c.id)),
            delete: (can_edit && privilege.can_delete())
                .then(|| format!("comment_{}_delete", c.id)),
        })
        .collect()
}

fn zone_views(d: &EditData) -> Vec<ZoneView> {
    d.profile
        .zones
        .iter()
        .map(|z| ZoneView {
            id: z.zone.id,
            name_field: format!("zone_{}_name", z.zone.id),
            shapes: z
                .shapes
                .iter()
                .map(|s| ShapeView {
                    id: s.id,
                    circle: s.kind != "rectangle",
                    fields: ShapeFields::new(&format!("shape_{}", s.id)),
                    delete: format!("shape_{}_delete", s.id),
                })
                .collect(),
            new_shape: ShapeFields::new(&format!("zone_{}_new", z.zone.id)),
            can_add_shape: z.shapes.len() < MAX_SHAPES,
        })
        .collect()
}

pub fn page(
    layout: Layout,
    d: EditData,
    form: FormState,
    op: &CurrentOperator,
    stale: bool,
) -> EditPage {
    let can_edit = op.role.can_edit();
    let promo = super::promo_view::view(&d, &FormState::default(), &op.zone);
    EditPage {
        layout,
        promo,
        id: d.subscriber.id,
        title: format!("{} ({})", d.subscriber.card_number, d.subscriber.cli),
        provider: d.provider.clone(),
        stale,
        can_edit,
        audit_on: d.audit_on,
        languages: d.languages.clone(),
        barring_types: pairs(
            BarringListType::ALL,
            BarringListType::code,
            BarringListType::label,
        ),
        ff_services: pairs(FfService::ALL, FfService::code, FfService::label),
        product_types: d.product_types.clone(),
        currencies: d.currency_options.clone(),
        states: pairs(WalletState::ALL, WalletState::code, WalletState::label),
        shape_kinds: vec![
            ("circle".into(), "Circle".into()),
            ("rectangle".into(), "Rectangle".into()),
        ],
        barring: numbers(&d, BARRING),
        friends: numbers(&d, FRIENDS),
        codes: code_views(&d),
        cugs: cug_views(&d),
        comments: comment_views(&d, op),
        can_add_comment: can_edit && CommentPrivilege::for_role(op.role).can_add(),
        zones: zone_views(&d),
        can_add_zone: d.profile.zones.len() < MAX_ZONES,
        new_zone: ShapeFields::new("new_zone"),
        can_add_wallet: d.wallets.len() < WalletType::ALL.len(),
        history: d
            .history
            .iter()
            .map(|e| history_view(&d, e, &op.zone))
            .collect(),
        has_pin: d.subscriber.pin_defined(),
        transfers: super::movements_view::transfers(&d),
        bpl: super::movements_view::bpl(&d),
        wallets: wallet_views(&d),
        money: money_views(&d, &FormState::default(), &op.zone),
        adjust_types: adjust_types(&d),
        adjust_wallets: adjust_wallets(&d, &op.zone),
        merge_form: merge_defaults(),
        wallet_types: pairs(WalletType::ALL, WalletType::code, WalletType::label),
        expiry_policies: pairs(ExpiryPolicy::ALL, ExpiryPolicy::code, ExpiryPolicy::label),
        bucket_policies: pairs(BucketPolicy::ALL, BucketPolicy::code, BucketPolicy::label),
        money_problem: String::new(),
        balance_category: String::new(),
        balance_categories: pairs(Category::ALL, Category::code, Category::label),
        form,
    }
}

/// The short codes with their field names.
fn code_views(d: &EditData) -> Vec<CodeView> {
    d.profile
        .short_codes
        .iter()
        .map(|c| CodeView {
            id: c.id,
            code: c.code.clone(),
            number: format!("sc_{}_number", c.id),
            remove: format!("sc_{}_remove", c.id),
        })
        .collect()
}

/// The closed user groups with their field names.
fn cug_views(d: &EditData) -> Vec<CugView> {
    d.cugs
        .iter()
        .map(|(id, name)| CugView {
            name: name.clone(),
            field: format!("cug_{id}"),
        })
        .collect()
}

/// The balance types the Adjustments panel offers (the provider's, from the first wallet).
fn adjust_types(d: &EditData) -> Vec<(String, String)> {
    d.money
        .first()
        .map(|m| {
            m.types
                .iter()
                .map(|t| (t.id.to_string(), format!("{} — {}", t.code, t.name)))
                .collect()
        })
        .unwrap_or_default()
}

/// The merge form's first values.
fn merge_defaults() -> FormState {
    let mut f = FormState::default();
    f.set("source_wallet_type", WalletType::Primary.code());
    f.set("target_wallet_type", WalletType::Primary.code());
    f.set("expiry_policy", ExpiryPolicy::Best.code());
    f.set("bucket_policy", BucketPolicy::Merge.code());
    f
}

/// One wallet as the Adjustments panel shows it.
pub struct AdjustWallet {
    pub wallet_id: i64,
    pub label: String,
    pub wallet_ref: String,
    pub version: i32,
    pub ranges: Vec<(String, String)>,
}

fn adjust_wallets(d: &EditData, zone: &Zone) -> Vec<AdjustWallet> {
    money_views(d, &FormState::default(), zone)
        .into_iter()
        .zip(d.wallets.iter())
        .map(|(m, (held, _))| AdjustWallet {
            wallet_id: m.wallet_id,
            label: m.label,
            wallet_ref: m.wallet_ref,
            version: held.wallet.version,
            ranges: m.ranges,
        })
        .collect()
}

/// The screen after a refused money form: that form shows what was typed and its message (an
/// adjustment's in the edit form's Adjustments panel, a merge's in the Merge panel).
pub fn page_with_money(
    layout: Layout,
    d: EditData,
    mut form: FormState,
    op: &CurrentOperator,
    money_form: FormState,
) -> EditPage {
    let money = money_views(&d, &money_form, &op.zone);
    let key = money_form.value("form_of").to_string();
    let is_adjust = key.ends_with(":adjust");
    if is_adjust {
        for f in ["balance_type_id", "amount", "change_reason"] {
            form.set(f, money_form.value(f));
            if !money_form.message(f).is_empty() {
                form.error(f, money_form.message(f));
            }
        }
    }
    let is_merge = key == crate::service::money::merge::FORM_KEY;
    let shown = is_adjust
        || is_merge
        || money.iter().any(|m| {
            m.bucket_key == key
                || m.balance_key == key
                || m.recharge_key == key
                || m.rows
                    .iter()
                    .any(|r| r.buckets.iter().any(|b| b.key == key))
        });
    let mut p = page(layout, d, form, op, false);
    if is_merge {
        p.merge_form = money_form.clone();
    }
    if !shown {
        p.money_problem = MONEY_FIELDS
            .iter()
            .map(|f| money_form.message(f))
            .find(|m| !m.is_empty())
            .unwrap_or_default()
            .to_string();
    }
    p.money = money;
    p
}

/// The fields of the money forms, in the order their messages are shown.
const MONEY_FIELDS: [&str; 8] = [
    "voucher_number",
    "serial_number",
    "balance_type_id",
    "amount",
    "value",
    "offset",
    "expiry",
    "change_reason",
];

pub struct BucketView {
    pub id: i64,
    pub value: String,
    pub expiry: String,
    pub offset: String,
    pub counts: bool,
    pub key: String,
    pub form: FormState,
}

pub struct BalanceRow {
    pub code: String,
    pub name: String,
    pub category: String,
    pub category_code: &'static str,
    /// The total in the display currency ("no rate" without one; empty when not cash or the
    /// wallet has no other display currency).
    pub display: String,
    /// The history chart (SVG and its text alternative), built by `format::chart`.
    pub chart: String,
    pub total: i64,
    pub available: i64,
    pub reserved: i64,
    pub shown: String,
    pub available_shown: String,
    pub reserved_shown: String,
    pub range: String,
    pub buckets: Vec<BucketView>,
}

pub struct MoneyView {
    pub wallet_id: i64,
    /// The wallet's version, sent by its money forms (a change on an older screen is refused).
    pub version: i32,
    pub wallet_ref: String,
    pub label: String,
    pub currency: String,
    /// The display currency's code when it is not the wallet currency.
    pub display_currency: String,
    /// The general cash balance's total (minor units) and as shown.
    pub general_cash: i64,
    pub general_cash_shown: String,
    pub rows: Vec<BalanceRow>,
    /// The balance types the wallet has (new buckets) and those it lacks (new balances).
    pub types: Vec<(String, String)>,
    pub missing_types: Vec<(String, String)>,
    pub ranges: Vec<(String, String)>,
    pub bucket_key: String,
    pub bucket_form: FormState,
    pub balance_key: String,
    pub balance_form: FormState,
    pub recharge_key: String,
    pub recharge_form: FormState,
    pub reservations: Vec<ReservationView>,
}

/// One reservation on the reservations panel.
pub struct ReservationView {
    pub id: i64,
    pub balance_type: String,
    pub open: bool,
    pub state: String,
    pub how_ended: String,
    pub reserved: String,
    pub used: String,
    pub expires: String,
    pub created: String,
    pub ended: String,
    pub called_number: String,
    pub charge_on_delete: bool,
}

fn reservation_views(m: &WalletMoney, zone: &Zone) -> Vec<ReservationView> {
    m.reservations
        .iter()
        .map(|r| {
            let bt = m.types.iter().find(|t| t.id == r.balance_type_id);
            let u = bt.map(|t| t.unit).unwrap_or(Unit::Units);
            let show = |a: i64| Amount::from_minor(a).show(u, m.decimals);
            ReservationView {
                id: r.id,
                balance_type: bt.map(|t| t.code.clone()).unwrap_or_default(),
                open: r.state == ReservationState::Open,
                state: r.state.label().to_string(),
                how_ended: r.how_ended.clone().unwrap_or_default(),
                reserved: show(r.amount),
                used: r.used.map(show).unwrap_or_default(),
                expires: zone.time(r.expires_at),
                created: zone.time(r.created_at),
                ended: r.ended_at.map(|t| zone.time(t)).unwrap_or_default(),
                called_number: r.called_number.clone().unwrap_or_default(),
                charge_on_delete: r.charge_on_delete,
            }
        })
        .collect()
}

/// The form state of the form `key`: the refused one, or a blank one.
fn form_for(refused: &FormState, key: &str, blank: FormState) -> FormState {
    if refused.value("form_of") == key {
        refused.clone()
    } else {
        blank
    }
}

/// One bucket of a balance, with its edit form (the refused one when it was this bucket's).
fn bucket_view(m: &WalletMoney, k: &Bucket, u: Unit, refused: &FormState) -> BucketView {
    let key = format!("{}:bucket-{}", m.wallet_id, k.id);
    let dates = k.dates();
    let expiry = dates.expiry_day().map(date_input_value).unwrap_or_default();
    let offset = k.starts_at.map(date_input_value).unwrap_or_default();
    let mut blank = FormState::default();
    blank.set(
        "value",
        Amount::from_minor(k.value).input_value(u, m.decimals),
    );
    blank.set("expiry", expiry.clone());
    blank.set("offset", offset.clone());
    BucketView {
        id: k.id,
        value: Amount::from_minor(k.value).show(u, m.decimals),
        expiry,
        offset,
        counts: dates.counts_at(m.now),
        form: form_for(refused, &key, blank),
        key,
    }
}

/// A balance's history chart over the last 90 days, in the viewer's zone.
fn chart_of(m: &WalletMoney, b: &Balance, total: i64, zone: &Zone) -> String {
    let (from, to) = crate::service::money::history::window(m.now);
    let unit = b.balance_type.unit;
    let decimals = m.decimals;
    let show = move |v: i64| Amount::from_minor(v).show(unit, decimals);
    let series = m
        .history
        .iter()
        .find(|s| s.balance_type_id == b.balance_type.id);
    let title = format!("{} over the last 90 days", b.balance_type.code);
    let id = format!("chart-{}-{}", m.wallet_id, b.balance_type.id);
    chart::render(&Chart {
        id: &id,
        title: &title,
        from,
        to,
        start: series.map(|s| s.start).unwrap_or(total),
        points: series.map(|s| s.points.as_slice()).unwrap_or(&[]),
        tz: zone.rules(),
        show: &show,
    })
}

/// What the display currency column shows for a balance.
fn display_text(m: &WalletMoney, unit: Unit, total: i64) -> String {
    match (&m.display, unit) {
        (Some(d), Unit::Cash) => match m.in_display(total) {
            Some(v) => format!(
                "{} {}",
                Amount::from_minor(v).show(Unit::Cash, d.decimals),
                d.code
            ),
            None => "no rate".to_string(),
        },
        _ => String::new(),
    }
}

impl EditPage {
    /// Shows only the balances of one category (a code of `Category`); any other text shows
    /// them all.
    pub fn filter_balances(&mut self, category: &str) {
        let Ok(c) = Category::parse(category) else {
            return;
        };
        self.balance_category = c.code().to_string();
        for w in &mut self.money {
            w.rows.retain(|r| r.category_code == c.code());
        }
    }
}

/// The allowed adjustment range of a balance type as the panel shows it.
fn range_text(m: &WalletMoney, type_id: i64, u: Unit) -> String {
    let show = |a: i64| Amount::from_minor(a).show(u, m.decimals);
    m.ranges
        .iter()
        .find(|(t, _)| *t == type_id)
        .and_then(|(_, l)| *l)
        .map(|l| format!("{} to {}", show(l.min.minor()), show(l.max.minor())))
        .unwrap_or_else(|| "no limit set".to_string())
}

/// One balance's row of the Balances panel, with its buckets and chart.
fn balance_row(m: &WalletMoney, b: &Balance, refused: &FormState, zone: &Zone) -> BalanceRow {
    let show = |a: i64, u: Unit| Amount::from_minor(a).show(u, m.decimals);
    let u = b.balance_type.unit;
    let total = b.total_at(m.now);
    let reserved = m.reserved(b.balance_type.id);
    BalanceRow {
        code: b.balance_type.code.clone(),
        name: b.balance_type.name.clone(),
        category: b.balance_type.category.label().to_string(),
        category_code: b.balance_type.category.code(),
        display: display_text(m, u, total),
        chart: chart_of(m, b, total, zone),
        total,
        available: total - reserved,
        reserved,
        shown: show(total, u),
        available_shown: show(total - reserved, u),
        reserved_shown: show(reserved, u),
        range: range_text(m, b.balance_type.id, u),
        buckets: b
            .buckets
            .iter()
            .map(|k| bucket_view(m, k, u, refused))
            .collect(),
    }
}

fn money_views(d: &EditData, refused: &FormState, zone: &Zone) -> Vec<MoneyView> {
    d.money
        .iter()
        .zip(d.wallets.iter())
        .map(|(m, (held, _))| {
            let dec = m.decimals;
            let show = |a: i64, u: Unit| Amount::from_minor(a).show(u, dec);
            let general_cash: i64 = m
                .balances
                .iter()
                .filter(|b| b.balance_type.is_default)
                .map(|b| b.total_at(m.now))
                .sum();
            let range_text = |type_id: i64, u: Unit| range_text(m, type_id, u);
            let rows = m
                .balances
                .iter()
                .map(|b| balance_row(m, b, refused, zone))
                .collect();
            let bucket_key = format!("{}:bucket", m.wallet_id);
            let balance_key = format!("{}:balance", m.wallet_id);
            let has = |id: i64| m.balances.iter().any(|b| b.balance_type.id == id);
            let option = |t: &crate::db::models::balance::BalanceType| {
                (t.id.to_string(), format!("{} — {}", t.code, t.name))
            };
            let recharge_key = format!("{}:recharge", m.wallet_id);
            MoneyView {
                wallet_id: m.wallet_id,
                version: held.wallet.version,
                wallet_ref: held.wallet.wallet_ref.clone(),
                label: held.wallet_type.label().to_string(),
                currency: m.currency.clone(),
                display_currency: m
                    .display
                    .as_ref()
                    .map(|d| d.code.clone())
                    .unwrap_or_default(),
                general_cash,
                general_cash_shown: format!("{} {}", show(general_cash, Unit::Cash), m.currency),
                rows,
                types: m.types.iter().filter(|t| has(t.id)).map(option).collect(),
                missing_types: m.types.iter().filter(|t| !has(t.id)).map(option).collect(),
                ranges: m
                    .types
                    .iter()
                    .map(|t| (t.code.clone(), range_text(t.id, t.unit)))
                    .collect(),
                bucket_form: form_for(refused, &bucket_key, FormState::default()),
                bucket_key,
                balance_form: form_for(refused, &balance_key, FormState::default()),
                balance_key,
                recharge_form: form_for(refused, &recharge_key, FormState::default()),
                recharge_key,
                reservations: reservation_views(m, zone),
            }
        })
        .collect()
}
