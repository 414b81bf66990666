//! The answer to every pane's "Save changes", for operators and portal users alike: one call of
//! `service::pane_save`, a message of the outcome, back to the page the browser came from.

use crate::auth::csrf::Fields;
use crate::error::AppResult;
use crate::routes::see_other;
use crate::service::pane_save::{self, Pane, PaneSaved, Saver};
use crate::state::{with_conn, AppState};
use actix_web::HttpResponse;
use actix_web_flash_messages::FlashMessage;

/// Who saves which pane, as `actor` in the audit log, and where the browser goes afterwards.
pub struct PaneSave {
    pub saver: Saver,
    pub actor: String,
    pub pane: Pane,
    pub return_to: String,
}

pub async fn save_and_return(
    state: &AppState,
    save: PaneSave,
    fields: Fields,
) -> AppResult<HttpResponse> {
    let PaneSave {
        saver,
        actor,
        pane,
        return_to,
    } = save;
    let outcome = with_conn(state, move |conn| {
        pane_save::save(conn, saver, pane, &actor, &fields)
    })
    .await?;
    match &outcome {
        PaneSaved::NoChanges => FlashMessage::info(outcome.message()).send(),
        PaneSaved::Saved(_) => FlashMessage::success(outcome.message()).send(),
        PaneSaved::Refused(_) => FlashMessage::error(outcome.message()).send(),
    }
    Ok(see_other(&return_to))
}
