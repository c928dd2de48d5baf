//! The Assets tab's export of the current view to CSV and XLSX.

use axum::response::Response;

use super::model::Asset;
use crate::clients::Client;
use crate::error::AppResult;
use crate::web::export::{csv_download, xlsx_download, Table};

const HEADINGS: [&str; 14] = [
    "Asset id",
    "Name",
    "Site",
    "Manufacturer",
    "Model / part number",
    "Serial number",
    "Asset tag",
    "Equipment id",
    "Barcode",
    "Status",
    "Service interval (months)",
    "Last service",
    "Next service",
    "Description",
];

fn table(assets: &[Asset]) -> Table {
    let rows = assets
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.name.clone(),
                a.site_name.clone(),
                a.manufacturer.clone(),
                a.model.clone(),
                a.serial_number.clone(),
                a.asset_tag.clone(),
                a.equipment_id.clone(),
                a.barcode.clone(),
                a.status.as_str().to_owned(),
                a.service_interval_months
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                a.last_service_date.clone().unwrap_or_default(),
                a.next_service_date.clone().unwrap_or_default(),
                a.description.clone(),
            ]
        })
        .collect();
    Table {
        headings: HEADINGS.to_vec(),
        rows,
    }
}

/// The file name of an export, such as `assets-1042`.
fn file_stem(client: &Client) -> String {
    format!("assets-{}", client.account_number)
}

pub async fn csv(client: &Client, assets: &[Asset]) -> AppResult<Response> {
    csv_download(file_stem(client), table(assets)).await
}

pub async fn xlsx(client: &Client, assets: &[Asset]) -> AppResult<Response> {
    xlsx_download(file_stem(client), "Assets", table(assets)).await
}
