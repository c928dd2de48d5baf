//! Provider employee queries; every one is scoped by the provider.

use sqlx::Row as _;

use super::{Employee, EmployeeInput};
use crate::auth::{password, Role};
use crate::db::{self, Db, Row, Tx};
use crate::ids::{EmployeeId, ProviderId, ProviderSiteId};
use crate::text;

const SELECT_EMPLOYEE: &str = "SELECT e.id, e.first_name, e.last_name, e.email, e.title, e.phone, \
     e.role, e.home_site_id, COALESCE(s.name, '') AS home_site_name, e.active, e.version \
     FROM employees e LEFT JOIN provider_sites s ON s.id = e.home_site_id \
     WHERE e.provider_id = $1";

fn from_row(row: &Row) -> Result<Employee, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(Employee {
        id: EmployeeId(row.try_get("id")?),
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        email: row.try_get("email")?,
        title: row.try_get("title")?,
        phone: row.try_get("phone")?,
        role: Role::parse(&role).unwrap_or(Role::Staff),
        home_site_id: row
            .try_get::<Option<i64>, _>("home_site_id")?
            .map(ProviderSiteId),
        home_site_name: row.try_get("home_site_name")?,
        active: row.try_get::<i64, _>("active")? != 0,
        version: row.try_get("version")?,
    })
}

/// Lists every employee of the provider, active ones first, then by name.
pub async fn list(db: &Db, provider_id: ProviderId) -> Result<Vec<Employee>, sqlx::Error> {
    let sql = format!("{SELECT_EMPLOYEE} ORDER BY e.active DESC, e.last_name, e.first_name, e.id");
    let rows = sqlx::query(&sql)
        .bind(provider_id.0)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn find(
    db: &Db,
    provider_id: ProviderId,
    employee_id: EmployeeId,
) -> Result<Option<Employee>, sqlx::Error> {
    let sql = format!("{SELECT_EMPLOYEE} AND e.id = $2");
    let row = sqlx::query(&sql)
        .bind(provider_id.0)
        .bind(employee_id.0)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// An employee for a drop-down.
#[derive(Clone, Debug)]
pub struct EmployeeOption {
    pub id: EmployeeId,
    pub name: String,
    pub email: String,
    pub active: bool,
}

async fn options(
    db: &Db,
    provider_id: ProviderId,
    only_active: bool,
) -> Result<Vec<EmployeeOption>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, first_name, last_name, email, active FROM employees \
         WHERE provider_id = $1 AND (active = 1 OR $2 = 0) \
         ORDER BY last_name, first_name, id",
    )
    .bind(provider_id.0)
    .bind(i64::from(only_active))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let first: String = row.try_get("first_name")?;
            let last: String = row.try_get("last_name")?;
            Ok(EmployeeOption {
                id: EmployeeId(row.try_get("id")?),
                name: format!("{first} {last}"),
                email: row.try_get("email")?,
                active: row.try_get::<i64, _>("active")? != 0,
            })
        })
        .collect()
}

/// Active employees, the only ones offered as representatives or account managers.
pub async fn active_options(
    db: &Db,
    provider_id: ProviderId,
) -> Result<Vec<EmployeeOption>, sqlx::Error> {
    options(db, provider_id, true).await
}

/// Lists every employee, inactive ones included, for filters over past assignments.
pub async fn all_options(
    db: &Db,
    provider_id: ProviderId,
) -> Result<Vec<EmployeeOption>, sqlx::Error> {
    options(db, provider_id, false).await
}

pub async fn is_active_employee(
    db: &Db,
    provider_id: ProviderId,
    employee_id: EmployeeId,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT 1 AS found FROM employees WHERE provider_id = $1 AND id = $2 AND active = 1",
    )
    .bind(provider_id.0)
    .bind(employee_id.0)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// "First Last" of an employee of the provider, or an empty string for an unknown id.
pub async fn display_name(
    db: &Db,
    provider_id: ProviderId,
    employee_id: EmployeeId,
) -> Result<String, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    name_query(provider_id, employee_id)
        .fetch_optional(&mut *conn)
        .await
        .map(name_of)
}

/// [`display_name`] inside a transaction.
pub async fn display_name_in(
    tx: &mut Tx,
    provider_id: ProviderId,
    employee_id: EmployeeId,
) -> Result<String, sqlx::Error> {
    name_query(provider_id, employee_id)
        .fetch_optional(&mut **tx)
        .await
        .map(name_of)
}

fn name_query(
    provider_id: ProviderId,
    employee_id: EmployeeId,
) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments<'static>> {
    sqlx::query("SELECT first_name, last_name FROM employees WHERE provider_id = $1 AND id = $2")
        .bind(provider_id.0)
        .bind(employee_id.0)
}

fn name_of(row: Option<Row>) -> String {
    row.map(|row| {
        let first: String = row.try_get("first_name").unwrap_or_default();
        let last: String = row.try_get("last_name").unwrap_or_default();
        format!("{first} {last}")
    })
    .unwrap_or_default()
}

/// A reason an employee could not be saved, beyond the form's own checks.
#[derive(Debug)]
pub enum SaveError {
    DuplicateEmail,
    Conflict,
    Database(sqlx::Error),
    Hashing(anyhow::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(error: sqlx::Error) -> Self {
        if db::is_unique_violation(&error, "employees_email", "email_key") {
            SaveError::DuplicateEmail
        } else {
            SaveError::Database(error)
        }
    }
}

pub async fn insert(
    tx: &mut Tx,
    provider_id: ProviderId,
    input: &EmployeeInput,
) -> Result<EmployeeId, SaveError> {
    let password_hash = match &input.password {
        Some(password) => Some(password::hash(password).map_err(SaveError::Hashing)?),
        None => None,
    };
    let now = db::now();
    let row = sqlx::query(
        "INSERT INTO employees (provider_id, first_name, last_name, email, email_key, title, phone, \
         role, home_site_id, active, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $11) RETURNING id",
    )
    .bind(provider_id.0)
    .bind(&input.first_name)
    .bind(&input.last_name)
    .bind(&input.email)
    .bind(text::email_key(&input.email))
    .bind(&input.title)
    .bind(&input.phone)
    .bind(input.role.as_str())
    .bind(input.home_site_id.map(|id| id.0))
    .bind(password_hash)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(EmployeeId(row.try_get("id")?))
}

/// Saves an employee if still at `version`; a `None` password keeps the current one.
pub async fn update(
    tx: &mut Tx,
    provider_id: ProviderId,
    employee_id: EmployeeId,
    version: i64,
    input: &EmployeeInput,
) -> Result<(), SaveError> {
    let password_hash = match &input.password {
        Some(password) => Some(password::hash(password).map_err(SaveError::Hashing)?),
        None => None,
    };
    let result = sqlx::query(
        "UPDATE employees SET first_name = $1, last_name = $2, email = $3, email_key = $4, \
         title = $5, phone = $6, role = $7, home_site_id = $8, \
         password_hash = COALESCE($9, password_hash), updated_at = $10, version = version + 1 \
         WHERE provider_id = $11 AND id = $12 AND version = $13",
    )
    .bind(&input.first_name)
    .bind(&input.last_name)
    .bind(&input.email)
    .bind(text::email_key(&input.email))
    .bind(&input.title)
    .bind(&input.phone)
    .bind(input.role.as_str())
    .bind(input.home_site_id.map(|id| id.0))
    .bind(password_hash)
    .bind(db::now())
    .bind(provider_id.0)
    .bind(employee_id.0)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(SaveError::Conflict);
    }
    Ok(())
}

/// Marks an employee active or inactive.
pub async fn set_active(
    tx: &mut Tx,
    provider_id: ProviderId,
    employee_id: EmployeeId,
    active: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE employees SET active = $1, updated_at = $2, version = version + 1 \
         WHERE provider_id = $3 AND id = $4",
    )
    .bind(i64::from(active))
    .bind(db::now())
    .bind(provider_id.0)
    .bind(employee_id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Counts the provider's active administrators, so the last one cannot be removed.
pub async fn active_administrators(
    tx: &mut Tx,
    provider_id: ProviderId,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COUNT(*) AS administrators FROM employees \
         WHERE provider_id = $1 AND active = 1 AND role = 'administrator'",
    )
    .bind(provider_id.0)
    .fetch_one(&mut **tx)
    .await?
    .try_get("administrators")
}

/// Checks whether a site id belongs to the provider, for validating the home site.
pub async fn site_belongs(
    db: &Db,
    provider_id: ProviderId,
    site_id: ProviderSiteId,
) -> Result<bool, sqlx::Error> {
    let row =
        sqlx::query("SELECT 1 AS found FROM provider_sites WHERE provider_id = $1 AND id = $2")
            .bind(provider_id.0)
            .bind(site_id.0)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.is_some())
}
