//! Typed configuration, read once at start-up: built-in defaults, then a TOML file, then
//! environment variables, then command-line flags, each overriding the one before.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{bail, Context};
use serde::Deserialize;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines, for a terminal.
    Pretty,
    /// One JSON object per line, for a log collector.
    Json,
}

/// The settings every command runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    /// The address people open in a browser. An `https://` address makes session cookies `Secure`.
    pub public_url: Option<String>,
    pub log_format: LogFormat,
    pub log_filter: String,
    /// Failed sign-ins allowed per account within `sign_in_window_minutes` before it is locked.
    pub max_failed_sign_ins_per_account: i64,
    /// Failed sign-ins allowed per client address within the window.
    pub max_failed_sign_ins_per_address: i64,
    pub sign_in_window_minutes: i64,
    pub session_days: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://calserve.db?mode=rwc".to_owned(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            log_format: LogFormat::Pretty,
            log_filter: "info,sqlx=warn,tower_http=info".to_owned(),
            max_failed_sign_ins_per_account: 5,
            max_failed_sign_ins_per_address: 20,
            sign_in_window_minutes: 15,
            session_days: 14,
        }
    }
}

impl Config {
    /// Whether cookies must carry the `Secure` attribute because the app is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }

    /// Applies the settings of a TOML file over the defaults.
    pub fn apply_file(&mut self, path: &Path) -> anyhow::Result<()> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
        let file: FileConfig = toml::from_str(&text).with_context(|| {
            format!(
                "the configuration file {} is invalid; see docs/configuration.md for its keys",
                path.display()
            )
        })?;

        if let Some(value) = file.database_url {
            self.database_url = value;
        }
        if let Some(value) = file.bind {
            self.bind = parse_bind(&value)?;
        }
        if let Some(value) = file.public_url {
            self.public_url = Some(value);
        }
        if let Some(value) = file.log_format {
            self.log_format = value;
        }
        if let Some(value) = file.log_filter {
            self.log_filter = value;
        }
        if let Some(value) = file.max_failed_sign_ins_per_account {
            self.max_failed_sign_ins_per_account = value;
        }
        if let Some(value) = file.max_failed_sign_ins_per_address {
            self.max_failed_sign_ins_per_address = value;
        }
        if let Some(value) = file.sign_in_window_minutes {
            self.sign_in_window_minutes = value;
        }
        if let Some(value) = file.session_days {
            self.session_days = value;
        }
        Ok(())
    }

    /// Rejects settings that cannot work, with a message that says how to fix them.
    pub fn validate(&self) -> anyhow::Result<()> {
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            bail!(
                "database URL must start with sqlite:, postgres:// or postgresql://, got {:?}",
                crate::db::redact_url(&self.database_url)
            );
        }
        if let Some(url) = &self.public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!("public URL must start with http:// or https://, got {url:?}");
            }
        }
        for (name, value) in [
            (
                "max_failed_sign_ins_per_account",
                self.max_failed_sign_ins_per_account,
            ),
            (
                "max_failed_sign_ins_per_address",
                self.max_failed_sign_ins_per_address,
            ),
            ("sign_in_window_minutes", self.sign_in_window_minutes),
            ("session_days", self.session_days),
        ] {
            if value < 1 {
                bail!("{name} must be at least 1, got {value}");
            }
        }
        Ok(())
    }
}

/// Parses a listen address such as `127.0.0.1:8080`.
pub fn parse_bind(value: &str) -> anyhow::Result<SocketAddr> {
    value.parse().with_context(|| {
        format!(
            "listen address {value:?} is invalid; write it as IP:PORT, for example 127.0.0.1:8080"
        )
    })
}

/// The keys a configuration file may set; all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    bind: Option<String>,
    public_url: Option<String>,
    log_format: Option<LogFormat>,
    log_filter: Option<String>,
    max_failed_sign_ins_per_account: Option<i64>,
    max_failed_sign_ins_per_address: Option<i64>,
    sign_in_window_minutes: Option<i64>,
    session_days: Option<i64>,
}
