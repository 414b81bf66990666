//! Branding profiles: display name, logo, primary colour and footer of the customer portals that
//! use them. The logo is accepted by its content only; a profile in use, or the last one, is
//! never deleted; a save made against an older version is refused. Every change is audited,
//! with the logo's fate as the reason.

use crate::db::models::audit::AuditEntry;
use crate::db::models::branding::{self, BrandingFields, BrandingProfile};
use crate::db::models::reference::{self, Branding};
use crate::db::{write_transaction, DbConnection};
use crate::domain::{BrandColor, Description, FormState, Logo, PartyName};
use crate::error::{AppError, AppResult};
use crate::service::audit::{self, AuditEvent, ObjectKind};
use crate::service::Refusal;

/// How many of a profile's audit entries its edit page shows.
const HISTORY: i64 = 200;

const NAME_TAKEN: &str = "A profile with this name exists; choose another.";
const STALE: &str = "Someone else saved this profile after you opened the form, so nothing was \
                     saved. Open it again to see their change.";

/// The profile form as posted: its text fields, the logo file if one was chosen, and whether
/// the present logo is to go.
#[derive(Debug, Default)]
pub struct BrandingForm {
    pub name: String,
    pub display_name: String,
    pub primary_color: String,
    pub footer_text: String,
    pub logo: Option<Vec<u8>>,
    pub remove_logo: bool,
}

/// The form, checked: the profile's fields and what to do with the logo.
struct ValidBranding {
    fields: BrandingFields,
    logo: Option<Logo>,
    remove_logo: bool,
}

impl ValidBranding {
    /// The audit reason: what happened to the logo, if anything.
    fn logo_reason(&self) -> Option<&'static str> {
        if self.logo.is_some() {
            Some("logo uploaded")
        } else if self.remove_logo {
            Some("logo removed")
        } else {
            None
        }
    }

    /// The checked values as the form shows them again.
    fn form(&self) -> FormState {
        let mut f = FormState::default();
        f.set("name", &self.fields.name);
        f.set("display_name", &self.fields.display_name);
        f.set("primary_color", &self.fields.primary_color);
        f.set("footer_text", &self.fields.footer_text);
        f
    }

    /// Stores the logo as the form asked, in the caller's transaction.
    fn apply_logo(&self, conn: &mut DbConnection, id: i64) -> AppResult<()> {
        if let Some(logo) = &self.logo {
            branding::set_logo(conn, id, logo.content_type(), logo.bytes())?;
        } else if self.remove_logo {
            branding::remove_logo(conn, id)?;
        }
        Ok(())
    }
}

fn parse(form: BrandingForm) -> Result<ValidBranding, FormState> {
    let mut f = FormState::default();
    f.set("name", &form.name);
    f.set("display_name", &form.display_name);
    f.set("primary_color", &form.primary_color);
    f.set("footer_text", &form.footer_text);
    let name = f.check("name", PartyName::parse(&form.name));
    let display_name = f.check("display_name", PartyName::parse(&form.display_name));
    let color = f.check("primary_color", BrandColor::parse(&form.primary_color));
    let footer = f.check("footer_text", Description::parse(&form.footer_text));
    let logo = match form.logo {
        Some(bytes) => f.check("logo", Logo::parse(bytes)),
        None => None,
    };
    match (name, display_name, color, footer) {
        (Some(name), Some(display_name), Some(color), Some(footer)) if !f.has_errors() => {
            Ok(ValidBranding {
                fields: BrandingFields {
                    name: name.into_inner(),
                    display_name: display_name.into_inner(),
                    primary_color: color.as_str().to_string(),
                    footer_text: footer.into_inner(),
                },
                logo,
                remove_logo: form.remove_logo,
            })
        }
        _ => Err(f),
    }
}

/// How a create or an edit ended.
#[derive(Debug)]
pub enum BrandingSaved {
    Saved(BrandingProfile),
    /// Nothing was saved: the form with its messages (`Stale` when the profile changed).
    Refused(Refusal),
}

/// Creates a profile (and its logo) as `actor`.
#[tracing::instrument(skip(conn, form))]
pub fn create(
    conn: &mut DbConnection,
    actor: &str,
    form: BrandingForm,
) -> AppResult<BrandingSaved> {
    let valid = match parse(form) {
        Ok(v) => v,
        Err(f) => return Ok(BrandingSaved::Refused(Refusal::Invalid(f))),
    };
    write_transaction(conn, |conn| {
        if branding::name_taken(conn, &valid.fields.name, None)? {
            let mut f = valid.form();
            f.error("name", NAME_TAKEN);
            return Ok(BrandingSaved::Refused(Refusal::Invalid(f)));
        }
        let b = branding::insert(conn, &valid.fields)?;
        valid.apply_logo(conn, b.id)?;
        AuditEvent::created(ObjectKind::Branding, b.id, &b)
            .reason(valid.logo_reason())
            .write(conn, actor)?;
        Ok(BrandingSaved::Saved(b))
    })
}

/// Saves the edit form of profile `id`, opened at `version`, as `actor`.
#[tracing::instrument(skip(conn, form))]
pub fn update(
    conn: &mut DbConnection,
    actor: &str,
    id: i64,
    version: i32,
    form: BrandingForm,
) -> AppResult<BrandingSaved> {
    let before = branding::find(conn, id)?.ok_or(AppError::NotFound)?;
    let valid = match parse(form) {
        Ok(v) => v,
        Err(f) => return Ok(BrandingSaved::Refused(Refusal::Invalid(f))),
    };
    write_transaction(conn, |conn| {
        if branding::name_taken(conn, &valid.fields.name, Some(id))? {
            let mut f = valid.form();
            f.error("name", NAME_TAKEN);
            return Ok(BrandingSaved::Refused(Refusal::Invalid(f)));
        }
        let Some(after) = branding::update(conn, id, version, &valid.fields)? else {
            let mut f = valid.form();
            f.error("name", STALE);
            return Ok(BrandingSaved::Refused(Refusal::Stale(f)));
        };
        valid.apply_logo(conn, id)?;
        AuditEvent::updated(ObjectKind::Branding, id, &before, &after)
            .reason(valid.logo_reason())
            .write(conn, actor)?;
        Ok(BrandingSaved::Saved(after))
    })
}

/// How a delete ended.
#[derive(Debug)]
pub enum BrandingDeleted {
    Deleted {
        name: String,
    },
    /// Customers use the profile; it stays.
    InUse {
        name: String,
        customers: i64,
    },
    /// The only profile left stays: new customers need one.
    LastOne,
}

/// Deletes profile `id` (and its logo) as `actor`, unless a customer uses it or it is the last.
#[tracing::instrument(skip(conn))]
pub fn delete(conn: &mut DbConnection, actor: &str, id: i64) -> AppResult<BrandingDeleted> {
    let b = branding::find(conn, id)?.ok_or(AppError::NotFound)?;
    write_transaction(conn, |conn| {
        let customers = branding::customers_using(conn, b.id)?;
        if customers > 0 {
            return Ok(BrandingDeleted::InUse {
                name: b.name.clone(),
                customers,
            });
        }
        if branding::count(conn)? <= 1 {
            return Ok(BrandingDeleted::LastOne);
        }
        branding::delete(conn, b.id)?;
        AuditEvent::deleted(ObjectKind::Branding, b.id, &b).write(conn, actor)?;
        Ok(BrandingDeleted::Deleted {
            name: b.name.clone(),
        })
    })
}

/// One line of the profiles list.
#[derive(Debug)]
pub struct BrandingSummary {
    pub profile: BrandingProfile,
    pub has_logo: bool,
    /// How many customers use it.
    pub customers: i64,
}

/// Every profile, by name, with its logo and use.
#[tracing::instrument(skip(conn))]
pub fn list(conn: &mut DbConnection) -> AppResult<Vec<BrandingSummary>> {
    let mut rows = Vec::new();
    for b in branding::list(conn)? {
        rows.push(BrandingSummary {
            has_logo: branding::has_logo(conn, b.id)?,
            customers: branding::customers_using(conn, b.id)?,
            profile: b,
        });
    }
    Ok(rows)
}

/// One profile and whether it has a logo; `NotFound` if there is no such profile.
#[tracing::instrument(skip(conn))]
pub fn find(conn: &mut DbConnection, id: i64) -> AppResult<(BrandingProfile, bool)> {
    let b = branding::find(conn, id)?.ok_or(AppError::NotFound)?;
    let has_logo = branding::has_logo(conn, id)?;
    Ok((b, has_logo))
}

/// What the edit page shows: the profile, whether it has a logo, and its own history.
#[derive(Debug)]
pub struct BrandingEdit {
    pub profile: BrandingProfile,
    pub has_logo: bool,
    pub history: Vec<AuditEntry>,
}

#[tracing::instrument(skip(conn))]
pub fn edit_form(conn: &mut DbConnection, id: i64) -> AppResult<BrandingEdit> {
    let (profile, has_logo) = find(conn, id)?;
    let history = audit::history(conn, ObjectKind::Branding, id, HISTORY)?;
    Ok(BrandingEdit {
        profile,
        has_logo,
        history,
    })
}

/// The profile's logo (content type and bytes), if it has one.
#[tracing::instrument(skip(conn))]
pub fn logo(conn: &mut DbConnection, id: i64) -> AppResult<Option<(String, Vec<u8>)>> {
    Ok(branding::logo(conn, id)?)
}

/// The primary colour a portal's stylesheet uses, as stored.
#[tracing::instrument(skip(conn))]
pub fn primary_color(conn: &mut DbConnection, id: i64) -> AppResult<Option<String>> {
    Ok(reference::branding(conn, id)?.map(|b| b.primary_color))
}

/// What a portal's frame shows of its branding: the profile, and whether it has a logo.
#[tracing::instrument(skip(conn))]
pub fn portal_brand(conn: &mut DbConnection, id: i64) -> AppResult<(Option<Branding>, bool)> {
    let has_logo = branding::has_logo(conn, id)?;
    Ok((reference::branding(conn, id)?, has_logo))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(color: &str) -> BrandingForm {
        BrandingForm {
            name: "Nordic".into(),
            display_name: "Nordic Portal".into(),
            primary_color: color.into(),
            footer_text: String::new(),
            logo: None,
            remove_logo: false,
        }
    }

    #[test]
    fn a_bad_colour_or_logo_is_refused_next_to_its_field() {
        let f = parse(form("red")).err().unwrap();
        assert!(!f.message("primary_color").is_empty());
        assert_eq!(f.value("name"), "Nordic");
        let mut bad_logo = form("#112233");
        bad_logo.logo = Some(b"<svg>".to_vec());
        assert!(!parse(bad_logo).err().unwrap().message("logo").is_empty());
        let ok = parse(form("#112233")).ok().unwrap();
        assert_eq!(ok.logo_reason(), None);
    }
}
