//! The three-pane page's state as it lives in the URL, and links that change one part of it.

use crate::db::models::customer::CustomerFilter;
use crate::db::models::SortDir;
use crate::domain::CustomerStatus;
use crate::service::panes::{PaneAsk, PanesAsk};
use serde::Deserialize;

/// Every parameter `/customers` understands; anything unparsable is treated as absent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PanesQuery {
    pub customer: Option<String>,
    pub site: Option<String>,
    pub link: Option<String>,
    pub c_sort: Option<String>,
    pub c_dir: Option<String>,
    pub c_page: Option<String>,
    pub s_sort: Option<String>,
    pub s_dir: Option<String>,
    pub s_page: Option<String>,
    pub l_sort: Option<String>,
    pub l_dir: Option<String>,
    pub l_page: Option<String>,
    pub q_company: Option<String>,
    pub q_username: Option<String>,
    pub q_name: Option<String>,
    pub q_ip: Option<String>,
    pub q_account: Option<String>,
    pub q_sip_user: Option<String>,
    pub q_status: Option<String>,
    pub q_webid: Option<String>,
}

/// Parameter order in generated links (stable, so links compare equal).
const ORDER: &[&str] = &[
    "customer",
    "site",
    "link",
    "c_sort",
    "c_dir",
    "c_page",
    "s_sort",
    "s_dir",
    "s_page",
    "l_sort",
    "l_dir",
    "l_page",
    "q_company",
    "q_username",
    "q_name",
    "q_ip",
    "q_account",
    "q_sip_user",
    "q_status",
    "q_webid",
];

/// The customers pane's filters (the last of `ORDER`), which its export carries too.
pub const CUSTOMER_FILTERS: &[&str] = ORDER.split_at(12).1;

impl PanesQuery {
    /// The state named by a page address the browser came from (`return_to`), and its query
    /// string; anything unreadable is the plain page.
    pub fn of_return_to(return_to: &str) -> (PanesQuery, &str) {
        let query = return_to.split_once('?').map(|(_, q)| q).unwrap_or("");
        let q = actix_web::web::Query::<PanesQuery>::from_query(query)
            .map(actix_web::web::Query::into_inner)
            .unwrap_or_default();
        (q, query)
    }

    fn get(&self, key: &str) -> Option<&String> {
        match key {
            "customer" => self.customer.as_ref(),
            "site" => self.site.as_ref(),
            "link" => self.link.as_ref(),
            "c_sort" => self.c_sort.as_ref(),
            "c_dir" => self.c_dir.as_ref(),
            "c_page" => self.c_page.as_ref(),
            "s_sort" => self.s_sort.as_ref(),
            "s_dir" => self.s_dir.as_ref(),
            "s_page" => self.s_page.as_ref(),
            "l_sort" => self.l_sort.as_ref(),
            "l_dir" => self.l_dir.as_ref(),
            "l_page" => self.l_page.as_ref(),
            "q_company" => self.q_company.as_ref(),
            "q_username" => self.q_username.as_ref(),
            "q_name" => self.q_name.as_ref(),
            "q_ip" => self.q_ip.as_ref(),
            "q_account" => self.q_account.as_ref(),
            "q_sip_user" => self.q_sip_user.as_ref(),
            "q_status" => self.q_status.as_ref(),
            "q_webid" => self.q_webid.as_ref(),
            _ => None,
        }
    }

    pub fn id(value: &Option<String>) -> Option<i64> {
        value
            .as_deref()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|v| *v > 0)
    }

    pub fn page(value: &Option<String>) -> i64 {
        value
            .as_deref()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .map(|p| p.saturating_sub(1).clamp(0, 1_000_000))
            .unwrap_or(0)
    }

    pub fn text(value: &Option<String>) -> String {
        value
            .as_deref()
            .unwrap_or("")
            .trim()
            .chars()
            .take(100)
            .collect()
    }

    /// The customers pane's filters (the viewer's scope is added by whoever loads the list).
    pub fn customer_filter(&self) -> CustomerFilter {
        CustomerFilter {
            company: Self::text(&self.q_company),
            username: Self::text(&self.q_username),
            name: Self::text(&self.q_name),
            ip: Self::text(&self.q_ip),
            account: Self::text(&self.q_account),
            sip_user: Self::text(&self.q_sip_user),
            status: CustomerStatus::parse(&Self::text(&self.q_status))
                .map(|s| s.code().to_string())
                .unwrap_or_default(),
            webid: Self::text(&self.q_webid),
            service_provider_id: None,
        }
    }

    /// What the panes are asked to show.
    pub fn ask(&self) -> PanesAsk {
        let pane = |sort: &Option<String>, dir: &Option<String>, page: &Option<String>| PaneAsk {
            sort: sort.clone(),
            dir: SortDir::parse(dir.as_deref()),
            page: Self::page(page),
            page_given: page.as_deref().is_some_and(|p| !p.trim().is_empty()),
        };
        PanesAsk {
            filter: self.customer_filter(),
            customers: pane(&self.c_sort, &self.c_dir, &self.c_page),
            sites: pane(&self.s_sort, &self.s_dir, &self.s_page),
            links: pane(&self.l_sort, &self.l_dir, &self.l_page),
            customer: Self::id(&self.customer),
            site: Self::id(&self.site),
            link: Self::id(&self.link),
        }
    }

    /// Only the parameters `keys`, as a query string without `?` (empty when none is set).
    pub fn only<'k>(&self, keys: impl IntoIterator<Item = &'k &'k str>) -> String {
        let mut out = String::new();
        for key in keys {
            if let Some(v) = self.get(key).filter(|v| !v.is_empty()) {
                if !out.is_empty() {
                    out.push('&');
                }
                push_pair(&mut out, key, v);
            }
        }
        out
    }

    /// `/customers?…` with `changes` applied (`None` removes a parameter).
    pub fn href(&self, changes: &[(&str, Option<String>)]) -> String {
        self.href_at("/customers", changes)
    }

    /// The same for the panes at another address (a customer's portal).
    /// Written straight into one string: a page builds a few hundred of these.
    pub fn href_at(&self, base: &str, changes: &[(&str, Option<String>)]) -> String {
        let mut out = String::with_capacity(base.len() + 64);
        out.push_str(base);
        let mut sep = '?';
        for key in ORDER {
            let value = match changes.iter().find(|(k, _)| k == key) {
                Some((_, v)) => v.as_deref(),
                None => self.get(key).map(String::as_str),
            };
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                out.push(sep);
                push_pair(&mut out, key, v);
                sep = '&';
            }
        }
        out
    }
}

/// Appends `key=value`, the value encoded for a query string.
fn push_pair(out: &mut String, key: &str, value: &str) {
    out.push_str(key);
    out.push('=');
    out.extend(form_urlencoded::byte_serialize(value.as_bytes()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn href_changes_only_what_is_asked() {
        let q = PanesQuery {
            customer: Some("5".into()),
            site: Some("9".into()),
            q_company: Some("a&b".into()),
            ..Default::default()
        };
        assert_eq!(q.href(&[]), "/customers?customer=5&site=9&q_company=a%26b");
        assert_eq!(
            q.href(&[("customer", Some("6".into())), ("site", None)]),
            "/customers?customer=6&q_company=a%26b"
        );
    }

    #[test]
    fn only_keeps_the_keys_asked_in_their_order() {
        let q = PanesQuery {
            customer: Some("5".into()),
            c_sort: Some("company".into()),
            q_company: Some("a&b".into()),
            q_ip: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(
            q.only(&["c_sort", "c_dir", "q_company", "q_ip"]),
            "c_sort=company&q_company=a%26b"
        );
        assert_eq!(q.only(&["s_sort"]), "");
    }

    #[test]
    fn the_customer_filters_are_the_q_parameters() {
        let q: Vec<&str> = ORDER
            .iter()
            .copied()
            .filter(|k| k.starts_with("q_"))
            .collect();
        assert_eq!(CUSTOMER_FILTERS, q.as_slice());
    }

    #[test]
    fn ids_and_pages_parse_leniently() {
        assert_eq!(PanesQuery::id(&Some("12".into())), Some(12));
        assert_eq!(PanesQuery::id(&Some("x".into())), None);
        assert_eq!(PanesQuery::id(&Some("-3".into())), None);
        assert_eq!(PanesQuery::page(&Some("3".into())), 2);
        assert_eq!(PanesQuery::page(&Some("0".into())), 0);
        assert_eq!(PanesQuery::page(&None), 0);
        // The smallest number did overflow (a panic in debug builds, the last page in release).
        assert_eq!(PanesQuery::page(&Some(i64::MIN.to_string())), 0);
        assert_eq!(PanesQuery::page(&Some(i64::MAX.to_string())), 1_000_000);
    }
}
