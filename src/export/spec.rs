//! Everything an export needs, decided when it is asked for (list, rows, columns, format, who):
//! the same spec runs at once or later as a background job, even on another instance.

use super::lists::{
    self as catalog, CustomersSource, InventorySource, LinksSource, SitesSource, SubscribersSource,
};
use super::{Column, ExportInfo, Format, RowSource};
use crate::db::models::customer::{self, CustomerFilter};
use crate::db::models::subscriber_search::SubscriberQuery;
use crate::db::models::{link, site, SortDir};
use serde::{Deserialize, Serialize};

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
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportSpec {
    pub list: ListSpec,
    pub format: Format,
    /// Column keys, in order; checked against the list's columns when the spec is made.
    pub columns: Vec<String>,
    pub info: ExportInfo,
}

/// The allow-listed spelling of a sort key (a `&'static str` the queries can hold).
fn allowed(sort: &str, list: &[&'static str], default: &'static str) -> &'static str {
    list.iter()
        .find(|k| **k == sort)
        .copied()
        .unwrap_or(default)
}

impl ListSpec {
    /// Every column the list has ("all data").
    pub fn all_columns(&self) -> &'static [Column] {
        match self {
            ListSpec::Customers { .. } => catalog::CUSTOMER_COLUMNS,
            ListSpec::Sites { .. } => catalog::SITE_COLUMNS,
            ListSpec::Links { .. } => catalog::LINK_COLUMNS,
            ListSpec::Inventory { .. } => catalog::INVENTORY_COLUMNS,
            ListSpec::Subscribers { .. } => catalog::SUBSCRIBER_COLUMNS,
        }
    }
}

impl ExportSpec {
    pub fn columns(&self) -> Vec<Column> {
        let keys: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        catalog::choose(self.list.all_columns(), Some(&keys))
    }

    /// The row source that reads this export's rows.
    pub fn source(&self) -> Box<dyn RowSource> {
        let columns = self.columns();
        match &self.list {
            ListSpec::Customers { filter, sort, dir } => Box::new(CustomersSource::new(
                filter.clone(),
                allowed(sort, customer::SORT_COLUMNS, "company"),
                *dir,
                columns,
            )),
            ListSpec::Sites {
                customer_id,
                sort,
                dir,
            } => Box::new(SitesSource::new(
                *customer_id,
                allowed(sort, site::SORT_COLUMNS, "name"),
                *dir,
                columns,
            )),
            ListSpec::Links { site_id, sort, dir } => Box::new(LinksSource::new(
                *site_id,
                allowed(sort, link::SORT_COLUMNS, "name"),
                *dir,
                columns,
            )),
            ListSpec::Inventory { service_provider } => {
                Box::new(InventorySource::new(*service_provider, columns))
            }
            ListSpec::Subscribers { query } => {
                Box::new(SubscribersSource::new(query.clone(), columns))
            }
        }
    }
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
            },
        };
        let text = serde_json::to_string(&spec).unwrap();
        let back: ExportSpec = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back.columns().iter().map(|c| c.key).collect::<Vec<_>>(),
            ["name", "country"]
        );
        assert_eq!(back.source().columns().len(), 2);
    }

    #[test]
    fn unknown_sort_keys_fall_back_to_the_default() {
        assert_eq!(
            allowed("password_hash", customer::SORT_COLUMNS, "company"),
            "company"
        );
        assert_eq!(
            allowed("status", customer::SORT_COLUMNS, "company"),
            "status"
        );
    }
}
