//! A customer's telephony configuration (DESIGN §5): IP devices, SIP devices, dialing routes and
//! the four ordered number translation lists, with the translation tester. Everyone may look;
//! editors change; every change is audited under the customer's id (so the page's trail keeps
//! deleted items too); a demo customer's configuration is frozen. Collisions across customers
//! are refused by unique indexes (`unique_to_field`), the holder named to operators who may see
//! it. A SIP secret is sealed with the instance key and never leaves in an image or a page.

use super::audit::{AuditEvent, ObjectKind};
use super::customers::editable;
use crate::auth::csrf::Fields;
use crate::auth::secret_box::SecretBox;
use crate::db::models::audit::{self as audit_rows, AuditEntry};
use crate::db::models::customer::Customer;
use crate::db::models::telephony::{
    self as rows, DialingRoute, IpDevice, IpDeviceFields, SipDevice, SipDeviceFields,
    TranslationRuleRow,
};
use crate::db::{write_transaction, DbConnection};
use crate::domain::telephony::{
    parse_test_number, translate, DeviceIp, DialPattern, DialPrefix, Extension, SipLogin,
    SipSecret, TranslationList, TranslationRule, VoicemailEmail,
};
use crate::domain::{parse_int_in, Description, FormState};
use crate::error::{AppError, AppResult};
use crate::service::access::{customer_visible, Scope};
use crate::service::unique_to_field;

/// The kinds of item on the telephony page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    IpDevice,
    SipDevice,
    DialingRoute,
    Translation(TranslationList),
}

impl Kind {
    fn object(self) -> ObjectKind {
        match self {
            Kind::IpDevice => ObjectKind::IpDevice,
            Kind::SipDevice => ObjectKind::SipDevice,
            Kind::DialingRoute => ObjectKind::DialingRoute,
            Kind::Translation(_) => ObjectKind::TranslationRule,
        }
    }
    /// The names of the form's fields, in order.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::IpDevice => &[
                "ip_address",
                "description",
                "dial_prefix",
                "max_call_sessions",
                "calls_per_second",
                "active",
            ],
            Kind::SipDevice => &[
                "login",
                "secret",
                "extension",
                "voicemail",
                "voicemail_email",
                "ip_address",
                "max_call_sessions",
                "calls_per_second",
                "active",
            ],
            Kind::DialingRoute => &["route_id", "pattern"],
            Kind::Translation(_) => &["match_prefix", "strip", "prepend"],
        }
    }
}

/// The audit log's kinds of the page, for its trail.
const KINDS: [ObjectKind; 4] = [
    ObjectKind::IpDevice,
    ObjectKind::SipDevice,
    ObjectKind::DialingRoute,
    ObjectKind::TranslationRule,
];

/// What the telephony page shows of a customer.
#[derive(Debug)]
pub struct Telephony {
    pub customer: Customer,
    pub ip_devices: Vec<IpDevice>,
    pub sip_devices: Vec<SipDevice>,
    /// Each route with the name of the route it uses.
    pub dialing_routes: Vec<(DialingRoute, String)>,
    pub rules: Vec<TranslationRuleRow>,
    pub history: Vec<AuditEntry>,
}

fn load(conn: &mut DbConnection, customer: Customer, history: bool) -> AppResult<Telephony> {
    let id = customer.id;
    let kinds: Vec<&str> = KINDS.iter().map(|k| k.code()).collect();
    Ok(Telephony {
        ip_devices: rows::ip_devices_of(conn, id)?,
        sip_devices: rows::sip_devices_of(conn, id)?,
        dialing_routes: rows::dialing_routes_of(conn, id)?,
        rules: rows::rules_of(conn, id)?,
        history: if history {
            audit_rows::history_of_kinds(conn, &kinds, id, 50)?
        } else {
            Vec::new()
        },
        customer,
    })
}

/// The telephony page of a visible customer, with its trail.
#[tracing::instrument(skip(conn))]
pub fn telephony(conn: &mut DbConnection, scope: Scope, customer_id: i64) -> AppResult<Telephony> {
    let customer = customer_visible(conn, scope, customer_id)?;
    load(conn, customer, true)
}

/// What a customer's own administrators see (read-only, no trail; secrets never).
#[tracing::instrument(skip(conn, customer))]
pub fn own(conn: &mut DbConnection, customer: Customer) -> AppResult<Telephony> {
    load(conn, customer, false)
}

/// What an item's form shows besides its fields: the visible customer's company and the
/// route list's `(id, name)` options.
#[tracing::instrument(skip(conn))]
pub fn form_context(
    conn: &mut DbConnection,
    scope: Scope,
    customer_id: i64,
) -> AppResult<(String, Vec<(String, String)>)> {
    let c = customer_visible(conn, scope, customer_id)?;
    let routes = rows::route_options(conn)?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    Ok((c.company, routes))
}

/// What became of a change.
#[derive(Debug)]
pub enum Changed {
    /// Saved; the item's id.
    Done(i64),
    /// Refused: the typed values with a message per field; nothing was saved.
    Invalid(FormState),
    /// The item changed since the form was opened: nothing was saved.
    Stale(FormState),
}

/// The typed values of a kind's fields (and the version), to show again; never the secret.
fn typed(kind: Kind, fields: &Fields) -> FormState {
    let mut f = FormState::default();
    for k in kind.fields().iter().chain(["version"].iter()) {
        if *k != "secret" {
            f.set(k, fields.get(k).unwrap_or(""));
        }
    }
    for flag in ["active", "voicemail"] {
        if kind.fields().contains(&flag) {
            f.set(flag, if checked(fields, flag) { "yes" } else { "" });
        }
    }
    f
}

fn checked(fields: &Fields, name: &str) -> bool {
    fields.get(name).is_some_and(|v| !v.trim().is_empty())
}

fn get<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).unwrap_or("")
}

/// Who holds a colliding item, as this operator may learn it.
fn holder_name(scope: Scope, company: String, holder_sp: i64) -> String {
    if scope.is_none_or(|sp| sp == holder_sp) {
        company
    } else {
        "a customer of another service provider".into()
    }
}

fn sessions(f: &mut FormState, fields: &Fields) -> (Option<i64>, Option<i64>) {
    (
        f.check(
            "max_call_sessions",
            parse_int_in(get(fields, "max_call_sessions"), 0, 100_000),
        ),
        f.check(
            "calls_per_second",
            parse_int_in(get(fields, "calls_per_second"), 0, 10_000),
        ),
    )
}

fn parse_ip_device(fields: &Fields) -> Result<IpDeviceFields, FormState> {
    let mut f = typed(Kind::IpDevice, fields);
    let ip = f.check("ip_address", DeviceIp::parse(get(fields, "ip_address")));
    let description = f.check(
        "description",
        Description::parse(get(fields, "description")),
    );
    let prefix = f.check("dial_prefix", DialPrefix::parse(get(fields, "dial_prefix")));
    let (sessions, cps) = sessions(&mut f, fields);
    match (ip, description, prefix, sessions, cps) {
        (Some(ip), Some(d), Some(p), Some(max_call_sessions), Some(calls_per_second)) => {
            Ok(IpDeviceFields {
                ip_address: ip.as_str().into(),
                description: d.into_inner(),
                dial_prefix: p.as_str().into(),
                max_call_sessions,
                calls_per_second,
                active: checked(fields, "active"),
            })
        }
        _ => Err(f),
    }
}

fn parse_sip_device(fields: &Fields) -> Result<SipDeviceFields, FormState> {
    let mut f = typed(Kind::SipDevice, fields);
    let login = f.check("login", SipLogin::parse(get(fields, "login")));
    let extension = f.check("extension", Extension::parse(get(fields, "extension")));
    let voicemail = checked(fields, "voicemail");
    let email = f.check(
        "voicemail_email",
        VoicemailEmail::parse(get(fields, "voicemail_email")).and_then(|e| {
            if voicemail && e.as_str().is_empty() {
                Err("Enter the address voicemail is sent to, or turn voicemail off.".into())
            } else {
                Ok(e)
            }
        }),
    );
    let ip = f.check(
        "ip_address",
        DeviceIp::parse_optional(get(fields, "ip_address")),
    );
    let (sessions, cps) = sessions(&mut f, fields);
    match (login, extension, email, ip, sessions, cps) {
        (Some(l), Some(x), Some(e), Some(ip), Some(max_call_sessions), Some(calls_per_second)) => {
            Ok(SipDeviceFields {
                login_key: l.key(),
                login: l.as_str().into(),
                extension: x.as_str().into(),
                voicemail,
                voicemail_email: e.as_str().into(),
                ip_address: ip.map(|i| i.as_str().to_string()).unwrap_or_default(),
                max_call_sessions,
                calls_per_second,
                active: checked(fields, "active"),
            })
        }
        _ => Err(f),
    }
}

fn parse_route(
    conn: &mut DbConnection,
    fields: &Fields,
) -> AppResult<Result<(i64, DialPattern), FormState>> {
    let mut f = typed(Kind::DialingRoute, fields);
    let route = match get(fields, "route_id").trim().parse::<i64>() {
        Ok(id) if rows::route_exists(conn, id)? => Some(id),
        _ => {
            f.error("route_id", "Choose a route from the list.");
            None
        }
    };
    let pattern = f.check("pattern", DialPattern::parse(get(fields, "pattern")));
    Ok(match (route, pattern) {
        (Some(r), Some(p)) => Ok((r, p)),
        _ => Err(f),
    })
}

fn parse_rule(kind: Kind, fields: &Fields) -> Result<TranslationRule, FormState> {
    let mut f = typed(kind, fields);
    TranslationRule::parse(
        get(fields, "match_prefix"),
        get(fields, "strip"),
        get(fields, "prepend"),
    )
    .map_err(|errors| {
        for (field, m) in errors {
            f.error(field.name(), m);
        }
        f
    })
}

fn version_of(fields: &Fields) -> i32 {
    get(fields, "version").trim().parse().unwrap_or(-1)
}

const IP_TAKEN: &str = "Another customer took this address a moment ago.";
const LOGIN_TAKEN: &str = "This SIP login was taken a moment ago.";
const PATTERN_TAKEN: &str = "This customer has a dialing route for this pattern already.";

/// The message for an address some customer holds (`None`: free, or held by `except` itself
/// when editing that very device).
fn ip_clash(
    conn: &mut DbConnection,
    scope: Scope,
    customer_id: i64,
    ip: &str,
    except: Option<i64>,
) -> AppResult<Option<String>> {
    if let Some(d) = except
        .map(|id| rows::find_ip_device(conn, id))
        .transpose()?
        .flatten()
    {
        if d.ip_address == ip {
            return Ok(None);
        }
    }
    Ok(match rows::ip_holder(conn, ip)? {
        None => None,
        Some((holder, _, _)) if holder == customer_id => {
            Some("This customer has a device with this address already.".into())
        }
        Some((_, company, sp)) => Some(format!(
            "This address belongs to {}.",
            holder_name(scope, company, sp)
        )),
    })
}

fn login_clash(
    conn: &mut DbConnection,
    scope: Scope,
    customer_id: i64,
    key: &str,
    except: Option<i64>,
) -> AppResult<Option<String>> {
    if let Some(d) = except
        .map(|id| rows::find_sip_device(conn, id))
        .transpose()?
        .flatten()
    {
        if d.login_key == key {
            return Ok(None);
        }
    }
    Ok(match rows::sip_holder(conn, key)? {
        None => None,
        Some((holder, _, _)) if holder == customer_id => {
            Some("This customer has a SIP device with this login already.".into())
        }
        Some((_, company, sp)) => Some(format!(
            "This SIP login is taken by {}.",
            holder_name(scope, company, sp)
        )),
    })
}

/// A device's extension has the customer's extension length once its PBX settings were saved
/// (before that, any 2–10 digits, as always); an empty extension is none.
fn extension_length_rule(
    conn: &mut DbConnection,
    customer_id: i64,
    extension: &str,
) -> AppResult<Option<String>> {
    let settings = crate::db::models::pbx::settings(conn, customer_id)?;
    let length = settings.extension_length as usize;
    Ok(
        (settings.version > 0 && !extension.is_empty() && extension.len() != length).then(|| {
            format!(
                "This customer's extensions have {length} digits (you typed {}).",
                extension.len()
            )
        }),
    )
}

/// The check, inside a SIP device's write, that no customer user holds the login: users' SIP
/// usernames and device logins are one key space. The write lock the user side takes too
/// (`numbers::lock_ranges`) makes the two checks and inserts take turns.
fn user_holds(
    fields: &Fields,
) -> impl Fn(&mut DbConnection, &str) -> AppResult<Option<Changed>> + '_ {
    move |conn, key| {
        crate::db::models::numbers::lock_ranges(conn)?;
        if crate::db::models::customer_user::sip_user_holder(conn, key)?.is_some() {
            let mut f = typed(Kind::SipDevice, fields);
            f.error("login", super::customer_users::users::SIP_TAKEN);
            return Ok(Some(Changed::Invalid(f)));
        }
        Ok(None)
    }
}

/// Runs a write; a unique violation becomes the message on its field (`Invalid`).
fn guarded(
    conn: &mut DbConnection,
    mut form: FormState,
    uniques: &[(&str, &str, &str)],
    write: impl FnOnce(&mut DbConnection) -> AppResult<Changed>,
) -> AppResult<Changed> {
    match write_transaction(conn, write) {
        Ok(c) => Ok(c),
        Err(e) => {
            unique_to_field(e, &mut form, uniques)?;
            Ok(Changed::Invalid(form))
        }
    }
}

/// The item `item_id` of `kind` if it is the customer's (else 404).
fn owned<T>(found: Option<T>, owner: impl Fn(&T) -> i64, customer_id: i64) -> AppResult<T> {
    match found {
        Some(row) if owner(&row) == customer_id => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// Adds an IP device; its address must be free across all customers.
#[tracing::instrument(skip(conn, fields))]
pub fn add_ip_device(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let new = match parse_ip_device(fields) {
        Ok(v) => v,
        Err(f) => return Ok(Changed::Invalid(f)),
    };
    let mut f = typed(Kind::IpDevice, fields);
    if let Some(m) = ip_clash(conn, scope, c.id, &new.ip_address, None)? {
        f.error("ip_address", m);
        return Ok(Changed::Invalid(f));
    }
    guarded(conn, f, &[("ip_address", "ip_address", IP_TAKEN)], |conn| {
        let row = rows::insert_ip_device(conn, c.id, &new)?;
        AuditEvent::created(ObjectKind::IpDevice, c.id, &row).write(conn, actor)?;
        Ok(Changed::Done(row.id))
    })
}

/// Changes an IP device of the customer, refused when it changed since the form was opened.
#[tracing::instrument(skip(conn, fields))]
pub fn edit_ip_device(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    item_id: i64,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let before = owned(
        rows::find_ip_device(conn, item_id)?,
        |d| d.customer_id,
        c.id,
    )?;
    let new = match parse_ip_device(fields) {
        Ok(v) => v,
        Err(f) => return Ok(Changed::Invalid(f)),
    };
    let mut f = typed(Kind::IpDevice, fields);
    if let Some(m) = ip_clash(conn, scope, c.id, &new.ip_address, Some(item_id))? {
        f.error("ip_address", m);
        return Ok(Changed::Invalid(f));
    }
    let version = version_of(fields);
    let stale = f.clone();
    guarded(conn, f, &[("ip_address", "ip_address", IP_TAKEN)], |conn| {
        if rows::update_ip_device(conn, item_id, version, &new)? == 0 {
            return Ok(Changed::Stale(stale));
        }
        let after = rows::find_ip_device(conn, item_id)?.ok_or(AppError::NotFound)?;
        AuditEvent::updated(ObjectKind::IpDevice, c.id, &before, &after).write(conn, actor)?;
        Ok(Changed::Done(item_id))
    })
}

/// Adds a SIP device; its login must be free across the whole system; the secret is sealed.
#[tracing::instrument(skip(conn, secrets, fields))]
pub fn add_sip_device(
    conn: &mut DbConnection,
    secrets: &SecretBox,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let parsed = parse_sip_device(fields);
    let secret = SipSecret::parse(get(fields, "secret"));
    let (new, secret) = match (parsed, secret) {
        (Ok(n), Ok(s)) => (n, s),
        (parsed, secret) => {
            let mut f = parsed
                .err()
                .unwrap_or_else(|| typed(Kind::SipDevice, fields));
            f.check("secret", secret);
            return Ok(Changed::Invalid(f));
        }
    };
    let mut f = typed(Kind::SipDevice, fields);
    if let Some(m) = extension_length_rule(conn, c.id, &new.extension)? {
        f.error("extension", m);
        return Ok(Changed::Invalid(f));
    }
    if let Some(m) = login_clash(conn, scope, c.id, &new.login_key, None)? {
        f.error("login", m);
        return Ok(Changed::Invalid(f));
    }
    let sealed = secrets.seal(secret.expose());
    let held = user_holds(fields);
    guarded(conn, f, &[("login", "login", LOGIN_TAKEN)], |conn| {
        if let Some(refused) = held(conn, &new.login_key)? {
            return Ok(refused);
        }
        let row = rows::insert_sip_device(conn, c.id, &new, &sealed)?;
        AuditEvent::created(ObjectKind::SipDevice, c.id, &row).write(conn, actor)?;
        Ok(Changed::Done(row.id))
    })
}

/// Changes a SIP device of the customer (not its secret: see `reset_secret`).
#[tracing::instrument(skip(conn, fields))]
pub fn edit_sip_device(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    item_id: i64,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let before = owned(
        rows::find_sip_device(conn, item_id)?,
        |d| d.customer_id,
        c.id,
    )?;
    let new = match parse_sip_device(fields) {
        Ok(v) => v,
        Err(f) => return Ok(Changed::Invalid(f)),
    };
    let mut f = typed(Kind::SipDevice, fields);
    if let Some(m) = extension_length_rule(conn, c.id, &new.extension)? {
        f.error("extension", m);
        return Ok(Changed::Invalid(f));
    }
    if let Some(m) = login_clash(conn, scope, c.id, &new.login_key, Some(item_id))? {
        f.error("login", m);
        return Ok(Changed::Invalid(f));
    }
    let version = version_of(fields);
    let stale = f.clone();
    let held = user_holds(fields);
    guarded(conn, f, &[("login", "login", LOGIN_TAKEN)], |conn| {
        if let Some(refused) = held(conn, &new.login_key)? {
            return Ok(refused);
        }
        if rows::update_sip_device(conn, item_id, version, &new)? == 0 {
            return Ok(Changed::Stale(stale));
        }
        let after = rows::find_sip_device(conn, item_id)?.ok_or(AppError::NotFound)?;
        AuditEvent::updated(ObjectKind::SipDevice, c.id, &before, &after).write(conn, actor)?;
        Ok(Changed::Done(item_id))
    })
}

/// Gives a SIP device of the customer a new random secret: its login and the secret, to show
/// once. The audit log says only that the secret changed.
#[tracing::instrument(skip(conn, secrets))]
pub fn reset_secret(
    conn: &mut DbConnection,
    secrets: &SecretBox,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    item_id: i64,
) -> AppResult<(String, SipSecret)> {
    let c = editable(conn, scope, customer_id)?;
    let secret = SipSecret::generate();
    let sealed = secrets.seal(secret.expose());
    let login = write_transaction(conn, |conn| {
        let d = owned(
            rows::find_sip_device(conn, item_id)?,
            |d| d.customer_id,
            c.id,
        )?;
        rows::set_sip_secret(conn, item_id, &sealed)?;
        AuditEvent::new(ObjectKind::SipDevice, c.id, super::audit::Action::Update)
            .before_value(serde_json::json!({ "id": d.id, "login": d.login, "secret": "old" }))
            .after_value(serde_json::json!({ "id": d.id, "login": d.login, "secret": "new" }))
            .write(conn, actor)?;
        Ok::<_, AppError>(d.login)
    })?;
    Ok((login, secret))
}

/// The secret of a SIP device as the SIP proxy needs it back (`None`: sealed with another
/// key). Nothing in the portal's pages calls this.
pub fn open_secret(secrets: &SecretBox, device: &SipDevice) -> Option<String> {
    secrets.open(&device.secret_sealed)
}

/// Adds a dialing route; a pattern once per customer.
#[tracing::instrument(skip(conn, fields))]
pub fn add_dialing_route(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let (route, pattern) = match parse_route(conn, fields)? {
        Ok(v) => v,
        Err(f) => return Ok(Changed::Invalid(f)),
    };
    let f = typed(Kind::DialingRoute, fields);
    guarded(conn, f, &[("pattern", "pattern", PATTERN_TAKEN)], |conn| {
        let row = rows::insert_dialing_route(conn, c.id, route, pattern.as_str())?;
        AuditEvent::created(ObjectKind::DialingRoute, c.id, &row).write(conn, actor)?;
        Ok(Changed::Done(row.id))
    })
}

#[tracing::instrument(skip(conn, fields))]
pub fn edit_dialing_route(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    item_id: i64,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let before = owned(
        rows::find_dialing_route(conn, item_id)?,
        |d| d.customer_id,
        c.id,
    )?;
    let (route, pattern) = match parse_route(conn, fields)? {
        Ok(v) => v,
        Err(f) => return Ok(Changed::Invalid(f)),
    };
    let f = typed(Kind::DialingRoute, fields);
    guarded(conn, f, &[("pattern", "pattern", PATTERN_TAKEN)], |conn| {
        rows::update_dialing_route(conn, item_id, route, pattern.as_str())?;
        let after = rows::find_dialing_route(conn, item_id)?.ok_or(AppError::NotFound)?;
        AuditEvent::updated(ObjectKind::DialingRoute, c.id, &before, &after).write(conn, actor)?;
        Ok(Changed::Done(item_id))
    })
}

/// Appends a rule to one of the customer's translation lists.
#[tracing::instrument(skip(conn, fields))]
pub fn add_rule(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    list: TranslationList,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let rule = match parse_rule(Kind::Translation(list), fields) {
        Ok(r) => r,
        Err(f) => return Ok(Changed::Invalid(f)),
    };
    write_transaction(conn, |conn| {
        let row = rows::insert_rule(conn, c.id, list, &rule)?;
        AuditEvent::created(ObjectKind::TranslationRule, c.id, &row).write(conn, actor)?;
        Ok(Changed::Done(row.id))
    })
}

#[tracing::instrument(skip(conn, fields))]
pub fn edit_rule(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    item_id: i64,
    fields: &Fields,
) -> AppResult<Changed> {
    let c = editable(conn, scope, customer_id)?;
    let before = owned(rows::find_rule(conn, item_id)?, |r| r.customer_id, c.id)?;
    let rule = match parse_rule(Kind::Translation(before.list), fields) {
        Ok(r) => r,
        Err(f) => return Ok(Changed::Invalid(f)),
    };
    write_transaction(conn, |conn| {
        rows::update_rule(conn, item_id, &rule)?;
        let after = rows::find_rule(conn, item_id)?.ok_or(AppError::NotFound)?;
        AuditEvent::updated(ObjectKind::TranslationRule, c.id, &before, &after)
            .write(conn, actor)?;
        Ok(Changed::Done(item_id))
    })
}

/// Moves a rule one place up (earlier) or down in its list; at either end nothing changes.
#[tracing::instrument(skip(conn))]
pub fn move_rule(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    item_id: i64,
    up: bool,
) -> AppResult<()> {
    let c = editable(conn, scope, customer_id)?;
    write_transaction(conn, |conn| {
        let rule = owned(rows::find_rule(conn, item_id)?, |r| r.customer_id, c.id)?;
        let list = rows::rules_in(conn, c.id, rule.list)?;
        let Some(i) = list.iter().position(|r| r.id == item_id) else {
            return Err(AppError::NotFound);
        };
        let j = if up { i.checked_sub(1) } else { Some(i + 1) };
        let Some(j) = j.filter(|j| *j < list.len()) else {
            return Ok(());
        };
        let before: Vec<i64> = list.iter().map(|r| r.id).collect();
        // Renumber the list 1.. with the two swapped, so equal positions cannot tie.
        let mut order = before.clone();
        order.swap(i, j);
        for (n, id) in order.iter().enumerate() {
            rows::set_rule_position(conn, *id, n as i64 + 1)?;
        }
        AuditEvent::updated(
            ObjectKind::TranslationRule,
            c.id,
            &serde_json::json!({ "list": rule.list, "order": before }),
            &serde_json::json!({ "list": rule.list, "order": order }),
        )
        .write(conn, actor)?;
        Ok(())
    })
}

/// Deletes one item of the customer's configuration (404 unless it is the customer's).
#[tracing::instrument(skip(conn))]
pub fn delete_item(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    customer_id: i64,
    kind: Kind,
    item_id: i64,
) -> AppResult<()> {
    let c = editable(conn, scope, customer_id)?;
    write_transaction(conn, |conn| {
        let image = match kind {
            Kind::IpDevice => {
                let d = owned(
                    rows::find_ip_device(conn, item_id)?,
                    |d| d.customer_id,
                    c.id,
                )?;
                rows::delete_ip_device(conn, item_id)?;
                audit_rows::image(&d)
            }
            Kind::SipDevice => {
                let d = owned(
                    rows::find_sip_device(conn, item_id)?,
                    |d| d.customer_id,
                    c.id,
                )?;
                rows::delete_sip_device(conn, item_id)?;
                audit_rows::image(&d)
            }
            Kind::DialingRoute => {
                let d = owned(
                    rows::find_dialing_route(conn, item_id)?,
                    |d| d.customer_id,
                    c.id,
                )?;
                rows::delete_dialing_route(conn, item_id)?;
                audit_rows::image(&d)
            }
            Kind::Translation(_) => {
                let r = owned(rows::find_rule(conn, item_id)?, |r| r.customer_id, c.id)?;
                rows::delete_rule(conn, item_id)?;
                audit_rows::image(&r)
            }
        };
        let mut event = AuditEvent::new(kind.object(), c.id, super::audit::Action::Delete);
        if let Some(v) = image {
            event = event.before_value(v);
        }
        event.write(conn, actor)?;
        Ok(())
    })
}

/// An item of the customer's, as its edit form shows it (the kind a translation rule is
/// in is its list); what the confirmation of its deletion names.
#[derive(Debug)]
pub struct Item {
    pub kind: Kind,
    pub form: FormState,
    /// "IP device 192.0.2.10", "SIP device desk-01", …
    pub title: String,
}

/// One item of a visible customer (404 unless it is the customer's).
#[tracing::instrument(skip(conn))]
pub fn item(
    conn: &mut DbConnection,
    scope: Scope,
    customer_id: i64,
    kind: Kind,
    item_id: i64,
) -> AppResult<Item> {
    let c = customer_visible(conn, scope, customer_id)?;
    let mut f = FormState::default();
    let yes = |b: bool| if b { "yes" } else { "" };
    let (kind, title) = match kind {
        Kind::IpDevice => {
            let d = owned(
                rows::find_ip_device(conn, item_id)?,
                |d| d.customer_id,
                c.id,
            )?;
            f.set("ip_address", d.ip_address.clone());
            f.set("description", d.description);
            f.set("dial_prefix", d.dial_prefix);
            f.set("max_call_sessions", d.max_call_sessions.to_string());
            f.set("calls_per_second", d.calls_per_second.to_string());
            f.set("active", yes(d.active));
            f.set("version", d.version.to_string());
            (kind, format!("IP device {}", d.ip_address))
        }
        Kind::SipDevice => {
            let d = owned(
                rows::find_sip_device(conn, item_id)?,
                |d| d.customer_id,
                c.id,
            )?;
            f.set("login", d.login.clone());
            f.set("extension", d.extension);
            f.set("voicemail", yes(d.voicemail));
            f.set("voicemail_email", d.voicemail_email);
            f.set("ip_address", d.ip_address);
            f.set("max_call_sessions", d.max_call_sessions.to_string());
            f.set("calls_per_second", d.calls_per_second.to_string());
            f.set("active", yes(d.active));
            f.set("version", d.version.to_string());
            (kind, format!("SIP device {}", d.login))
        }
        Kind::DialingRoute => {
            let d = owned(
                rows::find_dialing_route(conn, item_id)?,
                |d| d.customer_id,
                c.id,
            )?;
            f.set("route_id", d.route_id.to_string());
            f.set("pattern", d.pattern.clone());
            (kind, format!("dialing route {}", d.pattern))
        }
        Kind::Translation(_) => {
            let r = owned(rows::find_rule(conn, item_id)?, |r| r.customer_id, c.id)?;
            f.set("match_prefix", r.match_prefix.clone());
            f.set("strip", r.strip.to_string());
            f.set("prepend", r.prepend.clone());
            let shown = if r.match_prefix.is_empty() {
                "any number".to_string()
            } else {
                r.match_prefix
            };
            (
                Kind::Translation(r.list),
                format!("{} rule for {shown}", r.list.label()),
            )
        }
    };
    Ok(Item {
        kind,
        form: f,
        title,
    })
}

/// What the tester found: the rule that applied (its place in the list, from 1) and the
/// number it gives, or that no rule matched (the number is left as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tested {
    Applied {
        position: usize,
        rule: TranslationRule,
        result: String,
    },
    NoRule,
}

/// Runs a number through one of a visible customer's lists.
#[tracing::instrument(skip(conn))]
pub fn test_number(
    conn: &mut DbConnection,
    scope: Scope,
    customer_id: i64,
    list: TranslationList,
    number: &str,
) -> AppResult<Result<Tested, String>> {
    let c = customer_visible(conn, scope, customer_id)?;
    let number = match parse_test_number(number) {
        Ok(n) => n,
        Err(m) => return Ok(Err(m)),
    };
    let rules: Vec<TranslationRule> = rows::rules_in(conn, c.id, list)?
        .into_iter()
        .map(|r| TranslationRule {
            match_prefix: r.match_prefix,
            strip: r.strip,
            prepend: r.prepend,
        })
        .collect();
    Ok(Ok(match translate(&rules, &number) {
        Some((i, result)) => Tested::Applied {
            position: i + 1,
            rule: rules[i].clone(),
            result,
        },
        None => Tested::NoRule,
    }))
}

/// The telephony page of a visible customer with, when a list was chosen, a number run
/// through it (the tester's answer: `Err` is the message for the number field).
#[tracing::instrument(skip(conn))]
pub fn telephony_tested(
    conn: &mut DbConnection,
    scope: Scope,
    customer_id: i64,
    list: Option<TranslationList>,
    number: &str,
) -> AppResult<(Telephony, Option<Result<Tested, String>>)> {
    let outcome = match list {
        Some(l) => Some(test_number(conn, scope, customer_id, l, number)?),
        None => None,
    };
    Ok((telephony(conn, scope, customer_id)?, outcome))
}
