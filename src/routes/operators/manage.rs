//! One operator's page (`/operators/{id}`): role and service provider, disable/enable, and a
//! password reset. Each change ends the operator's sessions (their session holds the role).

use super::{parse_provider, view, OperatorView, RoleChoices};
use crate::auth::csrf::Fields;
use crate::auth::session_keys;
use crate::auth::{Admin, CsrfForm};
use crate::db::models::audit::{self, Change};
use crate::db::models::operator::{self, OperatorRow};
use crate::db::models::{reference, session};
use crate::db::{write_transaction, DbConnection};
use crate::domain::FormState;
use crate::domain::{OperatorPassword, Role};
use crate::error::{AppError, AppResult};
use crate::routes::{render, see_other, Layout};
use crate::state::with_conn;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "operators/manage.html")]
pub struct ManagePage {
    pub layout: Layout,
    pub operator: OperatorView,
    pub form: FormState,
    pub choices: RoleChoices,
}

async fn render_page(
    state: &web::Data<AppState>,
    admin: &Admin,
    id: i64,
    form: Option<FormState>,
    flashes: &IncomingFlashMessages,
) -> AppResult<ManagePage> {
    let (o, providers) = with_conn(state, move |conn| {
        let o = operator::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok((o, reference::service_providers(conn)?))
    })
    .await?;
    let form = form.unwrap_or_else(|| {
        let mut f = FormState::default();
        f.set("role", &o.role);
        f.set(
            "service_provider_id",
            o.service_provider_id
                .map(|s| s.to_string())
                .unwrap_or_default(),
        );
        f
    });
    Ok(ManagePage {
        layout: Layout::for_operator(&admin.0, flashes),
        operator: view(&o, &providers),
        form,
        choices: RoleChoices::of(&providers),
    })
}

pub async fn page(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    flashes: IncomingFlashMessages,
) -> AppResult<ManagePage> {
    render_page(&state, &admin, path.into_inner(), None, &flashes).await
}

/// Applies `change` to operator `id` in one transaction with its audit entry, ending the
/// operator's sessions; `Err(message)` refusals come back as a flash on the operator's page.
async fn change_operator<F>(
    state: &web::Data<AppState>,
    admin: &Admin,
    id: i64,
    reason: Option<&'static str>,
    change: F,
) -> AppResult<Result<OperatorRow, String>>
where
    F: FnOnce(&mut DbConnection, &OperatorRow) -> AppResult<Result<OperatorRow, String>>
        + Send
        + 'static,
{
    let actor = admin.0.actor();
    with_conn(state, move |conn| {
        write_transaction(conn, |conn| {
            let before = operator::find(conn, id)?.ok_or(AppError::NotFound)?;
            let after = match change(conn, &before)? {
                Ok(after) => after,
                Err(m) => return Ok(Err(m)),
            };
            audit::record(
                conn,
                Change {
                    actor: &actor,
                    action: "update",
                    object_type: "operator",
                    object_id: id,
                    before: audit::image(&before),
                    after: audit::image(&after),
                    reason,
                },
            )?;
            session::delete_for_principal(conn, &session_keys::operator_principal(id))?;
            Ok(Ok(after))
        })
    })
    .await
}

/// Whether taking `before`'s admin powers away would leave no enabled admin.
fn last_admin(conn: &mut DbConnection, before: &OperatorRow) -> AppResult<bool> {
    Ok(before.role == Role::Admin.code()
        && !before.disabled
        && operator::enabled_admins(conn)? <= 1)
}

fn done(id: i64, outcome: Result<OperatorRow, String>, success: &str) -> HttpResponse {
    match outcome {
        Ok(o) => FlashMessage::success(format!("{} {success}", o.username)).send(),
        Err(m) => FlashMessage::error(m).send(),
    }
    see_other(&format!("/operators/{id}"))
}

pub async fn set_role(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let fields = form.0;
    let providers = with_conn(&state, |conn| Ok(reference::service_providers(conn)?)).await?;
    let mut f = FormState::default();
    f.set("role", fields.get("role").unwrap_or(""));
    f.set(
        "service_provider_id",
        fields.get("service_provider_id").unwrap_or(""),
    );
    let role = f.check("role", Role::parse(fields.get("role").unwrap_or("")));
    let sp = f.check(
        "service_provider_id",
        parse_provider(fields.get("service_provider_id").unwrap_or(""), &providers),
    );
    let (Some(role), Some(sp)) = (role, sp) else {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &render_page(&state, &admin, id, Some(f), &flashes).await?,
        );
    };
    let me = admin.0.id;
    let outcome = change_operator(&state, &admin, id, None, move |conn, before| {
        if role != Role::Admin && (before.id == me || last_admin(conn, before)?) {
            return Ok(Err(
                "The admin role stays: you cannot take it from yourself, nor from the last \
                 enabled admin."
                    .into(),
            ));
        }
        Ok(Ok(
            operator::set_role(conn, before.id, role.code(), sp)?.ok_or(AppError::NotFound)?
        ))
    })
    .await?;
    Ok(done(
        id,
        outcome,
        "was saved; their sessions ended, so the change applies at once.",
    ))
}

async fn set_disabled(
    state: web::Data<AppState>,
    admin: Admin,
    id: i64,
    disabled: bool,
) -> AppResult<HttpResponse> {
    let me = admin.0.id;
    let reason = if disabled { "disabled" } else { "enabled" };
    let outcome = change_operator(&state, &admin, id, Some(reason), move |conn, before| {
        if disabled && (before.id == me || last_admin(conn, before)?) {
            return Ok(Err(
                "You cannot disable yourself, nor the last enabled admin.".into(),
            ));
        }
        Ok(Ok(
            operator::set_disabled(conn, before.id, disabled)?.ok_or(AppError::NotFound)?
        ))
    })
    .await?;
    Ok(done(
        id,
        outcome,
        if disabled {
            "is disabled and was signed out everywhere."
        } else {
            "may sign in again."
        },
    ))
}

pub async fn disable(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    set_disabled(state, admin, path.into_inner(), true).await
}

pub async fn enable(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    set_disabled(state, admin, path.into_inner(), false).await
}

pub async fn reset_password(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let fields = form.0;
    let typed = fields.get("password").unwrap_or("");
    let mut f = FormState::default();
    let password = f.check("password", OperatorPassword::parse(typed));
    if password.is_some() && fields.get("password_confirm") != Some(typed) {
        f.error("password_confirm", "The two passwords differ.");
    }
    let Some(password) = password.filter(|_| !f.has_errors()) else {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &render_page(&state, &admin, id, Some(f), &flashes).await?,
        );
    };
    let hash = web::block(move || crate::auth::password::hash(password.expose())).await??;
    let outcome = change_operator(
        &state,
        &admin,
        id,
        Some("password reset"),
        move |conn, before| {
            operator::set_password_hash(conn, before.id, &hash)?;
            Ok(Ok(
                operator::find(conn, before.id)?.ok_or(AppError::NotFound)?
            ))
        },
    )
    .await?;
    Ok(done(
        id,
        outcome,
        "has a new password and was signed out everywhere.",
    ))
}
