//! Saving and clearing a sticker.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::{Form, Router};

use super::{queries, Slot, Slots, StickerChange, StickerForm, StickerTab};
use crate::audit::{self, Actor, Change, Entity};
use crate::auth::Staff;
use crate::clients::{self, Client, Tab};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::ids::{ClientId, ProviderId};
use crate::web::{render_status, see_other, CsrfToken, Section, Shell};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/clients/{id}/stickers/{tab}", post(save))
}

/// Loads the three sticker slots of a client, all closed.
pub async fn slots(
    db: &Db,
    provider_id: ProviderId,
    client_id: ClientId,
) -> Result<Slots, sqlx::Error> {
    let stickers = queries::for_client(db, provider_id, client_id).await?;
    Ok(Slots(
        StickerTab::ALL
            .into_iter()
            .map(|tab| Slot {
                tab,
                sticker: stickers.iter().find(|s| s.tab == tab).cloned(),
                form: None,
            })
            .collect(),
    ))
}

/// A client page whose only content is a sticker editor sent back with an error.
#[derive(Template)]
#[template(path = "stickers/templates/rejected.html")]
struct RejectedPage {
    shell: Shell,
    client: Client,
    tab: Tab,
    stickers: Slots,
}

async fn save(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path((client_id, tab)): Path<(ClientId, String)>,
    Form(form): Form<StickerForm>,
) -> AppResult<Response> {
    let client = clients::load(&state.db, &staff, client_id).await?;
    let tab = StickerTab::parse(&tab).ok_or(AppError::NotFound)?;

    let change = match form.validate() {
        Ok(change) => change,
        Err(errors) => {
            let mut stickers = slots(&state.db, staff.provider_id, client_id).await?;
            for slot in &mut stickers.0 {
                if slot.tab == tab {
                    slot.form = Some((form.clone(), errors.clone()));
                }
            }
            let page = RejectedPage {
                shell: Shell::new(&staff, &csrf, Section::Service),
                client,
                tab: page_tab(tab),
                stickers,
            };
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };

    let mut tx = state.db.begin().await?;
    let before = queries::find_in(&mut tx, staff.provider_id, client_id, tab).await?;
    let describe = |note: &str, colour: &str| format!("{colour}: {note}");
    let (action, after) = match &change {
        StickerChange::Set { note, colour } => {
            queries::set(&mut tx, &staff, client_id, tab, note, *colour).await?;
            let action = if before.is_some() {
                "sticker changed"
            } else {
                "sticker set"
            };
            (action, describe(note, colour.as_str()))
        }
        StickerChange::Clear => {
            queries::clear(&mut tx, staff.provider_id, client_id, tab).await?;
            ("sticker cleared", String::new())
        }
    };
    let before = before
        .map(|(note, colour)| describe(&note, &colour))
        .unwrap_or_default();
    if before != after {
        let changes = [Change {
            field: format!("{} sticker", tab.label()),
            before,
            after,
        }];
        audit::record(
            &mut tx,
            staff.provider_id,
            Entity::Client,
            client_id.0,
            action,
            &Actor::Staff(&staff),
            &changes,
        )
        .await?;
    }
    tx.commit().await?;

    Ok(see_other(&format!("/clients/{client_id}/{}", tab.as_str())))
}

fn page_tab(tab: StickerTab) -> Tab {
    match tab {
        StickerTab::Assets => Tab::Assets,
        StickerTab::Orders => Tab::Orders,
        StickerTab::Account => Tab::Account,
    }
}
