//! Asset queries; every one is scoped by the provider and the client.

use sqlx::Row as _;

use super::model::{search_text, Asset, AssetInput, AssetStatus};
use crate::db::{self, Db, ListQuery, Row, Tx};
use crate::ids::{AssetId, ClientId, ClientSiteId, ProviderId};
use crate::text;

/// The service-due filter of the Assets tab. Every asset with a next service date counts,
/// whatever its status, here and in the Client Manager's asset folders; clearing the next
/// service date takes a retired or inactive asset out of both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// Next service date from today through today + N days.
    Within(i64),
    /// Next service date before today.
    Past,
}

/// The Assets tab's search, filters, sort and page.
#[derive(Clone, Debug)]
pub struct AssetFilter {
    pub search: String,
    pub site: Option<ClientSiteId>,
    pub status: Option<AssetStatus>,
    pub due: Option<Due>,
    /// Today in the client's time zone, YYYY-MM-DD, for the due filter.
    pub today: String,
    pub sort: Sort,
    pub descending: bool,
}

/// Sortable columns; every sort ends with the asset id so paging is stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Name,
    Serial,
    Tag,
    Equipment,
    Manufacturer,
    Model,
    Site,
    Status,
    LastService,
    NextService,
}

impl Sort {
    pub const ALL: [Sort; 10] = [
        Sort::Name,
        Sort::Serial,
        Sort::Tag,
        Sort::Equipment,
        Sort::Manufacturer,
        Sort::Model,
        Sort::Site,
        Sort::Status,
        Sort::LastService,
        Sort::NextService,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::Serial => "serial",
            Sort::Tag => "tag",
            Sort::Equipment => "equipment",
            Sort::Manufacturer => "manufacturer",
            Sort::Model => "model",
            Sort::Site => "site",
            Sort::Status => "status",
            Sort::LastService => "last",
            Sort::NextService => "next",
        }
    }

    pub fn parse(value: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.as_str() == value)
    }

    fn column(self) -> &'static str {
        match self {
            Sort::Name => "a.name_key",
            Sort::Serial => "a.serial_number",
            Sort::Tag => "a.asset_tag",
            Sort::Equipment => "a.equipment_id",
            Sort::Manufacturer => "a.manufacturer_key",
            Sort::Model => "a.model",
            Sort::Site => "COALESCE(s.name_key, '')",
            Sort::Status => "a.status",
            Sort::LastService => "COALESCE(a.last_service_date, '')",
            Sort::NextService => "COALESCE(a.next_service_date, '9999-12-31')",
        }
    }
}

const COLUMNS: &str = "a.id, a.site_id, COALESCE(s.name, '') AS site_name, a.name, a.description, a.manufacturer, \
     a.model, a.serial_number, a.asset_tag, a.equipment_id, a.barcode, a.status, a.service_interval_months, \
     a.last_service_date, a.next_service_date, a.version, a.updated_at";

fn from_row(row: &Row) -> Result<Asset, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Asset {
        id: AssetId(row.try_get("id")?),
        site_id: row.try_get::<Option<i64>, _>("site_id")?.map(ClientSiteId),
        site_name: row.try_get("site_name")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        manufacturer: row.try_get("manufacturer")?,
        model: row.try_get("model")?,
        serial_number: row.try_get("serial_number")?,
        asset_tag: row.try_get("asset_tag")?,
        equipment_id: row.try_get("equipment_id")?,
        barcode: row.try_get("barcode")?,
        status: AssetStatus::parse(&status).unwrap_or(AssetStatus::Active),
        service_interval_months: row.try_get("service_interval_months")?,
        last_service_date: row.try_get("last_service_date")?,
        next_service_date: row.try_get("next_service_date")?,
        version: row.try_get("version")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Starts `SELECT {select} FROM assets a {joins}` over the client's assets with the filter's
/// conditions applied.
fn filtered(
    select: &str,
    joins: &str,
    provider_id: ProviderId,
    client_id: ClientId,
    filter: &AssetFilter,
) -> ListQuery {
    let mut query = ListQuery::new(format!("SELECT {select} FROM assets a {joins} WHERE "));
    push_conditions(&mut query, provider_id, client_id, filter);
    query
}

/// Appends the conditions of the client and the filter, after a `WHERE`.
fn push_conditions(
    query: &mut ListQuery,
    provider_id: ProviderId,
    client_id: ClientId,
    filter: &AssetFilter,
) {
    query
        .push("a.provider_id = ")
        .bind(provider_id.0)
        .push(" AND a.client_id = ")
        .bind(client_id.0);

    if !filter.search.trim().is_empty() {
        query
            .push(" AND a.search_text LIKE ")
            .bind(text::like_contains(filter.search.trim()))
            .push(" ESCAPE '\\'");
    }
    if let Some(site) = filter.site {
        query.push(" AND a.site_id = ").bind(site.0);
    }
    if let Some(status) = filter.status {
        query.push(" AND a.status = ").bind(status.as_str());
    }
    match filter.due {
        Some(Due::Past) => {
            query
                .push(" AND a.next_service_date < ")
                .bind(filter.today.clone());
        }
        Some(Due::Within(days)) => {
            let end = end_of_window(&filter.today, days);
            query
                .push(" AND a.next_service_date >= ")
                .bind(filter.today.clone())
                .push(" AND a.next_service_date <= ")
                .bind(end);
        }
        None => {}
    }
}

const SITE_JOIN: &str = "LEFT JOIN client_sites s ON s.id = a.site_id";

fn push_order(query: &mut ListQuery, filter: &AssetFilter) {
    let direction = if filter.descending { "DESC" } else { "ASC" };
    query.push(&format!(
        " ORDER BY {} {direction}, a.id {direction}",
        filter.sort.column()
    ));
}

/// Returns the last day, YYYY-MM-DD, of a due window that starts today.
pub fn end_of_window(today: &str, days: i64) -> String {
    chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.checked_add_signed(chrono::Duration::days(days)))
        .map(|date| date.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| today.to_owned())
}

/// Builds the statements of one page of the Assets tab: the count, then the rows. The benchmark
/// runs them directly to compare with the page.
pub fn page_statements(
    provider_id: ProviderId,
    client_id: ClientId,
    filter: &AssetFilter,
    limit: i64,
    offset: i64,
) -> Vec<ListQuery> {
    vec![
        count_query(provider_id, client_id, filter),
        ordered(provider_id, client_id, filter, Some((limit, offset))),
    ]
}

fn count_query(provider_id: ProviderId, client_id: ClientId, filter: &AssetFilter) -> ListQuery {
    filtered("COUNT(*) AS matching", "", provider_id, client_id, filter)
}

/// Builds the rows of the view in order. A page first picks its ids from the covering indexes
/// of migration 0005 without reading asset rows, then reads the full rows of those ids only.
/// Sorting by site name needs the site join, so that order reads the rows directly.
fn ordered(
    provider_id: ProviderId,
    client_id: ClientId,
    filter: &AssetFilter,
    window: Option<(i64, i64)>,
) -> ListQuery {
    let Some((limit, offset)) = window.filter(|_| filter.sort != Sort::Site) else {
        let mut query = filtered(COLUMNS, SITE_JOIN, provider_id, client_id, filter);
        push_order(&mut query, filter);
        if let Some((limit, offset)) = window {
            query
                .push(" LIMIT ")
                .bind(limit)
                .push(" OFFSET ")
                .bind(offset);
        }
        return query;
    };

    let mut query = ListQuery::new(format!(
        "SELECT {COLUMNS} FROM assets a {SITE_JOIN} WHERE a.id IN (SELECT a.id FROM assets a WHERE "
    ));
    push_conditions(&mut query, provider_id, client_id, filter);
    push_order(&mut query, filter);
    query
        .push(" LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset)
        .push(")");
    push_order(&mut query, filter);
    query
}

/// Counts the client's assets matching the filter.
pub async fn count(
    db: &Db,
    provider_id: ProviderId,
    client_id: ClientId,
    filter: &AssetFilter,
) -> Result<i64, sqlx::Error> {
    let (sql, arguments) = count_query(provider_id, client_id, filter).build();
    sqlx::query_with(&sql, arguments)
        .fetch_one(&db.pool)
        .await?
        .try_get("matching")
}

/// Loads the client's assets matching the filter, in order, or all of them when `window` is
/// `None`.
pub async fn list(
    db: &Db,
    provider_id: ProviderId,
    client_id: ClientId,
    filter: &AssetFilter,
    window: Option<(i64, i64)>,
) -> Result<Vec<Asset>, sqlx::Error> {
    let (sql, args) = ordered(provider_id, client_id, filter, window).build();
    let rows = sqlx::query_with(&sql, args).fetch_all(&db.pool).await?;
    rows.iter().map(from_row).collect()
}

pub async fn find(
    db: &Db,
    provider_id: ProviderId,
    client_id: ClientId,
    asset_id: AssetId,
) -> Result<Option<Asset>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM assets a LEFT JOIN client_sites s ON s.id = a.site_id \
         WHERE a.provider_id = $1 AND a.client_id = $2 AND a.id = $3"
    );
    let row = sqlx::query(&sql)
        .bind(provider_id.0)
        .bind(client_id.0)
        .bind(asset_id.0)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Finds the asset of this client that already has the serial number and manufacturer.
pub async fn find_duplicate(
    db: &Db,
    client_id: ClientId,
    input: &AssetInput,
    except: Option<AssetId>,
) -> Result<Option<(AssetId, String)>, sqlx::Error> {
    if input.serial_number.is_empty() {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT id, name FROM assets WHERE client_id = $1 AND manufacturer_key = $2 AND serial_key = $3 AND id <> $4",
    )
    .bind(client_id.0)
    .bind(text::fold(&input.manufacturer))
    .bind(text::fold(&input.serial_number))
    .bind(except.map(|id| id.0).unwrap_or(0))
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| Ok((AssetId(row.try_get("id")?), row.try_get("name")?)))
        .transpose()
}

/// A reason an asset could not be saved, beyond the form's own checks.
#[derive(Debug)]
pub enum SaveError {
    DuplicateSerial,
    Conflict,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(error: sqlx::Error) -> Self {
        if db::is_unique_violation(&error, "assets_serial", "serial_key") {
            SaveError::DuplicateSerial
        } else {
            SaveError::Database(error)
        }
    }
}

fn date(value: Option<chrono::NaiveDate>) -> Option<String> {
    value.map(|d| d.format("%Y-%m-%d").to_string())
}

fn serial_key(input: &AssetInput) -> Option<String> {
    (!input.serial_number.is_empty()).then(|| text::fold(&input.serial_number))
}

pub async fn insert(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    input: &AssetInput,
) -> Result<AssetId, SaveError> {
    let now = db::now();
    let row = sqlx::query(
        "INSERT INTO assets (provider_id, client_id, site_id, name, name_key, description, manufacturer, \
         manufacturer_key, model, serial_number, serial_key, asset_tag, equipment_id, barcode, status, \
         service_interval_months, last_service_date, next_service_date, search_text, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) \
         RETURNING id",
    )
    .bind(provider_id.0)
    .bind(client_id.0)
    .bind(input.site_id.map(|id| id.0))
    .bind(&input.name)
    .bind(text::fold(&input.name))
    .bind(&input.description)
    .bind(&input.manufacturer)
    .bind(text::fold(&input.manufacturer))
    .bind(&input.model)
    .bind(&input.serial_number)
    .bind(serial_key(input))
    .bind(&input.asset_tag)
    .bind(&input.equipment_id)
    .bind(&input.barcode)
    .bind(input.status.as_str())
    .bind(input.service_interval_months)
    .bind(date(input.last_service_date))
    .bind(date(input.next_service_date))
    .bind(search_text(input))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(AssetId(row.try_get("id")?))
}

/// Saves an asset if it is still at `version`.
pub async fn update(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    asset_id: AssetId,
    version: i64,
    input: &AssetInput,
) -> Result<(), SaveError> {
    let result = sqlx::query(
        "UPDATE assets SET site_id = $1, name = $2, name_key = $3, description = $4, manufacturer = $5, \
         manufacturer_key = $6, model = $7, serial_number = $8, serial_key = $9, asset_tag = $10, \
         equipment_id = $11, barcode = $12, status = $13, service_interval_months = $14, \
         last_service_date = $15, next_service_date = $16, search_text = $17, updated_at = $18, \
         version = version + 1 \
         WHERE provider_id = $19 AND client_id = $20 AND id = $21 AND version = $22",
    )
    .bind(input.site_id.map(|id| id.0))
    .bind(&input.name)
    .bind(text::fold(&input.name))
    .bind(&input.description)
    .bind(&input.manufacturer)
    .bind(text::fold(&input.manufacturer))
    .bind(&input.model)
    .bind(&input.serial_number)
    .bind(serial_key(input))
    .bind(&input.asset_tag)
    .bind(&input.equipment_id)
    .bind(&input.barcode)
    .bind(input.status.as_str())
    .bind(input.service_interval_months)
    .bind(date(input.last_service_date))
    .bind(date(input.next_service_date))
    .bind(search_text(input))
    .bind(db::now())
    .bind(provider_id.0)
    .bind(client_id.0)
    .bind(asset_id.0)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(SaveError::Conflict);
    }
    Ok(())
}

/// Returns today's date, YYYY-MM-DD, for every "due" judgement of assets: the date in the time
/// zone of the signed-in employee's home provider site, or in UTC when the employee has no home
/// site. One rule for the Assets tab and the Client Manager's asset folders, so both agree for
/// whoever opens them, whichever clients the list holds; clients' own sites may span zones.
pub async fn today_at_home_site(
    db: &Db,
    provider_id: ProviderId,
    employee_id: crate::ids::EmployeeId,
) -> Result<String, sqlx::Error> {
    let zone: Option<String> = sqlx::query_scalar(
        "SELECT s.time_zone FROM employees e \
         JOIN provider_sites s ON s.id = e.home_site_id AND s.provider_id = e.provider_id \
         WHERE e.provider_id = $1 AND e.id = $2",
    )
    .bind(provider_id.0)
    .bind(employee_id.0)
    .fetch_optional(&db.pool)
    .await?;
    Ok(today_in(zone.as_deref()))
}

/// Today's date, YYYY-MM-DD, in an IANA time zone (UTC when none or unknown).
pub fn today_in(zone: Option<&str>) -> String {
    let now = chrono::Utc::now();
    match zone.and_then(|z| z.parse::<chrono_tz::Tz>().ok()) {
        Some(tz) => now.with_timezone(&tz).format("%Y-%m-%d").to_string(),
        None => now.format("%Y-%m-%d").to_string(),
    }
}
