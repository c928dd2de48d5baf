//! Assets as stored, the asset form and its validation.

use chrono::{Months, NaiveDate};
use serde::Deserialize;

use crate::ids::{AssetId, ClientSiteId};
use crate::text::{self, clean};
use crate::web::forms::parse_optional_number;
use crate::web::FieldErrors;

/// Qualer's asset statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssetStatus {
    New,
    Active,
    Inactive,
    Failed,
    Retired,
}

impl AssetStatus {
    pub const ALL: [AssetStatus; 5] = [
        AssetStatus::New,
        AssetStatus::Active,
        AssetStatus::Inactive,
        AssetStatus::Failed,
        AssetStatus::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssetStatus::New => "New",
            AssetStatus::Active => "Active",
            AssetStatus::Inactive => "Inactive",
            AssetStatus::Failed => "Failed",
            AssetStatus::Retired => "Retired",
        }
    }

    pub fn parse(value: &str) -> Option<AssetStatus> {
        AssetStatus::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(value.trim()))
    }
}

/// An asset as listed and edited.
#[derive(Clone, Debug)]
pub struct Asset {
    pub id: AssetId,
    pub site_id: Option<ClientSiteId>,
    pub site_name: String,
    pub name: String,
    pub description: String,
    pub manufacturer: String,
    pub model: String,
    pub serial_number: String,
    pub asset_tag: String,
    pub equipment_id: String,
    pub barcode: String,
    pub status: AssetStatus,
    pub service_interval_months: Option<i64>,
    pub last_service_date: Option<String>,
    pub next_service_date: Option<String>,
    pub version: i64,
    pub updated_at: String,
}

impl Asset {
    pub fn interval_label(&self) -> String {
        interval_label(self.service_interval_months)
    }

    /// Checks whether the next service date is before `today` (YYYY-MM-DD).
    pub fn is_past_due(&self, today: &str) -> bool {
        self.next_service_date
            .as_deref()
            .is_some_and(|next| next < today)
    }
}

/// "12 months", or empty when no interval is set.
pub fn interval_label(months: Option<i64>) -> String {
    match months {
        Some(1) => "1 month".to_owned(),
        Some(months) => format!("{months} months"),
        None => String::new(),
    }
}

/// The asset form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssetForm {
    pub site_id: String,
    pub name: String,
    pub description: String,
    pub manufacturer: String,
    pub model: String,
    pub serial_number: String,
    pub asset_tag: String,
    pub equipment_id: String,
    pub barcode: String,
    pub status: String,
    pub service_interval_months: String,
    pub last_service_date: String,
    pub next_service_date: String,
    pub version: String,
}

/// An asset form that passed validation. Whether the site belongs to the client is checked by
/// the caller against the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetInput {
    pub site_id: Option<ClientSiteId>,
    pub name: String,
    pub description: String,
    pub manufacturer: String,
    pub model: String,
    pub serial_number: String,
    pub asset_tag: String,
    pub equipment_id: String,
    pub barcode: String,
    pub status: AssetStatus,
    pub service_interval_months: Option<i64>,
    pub last_service_date: Option<NaiveDate>,
    pub next_service_date: Option<NaiveDate>,
}

/// Maximum service interval accepted: 10 years.
const MAX_INTERVAL_MONTHS: i64 = 120;

impl AssetForm {
    pub fn from_asset(asset: &Asset) -> AssetForm {
        AssetForm {
            site_id: asset.site_id.map(|id| id.to_string()).unwrap_or_default(),
            name: asset.name.clone(),
            description: asset.description.clone(),
            manufacturer: asset.manufacturer.clone(),
            model: asset.model.clone(),
            serial_number: asset.serial_number.clone(),
            asset_tag: asset.asset_tag.clone(),
            equipment_id: asset.equipment_id.clone(),
            barcode: asset.barcode.clone(),
            status: asset.status.as_str().to_owned(),
            service_interval_months: asset
                .service_interval_months
                .map(|m| m.to_string())
                .unwrap_or_default(),
            last_service_date: asset.last_service_date.clone().unwrap_or_default(),
            next_service_date: asset.next_service_date.clone().unwrap_or_default(),
            version: asset.version.to_string(),
        }
    }

    pub fn validate(&self) -> Result<AssetInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = clean(&self.name);
        errors.check_text("name", &name, true, 200);
        let description = self.description.trim().to_owned();
        errors.check_text("description", &description, false, 2000);

        let mut short = |field: &str, value: &str, max: usize| {
            let value = clean(value);
            errors.check_text(field, &value, false, max);
            value
        };
        let manufacturer = short("manufacturer", &self.manufacturer, 100);
        let model = short("model", &self.model, 100);
        let serial_number = short("serial_number", &self.serial_number, 100);
        let asset_tag = short("asset_tag", &self.asset_tag, 100);
        let equipment_id = short("equipment_id", &self.equipment_id, 100);
        let barcode = short("barcode", &self.barcode, 100);

        let status = if self.status.trim().is_empty() {
            Some(AssetStatus::Active)
        } else {
            AssetStatus::parse(&self.status)
        };
        if status.is_none() {
            errors.add("status", "Choose New, Active, Inactive, Failed or Retired.");
        }

        let site_id = match parse_optional_number(&self.site_id) {
            Ok(id) => id.map(ClientSiteId),
            Err(_) => {
                errors.add("site_id", "Choose a site from the list.");
                None
            }
        };
        let service_interval_months = match parse_optional_number(&self.service_interval_months) {
            Ok(Some(months)) if months > MAX_INTERVAL_MONTHS => {
                errors.add(
                    "service_interval_months",
                    format!("Use at most {MAX_INTERVAL_MONTHS} months."),
                );
                None
            }
            Ok(months) => months,
            Err(_) => {
                errors.add(
                    "service_interval_months",
                    "Enter the interval as a whole number of months, or leave it empty.",
                );
                None
            }
        };
        let last_service_date =
            parse_date(&self.last_service_date, "last_service_date", &mut errors);
        let mut next_service_date =
            parse_date(&self.next_service_date, "next_service_date", &mut errors);

        if let (Some(last), Some(next)) = (last_service_date, next_service_date) {
            if next < last {
                errors.add(
                    "next_service_date",
                    "The next service date cannot be before the last service date.",
                );
            }
        }
        // With a last service date and an interval, the next date follows unless typed.
        if next_service_date.is_none() && self.next_service_date.trim().is_empty() {
            if let (Some(last), Some(months)) = (last_service_date, service_interval_months) {
                next_service_date = last.checked_add_months(Months::new(months as u32));
            }
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AssetInput {
            site_id,
            name,
            description,
            manufacturer,
            model,
            serial_number,
            asset_tag,
            equipment_id,
            barcode,
            status: status.unwrap_or(AssetStatus::Active),
            service_interval_months,
            last_service_date,
            next_service_date,
        })
    }
}

fn parse_date(value: &str, field: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(date) if (1900..=2200).contains(&chrono::Datelike::year(&date)) => Some(date),
        _ => {
            errors.add(field, "Enter a date as YYYY-MM-DD, for example 2026-03-31.");
            None
        }
    }
}

/// Builds the folded text the Assets tab searches: name, serial number, asset tag, equipment
/// id, manufacturer and model.
pub fn search_text(input: &AssetInput) -> String {
    [
        input.name.as_str(),
        input.serial_number.as_str(),
        input.asset_tag.as_str(),
        input.equipment_id.as_str(),
        input.manufacturer.as_str(),
        input.model.as_str(),
    ]
    .iter()
    .map(|part| text::fold(part))
    .collect::<Vec<_>>()
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AssetForm {
        AssetForm {
            name: "Torque wrench".into(),
            status: "Active".into(),
            ..Default::default()
        }
    }

    #[test]
    fn next_date_follows_last_plus_interval() {
        let mut form = form();
        form.last_service_date = "2026-01-31".into();
        form.service_interval_months = "12".into();
        let input = form.validate().unwrap();
        assert_eq!(
            input.next_service_date,
            NaiveDate::from_ymd_opt(2027, 1, 31)
        );
    }

    #[test]
    fn rejects_dates_out_of_order_and_bad_values() {
        let mut form = form();
        form.last_service_date = "2026-05-01".into();
        form.next_service_date = "2026-04-01".into();
        form.service_interval_months = "-3".into();
        form.status = "Lost".into();
        let errors = form.validate().unwrap_err();
        assert!(errors.has("next_service_date"));
        assert!(errors.has("service_interval_months"));
        assert!(errors.has("status"));
    }

    #[test]
    fn rejects_malformed_dates() {
        let mut form = form();
        form.last_service_date = "31/01/2026".into();
        assert!(form.validate().unwrap_err().has("last_service_date"));
    }
}
