//! GET `/subscribers`: pick the service provider, search by exactly one of wallet reference,
//! card number, subscriber ID or customer (exact or prefix); at most 100 rows, one per wallet.
//! The rows and their cells are the subscribers list's (`lists::subscribers`), as in its export.

use super::pick_provider;
use crate::auth::CurrentOperator;
use crate::db::models::subscriber_search::{SearchField, SearchRow, SubscriberQuery};
use crate::domain::subscriber::MatchMode;
use crate::domain::{FormState, Zone};
use crate::error::AppResult;
use crate::lists::subscribers::Subscribers;
use crate::routes::{render, Layout};
use crate::service::access::providers_for;
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

/// Rows a page shows at most.
pub const MAX_ROWS: usize = 100;

/// The page's query string, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SearchParams {
    pub service_provider_id: String,
    pub wallet_ref: String,
    pub card_number: String,
    pub subscriber_id: String,
    pub customer: String,
    #[serde(rename = "match")]
    pub match_mode: String,
}

impl SearchParams {
    fn text(&self, field: SearchField) -> &str {
        match field {
            SearchField::WalletRef => &self.wallet_ref,
            SearchField::CardNumber => &self.card_number,
            SearchField::SubscriberId => &self.subscriber_id,
            SearchField::Customer => &self.customer,
            SearchField::Browse => "",
        }
    }

    /// The values to show again in the search form.
    pub fn state(&self) -> FormState {
        let mut f = FormState::default();
        for (field, param, _) in SearchField::PARAMS {
            f.set(param, self.text(field).trim());
        }
        f.set(
            "match",
            MatchMode::parse(&self.match_mode)
                .unwrap_or(MatchMode::Prefix)
                .code(),
        );
        f
    }

    /// The search to run in a provider the operator may see, or the form with its messages.
    pub fn parse(&self, allowed: &[(String, String)]) -> Result<SubscriberQuery, FormState> {
        let mut f = self.state();
        let sp = pick_provider(&self.service_provider_id, allowed);
        if let Some(sp) = sp {
            f.set("service_provider_id", sp.to_string());
        } else {
            f.error(
                "service_provider_id",
                "There is no service provider you may work in.",
            );
        }
        let filled: Vec<(SearchField, &str)> = SearchField::PARAMS
            .iter()
            .filter(|(field, ..)| !self.text(*field).trim().is_empty())
            .map(|(field, param, _)| (*field, *param))
            .collect();
        if filled.len() > 1 {
            let names: Vec<&str> = filled.iter().map(|(f, _)| f.label()).collect();
            let message = format!(
                "Search by one field at a time: clear all but one of {}.",
                names.join(", ")
            );
            for (_, param) in &filled {
                f.error(param, message.clone());
            }
            f.error("search", message);
        }
        let mode = if self.match_mode.trim().is_empty() {
            MatchMode::Prefix
        } else {
            match MatchMode::parse(&self.match_mode) {
                Ok(m) => m,
                Err(m) => {
                    f.error("match", m);
                    MatchMode::Prefix
                }
            }
        };
        if f.has_errors() {
            return Err(f);
        }
        let (field, text) = match filled.first() {
            None => (SearchField::Browse, String::new()),
            Some((field, _)) => {
                let raw = self.text(*field).trim();
                let text = match field {
                    // Stored in capitals (see CardNumber and WalletRef).
                    SearchField::WalletRef | SearchField::CardNumber => raw.to_ascii_uppercase(),
                    _ => raw.to_string(),
                };
                (*field, text)
            }
        };
        Ok(SubscriberQuery {
            service_provider_id: sp.unwrap_or_default(),
            field,
            text,
            exact: mode == MatchMode::Exact,
        })
    }
}

pub struct RowView {
    pub id: i64,
    pub wallet_id: String,
    pub card_number: String,
    pub cli: String,
    pub wallet_ref: String,
    pub wallet_type: String,
    pub wallet_state: String,
    pub product_type: String,
    pub customer: String,
    pub description: String,
    pub blacklisted: bool,
    pub general_cash: String,
}

impl RowView {
    /// The row's cells as the subscribers list declares them (the export writes the same).
    fn from(r: SearchRow, zone: &Zone) -> RowView {
        use crate::lists::subscribers::{
            CARD_NUMBER, CUSTOMER, DESCRIPTION, GENERAL_CASH, PRODUCT_TYPE, SUBSCRIBER_ID,
            WALLET_REF, WALLET_STATE, WALLET_TYPE,
        };
        RowView {
            id: r.subscriber_id,
            wallet_id: r.wallet_id.map(|i| i.to_string()).unwrap_or_default(),
            card_number: CARD_NUMBER.text(&r, zone),
            cli: SUBSCRIBER_ID.text(&r, zone),
            wallet_ref: WALLET_REF.text(&r, zone),
            wallet_type: WALLET_TYPE.text(&r, zone),
            wallet_state: WALLET_STATE.text(&r, zone),
            product_type: PRODUCT_TYPE.text(&r, zone),
            customer: CUSTOMER.text(&r, zone),
            description: DESCRIPTION.text(&r, zone),
            general_cash: GENERAL_CASH.text(&r, zone),
            blacklisted: r.blacklisted,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "subscribers/index.html")]
pub struct SearchPage {
    pub layout: Layout,
    pub form: FormState,
    pub providers: Vec<(String, String)>,
    pub fields: Vec<(&'static str, &'static str)>,
    pub modes: Vec<(String, String)>,
    pub rows: Vec<RowView>,
    pub more: bool,
    pub searched: bool,
    pub can_edit: bool,
    pub query_string: String,
    pub new_href: String,
}

pub async fn page(
    op: CurrentOperator,
    state: web::Data<AppState>,
    query: web::Query<SearchParams>,
    req: HttpRequest,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let params = query.into_inner();
    let op_sp = op.service_provider_id;
    let asked = params.clone();
    let (providers, found) = with_conn(&state, move |conn| {
        let providers = providers_for(conn, op_sp)?;
        let found = match asked.parse(&providers) {
            Ok(q) => {
                let sp = q.service_provider_id;
                let rows = Subscribers { query: q }.first(conn, MAX_ROWS as i64 + 1)?;
                Ok((sp, rows))
            }
            Err(f) => Err(f),
        };
        Ok((providers, found))
    })
    .await?;
    let (form, rows, more, status) = match found {
        Ok((sp, rows)) => {
            let mut f = params.state();
            f.set("service_provider_id", sp.to_string());
            let more = rows.len() > MAX_ROWS;
            let rows: Vec<RowView> = rows
                .into_iter()
                .take(MAX_ROWS)
                .map(|r| RowView::from(r, &op.zone))
                .collect();
            (f, rows, more, StatusCode::OK)
        }
        Err(f) => (f, Vec::new(), false, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let new_href = format!(
        "/subscribers/new?service_provider_id={}",
        form.value("service_provider_id")
    );
    let page = SearchPage {
        layout: Layout::for_operator(&op, &flashes),
        providers,
        fields: SearchField::PARAMS
            .iter()
            .map(|(_, param, label)| (*param, *label))
            .collect(),
        modes: MatchMode::ALL
            .iter()
            .map(|m| (m.code().to_string(), m.label().to_string()))
            .collect(),
        rows,
        more,
        searched: status == StatusCode::OK,
        can_edit: op.role.can_edit(),
        query_string: req.uri().query().unwrap_or("").to_string(),
        new_href,
        form,
    };
    render(status, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<(String, String)> {
        vec![("1".into(), "Default".into()), ("2".into(), "Other".into())]
    }

    #[test]
    fn two_fields_are_refused() {
        let p = SearchParams {
            card_number: "1".into(),
            customer: "a".into(),
            ..Default::default()
        };
        let f = p.parse(&allowed()).unwrap_err();
        assert!(f.message("card_number").contains("one field at a time"));
        assert!(f.message("customer").contains("one field at a time"));
        assert!(f.message("wallet_ref").is_empty());
    }

    #[test]
    fn one_field_is_normalised() {
        let p = SearchParams {
            service_provider_id: "2".into(),
            wallet_ref: " w12 ".into(),
            match_mode: "exact".into(),
            ..Default::default()
        };
        let q = p.parse(&allowed()).expect("a valid search");
        assert_eq!(q.service_provider_id, 2);
        assert_eq!(q.field, SearchField::WalletRef);
        assert_eq!(q.text, "W12");
        assert!(q.exact);
        let none = SearchParams::default()
            .parse(&allowed())
            .expect("browsing is a search");
        assert_eq!(none.field, SearchField::Browse);
        assert_eq!(none.service_provider_id, 1);
        assert!(SearchParams {
            match_mode: "fuzzy".into(),
            ..Default::default()
        }
        .parse(&allowed())
        .is_err());
    }
}
