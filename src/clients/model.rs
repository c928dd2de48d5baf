//! Client accounts: the stored shape, the forms as typed, and their validation.

use serde::Deserialize;

use crate::ids::{ClientId, EmployeeId, ListValueId, ProviderSiteId};
use crate::representatives::Effective;
use crate::text::{self, clean};
use crate::web::forms::parse_optional_number;
use crate::web::FieldErrors;

/// Qualer's client statuses, with its numbers (`ClientStatusId`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientStatus {
    Prospect,
    Approved,
    NotApproved,
    Hidden,
}

impl ClientStatus {
    pub const ALL: [ClientStatus; 4] = [
        ClientStatus::Prospect,
        ClientStatus::Approved,
        ClientStatus::NotApproved,
        ClientStatus::Hidden,
    ];

    /// Returns the stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientStatus::Prospect => "Prospect",
            ClientStatus::Approved => "Approved",
            ClientStatus::NotApproved => "NotApproved",
            ClientStatus::Hidden => "Hidden",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ClientStatus::NotApproved => "Not approved",
            other => other.as_str(),
        }
    }

    pub fn parse(value: &str) -> Option<ClientStatus> {
        ClientStatus::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(value.trim()))
    }

    /// From Qualer's `ClientStatusId`: 0 Prospect, 1 Approved, 2 NotApproved, 3 Hidden.
    pub fn from_qualer_id(id: i64) -> Option<ClientStatus> {
        match id {
            0 => Some(ClientStatus::Prospect),
            1 => Some(ClientStatus::Approved),
            2 => Some(ClientStatus::NotApproved),
            3 => Some(ClientStatus::Hidden),
            _ => None,
        }
    }
}

/// The lists a provider keeps for classifying clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    Class,
    Invoicing,
    Standing,
    Category,
}

impl ListKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::Class => "class",
            ListKind::Invoicing => "invoicing",
            ListKind::Standing => "standing",
            ListKind::Category => "category",
        }
    }
}

/// A postal address as the forms and tables keep it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Address {
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
}

impl Address {
    fn cleaned(&self) -> Address {
        Address {
            line1: clean(&self.line1),
            line2: clean(&self.line2),
            city: clean(&self.city),
            state: clean(&self.state),
            postal_code: clean(&self.postal_code),
            country: clean(&self.country),
        }
    }

    fn check(&self, prefix: &str, errors: &mut FieldErrors) {
        for (field, value, max) in [
            ("line1", &self.line1, 200),
            ("line2", &self.line2, 200),
            ("city", &self.city, 100),
            ("state", &self.state, 100),
            ("postal_code", &self.postal_code, 20),
            ("country", &self.country, 100),
        ] {
            errors.check_text(&format!("{prefix}_{field}"), value, false, max);
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Address::default()
    }

    /// Formats the address on one line for lists and history: "12 Main St, Wichita, KS 67202, US".
    pub fn one_line(&self) -> String {
        let city_line = [
            self.city.as_str(),
            self.state.as_str(),
            self.postal_code.as_str(),
        ]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
        [
            self.line1.as_str(),
            self.line2.as_str(),
            city_line.as_str(),
            self.country.as_str(),
        ]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// A client account as shown on its page.
#[derive(Clone, Debug)]
pub struct Client {
    pub id: ClientId,
    pub account_number: String,
    pub name: String,
    pub status: ClientStatus,
    pub domain: String,
    pub alternative_names: String,
    pub custom_name: String,
    pub legacy_id: String,
    pub currency: String,
    pub class_id: Option<ListValueId>,
    pub invoicing_id: Option<ListValueId>,
    pub standing_id: Option<ListValueId>,
    pub category_id: Option<ListValueId>,
    pub serving_site_id: Option<ProviderSiteId>,
    pub representative_id: Option<EmployeeId>,
    pub account_manager_id: Option<EmployeeId>,
    pub account_manager_name: String,
    pub contact: Contact,
    pub billing: Address,
    pub shipping_same_as_billing: bool,
    pub shipping: Address,
    pub effective_representative: Effective,
    pub version: i64,
    pub updated_at: String,
}

/// The primary contact at the client company.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Contact {
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub email: String,
    pub phone: String,
    pub mobile: String,
    pub fax: String,
}

impl Contact {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}

/// Company information, primary contact and representative, as typed on the new-client form and
/// the Account tab.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CompanyForm {
    pub name: String,
    pub account_number: String,
    pub status: String,
    pub domain: String,
    pub alternative_names: String,
    pub custom_name: String,
    pub legacy_id: String,
    pub currency: String,
    pub class_id: String,
    pub invoicing_id: String,
    pub standing_id: String,
    pub category_id: String,
    pub serving_site_id: String,
    /// Empty means "use the site default".
    pub representative_id: String,
    pub account_manager_id: String,
    pub contact_first_name: String,
    pub contact_last_name: String,
    pub contact_title: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub contact_mobile: String,
    pub contact_fax: String,
    pub version: String,
    /// Set when the user confirmed creating a client whose name another client already has.
    pub confirm_duplicate_name: String,
}

/// A company form that passed validation. Ids are only shape-checked here; the caller checks
/// that they belong to the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompanyInput {
    pub name: String,
    /// Empty when a number is to be generated.
    pub account_number: String,
    pub status: ClientStatus,
    pub domain: String,
    pub alternative_names: String,
    pub custom_name: String,
    pub legacy_id: String,
    pub currency: String,
    pub class_id: Option<ListValueId>,
    pub invoicing_id: Option<ListValueId>,
    pub standing_id: Option<ListValueId>,
    pub category_id: Option<ListValueId>,
    pub serving_site_id: Option<ProviderSiteId>,
    pub representative_id: Option<EmployeeId>,
    pub account_manager_id: Option<EmployeeId>,
    pub contact: Contact,
}

impl CompanyForm {
    pub fn from_client(client: &Client) -> CompanyForm {
        let id = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
        CompanyForm {
            name: client.name.clone(),
            account_number: client.account_number.clone(),
            status: client.status.as_str().to_owned(),
            domain: client.domain.clone(),
            alternative_names: client.alternative_names.clone(),
            custom_name: client.custom_name.clone(),
            legacy_id: client.legacy_id.clone(),
            currency: client.currency.clone(),
            class_id: id(client.class_id.map(|v| v.0)),
            invoicing_id: id(client.invoicing_id.map(|v| v.0)),
            standing_id: id(client.standing_id.map(|v| v.0)),
            category_id: id(client.category_id.map(|v| v.0)),
            serving_site_id: id(client.serving_site_id.map(|v| v.0)),
            representative_id: id(client.representative_id.map(|v| v.0)),
            account_manager_id: id(client.account_manager_id.map(|v| v.0)),
            contact_first_name: client.contact.first_name.clone(),
            contact_last_name: client.contact.last_name.clone(),
            contact_title: client.contact.title.clone(),
            contact_email: client.contact.email.clone(),
            contact_phone: client.contact.phone.clone(),
            contact_mobile: client.contact.mobile.clone(),
            contact_fax: client.contact.fax.clone(),
            version: client.version.to_string(),
            confirm_duplicate_name: String::new(),
        }
    }

    pub fn validate(&self) -> Result<CompanyInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = clean(&self.name);
        errors.check_text("name", &name, true, 200);

        let account_number = self.account_number.trim().to_owned();
        errors.check_text("account_number", &account_number, false, 50);
        if account_number.chars().any(char::is_whitespace) {
            errors.add("account_number", "Account numbers cannot contain spaces.");
        }

        let status = if self.status.trim().is_empty() {
            Some(ClientStatus::Approved)
        } else {
            ClientStatus::parse(&self.status)
        };
        if status.is_none() {
            errors.add(
                "status",
                "Choose Prospect, Approved, Not approved or Hidden.",
            );
        }

        let domain = self.domain.trim().to_lowercase();
        errors.check_text("domain", &domain, false, 253);
        if !domain.is_empty() && (domain.chars().any(char::is_whitespace) || !domain.contains('.'))
        {
            errors.add(
                "domain",
                "Enter a domain such as example.com, without spaces.",
            );
        }

        let alternative_names = clean(&self.alternative_names);
        errors.check_text("alternative_names", &alternative_names, false, 500);
        let custom_name = clean(&self.custom_name);
        errors.check_text("custom_name", &custom_name, false, 200);
        let legacy_id = self.legacy_id.trim().to_owned();
        errors.check_text("legacy_id", &legacy_id, false, 200);

        let currency = if self.currency.trim().is_empty() {
            "USD".to_owned()
        } else {
            self.currency.trim().to_uppercase()
        };
        if !crate::currency::is_known(&currency) {
            errors.add(
                "currency",
                "Enter a known ISO 4217 currency code such as USD, EUR or CAD.",
            );
        }

        let mut id_field = |field: &str, value: &str| match parse_optional_number(value) {
            Ok(id) => id,
            Err(_) => {
                errors.add(field, "Choose a value from the list.");
                None
            }
        };
        let class_id = id_field("class_id", &self.class_id).map(ListValueId);
        let invoicing_id = id_field("invoicing_id", &self.invoicing_id).map(ListValueId);
        let standing_id = id_field("standing_id", &self.standing_id).map(ListValueId);
        let category_id = id_field("category_id", &self.category_id).map(ListValueId);
        let serving_site_id =
            id_field("serving_site_id", &self.serving_site_id).map(ProviderSiteId);
        let representative_id =
            id_field("representative_id", &self.representative_id).map(EmployeeId);
        let account_manager_id =
            id_field("account_manager_id", &self.account_manager_id).map(EmployeeId);

        let contact = Contact {
            first_name: clean(&self.contact_first_name),
            last_name: clean(&self.contact_last_name),
            title: clean(&self.contact_title),
            email: self.contact_email.trim().to_owned(),
            phone: clean(&self.contact_phone),
            mobile: clean(&self.contact_mobile),
            fax: clean(&self.contact_fax),
        };
        errors.check_text("contact_first_name", &contact.first_name, false, 100);
        errors.check_text("contact_last_name", &contact.last_name, false, 100);
        errors.check_text("contact_title", &contact.title, false, 100);
        errors.check_text("contact_email", &contact.email, false, 254);
        if !contact.email.is_empty() && !text::is_plausible_email(&contact.email) {
            errors.add(
                "contact_email",
                "Enter an email address such as name@example.com.",
            );
        }
        errors.check_text("contact_phone", &contact.phone, false, 50);
        errors.check_text("contact_mobile", &contact.mobile, false, 50);
        errors.check_text("contact_fax", &contact.fax, false, 50);

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CompanyInput {
            name,
            account_number,
            status: status.unwrap_or(ClientStatus::Approved),
            domain,
            alternative_names,
            custom_name,
            legacy_id,
            currency,
            class_id,
            invoicing_id,
            standing_id,
            category_id,
            serving_site_id,
            representative_id,
            account_manager_id,
            contact,
        })
    }
}

/// Headquarters billing and shipping addresses, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct HeadquartersForm {
    pub billing_line1: String,
    pub billing_line2: String,
    pub billing_city: String,
    pub billing_state: String,
    pub billing_postal_code: String,
    pub billing_country: String,
    /// "on" when the shipping address is the billing address.
    pub shipping_same_as_billing: String,
    pub shipping_line1: String,
    pub shipping_line2: String,
    pub shipping_city: String,
    pub shipping_state: String,
    pub shipping_postal_code: String,
    pub shipping_country: String,
    pub version: String,
}

/// Validated headquarters addresses. With `shipping_same_as_billing`, `shipping` is empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadquartersInput {
    pub billing: Address,
    pub shipping_same_as_billing: bool,
    pub shipping: Address,
}

impl HeadquartersForm {
    pub fn from_client(client: &Client) -> HeadquartersForm {
        HeadquartersForm {
            billing_line1: client.billing.line1.clone(),
            billing_line2: client.billing.line2.clone(),
            billing_city: client.billing.city.clone(),
            billing_state: client.billing.state.clone(),
            billing_postal_code: client.billing.postal_code.clone(),
            billing_country: client.billing.country.clone(),
            shipping_same_as_billing: if client.shipping_same_as_billing {
                "on".to_owned()
            } else {
                String::new()
            },
            shipping_line1: client.shipping.line1.clone(),
            shipping_line2: client.shipping.line2.clone(),
            shipping_city: client.shipping.city.clone(),
            shipping_state: client.shipping.state.clone(),
            shipping_postal_code: client.shipping.postal_code.clone(),
            shipping_country: client.shipping.country.clone(),
            version: client.version.to_string(),
        }
    }

    pub fn same_as_billing(&self) -> bool {
        !self.shipping_same_as_billing.is_empty()
    }

    pub fn validate(&self) -> Result<HeadquartersInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let billing = Address {
            line1: self.billing_line1.clone(),
            line2: self.billing_line2.clone(),
            city: self.billing_city.clone(),
            state: self.billing_state.clone(),
            postal_code: self.billing_postal_code.clone(),
            country: self.billing_country.clone(),
        }
        .cleaned();
        billing.check("billing", &mut errors);

        let same = self.same_as_billing();
        let shipping = if same {
            Address::default()
        } else {
            let shipping = Address {
                line1: self.shipping_line1.clone(),
                line2: self.shipping_line2.clone(),
                city: self.shipping_city.clone(),
                state: self.shipping_state.clone(),
                postal_code: self.shipping_postal_code.clone(),
                country: self.shipping_country.clone(),
            }
            .cleaned();
            shipping.check("shipping", &mut errors);
            if shipping.line1.is_empty() && !shipping.is_empty() {
                errors.add(
                    "shipping_line1",
                    "Enter the street address, or tick \"Same as billing\".",
                );
            }
            shipping
        };

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(HeadquartersInput {
            billing,
            shipping_same_as_billing: same,
            shipping,
        })
    }
}

/// Builds the folded text the Client Manager searches: name, custom name, account number, legacy id,
/// domain and alternative names.
pub fn search_text(input: &CompanyInput, account_number: &str) -> String {
    [
        input.name.as_str(),
        input.custom_name.as_str(),
        account_number,
        input.legacy_id.as_str(),
        input.domain.as_str(),
        input.alternative_names.as_str(),
    ]
    .iter()
    .map(|part| text::fold(part))
    .collect::<Vec<_>>()
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_form_requires_name_and_checks_fields() {
        let form = CompanyForm {
            name: "  ".into(),
            status: "Gone".into(),
            currency: "dollars".into(),
            contact_email: "not-an-email".into(),
            account_number: "A 1".into(),
            representative_id: "abc".into(),
            ..Default::default()
        };
        let errors = form.validate().unwrap_err();
        for field in [
            "name",
            "status",
            "currency",
            "contact_email",
            "account_number",
            "representative_id",
        ] {
            assert!(errors.has(field), "expected an error on {field}");
        }
    }

    #[test]
    fn shipping_same_as_billing_ignores_shipping_fields() {
        let form = HeadquartersForm {
            billing_line1: "1 Main St".into(),
            shipping_same_as_billing: "on".into(),
            shipping_city: "x".repeat(500),
            ..Default::default()
        };
        let input = form.validate().unwrap();
        assert!(input.shipping_same_as_billing);
        assert!(input.shipping.is_empty());
    }

    #[test]
    fn status_from_qualer_numbers() {
        assert_eq!(ClientStatus::from_qualer_id(3), Some(ClientStatus::Hidden));
        assert_eq!(ClientStatus::from_qualer_id(7), None);
    }
}
