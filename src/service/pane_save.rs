//! A pane's "Save changes", for the operators' three-pane page and the customer portal alike:
//! every changed name/description of the pane in one transaction, refused whole if any row was
//! changed by someone else since the page loaded, belongs to a demo customer, or breaks a rule.
//! Only rows of the pane's parent, as this saver may see them, can be touched.

use super::audit::{AuditEvent, ObjectKind};
use crate::auth::csrf::Fields;
use crate::db::models::audit;
use crate::db::models::customer::{self, CustomerId};
use crate::db::models::{link, site};
use crate::db::models::{LinkId, SiteId};
use crate::db::{write_transaction, DbConnection};
use crate::domain::{CustomerType, Description, ObjectName, PartyName};
use crate::error::{AppError, AppResult};
use crate::service::access::{customer_visible, refuse_if_demo, site_visible, Scope};

/// Which pane is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The customers pane (the portal's shows its own customer only).
    Customers,
    /// The sites of one customer.
    Sites { customer_id: i64 },
    /// The access links of one site.
    Links { site_id: i64 },
}

/// Who saves, which decides the rows they may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saver {
    /// An operator, limited to one service provider when `Some`.
    Operator(Scope),
    /// A customer's portal (its administrator, or an operator switched to it).
    Portal { customer_id: i64 },
}

/// What became of a save.
#[derive(Debug, PartialEq, Eq)]
pub enum PaneSaved {
    /// Nothing on the pane differed from what it showed.
    NoChanges,
    /// This many rows were saved.
    Saved(usize),
    /// Nothing was saved, for this reason (said to the user as is).
    Refused(Refusal),
}

/// Why a save was refused, and where: the row and, when one value broke a rule, its field
/// (`name` / `description`), so the page can mark that cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub row: Option<i64>,
    pub field: Option<&'static str>,
}

impl PaneSaved {
    /// The sentence the user is told.
    pub fn message(&self) -> String {
        match self {
            PaneSaved::NoChanges => "There were no changes to save.".into(),
            PaneSaved::Saved(1) => "Saved 1 change.".into(),
            PaneSaved::Saved(n) => format!("Saved {n} changes."),
            PaneSaved::Refused(r) => r.message.clone(),
        }
    }
}

/// One row as posted: the version it was loaded at and the fields the user changed.
#[derive(Debug, PartialEq)]
struct RowEdit {
    id: i64,
    version: i32,
    name: Option<String>,
    description: Option<String>,
}

/// The value posted for `name`, unless the page also posted what it showed (`o_{name}`, from
/// pages of earlier releases) and it is the same. Pages now post the values alone: each is
/// compared with the stored row under the version the page was loaded at.
fn changed(fields: &Fields, name: &str) -> Option<String> {
    let now = fields.get(name)?;
    match fields.get(&format!("o_{name}")) {
        Some(before) if before == now => None,
        _ => Some(now.to_string()),
    }
}

/// The version each row of the pane was loaded at, as the page posted them: one `versions`
/// field of `id:version` pairs separated by spaces (one field for the whole pane keeps the page
/// light), or a `v_{id}` field per row (pages of earlier releases). Malformed pairs are ignored.
pub fn posted_versions(fields: &Fields) -> Vec<(i64, i32)> {
    fn pair(id: &str, version: &str) -> Option<(i64, i32)> {
        Some((id.parse().ok()?, version.parse().ok()?))
    }
    let listed = fields
        .all("versions")
        .flat_map(str::split_ascii_whitespace)
        .filter_map(|p| p.split_once(':').and_then(|(id, v)| pair(id, v)));
    let single = fields
        .0
        .iter()
        .filter_map(|(k, v)| pair(k.strip_prefix("v_")?, v));
    listed.chain(single).collect()
}

/// The rows whose name or description may differ from what the page showed.
fn parse_edits(fields: &Fields) -> Vec<RowEdit> {
    posted_versions(fields)
        .into_iter()
        .filter_map(|(id, version)| {
            let name = changed(fields, &format!("name_{id}"));
            let description = changed(fields, &format!("description_{id}"));
            (name.is_some() || description.is_some()).then_some(RowEdit {
                id,
                version,
                name,
                description,
            })
        })
        .collect()
}

/// Saves the pane's changed rows (as posted in `fields`) as `actor`. The pane's parent must be
/// visible to the saver and not a demo customer (else 404 / 409, as for any other change).
#[tracing::instrument(skip(conn, fields))]
pub fn save(
    conn: &mut DbConnection,
    saver: Saver,
    pane: Pane,
    actor: &str,
    fields: &Fields,
) -> AppResult<PaneSaved> {
    check_parent(conn, saver, pane)?;
    let edits = parse_edits(fields);
    if edits.is_empty() {
        return Ok(PaneSaved::NoChanges);
    }
    match write_transaction(conn, |conn| apply(conn, saver, pane, actor, &edits)) {
        Ok(0) => Ok(PaneSaved::NoChanges),
        Ok(n) => Ok(PaneSaved::Saved(n)),
        Err(SaveError::Refused(m)) => Ok(PaneSaved::Refused(m)),
        Err(SaveError::Failed(e)) => Err(e),
    }
}

/// Refuses a save whose parent the saver may not see (404) or may no longer change (409).
fn check_parent(conn: &mut DbConnection, saver: Saver, pane: Pane) -> AppResult<()> {
    match saver {
        Saver::Portal { customer_id } => {
            let own = customer::find(conn, CustomerId(customer_id))?.ok_or(AppError::NotFound)?;
            refuse_if_demo(&own)?;
            if let Pane::Links { site_id } = pane {
                // A site of another customer is not there, as far as this portal can tell.
                site::find(conn, SiteId(site_id))?
                    .filter(|s| s.customer_id == customer_id)
                    .ok_or(AppError::NotFound)?;
            }
        }
        Saver::Operator(scope) => match pane {
            Pane::Customers => {}
            Pane::Sites { customer_id } => {
                refuse_if_demo(&customer_visible(conn, scope, customer_id)?)?
            }
            Pane::Links { site_id } => refuse_if_demo(&site_visible(conn, scope, site_id)?.1)?,
        },
    }
    Ok(())
}

#[derive(Debug)]
enum SaveError {
    Refused(Refusal),
    Failed(AppError),
}

impl From<diesel::result::Error> for SaveError {
    fn from(e: diesel::result::Error) -> Self {
        SaveError::Failed(e.into())
    }
}

/// A row of the pane as it is now in the database.
struct RowNow {
    label: String,
    /// A demo customer: no longer editable.
    locked: bool,
    name: String,
    description: String,
    version: i32,
    image: Option<serde_json::Value>,
}

/// The row, if it exists and belongs to the pane's parent as the saver sees it.
fn current(
    conn: &mut DbConnection,
    saver: Saver,
    pane: Pane,
    id: i64,
) -> Result<Option<RowNow>, SaveError> {
    Ok(match pane {
        Pane::Customers => customer::find(conn, CustomerId(id))?
            .filter(|c| match saver {
                Saver::Operator(scope) => scope.is_none_or(|sp| sp == c.service_provider_id),
                Saver::Portal { customer_id } => c.id == customer_id,
            })
            .map(|c| RowNow {
                label: c.company.clone(),
                locked: c.customer_type != CustomerType::Live,
                name: c.name.clone(),
                description: c.description.clone(),
                version: c.version,
                image: audit::image(&c),
            }),
        Pane::Sites { customer_id } => site::find(conn, SiteId(id))?
            .filter(|s| s.customer_id == customer_id)
            .map(|s| RowNow {
                label: s.name.clone(),
                locked: false,
                name: s.name.clone(),
                description: s.description.clone(),
                version: s.version,
                image: audit::image(&s),
            }),
        Pane::Links { site_id } => link::find(conn, LinkId(id))?
            .filter(|l| l.site_id == site_id)
            .map(|l| RowNow {
                label: l.name.clone(),
                locked: false,
                name: l.name.clone(),
                description: l.description.clone(),
                version: l.version,
                image: audit::image(&l),
            }),
    })
}

fn refused_row(id: i64, message: String) -> SaveError {
    SaveError::Refused(Refusal {
        message,
        row: Some(id),
        field: None,
    })
}

fn refused_field(id: i64, field: &'static str, label: &str, m: String) -> SaveError {
    SaveError::Refused(Refusal {
        message: format!("“{label}”: {m} Nothing was saved."),
        row: Some(id),
        field: Some(field),
    })
}

/// The new name and description of a row, checked by the rules of its kind.
fn new_values(pane: Pane, row: &RowNow, edit: &RowEdit) -> Result<(String, String), SaveError> {
    let name = match (&edit.name, pane) {
        (None, _) => row.name.clone(),
        (Some(n), Pane::Customers) => PartyName::parse(n)
            .map(PartyName::into_inner)
            .map_err(|m| refused_field(edit.id, "name", &row.label, m))?,
        (Some(n), _) => ObjectName::parse(n)
            .map(ObjectName::into_inner)
            .map_err(|m| refused_field(edit.id, "name", &row.label, m))?,
    };
    let description = match &edit.description {
        None => row.description.clone(),
        Some(d) => Description::parse(d)
            .map(Description::into_inner)
            .map_err(|m| refused_field(edit.id, "description", &row.label, m))?,
    };
    Ok((name, description))
}

/// Saves one row, refusing it when it is gone, locked or stale; returns its image before, or
/// `None` when the values posted are the ones stored (nothing to save).
fn apply_one(
    conn: &mut DbConnection,
    saver: Saver,
    pane: Pane,
    edit: &RowEdit,
) -> Result<Option<Option<serde_json::Value>>, SaveError> {
    let Some(row) = current(conn, saver, pane, edit.id)? else {
        return Err(refused_row(
            edit.id,
            "A row you edited no longer exists; nothing was saved. Reload to see the current list."
                .into(),
        ));
    };
    let label = &row.label;
    let edit = &RowEdit {
        id: edit.id,
        version: edit.version,
        name: edit.name.clone().filter(|n| *n != row.name),
        description: edit.description.clone().filter(|d| *d != row.description),
    };
    if edit.name.is_none() && edit.description.is_none() {
        return Ok(None);
    }
    if row.locked {
        return Err(refused_row(
            edit.id,
            format!(
                "“{label}” is a demo customer and can no longer be changed; nothing was saved."
            ),
        ));
    }
    if row.version != edit.version {
        return Err(refused_row(
            edit.id,
            format!(
                "“{label}” was changed by someone else after you opened this page, so nothing was \
             saved. Reload to see their change, then make yours again."
            ),
        ));
    }
    let (name, description) = new_values(pane, &row, edit)?;
    let update = match pane {
        Pane::Customers => customer::update_name_description,
        Pane::Sites { .. } => site::update_name_description,
        Pane::Links { .. } => link::update_name_description,
    };
    if !update(conn, edit.id, row.version, &name, &description)? {
        return Err(refused_row(
            edit.id,
            format!(
            "“{label}” was changed by someone else while saving; nothing was saved. Reload and \
             try again."
        ),
        ));
    }
    Ok(Some(row.image))
}

fn apply(
    conn: &mut DbConnection,
    saver: Saver,
    pane: Pane,
    actor: &str,
    edits: &[RowEdit],
) -> Result<usize, SaveError> {
    let kind = match pane {
        Pane::Customers => ObjectKind::Customer,
        Pane::Sites { .. } => ObjectKind::Site,
        Pane::Links { .. } => ObjectKind::AccessLink,
    };
    let mut saved = 0;
    for edit in edits {
        let Some(before) = apply_one(conn, saver, pane, edit)? else {
            continue;
        };
        let after = current(conn, saver, pane, edit.id)?.and_then(|row| row.image);
        let mut event = AuditEvent::new(kind, edit.id, super::audit::Action::Update);
        event.before = before;
        event.after = after;
        event.write(conn, actor)?;
        saved += 1;
    }
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn only_changed_rows_are_edits() {
        let fields = f(&[
            ("v_1", "3"),
            ("name_1", "Oslo"),
            ("o_name_1", "Oslo"),
            ("description_1", "new"),
            ("o_description_1", "old"),
            ("v_2", "1"),
            ("name_2", "Same"),
            ("o_name_2", "Same"),
        ]);
        assert_eq!(
            parse_edits(&fields),
            vec![RowEdit {
                id: 1,
                version: 3,
                name: None,
                description: Some("new".into())
            }]
        );
    }

    #[test]
    fn without_the_shown_values_every_posted_row_is_compared_with_the_stored_one() {
        let fields = f(&[("v_1", "3"), ("name_1", "Oslo"), ("v_2", "1")]);
        assert_eq!(
            parse_edits(&fields),
            vec![RowEdit {
                id: 1,
                version: 3,
                name: Some("Oslo".into()),
                description: None
            }]
        );
    }

    #[test]
    fn one_field_carries_the_versions_of_the_whole_pane() {
        let fields = f(&[
            ("versions", "1:3 2:1  x:4 5:y 6"),
            ("name_1", "Oslo"),
            ("description_2", "new"),
            ("name_5", "Bergen"),
        ]);
        assert_eq!(
            posted_versions(&fields),
            vec![(1, 3), (2, 1)],
            "malformed pairs are left out"
        );
        assert_eq!(
            parse_edits(&fields),
            vec![
                RowEdit {
                    id: 1,
                    version: 3,
                    name: Some("Oslo".into()),
                    description: None
                },
                RowEdit {
                    id: 2,
                    version: 1,
                    name: None,
                    description: Some("new".into())
                }
            ]
        );
    }

    #[test]
    fn malformed_keys_are_ignored() {
        let fields = f(&[("v_x", "1"), ("v_3", "y"), ("name_3", "a")]);
        assert!(parse_edits(&fields).is_empty());
    }

    #[test]
    fn the_user_is_told_what_happened() {
        assert_eq!(PaneSaved::Saved(1).message(), "Saved 1 change.");
        assert_eq!(PaneSaved::Saved(3).message(), "Saved 3 changes.");
        assert_eq!(
            PaneSaved::NoChanges.message(),
            "There were no changes to save."
        );
    }
}
