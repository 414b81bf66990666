//! The answer to every pane's "Save changes", for operators and portal users alike: one call of
//! `service::pane_save`; a save that went through goes back to the page it came from with a
//! message, a refused one is handed back to the caller to show the page again with what was
//! typed (`pane_view::Overlay`).

use crate::auth::csrf::Fields;
use crate::error::AppResult;
use crate::lists::PaneKind;
use crate::routes::customers::pane_view::Overlay;
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

/// How a save is answered.
pub enum SaveAnswer {
    /// Saved (or nothing to save): back to the page, with a message.
    Back(HttpResponse),
    /// Refused: the page is to be shown again (422) with what was typed and the fault marked.
    Refused(Overlay),
}

pub async fn save_and_return(
    state: &AppState,
    save: PaneSave,
    fields: Fields,
) -> AppResult<SaveAnswer> {
    let PaneSave {
        saver,
        actor,
        pane,
        return_to,
    } = save;
    let posted = fields.clone();
    let outcome = with_conn(state, move |conn| {
        pane_save::save(conn, saver, pane, &actor, &fields)
    })
    .await?;
    match outcome {
        PaneSaved::NoChanges => FlashMessage::info(outcome.message()).send(),
        PaneSaved::Saved(_) => FlashMessage::success(outcome.message()).send(),
        PaneSaved::Refused(refusal) => {
            return Ok(SaveAnswer::Refused(Overlay {
                pane: match pane {
                    Pane::Customers => PaneKind::Customers,
                    Pane::Sites { .. } => PaneKind::Sites,
                    Pane::Links { .. } => PaneKind::Links,
                },
                fields: posted,
                refusal,
            }))
        }
    }
    Ok(SaveAnswer::Back(see_other(&return_to)))
}
