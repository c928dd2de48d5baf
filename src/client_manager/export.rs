//! The Client Manager's export of a view to CSV and XLSX: every row of the view, with more
//! columns than the page shows.

use std::borrow::Cow;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::query::ClientRow;
use crate::representatives::Source;

/// The column headings of both formats.
pub const HEADINGS: [&str; 18] = [
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
fn cells(row: &ClientRow) -> [String; 18] {
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
    ]
}

/// Neutralizes a cell that a spreadsheet would run as a formula. Client data is typed by many
/// people and imported from other systems, so a company name such as `=HYPERLINK(…)` must reach
/// the spreadsheet as text: a leading apostrophe makes Excel and LibreOffice treat the cell as
/// text. Tab and carriage return are included because some spreadsheets skip them before
/// looking for the formula sign.
fn guard_formula(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Writes the rows as UTF-8 CSV with a byte-order mark, so Excel reads accented names right.
pub fn to_csv(rows: &[ClientRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(HEADINGS)?;
        for row in rows {
            let record = cells(row);
            writer.write_record(record.iter().map(|cell| guard_formula(cell).into_owned()))?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// Writes the rows as an XLSX workbook with one sheet. Every cell is written as a string cell,
/// which spreadsheets never evaluate, so no formula guard is needed here.
pub fn to_xlsx(rows: &[ClientRow]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME)?;

    let bold = Format::new().set_bold();
    for (column, heading) in HEADINGS.iter().enumerate() {
        let column = column as u16;
        sheet.write_string_with_format(0, column, *heading, &bold)?;
        sheet.set_column_width(column, 18)?;
    }

    for (index, row) in rows.iter().enumerate() {
        let sheet_row = u32::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (column, cell) in cells(row).into_iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(sheet_row, column as u16, cell)?;
            }
        }
    }

    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.autofilter(0, 0, last_row, (HEADINGS.len() - 1) as u16)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_an_apostrophe() {
        assert_eq!(guard_formula("=1+2"), "'=1+2");
        assert_eq!(guard_formula("+49 30 1234"), "'+49 30 1234");
        assert_eq!(guard_formula("-5"), "'-5");
        assert_eq!(guard_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard_formula("Acme = Labs"), "Acme = Labs");
        assert_eq!(guard_formula(""), "");
    }
}
