//! The edit screen: GET `/subscribers/{id}` (every role may look), POST `/subscribers/{id}` saves
//! every panel at once. A save based on an older version is refused and nothing is written;
//! wallet changes need a reason while financial changes are audited.

use super::details::PinChange;
use super::edit_form::{self, CustomerChoice, EditContext, Plan};
use super::edit_view::{self, EditData, EditPage};
use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::subscriber::{self, Subscriber};
use crate::db::models::subscriber_profile as profile;
use crate::db::models::wallet;
use crate::db::{write_transaction, DbConnection};
use crate::domain::subscriber_rules::CommentPrivilege;
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};

pub async fn page(
    op: CurrentOperator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<EditPage> {
    let id = path.into_inner();
    let sp = op.service_provider_id;
    let data = with_conn(&state, move |conn| edit_view::load(conn, sp, id)).await?;
    let form = edit_view::saved_state(&data);
    Ok(edit_view::page(
        Layout::for_operator(&op, &flashes),
        data,
        form,
        &op,
        false,
    ))
}

/// Why a save did not happen, decided inside the transaction (which then rolls back).
enum NotSaved {
    Stale,
    Invalid(FormState),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for NotSaved {
    fn from(e: diesel::result::Error) -> Self {
        NotSaved::Db(e)
    }
}

pub async fn save(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let op = editor.0;
    let id = path.into_inner();
    let fields = form.0;
    let sp = op.service_provider_id;
    let data = with_conn(&state, move |conn| edit_view::load(conn, sp, id)).await?;
    let layout = Layout::for_operator(&op, &flashes);

    let posted_version = fields.get("version").unwrap_or("").trim().to_string();
    if posted_version != data.subscriber.version.to_string() {
        return stale(layout, data, &op);
    }
    let parsed = {
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
        edit_form::parse(&fields, &ctx)
    };
    let mut plan = match parsed {
        Ok(plan) => plan,
        Err(f) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_view::page(layout, data, f, &op, false),
            )
        }
    };
    if plan.wallets.iter().any(|w| w.changed_meanwhile) {
        return stale(layout, data, &op);
    }
    if plan.is_empty() {
        FlashMessage::info("Nothing was changed, so nothing was saved.").send();
        return Ok(see_other(&format!("/subscribers/{id}")));
    }
    if let Some(PinChange::Set(pin)) = &plan.pin {
        let pin = pin.as_str().to_string();
        let hash = web::block(move || crate::auth::password::hash(&pin)).await??;
        if let Some(row) = plan.row.as_mut() {
            row.pin_hash = Some(hash);
        }
    } else if let (Some(PinChange::Remove), Some(row)) = (&plan.pin, plan.row.as_mut()) {
        row.pin_hash = None;
    }
    let version = data.subscriber.version;
    let posted = edit_form::posted_state(&fields);
    let actor = op.actor();
    let (me, my_name) = (op.id, op.username.clone());
    let outcome = with_conn(&state, move |conn| {
        let result = write_transaction(conn, |conn| {
            apply(conn, id, version, plan, posted, &actor, me, &my_name)
        });
        match result {
            Ok(()) => Ok(None),
            Err(NotSaved::Db(e)) => Err(AppError::Db(e)),
            Err(other) => Ok(Some(other)),
        }
    })
    .await;
    match outcome {
        Ok(None) => {
            FlashMessage::success("Subscriber saved.").send();
            Ok(see_other(&format!("/subscribers/{id}")))
        }
        Ok(Some(NotSaved::Invalid(f))) => {
            let data = with_conn(&state, move |conn| edit_view::load(conn, sp, id)).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_view::page(Layout::for_operator(&op, &flashes), data, f, &op, false),
            )
        }
        Ok(Some(_)) => {
            let data = with_conn(&state, move |conn| edit_view::load(conn, sp, id)).await?;
            stale(Layout::for_operator(&op, &flashes), data, &op)
        }
        // Two saves of the same card number or subscriber ID at once: the indexes decide.
        Err(AppError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => {
            let data = with_conn(&state, move |conn| edit_view::load(conn, sp, id)).await?;
            let mut f = edit_form::posted_state(&fields);
            f.error(
                "card_number",
                "This card number, subscriber ID or name was just taken by someone else; check and save again.",
            );
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_view::page(Layout::for_operator(&op, &flashes), data, f, &op, false),
            )
        }
        Err(e) => Err(e),
    }
}

/// 409: someone saved in between; the page shows what is saved now, nothing of the form.
fn stale(layout: Layout, data: EditData, op: &CurrentOperator) -> AppResult<HttpResponse> {
    let form = edit_view::saved_state(&data);
    render(
        StatusCode::CONFLICT,
        &edit_view::page(layout, data, form, op, true),
    )
}

#[allow(clippy::too_many_arguments)]
fn apply(
    conn: &mut DbConnection,
    id: i64,
    version: i32,
    mut plan: Plan,
    mut f: FormState,
    actor: &str,
    me: i64,
    my_name: &str,
) -> Result<(), NotSaved> {
    let before: Subscriber = subscriber::find(conn, id)?.ok_or(NotSaved::Stale)?;
    if before.version != version {
        return Err(NotSaved::Stale);
    }
    let before_profile = profile::load(conn, id)?;
    let sp = before.service_provider_id;

    // Checks that need the database: uniqueness and customers named by account code.
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

    let row = plan
        .row
        .clone()
        .unwrap_or_else(|| subscriber::SubscriberUpdate::from_row(&before));
    // Every save moves the version on, so a second form opened earlier is refused.
    subscriber::update(conn, id, version, &row)?.ok_or(NotSaved::Stale)?;
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
        profile::add_comment(conn, id, me, my_name, text)?;
    }
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
    let reason = plan.reason.as_deref();
    if plan.touches_subscriber() {
        let after = subscriber::find(conn, id)?.ok_or(NotSaved::Stale)?;
        let after_profile = profile::load(conn, id)?;
        let mut after_image = profile::audit_image(&after, &after_profile);
        if let (Some(PinChange::Set(_)), Some(img)) = (&plan.pin, after_image.as_mut()) {
            if let Some(obj) = img.as_object_mut() {
                obj.insert("pin_changed".into(), serde_json::json!(true));
            }
        }
        audit::record(
            conn,
            Change {
                actor,
                action: "update",
                object_type: "subscriber",
                object_id: id,
                before: profile::audit_image(&before, &before_profile),
                after: after_image,
                reason,
            },
        )?;
    }
    for (change, update) in wallet_updates {
        let before_w = wallet::find(conn, change.wallet_id)?.ok_or(NotSaved::Stale)?;
        let after_w = wallet::update(conn, change.wallet_id, change.version, &update)?
            .ok_or(NotSaved::Stale)?;
        let mut after_image = audit::image(&after_w);
        if before_w.product_type_id != after_w.product_type_id {
            wallet::record_product_swap(
                conn,
                after_w.id,
                before_w.product_type_id,
                after_w.product_type_id,
                change.bill_swap,
                actor,
            )?;
            if let Some(obj) = after_image.as_mut().and_then(|v| v.as_object_mut()) {
                obj.insert(
                    "bill_for_product_swap".into(),
                    serde_json::json!(change.bill_swap),
                );
            }
        }
        audit::record(
            conn,
            Change {
                actor,
                action: "update",
                object_type: "wallet",
                object_id: after_w.id,
                before: audit::image(&before_w),
                after: after_image,
                reason,
            },
        )?;
    }
    Ok(())
}
