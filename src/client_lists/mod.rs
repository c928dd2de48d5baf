//! ADMINISTRATION > Client lists: the values of the provider's four client lists (Class,
//! Invoicing, Standing and Category) that the client form offers in its drop-downs.
//!
//! Clients point to a value by id, so a rename shows on every client at once. A value can be
//! deleted only while no client uses it.

mod queries;
mod routes;
mod view;

pub use routes::routes;

use serde::Deserialize;

use crate::clients::ListKind;
use crate::text::{self, clean};
use crate::web::FieldErrors;

/// The lists in the order the page shows them.
pub const KINDS: [ListKind; 4] = [
    ListKind::Class,
    ListKind::Invoicing,
    ListKind::Standing,
    ListKind::Category,
];

/// Maximum length of a value name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// The label the client form shows for "no value"; a value may not take it as its name.
pub const UNASSIGNED: &str = "(unassigned)";

/// Finds the list named by the `{kind}` segment of an address, such as `invoicing`.
pub fn kind_from_path(segment: &str) -> Option<ListKind> {
    KINDS.into_iter().find(|kind| kind.as_str() == segment)
}

/// Returns the list's name as the client form labels its drop-down.
pub fn kind_label(kind: ListKind) -> &'static str {
    match kind {
        ListKind::Class => "Class",
        ListKind::Invoicing => "Invoicing",
        ListKind::Standing => "Standing",
        ListKind::Category => "Category",
    }
}

/// The add and rename forms as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NameForm {
    pub name: String,
}

impl NameForm {
    /// Cleans the name and checks its shape. Uniqueness within the list is checked against the
    /// database by the caller.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let name = clean(&self.name);
        let mut errors = FieldErrors::default();

        errors.check_text("name", &name, true, MAX_NAME_CHARS);
        if is_reserved(&name) {
            errors.add(
                "name",
                format!("“{UNASSIGNED}” is reserved because the client form shows it for clients without a value. Choose another name."),
            );
        }

        if errors.is_empty() {
            Ok(name)
        } else {
            Err(errors)
        }
    }
}

/// Checks whether a name would read as "no value" on the client form, ignoring case and accents.
fn is_reserved(name: &str) -> bool {
    text::fold(name) == text::fold(UNASSIGNED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_is_cleaned() {
        let form = NameForm {
            name: "  PO   Required ".into(),
        };
        assert_eq!(form.validate().unwrap(), "PO Required");
    }

    #[test]
    fn name_rejects_empty_long_and_reserved() {
        for (typed, message) in [
            ("   ", "This field is required."),
            (&"x".repeat(101)[..], "Use at most 100 characters."),
            ("(unassigned)", "reserved"),
            (" (UNASSIGNED) ", "reserved"),
        ] {
            let errors = NameForm { name: typed.into() }.validate().expect_err(typed);
            assert!(errors.of("name").contains(message), "{typed:?}: {errors:?}");
        }
    }

    #[test]
    fn name_of_max_length_is_accepted() {
        let name = "é".repeat(MAX_NAME_CHARS);
        assert_eq!(NameForm { name: name.clone() }.validate().unwrap(), name);
    }

    #[test]
    fn kind_segment_parses() {
        assert_eq!(kind_from_path("invoicing"), Some(ListKind::Invoicing));
        assert_eq!(kind_from_path("Invoicing"), None);
        assert_eq!(kind_from_path("colour"), None);
    }
}
