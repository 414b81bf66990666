//! A customer's packages and numbers: package quantities, DID ranges (never overlapping any
//! customer's), CPN substitutions and emergency response locations. Everyone may look; every
//! change is audited; a demo customer's are frozen.

use super::audit::{AuditEvent, ObjectKind};
use super::customers::editable;
use crate::auth::csrf::Fields;
use crate::db::models::customer::{self, Customer, CustomerId};
use crate::db::models::customer_user;
use crate::db::models::numbers::{self, Cpn, DidRangeRow, EmergencyLocation, NewEmergencyLocation};
use crate::db::models::packages::{self, Package};
use crate::db::{write_transaction, DbConnection};
use crate::domain::{
    parse_int_in, DialNumber, DidField, DidRange, FormState, LongText, ObjectName, PartyName,
};
use crate::error::{AppError, AppResult};
use crate::service::access::{customer_visible, Scope};
use crate::service::customer_users::billing_changes;
use serde::Serialize;

/// What the numbers page shows of a customer.
#[derive(Debug)]
pub struct Numbers {
    pub customer: Customer,
    pub packages: Vec<Package>,
    /// `(package id, quantity)` of the packages the customer holds.
    pub quantities: Vec<(i64, i64)>,
    pub dids: Vec<DidRangeRow>,
    pub cpns: Vec<Cpn>,
    pub emergency: Vec<EmergencyLocation>,
}

/// The numbers page of a visible customer.
#[tracing::instrument(skip(conn))]
pub fn numbers(conn: &mut DbConnection, scope: Scope, customer_id: i64) -> AppResult<Numbers> {
    let customer = customer_visible(conn, scope, customer_id)?;
    Ok(Numbers {
        packages: packages::list(conn)?,
        quantities: packages::quantities(conn, customer.id)?,
        dids: numbers::dids(conn, customer.id)?,
        cpns: numbers::cpns(conn, customer.id)?,
        emergency: numbers::emergency(conn, customer.id)?,
        customer,
    })
}

/// What became of a change.
#[derive(Debug)]
pub enum Changed {
    Done,
    /// Kept as a pending billing change until the customer accepts it (quantities only).
    Pending,
    /// Refused: the typed values with a message per field; nothing was saved.
    Invalid(FormState),
}

/// The form field of a package's quantity.
pub fn quantity_field(package_id: i64) -> String {
    format!("qty_{package_id}")
}

/// Sets the quantities of every package (an empty field is zero), refused below what the
/// customer's users hold; kept as a pending billing change when the customer must confirm.
#[tracing::instrument(skip(conn, fields))]
pub fn set_packages(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let mut f = FormState::default();
    let mut wanted = Vec::new();
    for p in packages::list(conn)? {
        let field = quantity_field(p.id);
        let typed = fields.get(&field).unwrap_or("0");
        f.set(&field, typed);
        let typed = if typed.trim().is_empty() { "0" } else { typed };
        if let Some(q) = f.check(&field, parse_int_in(typed, 0, 1_000_000)) {
            wanted.push((p.id, q));
        }
    }
    if f.has_errors() {
        return Ok(Changed::Invalid(f));
    }
    let refused = write_transaction(conn, |conn| {
        // Users are counted and quantities changed while holding the customer's row, so a
        // user added meanwhile cannot slip under a lowered quantity.
        customer::lock(conn, CustomerId(c.id))?;
        if let Some(f) = below_use(conn, c.id, &wanted, f.clone())? {
            return Ok(Some(Err(f)));
        }
        if billing_changes::needs_confirmation(conn, c.id)? {
            billing_changes::request(conn, actor, c.id, &wanted)?;
            return Ok(Some(Ok(())));
        }
        let before = packages::quantities(conn, c.id)?;
        packages::set_quantities(conn, c.id, &wanted)?;
        let after = packages::quantities(conn, c.id)?;
        AuditEvent::updated(ObjectKind::CustomerPackages, c.id, &before, &after)
            .write(conn, actor)?;
        Ok::<_, AppError>(None)
    })?;
    Ok(match refused {
        Some(Err(f)) => Changed::Invalid(f),
        Some(Ok(())) => Changed::Pending,
        None => Changed::Done,
    })
}

/// The form with a message at each quantity that would fall below what the customer's users
/// hold (the count in use named), or `None` when every wanted quantity covers its use.
pub fn below_use(
    conn: &mut DbConnection,
    customer_id: i64,
    wanted: &[(i64, i64)],
    mut f: FormState,
) -> AppResult<Option<FormState>> {
    for (id, used) in customer_user::in_use(conn, customer_id)? {
        let want = wanted
            .iter()
            .find(|(p, _)| *p == id)
            .map(|(_, q)| *q)
            .unwrap_or(0);
        if used > want {
            f.error(
                &quantity_field(id),
                format!(
                    "{used} in use by this customer's users: the quantity cannot be lower than {used}."
                ),
            );
        }
    }
    Ok(f.has_errors().then_some(f))
}

/// The typed values of `keys`, to show again.
fn typed(fields: &Fields, keys: &[&str]) -> FormState {
    let mut f = FormState::default();
    for k in keys {
        f.set(k, fields.get(k).unwrap_or(""));
    }
    f
}

/// Adds a DID range, refused when it overlaps a range of any customer.
#[tracing::instrument(skip(conn, fields))]
pub fn add_did(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let mut f = typed(fields, &["did_start", "did_end"]);
    let range = match DidRange::parse(f.value("did_start"), f.value("did_end")) {
        Ok(r) => r,
        Err((field, m)) => {
            let name = match field {
                DidField::Start => "did_start",
                DidField::End => "did_end",
            };
            f.error(name, m);
            return Ok(Changed::Invalid(f));
        }
    };
    let clash = write_transaction(conn, |conn| {
        numbers::lock_ranges(conn)?;
        if let Some((held, company, holder_sp)) = numbers::overlapping(conn, &range)? {
            // An operator limited to one provider does not learn other providers' customers.
            let holder = if scope.is_none_or(|sp| sp == holder_sp) {
                company
            } else {
                "a customer of another service provider".into()
            };
            return Ok(Some(format!(
                "This range overlaps {}–{}, which belongs to {holder}.",
                DidRange::show(held.digits, held.range_start),
                DidRange::show(held.digits, held.range_end),
            )));
        }
        let row = numbers::insert_did(conn, c.id, &range)?;
        AuditEvent::created(ObjectKind::DidRange, row.id, &row).write(conn, actor)?;
        Ok::<_, AppError>(None)
    })?;
    Ok(match clash {
        Some(m) => {
            f.error("did_start", m);
            Changed::Invalid(f)
        }
        None => Changed::Done,
    })
}

/// Adds a CPN substitution.
#[tracing::instrument(skip(conn, fields))]
pub fn add_cpn(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let mut f = typed(fields, &["cpn_name", "cpn_number"]);
    let name = f.check(
        "cpn_name",
        ObjectName::parse(fields.get("cpn_name").unwrap_or("")),
    );
    let number = f.check(
        "cpn_number",
        DialNumber::parse(fields.get("cpn_number").unwrap_or("")),
    );
    let (Some(name), Some(number)) = (name, number) else {
        return Ok(Changed::Invalid(f));
    };
    write_transaction(conn, |conn| {
        let row = numbers::insert_cpn(conn, c.id, name.as_str(), number.as_str())?;
        AuditEvent::created(ObjectKind::CpnSubstitution, row.id, &row).write(conn, actor)
    })?;
    Ok(Changed::Done)
}

fn location(input: &str) -> Result<LongText, String> {
    LongText::parse(input).and_then(|l| {
        if l.as_str().is_empty() {
            Err("Enter where the location is (an address or a description).".into())
        } else {
            Ok(l)
        }
    })
}

/// Adds an emergency response location.
#[tracing::instrument(skip(conn, fields))]
pub fn add_emergency(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let mut f = typed(fields, &["em_name", "em_number", "em_location", "em_zone"]);
    let get = |k: &str| fields.get(k).unwrap_or("");
    let name = f.check("em_name", PartyName::parse(get("em_name")));
    let number = f.check("em_number", DialNumber::parse(get("em_number")));
    let place = f.check("em_location", location(get("em_location")));
    let zone = f.check("em_zone", ObjectName::parse(get("em_zone")));
    let (Some(name), Some(number), Some(place), Some(zone)) = (name, number, place, zone) else {
        return Ok(Changed::Invalid(f));
    };
    let new = NewEmergencyLocation {
        customer_id: c.id,
        name: name.into_inner(),
        number: number.as_str().into(),
        location: place.into_inner(),
        zone: zone.into_inner(),
        created_at: crate::db::now(),
    };
    write_transaction(conn, |conn| {
        let row = numbers::insert_emergency(conn, &new)?;
        AuditEvent::created(ObjectKind::EmergencyLocation, row.id, &row).write(conn, actor)
    })?;
    Ok(Changed::Done)
}

/// The kinds of item on a customer's numbers page that can be deleted one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    DidRange,
    Cpn,
    EmergencyLocation,
}

/// Deletes one item of a customer's lists: it must belong to the customer (else 404).
#[tracing::instrument(skip(conn))]
pub fn delete_item(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    item: Item,
    item_id: i64,
) -> AppResult<()> {
    let c = editable(conn, scope, customer_id)?;
    let owner = (c.id, item_id, actor);
    write_transaction(conn, |conn| match item {
        Item::DidRange => {
            let found = numbers::find_did(conn, item_id)?.map(|r| (r.customer_id, r));
            delete_one(
                conn,
                owner,
                ObjectKind::DidRange,
                found,
                numbers::delete_did,
            )
        }
        Item::Cpn => {
            let found = numbers::find_cpn(conn, item_id)?.map(|r| (r.customer_id, r));
            delete_one(
                conn,
                owner,
                ObjectKind::CpnSubstitution,
                found,
                numbers::delete_cpn,
            )
        }
        Item::EmergencyLocation => {
            let found = numbers::find_emergency(conn, item_id)?.map(|r| (r.customer_id, r));
            let kind = ObjectKind::EmergencyLocation;
            delete_one(conn, owner, kind, found, numbers::delete_emergency)
        }
    })
}

/// Deletes `found` (its owner and row) if `customer_id` owns it, audited with its image.
fn delete_one<T: Serialize>(
    conn: &mut DbConnection,
    (customer_id, item_id, actor): (i64, i64, &str),
    kind: ObjectKind,
    found: Option<(i64, T)>,
    delete: fn(&mut DbConnection, i64) -> diesel::QueryResult<usize>,
) -> AppResult<()> {
    let (owner, row) = found.ok_or(AppError::NotFound)?;
    if owner != customer_id {
        return Err(AppError::NotFound);
    }
    delete(conn, item_id)?;
    AuditEvent::deleted(kind, item_id, &row).write(conn, actor)?;
    Ok(())
}
