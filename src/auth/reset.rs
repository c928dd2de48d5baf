//! `calserve reset-password`: a new password for an employee from the command line, for an
//! administrator who is locked out or has forgotten theirs.

use anyhow::{bail, Context};
use clap::Args;
use sqlx::Row as _;

use super::password;
use crate::audit::{self, Actor, Change, Entity};
use crate::db::{self, Db};
use crate::ids::ProviderId;
use crate::text;

/// Arguments of `calserve reset-password`.
#[derive(Debug, Args)]
pub struct ResetPasswordArgs {
    /// The employee's login email.
    #[arg(long)]
    pub email: String,
    /// The new password (at least 10 characters); read from the environment so it stays out of
    /// the shell history.
    #[arg(long, env = "CALSERVE_NEW_PASSWORD", hide_env_values = true)]
    pub password: String,
}

/// Sets the password, clears the account's failed sign-ins and ends its sessions.
pub async fn run_cli(db: &Db, args: ResetPasswordArgs) -> anyhow::Result<()> {
    if let Some(problem) = password::problem(&args.password) {
        bail!("the new password is invalid: {problem}");
    }
    let email_key = text::email_key(&args.email);
    let hash = password::hash(&args.password)?;

    let mut tx = db.begin().await?;
    let row = sqlx::query("SELECT id, provider_id FROM employees WHERE email_key = $1")
        .bind(&email_key)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else {
        bail!(
            "no employee signs in with {}; check the address",
            args.email.trim()
        );
    };
    let employee_id: i64 = row.try_get("id")?;
    let provider_id = ProviderId(row.try_get("provider_id")?);

    sqlx::query("UPDATE employees SET password_hash = $1, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(hash)
        .bind(db::now())
        .bind(employee_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sign_in_attempts WHERE email_key = $1")
        .bind(&email_key)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE employee_id = $1")
        .bind(employee_id)
        .execute(&mut *tx)
        .await?;
    let change = [Change {
        field: "Password".to_owned(),
        before: String::new(),
        after: "reset".to_owned(),
    }];
    audit::record(
        &mut tx,
        provider_id,
        Entity::Employee,
        employee_id,
        "password reset",
        &Actor::System("reset-password command"),
        &change,
    )
    .await?;
    tx.commit()
        .await
        .context("saving the new password failed")?;

    tracing::info!(employee_id, provider_id = %provider_id, "password reset from the command line");
    println!("The password of {} was reset; earlier failed sign-ins were cleared and their sessions ended.", args.email.trim());
    Ok(())
}
