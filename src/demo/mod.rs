//! `calserve demo`: a sample provider to try calserve with, or bulk clients for benchmarks.
//!
//! Without `--bulk` the command creates Northwind Calibration: three sites in three time zones,
//! twelve employees and 200 generated clients (the same ones on every run). With `--bulk N` it
//! adds N generated clients to an existing provider using multi-row INSERT statements; timings
//! are in docs/import.md.

mod bulk;
mod data;
mod sample;

use anyhow::bail;
use clap::Args;

pub use bulk::{add_clients, BulkOutcome};
pub use sample::{ADMIN_EMAIL, PASSWORD, PROVIDER_NAME};

use crate::clients::ClientStatus;
use crate::db::Db;
use crate::ids::ProviderId;

/// Arguments of `calserve demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of clients the demo provider gets.
    #[arg(long, value_name = "N", default_value_t = 200, conflicts_with = "bulk")]
    pub clients: usize,
    /// Add N generated clients to an existing provider instead of creating the demo provider.
    #[arg(long, value_name = "N")]
    pub bulk: Option<usize>,
    /// Provider that receives the bulk clients (default: the demo provider).
    #[arg(long, value_name = "ID", requires = "bulk")]
    pub provider: Option<ProviderId>,
    /// Create the demo provider even though the database already holds another provider. Its
    /// administrator password is published, so use this only on a test database.
    #[arg(long, conflicts_with = "bulk")]
    pub alongside: bool,
}

/// Runs `calserve demo`.
pub async fn run_cli(db: &Db, args: DemoArgs) -> anyhow::Result<()> {
    match args.bulk {
        Some(count) => run_bulk(db, count, args.provider).await,
        None => run_sample(db, args.clients, args.alongside).await,
    }
}

async fn run_sample(db: &Db, client_count: usize, alongside: bool) -> anyhow::Result<()> {
    let other_provider = crate::setup::is_done(db).await? && sample::exists(db).await?.is_none();
    if other_provider && !alongside {
        anyhow::bail!(
            "this database already holds a provider; the demo provider's administrator password is \
             published, so load the demo into an empty database (for example \
             --database-url 'sqlite://demo.db?mode=rwc'), or pass --alongside on a test database"
        );
    }
    let started = std::time::Instant::now();
    let demo = sample::create(db, client_count).await?;
    tracing::info!(provider_id = %demo.provider_id, clients = demo.clients.total, "demo provider created");

    let clients = &demo.clients;
    println!(
        "Created the demo provider {PROVIDER_NAME} (id {}) in {:.1} s:",
        demo.provider_id,
        started.elapsed().as_secs_f64()
    );
    println!("  sites: {}", demo.sites.join(", "));
    println!(
        "  employees: {} administrators and {} staff",
        demo.administrators, demo.staff
    );
    let statuses: Vec<String> = ClientStatus::ALL
        .iter()
        .zip(clients.by_status)
        .map(|(status, count)| format!("{count} {}", status.label()))
        .collect();
    let countries: Vec<String> = clients
        .countries
        .iter()
        .map(|(code, count)| format!("{count} {code}"))
        .collect();
    println!(
        "  clients: {} ({}), in {}; {} with a client-specific representative, {} with an account \
         manager, {} shipping elsewhere than they bill",
        clients.total,
        statuses.join(", "),
        countries.join(", "),
        clients.client_specific_representative,
        clients.account_manager,
        clients.separate_shipping
    );
    println!();
    println!("Start the server with `calserve serve`, open it in a browser and sign in:");
    for (index, email) in demo.logins.iter().enumerate() {
        let role = if index == 0 { "administrator" } else { "staff" };
        println!("  {email:<32} password {PASSWORD}   ({role})");
    }
    println!("Add clients for benchmarks with `calserve demo --bulk 100000`.");
    Ok(())
}

async fn run_bulk(db: &Db, count: usize, provider: Option<ProviderId>) -> anyhow::Result<()> {
    if count == 0 {
        bail!("--bulk 0 adds nothing; give the number of clients to add, such as --bulk 100000");
    }
    let provider_id = match provider {
        Some(id) => {
            let known = crate::import::target::list_providers(db).await?;
            if !known.iter().any(|p| p.id == id) {
                bail!("provider {id} not found; run `calserve demo` first or pass the id of an existing provider");
            }
            id
        }
        None => match sample::exists(db).await? {
            Some(id) => id,
            None => bail!(
                "no demo provider to add clients to; run `calserve demo` first, or pass --provider ID"
            ),
        },
    };

    let outcome = add_clients(db, provider_id, count).await?;
    tracing::info!(provider_id = %provider_id, added = outcome.added, elapsed_ms = outcome.elapsed.as_millis() as u64, "bulk clients added");
    println!(
        "Added {} clients to provider {provider_id} in {:.1} s ({:.0} clients per second), \
         account numbers {} to {}.",
        outcome.added,
        outcome.elapsed.as_secs_f64(),
        outcome.added as f64 / outcome.elapsed.as_secs_f64().max(0.001),
        outcome.first_account_number,
        outcome.last_account_number
    );
    Ok(())
}
