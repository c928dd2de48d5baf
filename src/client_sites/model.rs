//! Client sites as stored, the site form and its validation, and the effective-address rule.

use std::str::FromStr;

use serde::Deserialize;

use crate::clients::{Address, Client};
use crate::ids::ClientSiteId;
use crate::text::clean;
use crate::web::FieldErrors;

/// A client site as stored.
#[derive(Clone, Debug)]
pub struct ClientSite {
    pub id: ClientSiteId,
    pub name: String,
    pub code: String,
    pub billing_inherited: bool,
    pub billing: Address,
    pub shipping_inherited: bool,
    pub shipping: Address,
    pub time_zone: String,
    pub federal_number: String,
    pub state_number: String,
    pub is_science_facility: bool,
    pub is_service_center: bool,
    pub is_inventory_storage: bool,
    pub is_production: bool,
    pub archived: bool,
    pub asset_count: i64,
    pub version: i64,
}

impl ClientSite {
    /// Returns the labels of the site-type flags that are set, for lists.
    pub fn kinds(&self) -> Vec<&'static str> {
        [
            (self.is_science_facility, "Science facility"),
            (self.is_service_center, "Service center"),
            (self.is_inventory_storage, "Inventory storage"),
            (self.is_production, "Production"),
        ]
        .into_iter()
        .filter_map(|(set, label)| set.then_some(label))
        .collect()
    }
}

/// The origin of an address printed for a site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressSource {
    /// The site's own address.
    Site,
    /// The client's headquarters address, which the site inherits.
    Headquarters,
}

/// The address to print for a site, with where it comes from.
#[derive(Clone, Debug)]
pub struct EffectiveAddress {
    pub address: Address,
    pub source: AddressSource,
}

impl EffectiveAddress {
    pub fn is_inherited(&self) -> bool {
        self.source == AddressSource::Headquarters
    }
}

/// Returns the billing and shipping addresses every document and export prints for a site: the site's
/// own address, or the client's headquarters address when the site inherits it. An inherited
/// shipping address is the headquarters' shipping address, which may itself be "same as billing".
pub fn effective_address(
    site: &ClientSite,
    client: &Client,
) -> (EffectiveAddress, EffectiveAddress) {
    let billing = if site.billing_inherited {
        EffectiveAddress {
            address: client.billing.clone(),
            source: AddressSource::Headquarters,
        }
    } else {
        EffectiveAddress {
            address: site.billing.clone(),
            source: AddressSource::Site,
        }
    };

    let shipping = if site.shipping_inherited {
        let hq_shipping = if client.shipping_same_as_billing {
            &client.billing
        } else {
            &client.shipping
        };
        EffectiveAddress {
            address: hq_shipping.clone(),
            source: AddressSource::Headquarters,
        }
    } else {
        EffectiveAddress {
            address: site.shipping.clone(),
            source: AddressSource::Site,
        }
    };
    (billing, shipping)
}

/// The site form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SiteForm {
    pub name: String,
    pub code: String,
    /// "on" when the billing address is the headquarters'.
    pub billing_inherited: String,
    pub billing_line1: String,
    pub billing_line2: String,
    pub billing_city: String,
    pub billing_state: String,
    pub billing_postal_code: String,
    pub billing_country: String,
    /// "on" when the shipping address is the headquarters'.
    pub shipping_inherited: String,
    pub shipping_line1: String,
    pub shipping_line2: String,
    pub shipping_city: String,
    pub shipping_state: String,
    pub shipping_postal_code: String,
    pub shipping_country: String,
    pub time_zone: String,
    pub federal_number: String,
    pub state_number: String,
    pub is_science_facility: String,
    pub is_service_center: String,
    pub is_inventory_storage: String,
    pub is_production: String,
    pub version: String,
}

/// A site form that passed validation. An inherited address is stored empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteInput {
    pub name: String,
    pub code: String,
    pub billing_inherited: bool,
    pub billing: Address,
    pub shipping_inherited: bool,
    pub shipping: Address,
    pub time_zone: String,
    pub federal_number: String,
    pub state_number: String,
    pub is_science_facility: bool,
    pub is_service_center: bool,
    pub is_inventory_storage: bool,
    pub is_production: bool,
}

fn flag(value: bool) -> String {
    if value {
        "on".to_owned()
    } else {
        String::new()
    }
}

impl SiteForm {
    /// Returns the form of a new site, which inherits both addresses.
    pub fn new_site() -> SiteForm {
        SiteForm {
            billing_inherited: "on".to_owned(),
            shipping_inherited: "on".to_owned(),
            ..Default::default()
        }
    }

    pub fn from_site(site: &ClientSite) -> SiteForm {
        SiteForm {
            name: site.name.clone(),
            code: site.code.clone(),
            billing_inherited: flag(site.billing_inherited),
            billing_line1: site.billing.line1.clone(),
            billing_line2: site.billing.line2.clone(),
            billing_city: site.billing.city.clone(),
            billing_state: site.billing.state.clone(),
            billing_postal_code: site.billing.postal_code.clone(),
            billing_country: site.billing.country.clone(),
            shipping_inherited: flag(site.shipping_inherited),
            shipping_line1: site.shipping.line1.clone(),
            shipping_line2: site.shipping.line2.clone(),
            shipping_city: site.shipping.city.clone(),
            shipping_state: site.shipping.state.clone(),
            shipping_postal_code: site.shipping.postal_code.clone(),
            shipping_country: site.shipping.country.clone(),
            time_zone: site.time_zone.clone(),
            federal_number: site.federal_number.clone(),
            state_number: site.state_number.clone(),
            is_science_facility: flag(site.is_science_facility),
            is_service_center: flag(site.is_service_center),
            is_inventory_storage: flag(site.is_inventory_storage),
            is_production: flag(site.is_production),
            version: site.version.to_string(),
        }
    }

    pub fn billing_is_inherited(&self) -> bool {
        !self.billing_inherited.is_empty()
    }

    pub fn shipping_is_inherited(&self) -> bool {
        !self.shipping_inherited.is_empty()
    }

    pub fn validate(&self) -> Result<SiteInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = clean(&self.name);
        errors.check_text("name", &name, true, 200);

        let code = self.code.trim().to_owned();
        errors.check_text("code", &code, false, 30);
        if code.chars().any(char::is_whitespace) {
            errors.add("code", "Site codes cannot contain spaces.");
        }

        let billing_inherited = self.billing_is_inherited();
        let billing = if billing_inherited {
            Address::default()
        } else {
            own_address(
                "billing",
                [
                    &self.billing_line1,
                    &self.billing_line2,
                    &self.billing_city,
                    &self.billing_state,
                    &self.billing_postal_code,
                    &self.billing_country,
                ],
                &mut errors,
            )
        };
        let shipping_inherited = self.shipping_is_inherited();
        let shipping = if shipping_inherited {
            Address::default()
        } else {
            own_address(
                "shipping",
                [
                    &self.shipping_line1,
                    &self.shipping_line2,
                    &self.shipping_city,
                    &self.shipping_state,
                    &self.shipping_postal_code,
                    &self.shipping_country,
                ],
                &mut errors,
            )
        };

        let time_zone = self.time_zone.trim().to_owned();
        if !time_zone.is_empty() && chrono_tz::Tz::from_str(&time_zone).is_err() {
            errors.add(
                "time_zone",
                "Unknown time zone. Use an IANA name such as America/Chicago, or leave it empty to use the serving provider site's.",
            );
        }
        let federal_number = clean(&self.federal_number);
        errors.check_text("federal_number", &federal_number, false, 50);
        let state_number = clean(&self.state_number);
        errors.check_text("state_number", &state_number, false, 50);

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SiteInput {
            name,
            code,
            billing_inherited,
            billing,
            shipping_inherited,
            shipping,
            time_zone,
            federal_number,
            state_number,
            is_science_facility: !self.is_science_facility.is_empty(),
            is_service_center: !self.is_service_center.is_empty(),
            is_inventory_storage: !self.is_inventory_storage.is_empty(),
            is_production: !self.is_production.is_empty(),
        })
    }
}

/// Validates an address the site keeps itself: it needs at least a street line and a city.
fn own_address(prefix: &str, parts: [&String; 6], errors: &mut FieldErrors) -> Address {
    let address = Address {
        line1: clean(parts[0]),
        line2: clean(parts[1]),
        city: clean(parts[2]),
        state: clean(parts[3]),
        postal_code: clean(parts[4]),
        country: clean(parts[5]),
    };
    for (field, value, max) in [
        ("line1", &address.line1, 200),
        ("line2", &address.line2, 200),
        ("city", &address.city, 100),
        ("state", &address.state, 100),
        ("postal_code", &address.postal_code, 20),
        ("country", &address.country, 100),
    ] {
        errors.check_text(&format!("{prefix}_{field}"), value, false, max);
    }
    if address.line1.is_empty() {
        errors.add(
            &format!("{prefix}_line1"),
            "Enter the street address, or tick \"Same as headquarters\".",
        );
    }
    if address.city.is_empty() {
        errors.add(
            &format!("{prefix}_city"),
            "Enter the city, or tick \"Same as headquarters\".",
        );
    }
    address
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_address_needs_street_and_city() {
        let form = SiteForm {
            name: "Plant 2".into(),
            ..Default::default()
        };
        let errors = form.validate().unwrap_err();
        assert!(errors.has("billing_line1"));
        assert!(errors.has("billing_city"));
        assert!(errors.has("shipping_line1"));
    }

    #[test]
    fn inherited_addresses_are_stored_empty() {
        let mut form = SiteForm::new_site();
        form.name = "Plant 2".into();
        form.billing_line1 = "ignored".into();
        let input = form.validate().unwrap();
        assert!(input.billing.is_empty());
        assert!(input.billing_inherited);
        assert!(input.shipping_inherited);
    }

    #[test]
    fn rejects_unknown_time_zone_and_spaced_code() {
        let mut form = SiteForm::new_site();
        form.name = "Plant 2".into();
        form.time_zone = "Moon/Base".into();
        form.code = "P 2".into();
        let errors = form.validate().unwrap_err();
        assert!(errors.has("time_zone"));
        assert!(errors.has("code"));
    }
}
