//! Saving the edit screen, every panel at once: the posted form is checked against the
//! subscriber as loaded and becomes a plan (`edit_form`, pure), then the plan is applied in one
//! transaction with its audit events. A save based on an older version is refused and nothing is
//! written; wallet changes need a reason while financial changes are audited.

use super::details::PinChange;
use super::edit_data::{edit_data, EditData};
use super::edit_form::{self, CustomerChoice, EditContext, Plan, WalletChange};
use crate::auth::csrf::Fields;
use crate::auth::CurrentOperator;
use crate::db::models::subscriber::{self, Subscriber, SubscriberUpdate};
use crate::db::models::subscriber_profile::{self as profile, Profile};
use crate::db::models::wallet::{self, WalletUpdate};
use crate::db::models::{SubscriberId, WalletId};
use crate::db::{write_transaction, DbConnection};
use crate::domain::subscriber::WalletState;
use crate::domain::subscriber_rules::CommentPrivilege;
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::service::access::Scope;
use crate::service::audit::{Action, AuditEvent, ObjectKind};
use crate::service::money::activation::{self, NotActivated};
use crate::service::money::changes::{self as money_changes, MoneyForm, Op};
use crate::service::money::ledger::By;
use crate::service::unique_to_field;
use crate::state::{blocking, with_conn, AppState};

/// What a save of the edit screen ended in.
pub enum SaveOutcome {
    Saved,
    /// The form asks for no change: nothing was written.
    Unchanged,
    /// Rules refused the form: the screen as it stands, and the form with its messages.
    Invalid(Box<EditData>, FormState),
    /// Someone saved in between: nothing was written; the screen as it stands now.
    Stale(Box<EditData>),
}

/// Two saves of the same card number or subscriber ID at once: the indexes decide, and whichever
/// unique index it was, the message goes on the card number.
const TAKEN_MEANWHILE: &str =
    "This card number, subscriber ID or name was just taken by someone else; check and save again.";

/// Who saves: the audit actor, and the author of a new comment.
struct SavedBy {
    actor: String,
    id: i64,
    name: String,
}

/// Saves the posted edit form of subscriber `id` (404 outside the operator's scope).
#[tracing::instrument(skip(state, op, fields), fields(operator = %op.username))]
pub async fn save(
    state: &AppState,
    op: &CurrentOperator,
    id: SubscriberId,
    fields: Fields,
) -> AppResult<SaveOutcome> {
    let scope = op.service_provider_id;
    let operator = op.id;
    let data = with_conn(state, move |conn| edit_data(conn, scope, operator, id)).await?;
    let plan = match plan(&data, op, &fields) {
        Ok(plan) => plan,
        Err(NoPlan::Unchanged) => return Ok(SaveOutcome::Unchanged),
        Err(NoPlan::Stale) => return Ok(SaveOutcome::Stale(Box::new(data))),
        Err(NoPlan::Invalid(f)) => return Ok(SaveOutcome::Invalid(Box::new(data), f)),
    };
    let plan = hash_pin(plan).await?;
    let version = data.subscriber.version;
    let posted = edit_form::posted_state(&fields);
    let by = SavedBy {
        actor: op.actor(),
        id: op.id,
        name: op.username.clone(),
    };
    with_conn(state, move |conn| {
        commit(conn, scope, id.0, version, plan, posted, &by)
    })
    .await
}

/// "Save & execute": saves the posted edit form (as `save`) and executes the adjustment it
/// carries on `wallet`, in one transaction; a refusal of either changes nothing (422 with the
/// message on the screen's field). An edit form with no change executes the adjustment alone.
#[tracing::instrument(skip(state, op, fields, money), fields(operator = %op.username))]
pub async fn save_and_adjust(
    state: &AppState,
    op: &CurrentOperator,
    id: SubscriberId,
    fields: Fields,
    wallet: WalletId,
    money: MoneyForm,
) -> AppResult<SaveOutcome> {
    let scope = op.service_provider_id;
    let operator = op.id;
    let data = with_conn(state, move |conn| edit_data(conn, scope, operator, id)).await?;
    let plan = match plan(&data, op, &fields) {
        Ok(plan) => Some(hash_pin(plan).await?),
        Err(NoPlan::Unchanged) => None,
        Err(NoPlan::Stale) => return Ok(SaveOutcome::Stale(Box::new(data))),
        Err(NoPlan::Invalid(f)) => return Ok(SaveOutcome::Invalid(Box::new(data), f)),
    };
    let version = data.subscriber.version;
    let posted = edit_form::posted_state(&fields);
    let by = SavedBy {
        actor: op.actor(),
        id: op.id,
        name: op.username.clone(),
    };
    let who = op.clone();
    with_conn(state, move |conn| {
        let result = write_transaction(conn, |conn| {
            // The screen's wallet version is checked before the save moves it on.
            if let Some(m) = money_changes::stale_message(conn, wallet.0, &money.wallet_version)? {
                let mut f = posted.clone();
                f.error("amount", m);
                return Err(NotSaved::Invalid(f));
            }
            if let Some(plan) = plan {
                apply(conn, id.0, version, plan, posted.clone(), &by)?;
            }
            let mut money = money.clone();
            money.wallet_version.clear();
            match money_changes::apply_within(conn, &who, wallet, id.0, Op::Adjust, &money) {
                Ok(Ok(())) => Ok(()),
                Ok(Err((field, m))) => {
                    let mut f = posted.clone();
                    f.error(field, m);
                    Err(NotSaved::Invalid(f))
                }
                Err(AppError::Db(e)) => Err(NotSaved::Db(e)),
                Err(e) => Err(NotSaved::App(e)),
            }
        });
        finish(conn, scope, id.0, result, posted, &by)
    })
    .await
}

/// A refusal of the action a "Save & execute" runs: the field its message goes next to.
pub type ActionRefusal = (String, String);

/// "Save & execute" of an action of the edit screen (a credit transfer, a BPL task): checks the
/// screen's wallet `versions` (wallet id, version shown) before the save moves them on, saves
/// the posted edit form (as `save`; an unchanged form saves nothing) and runs `action` in the
/// same transaction; a refusal of either changes nothing (422, the message at its field).
#[tracing::instrument(skip(state, op, fields, versions, action), fields(operator = %op.username))]
pub async fn save_and_run<T, F>(
    state: &AppState,
    op: &CurrentOperator,
    id: SubscriberId,
    fields: Fields,
    (versions, stale_field): (Vec<(i64, String)>, &'static str),
    action: F,
) -> AppResult<(SaveOutcome, Option<T>)>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> AppResult<Result<T, ActionRefusal>> + Send + 'static,
{
    let scope = op.service_provider_id;
    let operator = op.id;
    let data = with_conn(state, move |conn| edit_data(conn, scope, operator, id)).await?;
    let plan = match plan(&data, op, &fields) {
        Ok(plan) => Some(hash_pin(plan).await?),
        Err(NoPlan::Unchanged) => None,
        Err(NoPlan::Stale) => return Ok((SaveOutcome::Stale(Box::new(data)), None)),
        Err(NoPlan::Invalid(f)) => return Ok((SaveOutcome::Invalid(Box::new(data), f), None)),
    };
    let version = data.subscriber.version;
    let posted = edit_form::posted_state(&fields);
    let by = SavedBy {
        actor: op.actor(),
        id: op.id,
        name: op.username.clone(),
    };
    with_conn(state, move |conn| {
        let result = write_transaction(conn, |conn| {
            for (wallet_id, shown) in &versions {
                if let Some(m) = money_changes::stale_message(conn, *wallet_id, shown)? {
                    let mut f = posted.clone();
                    f.error(stale_field, m);
                    return Err(NotSaved::Invalid(f));
                }
            }
            if let Some(plan) = plan {
                apply(conn, id.0, version, plan, posted.clone(), &by)?;
            }
            match action(conn) {
                Ok(Ok(value)) => Ok(value),
                Ok(Err((field, m))) => {
                    let mut f = posted.clone();
                    f.error(&field, m);
                    Err(NotSaved::Invalid(f))
                }
                Err(AppError::Db(e)) => Err(NotSaved::Db(e)),
                Err(e) => Err(NotSaved::App(e)),
            }
        });
        let (result, value) = match result {
            Ok(v) => (Ok(()), Some(v)),
            Err(e) => (Err(e), None),
        };
        Ok((finish(conn, scope, id.0, result, posted, &by)?, value))
    })
    .await
}

/// Why there is nothing to apply.
enum NoPlan {
    Unchanged,
    Stale,
    Invalid(FormState),
}

/// form → plan: checks the posted form against the screen as loaded (no database).
fn plan(data: &EditData, op: &CurrentOperator, fields: &Fields) -> Result<Plan, NoPlan> {
    let posted_version = fields.get("version").unwrap_or("").trim().to_string();
    if posted_version != data.subscriber.version.to_string() {
        return Err(NoPlan::Stale);
    }
    let ctx = EditContext {
        subscriber: &data.subscriber,
        profile: &data.profile,
        wallets: &data.wallets,
        languages: &data.languages,
        product_types: &data.product_types,
        currencies: &data.currency_options,
        cugs: &data.cugs,
        audit_on: data.audit_on,
        privilege: CommentPrivilege::for_role(op.role),
        me: op.id,
    };
    let plan = edit_form::parse(fields, &ctx).map_err(NoPlan::Invalid)?;
    if plan.wallets.iter().any(|w| w.changed_meanwhile) {
        return Err(NoPlan::Stale);
    }
    if plan.is_empty() {
        return Err(NoPlan::Unchanged);
    }
    Ok(plan)
}

/// Puts the new PIN's hash (hashed off the async workers) or its removal into the row.
async fn hash_pin(mut plan: Plan) -> AppResult<Plan> {
    if let Some(PinChange::Set(pin)) = &plan.pin {
        let pin = pin.as_str().to_string();
        let hash = blocking(move || Ok(crate::auth::password::hash(&pin)?)).await?;
        if let Some(row) = plan.row.as_mut() {
            row.pin_hash = Some(hash);
        }
    } else if let (Some(PinChange::Remove), Some(row)) = (&plan.pin, plan.row.as_mut()) {
        row.pin_hash = None;
    }
    Ok(plan)
}

/// Why a save did not happen, decided inside the transaction (which then rolls back).
enum NotSaved {
    Stale,
    Invalid(FormState),
    Db(diesel::result::Error),
    App(AppError),
}

impl From<diesel::result::Error> for NotSaved {
    fn from(e: diesel::result::Error) -> Self {
        NotSaved::Db(e)
    }
}

/// plan → apply, in one transaction; a refusal answers with the screen as it stands now.
fn commit(
    conn: &mut DbConnection,
    scope: Scope,
    id: i64,
    version: i32,
    plan: Plan,
    posted: FormState,
    by: &SavedBy,
) -> AppResult<SaveOutcome> {
    let result = write_transaction(conn, |conn| {
        apply(conn, id, version, plan, posted.clone(), by)
    });
    finish(conn, scope, id, result, posted, by)
}

/// What a save's transaction ended in, as the outcome (a refusal shows the screen as it stands).
fn finish(
    conn: &mut DbConnection,
    scope: Scope,
    id: i64,
    result: Result<(), NotSaved>,
    posted: FormState,
    by: &SavedBy,
) -> AppResult<SaveOutcome> {
    let refused = match result {
        Ok(()) => return Ok(SaveOutcome::Saved),
        Err(NotSaved::Stale) => None,
        Err(NotSaved::Invalid(f)) => Some(f),
        Err(NotSaved::App(e)) => return Err(e),
        Err(NotSaved::Db(e)) => {
            let mut f = posted;
            unique_to_field(
                AppError::Db(e),
                &mut f,
                &[("", "card_number", TAKEN_MEANWHILE)],
            )?;
            Some(f)
        }
    };
    let data = Box::new(edit_data(conn, scope, by.id, SubscriberId(id))?);
    Ok(match refused {
        Some(f) => SaveOutcome::Invalid(data, f),
        None => SaveOutcome::Stale(data),
    })
}

fn apply(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    mut plan: Plan,
    f: FormState,
    by: &SavedBy,
) -> Result<(), NotSaved> {
    let before: Subscriber = subscriber::find(conn, SubscriberId(id))?.ok_or(NotSaved::Stale)?;
    if before.version != version {
        return Err(NotSaved::Stale);
    }
    let before_profile = profile::load(conn, id)?;
    let wallet_updates = check(conn, &before, &mut plan, f.clone())?;
    let row = plan
        .row
        .clone()
        .unwrap_or_else(|| SubscriberUpdate::from_row(&before));
    // Every save moves the version on, so a second form opened earlier is refused.
    subscriber::update(conn, id, version, &row)?.ok_or(NotSaved::Stale)?;
    apply_lists(conn, id, &plan, by)?;
    apply_zones(conn, id, &plan)?;
    if plan.touches_subscriber() {
        audit_subscriber(conn, &before, &before_profile, &plan, by)?;
    }
    apply_wallets(conn, id, wallet_updates, plan.reason.as_deref(), by, f)
}

/// The rules that need the database: uniqueness, and customers named by account code. Returns
/// each wallet change with its customer resolved.
fn check(
    conn: &mut DbConnection,
    before: &Subscriber,
    plan: &mut Plan,
    mut f: FormState,
) -> Result<Vec<(WalletChange, WalletUpdate)>, NotSaved> {
    let (id, sp) = (before.id, before.service_provider_id);
    if let Some(row) = &plan.row {
        if subscriber::card_taken(conn, sp, &row.card_number, Some(id))? {
            f.error(
                "card_number",
                "Another subscriber of this service provider has this card number.",
            );
        }
        if subscriber::cli_taken(conn, sp, &row.cli, Some(id))? {
            f.error(
                "subscriber_id",
                "Another subscriber of this service provider has this subscriber ID.",
            );
        }
    }
    let mut wallet_updates = Vec::new();
    for change in std::mem::take(&mut plan.wallets) {
        let mut update = change.update.clone();
        if let CustomerChoice::Code(code) = &change.customer {
            match wallet::customer_by_account(conn, sp, code)? {
                Some(c) => update.customer_id = Some(c.id),
                None => f.error(
                    &format!("{}_customer", change.wallet_type),
                    "No customer of this service provider has this account code.",
                ),
            }
        }
        wallet_updates.push((change, update));
    }
    if f.has_errors() {
        return Err(NotSaved::Invalid(f));
    }
    Ok(wallet_updates)
}

/// Number lists, short codes, closed user groups and comments.
fn apply_lists(
    conn: &mut DbConnection,
    id: i64,
    plan: &Plan,
    by: &SavedBy,
) -> Result<(), NotSaved> {
    for n in &plan.numbers_remove {
        profile::delete_number(conn, id, *n)?;
    }
    for (list, number) in &plan.numbers_add {
        profile::add_number(conn, id, list, number)?;
    }
    for c in &plan.codes_remove {
        profile::delete_short_code(conn, id, *c)?;
    }
    for (c, number) in &plan.codes_update {
        profile::update_short_code(conn, id, *c, number)?;
    }
    for (code, number) in &plan.codes_add {
        profile::add_short_code(conn, id, code, number)?;
    }
    if let Some(cugs) = &plan.cugs {
        profile::set_cugs(conn, id, cugs)?;
    }
    for c in &plan.comments_delete {
        profile::delete_comment(conn, id, *c)?;
    }
    for (c, text) in &plan.comments_update {
        profile::update_comment(conn, id, *c, text)?;
    }
    if let Some(text) = &plan.comment_add {
        profile::add_comment(conn, id, by.id, &by.name, text)?;
    }
    Ok(())
}

/// Zones and their shapes.
fn apply_zones(conn: &mut DbConnection, id: i64, plan: &Plan) -> Result<(), NotSaved> {
    for s in &plan.shapes_delete {
        profile::delete_shape(conn, *s)?;
    }
    for z in &plan.zones_delete {
        profile::delete_zone(conn, id, *z)?;
    }
    for (s, shape) in &plan.shapes_update {
        profile::update_shape(conn, *s, shape)?;
    }
    for (z, name) in &plan.zones_rename {
        profile::rename_zone(conn, id, *z, name)?;
    }
    for (z, shape) in &plan.shapes_add {
        profile::add_shape(conn, *z, shape)?;
    }
    if let Some((name, shape)) = &plan.zone_add {
        let z = profile::add_zone(conn, id, name)?;
        profile::add_shape(conn, z, shape)?;
    }
    Ok(())
}

/// The subscriber's update event: its image with the profile before and after (a new PIN shows
/// as `pin_changed`, never as a value).
fn audit_subscriber(
    conn: &mut DbConnection,
    before: &Subscriber,
    before_profile: &Profile,
    plan: &Plan,
    by: &SavedBy,
) -> Result<(), NotSaved> {
    let id = before.id;
    let after = subscriber::find(conn, SubscriberId(id))?.ok_or(NotSaved::Stale)?;
    let after_profile = profile::load(conn, id)?;
    let mut after_image = profile::audit_image(&after, &after_profile);
    if let (Some(PinChange::Set(_)), Some(img)) = (&plan.pin, after_image.as_mut()) {
        if let Some(obj) = img.as_object_mut() {
            obj.insert("pin_changed".into(), serde_json::json!(true));
        }
    }
    let mut event =
        AuditEvent::new(ObjectKind::Subscriber, id, Action::Update).reason(plan.reason.as_deref());
    event.before = profile::audit_image(before, before_profile);
    event.after = after_image;
    event.write(conn, &by.actor)?;
    Ok(())
}

/// The wallet changes, version-checked, each with its update event; a product type change is
/// also recorded as a product swap; pre-use → active applies the activation bonus (refused
/// whole under a reject maximum: the message goes on the state field).
fn apply_wallets(
    conn: &mut DbConnection,
    subscriber_id: i64,
    updates: Vec<(WalletChange, WalletUpdate)>,
    reason: Option<&str>,
    by: &SavedBy,
    mut f: FormState,
) -> Result<(), NotSaved> {
    for (change, update) in updates {
        let before_w = wallet::find(conn, WalletId(change.wallet_id))?.ok_or(NotSaved::Stale)?;
        let after_w = wallet::update(conn, change.wallet_id, change.version, &update)?
            .ok_or(NotSaved::Stale)?;
        if before_w.state == WalletState::PreUse && after_w.state == WalletState::Active {
            let who = By {
                operator_name: &by.name,
                reason,
            };
            match activation::apply_bonus(conn, &after_w, Some(subscriber_id), &who, &by.actor) {
                Ok(()) => {}
                Err(NotActivated::Refused(m)) => {
                    f.error(&format!("{}_state", change.wallet_type), m);
                    return Err(NotSaved::Invalid(f));
                }
                Err(NotActivated::Db(e)) => return Err(NotSaved::Db(e)),
            }
        }
        let mut event =
            AuditEvent::updated(ObjectKind::Wallet, after_w.id, &before_w, &after_w).reason(reason);
        if before_w.product_type_id != after_w.product_type_id {
            wallet::record_product_swap(
                conn,
                after_w.id,
                before_w.product_type_id,
                after_w.product_type_id,
                change.bill_swap,
                &by.actor,
            )?;
            if let Some(obj) = event.after.as_mut().and_then(|v| v.as_object_mut()) {
                obj.insert(
                    "bill_for_product_swap".into(),
                    serde_json::json!(change.bill_swap),
                );
            }
        }
        event.write(conn, &by.actor)?;
    }
    Ok(())
}
