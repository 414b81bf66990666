//! POST `/customers/{id}/impersonate`: an operator switches to a customer's portal, to see it as
//! its administrator does. The operator stays signed in as themselves (the session only notes
//! whose portal they may look at), every change there is recorded under their name, and the
//! switch itself is audited.

use crate::auth::csrf::Fields;
use crate::auth::session_keys as keys;
use crate::auth::{CsrfForm, Editor};
use crate::error::{AppError, AppResult};
use crate::routes::see_other;
use crate::service::customers as service;
use crate::state::with_conn;
use crate::state::AppState;
use actix_session::Session;
use actix_web::{web, HttpResponse};

pub async fn impersonate(
    state: web::Data<AppState>,
    editor: Editor,
    session: Session,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (scope, actor, id) = (
        editor.0.service_provider_id,
        editor.0.actor(),
        path.into_inner(),
    );
    let c = with_conn(&state, move |conn| {
        service::impersonate(conn, scope, &actor, id)
    })
    .await?;
    session
        .insert(keys::IMPERSONATING, c.id)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("storing the session: {e}")))?;
    Ok(see_other(&crate::auth::portal::home_of(&c.webid)))
}
