//! The Client Manager benchmark.

use clap::Args;

use crate::config::Config;
use crate::db::Db;

/// Arguments of `calserve bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {}

pub async fn run_cli(_db: &Db, _config: &Config, _args: BenchArgs) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}
