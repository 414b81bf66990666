//! A customer's telephony configuration (`/customers/{id}/telephony`): IP devices, SIP devices,
//! dialing routes and the four number translation lists, each added and edited on its own
//! form page, deleted after a confirmation, with the trail of changes and the translation
//! tester. A SIP device's secret is shown once: after the create (carried sealed in the
//! session to the next page view) or on the page a reset answers. The rules are
//! `service::telephony`'s.

use crate::auth::csrf::Fields;
use crate::auth::{CsrfForm, CurrentOperator, Editor};
use crate::db::models::audit::AuditEntry;
use crate::domain::telephony::TranslationList;
use crate::domain::{CustomerType, FormState};
use crate::error::{AppError, AppResult};
use crate::routes::confirm::ConfirmDeletePage;
use crate::routes::history::HistoryView;
use crate::routes::{render, see_other, Layout};
use crate::service::telephony::{self as service, Changed, Kind, Telephony, Tested};
use crate::state::{with_conn, AppState};
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use actix_web_flash_messages::{FlashMessage, IncomingFlashMessages};
use askama::Template;
use askama_web::WebTemplate;

/// The session slot that carries a new SIP device's secret, sealed, to the next page view.
const SECRET_ONCE: &str = "sip_secret_once";

/// The kinds' URL segments, as route patterns (so that no other area's path is taken).
const DEVICES: &str = "{kind:ip-devices|sip-devices|dialing-routes}";
const ITEMS: &str = "{kind:ip-devices|sip-devices|dialing-routes|translations}";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/{id}/telephony", web::get().to(page))
        .route(
            "/customers/{id}/translations/test",
            web::get().to(test_translation),
        )
        .route(
            &format!("/customers/{{id}}/{DEVICES}/new"),
            web::get().to(new_form),
        )
        .route(
            "/customers/{id}/translations/{list}/new",
            web::get().to(new_rule_form),
        )
        .route(
            &format!("/customers/{{id}}/{ITEMS}/{{item:\\d+}}/edit"),
            web::get().to(edit_form),
        )
        .route(
            &format!("/customers/{{id}}/{ITEMS}/{{item:\\d+}}/delete"),
            web::get().to(confirm_delete),
        )
        .route(
            &format!("/customers/{{id}}/{ITEMS}/{{item:\\d+}}/delete"),
            web::post().to(delete),
        )
        .route(
            "/customers/{id}/sip-devices/{item}/reset-secret",
            web::post().to(reset_secret),
        )
        .route(
            "/customers/{id}/translations/{item}/up",
            web::post().to(move_up),
        )
        .route(
            "/customers/{id}/translations/{item}/down",
            web::post().to(move_down),
        )
        .route(&format!("/customers/{{id}}/{DEVICES}"), web::post().to(add))
        .route(
            &format!("/customers/{{id}}/{ITEMS}/{{item}}"),
            web::post().to(save),
        );
}

/// The URL segment of a kind (translation rules: `translations`).
fn segment(kind: Kind) -> &'static str {
    match kind {
        Kind::IpDevice => "ip-devices",
        Kind::SipDevice => "sip-devices",
        Kind::DialingRoute => "dialing-routes",
        Kind::Translation(_) => "translations",
    }
}

/// The kind a URL segment names (404 for any other word).
fn kind_of(segment: &str) -> AppResult<Kind> {
    match segment {
        "ip-devices" => Ok(Kind::IpDevice),
        "sip-devices" => Ok(Kind::SipDevice),
        "dialing-routes" => Ok(Kind::DialingRoute),
        // A rule's own list is read with the rule.
        "translations" => Ok(Kind::Translation(TranslationList::Source)),
        _ => Err(AppError::NotFound),
    }
}

fn list_of(segment: &str) -> AppResult<TranslationList> {
    TranslationList::parse(segment).map_err(|_| AppError::NotFound)
}

fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::IpDevice => "IP device",
        Kind::SipDevice => "SIP device",
        Kind::DialingRoute => "Dialing route",
        Kind::Translation(_) => "Translation rule",
    }
}

pub struct IpView {
    pub id: i64,
    pub ip_address: String,
    pub description: String,
    pub dial_prefix: String,
    pub max_call_sessions: i64,
    pub calls_per_second: i64,
    pub active: &'static str,
}

pub struct SipView {
    pub id: i64,
    pub login: String,
    pub extension: String,
    pub voicemail: String,
    pub ip_address: String,
    pub max_call_sessions: i64,
    pub calls_per_second: i64,
    pub active: &'static str,
}

pub struct RouteView {
    pub id: i64,
    pub route: String,
    pub pattern: String,
}

pub struct RuleView {
    pub id: i64,
    pub position: usize,
    pub match_prefix: String,
    pub strip: i32,
    pub prepend: String,
    pub first: bool,
    pub last: bool,
}

pub struct ListView {
    pub code: &'static str,
    pub label: &'static str,
    pub rules: Vec<RuleView>,
}

/// The configuration's lists as pages show them (operators' and the portal's).
pub struct TelephonyView {
    pub ip_devices: Vec<IpView>,
    pub sip_devices: Vec<SipView>,
    pub routes: Vec<RouteView>,
    pub lists: Vec<ListView>,
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

impl TelephonyView {
    pub fn of(t: &Telephony) -> TelephonyView {
        TelephonyView {
            ip_devices: t
                .ip_devices
                .iter()
                .map(|d| IpView {
                    id: d.id,
                    ip_address: d.ip_address.clone(),
                    description: d.description.clone(),
                    dial_prefix: d.dial_prefix.clone(),
                    max_call_sessions: d.max_call_sessions,
                    calls_per_second: d.calls_per_second,
                    active: yes_no(d.active),
                })
                .collect(),
            sip_devices: t
                .sip_devices
                .iter()
                .map(|d| SipView {
                    id: d.id,
                    login: d.login.clone(),
                    extension: d.extension.clone(),
                    voicemail: if d.voicemail {
                        format!("on ({})", d.voicemail_email)
                    } else {
                        "off".into()
                    },
                    ip_address: d.ip_address.clone(),
                    max_call_sessions: d.max_call_sessions,
                    calls_per_second: d.calls_per_second,
                    active: yes_no(d.active),
                })
                .collect(),
            routes: t
                .dialing_routes
                .iter()
                .map(|(r, name)| RouteView {
                    id: r.id,
                    route: name.clone(),
                    pattern: r.pattern.clone(),
                })
                .collect(),
            lists: TranslationList::ALL
                .iter()
                .map(|l| {
                    let rules: Vec<_> = t.rules.iter().filter(|r| r.list == *l).collect();
                    let n = rules.len();
                    ListView {
                        code: l.code(),
                        label: l.label(),
                        rules: rules
                            .into_iter()
                            .enumerate()
                            .map(|(i, r)| RuleView {
                                id: r.id,
                                position: i + 1,
                                match_prefix: r.match_prefix.clone(),
                                strip: r.strip,
                                prepend: r.prepend.clone(),
                                first: i == 0,
                                last: i + 1 == n,
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

/// A secret shown once.
pub struct ShownSecret {
    pub login: String,
    pub secret: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/telephony.html")]
pub struct TelephonyPage {
    pub layout: Layout,
    pub id: i64,
    pub company: String,
    pub can_edit: bool,
    pub view: TelephonyView,
    pub history: Vec<HistoryView>,
    pub secret: Option<ShownSecret>,
    pub lists: Vec<(String, String)>,
    pub test: FormState,
    pub tested: Option<String>,
}

fn history_label(e: &AuditEntry) -> String {
    let kind = crate::service::audit::ObjectKind::parse(&e.object_type)
        .map(|k| k.label())
        .unwrap_or("Item");
    let image = e.after_json.as_deref().or(e.before_json.as_deref());
    let v: serde_json::Value = image
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    let name = ["ip_address", "login", "pattern", "match_prefix"]
        .iter()
        .find_map(|k| v.get(k).and_then(|x| x.as_str()))
        .unwrap_or("");
    let list = v.get("list").and_then(|x| x.as_str()).unwrap_or("");
    match (name, list) {
        ("", "") => kind.to_string(),
        ("", l) => format!("{kind} ({l})"),
        (n, "") => format!("{kind} {n}"),
        (n, l) => format!("{kind} {n} ({l})"),
    }
}

fn list_options() -> Vec<(String, String)> {
    TranslationList::ALL
        .iter()
        .map(|l| (l.code().to_string(), l.label().to_string()))
        .collect()
}

fn telephony_page(
    layout: Layout,
    op: &CurrentOperator,
    t: Telephony,
    secret: Option<ShownSecret>,
) -> TelephonyPage {
    let history = t
        .history
        .iter()
        .map(|e| HistoryView::of(e, &op.zone, history_label))
        .collect();
    TelephonyPage {
        layout,
        id: t.customer.id,
        company: t.customer.company.clone(),
        can_edit: op.role.can_edit() && t.customer.customer_type == CustomerType::Live,
        view: TelephonyView::of(&t),
        history,
        secret,
        lists: list_options(),
        test: FormState::default(),
        tested: None,
    }
}

pub async fn page(
    state: web::Data<AppState>,
    op: CurrentOperator,
    path: web::Path<i64>,
    session: Session,
    flashes: IncomingFlashMessages,
) -> AppResult<TelephonyPage> {
    let (scope, id) = (op.service_provider_id, path.into_inner());
    let t = with_conn(&state, move |conn| service::telephony(conn, scope, id)).await?;
    // The secret of a device just added: taken out of the session, so it shows this once.
    let once = session
        .remove_as::<(i64, String, String)>(SECRET_ONCE)
        .and_then(Result::ok);
    let secret = once.and_then(|(customer, login, sealed)| {
        (customer == id).then_some(())?;
        Some(ShownSecret {
            login,
            secret: state.secrets.open(&sealed)?,
        })
    });
    Ok(telephony_page(
        Layout::for_operator(&op, &flashes),
        &op,
        t,
        secret,
    ))
}

#[derive(serde::Deserialize)]
pub struct TestQuery {
    list: Option<String>,
    number: Option<String>,
}

/// The tester: which rule of a list applies to a number and what the number becomes.
pub async fn test_translation(
    state: web::Data<AppState>,
    op: CurrentOperator,
    path: web::Path<i64>,
    query: web::Query<TestQuery>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (scope, id) = (op.service_provider_id, path.into_inner());
    let q = query.into_inner();
    let (list_typed, number) = (q.list.unwrap_or_default(), q.number.unwrap_or_default());
    let mut test = FormState::default();
    test.set("list", list_typed.clone());
    test.set("number", number.clone());
    let list = test.check("list", TranslationList::parse(&list_typed));
    let (t, outcome) = with_conn(&state, move |conn| {
        service::telephony_tested(conn, scope, id, list, &number)
    })
    .await?;
    let mut page = telephony_page(Layout::for_operator(&op, &flashes), &op, t, None);
    match outcome {
        Some(Ok(Tested::Applied {
            position,
            rule,
            result,
        })) => {
            page.tested = Some(result.clone());
            let prefix = if rule.match_prefix.is_empty() {
                "any number".to_string()
            } else {
                rule.match_prefix
            };
            test.set(
                "applied",
                format!(
                    "Rule {position} applied (prefix {prefix}, strip {}, prepend {}).",
                    rule.strip,
                    if rule.prepend.is_empty() {
                        "nothing"
                    } else {
                        rule.prepend.as_str()
                    }
                ),
            );
        }
        Some(Ok(Tested::NoRule)) => {
            page.tested = Some(test.value("number").trim().to_string());
            test.set("applied", "No rule matched; the number stays as it is.");
        }
        Some(Err(m)) => test.error("number", m),
        None => {}
    }
    let status = if test.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.test = test;
    render(status, &page)
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/telephony_form.html")]
pub struct ItemFormPage {
    pub layout: Layout,
    pub id: i64,
    pub company: String,
    pub title: String,
    pub action: String,
    /// "ip", "sip", "route" or "rule": which fields the form has.
    pub shape: &'static str,
    pub editing: bool,
    pub routes: Vec<(String, String)>,
    pub form: FormState,
    pub stale: bool,
}

fn shape(kind: Kind) -> &'static str {
    match kind {
        Kind::IpDevice => "ip",
        Kind::SipDevice => "sip",
        Kind::DialingRoute => "route",
        Kind::Translation(_) => "rule",
    }
}

/// The add (`item` None) or edit form of a kind, with `form`'s values and messages.
async fn form_page(
    state: &web::Data<AppState>,
    op: &CurrentOperator,
    flashes: &IncomingFlashMessages,
    id: i64,
    kind: Kind,
    item: Option<(i64, String)>,
    form: FormState,
) -> AppResult<ItemFormPage> {
    let scope = op.service_provider_id;
    let (company, routes) =
        with_conn(state, move |conn| service::form_context(conn, scope, id)).await?;
    let (title, action, editing) = match (&item, kind) {
        (Some((item_id, title)), _) => (
            format!("Edit {title}"),
            format!("/customers/{id}/{}/{item_id}", segment(kind)),
            true,
        ),
        (None, Kind::Translation(l)) => (
            format!("New rule: {}", l.label()),
            format!("/customers/{id}/translations/{}", l.code()),
            false,
        ),
        (None, _) => (
            format!("New {}", noun(kind)),
            format!("/customers/{id}/{}", segment(kind)),
            false,
        ),
    };
    Ok(ItemFormPage {
        layout: Layout::for_operator(op, flashes),
        id,
        company,
        title,
        action,
        shape: shape(kind),
        editing,
        routes,
        form,
        stale: false,
    })
}

fn blank(kind: Kind) -> FormState {
    let mut f = FormState::default();
    match kind {
        Kind::IpDevice | Kind::SipDevice => {
            f.set("max_call_sessions", "10");
            f.set("calls_per_second", "5");
            f.set("active", "yes");
        }
        Kind::Translation(_) => f.set("strip", "0"),
        Kind::DialingRoute => {}
    }
    f
}

pub async fn new_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, String)>,
    flashes: IncomingFlashMessages,
) -> AppResult<ItemFormPage> {
    let (id, seg) = path.into_inner();
    let kind = kind_of(&seg)?;
    if seg == "translations" {
        return Err(AppError::NotFound);
    }
    form_page(&state, &editor.0, &flashes, id, kind, None, blank(kind)).await
}

pub async fn new_rule_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, String)>,
    flashes: IncomingFlashMessages,
) -> AppResult<ItemFormPage> {
    let (id, list) = path.into_inner();
    let kind = Kind::Translation(list_of(&list)?);
    form_page(&state, &editor.0, &flashes, id, kind, None, blank(kind)).await
}

pub async fn edit_form(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, String, i64)>,
    flashes: IncomingFlashMessages,
) -> AppResult<ItemFormPage> {
    let (id, seg, item_id) = path.into_inner();
    let kind = kind_of(&seg)?;
    let scope = editor.0.service_provider_id;
    let item = with_conn(&state, move |conn| {
        service::item(conn, scope, id, kind, item_id)
    })
    .await?;
    form_page(
        &state,
        &editor.0,
        &flashes,
        id,
        item.kind,
        Some((item_id, item.title)),
        item.form,
    )
    .await
}

/// Back to the page after a change, or the form again (422, or 409 when stale).
#[allow(clippy::too_many_arguments)]
async fn answer(
    state: &web::Data<AppState>,
    editor: &Editor,
    flashes: &IncomingFlashMessages,
    id: i64,
    kind: Kind,
    item: Option<(i64, String)>,
    outcome: Changed,
    done: &str,
) -> AppResult<HttpResponse> {
    let (form, stale) = match outcome {
        Changed::Done(_) => {
            FlashMessage::success(done).send();
            return Ok(see_other(&format!("/customers/{id}/telephony")));
        }
        Changed::Invalid(f) => (f, false),
        Changed::Stale(f) => (f, true),
    };
    let mut page = form_page(state, &editor.0, flashes, id, kind, item, form).await?;
    page.stale = stale;
    let status = if stale {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(status, &page)
}

/// `POST /customers/{id}/{ip-devices|sip-devices|dialing-routes}` and
/// `POST /customers/{id}/translations/{list}` (the latter reaches `save` by its shape).
pub async fn add(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, String)>,
    session: Session,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (id, seg) = path.into_inner();
    let kind = kind_of(&seg)?;
    if seg == "translations" {
        return Err(AppError::NotFound);
    }
    let (scope, actor) = (editor.0.service_provider_id, editor.0.actor());
    let fields = form.0;
    let secret = fields.get("secret").unwrap_or("").to_string();
    let login = fields.get("login").unwrap_or("").trim().to_string();
    let st = state.clone();
    let outcome = with_conn(&state, move |conn| match kind {
        Kind::IpDevice => service::add_ip_device(conn, scope, &actor, id, &fields),
        Kind::SipDevice => service::add_sip_device(conn, &st.secrets, scope, &actor, id, &fields),
        _ => service::add_dialing_route(conn, scope, &actor, id, &fields),
    })
    .await?;
    if kind == Kind::SipDevice && matches!(outcome, Changed::Done(_)) {
        session
            .insert(SECRET_ONCE, (id, login, state.secrets.seal(&secret)))
            .map_err(|_| AppError::Internal(anyhow::anyhow!("could not store the session")))?;
    }
    let done = format!("{} added.", noun(kind));
    answer(&state, &editor, &flashes, id, kind, None, outcome, &done).await
}

/// `POST /customers/{id}/{kind}/{item}`: an edit; for `translations` a word instead of an
/// item id is a list, and the post adds a rule to it.
pub async fn save(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, String, String)>,
    form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<HttpResponse> {
    let (id, seg, last) = path.into_inner();
    let kind = kind_of(&seg)?;
    let (scope, actor) = (editor.0.service_provider_id, editor.0.actor());
    let fields = form.0;
    if let (Kind::Translation(_), Ok(list)) = (kind, TranslationList::parse(&last)) {
        let outcome = with_conn(&state, move |conn| {
            service::add_rule(conn, scope, &actor, id, list, &fields)
        })
        .await?;
        let kind = Kind::Translation(list);
        return answer(
            &state,
            &editor,
            &flashes,
            id,
            kind,
            None,
            outcome,
            "Rule added.",
        )
        .await;
    }
    let item_id: i64 = last.parse().map_err(|_| AppError::NotFound)?;
    let (outcome, item) = with_conn(&state, move |conn| {
        let outcome = match kind {
            Kind::IpDevice => service::edit_ip_device(conn, scope, &actor, id, item_id, &fields),
            Kind::SipDevice => service::edit_sip_device(conn, scope, &actor, id, item_id, &fields),
            Kind::DialingRoute => {
                service::edit_dialing_route(conn, scope, &actor, id, item_id, &fields)
            }
            Kind::Translation(_) => service::edit_rule(conn, scope, &actor, id, item_id, &fields),
        }?;
        let item = match outcome {
            Changed::Done(_) => None,
            _ => Some(service::item(conn, scope, id, kind, item_id)?),
        };
        Ok((outcome, item))
    })
    .await?;
    let (kind, title) = match item {
        Some(i) => (i.kind, i.title),
        None => (kind, String::new()),
    };
    let done = format!("{} saved.", noun(kind));
    let item = Some((item_id, title));
    answer(&state, &editor, &flashes, id, kind, item, outcome, &done).await
}

pub async fn confirm_delete(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, String, i64)>,
    flashes: IncomingFlashMessages,
) -> AppResult<ConfirmDeletePage> {
    let (id, seg, item_id) = path.into_inner();
    let kind = kind_of(&seg)?;
    let scope = editor.0.service_provider_id;
    let item = with_conn(&state, move |conn| {
        service::item(conn, scope, id, kind, item_id)
    })
    .await?;
    Ok(ConfirmDeletePage {
        layout: Layout::for_operator(&editor.0, &flashes),
        title: format!("Delete {}?", item.title),
        message: format!("The {} will be deleted from this customer.", item.title),
        consequences: Vec::new(),
        action: format!("/customers/{id}/{seg}/{item_id}/delete"),
        button: "Delete",
        cancel_href: format!("/customers/{id}/telephony"),
    })
}

pub async fn delete(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, String, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    let (id, seg, item_id) = path.into_inner();
    let kind = kind_of(&seg)?;
    let (scope, actor) = (editor.0.service_provider_id, editor.0.actor());
    with_conn(&state, move |conn| {
        service::delete_item(conn, scope, &actor, id, kind, item_id)
    })
    .await?;
    FlashMessage::success(format!("{} deleted.", noun(kind))).send();
    Ok(see_other(&format!("/customers/{id}/telephony")))
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/sip_secret.html")]
pub struct SecretPage {
    pub layout: Layout,
    pub id: i64,
    pub secret: ShownSecret,
}

/// A new random secret for a SIP device, shown on this answer only.
pub async fn reset_secret(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<Fields>,
    flashes: IncomingFlashMessages,
) -> AppResult<SecretPage> {
    let (id, item_id) = path.into_inner();
    let (scope, actor) = (editor.0.service_provider_id, editor.0.actor());
    let st = state.clone();
    let (login, secret) = with_conn(&state, move |conn| {
        service::reset_secret(conn, &st.secrets, scope, &actor, id, item_id)
    })
    .await?;
    Ok(SecretPage {
        layout: Layout::for_operator(&editor.0, &flashes),
        id,
        secret: ShownSecret {
            login,
            secret: secret.expose().to_string(),
        },
    })
}

async fn move_rule(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    up: bool,
) -> AppResult<HttpResponse> {
    let (id, item_id) = path.into_inner();
    let (scope, actor) = (editor.0.service_provider_id, editor.0.actor());
    with_conn(&state, move |conn| {
        service::move_rule(conn, scope, &actor, id, item_id, up)
    })
    .await?;
    Ok(see_other(&format!("/customers/{id}/telephony#rules")))
}

pub async fn move_up(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    move_rule(state, editor, path, true).await
}

pub async fn move_down(
    state: web::Data<AppState>,
    editor: Editor,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<Fields>,
) -> AppResult<HttpResponse> {
    move_rule(state, editor, path, false).await
}
