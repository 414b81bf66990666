//! A customer's hosted-PBX settings, as the customer form's "Hosted PBX" fieldset posts them:
//! platform (admin list of platform groups), extension length 3–7 (lowering it is refused while
//! a user or SIP device of the customer has a longer extension), dialing privileges, a key
//! template and a hotdesk device (admin lists), welcome mail, billing-change confirmation, time
//! zone (IANA) and MBG / MiVoice managed. Every field is optional on the form: a post without
//! them (an older client of the create contract) keeps the defaults or the stored values.

use crate::db::models::customer_user;
use crate::db::models::pbx::{self, PbxOption, PbxSettings};
use crate::db::DbConnection;
use crate::domain::customer_users::EXTENSION_LENGTHS;
use crate::domain::{parse_int_in, FormState, ManagedBy, PbxOptionKind, TimeZone};
use crate::error::AppResult;
use crate::service::audit::{AuditEvent, ObjectKind};
use serde::Serialize;

/// The admin lists the fieldset offers, as `(id, name)`.
#[derive(Debug, Default, Clone)]
pub struct PbxLists {
    pub platforms: Vec<(String, String)>,
    pub key_templates: Vec<(String, String)>,
    pub hotdesk_devices: Vec<(String, String)>,
}

/// The PBX admin lists.
pub fn lists(conn: &mut DbConnection) -> AppResult<PbxLists> {
    let all = pbx::options(conn)?;
    let of = |kind: PbxOptionKind| -> Vec<(String, String)> {
        all.iter()
            .filter(|o| o.kind == kind)
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect()
    };
    Ok(PbxLists {
        platforms: of(PbxOptionKind::Platform),
        key_templates: of(PbxOptionKind::KeyTemplate),
        hotdesk_devices: of(PbxOptionKind::HotdeskDevice),
    })
}

/// The fieldset as posted: empty means "not posted" (the default, or what is stored).
#[derive(Debug, Default, Clone)]
pub struct PbxFields {
    pub platform_id: String,
    pub extension_length: String,
    pub dial_internal: String,
    pub dial_local: String,
    pub dial_national: String,
    pub dial_international: String,
    pub key_template_id: String,
    pub hotdesk_device_id: String,
    pub welcome_mail: String,
    pub confirm_billing: String,
    pub time_zone: String,
    pub managed_by: String,
}

impl PbxFields {
    /// The stored settings as the form shows them.
    pub fn of(s: &PbxSettings, chosen: &[PbxOption]) -> PbxFields {
        let yn = |b: bool| if b { "yes" } else { "no" }.to_string();
        let pick = |kind: PbxOptionKind| {
            chosen
                .iter()
                .find(|o| o.kind == kind)
                .map(|o| o.id.to_string())
                .unwrap_or_default()
        };
        PbxFields {
            platform_id: s.platform_id.map(|p| p.to_string()).unwrap_or_default(),
            extension_length: s.extension_length.to_string(),
            dial_internal: yn(s.dial_internal),
            dial_local: yn(s.dial_local),
            dial_national: yn(s.dial_national),
            dial_international: yn(s.dial_international),
            key_template_id: pick(PbxOptionKind::KeyTemplate),
            hotdesk_device_id: pick(PbxOptionKind::HotdeskDevice),
            welcome_mail: yn(s.welcome_mail),
            confirm_billing: yn(s.confirm_billing),
            time_zone: s.time_zone.clone(),
            managed_by: s.managed_by.code().to_string(),
        }
    }

    /// `(field, value)` of every field, to show again.
    pub fn pairs(&self) -> [(&'static str, &str); 12] {
        [
            ("platform_id", &self.platform_id),
            ("extension_length", &self.extension_length),
            ("dial_internal", &self.dial_internal),
            ("dial_local", &self.dial_local),
            ("dial_national", &self.dial_national),
            ("dial_international", &self.dial_international),
            ("key_template_id", &self.key_template_id),
            ("hotdesk_device_id", &self.hotdesk_device_id),
            ("welcome_mail", &self.welcome_mail),
            ("confirm_billing", &self.confirm_billing),
            ("time_zone", &self.time_zone),
            ("managed_by", &self.managed_by),
        ]
    }
}

/// The settings after every rule of the fieldset passed (the lowering rule is `check_lowering`'s).
#[derive(Debug, Clone, Serialize)]
pub struct ValidPbx {
    pub platform_id: Option<i64>,
    pub extension_length: i32,
    pub dial_internal: bool,
    pub dial_local: bool,
    pub dial_national: bool,
    pub dial_international: bool,
    pub key_template_id: Option<i64>,
    pub hotdesk_device_id: Option<i64>,
    pub welcome_mail: bool,
    pub confirm_billing: bool,
    pub time_zone: String,
    pub managed_by: ManagedBy,
}

fn yes_no(input: &str, default: bool) -> Result<bool, String> {
    match input.trim() {
        "" => Ok(default),
        "no" | "0" | "false" => Ok(false),
        "yes" | "1" | "true" | "on" => Ok(true),
        _ => Err("Choose yes or no.".into()),
    }
}

fn optional_pick(
    input: &str,
    options: &[(String, String)],
    what: &str,
) -> Result<Option<i64>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    options
        .iter()
        .find(|(id, _)| id == t)
        .and_then(|(id, _)| id.parse().ok())
        .map(Some)
        .ok_or_else(|| format!("Choose a {what} from the list."))
}

/// Checks the fieldset against `base` (the defaults on create, the stored settings on edit),
/// writing a message per bad field into `f`.
pub fn parse(
    fields: &PbxFields,
    lists: &PbxLists,
    base: &PbxSettings,
    f: &mut FormState,
) -> Option<ValidPbx> {
    let length = if fields.extension_length.trim().is_empty() {
        Some(i64::from(base.extension_length))
    } else {
        f.check(
            "extension_length",
            parse_int_in(
                &fields.extension_length,
                *EXTENSION_LENGTHS.start(),
                *EXTENSION_LENGTHS.end(),
            ),
        )
    };
    let platform_id = f.check(
        "platform_id",
        optional_pick(&fields.platform_id, &lists.platforms, "platform"),
    );
    let key_template_id = f.check(
        "key_template_id",
        optional_pick(
            &fields.key_template_id,
            &lists.key_templates,
            "key template",
        ),
    );
    let hotdesk_device_id = f.check(
        "hotdesk_device_id",
        optional_pick(
            &fields.hotdesk_device_id,
            &lists.hotdesk_devices,
            "hotdesk device",
        ),
    );
    let flag = |f: &mut FormState, name: &str, input: &str, default: bool| {
        f.check(name, yes_no(input, default))
    };
    let dial_internal = flag(
        f,
        "dial_internal",
        &fields.dial_internal,
        base.dial_internal,
    );
    let dial_local = flag(f, "dial_local", &fields.dial_local, base.dial_local);
    let dial_national = flag(
        f,
        "dial_national",
        &fields.dial_national,
        base.dial_national,
    );
    let dial_international = flag(
        f,
        "dial_international",
        &fields.dial_international,
        base.dial_international,
    );
    let welcome_mail = flag(f, "welcome_mail", &fields.welcome_mail, base.welcome_mail);
    let confirm_billing = flag(
        f,
        "confirm_billing",
        &fields.confirm_billing,
        base.confirm_billing,
    );
    let time_zone = if fields.time_zone.trim().is_empty() {
        Some(base.time_zone.clone())
    } else {
        f.check("time_zone", TimeZone::parse(&fields.time_zone))
            .map(|z| z.as_str().to_string())
    };
    let managed_by = if fields.managed_by.trim().is_empty() {
        Some(base.managed_by)
    } else {
        f.check("managed_by", ManagedBy::parse(&fields.managed_by))
    };
    Some(ValidPbx {
        platform_id: platform_id?,
        extension_length: length? as i32,
        dial_internal: dial_internal?,
        dial_local: dial_local?,
        dial_national: dial_national?,
        dial_international: dial_international?,
        key_template_id: key_template_id?,
        hotdesk_device_id: hotdesk_device_id?,
        welcome_mail: welcome_mail?,
        confirm_billing: confirm_billing?,
        time_zone: time_zone?,
        managed_by: managed_by?,
    })
}

/// The stored settings and chosen options of a customer (defaults when never saved).
pub fn stored(
    conn: &mut DbConnection,
    customer_id: i64,
) -> AppResult<(PbxSettings, Vec<PbxOption>)> {
    let settings = pbx::settings(conn, customer_id)?;
    let ids = pbx::chosen(conn, customer_id)?;
    let chosen = pbx::options(conn)?
        .into_iter()
        .filter(|o| ids.contains(&o.id))
        .collect();
    Ok((settings, chosen))
}

/// The message when `length` is shorter than an extension the customer's users or SIP devices
/// hold, else `None`.
pub fn check_lowering(
    conn: &mut DbConnection,
    customer_id: i64,
    length: i32,
) -> AppResult<Option<String>> {
    let longest = customer_user::longest_extension(conn, customer_id)?;
    Ok((longest > i64::from(length)).then(|| {
        format!(
            "Users or SIP devices of this customer have extensions of {longest} digits: the \
             extension length cannot be lower than {longest} until they change."
        )
    }))
}

/// Writes the settings of customer `customer_id` (in the caller's transaction, after
/// `check_lowering`), audited when they changed.
pub fn write(
    conn: &mut DbConnection,
    actor: &str,
    customer_id: i64,
    v: &ValidPbx,
) -> AppResult<()> {
    let (before, chosen_before) = stored(conn, customer_id)?;
    let after = PbxSettings {
        customer_id,
        platform_id: v.platform_id,
        extension_length: v.extension_length,
        dial_internal: v.dial_internal,
        dial_local: v.dial_local,
        dial_national: v.dial_national,
        dial_international: v.dial_international,
        welcome_mail: v.welcome_mail,
        confirm_billing: v.confirm_billing,
        time_zone: v.time_zone.clone(),
        managed_by: v.managed_by,
        version: before.version,
        updated_at: before.updated_at,
    };
    let mut chosen: Vec<i64> = [v.key_template_id, v.hotdesk_device_id]
        .into_iter()
        .flatten()
        .collect();
    chosen.sort_unstable();
    let chosen_ids: Vec<i64> = chosen_before.iter().map(|o| o.id).collect();
    if after == before && chosen_ids == chosen {
        return Ok(());
    }
    // The customer's row is held by the caller's save, so the version cannot move meanwhile.
    pbx::save(conn, &after, before.version)?;
    pbx::set_chosen(conn, customer_id, &chosen)?;
    let (saved, chosen_after) = stored(conn, customer_id)?;
    AuditEvent::updated(
        ObjectKind::PbxSettings,
        customer_id,
        &(before, chosen_before),
        &(saved, chosen_after),
    )
    .write(conn, actor)?;
    Ok(())
}

/// Every entry of the PBX admin lists.
pub fn all_options(conn: &mut DbConnection) -> AppResult<Vec<PbxOption>> {
    Ok(pbx::options(conn)?)
}

/// Adds an entry to one of the PBX admin lists (names unique within a list); `Err` holds the
/// form with its messages.
pub fn add_option(
    conn: &mut DbConnection,
    actor: &str,
    kind: &str,
    name: &str,
) -> AppResult<Result<(), FormState>> {
    let mut f = FormState::default();
    f.set("kind", kind);
    f.set("name", name);
    let kind = f.check("kind", PbxOptionKind::parse(kind));
    let name = f.check("name", crate::domain::PartyName::parse(name));
    let (Some(kind), Some(name)) = (kind, name) else {
        return Ok(Err(f));
    };
    let taken = pbx::options(conn)?
        .iter()
        .any(|o| o.kind == kind && o.name.eq_ignore_ascii_case(name.as_str()));
    if taken {
        f.error("name", "This list has an entry with this name.");
        return Ok(Err(f));
    }
    let written = crate::db::write_transaction(conn, |conn| {
        let id = pbx::add_option(conn, kind, name.as_str())?;
        AuditEvent::new(
            ObjectKind::Setting,
            id,
            crate::service::audit::Action::Create,
        )
        .reason(Some(format!(
            "{} added to the {} list",
            name.as_str(),
            kind.label()
        )))
        .write(conn, actor)?;
        Ok::<_, crate::error::AppError>(())
    });
    match written {
        Ok(()) => Ok(Ok(())),
        Err(e) => {
            crate::service::unique_to_field(
                e,
                &mut f,
                &[("name", "name", "This list has an entry with this name.")],
            )?;
            Ok(Err(f))
        }
    }
}
