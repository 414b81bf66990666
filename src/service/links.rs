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
use crate::format::thousands;
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

/// A bandwidth in kbit/s as people type it: digits, grouped or not (`1,000,000`, `1 000 000`,
/// `1_000_000`).
pub fn parse_kbps(input: &str) -> Result<i64, String> {
    let digits: String = input
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    parse_int_in(&digits, 0, MAX_KBPS)
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
            // Grouped as people read them; `parse_kbps` takes them back.
            bandwidth_down_kbps: thousands(l.bandwidth_down_kbps),
            bandwidth_up_kbps: thousands(l.bandwidth_up_kbps),
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
        let down = f.check("bandwidth_down_kbps", parse_kbps(&self.bandwidth_down_kbps));
        let up = f.check("bandwidth_up_kbps", parse_kbps(&self.bandwidth_up_kbps));
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

/// A warning (not a refusal: links of two customers may share a provider's address, as with
/// carrier-grade NAT) when another customer's link uses this exact address or prefix. It names
/// those customers, unless they belong to a service provider the operator's scope does not
/// see: then it says only that.
pub fn shared_ip_warning(
    conn: &mut DbConnection,
    scope: Scope,
    ip: &str,
    customer_id: i64,
) -> AppResult<Option<String>> {
    if ip.is_empty() {
        return Ok(None);
    }
    let holders = link::other_holders_of_ip(conn, ip, customer_id, 4)?;
    if holders.is_empty() {
        return Ok(None);
    }
    let mut names: Vec<String> = Vec::new();
    let mut hidden = false;
    for (company, provider) in holders.iter().take(3) {
        if scope.is_none_or(|sp| sp == *provider) {
            if !names.contains(company) {
                names.push(company.clone());
            }
        } else {
            hidden = true;
        }
    }
    let mut whom: Vec<String> = names;
    if hidden {
        whom.push("a customer of another service provider".to_string());
    }
    if holders.len() > 3 {
        whom.push("others".to_string());
    }
    let whom = match whom.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => return Ok(None),
    };
    Ok(Some(format!(
        "{ip} is also used by a link of {whom}. Check that this is intended."
    )))
}

/// What became of a new link's form.
#[derive(Debug)]
pub enum CreateOutcome {
    /// The new link, its site's customer, and a warning when another customer's link uses its
    /// address.
    Created {
        link: AccessLink,
        customer_id: i64,
        warning: Option<String>,
    },
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
    let warning = shared_ip_warning(conn, scope, &l.ip_address, c.id)?;
    Ok(CreateOutcome::Created {
        link: l,
        customer_id: c.id,
        warning,
    })
}

/// What the edit form shows: the link, its site and customer, and the link's own history.
#[derive(Debug)]
pub struct EditForm {
    pub link: AccessLink,
    pub site: Site,
    pub customer: Customer,
    pub history: Vec<AuditEntry>,
    /// Set when another customer's link uses this link's address (see `shared_ip_warning`).
    pub ip_warning: Option<String>,
}

/// The edit form of a visible link of a live customer.
#[tracing::instrument(skip(conn))]
pub fn edit_form(conn: &mut DbConnection, scope: Scope, link_id: LinkId) -> AppResult<EditForm> {
    let (link, site, customer) = link_visible(conn, scope, link_id.0)?;
    refuse_if_demo(&customer)?;
    with_history(conn, scope, link, site, customer)
}

fn with_history(
    conn: &mut DbConnection,
    scope: Scope,
    link: AccessLink,
    site: Site,
    customer: Customer,
) -> AppResult<EditForm> {
    Ok(EditForm {
        history: audit::history(conn, ObjectKind::AccessLink, link.id, HISTORY)?,
        ip_warning: shared_ip_warning(conn, scope, &link.ip_address, customer.id)?,
        link,
        site,
        customer,
    })
}

/// What became of an edit.
#[derive(Debug)]
pub enum UpdateOutcome {
    /// The link as saved, its site's customer, and a warning when another customer's link
    /// uses its address.
    Saved {
        link: AccessLink,
        customer_id: i64,
        warning: Option<String>,
    },
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
        Err(f) => return refused(conn, scope, Refusal::Invalid(f), (before, s, c), version),
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
            warning: shared_ip_warning(conn, scope, &after.ip_address, c.id)?,
            link: after,
            customer_id: c.id,
        }),
        None => {
            let mut f = form.state();
            f.error("name", STALE);
            refused(conn, scope, Refusal::Stale(f), (before, s, c), version)
        }
    }
}

fn refused(
    conn: &mut DbConnection,
    scope: Scope,
    refusal: Refusal,
    (link, site, customer): (AccessLink, Site, Customer),
    version: i32,
) -> AppResult<UpdateOutcome> {
    let page = with_history(conn, scope, link, site, customer)?;
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
