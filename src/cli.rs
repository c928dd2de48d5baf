//! The command line: `serve`, `setup`, `import-clients`, `demo` and `reset-password`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::config::{self, Config, LogFormat};
use crate::db::Db;
use crate::AppState;

#[derive(Debug, Parser)]
#[command(
    name = "calserve",
    version,
    about = "Client accounts for calibration and inspection service providers"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Settings every command takes; each overrides the configuration file.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// TOML configuration file (keys as in docs/configuration.md).
    #[arg(long, env = "CALSERVE_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://FILE?mode=rwc (the default, calserve.db) or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Log format.
    #[arg(long, env = "CALSERVE_LOG_FORMAT", global = true, value_enum)]
    pub log_format: Option<LogFormat>,
    /// Log filter in tracing's syntax, for example "info,calserve=debug".
    #[arg(long, env = "CALSERVE_LOG", global = true)]
    pub log_filter: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server.
    Serve(ServeArgs),
    /// Create a provider with its first site and administrator (for scripted installs).
    Setup(crate::setup::SetupArgs),
    /// Import clients from a Qualer client export (CSV).
    ImportClients(crate::import::ImportArgs),
    /// Load a sample provider, or add bulk clients for benchmarks.
    Demo(crate::demo::DemoArgs),
    /// Set a new password for an employee, clearing a sign-in lock.
    ResetPassword(crate::auth::reset::ResetPasswordArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, as IP:PORT.
    #[arg(long, env = "CALSERVE_BIND")]
    pub bind: Option<String>,
    /// Address people open in a browser; an https:// address makes cookies Secure.
    #[arg(long, env = "CALSERVE_PUBLIC_URL")]
    pub public_url: Option<String>,
}

/// Runs a parsed command line and turns the outcome into the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let config = match load_config(&cli) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("calserve: {error:#}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("calserve: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "command failed");
            eprintln!("calserve: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = Config::default();
    if let Some(path) = &cli.global.config {
        config.apply_file(path)?;
    }
    if let Some(url) = &cli.global.database_url {
        config.database_url = url.clone();
    }
    if let Some(format) = cli.global.log_format {
        config.log_format = format;
    }
    if let Some(filter) = &cli.global.log_filter {
        config.log_filter = filter.clone();
    }
    if let Command::Serve(serve) = &cli.command {
        if let Some(bind) = &serve.bind {
            config.bind = config::parse_bind(bind)?;
        }
        if let Some(url) = &serve.public_url {
            config.public_url = Some(url.clone());
        }
    }
    config.validate()?;
    Ok(config)
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Pretty => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
    }
}

async fn dispatch(command: Command, config: Config) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url).await.with_context(|| {
        format!(
            "cannot open the database {}",
            crate::db::redact_url(&config.database_url)
        )
    })?;

    match command {
        Command::Serve(_) => serve(db, config).await,
        Command::Setup(args) => crate::setup::run_cli(&db, args).await,
        Command::ImportClients(args) => crate::import::run_cli(&db, args).await,
        Command::Demo(args) => crate::demo::run_cli(&db, args).await,
        Command::ResetPassword(args) => crate::auth::reset::run_cli(&db, args).await,
    }
}

async fn serve(db: Db, config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let address = listener.local_addr()?;
    let open_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"));

    tracing::info!(%address, database = %crate::db::redact_url(&config.database_url), "calserve started");
    println!("calserve is running: open {open_url} in a browser (Ctrl-C stops it)");

    let state = AppState {
        db,
        config: Arc::new(config),
    };
    crate::serve(listener, state).await?;
    tracing::info!("calserve stopped");
    Ok(())
}
