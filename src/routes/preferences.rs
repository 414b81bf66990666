//! POST `/preferences/columns`: which columns a pane shows, remembered per operator.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator};
use crate::db::models::preference;
use crate::error::{AppError, AppResult};
use crate::routes::customers::columns;
use crate::routes::{safe_return, see_other};
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
    let pane = fields.get("pane").unwrap_or("").to_string();
    if columns::specs(&pane).is_none() {
        return Err(AppError::BadRequest("Unknown pane.".into()));
    }
    let return_to = safe_return(fields.get("return_to"));
    let Some(value) = columns::sanitize(&pane, fields.all("col")) else {
        FlashMessage::error("Choose at least one column to show.").send();
        return Ok(see_other(&return_to));
    };
    let key = columns::pref_key(&pane);
    let op_id = op.id;
    with_conn(&state, move |conn| {
        Ok(preference::set(conn, op_id, &key, &value)?)
    })
    .await?;
    Ok(see_other(&return_to))
}
