//! Turning one row of a Qualer client export into validated client input, with the problems
//! found reported against the row's line and column.

use super::csv_file::{Column, Columns, Record};
use super::target::{SiteSource, Target};
use crate::clients::{ClientStatus, CompanyForm, CompanyInput};
use crate::currency;
use crate::ids::EmployeeId;
use crate::text::clean;

/// A problem with one cell: the row is rejected (an error) or imported with a gap (a warning).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowIssue {
    /// Line number in the file; the header is line 1.
    pub line: u64,
    /// The CSV column, or an empty string when the problem concerns the whole row.
    pub column: String,
    pub message: String,
}

impl RowIssue {
    fn new(line: u64, column: Column, message: impl Into<String>) -> RowIssue {
        RowIssue {
            line,
            column: column.name().to_owned(),
            message: message.into(),
        }
    }
}

/// List values a row names; they are created on first use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListNames {
    /// Qualer's `ClientClassId`; classes have no names in the export.
    pub class: Option<i64>,
    pub invoicing: Option<String>,
    pub standing: Option<String>,
    pub category: Option<String>,
}

/// A row that passed validation. `company` has no list value ids yet; they are resolved from
/// `lists` when the row is written.
#[derive(Clone, Debug)]
pub struct ValidRow {
    pub line: u64,
    pub qualer_client_id: i64,
    pub company: CompanyInput,
    pub lists: ListNames,
    pub site_source: SiteSource,
    /// The row's `AccountRepresentativeSiteId` when it matched no site.
    pub unmatched_site_id: Option<String>,
    pub warnings: Vec<RowIssue>,
}

/// The cells of one row, read by column.
struct Cells<'a> {
    record: &'a Record,
    columns: &'a Columns,
}

impl Cells<'_> {
    /// Returns the trimmed cell, or "" when the column is not in the file.
    fn text(&self, column: Column) -> &str {
        self.record.get(self.columns, column).unwrap_or("")
    }
}

/// Validates one row against the provider's sites and employees.
pub fn validate(
    record: &Record,
    columns: &Columns,
    target: &Target,
) -> Result<ValidRow, Vec<RowIssue>> {
    let line = record.line;
    let cells = Cells { record, columns };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();

    let qualer_client_id = match cells.text(Column::ClientCompanyId).parse::<i64>() {
        Ok(id) if id > 0 => id,
        _ if cells.text(Column::ClientCompanyId).is_empty() => {
            errors.push(RowIssue::new(
                line,
                Column::ClientCompanyId,
                "This field is required: it identifies the client on the next import.",
            ));
            0
        }
        _ => {
            errors.push(RowIssue::new(
                line,
                Column::ClientCompanyId,
                format!(
                    "\"{}\" is not a Qualer company id; expected a positive whole number.",
                    cells.text(Column::ClientCompanyId)
                ),
            ));
            0
        }
    };

    let status = parse_status(cells.text(Column::ClientStatusId)).unwrap_or_else(|message| {
        errors.push(RowIssue::new(line, Column::ClientStatusId, message));
        None
    });
    let currency = parse_currency(cells.text(Column::CurrencyId)).unwrap_or_else(|message| {
        errors.push(RowIssue::new(line, Column::CurrencyId, message));
        String::new()
    });
    let lists = list_names(&cells, line, &mut errors);

    let form = CompanyForm {
        name: cells.text(Column::ClientCompanyName).to_owned(),
        account_number: cells.text(Column::AccountNumber).to_owned(),
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        domain: cells.text(Column::DomainName).to_owned(),
        alternative_names: cells.text(Column::AlternativeNames).to_owned(),
        custom_name: cells.text(Column::CustomClientName).to_owned(),
        legacy_id: cells.text(Column::LegacyId).to_owned(),
        currency: currency.clone(),
        contact_first_name: contact_name(cells.text(Column::PrimaryFirstName)),
        contact_last_name: contact_name(cells.text(Column::PrimaryLastName)),
        contact_email: cells.text(Column::PrimaryContactEmail).to_owned(),
        contact_phone: cells.text(Column::PrimaryPhone).to_owned(),
        contact_fax: cells.text(Column::PrimaryFax).to_owned(),
        ..Default::default()
    };
    let mut company = match form.validate() {
        Ok(company) => Some(company),
        Err(field_errors) => {
            for (field, message) in field_errors.fields() {
                let column = column_of_field(field);
                let value = cells.text(column);
                let message = if value.is_empty() {
                    message.clone()
                } else {
                    format!("{message} The value is \"{value}\".")
                };
                errors.push(RowIssue::new(line, column, message));
            }
            None
        }
    };

    // Phone numbers are free text in Qualer ("(316) 555-0100 ext. 12", two numbers in one
    // cell, truncated ones), so they are kept exactly as exported apart from the outer spaces.
    for (column, value) in [
        (Column::PrimaryPhone, cells.text(Column::PrimaryPhone)),
        (Column::PrimaryFax, cells.text(Column::PrimaryFax)),
    ] {
        if value.chars().count() > 50 {
            errors.push(RowIssue::new(line, column, "Use at most 50 characters."));
        }
    }
    if let Some(company) = &mut company {
        company.contact.phone = cells.text(Column::PrimaryPhone).to_owned();
        company.contact.fax = cells.text(Column::PrimaryFax).to_owned();
    }

    let site_cell = cells.text(Column::AccountRepresentativeSiteId);
    let (site, site_source) = target.site_for(site_cell.parse::<i64>().ok());
    let unmatched_site_id = (!site_cell.is_empty() && site_source == SiteSource::Fallback)
        .then(|| site_cell.to_owned());

    let representative_id = employee_reference(
        &cells,
        Column::AccountRepresentativeEmployeeId,
        target,
        line,
        &mut warnings,
        "the client uses its site's Default Client Account Representative",
    );
    let account_manager_id = employee_reference(
        &cells,
        Column::AccountManagerEmployeeId,
        target,
        line,
        &mut warnings,
        "the client gets no account manager",
    );

    let Some(mut company) = company else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    company.serving_site_id = Some(site.id);
    company.representative_id = representative_id;
    company.account_manager_id = account_manager_id;

    Ok(ValidRow {
        line,
        qualer_client_id,
        company,
        lists,
        site_source,
        unmatched_site_id,
        warnings,
    })
}

/// Qualer's `ClientStatusId`; an empty cell means the default status.
fn parse_status(value: &str) -> Result<Option<ClientStatus>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<i64>()
        .ok()
        .and_then(ClientStatus::from_qualer_id)
        .map(Some)
        .ok_or_else(|| {
            format!(
                "\"{value}\" is not a Qualer client status; expected 0 (Prospect), 1 (Approved), \
                 2 (NotApproved) or 3 (Hidden)."
            )
        })
}

/// Converts Qualer's `CurrencyId` (ISO 4217 numeric) to the letter code. A letter code such as "EUR"
/// is accepted as well; an empty cell means the default currency.
fn parse_currency(value: &str) -> Result<String, String> {
    if value.is_empty() {
        return Ok(String::new());
    }
    if let Ok(number) = value.parse::<u16>() {
        return currency::from_numeric(number)
            .map(str::to_owned)
            .ok_or_else(|| {
                format!(
                    "Unknown currency code {value}; expected an ISO 4217 numeric code such as 840 (USD), \
                     978 (EUR) or 124 (CAD)."
                )
            });
    }
    if currency::is_known(&value.to_ascii_uppercase()) {
        return Ok(value.to_ascii_uppercase());
    }
    Err(format!(
        "\"{value}\" is not a currency code; expected an ISO 4217 numeric code such as 840 (USD)."
    ))
}

/// Qualer writes "--" where a contact has no first name.
fn contact_name(value: &str) -> String {
    if value == "--" {
        String::new()
    } else {
        value.to_owned()
    }
}

/// Returns whether a list cell names no value: empty, or Qualer's "(unassigned)".
fn is_unassigned(value: &str) -> bool {
    value.is_empty() || value.eq_ignore_ascii_case("(unassigned)")
}

fn list_names(cells: &Cells<'_>, line: u64, errors: &mut Vec<RowIssue>) -> ListNames {
    let class_cell = cells.text(Column::ClientClassId);
    let class = match class_cell.parse::<i64>() {
        _ if class_cell.is_empty() => None,
        Ok(0) => None,
        Ok(id) if id > 0 => Some(id),
        _ => {
            errors.push(RowIssue::new(
                line,
                Column::ClientClassId,
                format!("\"{class_cell}\" is not a Qualer class id; expected a whole number, 0 for none."),
            ));
            None
        }
    };

    let mut name = |column: Column| {
        let value = clean(cells.text(column));
        if is_unassigned(&value) {
            return None;
        }
        if value.chars().count() > 100 {
            errors.push(RowIssue::new(line, column, "Use at most 100 characters."));
            return None;
        }
        Some(value)
    };
    ListNames {
        class,
        invoicing: name(Column::ClientInvoicing),
        standing: name(Column::ClientStanding),
        category: name(Column::ClientCategory),
    }
}

/// Looks up a Qualer employee id among the provider's employees. An empty cell means none; an
/// id without an active match is a warning, and the field stays empty.
fn employee_reference(
    cells: &Cells<'_>,
    column: Column,
    target: &Target,
    line: u64,
    warnings: &mut Vec<RowIssue>,
    consequence: &str,
) -> Option<EmployeeId> {
    let value = cells.text(column);
    if value.is_empty() {
        return None;
    }
    let Ok(qualer_id) = value.parse::<i64>() else {
        warnings.push(RowIssue::new(
            line,
            column,
            format!("\"{value}\" is not a Qualer employee id; {consequence}."),
        ));
        return None;
    };
    match target.employee_for(qualer_id) {
        Some(employee) if employee.active => Some(employee.id),
        Some(employee) => {
            warnings.push(RowIssue::new(
                line,
                column,
                format!(
                    "{} (Qualer employee {qualer_id}) is inactive; {consequence}.",
                    employee.name
                ),
            ));
            None
        }
        None => {
            warnings.push(RowIssue::new(
                line,
                column,
                format!(
                    "No employee has Qualer employee id {qualer_id}; {consequence}. \
                     Set the id on the employee and import again to link them."
                ),
            ));
            None
        }
    }
}

/// Maps a company form field to the export column it is read from.
fn column_of_field(field: &str) -> Column {
    match field {
        "account_number" => Column::AccountNumber,
        "status" => Column::ClientStatusId,
        "domain" => Column::DomainName,
        "alternative_names" => Column::AlternativeNames,
        "custom_name" => Column::CustomClientName,
        "legacy_id" => Column::LegacyId,
        "currency" => Column::CurrencyId,
        "contact_first_name" => Column::PrimaryFirstName,
        "contact_last_name" => Column::PrimaryLastName,
        "contact_email" => Column::PrimaryContactEmail,
        "contact_phone" => Column::PrimaryPhone,
        "contact_fax" => Column::PrimaryFax,
        // The form fills no other field from the export, so only the company name is left.
        _ => Column::ClientCompanyName,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes() {
        assert_eq!(parse_currency("840").unwrap(), "USD");
        assert_eq!(parse_currency("978").unwrap(), "EUR");
        assert_eq!(parse_currency("eur").unwrap(), "EUR");
        assert_eq!(parse_currency("").unwrap(), "");
        assert!(parse_currency("999").unwrap_err().contains("999"));
        assert!(parse_currency("dollars").is_err());
    }

    #[test]
    fn status_numbers() {
        assert_eq!(parse_status("2").unwrap(), Some(ClientStatus::NotApproved));
        assert_eq!(parse_status("").unwrap(), None);
        assert!(parse_status("7").is_err());
        assert!(parse_status("Approved").is_err());
    }

    #[test]
    fn placeholders_mean_empty() {
        assert_eq!(contact_name("--"), "");
        assert_eq!(contact_name("Ann"), "Ann");
        assert!(is_unassigned("(unassigned)"));
        assert!(is_unassigned("(Unassigned)"));
        assert!(!is_unassigned("PO Required"));
    }
}
