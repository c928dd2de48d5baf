//! The database layer: one connection pool and one set of queries for SQLite and PostgreSQL.
//!
//! Queries go through sqlx's `Any` driver with `$1`-style placeholders, which both SQLite and
//! PostgreSQL accept, so every query is written once. Column types are the portable subset:
//! `BIGINT` and `TEXT`; flags are `BIGINT` 0 or 1 because the `Any` driver cannot read SQLite
//! booleans, and timestamps are RFC 3339 text in UTC (see [`now`]). The only
//! differences between the two databases are the migration trees (the id column syntax) and the
//! connection set-up in this module.

pub mod list_query;

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};

pub use list_query::ListQuery;

/// A transaction on either database.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;
/// A row from either database.
pub type Row = AnyRow;

/// The kind of database the pool is connected to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The application's database: a pool plus which backend it is.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Db {
    /// Opens a pool and runs every pending migration.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };

        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                // SQLite allows one writer at a time; a few readers beside it are plenty.
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10));
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // Memory-mapped reads and a 32 MiB page cache per connection keep the
                    // manager pages' index scans off the read() path. Both are upper bounds,
                    // which SQLite fills only as the database is read.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                         PRAGMA mmap_size = 268435456; PRAGMA cache_size = -32768;",
                    )
                    .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options,
        };
        let pool = options.connect(url).await?;

        let db = Db { pool, backend };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        self.pool.begin().await
    }

    /// Checks that the database responds to a trivial query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// Returns the current time as stored in the database: RFC 3339 in UTC with whole seconds.
pub fn now() -> String {
    format_timestamp(chrono::Utc::now())
}

pub fn format_timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Checks whether an error is a unique-constraint violation of `index`, whose last column is `column`, so
/// the caller can turn it into a field error.
pub fn is_unique_violation(error: &sqlx::Error, index: &str, column: &str) -> bool {
    let sqlx::Error::Database(db_error) = error else {
        return false;
    };
    if !db_error.is_unique_violation() {
        return false;
    }
    // PostgreSQL reports the index name; SQLite reports only "table.column, …" in its message.
    match db_error.constraint() {
        Some(name) => name == index,
        None => db_error.message().contains(column),
    }
}

/// Hides the password in a database URL, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    let user = credentials.split(':').next().unwrap_or_default();
    format!("{scheme}://{user}:***@{host}")
}
