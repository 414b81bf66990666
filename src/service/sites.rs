//! Sites of a customer: the site form and its rules, create, edit (refused whole when stale),
//! delete (its access links go with it), each audited; and the edit page's data with the site's
//! own history. A demo customer's sites can no longer be created or changed, only deleted.

use super::audit::{self, AuditEvent, ObjectKind};
use super::customers::editable;
use super::Refusal;
use crate::db::models::audit::AuditEntry;
use crate::db::models::customer::Customer;
use crate::db::models::site::{self, NewSite, Site, SiteUpdate};
use crate::db::models::SiteId;
use crate::db::{write_transaction, DbConnection};
use crate::domain::{Country, Description, FormState, LongText, ObjectName, TimeZone};
use crate::error::{AppError, AppResult};
use crate::service::access::{refuse_if_demo, site_visible, Scope};
use serde::Deserialize;

/// How many entries of its own history the edit page shows.
pub const HISTORY: i64 = 50;

/// The site form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SiteForm {
    pub csrf_token: String,
    pub name: String,
    pub description: String,
    pub address: String,
    pub country: String,
    pub time_zone: String,
    pub version: String,
}

/// A site form that parsed: every field valid.
#[derive(Debug)]
pub struct ValidSite {
    pub name: String,
    pub description: String,
    pub address: String,
    pub country: &'static str,
    pub time_zone: &'static str,
}

impl SiteForm {
    /// The stored site as the edit form shows it.
    pub fn of(s: &Site) -> SiteForm {
        SiteForm {
            name: s.name.clone(),
            description: s.description.clone(),
            address: s.address.clone(),
            country: s.country.clone(),
            time_zone: s.time_zone.clone(),
            ..Default::default()
        }
    }

    /// The typed values to show again.
    pub fn state(&self) -> FormState {
        let mut f = FormState::default();
        f.set("name", &self.name);
        f.set("description", &self.description);
        f.set("address", &self.address);
        f.set("country", &self.country);
        f.set("time_zone", &self.time_zone);
        f
    }

    /// Checks every field; refused: the typed values with a message per field.
    pub fn parse(&self) -> Result<ValidSite, FormState> {
        let mut f = self.state();
        let name = f.check("name", ObjectName::parse(&self.name));
        let description = f.check("description", Description::parse(&self.description));
        let address = f.check("address", LongText::parse(&self.address));
        let country = f.check("country", Country::parse(&self.country));
        let time_zone = f.check("time_zone", TimeZone::parse_or_of(&self.time_zone, country));
        match (name, description, address, country, time_zone) {
            (Some(name), Some(description), Some(address), Some(country), Some(time_zone)) => {
                Ok(ValidSite {
                    name: name.into_inner(),
                    description: description.into_inner(),
                    address: address.into_inner(),
                    country: country.code(),
                    time_zone: time_zone.as_str(),
                })
            }
            _ => Err(f),
        }
    }
}

/// What became of a new site's form.
#[derive(Debug)]
pub enum CreateOutcome {
    Created(Site),
    /// Refused: the typed values with a message per field, and the customer for the page.
    Invalid(FormState, Box<Customer>),
}

/// Adds a site to a visible, live customer.
#[tracing::instrument(skip(conn, form))]
pub fn create(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    form: &SiteForm,
) -> AppResult<CreateOutcome> {
    let c = editable(conn, scope, customer_id)?;
    let valid = match form.parse() {
        Ok(v) => v,
        Err(f) => return Ok(CreateOutcome::Invalid(f, Box::new(c))),
    };
    let s = write_transaction(conn, |conn| {
        let now = crate::db::now();
        let s = site::insert(
            conn,
            &NewSite {
                customer_id: c.id,
                name: valid.name,
                description: valid.description,
                address: valid.address,
                country: valid.country.to_string(),
                time_zone: valid.time_zone.to_string(),
                created_at: now,
                updated_at: now,
            },
        )?;
        AuditEvent::created(ObjectKind::Site, s.id, &s).write(conn, actor)?;
        Ok::<_, AppError>(s)
    })?;
    Ok(CreateOutcome::Created(s))
}

/// What the edit form shows: the site, its customer and the site's own history.
#[derive(Debug)]
pub struct EditForm {
    pub site: Site,
    pub customer: Customer,
    pub history: Vec<AuditEntry>,
}

/// The edit form of a visible site of a live customer.
#[tracing::instrument(skip(conn))]
pub fn edit_form(conn: &mut DbConnection, scope: Scope, site_id: SiteId) -> AppResult<EditForm> {
    let (site, customer) = site_visible(conn, scope, site_id.0)?;
    refuse_if_demo(&customer)?;
    with_history(conn, site, customer)
}

fn with_history(conn: &mut DbConnection, site: Site, customer: Customer) -> AppResult<EditForm> {
    Ok(EditForm {
        history: audit::history(conn, ObjectKind::Site, site.id, HISTORY)?,
        site,
        customer,
    })
}

/// What became of an edit.
#[derive(Debug)]
pub enum UpdateOutcome {
    /// The site as saved.
    Saved(Site),
    /// Refused: why, the form to show again (the site as it was) and the posted version.
    Refused(Refusal, Box<EditForm>, i32),
}

const STALE: &str = "Someone else changed this site after you opened the form, so nothing was \
                     saved. Open the form again to see their change.";

/// Saves the posted form over a visible site of a live customer.
#[tracing::instrument(skip(conn, form))]
pub fn update(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    site_id: SiteId,
    form: &SiteForm,
) -> AppResult<UpdateOutcome> {
    let (before, customer) = site_visible(conn, scope, site_id.0)?;
    refuse_if_demo(&customer)?;
    let version: i32 = form.version.trim().parse().map_err(|_| {
        AppError::BadRequest("The form is missing its version; reload the page.".into())
    })?;
    let valid = match form.parse() {
        Ok(v) => v,
        Err(f) => return refused(conn, Refusal::Invalid(f), before, customer, version),
    };
    let saved = write_transaction(conn, |conn| {
        let changes = SiteUpdate {
            name: valid.name,
            description: valid.description,
            address: valid.address,
            country: valid.country.to_string(),
            time_zone: valid.time_zone.to_string(),
            updated_at: crate::db::now(),
        };
        let Some(after) = site::update(conn, before.id, version, &changes)? else {
            return Ok(None);
        };
        AuditEvent::updated(ObjectKind::Site, after.id, &before, &after).write(conn, actor)?;
        Ok::<_, AppError>(Some(after))
    })?;
    match saved {
        Some(after) => Ok(UpdateOutcome::Saved(after)),
        None => {
            let mut f = form.state();
            f.error("name", STALE);
            refused(conn, Refusal::Stale(f), before, customer, version)
        }
    }
}

fn refused(
    conn: &mut DbConnection,
    refusal: Refusal,
    site: Site,
    customer: Customer,
    version: i32,
) -> AppResult<UpdateOutcome> {
    let page = with_history(conn, site, customer)?;
    Ok(UpdateOutcome::Refused(refusal, Box::new(page), version))
}

/// Deletes a visible site (of a demo customer too) with its access links; returns it as it was.
#[tracing::instrument(skip(conn))]
pub fn delete(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    site_id: SiteId,
) -> AppResult<Site> {
    let (s, _) = site_visible(conn, scope, site_id.0)?;
    write_transaction(conn, |conn| {
        site::delete(conn, SiteId(s.id))?;
        AuditEvent::deleted(ObjectKind::Site, s.id, &s).write(conn, actor)?;
        Ok::<_, AppError>(())
    })?;
    Ok(s)
}
