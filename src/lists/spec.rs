//! Everything an export needs, decided when it is asked for (list, rows, columns, format, who):
//! the same spec runs at once or later as a background job, even on another instance. The
//! background worker gets [`prepare`] to turn a stored spec back into rows.

use super::edrs::{EdrQuery, Edrs};
use super::inventory::Inventory;
use super::links::Links;
use super::sites::Sites;
use super::subscribers::Subscribers;
use super::{choose, customers, edrs, inventory, links, sites, statement, subscribers};
use super::{Keyset, ListColumn, PaneKind, Source};
use crate::db::models::customer::CustomerFilter;
use crate::db::models::subscriber_search::SubscriberQuery;
use crate::db::models::SortDir;
use crate::export::{ExportInfo, Format, Prepared, RowSource};
use serde::{Deserialize, Serialize};

/// Which list, and which of its rows in which order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ListSpec {
    Customers {
        filter: CustomerFilter,
        sort: String,
        dir: SortDir,
    },
    Sites {
        customer_id: i64,
        sort: String,
        dir: SortDir,
    },
    Links {
        site_id: i64,
        sort: String,
        dir: SortDir,
    },
    Inventory {
        service_provider: Option<i64>,
    },
    /// A subscribers search (one row per wallet).
    Subscribers {
        query: SubscriberQuery,
    },
    /// A customer's account statement over `[start, end)`, days cut in `zone`.
    Statement {
        customer_id: i64,
        decimals: u32,
        start: i64,
        end: i64,
        zone: String,
    },
    /// A subscriber's EDRs as the viewer filters them (masking decided when asked).
    Edrs {
        query: EdrQuery,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportSpec {
    pub list: ListSpec,
    pub format: Format,
    /// Column keys, in order; checked against the list's columns when the spec is made.
    pub columns: Vec<String>,
    pub info: ExportInfo,
}

fn keys_of<R>(all: &'static [ListColumn<R>]) -> Vec<&'static str> {
    all.iter().map(|c| c.key).collect()
}

fn source_of<K: Keyset>(
    list: K,
    all: &'static [ListColumn<K::Row>],
    keys: &[String],
) -> Box<dyn RowSource> {
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    Source::boxed(list, choose(all, Some(&keys)))
}

impl ListSpec {
    /// The key of every column the list has ("all data"), in order.
    pub fn all_keys(&self) -> Vec<&'static str> {
        match self {
            ListSpec::Customers { .. } => keys_of(customers::COLUMNS),
            ListSpec::Sites { .. } => keys_of(sites::COLUMNS),
            ListSpec::Links { .. } => keys_of(links::COLUMNS),
            ListSpec::Inventory { .. } => keys_of(inventory::COLUMNS),
            ListSpec::Subscribers { .. } => keys_of(subscribers::COLUMNS),
            ListSpec::Statement { .. } => keys_of(statement::COLUMNS),
            ListSpec::Edrs { .. } => keys_of(edrs::COLUMNS),
        }
    }

    /// The pane that shows this list, whose chosen columns are the "current view".
    pub fn pane(&self) -> Option<PaneKind> {
        match self {
            ListSpec::Customers { .. } => Some(PaneKind::Customers),
            ListSpec::Sites { .. } => Some(PaneKind::Sites),
            ListSpec::Links { .. } => Some(PaneKind::Links),
            ListSpec::Inventory { .. }
            | ListSpec::Subscribers { .. }
            | ListSpec::Statement { .. }
            | ListSpec::Edrs { .. } => None,
        }
    }

    /// The rows of the list with the columns named by `keys`.
    pub fn source(&self, keys: &[String]) -> Box<dyn RowSource> {
        match self {
            ListSpec::Customers { filter, sort, dir } => source_of(
                customers::Customers {
                    filter: filter.clone(),
                    sort: customers::sort(Some(sort)),
                    dir: *dir,
                },
                customers::COLUMNS,
                keys,
            ),
            ListSpec::Sites {
                customer_id,
                sort,
                dir,
            } => source_of(
                Sites {
                    customer_id: *customer_id,
                    sort: sites::sort(Some(sort)),
                    dir: *dir,
                },
                sites::COLUMNS,
                keys,
            ),
            ListSpec::Links { site_id, sort, dir } => source_of(
                Links {
                    site_id: *site_id,
                    sort: links::sort(Some(sort)),
                    dir: *dir,
                },
                links::COLUMNS,
                keys,
            ),
            ListSpec::Inventory { service_provider } => source_of(
                Inventory {
                    service_provider: *service_provider,
                },
                inventory::COLUMNS,
                keys,
            ),
            ListSpec::Subscribers { query } => source_of(
                Subscribers {
                    query: query.clone(),
                },
                subscribers::COLUMNS,
                keys,
            ),
            ListSpec::Statement {
                customer_id,
                decimals,
                start,
                end,
                zone,
            } => source_of(
                statement::Statement {
                    customer_id: *customer_id,
                    decimals: *decimals,
                    start: *start,
                    end: *end,
                    zone: zone.clone(),
                },
                statement::COLUMNS,
                keys,
            ),
            ListSpec::Edrs { query } => source_of(Edrs::new(query.clone()), edrs::COLUMNS, keys),
        }
    }
}

impl ExportSpec {
    /// The row source that reads this export's rows.
    pub fn source(&self) -> Box<dyn RowSource> {
        self.list.source(&self.columns)
    }

    /// Ready to write: format, header and rows.
    pub fn prepare(self) -> Prepared {
        Prepared {
            source: self.source(),
            format: self.format,
            info: self.info,
        }
    }
}

/// A background job's stored spec, ready to write (the worker is given this function).
pub fn prepare(stored: &str) -> anyhow::Result<Prepared> {
    let spec: ExportSpec = serde_json::from_str(stored)?;
    Ok(spec.prepare())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_survives_the_database_round_trip() {
        let spec = ExportSpec {
            list: ListSpec::Sites {
                customer_id: 4,
                sort: "country".into(),
                dir: SortDir::Desc,
            },
            format: Format::Xlsx,
            columns: vec!["name".into(), "country".into()],
            info: ExportInfo {
                title: "Sites of X".into(),
                stem: "sites".into(),
                filters: vec![],
                exported_by: "admin".into(),
                exported_at: 1,
                time_zone: "Europe/Paris".into(),
            },
        };
        let text = serde_json::to_string(&spec).unwrap();
        let back = prepare(&text).unwrap();
        assert_eq!(
            back.source
                .columns()
                .iter()
                .map(|c| c.key)
                .collect::<Vec<_>>(),
            ["name", "country"]
        );
        assert_eq!(back.format, Format::Xlsx);
        assert_eq!(back.info.zone().name(), "Europe/Paris");
    }

    #[test]
    fn specs_stored_by_earlier_versions_still_read() {
        let stored = r#"{"list":{"Inventory":{"service_provider":null}},"format":"Csv","columns":["name","status"],"info":{"title":"All access links","stem":"all-access-links","filters":[],"exported_by":"admin","exported_at":0}}"#;
        let p = prepare(stored).unwrap();
        assert_eq!(p.source.columns().len(), 2);
        assert_eq!(p.source.columns()[0].label, "Link");
        assert_eq!(p.info.zone().name(), "UTC");
    }
}
