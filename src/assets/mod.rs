//! The Assets tab: a client's instruments with search, filters, sorting, paging and export, and
//! the asset form.

mod export;
mod model;
mod queries;
mod routes;

pub use model::{Asset, AssetForm, AssetInput, AssetStatus};
pub use queries::{
    end_of_window, page_statements, today_at_home_site, today_in, AssetFilter, Due, Sort,
};
pub use routes::routes;
