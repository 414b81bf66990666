//! Starting an export of a list: what the requester may see of it, which columns, its title and
//! filter notes, the size check, and the decision — a background job (large lists, or when
//! asked; operators only) or the file at once.

use crate::db::models::customer::CustomerFilter;
use crate::db::models::export_job::{self, NewExportJob};
use crate::db::models::subscriber_search::{SearchField, SubscriberQuery};
use crate::db::models::SiteId;
use crate::db::models::{preference, site, SortDir};
use crate::db::DbConnection;
use crate::domain::{Country, CustomerStatus, Zone};
use crate::error::{AppError, AppResult};
use crate::export::jobs::{BACKGROUND_THRESHOLD, KEEP_SECS};
use crate::export::{ExportInfo, Format};
use crate::lists::spec::{ExportSpec, ListSpec};
use crate::lists::{customers, links, sites};
use crate::service::access::{customer_visible, providers_for, site_visible};

/// `mode=` of an export URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// In the background above [`BACKGROUND_THRESHOLD`] rows, else at once.
    Auto,
    Direct,
    Background,
}

/// Which columns to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// These, in this order (each must be one of the list's).
    Named(Vec<String>),
    /// Every column of the list ("all data").
    All,
    /// The columns the pane shows (the operator's choice, else the defaults); every column of a
    /// list without a pane.
    Current,
}

/// Who asks.
#[derive(Debug, Clone)]
pub enum Requester {
    /// An operator, limited to one service provider or not; their big exports become jobs.
    Operator {
        id: i64,
        username: String,
        scope: Option<i64>,
        /// The zone they see times in: the file is written in it.
        zone: Zone,
    },
    /// A customer administrator in the portal: their own sites and links, always at once.
    Portal {
        customer_id: i64,
        company: String,
        actor: String,
        /// The portal's zone (the server's): the file is written in it.
        zone: Zone,
    },
}

impl Requester {
    /// The zone the requester sees times in.
    pub fn zone(&self) -> &Zone {
        match self {
            Requester::Operator { zone, .. } | Requester::Portal { zone, .. } => zone,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub list: ListSpec,
    pub format: Format,
    pub view: View,
    pub mode: Mode,
    /// Asked for by the confirmation POST: only then may a background job be created (a GET
    /// never changes state).
    pub confirmed: bool,
}

/// How an export goes on.
#[derive(Debug)]
pub enum Started {
    /// Queued as this background job.
    Queued(i64),
    /// To be written and sent now.
    Now(Box<ExportSpec>),
    /// It would run in the background: the person confirms first (nothing queued yet).
    Confirm { title: String, rows: i64 },
}

/// Checks, describes and sizes an export, and queues it when it is to run in the background.
#[tracing::instrument(skip(conn, who, request), fields(format = request.format.extension()))]
pub fn start(
    conn: &mut DbConnection,
    who: &Requester,
    request: ExportRequest,
) -> AppResult<Started> {
    let Described {
        list,
        title,
        stem,
        notes,
    } = describe(conn, who, request.list)?;
    let columns = columns(conn, who, &list, request.view)?;
    let (exported_by, owner) = match who {
        Requester::Operator { id, username, .. } => (username.clone(), Some(*id)),
        Requester::Portal { actor, .. } => (actor.clone(), None),
    };
    let format = request.format;
    let spec = ExportSpec {
        list,
        format,
        columns,
        info: ExportInfo {
            title,
            stem: stem.into(),
            filters: notes,
            exported_by,
            exported_at: crate::db::now(),
            time_zone: who.zone().name().to_string(),
        },
    };
    // Size limits are checked before anything is sent, so a refusal is a page, not a broken file.
    let rows = spec.source().count(conn)?;
    if let Some(max) = format.max_rows() {
        if rows as u64 > max {
            return Err(AppError::Refused(format!(
                "This list has {rows} rows, but a {} file holds at most {max}. Export it as CSV or XLSX instead.",
                format.extension().to_uppercase()
            )));
        }
    }
    tracing::info!(target: "export", list = %spec.info.stem, format = format.extension(), rows, by = %spec.info.exported_by, "export");
    let background = request.mode == Mode::Background
        || (request.mode == Mode::Auto && rows > BACKGROUND_THRESHOLD);
    match owner {
        Some(operator_id) if background && request.confirmed => {
            Ok(Started::Queued(queue(conn, operator_id, &spec, rows)?))
        }
        Some(_) if background => Ok(Started::Confirm {
            title: spec.info.title.clone(),
            rows,
        }),
        _ => Ok(Started::Now(Box::new(spec))),
    }
}

fn queue(
    conn: &mut DbConnection,
    operator_id: i64,
    spec: &ExportSpec,
    rows: i64,
) -> AppResult<i64> {
    let now = crate::db::now();
    let job = NewExportJob {
        operator_id,
        title: spec.info.title.clone(),
        format: spec.format.extension().into(),
        spec: serde_json::to_string(spec).map_err(|e| AppError::Internal(e.into()))?,
        status: export_job::JobStatus::Queued,
        rows_total: rows,
        file_name: spec.info.file_name(spec.format),
        created_at: now,
        expires_at: now + KEEP_SECS,
    };
    Ok(export_job::insert(conn, &job)?)
}

/// The list as this requester may see it, with its title, file stem and filter notes.
struct Described {
    list: ListSpec,
    title: String,
    stem: &'static str,
    notes: Vec<(String, String)>,
}

fn describe(conn: &mut DbConnection, who: &Requester, list: ListSpec) -> AppResult<Described> {
    match who {
        Requester::Operator {
            id, scope, zone, ..
        } => {
            if let ListSpec::Edrs { query } = list {
                return edrs_export(conn, (*id, *scope, zone), query);
            }
            describe_for_operator(conn, *scope, list)
        }
        Requester::Portal {
            customer_id,
            company,
            ..
        } => describe_for_portal(conn, *customer_id, company, list),
    }
}

fn sort_note(sort: &str, dir: SortDir) -> (String, String) {
    let dir = if dir == SortDir::Desc {
        "descending"
    } else {
        "ascending"
    };
    ("Sorted by".into(), format!("{sort} {dir}"))
}

fn describe_for_operator(
    conn: &mut DbConnection,
    scope: Option<i64>,
    list: ListSpec,
) -> AppResult<Described> {
    match list {
        ListSpec::Customers { filter, sort, dir } => {
            Ok(customers_export(filter, scope, &sort, dir))
        }
        ListSpec::Sites {
            customer_id,
            sort,
            dir,
        } => {
            let c = customer_visible(conn, scope, customer_id)?;
            let sort = sites::sort(Some(&sort)).key;
            Ok(Described {
                list: ListSpec::Sites {
                    customer_id: c.id,
                    sort: sort.into(),
                    dir,
                },
                title: format!("Sites of {}", c.company),
                stem: "sites",
                notes: vec![
                    (
                        "Customer".into(),
                        format!("{} ({})", c.company, c.account_code),
                    ),
                    sort_note(sort, dir),
                ],
            })
        }
        ListSpec::Links { site_id, sort, dir } => {
            let (s, c) = site_visible(conn, scope, site_id)?;
            let sort = links::sort(Some(&sort)).key;
            let site = format!("{} ({})", s.name, Country::name_of(&s.country));
            Ok(Described {
                list: ListSpec::Links {
                    site_id: s.id,
                    sort: sort.into(),
                    dir,
                },
                title: format!("Access links of {} — {}", c.company, s.name),
                stem: "access-links",
                notes: vec![
                    (
                        "Customer".into(),
                        format!("{} ({})", c.company, c.account_code),
                    ),
                    ("Site".into(), site),
                    sort_note(sort, dir),
                ],
            })
        }
        ListSpec::Inventory { .. } => Ok(Described {
            list: ListSpec::Inventory {
                service_provider: scope,
            },
            title: "All access links".into(),
            stem: "all-access-links",
            notes: vec![("Sorted by".into(), "id".into())],
        }),
        ListSpec::Subscribers { query } => subscribers_export(conn, scope, query),
        ListSpec::Statement {
            customer_id,
            start,
            end,
            zone,
            ..
        } => {
            let c = customer_visible(conn, scope, customer_id)?;
            let z = Zone::parse(&zone).unwrap_or_else(|_| Zone::utc());
            let period = format!("{} – {}", z.date(start), z.date(end - 1));
            Ok(Described {
                list: ListSpec::Statement {
                    customer_id: c.id,
                    decimals: crate::service::billing::payments::decimals(&c),
                    start,
                    end,
                    zone,
                },
                title: format!("Account statement of {}", c.company),
                stem: "statement",
                notes: vec![
                    (
                        "Customer".into(),
                        format!("{} ({})", c.company, c.account_code),
                    ),
                    ("Period".into(), period),
                ],
            })
        }
        // Answered by `edrs_export`, which knows the operator.
        ListSpec::Edrs { .. } => Err(AppError::NotFound),
    }
}

/// The customers in the operator's scope, with the filters noted.
fn customers_export(
    mut filter: CustomerFilter,
    scope: Option<i64>,
    sort: &str,
    dir: SortDir,
) -> Described {
    filter.service_provider_id = scope;
    filter.status = CustomerStatus::parse(&filter.status)
        .map(|s| s.code().to_string())
        .unwrap_or_default();
    let sort = customers::sort(Some(sort)).key;
    let mut notes: Vec<(String, String)> = [
        ("Company", &filter.company),
        ("Web username", &filter.username),
        ("Name", &filter.name),
        ("IP address", &filter.ip),
        ("Account code", &filter.account),
        ("SIP user", &filter.sip_user),
        ("Status", &filter.status),
        ("WebID", &filter.webid),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect();
    notes.push(sort_note(sort, dir));
    Described {
        list: ListSpec::Customers {
            filter,
            sort: sort.into(),
            dir,
        },
        title: "Customers".into(),
        stem: "customers",
        notes,
    }
}

/// A subscribers search in a provider the operator may work in.
fn subscribers_export(
    conn: &mut DbConnection,
    scope: Option<i64>,
    query: SubscriberQuery,
) -> AppResult<Described> {
    let provider = providers_for(conn, scope)?
        .into_iter()
        .find(|(id, _)| *id == query.service_provider_id.to_string())
        .map(|(_, name)| name)
        .ok_or(AppError::NotFound)?;
    let mut notes = vec![("Service provider".to_string(), provider)];
    if query.field != SearchField::Browse {
        notes.push((
            query.field.label().to_string(),
            format!("{} ({})", query.text, query.mode().label()),
        ));
    }
    Ok(Described {
        list: ListSpec::Subscribers { query },
        title: "Subscribers".into(),
        stem: "subscribers",
        notes,
    })
}

/// A subscriber's EDRs, as the viewer filters them; masked unless the operator may see
/// called numbers.
fn edrs_export(
    conn: &mut DbConnection,
    (operator_id, scope, zone): (i64, Option<i64>, &Zone),
    query: crate::lists::edrs::EdrQuery,
) -> AppResult<Described> {
    let (query, s) = crate::service::money::edrs::export_query(conn, operator_id, scope, query)?;
    let f = &query.filter;
    let mut notes = vec![(
        "Subscriber".to_string(),
        format!("{} ({})", s.cli, s.card_number),
    )];
    for (label, value) in [
        ("From", f.from.map(|t| zone.time(t))),
        ("Until", f.until.map(|t| zone.time(t))),
        ("Wallet type", f.wallet_type.clone()),
        ("Called number", f.called_number.clone()),
        ("EDR type", f.edr_type.clone()),
        ("Number of EDRs", query.limit.map(|n| n.to_string())),
    ] {
        if let Some(v) = value {
            notes.push((label.to_string(), v));
        }
    }
    notes.push(("Sorted by".into(), query.sort.label().into()));
    if f.partial {
        notes.push(("Partial EDRs".into(), "included".into()));
    }
    if query.mask {
        notes.push(("Called numbers".into(), "masked".into()));
    }
    Ok(Described {
        title: format!("EDRs of {}", s.cli),
        list: ListSpec::Edrs { query },
        stem: "edrs",
        notes,
    })
}

/// A customer administrator exports their own sites, or the links of one of their sites.
fn describe_for_portal(
    conn: &mut DbConnection,
    customer_id: i64,
    company: &str,
    list: ListSpec,
) -> AppResult<Described> {
    let notes = vec![("Customer".to_string(), company.to_string())];
    match list {
        ListSpec::Sites { sort, dir, .. } => Ok(Described {
            list: ListSpec::Sites {
                customer_id,
                sort: sites::sort(Some(&sort)).key.into(),
                dir,
            },
            title: format!("Sites of {company}"),
            stem: "sites",
            notes,
        }),
        ListSpec::Links { site_id, sort, dir } => {
            // Another customer's site is simply not there.
            let s = site::find(conn, SiteId(site_id))?
                .filter(|s| s.customer_id == customer_id)
                .ok_or(AppError::NotFound)?;
            Ok(Described {
                list: ListSpec::Links {
                    site_id: s.id,
                    sort: links::sort(Some(&sort)).key.into(),
                    dir,
                },
                title: format!("Access links of {company} — {}", s.name),
                stem: "access-links",
                notes,
            })
        }
        _ => Err(AppError::NotFound),
    }
}

/// The column keys to export, checked against the list.
fn columns(
    conn: &mut DbConnection,
    who: &Requester,
    list: &ListSpec,
    view: View,
) -> AppResult<Vec<String>> {
    let all = list.all_keys();
    let keys: Vec<&'static str> = match view {
        View::Named(keys) => {
            if let Some(bad) = keys.iter().find(|k| !all.contains(&k.as_str())) {
                return Err(AppError::BadRequest(format!(
                    "There is no column “{bad}” in this list."
                )));
            }
            return Ok(keys);
        }
        View::All => all,
        View::Current => match (list.pane(), who) {
            (None, _) => all,
            (Some(pane), Requester::Operator { id, .. }) => {
                let stored = preference::get(conn, *id, &pane.pref_key())?;
                pane.visible_keys(stored.as_deref())
            }
            (Some(pane), Requester::Portal { .. }) => pane.visible_keys(None),
        },
    };
    Ok(keys.into_iter().map(str::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_notes_say_the_direction() {
        assert_eq!(
            sort_note("company", SortDir::Desc),
            ("Sorted by".to_string(), "company descending".to_string())
        );
    }
}
