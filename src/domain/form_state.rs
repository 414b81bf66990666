//! The state of a form being filled in: the typed values and a message per field. Services
//! return it when a rule refuses a form, so the page can show each message next to its field.

use std::collections::HashMap;

/// Typed values and per-field messages of a form. Messages keep the order they were found in
/// (the services check fields in the form's order), so the error summary lists them top down.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
}

impl FormState {
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_string(), value.into());
    }
    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        if self.errors.iter().all(|(n, _)| n != name) {
            self.errors.push((name.to_string(), message.into()));
        }
    }
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }
    pub fn message(&self, name: &str) -> &str {
        self.errors
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m.as_str())
            .unwrap_or("")
    }
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
    /// Takes the result of a `parse`, recording its message against the field on failure.
    pub fn check<T>(&mut self, name: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(m) => {
                self.error(name, m);
                None
            }
        }
    }
    pub fn error_count(&self) -> usize {
        self.errors.len()
    }
    /// Each field's message in the order they were found, for the error summary.
    pub fn errors(&self) -> &[(String, String)] {
        &self.errors
    }
    /// Whether any of these fields has a message (a panel or a block of the form).
    pub fn any_error_in(&self, names: &[&str]) -> bool {
        names.iter().any(|n| !self.message(n).is_empty())
    }
}
