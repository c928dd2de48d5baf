//! The Client Manager's export of a view to CSV and XLSX: every row of the view, with more
//! columns than the page shows.
//!
//! Stickers stay out of the export on purpose. They are the provider's internal notes about a
//! client, and an exported file leaves the application: it is mailed, shared and sometimes sent
//! to the client itself, where nothing marks a column as internal.

use super::query::ClientRow;
use crate::representatives::Source;
use crate::web::export::Table;

/// The column headings of both formats.
pub const HEADINGS: [&str; 19] = [
    "Account number",
    "Company name",
    "Status",
    "Custom name",
    "Legacy id",
    "Domain",
    "HQ city",
    "HQ state",
    "HQ country",
    "Primary contact",
    "Contact email",
    "Contact phone",
    "Serving site",
    "Account representative",
    "Representative email",
    "Representative provenance",
    "Account manager",
    "Last update (UTC)",
    "Assets",
];

/// The name of the worksheet in the XLSX export.
pub const SHEET_NAME: &str = "Clients";

/// Names where the representative comes from, in the words of the export.
fn provenance(source: Source) -> &'static str {
    match source {
        Source::ClientSpecific => "client-specific",
        Source::SiteDefault => "site default",
        Source::None => "none",
    }
}

/// Formats the cells of one client, in the order of [`HEADINGS`].
fn cells(row: &ClientRow) -> [String; 19] {
    let rep = &row.representative;
    [
        row.account_number.clone(),
        row.name.clone(),
        row.status.label().to_owned(),
        row.custom_name.clone(),
        row.legacy_id.clone(),
        row.domain.clone(),
        row.hq_city.clone(),
        row.hq_state.clone(),
        row.hq_country.clone(),
        row.contact_name(),
        row.contact_email.clone(),
        row.contact_phone.clone(),
        rep.site_name.clone(),
        rep.name.clone(),
        rep.email.clone(),
        provenance(rep.source).to_owned(),
        row.account_manager.clone(),
        row.updated_at.clone(),
        row.asset_count.to_string(),
    ]
}

/// The rows of a view as a table with [`HEADINGS`].
pub fn table(rows: &[ClientRow]) -> Table {
    Table {
        headings: HEADINGS.to_vec(),
        rows: rows.iter().map(|row| cells(row).to_vec()).collect(),
    }
}
