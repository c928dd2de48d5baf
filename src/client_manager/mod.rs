//! SERVICE > Manage Clients: the Client Manager, the provider's list of client accounts with
//! folders by status and by asset service dates, search, filters, sorting, paging, asset counts,
//! sticker marks and export.
//!
//! The whole state of the page is in its address (see [`view`]), so a view can be bookmarked,
//! shared and exported as shown. [`query`] turns a view into SQL for both databases, and
//! [`counts`] counts the clients of every folder.

pub mod counts;
mod export;
pub mod marks;
pub mod query;
mod routes;
pub mod view;

pub use export::{HEADINGS as EXPORT_HEADINGS, SHEET_NAME as EXPORT_SHEET_NAME};
pub use routes::routes;
