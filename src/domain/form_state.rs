//! The state of a form being filled in: the typed values and a message per field. Services
//! return it when a rule refuses a form, so the page can show each message next to its field.

use std::collections::HashMap;

/// Typed values and per-field messages of a form.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    values: HashMap<String, String>,
    errors: HashMap<String, String>,
}

impl FormState {
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_string(), value.into());
    }
    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors
            .entry(name.to_string())
            .or_insert_with(|| message.into());
    }
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }
    pub fn message(&self, name: &str) -> &str {
        self.errors.get(name).map(String::as_str).unwrap_or("")
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
}
