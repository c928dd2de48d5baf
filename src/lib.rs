//! calserve keeps a calibration or inspection service provider's client accounts.
//!
//! Layout: shared infrastructure (`config`, `db`, `auth`, `web`, `audit`, `text`) sits beside one
//! module per capability (`setup`, `provider_sites`, `employees`, `client_lists`,
//! `representatives`, `clients`, `client_manager`, `client_sites`, `assets`, `stickers`, `import`,
//! `demo`). Each capability module owns its routes, queries and templates; `app::router` merges
//! the routers in one place.

pub mod app;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod client_lists;
pub mod client_manager;
pub mod client_sites;
pub mod clients;
pub mod config;
pub mod currency;
pub mod db;
pub mod demo;
pub mod employees;
pub mod error;
pub mod ids;
pub mod import;
pub mod provider_sites;
pub mod representatives;
pub mod setup;
pub mod stickers;
pub mod text;
pub mod web;

pub use app::{router, serve, AppState};
pub use config::Config;
