//! First-run setup: a provider with its first site and first administrator, from the browser
//! when the database is empty, or from the `setup` command for scripted installs.

mod routes;

pub use routes::routes;

use anyhow::{bail, Context};
use clap::Args;
use serde::Deserialize;
use sqlx::Row as _;

use crate::audit::{self, Actor, Entity};
use crate::auth::Role;
use crate::db::{self, Db};
use crate::employees::{self, EmployeeForm};
use crate::ids::{EmployeeId, ProviderId, ProviderSiteId};
use crate::provider_sites::SiteForm;
use crate::text::clean;
use crate::web::FieldErrors;

/// Checks whether at least one provider exists.
pub async fn is_done(db: &Db) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT COUNT(*) AS providers FROM providers")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get::<i64, _>("providers")? > 0)
}

/// The setup form's fields, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SetupForm {
    pub company_name: String,
    pub site_name: String,
    pub site_code: String,
    pub time_zone: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password: String,
}

/// The ids of the records setup created.
#[derive(Clone, Copy, Debug)]
pub struct Created {
    pub provider_id: ProviderId,
    pub site_id: ProviderSiteId,
    pub administrator_id: EmployeeId,
}

/// Validates the form and creates provider, site and administrator in one transaction. Field
/// errors use the form's field names.
pub async fn create_provider(
    db: &Db,
    form: &SetupForm,
) -> anyhow::Result<Result<Created, FieldErrors>> {
    let mut errors = FieldErrors::default();
    let company_name = clean(&form.company_name);
    errors.check_text("company_name", &company_name, true, 200);

    let site_form = SiteForm {
        name: form.site_name.clone(),
        code: form.site_code.clone(),
        time_zone: form.time_zone.clone(),
        ..Default::default()
    };
    let site = site_form.validate().map_err(|site_errors| {
        for (field, message) in site_errors.fields() {
            let name = match field.as_str() {
                "name" => "site_name",
                "code" => "site_code",
                other => other,
            };
            errors.add(name, message.clone());
        }
    });

    let employee_form = EmployeeForm {
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        email: form.email.clone(),
        role: Role::Administrator.as_str().to_owned(),
        password: form.password.clone(),
        ..Default::default()
    };
    let administrator = employee_form.validate(true).map_err(|employee_errors| {
        for (field, message) in employee_errors.fields() {
            errors.add(field, message.clone());
        }
    });

    let (Ok(site), Ok(mut administrator)) = (site, administrator) else {
        return Ok(Err(errors));
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }

    let mut tx = db.begin().await?;
    let provider_id: i64 =
        sqlx::query("INSERT INTO providers (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(&company_name)
            .bind(db::now())
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
    let provider_id = ProviderId(provider_id);

    let site_id = match crate::provider_sites::insert(&mut tx, provider_id, &site).await {
        Ok(id) => id,
        Err(error) => bail!("creating the first site failed: {error:?}"),
    };
    administrator.home_site_id = Some(site_id);
    let administrator_id = match employees::insert(&mut tx, provider_id, &administrator).await {
        Ok(id) => id,
        Err(employees::SaveError::DuplicateEmail) => {
            errors.add(
                "email",
                "This email already signs in to calserve. Use another address.",
            );
            return Ok(Err(errors));
        }
        Err(error) => bail!("creating the administrator failed: {error:?}"),
    };

    let actor = Actor::System("setup");
    audit::record(
        &mut tx,
        provider_id,
        Entity::ProviderSite,
        site_id.0,
        "created",
        &actor,
        &[],
    )
    .await?;
    audit::record(
        &mut tx,
        provider_id,
        Entity::Employee,
        administrator_id.0,
        "created",
        &actor,
        &[],
    )
    .await?;
    tx.commit()
        .await
        .context("saving the new provider failed")?;

    tracing::info!(provider_id = %provider_id, site_id = %site_id, administrator_id = %administrator_id, "provider set up");
    Ok(Ok(Created {
        provider_id,
        site_id,
        administrator_id,
    }))
}

/// Arguments of `calserve setup`.
#[derive(Debug, Args)]
pub struct SetupArgs {
    /// The provider company's name.
    #[arg(long)]
    pub company: String,
    /// Name of the first provider site.
    #[arg(long, default_value = "Main Lab")]
    pub site_name: String,
    /// Short code of the first provider site.
    #[arg(long, default_value = "MAIN")]
    pub site_code: String,
    /// IANA time zone of the first site, for example America/Chicago.
    #[arg(long, default_value = "America/Chicago")]
    pub time_zone: String,
    /// The first administrator's first name.
    #[arg(long)]
    pub admin_first_name: String,
    /// The first administrator's last name.
    #[arg(long)]
    pub admin_last_name: String,
    /// The first administrator's login email.
    #[arg(long)]
    pub admin_email: String,
    /// The first administrator's password (at least 10 characters); read from the environment so
    /// it stays out of the shell history.
    #[arg(long, env = "CALSERVE_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: String,
    /// Create the provider even when one with the same name exists, as when two companies of
    /// that name share a deployment.
    #[arg(long)]
    pub allow_duplicate_name: bool,
}

/// Runs `calserve setup`. A second run with the same company name is refused, so a repeated
/// install script does not create the provider twice.
pub async fn run_cli(db: &Db, args: SetupArgs) -> anyhow::Result<()> {
    let same_name: i64 =
        sqlx::query("SELECT COUNT(*) AS providers FROM providers WHERE LOWER(name) = LOWER($1)")
            .bind(clean(&args.company))
            .fetch_one(&db.pool)
            .await?
            .try_get("providers")?;
    if same_name > 0 && !args.allow_duplicate_name {
        bail!(
            "a provider named {:?} exists already; pass --allow-duplicate-name to create another",
            clean(&args.company)
        );
    }

    let form = SetupForm {
        company_name: args.company,
        site_name: args.site_name,
        site_code: args.site_code,
        time_zone: args.time_zone,
        first_name: args.admin_first_name,
        last_name: args.admin_last_name,
        email: args.admin_email,
        password: args.admin_password,
    };
    match create_provider(db, &form).await? {
        Ok(created) => {
            println!(
                "Created provider {} with site {} and administrator {}.",
                created.provider_id, created.site_id, form.email
            );
            Ok(())
        }
        Err(errors) => {
            let lines: Vec<String> = errors
                .fields()
                .map(|(field, message)| format!("  {}: {message}", flag_name(field)))
                .collect();
            bail!("setup input is invalid:\n{}", lines.join("\n"))
        }
    }
}

fn flag_name(field: &str) -> &str {
    match field {
        "company_name" => "--company",
        "site_name" => "--site-name",
        "site_code" => "--site-code",
        "time_zone" => "--time-zone",
        "first_name" => "--admin-first-name",
        "last_name" => "--admin-last-name",
        "email" => "--admin-email",
        "password" => "--admin-password (CALSERVE_ADMIN_PASSWORD)",
        other => other,
    }
}
