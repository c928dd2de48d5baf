//! Integration tests: the real calserve server over HTTP, every test on SQLite and PostgreSQL.
//!
//! PostgreSQL must accept connections on 127.0.0.1:5432 (or at `CALSERVE_TEST_POSTGRES_URL`); each test
//! creates its own database there and drops it afterwards. `scripts/test.sh` starts PostgreSQL
//! when needed. Set `CALSERVE_TEST_LOG=debug` to see the server's logs.

#[macro_use]
mod support;

mod assets;
mod browser;
mod client_lists;
mod client_manager;
mod client_sites;
mod clients;
mod employees;
mod import_demo;
mod operations;
mod provider_sites;
mod representatives;
mod security;
mod setup_auth;
mod stickers;
