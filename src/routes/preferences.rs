//! POST `/preferences/columns` and `/preferences/page-size`: which columns a pane shows and how
//! many rows per page, remembered per operator.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator};
use crate::error::{AppError, AppResult};
use crate::lists::PaneKind;
use crate::routes::{safe_return, see_other};
use crate::service::panes::{self, ColumnsSaved, PageSizeSaved};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::FlashMessage;

/// Any signed-in operator may choose columns, viewers included: it changes only their own view.
pub async fn save_columns(
    state: web::Data<AppState>,
    op: CurrentOperator,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let fields = form.0;
    let pane = PaneKind::parse(fields.get("pane").unwrap_or(""))
        .ok_or_else(|| AppError::BadRequest("Unknown pane.".into()))?;
    let return_to = safe_return(fields.get("return_to"));
    let keys: Vec<String> = fields.all("col").map(str::to_string).collect();
    let op_id = op.id;
    let saved = with_conn(&state, move |conn| {
        panes::save_columns(conn, op_id, pane, keys)
    })
    .await?;
    if saved == ColumnsSaved::NoneChosen {
        FlashMessage::error("Choose at least one column to show.").send();
    }
    Ok(see_other(&return_to))
}

/// Any signed-in operator may choose a pane's page size: it changes only their own view.
pub async fn save_page_size(
    state: web::Data<AppState>,
    op: CurrentOperator,
    form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let fields = form.0;
    let pane = PaneKind::parse(fields.get("pane").unwrap_or(""))
        .ok_or_else(|| AppError::BadRequest("Unknown pane.".into()))?;
    let return_to = safe_return(fields.get("return_to"));
    let size = fields.get("size").unwrap_or("").to_string();
    let op_id = op.id;
    let saved = with_conn(&state, move |conn| {
        panes::save_page_size(conn, op_id, pane, &size)
    })
    .await?;
    if saved == PageSizeSaved::NotOffered {
        FlashMessage::error("Choose 25, 50, 100 or 200 rows per page.").send();
    }
    Ok(see_other(&return_to))
}
