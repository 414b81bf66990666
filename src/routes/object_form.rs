//! What every create/edit page of one object (a site, an access link) shows around its fields:
//! the heading, where the form posts, where Cancel goes, the version being edited and, on the
//! edit page, the object's own history. Templates extend `object_form.html` and fill `fields`.

use crate::domain::FormState;
use crate::routes::history::HistoryView;
use crate::service::Refusal;
use actix_web::http::StatusCode;

pub struct FormFrame {
    pub heading: String,
    pub action: String,
    pub cancel_href: String,
    pub submit_label: &'static str,
    pub version: Option<i32>,
    pub history: Option<Vec<HistoryView>>,
}

impl FormFrame {
    /// The frame of a create form.
    pub fn new(
        heading: String,
        action: String,
        cancel_href: String,
        submit_label: &'static str,
    ) -> FormFrame {
        FormFrame {
            heading,
            action,
            cancel_href,
            submit_label,
            version: None,
            history: None,
        }
    }

    /// The same frame for an edit form of `version`, with the object's history.
    pub fn editing(mut self, version: i32, history: Vec<HistoryView>) -> FormFrame {
        self.version = Some(version);
        self.history = Some(history);
        self
    }
}

/// A refused save as the page answers it: 422 when rules refused it, 409 when it was stale.
pub fn refused(refusal: Refusal) -> (StatusCode, FormState) {
    match refusal {
        Refusal::Invalid(f) => (StatusCode::UNPROCESSABLE_ENTITY, f),
        Refusal::Stale(f) => (StatusCode::CONFLICT, f),
    }
}

/// The name of `id` in a reference list of `(id, name)` pairs (providers, product types);
/// empty when it is not there.
pub fn name_of(pairs: &[(i64, String)], id: i64) -> String {
    pairs
        .iter()
        .find(|(p, _)| *p == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

/// `(code, label)` pairs of a closed set, as the select and radio macros want them.
pub fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|t| (code(*t).to_string(), label(*t).to_string()))
        .collect()
}
