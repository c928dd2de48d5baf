//! Sessions stored in the database, so they survive restarts and work across app instances.
//!
//! The browser holds a random token; the database holds only its SHA-256 digest, so a copy of
//! the database does not let anyone sign in.

use axum::http::HeaderMap;
use axum_extra::extract::cookie::{Cookie, SameSite};
use sha2::{Digest, Sha256};
use sqlx::Row as _;

use super::{Role, Staff};
use crate::config::Config;
use crate::db::{self, Db};
use crate::ids::{EmployeeId, ProviderId};

pub const COOKIE: &str = "calserve_session";

/// Creates a session for an employee and returns the cookie to set.
pub async fn start(
    db: &Db,
    config: &Config,
    employee_id: EmployeeId,
    provider_id: ProviderId,
) -> Result<Cookie<'static>, sqlx::Error> {
    let token = super::random_token();
    let now = chrono::Utc::now();
    let expires = now + chrono::Duration::days(config.session_days);

    sqlx::query(
        "INSERT INTO sessions (token_hash, employee_id, provider_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(digest(&token))
    .bind(employee_id.0)
    .bind(provider_id.0)
    .bind(db::format_timestamp(now))
    .bind(db::format_timestamp(expires))
    .execute(&db.pool)
    .await?;

    Ok(Cookie::build((COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(config.secure_cookies())
        .max_age(time_days(config.session_days))
        .build())
}

fn time_days(days: i64) -> time::Duration {
    time::Duration::days(days)
}

/// Ends the session the token belongs to.
pub async fn end(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(digest(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Ends every session of an employee, for example when they are deactivated.
pub async fn end_all_for(tx: &mut db::Tx, employee_id: EmployeeId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE employee_id = $1")
        .bind(employee_id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The session token from the request's cookies.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    let jar = axum_extra::extract::CookieJar::from_headers(headers);
    jar.get(COOKIE).map(|cookie| cookie.value().to_owned())
}

/// The active employee a live session token belongs to.
pub async fn find_staff(db: &Db, token: &str) -> Result<Option<Staff>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT e.id, e.provider_id, e.first_name, e.last_name, e.role \
         FROM sessions s JOIN employees e ON e.id = s.employee_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND e.active = 1",
    )
    .bind(digest(token))
    .bind(db::now())
    .fetch_optional(&db.pool)
    .await?;

    let Some(row) = row else {
        return Ok(None);
    };
    let role: String = row.try_get("role")?;
    let first: String = row.try_get("first_name")?;
    let last: String = row.try_get("last_name")?;
    Ok(Some(Staff {
        employee_id: EmployeeId(row.try_get("id")?),
        provider_id: ProviderId(row.try_get("provider_id")?),
        name: format!("{first} {last}"),
        role: Role::parse(&role).unwrap_or(Role::Staff),
    }))
}

fn digest(token: &str) -> String {
    let hash = Sha256::digest(token.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}
