//! Stickers: one short note per tab (Assets, Orders, Account) of a client account, yellow or pink.
//!
//! Stickers are the provider's internal notes. They live only in this module, in the page frame
//! of the provider's client account page and in the Client Manager's sticker marks (never in its
//! exports). The client model (`clients::Client`) does not carry them, so nothing built on it for
//! clients to see can show them.

mod queries;
mod routes;

pub use queries::{for_client, for_clients};
pub use routes::{routes, slots};

use serde::Deserialize;

use crate::text::clean;
use crate::web::FieldErrors;

/// Maximum length of a sticker note, in characters, because a sticker is a short note.
pub const MAX_NOTE_CHARS: usize = 250;

/// The tab a sticker belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StickerTab {
    Assets,
    Orders,
    Account,
}

impl StickerTab {
    pub const ALL: [StickerTab; 3] = [StickerTab::Assets, StickerTab::Orders, StickerTab::Account];

    pub fn as_str(self) -> &'static str {
        match self {
            StickerTab::Assets => "assets",
            StickerTab::Orders => "orders",
            StickerTab::Account => "account",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StickerTab::Assets => "Assets",
            StickerTab::Orders => "Orders",
            StickerTab::Account => "Account",
        }
    }

    pub fn parse(value: &str) -> Option<StickerTab> {
        StickerTab::ALL
            .into_iter()
            .find(|tab| tab.as_str() == value)
    }
}

/// A sticker's colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colour {
    Yellow,
    Pink,
}

impl Colour {
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Yellow => "yellow",
            Colour::Pink => "pink",
        }
    }

    pub fn parse(value: &str) -> Option<Colour> {
        match value {
            "yellow" => Some(Colour::Yellow),
            "pink" => Some(Colour::Pink),
            _ => None,
        }
    }
}

/// A sticker as stored.
#[derive(Clone, Debug)]
pub struct Sticker {
    pub tab: StickerTab,
    pub note: String,
    pub colour: Colour,
    pub set_by_name: String,
    pub set_at: String,
}

/// The sticker slot under one tab name, as the page frame shows it.
#[derive(Clone, Debug)]
pub struct Slot {
    pub tab: StickerTab,
    pub sticker: Option<Sticker>,
    /// The editor is open, with this input and these errors, after a rejected save.
    pub form: Option<(StickerForm, FieldErrors)>,
}

impl Slot {
    /// Returns the note text the editor shows.
    pub fn editor_note(&self) -> String {
        match (&self.form, &self.sticker) {
            (Some((form, _)), _) => form.note.clone(),
            (None, Some(sticker)) => sticker.note.clone(),
            (None, None) => String::new(),
        }
    }

    /// Returns the colour the editor has selected.
    pub fn editor_colour(&self) -> &str {
        match (&self.form, &self.sticker) {
            (Some((form, _)), _) => form.colour.as_str(),
            (None, Some(sticker)) => sticker.colour.as_str(),
            (None, None) => "yellow",
        }
    }

    pub fn is_open(&self) -> bool {
        self.form.is_some()
    }

    pub fn error(&self, field: &str) -> String {
        self.form
            .as_ref()
            .map(|(_, errors)| errors.of(field).to_owned())
            .unwrap_or_default()
    }
}

/// The three sticker slots of a client account page.
#[derive(Clone, Debug)]
pub struct Slots(pub Vec<Slot>);

impl Slots {
    pub fn get(&self, tab: StickerTab) -> Option<&Slot> {
        self.0.iter().find(|slot| slot.tab == tab)
    }
}

/// The sticker editor as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StickerForm {
    pub note: String,
    pub colour: String,
    /// Set by the "Clear" button when the browser runs no script: the sticker is removed.
    pub clear: String,
}

/// The change a valid sticker form requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StickerChange {
    Set { note: String, colour: Colour },
    Clear,
}

impl StickerForm {
    pub fn validate(&self) -> Result<StickerChange, FieldErrors> {
        let note = clean(&self.note);
        if !self.clear.is_empty() || note.is_empty() {
            return Ok(StickerChange::Clear);
        }

        let mut errors = FieldErrors::default();
        errors.check_text("note", &note, true, MAX_NOTE_CHARS);
        let colour = Colour::parse(self.colour.trim());
        if colour.is_none() {
            errors.add("colour", "Choose yellow or pink.");
        }
        match colour {
            Some(colour) if errors.is_empty() => Ok(StickerChange::Set { note, colour }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_note_or_clear_removes_the_sticker() {
        let empty = StickerForm {
            note: "   ".into(),
            colour: "pink".into(),
            clear: String::new(),
        };
        assert!(matches!(empty.validate(), Ok(StickerChange::Clear)));
        let cleared = StickerForm {
            note: "keep".into(),
            colour: "pink".into(),
            clear: "1".into(),
        };
        assert!(matches!(cleared.validate(), Ok(StickerChange::Clear)));
    }

    #[test]
    fn rejects_long_notes_and_other_colours() {
        let long = StickerForm {
            note: "x".repeat(MAX_NOTE_CHARS + 1),
            colour: "yellow".into(),
            clear: String::new(),
        };
        assert!(long.validate().unwrap_err().has("note"));
        let green = StickerForm {
            note: "call first".into(),
            colour: "green".into(),
            clear: String::new(),
        };
        assert!(green.validate().unwrap_err().has("colour"));
    }
}
