//! Client sites: a client's locations, or any other grouping of its assets, each with billing
//! and shipping addresses that are either inherited from the headquarters or the site's own.

mod model;
mod queries;
mod routes;

pub use model::{
    effective_address, AddressSource, ClientSite, EffectiveAddress, SiteForm, SiteInput,
};
pub use queries::{count_assets, find, list, options, SiteOption};
pub use routes::routes;
