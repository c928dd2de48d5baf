//! Client accounts: creating a client, the account page with its tabs, and the Account tab's
//! company information, primary contact, representative, headquarters and history.

pub mod model;
pub mod queries;
mod routes;

pub use model::{
    Address, Client, ClientStatus, CompanyForm, CompanyInput, HeadquartersForm, HeadquartersInput,
    ListKind,
};
pub use routes::routes;

use crate::db::Db;

/// The tabs of the client account page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Assets,
    Orders,
    Account,
}

impl Tab {
    /// The last segment of the tab's address, `/clients/{id}/{path}`.
    pub fn path(self) -> &'static str {
        match self {
            Tab::Assets => "assets",
            Tab::Orders => "orders",
            Tab::Account => "account",
        }
    }
}
use crate::employees;
use crate::ids::ProviderId;
use crate::web::FieldErrors;

/// Loads a client of the signed-in employee's provider; any other id is not found, whether it
/// does not exist or belongs to another provider.
pub async fn load(
    db: &Db,
    staff: &crate::auth::Staff,
    client_id: crate::ids::ClientId,
) -> crate::error::AppResult<Client> {
    queries::find(db, staff.provider_id, client_id)
        .await?
        .ok_or(crate::error::AppError::NotFound)
}

/// Checks that every id in the form belongs to the provider: list values of the right kind, the
/// serving site, and active employees as representative and account manager.
pub async fn check_references(
    db: &Db,
    provider_id: ProviderId,
    input: &CompanyInput,
) -> Result<FieldErrors, sqlx::Error> {
    let mut errors = FieldErrors::default();

    for (field, kind, id) in [
        ("class_id", ListKind::Class, input.class_id),
        ("invoicing_id", ListKind::Invoicing, input.invoicing_id),
        ("standing_id", ListKind::Standing, input.standing_id),
        ("category_id", ListKind::Category, input.category_id),
    ] {
        if let Some(id) = id {
            if !queries::list_value_belongs(db, provider_id, kind, id).await? {
                errors.add(field, "Choose a value from the list.");
            }
        }
    }

    if let Some(site_id) = input.serving_site_id {
        if crate::provider_sites::find(db, provider_id, site_id)
            .await?
            .is_none()
        {
            errors.add("serving_site_id", "Choose one of your sites.");
        }
    }
    if let Some(id) = input.representative_id {
        if !employees::is_active_employee(db, provider_id, id).await? {
            errors.add(
                "representative_id",
                "Choose an active employee, or use the site default.",
            );
        }
    }
    if let Some(id) = input.account_manager_id {
        if !employees::is_active_employee(db, provider_id, id).await? {
            errors.add("account_manager_id", "Choose an active employee, or none.");
        }
    }
    Ok(errors)
}

/// Labelled values of company information, for the audit trail.
pub async fn company_fields(
    db: &Db,
    provider_id: ProviderId,
    input: &CompanyInput,
) -> Result<Vec<(&'static str, String)>, sqlx::Error> {
    let names = reference_names(db, provider_id, input).await?;
    Ok(company_fields_named(input, &names))
}

/// Display names of the list values, site and employees a company form points to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReferenceNames {
    pub class: String,
    pub invoicing: String,
    pub standing: String,
    pub category: String,
    pub serving_site: String,
    /// "(site default)" when the client has no client-specific representative.
    pub representative: String,
    pub account_manager: String,
}

/// Looks up the [`ReferenceNames`] of a company form.
pub async fn reference_names(
    db: &Db,
    provider_id: ProviderId,
    input: &CompanyInput,
) -> Result<ReferenceNames, sqlx::Error> {
    let serving_site = match input.serving_site_id {
        Some(id) => crate::provider_sites::find(db, provider_id, id)
            .await?
            .map(|s| s.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let representative = match input.representative_id {
        Some(id) => employees::display_name(db, provider_id, id).await?,
        None => "(site default)".to_owned(),
    };
    let account_manager = match input.account_manager_id {
        Some(id) => employees::display_name(db, provider_id, id).await?,
        None => String::new(),
    };
    Ok(ReferenceNames {
        class: queries::list_value_name(db, input.class_id).await?,
        invoicing: queries::list_value_name(db, input.invoicing_id).await?,
        standing: queries::list_value_name(db, input.standing_id).await?,
        category: queries::list_value_name(db, input.category_id).await?,
        serving_site,
        representative,
        account_manager,
    })
}

/// Labels company information like [`company_fields`] with the reference names already looked
/// up, for callers that label many clients pointing to the same few records.
pub fn company_fields_named(
    input: &CompanyInput,
    names: &ReferenceNames,
) -> Vec<(&'static str, String)> {
    vec![
        ("Company name", input.name.clone()),
        ("Account number", input.account_number.clone()),
        ("Status", input.status.label().to_owned()),
        ("Domain", input.domain.clone()),
        ("Alternative names", input.alternative_names.clone()),
        ("Custom client name", input.custom_name.clone()),
        ("Legacy id", input.legacy_id.clone()),
        ("Currency", input.currency.clone()),
        ("Class", names.class.clone()),
        ("Invoicing", names.invoicing.clone()),
        ("Standing", names.standing.clone()),
        ("Category", names.category.clone()),
        ("Serving site", names.serving_site.clone()),
        ("Account Representative", names.representative.clone()),
        ("Account manager", names.account_manager.clone()),
        ("Contact first name", input.contact.first_name.clone()),
        ("Contact last name", input.contact.last_name.clone()),
        ("Contact title", input.contact.title.clone()),
        ("Contact email", input.contact.email.clone()),
        ("Contact phone", input.contact.phone.clone()),
        ("Contact mobile", input.contact.mobile.clone()),
        ("Contact fax", input.contact.fax.clone()),
    ]
}

/// Labelled headquarters addresses, for the audit trail.
pub fn headquarters_fields(hq: &HeadquartersInput) -> Vec<(&'static str, String)> {
    vec![
        ("Billing address", hq.billing.one_line()),
        (
            "Shipping address",
            if hq.shipping_same_as_billing {
                "same as billing".to_owned()
            } else {
                hq.shipping.one_line()
            },
        ),
    ]
}

/// Pairs labelled values before and after into audit changes.
pub fn changes_between(
    before: &[(&str, String)],
    after: &[(&str, String)],
) -> Vec<crate::audit::Change> {
    let fields: Vec<(&str, String, String)> = before
        .iter()
        .zip(after)
        .map(|((label, old), (_, new))| (*label, old.clone(), new.clone()))
        .collect();
    crate::audit::diff(&fields)
}
