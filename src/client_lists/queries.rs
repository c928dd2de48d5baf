//! Client list value queries, each scoped by the provider.

use std::collections::HashMap;

use sqlx::Row as _;

use super::KINDS;
use crate::clients::ListKind;
use crate::db::{self, Db, Tx};
use crate::ids::{ListValueId, ProviderId};
use crate::text;

/// A list value with the number of clients that use it.
#[derive(Clone, Debug)]
pub struct ListValue {
    pub id: ListValueId,
    pub name: String,
    pub client_count: i64,
}

/// Matches the clients that point to the value `$3` through any of the four list columns. A value
/// is only ever set in the column of its own list, but all four are checked because each one has
/// a foreign key to the value.
const USED_BY_CLIENT: &str =
    "c.class_id = $3 OR c.invoicing_id = $3 OR c.standing_id = $3 OR c.category_id = $3";

/// Loads every list of the provider with its values, lists in the order of [`KINDS`] and values
/// by name ignoring case and accents.
pub async fn all_lists(
    db: &Db,
    provider_id: ProviderId,
) -> Result<Vec<(ListKind, Vec<ListValue>)>, sqlx::Error> {
    let counts = client_counts(db, provider_id).await?;
    let rows = sqlx::query("SELECT id, kind, name FROM client_list_values WHERE provider_id = $1")
        .bind(provider_id.0)
        .fetch_all(&db.pool)
        .await?;

    let mut lists: Vec<(ListKind, Vec<ListValue>)> =
        KINDS.iter().map(|kind| (*kind, Vec::new())).collect();
    for row in &rows {
        let kind: String = row.try_get("kind")?;
        let Some((_, values)) = lists.iter_mut().find(|(k, _)| k.as_str() == kind) else {
            tracing::warn!(
                provider_id = %provider_id,
                kind,
                "client list value of an unknown list skipped"
            );
            continue;
        };
        let id = ListValueId(row.try_get("id")?);
        values.push(ListValue {
            id,
            name: row.try_get("name")?,
            client_count: counts.get(&id).copied().unwrap_or(0),
        });
    }

    // Sorted here rather than in SQL because SQLite and PostgreSQL order text differently.
    for (_, values) in &mut lists {
        values.sort_by_cached_key(|value| (text::fold(&value.name), value.name.clone(), value.id));
    }
    Ok(lists)
}

/// Counts the provider's clients using each value, in one pass per list column.
async fn client_counts(
    db: &Db,
    provider_id: ProviderId,
) -> Result<HashMap<ListValueId, i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT class_id AS value_id, COUNT(*) AS n FROM clients \
         WHERE provider_id = $1 AND class_id IS NOT NULL GROUP BY class_id \
         UNION ALL SELECT invoicing_id, COUNT(*) FROM clients \
         WHERE provider_id = $1 AND invoicing_id IS NOT NULL GROUP BY invoicing_id \
         UNION ALL SELECT standing_id, COUNT(*) FROM clients \
         WHERE provider_id = $1 AND standing_id IS NOT NULL GROUP BY standing_id \
         UNION ALL SELECT category_id, COUNT(*) FROM clients \
         WHERE provider_id = $1 AND category_id IS NOT NULL GROUP BY category_id",
    )
    .bind(provider_id.0)
    .fetch_all(&db.pool)
    .await?;

    let mut counts = HashMap::new();
    for row in &rows {
        let id = ListValueId(row.try_get("value_id")?);
        let n: i64 = row.try_get("n")?;
        *counts.entry(id).or_insert(0) += n;
    }
    Ok(counts)
}

/// Finds one value of the list. A value of another provider or another list is `None`, like a
/// missing one.
pub async fn find(
    tx: &mut Tx,
    provider_id: ProviderId,
    kind: ListKind,
    id: ListValueId,
) -> Result<Option<ListValue>, sqlx::Error> {
    let sql = format!(
        "SELECT v.id, v.name, \
         (SELECT COUNT(*) FROM clients c WHERE {USED_BY_CLIENT}) AS client_count \
         FROM client_list_values v WHERE v.provider_id = $1 AND v.kind = $2 AND v.id = $3"
    );
    let row = sqlx::query(&sql)
        .bind(provider_id.0)
        .bind(kind.as_str())
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|row| {
        Ok(ListValue {
            id: ListValueId(row.try_get("id")?),
            name: row.try_get("name")?,
            client_count: row.try_get("client_count")?,
        })
    })
    .transpose()
}

/// Finds another value of the list that equals `name` ignoring case and accents, and returns its
/// name.
pub async fn same_name(
    tx: &mut Tx,
    provider_id: ProviderId,
    kind: ListKind,
    name: &str,
    except: Option<ListValueId>,
) -> Result<Option<String>, sqlx::Error> {
    // The table has no folded column, so the comparison happens here. A provider keeps a short
    // list of values per list, so loading one list is cheap.
    let rows =
        sqlx::query("SELECT id, name FROM client_list_values WHERE provider_id = $1 AND kind = $2")
            .bind(provider_id.0)
            .bind(kind.as_str())
            .fetch_all(&mut **tx)
            .await?;

    let key = text::fold(name);
    for row in &rows {
        let id = ListValueId(row.try_get("id")?);
        let existing: String = row.try_get("name")?;
        if Some(id) != except && text::fold(&existing) == key {
            return Ok(Some(existing));
        }
    }
    Ok(None)
}

/// Checks whether an insert or rename failed because the list already has this exact name.
pub fn is_duplicate_name(error: &sqlx::Error) -> bool {
    db::is_unique_violation(error, "client_list_values_name", "name")
}

pub async fn insert(
    tx: &mut Tx,
    provider_id: ProviderId,
    kind: ListKind,
    name: &str,
) -> Result<ListValueId, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO client_list_values (provider_id, kind, name, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(provider_id.0)
    .bind(kind.as_str())
    .bind(name)
    .bind(db::now())
    .fetch_one(&mut **tx)
    .await?;
    Ok(ListValueId(row.try_get("id")?))
}

pub async fn rename(
    tx: &mut Tx,
    provider_id: ProviderId,
    kind: ListKind,
    id: ListValueId,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE client_list_values SET name = $1 WHERE provider_id = $2 AND kind = $3 AND id = $4",
    )
    .bind(name)
    .bind(provider_id.0)
    .bind(kind.as_str())
    .bind(id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes a value unless a client uses it, and returns whether it was deleted.
pub async fn delete_unused(
    tx: &mut Tx,
    provider_id: ProviderId,
    kind: ListKind,
    id: ListValueId,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "DELETE FROM client_list_values \
         WHERE provider_id = $1 AND kind = $2 AND id = $3 \
         AND NOT EXISTS (SELECT 1 FROM clients c WHERE {USED_BY_CLIENT})"
    );
    let result = sqlx::query(&sql)
        .bind(provider_id.0)
        .bind(kind.as_str())
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected() == 1)
}
