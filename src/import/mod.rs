//! Importing clients from a Qualer client export.

use clap::Args;

use crate::db::Db;

/// Arguments of `calserve import-clients`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file exported from Qualer.
    pub file: std::path::PathBuf,
}

pub async fn run_cli(_db: &Db, _args: ImportArgs) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}
