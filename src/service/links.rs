//! Access links of a site: the link form and its rules, create, edit (refused whole when
//! stale), delete, each audited; and the edit page's data with the link's own history. A demo
//! customer's links can no longer be created or changed, only deleted.

use super::audit::{self, AuditEvent, ObjectKind};
use super::Refusal;
use crate::db::models::audit::AuditEntry;
use crate::db::models::customer::Customer;
use crate::db::models::link::{self, AccessLink, AccessLinkUpdate, NewAccessLink};
use crate::db::models::site::Site;
use crate::db::models::LinkId;
use crate::db::models::SiteId;
use crate::db::{write_transaction, DbConnection};
use crate::domain::{
    parse_int_in, Description, FormState, IpNet, LinkStatus, LinkType, ObjectName,
};
use crate::error::{AppError, AppResult};
use crate::service::access::{link_visible, refuse_if_demo, site_visible, Scope};
use serde::Deserialize;

/// How many entries of its own history the edit page shows.
pub const HISTORY: i64 = 50;

/// Highest bandwidth accepted: 1 Tbit/s in kbit/s.
const MAX_KBPS: i64 = 1_000_000_000;

/// The access link form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub csrf_token: String,
    pub name: String,
    pub description: String,
    pub link_type: String,
    pub bandwidth_down_kbps: String,
    pub bandwidth_up_kbps: String,
    pub ip_address: String,
    pub circuit_id: String,
    pub status: String,
    pub version: String,
}

/// A link form that parsed: every field valid.
#[derive(Debug)]
pub struct ValidLink {
    pub name: String,
    pub description: String,
    pub link_type: LinkType,
    pub down: i64,
    pub up: i64,
    pub ip: String,
    pub circuit_id: String,
    pub status: LinkStatus,
}

fn parse_circuit(input: &str) -> Result<String, String> {
    let t = input.trim();
    if t.chars().count() > 50 {
        return Err("A circuit id can be at most 50 characters.".into());
    }
    if t.chars().any(char::is_control) {
        return Err("The circuit id contains characters that are not allowed.".into());
    }
    Ok(t.to_string())
}

impl LinkForm {
    /// The stored link as the edit form shows it.
    pub fn of(l: &AccessLink) -> LinkForm {
        LinkForm {
            name: l.name.clone(),
            description: l.description.clone(),
            link_type: l.link_type.code().to_string(),
            bandwidth_down_kbps: l.bandwidth_down_kbps.to_string(),
            bandwidth_up_kbps: l.bandwidth_up_kbps.to_string(),
            ip_address: l.ip_address.clone(),
            circuit_id: l.circuit_id.clone(),
            status: l.status.code().to_string(),
            ..Default::default()
        }
    }

    /// The typed values to show again.
    pub fn state(&self) -> FormState {
        let mut f = FormState::default();
        for (k, v) in [
            ("name", &self.name),
            ("description", &self.description),
            ("link_type", &self.link_type),
            ("bandwidth_down_kbps", &self.bandwidth_down_kbps),
            ("bandwidth_up_kbps", &self.bandwidth_up_kbps),
            ("ip_address", &self.ip_address),
            ("circuit_id", &self.circuit_id),
            ("status", &self.status),
        ] {
            f.set(k, v.as_str());
        }
        f
    }

    /// Checks every field; refused: the typed values with a message per field.
    pub fn parse(&self) -> Result<ValidLink, FormState> {
        let mut f = self.state();
        let name = f.check("name", ObjectName::parse(&self.name));
        let description = f.check("description", Description::parse(&self.description));
        let link_type = f.check("link_type", LinkType::parse(&self.link_type));
        let down = f.check(
            "bandwidth_down_kbps",
            parse_int_in(&self.bandwidth_down_kbps, 0, MAX_KBPS),
        );
        let up = f.check(
            "bandwidth_up_kbps",
            parse_int_in(&self.bandwidth_up_kbps, 0, MAX_KBPS),
        );
        let ip = f.check("ip_address", IpNet::parse(&self.ip_address));
        let circuit_id = f.check("circuit_id", parse_circuit(&self.circuit_id));
        let status = f.check("status", LinkStatus::parse(&self.status));
        let valid = || {
            Some(ValidLink {
                name: name?.into_inner(),
                description: description?.into_inner(),
                link_type: link_type?,
                down: down?,
                up: up?,
                ip: ip?.as_str().to_string(),
                circuit_id: circuit_id?,
                status: status?,
            })
        };
        valid().ok_or(f)
    }
}

/// What became of a new link's form.
#[derive(Debug)]
pub enum CreateOutcome {
    /// The new link, and its site's customer.
    Created { link: AccessLink, customer_id: i64 },
    /// Refused: the typed values with a message per field, and the site and customer for the
    /// page.
    Invalid(FormState, Box<(Site, Customer)>),
}

/// Adds an access link to a visible site of a live customer.
#[tracing::instrument(skip(conn, form))]
pub fn create(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    site_id: SiteId,
    form: &LinkForm,
) -> AppResult<CreateOutcome> {
    let (s, c) = site_visible(conn, scope, site_id.0)?;
    refuse_if_demo(&c)?;
    let valid = match form.parse() {
        Ok(v) => v,
        Err(f) => return Ok(CreateOutcome::Invalid(f, Box::new((s, c)))),
    };
    let l = write_transaction(conn, |conn| {
        let now = crate::db::now();
        let l = link::insert(
            conn,
            &NewAccessLink {
                site_id: s.id,
                name: valid.name,
                description: valid.description,
                link_type: valid.link_type,
                bandwidth_down_kbps: valid.down,
                bandwidth_up_kbps: valid.up,
                ip_address: valid.ip,
                circuit_id: valid.circuit_id,
                status: valid.status,
                created_at: now,
                updated_at: now,
            },
        )?;
        AuditEvent::created(ObjectKind::AccessLink, l.id, &l).write(conn, actor)?;
        Ok::<_, AppError>(l)
    })?;
    Ok(CreateOutcome::Created {
        link: l,
        customer_id: c.id,
    })
}

/// What the edit form shows: the link, its site and customer, and the link's own history.
#[derive(Debug)]
pub struct EditForm {
    pub link: AccessLink,
    pub site: Site,
    pub customer: Customer,
    pub history: Vec<AuditEntry>,
}

/// The edit form of a visible link of a live customer.
#[tracing::instrument(skip(conn))]
pub fn edit_form(conn: &mut DbConnection, scope: Scope, link_id: LinkId) -> AppResult<EditForm> {
    let (link, site, customer) = link_visible(conn, scope, link_id.0)?;
    refuse_if_demo(&customer)?;
    with_history(conn, link, site, customer)
}

fn with_history(
    conn: &mut DbConnection,
    link: AccessLink,
    site: Site,
    customer: Customer,
) -> AppResult<EditForm> {
    Ok(EditForm {
        history: audit::history(conn, ObjectKind::AccessLink, link.id, HISTORY)?,
        link,
        site,
        customer,
    })
}

/// What became of an edit.
#[derive(Debug)]
pub enum UpdateOutcome {
    /// The link as saved, and its site's customer.
    Saved { link: AccessLink, customer_id: i64 },
    /// Refused: why, the form to show again (the link as it was) and the posted version.
    Refused(Refusal, Box<EditForm>, i32),
}

const STALE: &str = "Someone else changed this access link after you opened the form, so \
                     nothing was saved. Open the form again to see their change.";

/// Saves the posted form over a visible link of a live customer.
#[tracing::instrument(skip(conn, form))]
pub fn update(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    link_id: LinkId,
    form: &LinkForm,
) -> AppResult<UpdateOutcome> {
    let (before, s, c) = link_visible(conn, scope, link_id.0)?;
    refuse_if_demo(&c)?;
    let version: i32 = form.version.trim().parse().map_err(|_| {
        AppError::BadRequest("The form is missing its version; reload the page.".into())
    })?;
    let valid = match form.parse() {
        Ok(v) => v,
        Err(f) => return refused(conn, Refusal::Invalid(f), (before, s, c), version),
    };
    let saved = write_transaction(conn, |conn| {
        let changes = AccessLinkUpdate {
            name: valid.name,
            description: valid.description,
            link_type: valid.link_type,
            bandwidth_down_kbps: valid.down,
            bandwidth_up_kbps: valid.up,
            ip_address: valid.ip,
            circuit_id: valid.circuit_id,
            status: valid.status,
            updated_at: crate::db::now(),
        };
        let Some(after) = link::update(conn, before.id, version, &changes)? else {
            return Ok(None);
        };
        AuditEvent::updated(ObjectKind::AccessLink, after.id, &before, &after)
            .write(conn, actor)?;
        Ok::<_, AppError>(Some(after))
    })?;
    match saved {
        Some(after) => Ok(UpdateOutcome::Saved {
            link: after,
            customer_id: c.id,
        }),
        None => {
            let mut f = form.state();
            f.error("name", STALE);
            refused(conn, Refusal::Stale(f), (before, s, c), version)
        }
    }
}

fn refused(
    conn: &mut DbConnection,
    refusal: Refusal,
    (link, site, customer): (AccessLink, Site, Customer),
    version: i32,
) -> AppResult<UpdateOutcome> {
    let page = with_history(conn, link, site, customer)?;
    Ok(UpdateOutcome::Refused(refusal, Box::new(page), version))
}

/// Deletes a visible link (of a demo customer too); returns it as it was, with its site.
#[tracing::instrument(skip(conn))]
pub fn delete(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    link_id: LinkId,
) -> AppResult<(AccessLink, Site)> {
    let (l, s, _) = link_visible(conn, scope, link_id.0)?;
    write_transaction(conn, |conn| {
        link::delete(conn, LinkId(l.id))?;
        AuditEvent::deleted(ObjectKind::AccessLink, l.id, &l).write(conn, actor)?;
        Ok::<_, AppError>(())
    })?;
    Ok((l, s))
}
