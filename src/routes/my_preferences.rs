//! `/preferences`: what a signed-in operator sets for themself, which is the time zone their
//! pages and exports show times in (empty: the server's `SELFCARE_TIME_ZONE`).

use crate::auth::csrf::Fields;
use crate::auth::sessions::set_operator_zone;
use crate::auth::{CsrfForm, CurrentOperator};
use crate::db::models::OperatorId;
use crate::domain::time_zone_list::TIME_ZONES;
use crate::domain::FormState;
use crate::error::AppResult;
use crate::routes::{render, see_other, Layout};
use crate::service::operators::{self, OperatorChanged};
use crate::state::with_conn;
use crate::state::AppState;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

/// The zones to choose from, as `(value, label)` pairs (the empty value is "the server's").
fn zone_choices() -> Vec<(String, String)> {
    TIME_ZONES
        .iter()
        .map(|z| (z.to_string(), z.to_string()))
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "preferences.html")]
pub struct PreferencesPage {
    pub layout: Layout,
    pub form: FormState,
    /// The server's zone, used when the operator chose none.
    pub server_zone: &'static str,
    pub zones: Vec<(String, String)>,
}

fn page_of(
    op: &CurrentOperator,
    state: &AppState,
    form: FormState,
    flashes: &IncomingFlashMessages,
) -> PreferencesPage {
    PreferencesPage {
        layout: Layout::for_operator(op, flashes),
        form,
        server_zone: state.time_zone.name(),
        zones: zone_choices(),
    }
}

pub async fn page(
    op: CurrentOperator,
    state: web::Data<AppState>,
    flashes: IncomingFlashMessages,
) -> AppResult<PreferencesPage> {
    let id = OperatorId(op.id);
    let own = with_conn(&state, move |conn| operators::own_time_zone(conn, id)).await?;
    let mut form = FormState::default();
    form.set("time_zone", own.unwrap_or_default());
    Ok(page_of(&op, &state, form, &flashes))
}

/// Saves the operator's zone (audited) and shows it from the next page on; an unknown zone
/// answers 422 and changes nothing.
pub async fn save(
    op: CurrentOperator,
    state: web::Data<AppState>,
    session: Session,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let input = form.0.get("time_zone").unwrap_or("").to_string();
    let (actor, id) = (op.actor(), OperatorId(op.id));
    let outcome = with_conn(&state, move |conn| {
        operators::set_time_zone(conn, &actor, id, &input)
    })
    .await?;
    match outcome {
        OperatorChanged::Saved(o) => {
            set_operator_zone(&session, o.time_zone.as_deref())?;
            let shown = o.time_zone.as_deref().unwrap_or(state.time_zone.name());
            FlashMessage::success(format!("Times are now shown in {shown}.")).send();
            Ok(see_other("/preferences"))
        }
        OperatorChanged::Invalid(f) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page_of(&op, &state, f, &flashes),
        ),
        OperatorChanged::Refused(r) => {
            FlashMessage::error(r.message()).send();
            Ok(see_other("/preferences"))
        }
    }
}
