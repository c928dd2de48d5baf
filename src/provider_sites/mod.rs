//! ADMINISTRATION > Sites: the provider's own locations, each with its Default Client Account
//! Representative.

mod queries;
mod routes;

pub use queries::{find, insert, list, list_options, update, SaveError, SiteOption};
pub use routes::routes;

use std::str::FromStr;

use serde::Deserialize;

use crate::ids::{EmployeeId, ProviderSiteId};
use crate::text::clean;
use crate::web::forms::parse_optional_number;
use crate::web::FieldErrors;

/// A provider site as stored.
#[derive(Clone, Debug)]
pub struct ProviderSite {
    pub id: ProviderSiteId,
    pub name: String,
    pub code: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub time_zone: String,
    pub default_representative_id: Option<EmployeeId>,
    /// Name of the default representative, with "(inactive)" when they no longer count.
    pub default_representative_name: String,
    pub qualer_site_id: Option<i64>,
    pub client_count: i64,
    pub version: i64,
}

/// The site form as typed; every field is text so it can be shown back unchanged.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SiteForm {
    pub name: String,
    pub code: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub time_zone: String,
    pub default_representative_id: String,
    pub qualer_site_id: String,
    pub version: String,
}

/// A site form that passed validation.
#[derive(Clone, Debug)]
pub struct SiteInput {
    pub name: String,
    pub code: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub time_zone: String,
    pub default_representative_id: Option<EmployeeId>,
    pub qualer_site_id: Option<i64>,
}

impl SiteForm {
    pub fn from_site(site: &ProviderSite) -> SiteForm {
        SiteForm {
            name: site.name.clone(),
            code: site.code.clone(),
            address_line1: site.address_line1.clone(),
            address_line2: site.address_line2.clone(),
            city: site.city.clone(),
            state: site.state.clone(),
            postal_code: site.postal_code.clone(),
            country: site.country.clone(),
            phone: site.phone.clone(),
            time_zone: site.time_zone.clone(),
            default_representative_id: site
                .default_representative_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            qualer_site_id: site
                .qualer_site_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            version: site.version.to_string(),
        }
    }

    /// Checks the shape of every field. Whether the representative is an active employee of
    /// the provider is checked against the database by the caller.
    pub fn validate(&self) -> Result<SiteInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let input = SiteInput {
            name: clean(&self.name),
            code: self.code.trim().to_owned(),
            address_line1: clean(&self.address_line1),
            address_line2: clean(&self.address_line2),
            city: clean(&self.city),
            state: clean(&self.state),
            postal_code: clean(&self.postal_code),
            country: clean(&self.country),
            phone: clean(&self.phone),
            time_zone: self.time_zone.trim().to_owned(),
            default_representative_id: None,
            qualer_site_id: None,
        };

        errors.check_text("name", &input.name, true, 200);
        errors.check_text("code", &input.code, true, 20);
        if !input.code.is_empty()
            && !input
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.add("code", "Use letters, digits, '-' and '_' only.");
        }
        for (field, value) in [
            ("address_line1", &input.address_line1),
            ("address_line2", &input.address_line2),
            ("city", &input.city),
            ("state", &input.state),
            ("country", &input.country),
        ] {
            errors.check_text(field, value, false, 200);
        }
        errors.check_text("postal_code", &input.postal_code, false, 20);
        errors.check_text("phone", &input.phone, false, 50);
        if input.time_zone.is_empty() {
            errors.add("time_zone", "This field is required.");
        } else if chrono_tz::Tz::from_str(&input.time_zone).is_err() {
            errors.add(
                "time_zone",
                "Unknown time zone. Use an IANA name such as America/Chicago or Europe/Berlin.",
            );
        }

        let default_representative_id = parse_optional_number(&self.default_representative_id);
        if default_representative_id.is_err() {
            errors.add(
                "default_representative_id",
                "Choose an employee from the list.",
            );
        }
        let qualer_site_id = parse_optional_number(&self.qualer_site_id);
        if qualer_site_id.is_err() {
            errors.add(
                "qualer_site_id",
                "Enter the Qualer site id as a whole number, or leave it empty.",
            );
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SiteInput {
            default_representative_id: default_representative_id.unwrap_or(None).map(EmployeeId),
            qualer_site_id: qualer_site_id.unwrap_or(None),
            ..input
        })
    }
}

/// Common IANA time zones offered as suggestions in the time zone field; any IANA name is
/// accepted.
pub const SUGGESTED_TIME_ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Vancouver",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_form_rejects_bad_fields() {
        let form = SiteForm {
            name: " ".into(),
            code: "A B".into(),
            time_zone: "Mars/Olympus".into(),
            default_representative_id: "x".into(),
            ..Default::default()
        };
        let errors = form.validate().unwrap_err();
        assert!(errors.has("name"));
        assert!(errors.has("code"));
        assert!(errors.has("time_zone"));
        assert!(errors.has("default_representative_id"));
    }
}
