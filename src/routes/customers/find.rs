//! GET `/customers/find?q=`: the quick search above the panes. One customer found opens the
//! page on it; several filter the list by what matched; none says so.

use crate::auth::CurrentOperator;
use crate::error::AppResult;
use crate::routes::see_other;
use crate::service::panes::{self, Found};
use crate::state::{with_conn, AppState};
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct FindQuery {
    #[serde(default)]
    pub q: String,
}

pub async fn find(
    op: CurrentOperator,
    state: web::Data<AppState>,
    query: web::Query<FindQuery>,
) -> AppResult<HttpResponse> {
    let typed = query.into_inner().q.trim().to_string();
    let scope = op.service_provider_id;
    let text = typed.clone();
    let found = with_conn(&state, move |conn| panes::quick_find(conn, scope, &text)).await?;
    let encoded = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    Ok(match found {
        Found::One(id) => see_other(&format!("/customers?customer={id}")),
        Found::Several(key) => {
            FlashMessage::info(format!(
                "Several customers match “{typed}”: the list shows them."
            ))
            .send();
            see_other(&format!("/customers?{key}={}", encoded(&typed)))
        }
        Found::Nothing if typed.is_empty() => see_other("/customers"),
        Found::Nothing => {
            FlashMessage::error(format!(
                "No customer matches “{typed}” (company, account code, web username, WebID, \
                 IP address or SIP user)."
            ))
            .send();
            see_other("/customers")
        }
    })
}
