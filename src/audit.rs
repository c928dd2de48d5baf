//! The audit trail: who changed what, when, with the values before and after.
//!
//! Every write that changes a client, a provider site or an employee records one event in the
//! same transaction, so the history can never disagree with the data.

use serde::{Deserialize, Serialize};
use sqlx::Row as _;

use crate::auth::Staff;
use crate::db::{self, Db, Tx};
use crate::ids::ProviderId;

/// The kind of record an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entity {
    Client,
    ProviderSite,
    Employee,
    ClientSite,
    Asset,
    ClientListValue,
}

impl Entity {
    fn as_str(self) -> &'static str {
        match self {
            Entity::Client => "client",
            Entity::ProviderSite => "provider_site",
            Entity::Employee => "employee",
            Entity::ClientSite => "client_site",
            Entity::Asset => "asset",
            Entity::ClientListValue => "client_list_value",
        }
    }
}

/// One field's value before and after a change, as shown to people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// The author of a change: a signed-in employee, or a command-line run.
#[derive(Clone, Debug)]
pub enum Actor<'a> {
    Staff(&'a Staff),
    System(&'a str),
}

/// Compares labelled values and keeps the ones that differ.
pub fn diff(fields: &[(&str, String, String)]) -> Vec<Change> {
    fields
        .iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| Change {
            field: (*field).to_owned(),
            before: before.clone(),
            after: after.clone(),
        })
        .collect()
}

/// Records an event in the caller's transaction.
pub async fn record(
    tx: &mut Tx,
    provider_id: ProviderId,
    entity: Entity,
    entity_id: i64,
    action: &str,
    actor: &Actor<'_>,
    changes: &[Change],
) -> Result<(), sqlx::Error> {
    let (actor_id, actor_name) = match actor {
        Actor::Staff(staff) => (Some(staff.employee_id.0), staff.name.clone()),
        Actor::System(name) => (None, (*name).to_owned()),
    };
    let changes = serde_json::to_string(changes).expect("a list of strings serialises to JSON");

    sqlx::query(
        "INSERT INTO audit_events \
         (provider_id, entity, entity_id, action, actor_employee_id, actor_name, changes, occurred_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(provider_id.0)
    .bind(entity.as_str())
    .bind(entity_id)
    .bind(action)
    .bind(actor_id)
    .bind(actor_name)
    .bind(changes)
    .bind(db::now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One recorded event, newest first in [`history`].
#[derive(Clone, Debug)]
pub struct Event {
    pub action: String,
    pub actor_name: String,
    pub occurred_at: String,
    pub changes: Vec<Change>,
}

/// Loads the events of one record, newest first, at most `limit`.
pub async fn history(
    db: &Db,
    provider_id: ProviderId,
    entity: Entity,
    entity_id: i64,
    limit: i64,
) -> Result<Vec<Event>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT action, actor_name, occurred_at, changes FROM audit_events \
         WHERE provider_id = $1 AND entity = $2 AND entity_id = $3 \
         ORDER BY id DESC LIMIT $4",
    )
    .bind(provider_id.0)
    .bind(entity.as_str())
    .bind(entity_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;

    rows.into_iter()
        .map(|row| {
            let changes: String = row.try_get("changes")?;
            let changes = serde_json::from_str(&changes).unwrap_or_else(|error| {
                tracing::error!(%error, entity_id, "an audit event contains invalid JSON");
                Vec::new()
            });
            Ok(Event {
                action: row.try_get("action")?,
                actor_name: row.try_get("actor_name")?,
                occurred_at: row.try_get("occurred_at")?,
                changes,
            })
        })
        .collect()
}
