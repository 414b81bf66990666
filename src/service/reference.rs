//! Reference data of subscribers and wallets (service providers, product types, currencies,
//! languages, closed user groups, charging domains): an admin adds entries, and deletes only
//! what nothing uses. Each change is audited under the entry's own object kind.

use crate::db::models::ref_data::{self, RefEntry, RefKind};
use crate::db::{write_transaction, DbConnection};
use crate::domain::parse_int_in;
use crate::domain::subscriber::{CurrencyCode, RefName};
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::service::audit::{Action, AuditEvent, ObjectKind};

/// The audit log's kind for entries of a list.
fn object_kind(kind: RefKind) -> ObjectKind {
    match kind {
        RefKind::ServiceProviders => ObjectKind::ServiceProvider,
        RefKind::ProductTypes => ObjectKind::ProductType,
        RefKind::Currencies => ObjectKind::Currency,
        RefKind::Languages => ObjectKind::Language,
        RefKind::ClosedUserGroups => ObjectKind::ClosedUserGroup,
        RefKind::ChargingDomains => ObjectKind::ChargingDomain,
        RefKind::Routes => ObjectKind::Route,
    }
}

/// The entries of a list, each with how many records refer to it.
#[tracing::instrument(skip(conn))]
pub fn list_with_usage(conn: &mut DbConnection, kind: RefKind) -> AppResult<Vec<(RefEntry, i64)>> {
    let mut out = Vec::new();
    for e in ref_data::list(conn, kind)? {
        let used = ref_data::usage(conn, kind, e.id)?;
        out.push((e, used));
    }
    Ok(out)
}

/// The add form as posted (code and decimals only for currencies).
#[derive(Debug, Default, Clone)]
pub struct RefForm {
    pub name: String,
    pub code: String,
    pub decimals: String,
}

impl RefForm {
    /// The typed values, to show the form again.
    fn state(&self) -> FormState {
        let mut f = FormState::default();
        f.set("name", self.name.clone());
        f.set("code", self.code.clone());
        f.set("decimals", self.decimals.clone());
        f
    }
}

/// A new entry, checked.
struct NewEntry {
    name: RefName,
    code: Option<CurrencyCode>,
    decimals: i64,
}

fn parse(kind: RefKind, form: &RefForm) -> Result<NewEntry, FormState> {
    let mut f = form.state();
    let name = f.check("name", RefName::parse(&form.name));
    let (code, decimals) = if kind == RefKind::Currencies {
        (
            f.check("code", CurrencyCode::parse(&form.code)).map(Some),
            f.check(
                "decimals",
                parse_int_in(&form.decimals, 0, 3)
                    .map_err(|_| "Decimals run from 0 to 3.".to_string()),
            ),
        )
    } else {
        (Some(None), Some(0))
    };
    match (name, code, decimals) {
        (Some(name), Some(code), Some(decimals)) => Ok(NewEntry {
            name,
            code,
            decimals,
        }),
        _ => Err(f),
    }
}

/// What adding an entry ended in.
#[derive(Debug)]
pub enum RefCreated {
    Created(i64),
    Invalid(FormState),
}

/// Adds an entry to a list, unless one with its name (a currency: its code) is there already.
#[tracing::instrument(skip(conn, form))]
pub fn create(
    conn: &mut DbConnection,
    actor: &str,
    kind: RefKind,
    form: &RefForm,
) -> AppResult<RefCreated> {
    let entry = match parse(kind, form) {
        Ok(entry) => entry,
        Err(f) => return Ok(RefCreated::Invalid(f)),
    };
    let key = entry
        .code
        .as_ref()
        .map(|c| c.as_str().to_string())
        .unwrap_or_else(|| entry.name.as_str().to_string());
    write_transaction(conn, |conn| {
        if ref_data::name_taken(conn, kind, &key)? {
            let mut f = form.state();
            let field = if kind == RefKind::Currencies {
                "code"
            } else {
                "name"
            };
            f.error(field, "This one is in the list already.");
            return Ok(RefCreated::Invalid(f));
        }
        let id = match &entry.code {
            Some(c) => ref_data::create_currency(
                conn,
                c.as_str(),
                entry.name.as_str(),
                entry.decimals as i32,
            )?,
            None => ref_data::create_named(conn, kind, entry.name.as_str())?,
        };
        let mut event = AuditEvent::new(object_kind(kind), id, Action::Create);
        if let Some(after) = ref_data::find(conn, kind, id)? {
            event = event.after(&after);
        }
        event.write(conn, actor)?;
        Ok(RefCreated::Created(id))
    })
}

/// What deleting an entry ended in.
#[derive(Debug)]
pub enum RefDeleted {
    /// Gone; its name, to say so.
    Deleted(String),
    /// Still referred to by `used` records: nothing was deleted.
    InUse { name: String, used: i64 },
}

/// Deletes an entry nothing uses (404 when there is none).
#[tracing::instrument(skip(conn))]
pub fn delete(
    conn: &mut DbConnection,
    actor: &str,
    kind: RefKind,
    id: i64,
) -> AppResult<RefDeleted> {
    write_transaction(conn, |conn| {
        let Some(entry) = ref_data::find(conn, kind, id)? else {
            return Err(AppError::NotFound);
        };
        let used = ref_data::usage(conn, kind, id)?;
        if used > 0 {
            return Ok(RefDeleted::InUse {
                name: entry.name,
                used,
            });
        }
        ref_data::delete(conn, kind, id)?;
        AuditEvent::deleted(object_kind(kind), id, &entry).write(conn, actor)?;
        Ok(RefDeleted::Deleted(entry.name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, code: &str, decimals: &str) -> RefForm {
        RefForm {
            name: name.into(),
            code: code.into(),
            decimals: decimals.into(),
        }
    }

    #[test]
    fn audit_kinds_keep_their_stored_spelling() {
        for kind in RefKind::ALL {
            assert_eq!(object_kind(kind).code(), kind.audit_type());
        }
    }

    #[test]
    fn currencies_need_a_code_and_decimals_up_to_three() {
        let f = parse(RefKind::Currencies, &form("Euro", "", "4"))
            .err()
            .expect("refused");
        assert!(!f.message("code").is_empty());
        assert_eq!(f.message("decimals"), "Decimals run from 0 to 3.");
        assert!(parse(RefKind::Languages, &form("Norsk", "", "")).is_ok());
    }
}
