//! Provider site queries; every one is scoped by the provider.

use sqlx::Row as _;

use super::{ProviderSite, SiteInput};
use crate::db::{self, Db, Row, Tx};
use crate::ids::{EmployeeId, ProviderId, ProviderSiteId};
use crate::text;

const SELECT_SITE: &str = "SELECT s.id, s.name, s.code, s.address_line1, s.address_line2, s.city, \
     s.state, s.postal_code, s.country, s.phone, s.time_zone, s.default_representative_id, \
     s.qualer_site_id, s.version, \
     COALESCE(r.first_name || ' ' || r.last_name, '') AS representative_name, \
     CASE WHEN r.active = 0 THEN 1 ELSE 0 END AS representative_inactive, \
     (SELECT COUNT(*) FROM clients c WHERE c.serving_site_id = s.id) AS client_count \
     FROM provider_sites s LEFT JOIN employees r ON r.id = s.default_representative_id \
     WHERE s.provider_id = $1";

fn from_row(row: &Row) -> Result<ProviderSite, sqlx::Error> {
    // Computed flags come back as integers: SQLite has no boolean type for expressions.
    let representative_inactive: i64 = row.try_get("representative_inactive")?;
    let mut representative_name: String = row.try_get("representative_name")?;
    if representative_inactive == 1 {
        representative_name.push_str(" (inactive)");
    }
    Ok(ProviderSite {
        id: ProviderSiteId(row.try_get("id")?),
        name: row.try_get("name")?,
        code: row.try_get("code")?,
        address_line1: row.try_get("address_line1")?,
        address_line2: row.try_get("address_line2")?,
        city: row.try_get("city")?,
        state: row.try_get("state")?,
        postal_code: row.try_get("postal_code")?,
        country: row.try_get("country")?,
        phone: row.try_get("phone")?,
        time_zone: row.try_get("time_zone")?,
        default_representative_id: row
            .try_get::<Option<i64>, _>("default_representative_id")?
            .map(EmployeeId),
        default_representative_name: representative_name,
        qualer_site_id: row.try_get("qualer_site_id")?,
        client_count: row.try_get("client_count")?,
        version: row.try_get("version")?,
    })
}

/// Lists every site of the provider, by name.
pub async fn list(db: &Db, provider_id: ProviderId) -> Result<Vec<ProviderSite>, sqlx::Error> {
    let sql = format!("{SELECT_SITE} ORDER BY s.name, s.id");
    let rows = sqlx::query(&sql)
        .bind(provider_id.0)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Finds one site of the provider. A site of another provider is `None`, like a missing one.
pub async fn find(
    db: &Db,
    provider_id: ProviderId,
    site_id: ProviderSiteId,
) -> Result<Option<ProviderSite>, sqlx::Error> {
    let sql = format!("{SELECT_SITE} AND s.id = $2");
    let row = sqlx::query(&sql)
        .bind(provider_id.0)
        .bind(site_id.0)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A site for a drop-down.
#[derive(Clone, Debug)]
pub struct SiteOption {
    pub id: ProviderSiteId,
    pub name: String,
    pub code: String,
}

pub async fn list_options(
    db: &Db,
    provider_id: ProviderId,
) -> Result<Vec<SiteOption>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, code FROM provider_sites WHERE provider_id = $1 ORDER BY name, id",
    )
    .bind(provider_id.0)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SiteOption {
                id: ProviderSiteId(row.try_get("id")?),
                name: row.try_get("name")?,
                code: row.try_get("code")?,
            })
        })
        .collect()
}

/// A reason a site could not be saved, beyond the form's own checks.
#[derive(Debug)]
pub enum SaveError {
    DuplicateCode,
    DuplicateQualerId,
    /// Someone saved the site since the form was opened.
    Conflict,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(error: sqlx::Error) -> Self {
        if db::is_unique_violation(&error, "provider_sites_code", "code_key") {
            SaveError::DuplicateCode
        } else if db::is_unique_violation(&error, "provider_sites_qualer_id", "qualer_site_id") {
            SaveError::DuplicateQualerId
        } else {
            SaveError::Database(error)
        }
    }
}

pub async fn insert(
    tx: &mut Tx,
    provider_id: ProviderId,
    input: &SiteInput,
) -> Result<ProviderSiteId, SaveError> {
    let now = db::now();
    let row = sqlx::query(
        "INSERT INTO provider_sites (provider_id, name, code, code_key, address_line1, address_line2, \
         city, state, postal_code, country, phone, time_zone, default_representative_id, \
         qualer_site_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
    )
    .bind(provider_id.0)
    .bind(&input.name)
    .bind(&input.code)
    .bind(text::fold(&input.code))
    .bind(&input.address_line1)
    .bind(&input.address_line2)
    .bind(&input.city)
    .bind(&input.state)
    .bind(&input.postal_code)
    .bind(&input.country)
    .bind(&input.phone)
    .bind(&input.time_zone)
    .bind(input.default_representative_id.map(|id| id.0))
    .bind(input.qualer_site_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(ProviderSiteId(row.try_get("id")?))
}

/// Saves a site if it is still at `version`.
pub async fn update(
    tx: &mut Tx,
    provider_id: ProviderId,
    site_id: ProviderSiteId,
    version: i64,
    input: &SiteInput,
) -> Result<(), SaveError> {
    let result = sqlx::query(
        "UPDATE provider_sites SET name = $1, code = $2, code_key = $3, address_line1 = $4, \
         address_line2 = $5, city = $6, state = $7, postal_code = $8, country = $9, phone = $10, \
         time_zone = $11, default_representative_id = $12, qualer_site_id = $13, updated_at = $14, \
         version = version + 1 \
         WHERE provider_id = $15 AND id = $16 AND version = $17",
    )
    .bind(&input.name)
    .bind(&input.code)
    .bind(text::fold(&input.code))
    .bind(&input.address_line1)
    .bind(&input.address_line2)
    .bind(&input.city)
    .bind(&input.state)
    .bind(&input.postal_code)
    .bind(&input.country)
    .bind(&input.phone)
    .bind(&input.time_zone)
    .bind(input.default_representative_id.map(|id| id.0))
    .bind(input.qualer_site_id)
    .bind(db::now())
    .bind(provider_id.0)
    .bind(site_id.0)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(SaveError::Conflict);
    }
    Ok(())
}
