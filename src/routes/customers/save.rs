//! POST of a pane's "Save changes": every changed name/description of the pane in one
//! transaction, refused whole if any row was changed by someone else since the page loaded.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, Editor};
use crate::db::models::audit::{self, Change};
use crate::db::models::{customer, link, site};
use crate::db::{write_transaction, DbConnection};
use crate::domain::{Description, ObjectName, PartyName};
use crate::error::{AppError, AppResult};
use crate::routes::{safe_return, see_other};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;

/// One row as posted: the version it was loaded at and the fields the user changed.
#[derive(Debug, PartialEq)]
struct RowEdit {
    id: i64,
    version: i32,
    name: Option<String>,
    description: Option<String>,
}

fn changed(fields: &Fields, name: &str) -> Option<String> {
    let now = fields.get(name)?;
    let before = fields.get(&format!("o_{name}")).unwrap_or("");
    (now != before).then(|| now.to_string())
}

/// The rows whose name or description differ from what the page showed.
fn parse_edits(fields: &Fields) -> Vec<RowEdit> {
    fields
        .0
        .iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("v_")?.parse::<i64>().ok()?;
            let version = v.parse::<i32>().ok()?;
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

/// Which rows a save may touch: those of the pane's parent, and nothing else.
#[derive(Debug, Clone, Copy)]
pub enum Pane {
    /// The operators' customers pane (limited to one service provider, when the operator is).
    Customers {
        service_provider: Option<i64>,
    },
    /// One customer only: its own portal.
    OwnCustomer {
        customer_id: i64,
    },
    Sites {
        customer_id: i64,
    },
    Links {
        site_id: i64,
    },
}

enum Outcome {
    Saved(usize),
    Refused(String),
}

#[derive(Debug)]
enum SaveError {
    Refused(String),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for SaveError {
    fn from(e: diesel::result::Error) -> Self {
        SaveError::Db(e)
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

/// The row, if it exists and belongs to the pane's parent.
fn current(
    conn: &mut DbConnection,
    pane: Pane,
    id: i64,
) -> Result<Option<RowNow>, diesel::result::Error> {
    Ok(match pane {
        Pane::Customers { .. } | Pane::OwnCustomer { .. } => {
            customer::find(conn, customer::CustomerId(id))?
                .filter(|c| match pane {
                    Pane::Customers { service_provider } => {
                        service_provider.is_none_or(|sp| sp == c.service_provider_id)
                    }
                    Pane::OwnCustomer { customer_id } => c.id == customer_id,
                    _ => false,
                })
                .map(|c| RowNow {
                    label: c.company.clone(),
                    locked: c.customer_type != "LIVE",
                    name: c.name.clone(),
                    description: c.description.clone(),
                    version: c.version,
                    image: audit::image(&c),
                })
        }
        Pane::Sites { customer_id } => site::find(conn, id)?
            .filter(|s| s.customer_id == customer_id)
            .map(|s| RowNow {
                label: s.name.clone(),
                locked: false,
                name: s.name.clone(),
                description: s.description.clone(),
                version: s.version,
                image: audit::image(&s),
            }),
        Pane::Links { site_id } => {
            link::find(conn, id)?
                .filter(|l| l.site_id == site_id)
                .map(|l| RowNow {
                    label: l.name.clone(),
                    locked: false,
                    name: l.name.clone(),
                    description: l.description.clone(),
                    version: l.version,
                    image: audit::image(&l),
                })
        }
    })
}

fn validate_name(pane: Pane, label: &str, name: &str) -> Result<String, SaveError> {
    let parsed = match pane {
        Pane::Customers { .. } | Pane::OwnCustomer { .. } => {
            PartyName::parse(name).map(PartyName::into_inner)
        }
        _ => ObjectName::parse(name).map(ObjectName::into_inner),
    };
    parsed.map_err(|m| SaveError::Refused(format!("“{label}”: {m} Nothing was saved.")))
}

fn apply(
    conn: &mut DbConnection,
    pane: Pane,
    actor: &str,
    edits: &[RowEdit],
) -> Result<usize, SaveError> {
    write_transaction(conn, |conn| {
        for edit in edits {
            let Some(RowNow {
                label,
                locked,
                name,
                description,
                version,
                image: before,
            }) = current(conn, pane, edit.id)?
            else {
                return Err(SaveError::Refused(
                    "A row you edited no longer exists; nothing was saved. Reload to see the current list.".into(),
                ));
            };
            if locked {
                return Err(SaveError::Refused(format!(
                    "“{label}” is a demo customer and can no longer be changed; nothing was saved."
                )));
            }
            if version != edit.version {
                return Err(SaveError::Refused(format!(
                    "“{label}” was changed by someone else after you opened this page, so nothing was saved. \
                     Reload to see their change, then make yours again."
                )));
            }
            let new_name = match &edit.name {
                Some(n) => validate_name(pane, &label, n)?,
                None => name,
            };
            let new_description = match &edit.description {
                Some(d) => Description::parse(d)
                    .map(Description::into_inner)
                    .map_err(|m| {
                        SaveError::Refused(format!("“{label}”: {m} Nothing was saved."))
                    })?,
                None => description,
            };
            let updated = match pane {
                Pane::Customers { .. } | Pane::OwnCustomer { .. } => {
                    customer::update_name_description(
                        conn,
                        edit.id,
                        version,
                        &new_name,
                        &new_description,
                    )?
                }
                Pane::Sites { .. } => site::update_name_description(
                    conn,
                    edit.id,
                    version,
                    &new_name,
                    &new_description,
                )?,
                Pane::Links { .. } => link::update_name_description(
                    conn,
                    edit.id,
                    version,
                    &new_name,
                    &new_description,
                )?,
            };
            if !updated {
                return Err(SaveError::Refused(format!(
                    "“{label}” was changed by someone else while saving; nothing was saved. Reload and try again."
                )));
            }
            let after = current(conn, pane, edit.id)?.and_then(|row| row.image);
            audit::record(
                conn,
                Change {
                    actor,
                    action: "update",
                    object_type: match pane {
                        Pane::Customers { .. } | Pane::OwnCustomer { .. } => "customer",
                        Pane::Sites { .. } => "site",
                        Pane::Links { .. } => "access_link",
                    },
                    object_id: edit.id,
                    before,
                    after,
                    reason: None,
                },
            )?;
        }
        Ok(edits.len())
    })
}

/// Saves a pane's changed rows as `actor` and sends the browser back to `return_to` with a
/// message; shared by the operators' page and the customer portal.
pub async fn save_pane(
    state: web::Data<AppState>,
    actor: String,
    fields: Fields,
    pane: Pane,
    return_to: String,
) -> AppResult<HttpResponse> {
    let edits = parse_edits(&fields);
    if edits.is_empty() {
        FlashMessage::info("There were no changes to save.").send();
        return Ok(see_other(&return_to));
    }
    let outcome = with_conn(&state, move |conn| {
        match apply(conn, pane, &actor, &edits) {
            Ok(n) => Ok(Outcome::Saved(n)),
            Err(SaveError::Refused(m)) => Ok(Outcome::Refused(m)),
            Err(SaveError::Db(e)) => Err(AppError::from(e)),
        }
    })
    .await?;
    match outcome {
        Outcome::Saved(1) => FlashMessage::success("Saved 1 change.").send(),
        Outcome::Saved(n) => FlashMessage::success(format!("Saved {n} changes.")).send(),
        Outcome::Refused(m) => FlashMessage::error(m).send(),
    }
    Ok(see_other(&return_to))
}

pub async fn save_customers(
    state: web::Data<AppState>,
    editor: Editor,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let sp = editor.0.service_provider_id;
    let return_to = safe_return(form.0.get("return_to"));
    save_pane(
        state,
        editor.0.actor(),
        form.0,
        Pane::Customers {
            service_provider: sp,
        },
        return_to,
    )
    .await
}

pub async fn save_sites(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let customer_id = path.into_inner();
    let c = crate::auth::access::ensure_customer_visible(&state, &editor.0, customer_id).await?;
    crate::auth::access::refuse_if_demo(&c)?;
    let return_to = safe_return(form.0.get("return_to"));
    save_pane(
        state,
        editor.0.actor(),
        form.0,
        Pane::Sites { customer_id },
        return_to,
    )
    .await
}

pub async fn save_links(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let site_id = path.into_inner();
    let (_, c) = crate::auth::access::ensure_site_visible(&state, &editor.0, site_id).await?;
    crate::auth::access::refuse_if_demo(&c)?;
    let return_to = safe_return(form.0.get("return_to"));
    save_pane(
        state,
        editor.0.actor(),
        form.0,
        Pane::Links { site_id },
        return_to,
    )
    .await
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
    fn malformed_keys_are_ignored() {
        let fields = f(&[("v_x", "1"), ("v_3", "y"), ("name_3", "a")]);
        assert!(parse_edits(&fields).is_empty());
    }
}
