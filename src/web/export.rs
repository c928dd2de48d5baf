//! Downloads of a list's current view as CSV or XLSX, shared by every page that exports.

use std::borrow::Cow;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::error::{AppError, AppResult};

/// A header row and the data rows below it, every cell as text.
pub struct Table {
    pub headings: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// Neutralizes a cell that a spreadsheet would run as a formula. Data is typed by many people
/// and imported from other systems, so a value such as `=HYPERLINK(…)` must reach the
/// spreadsheet as text: a leading apostrophe makes Excel and LibreOffice treat the cell as
/// text. Tab and carriage return are included because some spreadsheets skip them before
/// looking for the formula sign.
pub fn guard_formula(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Writes the table as UTF-8 CSV with a byte-order mark, so Excel reads accented names right.
pub fn to_csv(table: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(&table.headings)?;
        for row in &table.rows {
            writer.write_record(row.iter().map(|cell| guard_formula(cell).into_owned()))?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// Writes the table as an XLSX workbook with one sheet, a bold frozen header row and a filter.
/// Every cell is a string cell, which spreadsheets never evaluate, so no formula guard is
/// needed here.
pub fn to_xlsx(sheet_name: &str, table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;

    let bold = Format::new().set_bold();
    for (column, heading) in table.headings.iter().enumerate() {
        let column = column as u16;
        sheet.write_string_with_format(0, column, *heading, &bold)?;
        sheet.set_column_width(column, 18)?;
    }

    for (index, row) in table.rows.iter().enumerate() {
        let sheet_row = u32::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (column, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(sheet_row, column as u16, cell)?;
            }
        }
    }

    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(table.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    let last_column = table.headings.len().saturating_sub(1) as u16;
    sheet.autofilter(0, 0, last_row, last_column)?;
    workbook.save_to_buffer()
}

/// Builds the CSV download of a table, written off the async workers.
pub async fn csv_download(file_stem: String, table: Table) -> AppResult<Response> {
    let body = tokio::task::spawn_blocking(move || to_csv(&table))
        .await
        .map_err(|error| AppError::Internal(error.into()))?
        .map_err(|error| AppError::Internal(error.into()))?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        &file_stem,
        "csv",
        body,
    ))
}

/// Builds the XLSX download of a table, written off the async workers.
pub async fn xlsx_download(
    file_stem: String,
    sheet_name: &'static str,
    table: Table,
) -> AppResult<Response> {
    let body = tokio::task::spawn_blocking(move || to_xlsx(sheet_name, &table))
        .await
        .map_err(|error| AppError::Internal(error.into()))?
        .map_err(|error| AppError::Internal(error.into()))?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &file_stem,
        "xlsx",
        body,
    ))
}

/// Builds a download response whose file name keeps the letters, digits, '-' and '_' of the
/// stem.
fn attachment(content_type: &str, file_stem: &str, extension: &str, body: Vec<u8>) -> Response {
    let stem: String = file_stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{extension}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
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

    #[test]
    fn csv_has_bom_and_guarded_cells() {
        let table = Table {
            headings: vec!["Name"],
            rows: vec![vec!["=cmd".to_owned()]],
        };
        let csv = String::from_utf8(to_csv(&table).unwrap()).unwrap();
        assert_eq!(csv, "\u{feff}Name\n'=cmd\n");
    }
}
