//! Limits on failed sign-ins, per account and per client address, kept in the database so that
//! every app instance sees the same counts.

use sqlx::Row as _;

use crate::config::Config;
use crate::db::{self, Db};

/// Whether another attempt for this email or from this address is allowed now.
pub async fn allows_attempt(
    db: &Db,
    config: &Config,
    email_key: &str,
    address: &str,
) -> Result<bool, sqlx::Error> {
    let since = window_start(config);

    let by_account = count_failures(db, "email_key", email_key, &since).await?;
    if by_account >= config.max_failed_sign_ins_per_account {
        tracing::warn!(
            failures = by_account,
            "sign-in refused: too many failures for one account"
        );
        return Ok(false);
    }

    let by_address = count_failures(db, "address", address, &since).await?;
    if by_address >= config.max_failed_sign_ins_per_address {
        tracing::warn!(failures = by_address, %address, "sign-in refused: too many failures from one address");
        return Ok(false);
    }
    Ok(true)
}

/// Records the outcome of an attempt. A success clears the account's earlier failures.
pub async fn record(
    db: &Db,
    email_key: &str,
    address: &str,
    succeeded: bool,
) -> Result<(), sqlx::Error> {
    if succeeded {
        sqlx::query("DELETE FROM sign_in_attempts WHERE email_key = $1")
            .bind(email_key)
            .execute(&db.pool)
            .await?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO sign_in_attempts (email_key, address, succeeded, attempted_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(email_key)
    .bind(address)
    .bind(0_i64)
    .bind(db::now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

async fn count_failures(
    db: &Db,
    column: &'static str,
    value: &str,
    since: &str,
) -> Result<i64, sqlx::Error> {
    // `column` is one of two fixed names above, never user input.
    let sql = format!(
        "SELECT COUNT(*) AS failures FROM sign_in_attempts \
         WHERE {column} = $1 AND succeeded = 0 AND attempted_at > $2"
    );
    let row = sqlx::query(&sql)
        .bind(value)
        .bind(since)
        .fetch_one(&db.pool)
        .await?;
    row.try_get("failures")
}

fn window_start(config: &Config) -> String {
    let start = chrono::Utc::now() - chrono::Duration::minutes(config.sign_in_window_minutes);
    db::format_timestamp(start)
}
