//! The package list customers get quantities of — packages (one per user) and add-ons (per
//! user on top): create (names are unique), delete (refused while some customer holds the
//! package), each audited.

use super::audit::{AuditEvent, ObjectKind};
use crate::db::models::packages::{self, Package};
use crate::db::{write_transaction, DbConnection};
use crate::domain::{Description, FormState, ObjectName, PackageKind};
use crate::error::{AppError, AppResult};

/// Every package, with how many customers hold it.
#[tracing::instrument(skip(conn))]
pub fn list(conn: &mut DbConnection) -> AppResult<Vec<(Package, i64)>> {
    let mut rows = Vec::new();
    for p in packages::list(conn)? {
        let holding = packages::customers_holding(conn, p.id)?;
        rows.push((p, holding));
    }
    Ok(rows)
}

/// What became of a new package's form.
#[derive(Debug)]
pub enum CreateOutcome {
    Created(Package),
    /// Refused: the typed values with a message per field; nothing was saved.
    Invalid(FormState),
}

/// Creates a package from the posted name and description.
#[tracing::instrument(skip(conn))]
pub fn create(
    conn: &mut DbConnection,
    actor: &str,
    name: &str,
    description: &str,
    kind: &str,
) -> AppResult<CreateOutcome> {
    let mut f = FormState::default();
    f.set("name", name);
    f.set("description", description);
    f.set("kind", kind);
    let name = f.check("name", ObjectName::parse(name));
    let description = f.check("description", Description::parse(description));
    let kind = f.check("kind", PackageKind::parse(kind));
    let (Some(name), Some(description), Some(kind)) = (name, description, kind) else {
        return Ok(CreateOutcome::Invalid(f));
    };
    let created = write_transaction(conn, |conn| {
        if packages::name_taken(conn, name.as_str())? {
            return Ok(None);
        }
        let p = packages::insert(conn, name.as_str(), description.as_str(), kind)?;
        AuditEvent::created(ObjectKind::Package, p.id, &p).write(conn, actor)?;
        Ok::<_, AppError>(Some(p))
    })?;
    Ok(match created {
        Some(p) => CreateOutcome::Created(p),
        None => {
            f.error("name", "A package with this name exists.");
            CreateOutcome::Invalid(f)
        }
    })
}

/// What became of a deletion.
#[derive(Debug, PartialEq, Eq)]
pub enum DeleteOutcome {
    Deleted,
    /// Refused: the package's name and how many customers hold it.
    Held {
        name: String,
        customers: i64,
    },
}

/// Deletes a package nobody holds.
#[tracing::instrument(skip(conn))]
pub fn delete(conn: &mut DbConnection, actor: &str, id: i64) -> AppResult<DeleteOutcome> {
    write_transaction(conn, |conn| {
        let p = packages::find(conn, id)?.ok_or(AppError::NotFound)?;
        let holding = packages::customers_holding(conn, id)?;
        if holding > 0 {
            return Ok(DeleteOutcome::Held {
                name: p.name,
                customers: holding,
            });
        }
        packages::delete(conn, id)?;
        AuditEvent::deleted(ObjectKind::Package, id, &p).write(conn, actor)?;
        Ok(DeleteOutcome::Deleted)
    })
}
