//! Client site queries; every one is scoped by the provider and the client.

use sqlx::Row as _;

use super::model::{ClientSite, SiteInput};
use crate::clients::queries::address;
use crate::db::{self, Db, Row, Tx};
use crate::ids::{ClientId, ClientSiteId, ProviderId};
use crate::text;

const SELECT_SITE: &str = "SELECT s.*, \
     (SELECT COUNT(*) FROM assets a WHERE a.site_id = s.id) AS asset_count \
     FROM client_sites s WHERE s.provider_id = $1 AND s.client_id = $2";

fn flag(row: &Row, column: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

fn from_row(row: &Row) -> Result<ClientSite, sqlx::Error> {
    Ok(ClientSite {
        id: ClientSiteId(row.try_get("id")?),
        name: row.try_get("name")?,
        code: row.try_get("code")?,
        billing_inherited: flag(row, "billing_inherited")?,
        billing: address(row, "billing")?,
        shipping_inherited: flag(row, "shipping_inherited")?,
        shipping: address(row, "shipping")?,
        time_zone: row.try_get("time_zone")?,
        federal_number: row.try_get("federal_number")?,
        state_number: row.try_get("state_number")?,
        is_science_facility: flag(row, "is_science_facility")?,
        is_service_center: flag(row, "is_service_center")?,
        is_inventory_storage: flag(row, "is_inventory_storage")?,
        is_production: flag(row, "is_production")?,
        archived: row.try_get::<Option<String>, _>("archived_at")?.is_some(),
        asset_count: row.try_get("asset_count")?,
        version: row.try_get("version")?,
    })
}

/// Lists the client's sites, active ones first, then by name.
pub async fn list(
    db: &Db,
    provider_id: ProviderId,
    client_id: ClientId,
) -> Result<Vec<ClientSite>, sqlx::Error> {
    let sql = format!("{SELECT_SITE} ORDER BY CASE WHEN s.archived_at IS NULL THEN 0 ELSE 1 END, s.name_key, s.id");
    let rows = sqlx::query(&sql)
        .bind(provider_id.0)
        .bind(client_id.0)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Finds one site of the client. A site of another client or provider is `None`, like a
/// missing one.
pub async fn find(
    db: &Db,
    provider_id: ProviderId,
    client_id: ClientId,
    site_id: ClientSiteId,
) -> Result<Option<ClientSite>, sqlx::Error> {
    let sql = format!("{SELECT_SITE} AND s.id = $3");
    let row = sqlx::query(&sql)
        .bind(provider_id.0)
        .bind(client_id.0)
        .bind(site_id.0)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A site for pickers; archived sites are left out.
#[derive(Clone, Debug)]
pub struct SiteOption {
    pub id: ClientSiteId,
    pub name: String,
}

pub async fn options(
    db: &Db,
    provider_id: ProviderId,
    client_id: ClientId,
) -> Result<Vec<SiteOption>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name FROM client_sites WHERE provider_id = $1 AND client_id = $2 AND archived_at IS NULL \
         ORDER BY name_key, id",
    )
    .bind(provider_id.0)
    .bind(client_id.0)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SiteOption {
                id: ClientSiteId(row.try_get("id")?),
                name: row.try_get("name")?,
            })
        })
        .collect()
}

/// Counts the assets at a site, because a site with assets is archived, never deleted.
pub async fn count_assets(tx: &mut Tx, site_id: ClientSiteId) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS assets FROM assets WHERE site_id = $1")
        .bind(site_id.0)
        .fetch_one(&mut **tx)
        .await?
        .try_get("assets")
}

/// A reason a site could not be saved, beyond the form's own checks.
#[derive(Debug)]
pub enum SaveError {
    DuplicateCode,
    Conflict,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(error: sqlx::Error) -> Self {
        if db::is_unique_violation(&error, "client_sites_code", "code_key") {
            SaveError::DuplicateCode
        } else {
            SaveError::Database(error)
        }
    }
}

fn code_key(code: &str) -> Option<String> {
    (!code.is_empty()).then(|| text::fold(code))
}

pub async fn insert(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    input: &SiteInput,
) -> Result<ClientSiteId, SaveError> {
    let now = db::now();
    let row = sqlx::query(
        "INSERT INTO client_sites (provider_id, client_id, name, name_key, code, code_key, \
         billing_inherited, billing_line1, billing_line2, billing_city, billing_state, billing_postal_code, billing_country, \
         shipping_inherited, shipping_line1, shipping_line2, shipping_city, shipping_state, shipping_postal_code, shipping_country, \
         time_zone, federal_number, state_number, is_science_facility, is_service_center, is_inventory_storage, is_production, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
         $21, $22, $23, $24, $25, $26, $27, $28, $28) RETURNING id",
    )
    .bind(provider_id.0)
    .bind(client_id.0)
    .bind(&input.name)
    .bind(text::fold(&input.name))
    .bind(&input.code)
    .bind(code_key(&input.code))
    .bind(i64::from(input.billing_inherited))
    .bind(&input.billing.line1)
    .bind(&input.billing.line2)
    .bind(&input.billing.city)
    .bind(&input.billing.state)
    .bind(&input.billing.postal_code)
    .bind(&input.billing.country)
    .bind(i64::from(input.shipping_inherited))
    .bind(&input.shipping.line1)
    .bind(&input.shipping.line2)
    .bind(&input.shipping.city)
    .bind(&input.shipping.state)
    .bind(&input.shipping.postal_code)
    .bind(&input.shipping.country)
    .bind(&input.time_zone)
    .bind(&input.federal_number)
    .bind(&input.state_number)
    .bind(i64::from(input.is_science_facility))
    .bind(i64::from(input.is_service_center))
    .bind(i64::from(input.is_inventory_storage))
    .bind(i64::from(input.is_production))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(ClientSiteId(row.try_get("id")?))
}

/// Saves a site if it is still at `version`.
pub async fn update(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    site_id: ClientSiteId,
    version: i64,
    input: &SiteInput,
) -> Result<(), SaveError> {
    let result = sqlx::query(
        "UPDATE client_sites SET name = $1, name_key = $2, code = $3, code_key = $4, \
         billing_inherited = $5, billing_line1 = $6, billing_line2 = $7, billing_city = $8, billing_state = $9, \
         billing_postal_code = $10, billing_country = $11, shipping_inherited = $12, shipping_line1 = $13, \
         shipping_line2 = $14, shipping_city = $15, shipping_state = $16, shipping_postal_code = $17, \
         shipping_country = $18, time_zone = $19, federal_number = $20, state_number = $21, \
         is_science_facility = $22, is_service_center = $23, is_inventory_storage = $24, is_production = $25, \
         updated_at = $26, version = version + 1 \
         WHERE provider_id = $27 AND client_id = $28 AND id = $29 AND version = $30",
    )
    .bind(&input.name)
    .bind(text::fold(&input.name))
    .bind(&input.code)
    .bind(code_key(&input.code))
    .bind(i64::from(input.billing_inherited))
    .bind(&input.billing.line1)
    .bind(&input.billing.line2)
    .bind(&input.billing.city)
    .bind(&input.billing.state)
    .bind(&input.billing.postal_code)
    .bind(&input.billing.country)
    .bind(i64::from(input.shipping_inherited))
    .bind(&input.shipping.line1)
    .bind(&input.shipping.line2)
    .bind(&input.shipping.city)
    .bind(&input.shipping.state)
    .bind(&input.shipping.postal_code)
    .bind(&input.shipping.country)
    .bind(&input.time_zone)
    .bind(&input.federal_number)
    .bind(&input.state_number)
    .bind(i64::from(input.is_science_facility))
    .bind(i64::from(input.is_service_center))
    .bind(i64::from(input.is_inventory_storage))
    .bind(i64::from(input.is_production))
    .bind(db::now())
    .bind(provider_id.0)
    .bind(client_id.0)
    .bind(site_id.0)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(SaveError::Conflict);
    }
    Ok(())
}

/// Archives or restores a site.
pub async fn set_archived(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    site_id: ClientSiteId,
    archived: bool,
) -> Result<(), sqlx::Error> {
    let now = db::now();
    sqlx::query(
        "UPDATE client_sites SET archived_at = $1, updated_at = $2, version = version + 1 \
         WHERE provider_id = $3 AND client_id = $4 AND id = $5",
    )
    .bind(archived.then(|| now.clone()))
    .bind(&now)
    .bind(provider_id.0)
    .bind(client_id.0)
    .bind(site_id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn delete(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    site_id: ClientSiteId,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM client_sites WHERE provider_id = $1 AND client_id = $2 AND id = $3")
        .bind(provider_id.0)
        .bind(client_id.0)
        .bind(site_id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
