//! SERVICE > Manage Clients: the Client Manager, the provider's list of client accounts with
//! folders, search, filters, sorting, paging and export.
//!
//! The whole state of the page is in its address (see [`view`]), so a view can be bookmarked,
//! shared and exported as shown. [`query`] turns a view into SQL for both databases.

mod export;
pub mod query;
mod routes;
pub mod view;

pub use export::{HEADINGS as EXPORT_HEADINGS, SHEET_NAME as EXPORT_SHEET_NAME};
pub use routes::routes;
