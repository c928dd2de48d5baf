//! Sticker marks: the small coloured mark per sticker that the Client Manager shows beside each
//! client of a page. Exports never load them, because stickers are internal notes (see
//! `export`).

use super::query::ClientRow;
use crate::db::Db;
use crate::ids::{ClientId, ProviderId};
use crate::stickers::{self, Colour, Sticker, StickerTab};

/// A sticker shown as a small coloured mark beside a client in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StickerMark {
    pub tab: StickerTab,
    pub colour: Colour,
    pub note: String,
}

impl StickerMark {
    fn from_sticker(sticker: Sticker) -> StickerMark {
        StickerMark {
            tab: sticker.tab,
            colour: sticker.colour,
            note: sticker.note,
        }
    }

    /// Formats the tooltip, such as "Orders: PO needed before work".
    pub fn title(&self) -> String {
        format!("{}: {}", self.tab.label(), self.note)
    }

    /// Formats the text that screen readers read in place of the colour, such as "Orders
    /// sticker: PO needed before work".
    pub fn spoken(&self) -> String {
        format!("{} sticker: {}", self.tab.label(), self.note)
    }
}

/// Loads the sticker marks of `rows` in one query and attaches them.
pub(super) async fn attach(
    db: &Db,
    provider_id: ProviderId,
    rows: &mut [ClientRow],
) -> Result<(), sqlx::Error> {
    let ids: Vec<ClientId> = rows.iter().map(|row| row.id).collect();
    let mut stickers = stickers::for_clients(db, provider_id, &ids).await?;
    for row in rows {
        if let Some(client_stickers) = stickers.remove(&row.id) {
            row.marks = client_stickers
                .into_iter()
                .map(StickerMark::from_sticker)
                .collect();
        }
    }
    Ok(())
}
