//! The demo provider and bulk data for benchmarks.

use clap::Args;

use crate::db::Db;

/// Arguments of `calserve demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {}

pub async fn run_cli(_db: &Db, _args: DemoArgs) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}
