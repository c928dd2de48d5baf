//! Field-level validation messages for forms that are sent back to the user.

use std::collections::BTreeMap;

/// Messages keyed by form field name; a form with any message is shown again with its input.
#[derive(Clone, Debug, Default)]
pub struct FieldErrors {
    messages: BTreeMap<String, String>,
    /// A message about the form as a whole, shown above it.
    pub form: Option<String>,
}

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.messages
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    /// Returns the status of a page showing this form: 200, or 422 when it has errors.
    pub fn status(&self) -> axum::http::StatusCode {
        if self.is_empty() {
            axum::http::StatusCode::OK
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty() && self.form.is_none()
    }

    /// The message for `field`, or an empty string when it has none.
    pub fn of(&self, field: &str) -> &str {
        self.messages.get(field).map(String::as_str).unwrap_or("")
    }

    pub fn has(&self, field: &str) -> bool {
        self.messages.contains_key(field)
    }

    /// The fields with errors, for the summary above a form.
    pub fn fields(&self) -> impl Iterator<Item = (&String, &String)> {
        self.messages.iter()
    }

    /// Adds "required" when `value` is empty and "too long" when it has more than `max`
    /// characters.
    pub fn check_text(&mut self, field: &str, value: &str, required: bool, max: usize) {
        if required && value.is_empty() {
            self.add(field, "This field is required.");
        } else if value.chars().count() > max {
            self.add(field, format!("Use at most {max} characters."));
        }
    }

    pub fn count(&self) -> usize {
        self.messages.len()
    }
}

/// A form value that should be a positive whole number (an id or a count) and is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidNumber;

/// Parses an optional positive whole number, such as an id from a drop-down: empty means none.
pub fn parse_optional_number(value: &str) -> Result<Option<i64>, InvalidNumber> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    match value.parse::<i64>() {
        Ok(number) if number > 0 => Ok(Some(number)),
        _ => Err(InvalidNumber),
    }
}

/// One choice of a drop-down.
#[derive(Clone, Debug)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
}

impl SelectOption {
    pub fn new(value: impl ToString, label: impl Into<String>) -> SelectOption {
        SelectOption {
            value: value.to_string(),
            label: label.into(),
        }
    }
}
