//! Reading a Qualer client export: the columns it has, matched by header name, and its records
//! with their line numbers.

use std::path::Path;

use anyhow::{bail, Context};

/// The Qualer columns the import reads. Other columns of the export (`ClientId`, the id of the
/// client account record, and anything Qualer adds later) are ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    ClientCompanyId,
    ClientCompanyName,
    AlternativeNames,
    DomainName,
    AccountNumber,
    CustomClientName,
    LegacyId,
    ClientClassId,
    ClientStatusId,
    ClientInvoicing,
    ClientStanding,
    ClientCategory,
    CurrencyId,
    PrimaryFirstName,
    PrimaryLastName,
    PrimaryPhone,
    PrimaryFax,
    PrimaryContactEmail,
    AccountRepresentativeSiteId,
    AccountRepresentativeEmployeeId,
    AccountManagerEmployeeId,
}

impl Column {
    pub const ALL: [Column; 21] = [
        Column::ClientCompanyId,
        Column::ClientCompanyName,
        Column::AlternativeNames,
        Column::DomainName,
        Column::AccountNumber,
        Column::CustomClientName,
        Column::LegacyId,
        Column::ClientClassId,
        Column::ClientStatusId,
        Column::ClientInvoicing,
        Column::ClientStanding,
        Column::ClientCategory,
        Column::CurrencyId,
        Column::PrimaryFirstName,
        Column::PrimaryLastName,
        Column::PrimaryPhone,
        Column::PrimaryFax,
        Column::PrimaryContactEmail,
        Column::AccountRepresentativeSiteId,
        Column::AccountRepresentativeEmployeeId,
        Column::AccountManagerEmployeeId,
    ];

    /// Columns without which a row cannot be matched or named. When any other column is
    /// missing, new clients get that field's default and existing clients keep their value.
    pub const REQUIRED: [Column; 3] = [
        Column::ClientCompanyId,
        Column::ClientCompanyName,
        Column::AccountNumber,
    ];

    /// Returns the header as Qualer writes it.
    pub fn name(self) -> &'static str {
        match self {
            Column::ClientCompanyId => "ClientCompanyId",
            Column::ClientCompanyName => "ClientCompanyName",
            Column::AlternativeNames => "AlternativeNames",
            Column::DomainName => "DomainName",
            Column::AccountNumber => "AccountNumber",
            Column::CustomClientName => "CustomClientName",
            Column::LegacyId => "LegacyId",
            Column::ClientClassId => "ClientClassId",
            Column::ClientStatusId => "ClientStatusId",
            Column::ClientInvoicing => "ClientInvoicing",
            Column::ClientStanding => "ClientStanding",
            Column::ClientCategory => "ClientCategory",
            Column::CurrencyId => "CurrencyId",
            Column::PrimaryFirstName => "PrimaryFirstName",
            Column::PrimaryLastName => "PrimaryLastName",
            Column::PrimaryPhone => "PrimaryPhone",
            Column::PrimaryFax => "PrimaryFax",
            Column::PrimaryContactEmail => "PrimaryContactEmail",
            Column::AccountRepresentativeSiteId => "AccountRepresentativeSiteId",
            Column::AccountRepresentativeEmployeeId => "AccountRepresentativeEmployeeId",
            Column::AccountManagerEmployeeId => "AccountManagerEmployeeId",
        }
    }

    fn index(self) -> usize {
        Column::ALL
            .iter()
            .position(|column| *column == self)
            .expect("every column is listed in Column::ALL")
    }
}

/// Positions of the known columns in the file, for those it has.
#[derive(Clone, Debug)]
pub struct Columns {
    positions: [Option<usize>; Column::ALL.len()],
}

impl Columns {
    /// Matches headers by name, ignoring case and surrounding spaces, so the columns may come
    /// in any order.
    pub fn from_headers<'a>(headers: impl IntoIterator<Item = &'a str>) -> Columns {
        let mut positions = [None; Column::ALL.len()];
        for (position, header) in headers.into_iter().enumerate() {
            let header = header.trim();
            if let Some(column) = Column::ALL
                .iter()
                .find(|column| column.name().eq_ignore_ascii_case(header))
            {
                positions[column.index()].get_or_insert(position);
            }
        }
        Columns { positions }
    }

    pub fn has(&self, column: Column) -> bool {
        self.positions[column.index()].is_some()
    }

    pub fn missing_required(&self) -> Vec<Column> {
        Column::REQUIRED
            .into_iter()
            .filter(|column| !self.has(*column))
            .collect()
    }
}

/// One data row of the export.
#[derive(Clone, Debug)]
pub struct Record {
    /// Line number in the file where the row starts; the header is line 1.
    pub line: u64,
    values: Vec<String>,
}

impl Record {
    /// Returns the trimmed cell of `column`, or `None` when the file has no such column.
    pub fn get<'a>(&'a self, columns: &Columns, column: Column) -> Option<&'a str> {
        let position = columns.positions[column.index()]?;
        Some(self.values.get(position).map(|v| v.trim()).unwrap_or(""))
    }
}

/// A row that could not be read at all, such as one with bytes that are not UTF-8.
#[derive(Clone, Debug)]
pub struct UnreadableRow {
    pub line: u64,
    pub reason: String,
}

/// The parsed export.
#[derive(Debug)]
pub struct ExportFile {
    pub columns: Columns,
    pub records: Vec<Record>,
    pub unreadable: Vec<UnreadableRow>,
}

/// Reads and parses the whole file. Fails only when the file cannot be read, has no header, or
/// lacks a required column; problems of single rows are returned with the rows.
pub fn read(path: &Path) -> anyhow::Result<ExportFile> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    parse(&bytes).with_context(|| format!("cannot import {}", path.display()))
}

/// Parses an export held in memory; see [`read`].
pub fn parse(bytes: &[u8]) -> anyhow::Result<ExportFile> {
    // Excel and many Windows tools start UTF-8 files with a byte order mark, which would
    // otherwise become part of the first header name.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => bail!("the header line is not valid CSV text: {error}"),
    };
    if headers.iter().all(|header| header.trim().is_empty()) {
        bail!("the file is empty or has no header line; expected a Qualer client export with a header line");
    }

    let columns = Columns::from_headers(headers.iter());
    let missing = columns.missing_required();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|column| column.name()).collect();
        bail!(
            "the header line lacks the required column(s) {}; export the client list from Qualer \
             again with all columns (required: {})",
            names.join(", "),
            Column::REQUIRED.map(Column::name).join(", ")
        );
    }

    let mut records = Vec::new();
    let mut unreadable = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map(|p| line_of(bytes, p)).unwrap_or(0);
                if record.iter().all(|value| value.trim().is_empty()) {
                    continue;
                }
                // A row with another number of fields than the header has lost or gained a
                // comma, or an unclosed quote has swallowed the lines after it; its cells
                // cannot be matched to columns, so the whole row is rejected.
                if record.len() != headers.len() {
                    unreadable.push(UnreadableRow {
                        line,
                        reason: format!(
                            "the row has {} fields but the header has {}; check for a missing or extra comma, or an unclosed quote",
                            record.len(),
                            headers.len()
                        ),
                    });
                    continue;
                }
                records.push(Record {
                    line,
                    values: record.iter().map(str::to_owned).collect(),
                });
            }
            Err(error) => {
                let line = error.position().map(|p| line_of(bytes, p)).unwrap_or(0);
                match error.kind() {
                    csv::ErrorKind::Utf8 { .. } => unreadable.push(UnreadableRow {
                        line,
                        reason: "the row is not valid UTF-8 text; export the file as UTF-8"
                            .to_owned(),
                    }),
                    _ => bail!("reading line {line} failed: {error}"),
                }
            }
        }
    }
    Ok(ExportFile {
        columns,
        records,
        unreadable,
    })
}

/// Returns the line a record starts on. After a CRLF line ending the csv crate (1.4) puts the record's
/// start on the preceding line's '\n', one line too early.
fn line_of(bytes: &[u8], position: &csv::Position) -> u64 {
    let starts_on_line_break = usize::try_from(position.byte())
        .ok()
        .and_then(|offset| bytes.get(offset))
        == Some(&b'\n');
    if starts_on_line_break {
        position.line() + 1
    } else {
        position.line()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_with_another_field_count_are_unreadable() {
        // The unclosed quote runs to the end of the file, taking the last row with it.
        let file = "ClientCompanyId,ClientCompanyName,AccountNumber\n\
                    1,Fine Co,L-1\n\
                    2,Short Row Co\n\
                    3,\"Unclosed quote,L-3\n\
                    4,Next,L-4\n";
        let parsed = parse(file.as_bytes()).unwrap();
        assert_eq!(parsed.records.len(), 1, "only the complete row is read");
        assert_eq!(parsed.unreadable.len(), 2);
        assert_eq!(parsed.unreadable[0].line, 3);
        assert!(parsed.unreadable[0]
            .reason
            .contains("2 fields but the header has 3"));
        assert_eq!(parsed.unreadable[1].line, 4);
    }

    #[test]
    fn bom_crlf_and_column_order() {
        let file = "\u{feff}AccountNumber,ClientCompanyName,ClientCompanyId\r\n7,\"Acme, \"\"Labs\"\"\",42\r\n";
        let parsed = parse(file.as_bytes()).unwrap();
        let record = &parsed.records[0];
        assert_eq!(record.line, 2);
        assert_eq!(
            record.get(&parsed.columns, Column::ClientCompanyName),
            Some("Acme, \"Labs\"")
        );
        assert_eq!(
            record.get(&parsed.columns, Column::ClientCompanyId),
            Some("42")
        );
        assert_eq!(
            record.get(&parsed.columns, Column::AccountNumber),
            Some("7")
        );
        assert_eq!(record.get(&parsed.columns, Column::DomainName), None);
    }

    #[test]
    fn line_numbers_with_crlf() {
        let file = "ClientCompanyId,ClientCompanyName,AccountNumber\r\n1,A,1\r\n2,\"B\r\nC\",2\r\n3,D,3\r\n";
        let parsed = parse(file.as_bytes()).unwrap();
        let lines: Vec<u64> = parsed.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 5]);
    }

    #[test]
    fn missing_required_column_is_named() {
        let error = parse(b"ClientCompanyName,AccountNumber\nAcme,1\n").unwrap_err();
        assert!(error.to_string().contains("ClientCompanyId"), "{error}");
    }

    #[test]
    fn line_numbers_count_quoted_line_breaks() {
        let file =
            "ClientCompanyId,ClientCompanyName,AccountNumber\n1,\"Two\nLines\",1\n2,Next,2\n";
        let parsed = parse(file.as_bytes()).unwrap();
        assert_eq!(parsed.records[1].line, 4);
    }

    #[test]
    fn invalid_utf8_row_is_reported_not_fatal() {
        let mut file = b"ClientCompanyId,ClientCompanyName,AccountNumber\n1,Caf".to_vec();
        file.extend_from_slice(&[0xE9, b',', b'1', b'\n']);
        file.extend_from_slice(b"2,Fine,2\n");
        let parsed = parse(&file).unwrap();
        assert_eq!(parsed.records.len(), 1);
        assert_eq!(parsed.unreadable[0].line, 2);
    }
}
