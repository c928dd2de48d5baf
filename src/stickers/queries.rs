//! Sticker queries; every one is scoped by the provider and the client.

use std::collections::HashMap;

use sqlx::Row as _;

use super::{Colour, Sticker, StickerTab};
use crate::auth::Staff;
use crate::db::{self, Db, ListQuery, Tx};
use crate::ids::{ClientId, ProviderId};

/// Loads the stickers of one client.
pub async fn for_client(
    db: &Db,
    provider_id: ProviderId,
    client_id: ClientId,
) -> Result<Vec<Sticker>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT tab, note, colour, set_by_name, set_at FROM stickers WHERE provider_id = $1 AND client_id = $2",
    )
    .bind(provider_id.0)
    .bind(client_id.0)
    .fetch_all(&db.pool)
    .await?;

    let mut stickers = Vec::with_capacity(rows.len());
    for row in rows {
        let tab: String = row.try_get("tab")?;
        let colour: String = row.try_get("colour")?;
        let (Some(tab), Some(colour)) = (StickerTab::parse(&tab), Colour::parse(&colour)) else {
            tracing::error!(client_id = %client_id, tab, colour, "a stored sticker has an unknown tab or colour");
            continue;
        };
        stickers.push(Sticker {
            tab,
            note: row.try_get("note")?,
            colour,
            set_by_name: row.try_get("set_by_name")?,
            set_at: row.try_get("set_at")?,
        });
    }
    Ok(stickers)
}

/// Reads the sticker on one tab in the caller's transaction.
pub async fn find_in(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    tab: StickerTab,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT note, colour FROM stickers WHERE provider_id = $1 AND client_id = $2 AND tab = $3",
    )
    .bind(provider_id.0)
    .bind(client_id.0)
    .bind(tab.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|row| Ok((row.try_get("note")?, row.try_get("colour")?)))
        .transpose()
}

/// Sets the sticker of a tab, replacing any earlier one.
pub async fn set(
    tx: &mut Tx,
    staff: &Staff,
    client_id: ClientId,
    tab: StickerTab,
    note: &str,
    colour: Colour,
) -> Result<(), sqlx::Error> {
    clear(tx, staff.provider_id, client_id, tab).await?;
    sqlx::query(
        "INSERT INTO stickers (provider_id, client_id, tab, note, colour, set_by_employee_id, set_by_name, set_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(staff.provider_id.0)
    .bind(client_id.0)
    .bind(tab.as_str())
    .bind(note)
    .bind(colour.as_str())
    .bind(staff.employee_id.0)
    .bind(&staff.name)
    .bind(db::now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn clear(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    tab: StickerTab,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM stickers WHERE provider_id = $1 AND client_id = $2 AND tab = $3")
        .bind(provider_id.0)
        .bind(client_id.0)
        .bind(tab.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Loads the stickers of many clients in one query, for the Client Manager's marks: each
/// client's stickers in [`StickerTab::ALL`] order. Clients without stickers have no entry.
pub async fn for_clients(
    db: &Db,
    provider_id: ProviderId,
    client_ids: &[ClientId],
) -> Result<HashMap<ClientId, Vec<Sticker>>, sqlx::Error> {
    let mut stickers: HashMap<ClientId, Vec<Sticker>> = HashMap::new();
    if client_ids.is_empty() {
        return Ok(stickers);
    }

    let mut query = ListQuery::new(
        "SELECT client_id, tab, note, colour, set_by_name, set_at FROM stickers WHERE provider_id = ",
    );
    query
        .bind(provider_id.0)
        .push(" AND client_id IN ")
        .bind_list(client_ids.iter().map(|id| id.0));
    let (sql, arguments) = query.build();
    let rows = sqlx::query_with(&sql, arguments)
        .fetch_all(&db.pool)
        .await?;

    for row in rows {
        let client_id = ClientId(row.try_get("client_id")?);
        let tab: String = row.try_get("tab")?;
        let colour: String = row.try_get("colour")?;
        let (Some(tab), Some(colour)) = (StickerTab::parse(&tab), Colour::parse(&colour)) else {
            tracing::error!(client_id = %client_id, tab, colour, "a stored sticker has an unknown tab or colour");
            continue;
        };
        stickers.entry(client_id).or_default().push(Sticker {
            tab,
            note: row.try_get("note")?,
            colour,
            set_by_name: row.try_get("set_by_name")?,
            set_at: row.try_get("set_at")?,
        });
    }

    for client in stickers.values_mut() {
        client.sort_by_key(|sticker| StickerTab::ALL.iter().position(|tab| *tab == sticker.tab));
    }
    Ok(stickers)
}
