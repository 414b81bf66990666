//! The edit screen's one form, all panels at once: what was posted is checked against the
//! subscriber as loaded and turned into a plan of changes, or into the form again with a message
//! next to every field that is wrong. Nothing here touches the database.

use super::details::{self, PinChange};
use super::form::{checkbox, on, pick_option};
use crate::auth::csrf::Fields;
use crate::db::models::subscriber::{Subscriber, SubscriberUpdate};
use crate::db::models::subscriber_profile::{Profile, BARRING, FRIENDS};
use crate::db::models::wallet::{HeldWallet, WalletCustomer, WalletUpdate};
use crate::domain::geo::{Shape, ShapeInput, MAX_SHAPES, MAX_ZONES};
use crate::domain::parse_int_in;
use crate::domain::subscriber::{
    parse_date, parse_date_time, parse_max_concurrent, BarringListType, ChangeReason, CommentText,
    DialNumber, DiscountPrefix, FfService, ShortCode, WalletState, ZoneName,
};
use crate::domain::subscriber_rules::CommentPrivilege;
use crate::domain::FormState;

/// Longest call barring list.
pub const MAX_BARRING: usize = 100;
/// Longest friends-and-family list.
pub const MAX_FRIENDS: usize = 20;
/// Most short codes per subscriber.
pub const MAX_SHORT_CODES: usize = 50;

/// The inputs of a shape, by the suffix of their names.
pub const SHAPE_INPUTS: [&str; 5] = ["x", "y", "r", "x2", "y2"];

/// What the form is checked against.
pub struct EditContext<'a> {
    pub subscriber: &'a Subscriber,
    pub profile: &'a Profile,
    pub wallets: &'a [(HeldWallet, Option<WalletCustomer>)],
    pub languages: &'a [(String, String)],
    pub product_types: &'a [(String, String)],
    pub currencies: &'a [(String, String)],
    pub cugs: &'a [(i64, String)],
    pub audit_on: bool,
    pub privilege: CommentPrivilege,
    pub me: i64,
}

/// The customer field of a wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerChoice {
    Keep(Option<i64>),
    /// An account code to look up (in the transaction).
    Code(String),
}

#[derive(Debug, Clone)]
pub struct WalletChange {
    pub wallet_id: i64,
    pub wallet_type: String,
    pub version: i32,
    /// The wallet's version when the form was made differs from the stored one.
    pub changed_meanwhile: bool,
    pub update: WalletUpdate,
    pub customer: CustomerChoice,
    pub bill_swap: bool,
}

/// Every change the form asks for.
#[derive(Debug, Default)]
pub struct Plan {
    pub row: Option<SubscriberUpdate>,
    pub pin: Option<PinChange>,
    pub numbers_add: Vec<(&'static str, String)>,
    pub numbers_remove: Vec<i64>,
    pub codes_add: Vec<(String, String)>,
    pub codes_update: Vec<(i64, String)>,
    pub codes_remove: Vec<i64>,
    pub cugs: Option<Vec<i64>>,
    pub comment_add: Option<String>,
    pub comments_update: Vec<(i64, String)>,
    pub comments_delete: Vec<i64>,
    pub zones_rename: Vec<(i64, String)>,
    pub zones_delete: Vec<i64>,
    pub zone_add: Option<(String, Shape)>,
    pub shapes_update: Vec<(i64, Shape)>,
    pub shapes_delete: Vec<i64>,
    pub shapes_add: Vec<(i64, Shape)>,
    pub wallets: Vec<WalletChange>,
    pub reason: Option<String>,
}

impl Plan {
    /// Whether anything about the subscriber itself (not its wallets) changes.
    pub fn touches_subscriber(&self) -> bool {
        self.row.is_some()
            || !self.numbers_add.is_empty()
            || !self.numbers_remove.is_empty()
            || !self.codes_add.is_empty()
            || !self.codes_update.is_empty()
            || !self.codes_remove.is_empty()
            || self.cugs.is_some()
            || self.comment_add.is_some()
            || !self.comments_update.is_empty()
            || !self.comments_delete.is_empty()
            || !self.zones_rename.is_empty()
            || !self.zones_delete.is_empty()
            || self.zone_add.is_some()
            || !self.shapes_update.is_empty()
            || !self.shapes_delete.is_empty()
            || !self.shapes_add.is_empty()
    }
    pub fn is_empty(&self) -> bool {
        !self.touches_subscriber() && self.wallets.is_empty()
    }
}

/// Names of fields that are checkboxes (their state is kept as "on" or "").
pub fn is_checkbox(name: &str) -> bool {
    matches!(
        name,
        "pin_defined"
            | "cli_restricted"
            | "disable_incoming_roaming"
            | "blacklisted"
            | "disable_sms"
            | "barring_ignore"
            | "remote_access"
    ) || name.ends_with("_remove")
        || name.ends_with("_delete")
        || name.ends_with("_bill_swap")
        || name.starts_with("cug_")
}

/// The posted values, kept to show the form again (never the PIN).
pub fn posted_state(fields: &Fields) -> FormState {
    let mut f = FormState::default();
    for (name, value) in &fields.0 {
        if matches!(name.as_str(), "pin" | "pin_confirm" | "csrf_token") {
            continue;
        }
        if is_checkbox(name) {
            f.set(name, on(checkbox(value)));
        } else {
            f.set(name, value.clone());
        }
    }
    f
}

fn split_numbers(input: &str) -> impl Iterator<Item = &str> {
    input
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
}

/// Checks the whole form; `Err` carries the form with its messages.
pub fn parse(fields: &Fields, ctx: &EditContext<'_>) -> Result<Plan, FormState> {
    let get = |name: &str| fields.get(name).unwrap_or("").to_string();
    let mut f = posted_state(fields);
    let mut plan = Plan::default();

    row(&get, ctx, &mut f, &mut plan);

    numbers(
        &get,
        ctx,
        BARRING,
        "barring_new",
        MAX_BARRING,
        &mut f,
        &mut plan,
    );
    numbers(&get, ctx, FRIENDS, "ff_new", MAX_FRIENDS, &mut f, &mut plan);
    short_codes(&get, ctx, &mut f, &mut plan);

    // Closed user groups: the ticked ones.
    let ticked: Vec<i64> = ctx
        .cugs
        .iter()
        .filter(|(id, _)| checkbox(&get(&format!("cug_{id}"))))
        .map(|(id, _)| *id)
        .collect();
    if ticked != ctx.profile.cugs {
        plan.cugs = Some(ticked);
    }

    comments(fields, &get, ctx, &mut f, &mut plan);
    zones(&get, ctx, &mut f, &mut plan);
    for (held, customer) in ctx.wallets {
        if let Some(change) = wallet(&get, ctx, held, customer.as_ref(), &mut f) {
            plan.wallets.push(change);
        }
    }

    // A reason is required for wallet changes while financial changes are audited.
    let reason = get("change_reason");
    if !reason.trim().is_empty() || (ctx.audit_on && !plan.wallets.is_empty()) {
        plan.reason = f
            .check("change_reason", ChangeReason::parse(&reason))
            .map(ChangeReason::into_inner);
    }
    if f.has_errors() {
        Err(f)
    } else {
        Ok(plan)
    }
}

/// A settings frame's change count and date (`{prefix}_change_count`, `{prefix}_change_date`;
/// blank: 0 and none): `ff` the Friends & Family frame, `fd` the Friends & Destination frame.
fn change_frame(
    get: &dyn Fn(&str) -> String,
    prefix: &str,
    f: &mut FormState,
) -> Option<(i64, Option<i64>)> {
    let count_field = format!("{prefix}_change_count");
    let date_field = format!("{prefix}_change_date");
    let count = get(&count_field);
    let count = f.check(
        &count_field,
        parse_int_in(
            if count.trim().is_empty() { "0" } else { &count },
            0,
            1_000_000,
        ),
    );
    let date = if get(&date_field).trim().is_empty() {
        Some(None)
    } else {
        f.check(&date_field, parse_date_time(&get(&date_field)).map(Some))
    };
    Some((count?, date?))
}

/// Details, call barring, friends and family, remote access: the row itself (and the PIN).
fn row(get: &dyn Fn(&str) -> String, ctx: &EditContext<'_>, f: &mut FormState, plan: &mut Plan) {
    let s = ctx.subscriber;
    let details = details::parse(get, ctx.languages, s.pin_defined(), f);
    let barring_type = f.check(
        "barring_list_type",
        BarringListType::parse(&get("barring_list_type")),
    );
    let ff_service = f.check("ff_service", FfService::parse(&get("ff_service")));
    let ff_prefix = f.check(
        "ff_discount_prefix",
        DiscountPrefix::parse(&get("ff_discount_prefix")),
    );
    let ff = change_frame(get, "ff", f);
    let fd = change_frame(get, "fd", f);
    if let (Some(d), Some(bt), Some(fs), Some(fp), Some((fc, fdate)), Some((dc, ddate))) =
        (details, barring_type, ff_service, ff_prefix, ff, fd)
    {
        let row = SubscriberUpdate {
            card_number: d.card_number.into_inner(),
            cli: d.cli.into_inner(),
            description: d.description,
            pin_hash: s.pin_hash.clone(),
            language_id: d.language_id,
            cli_restricted: d.cli_restricted,
            disable_incoming_roaming: d.disable_incoming_roaming,
            blacklisted: d.blacklisted,
            disable_sms: d.disable_sms,
            remote_access: checkbox(&get("remote_access")),
            barring_list_type: bt,
            barring_ignore: checkbox(&get("barring_ignore")),
            ff_service: fs,
            ff_discount_prefix: fp.into_inner(),
            ff_change_count: fc as i32,
            ff_changed_at: fdate,
            fd_change_count: dc as i32,
            fd_changed_at: ddate,
        };
        let pin_changes = !matches!(d.pin, PinChange::Keep);
        if pin_changes || row != SubscriberUpdate::from_row(s) {
            plan.row = Some(row);
        }
        if pin_changes {
            plan.pin = Some(d.pin);
        }
    }
}

fn numbers(
    get: &dyn Fn(&str) -> String,
    ctx: &EditContext<'_>,
    list: &'static str,
    new_field: &str,
    max: usize,
    f: &mut FormState,
    plan: &mut Plan,
) {
    let mut kept: Vec<String> = Vec::new();
    for n in ctx.profile.numbers_of(list) {
        if checkbox(&get(&format!("num_{}_remove", n.id))) {
            plan.numbers_remove.push(n.id);
        } else {
            kept.push(n.number.clone());
        }
    }
    for typed in split_numbers(&get(new_field)) {
        match DialNumber::parse(typed) {
            Ok(n) if kept.iter().any(|k| k == n.as_str()) => {}
            Ok(n) => {
                kept.push(n.as_str().to_string());
                plan.numbers_add.push((list, n.into_inner()));
            }
            Err(m) => f.error(new_field, m),
        }
    }
    if kept.len() > max {
        f.error(
            new_field,
            format!("The list holds at most {max} numbers; remove some first."),
        );
    }
}

fn short_codes(
    get: &dyn Fn(&str) -> String,
    ctx: &EditContext<'_>,
    f: &mut FormState,
    plan: &mut Plan,
) {
    let mut kept: Vec<String> = Vec::new();
    for c in &ctx.profile.short_codes {
        if checkbox(&get(&format!("sc_{}_remove", c.id))) {
            plan.codes_remove.push(c.id);
            continue;
        }
        kept.push(c.code.clone());
        let field = format!("sc_{}_number", c.id);
        match DialNumber::parse(&get(&field)) {
            Ok(n) if n.as_str() != c.number => plan.codes_update.push((c.id, n.into_inner())),
            Ok(_) => {}
            Err(m) => f.error(&field, m),
        }
    }
    let (code, number) = (get("sc_new_code"), get("sc_new_number"));
    if code.trim().is_empty() && number.trim().is_empty() {
        return;
    }
    let code = f.check("sc_new_code", ShortCode::parse(&code));
    let number = f.check("sc_new_number", DialNumber::parse(&number));
    if let Some(c) = &code {
        if kept.iter().any(|k| k == c.as_str()) {
            f.error("sc_new_code", "This short code is in the list already.");
        }
    }
    if kept.len() + 1 > MAX_SHORT_CODES {
        f.error(
            "sc_new_code",
            format!("At most {MAX_SHORT_CODES} short codes; remove some first."),
        );
    }
    if let (Some(c), Some(n)) = (code, number) {
        plan.codes_add.push((c.into_inner(), n.into_inner()));
    }
}

fn comments(
    fields: &Fields,
    get: &dyn Fn(&str) -> String,
    ctx: &EditContext<'_>,
    f: &mut FormState,
    plan: &mut Plan,
) {
    let new = get("comment_new");
    if !new.trim().is_empty() {
        if ctx.privilege.can_add() {
            plan.comment_add = f
                .check("comment_new", CommentText::parse(&new))
                .map(CommentText::into_inner);
        } else {
            f.error("comment_new", "Your role may not add comments.");
        }
    }
    for c in &ctx.profile.comments {
        let delete = format!("comment_{}_delete", c.id);
        if checkbox(&get(&delete)) {
            if ctx.privilege.can_delete() {
                plan.comments_delete.push(c.id);
            } else {
                f.error(&delete, "Your role may not delete comments.");
            }
            continue;
        }
        let field = format!("comment_{}", c.id);
        let Some(text) = fields.get(&field) else {
            continue;
        };
        if text.trim() == c.body {
            continue;
        }
        if !ctx.privilege.can_edit(c.author_id, ctx.me) {
            f.error(&field, "You may change only your own comments.");
            continue;
        }
        if let Some(t) = f.check(&field, CommentText::parse(text)) {
            plan.comments_update.push((c.id, t.into_inner()));
        }
    }
}

/// A shape's inputs named `{prefix}_x`, `{prefix}_y`… checked; messages go next to each input.
fn shape(
    get: &dyn Fn(&str) -> String,
    prefix: &str,
    kind: &str,
    f: &mut FormState,
) -> Option<Shape> {
    let v: Vec<String> = SHAPE_INPUTS
        .iter()
        .map(|s| get(&format!("{prefix}_{s}")))
        .collect();
    let input = ShapeInput {
        kind,
        x: &v[0],
        y: &v[1],
        r: &v[2],
        x2: &v[3],
        y2: &v[4],
    };
    match Shape::parse(&input) {
        Ok(s) => Some(s),
        Err(errors) => {
            for (field, m) in errors {
                f.error(&format!("{prefix}_{field}"), m);
            }
            None
        }
    }
}

fn zones(get: &dyn Fn(&str) -> String, ctx: &EditContext<'_>, f: &mut FormState, plan: &mut Plan) {
    let mut names: Vec<String> = Vec::new();
    let mut zones_left = 0;
    for z in &ctx.profile.zones {
        let id = z.zone.id;
        let mut shapes_left = 0;
        for s in &z.shapes {
            if checkbox(&get(&format!("shape_{}_delete", s.id))) {
                plan.shapes_delete.push(s.id);
                continue;
            }
            shapes_left += 1;
            if let Some(parsed) = shape(get, &format!("shape_{}", s.id), &s.kind, f) {
                if parsed != s.shape() {
                    plan.shapes_update.push((s.id, parsed));
                }
            }
        }
        let new_kind = get(&format!("zone_{id}_new_kind"));
        if !new_kind.trim().is_empty() {
            shapes_left += 1;
            if let Some(parsed) = shape(get, &format!("zone_{id}_new"), &new_kind, f) {
                plan.shapes_add.push((id, parsed));
            }
        }
        if shapes_left > MAX_SHAPES {
            f.error(
                &format!("zone_{id}_new_kind"),
                format!("A zone holds at most {MAX_SHAPES} shapes."),
            );
        }
        if shapes_left == 0 {
            // The last shape of a zone went: so does the zone.
            plan.zones_delete.push(id);
            continue;
        }
        zones_left += 1;
        let field = format!("zone_{id}_name");
        if let Some(name) = f.check(&field, ZoneName::parse(&get(&field))) {
            if names.iter().any(|n| n.eq_ignore_ascii_case(name.as_str())) {
                f.error(&field, "Another zone has this name.");
            } else if name.as_str() != z.zone.name {
                plan.zones_rename.push((id, name.as_str().to_string()));
            }
            names.push(name.into_inner());
        }
    }
    let (name, kind) = (get("new_zone_name"), get("new_zone_kind"));
    if name.trim().is_empty() && kind.trim().is_empty() {
        return;
    }
    if zones_left + 1 > MAX_ZONES {
        f.error(
            "new_zone_name",
            format!("A subscriber has at most {MAX_ZONES} zones."),
        );
    }
    let name = f.check("new_zone_name", ZoneName::parse(&name));
    if let Some(n) = &name {
        if names.iter().any(|x| x.eq_ignore_ascii_case(n.as_str())) {
            f.error("new_zone_name", "Another zone has this name.");
        }
    }
    let parsed = shape(get, "new_zone", &kind, f);
    if let (Some(n), Some(s)) = (name, parsed) {
        plan.zone_add = Some((n.into_inner(), s));
    }
}

fn wallet(
    get: &dyn Fn(&str) -> String,
    ctx: &EditContext<'_>,
    held: &HeldWallet,
    customer: Option<&WalletCustomer>,
    f: &mut FormState,
) -> Option<WalletChange> {
    let t = held.wallet_type.code();
    let w = &held.wallet;
    let posted_version = get(&format!("{t}_version"));
    if posted_version.trim().is_empty() {
        // Added after the form was made: not on it, so nothing to change.
        return None;
    }
    let field = |name: &str| format!("{t}_{name}");
    let product_type_id = f.check(
        &field("product_type_id"),
        pick_option(
            &get(&field("product_type_id")),
            ctx.product_types,
            "a product type",
        ),
    );
    let state = f.check(&field("state"), WalletState::parse(&get(&field("state"))));
    let expiry = get(&field("expiry_date"));
    let expires_at = if expiry.trim().is_empty() {
        Some(None)
    } else {
        f.check(&field("expiry_date"), parse_date(&expiry).map(Some))
    };
    let currency_id = f.check(
        &field("currency_id"),
        pick_option(&get(&field("currency_id")), ctx.currencies, "a currency"),
    );
    let max_concurrent = f.check(
        &field("max_concurrent"),
        parse_max_concurrent(&get(&field("max_concurrent"))),
    );
    let customer_choice = customer_choice(&get(&field("customer")), w.customer_id, customer);
    let bill_swap = checkbox(&get(&field("bill_swap")));
    let (product_type_id, state, expires_at, currency_id, max_concurrent) = (
        product_type_id?,
        state?,
        expires_at?,
        currency_id?,
        max_concurrent?,
    );
    if bill_swap && product_type_id == w.product_type_id {
        f.error(
            &field("bill_swap"),
            "Tick this only when you change the product type.",
        );
        return None;
    }
    let update = WalletUpdate {
        product_type_id,
        state,
        expires_at,
        currency_id,
        max_concurrent,
        customer_id: match &customer_choice {
            CustomerChoice::Keep(id) => *id,
            CustomerChoice::Code(_) => w.customer_id,
        },
    };
    let unchanged =
        update == WalletUpdate::from_row(w) && matches!(customer_choice, CustomerChoice::Keep(_));
    if unchanged {
        return None;
    }
    Some(WalletChange {
        wallet_id: w.id,
        wallet_type: t.to_string(),
        version: w.version,
        changed_meanwhile: posted_version.trim() != w.version.to_string(),
        update,
        customer: customer_choice,
        bill_swap,
    })
}

/// The wallet's customer as posted: kept, cleared, or an account code to look up.
fn customer_choice(
    posted: &str,
    current_id: Option<i64>,
    current: Option<&WalletCustomer>,
) -> CustomerChoice {
    let code = posted.trim().to_string();
    let current_code = current.map(|c| c.account_code.as_str()).unwrap_or("");
    if code == current_code {
        CustomerChoice::Keep(current_id)
    } else if code.is_empty() {
        CustomerChoice::Keep(None)
    } else {
        CustomerChoice::Code(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wallet_customer_is_kept_cleared_or_looked_up() {
        let current = WalletCustomer {
            id: 7,
            account_code: "ACME".into(),
            company: "Acme".into(),
        };
        assert_eq!(
            customer_choice(" ACME ", Some(7), Some(&current)),
            CustomerChoice::Keep(Some(7))
        );
        assert_eq!(
            customer_choice("", Some(7), Some(&current)),
            CustomerChoice::Keep(None)
        );
        assert_eq!(
            customer_choice("OTHER", Some(7), Some(&current)),
            CustomerChoice::Code("OTHER".into())
        );
        assert_eq!(customer_choice("", None, None), CustomerChoice::Keep(None));
    }
}
