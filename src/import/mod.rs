//! Importing clients from a Qualer client export (CSV), as `calserve import-clients`.
//!
//! Rows are matched to existing clients by Qualer's `ClientCompanyId`, else by account number,
//! so importing the same file twice creates no duplicates. Every row is validated before
//! anything is written; a rejected row is reported with its line, column and reason and the
//! other rows still import. Column mapping and quirks are described in docs/import.md.

pub mod csv_file;
mod report;
mod row;
pub mod target;
mod write;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

pub use report::Summary;
pub use row::RowIssue;

use crate::db::Db;
use crate::ids::ProviderId;
use crate::text;
use csv_file::{Column, ExportFile};
use row::ValidRow;
use target::{SiteSource, Target};
use write::{Labels, ListValues, Outcome};

/// Rows written per transaction: large enough that commits do not dominate, small enough that
/// a long import does not hold SQLite's write lock for long.
const BATCH_ROWS: usize = 250;

/// Arguments of `calserve import-clients`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file exported from Qualer (UTF-8; columns matched by header name).
    pub file: PathBuf,
    /// Id of the provider to import into; required when the database has more than one.
    #[arg(long, value_name = "ID")]
    pub provider: Option<ProviderId>,
    /// Code of the site serving clients whose Qualer site id matches no site (default: the
    /// provider's oldest site).
    #[arg(long, value_name = "CODE")]
    pub site: Option<String>,
    /// Serve clients of a Qualer site from the site with this code; repeat for more sites.
    #[arg(long = "site-map", value_name = "QUALER_SITE_ID=CODE", value_parser = parse_site_map)]
    pub site_map: Vec<(i64, String)>,
    /// Validate and report what would change, without saving anything.
    #[arg(long)]
    pub dry_run: bool,
}

fn parse_site_map(value: &str) -> Result<(i64, String), String> {
    let invalid = || format!("expected QUALER_SITE_ID=CODE such as 96552=ICT, not \"{value}\"");
    let (id, code) = value.split_once('=').ok_or_else(invalid)?;
    let id = id.trim().parse::<i64>().map_err(|_| invalid())?;
    let code = code.trim();
    if code.is_empty() {
        return Err(invalid());
    }
    Ok((id, code.to_owned()))
}

/// Runs `calserve import-clients` and prints its summary.
pub async fn run_cli(db: &Db, args: ImportArgs) -> anyhow::Result<()> {
    let file = csv_file::read(&args.file)?;
    let provider = target::choose_provider(db, args.provider).await?;
    let target = Target::load(db, provider, args.site.as_deref(), &args.site_map).await?;

    let summary = import(db, &target, file, args.dry_run).await?;
    print!("{}", summary.render(&args.file.display().to_string()));
    Ok(())
}

/// Imports a parsed export into the target provider. With `dry_run` every write happens in
/// one transaction that is rolled back, so the summary is exactly what a real run would do.
pub async fn import(
    db: &Db,
    target: &Target,
    file: ExportFile,
    dry_run: bool,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let provider_id = target.provider_id();
    let mut summary = Summary::new(target, dry_run);

    for row in &file.unreadable {
        summary.reject(vec![RowIssue {
            line: row.line,
            column: String::new(),
            message: row.reason.clone(),
        }]);
    }
    let mut rows = validate_all(&file, target, &mut summary);
    summary.rows_read = file.records.len() + file.unreadable.len();

    let mut tx = db.begin().await.context("opening a transaction failed")?;
    let mut lists = ListValues::load(&mut tx, provider_id)
        .await
        .context("loading the provider's classes failed")?;
    lists
        .resolve(&mut tx, provider_id, &mut rows)
        .await
        .context("creating the list values the file names failed")?;
    if !dry_run {
        tx.commit()
            .await
            .context("saving the list values the file names failed")?;
        tx = db.begin().await.context("opening a transaction failed")?;
    }

    let mut labels = Labels::default();
    for (index, row) in rows.iter().enumerate() {
        if index > 0 && index % BATCH_ROWS == 0 && !dry_run {
            tx.commit()
                .await
                .context("saving a batch of clients failed")?;
            tx = db.begin().await.context("opening a transaction failed")?;
        }
        match write::write_row(db, &mut labels, &mut tx, target, &file.columns, row).await? {
            Ok(outcome) => summary.count(row, outcome),
            Err(issue) => summary.reject(vec![issue]),
        }
    }

    if dry_run {
        tx.rollback()
            .await
            .context("discarding the dry run failed")?;
    } else {
        tx.commit()
            .await
            .context("saving a batch of clients failed")?;
    }
    summary.elapsed = started.elapsed();
    tracing::info!(
        provider_id = %provider_id,
        created = summary.created,
        updated = summary.updated,
        unchanged = summary.unchanged,
        rejected = summary.rejected_rows(),
        dry_run,
        "client import finished"
    );
    Ok(summary)
}

/// Validates every record and rejects rows that repeat an earlier row's Qualer id or account
/// number.
fn validate_all(file: &ExportFile, target: &Target, summary: &mut Summary) -> Vec<ValidRow> {
    let mut rows = Vec::new();
    let mut lines_by_qualer_id: HashMap<i64, u64> = HashMap::new();
    let mut lines_by_account_number: HashMap<String, u64> = HashMap::new();

    for record in &file.records {
        let row = match row::validate(record, &file.columns, target) {
            Ok(row) => row,
            Err(issues) => {
                summary.reject(issues);
                continue;
            }
        };

        if let Some(first) = lines_by_qualer_id.get(&row.qualer_client_id) {
            summary.reject(vec![RowIssue {
                line: row.line,
                column: Column::ClientCompanyId.name().to_owned(),
                message: format!(
                    "ClientCompanyId {} is also on line {first}; each Qualer company can appear once.",
                    row.qualer_client_id
                ),
            }]);
            continue;
        }
        let account_key = text::fold(&row.company.account_number);
        if !account_key.is_empty() {
            if let Some(first) = lines_by_account_number.get(&account_key) {
                summary.reject(vec![RowIssue {
                    line: row.line,
                    column: Column::AccountNumber.name().to_owned(),
                    message: format!(
                        "Account number \"{}\" is also on line {first}; account numbers must be unique.",
                        row.company.account_number
                    ),
                }]);
                continue;
            }
            lines_by_account_number.insert(account_key, row.line);
        }
        lines_by_qualer_id.insert(row.qualer_client_id, row.line);
        rows.push(row);
    }
    rows
}

impl Summary {
    /// Counts a written row, how its serving site was chosen, and its warnings.
    fn count(&mut self, row: &ValidRow, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
        match row.site_source {
            SiteSource::QualerId => self.sites.by_qualer_id += 1,
            SiteSource::SiteMap => self.sites.by_site_map += 1,
            SiteSource::Fallback => self.sites.fallback += 1,
        }
        if let Some(site_id) = &row.unmatched_site_id {
            self.sites.note_unmatched(site_id, row.line);
        }
        self.warnings.extend(row.warnings.iter().cloned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_map_argument() {
        assert_eq!(parse_site_map("96552=ICT"), Ok((96552, "ICT".to_owned())));
        assert!(parse_site_map("ICT").is_err());
        assert!(parse_site_map("x=ICT").is_err());
        assert!(parse_site_map("5=").is_err());
    }
}
