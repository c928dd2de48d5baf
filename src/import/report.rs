//! The summary an import prints: counts, how serving sites were chosen, and every rejected row
//! and warning with its line and column.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::row::RowIssue;
use super::target::Target;

/// Tally of the rules that chose the serving sites of the written rows.
#[derive(Clone, Debug, Default)]
pub struct SiteTally {
    pub by_qualer_id: usize,
    pub by_site_map: usize,
    pub fallback: usize,
    /// Qualer site ids that matched no site, with their row count and first line.
    pub unmatched: BTreeMap<String, (usize, u64)>,
}

impl SiteTally {
    pub fn note_unmatched(&mut self, qualer_site_id: &str, line: u64) {
        let entry = self
            .unmatched
            .entry(qualer_site_id.to_owned())
            .or_insert((0, line));
        entry.0 += 1;
    }
}

/// The outcome of an import.
#[derive(Clone, Debug)]
pub struct Summary {
    pub provider: String,
    pub fallback_site: String,
    pub dry_run: bool,
    /// Data rows in the file, readable or not.
    pub rows_read: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Problems of rejected rows; a row may have several.
    pub rejected: Vec<RowIssue>,
    pub warnings: Vec<RowIssue>,
    pub sites: SiteTally,
    pub elapsed: Duration,
}

impl Summary {
    pub fn new(target: &Target, dry_run: bool) -> Summary {
        Summary {
            provider: format!("{} ({})", target.provider.name, target.provider.id),
            fallback_site: target.fallback_site.label(),
            dry_run,
            rows_read: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            rejected: Vec::new(),
            warnings: Vec::new(),
            sites: SiteTally::default(),
            elapsed: Duration::ZERO,
        }
    }

    pub fn reject(&mut self, issues: Vec<RowIssue>) {
        self.rejected.extend(issues);
    }

    /// Counts the rejected rows, a row with several problems once.
    pub fn rejected_rows(&self) -> usize {
        let mut lines: Vec<u64> = self.rejected.iter().map(|issue| issue.line).collect();
        lines.sort_unstable();
        lines.dedup();
        lines.len()
    }

    /// Renders the text printed at the end of `calserve import-clients`.
    pub fn render(&self, file_name: &str) -> String {
        let mut out = String::new();
        let (verb, result) = if self.dry_run {
            (
                "Checked",
                "Dry run, nothing was saved. Importing the file would give",
            )
        } else {
            ("Imported", "Result")
        };
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{verb} {file_name} into provider {} in {:.1} s: {} rows read.",
            self.provider,
            self.elapsed.as_secs_f64(),
            self.rows_read
        );
        let _ = writeln!(
            out,
            "{result}: {} created, {} updated, {} unchanged, {} rejected, {} warnings.",
            self.created,
            self.updated,
            self.unchanged,
            self.rejected_rows(),
            self.warnings.len()
        );

        let sites = &self.sites;
        let _ = writeln!(
            out,
            "Serving site: {} rows by Qualer site id, {} by --site-map, {} fell back to {} \
             (new clients get it, existing clients keep their site).",
            sites.by_qualer_id, sites.by_site_map, sites.fallback, self.fallback_site
        );
        for (qualer_site_id, (rows, first_line)) in &sites.unmatched {
            let _ = writeln!(
                out,
                "  Qualer site {qualer_site_id} ({rows} rows, first on line {first_line}) matches no site: \
                 set it as a site's Qualer site id, or pass --site-map {qualer_site_id}=CODE."
            );
        }

        if !self.rejected.is_empty() {
            let _ = writeln!(out, "Rejected rows (nothing of them was saved):");
            let mut rejected = self.rejected.clone();
            rejected.sort_by_key(|issue| issue.line);
            for issue in &rejected {
                let _ = writeln!(out, "  {}", describe(issue));
            }
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(out, "Warnings (the rows were imported):");
            for issue in &self.warnings {
                let _ = writeln!(out, "  {}", describe(issue));
            }
        }
        out
    }
}

/// "line 7, PrimaryContactEmail: Enter an email address …".
fn describe(issue: &RowIssue) -> String {
    if issue.column.is_empty() {
        format!("line {}: {}", issue.line, issue.message)
    } else {
        format!("line {}, {}: {}", issue.line, issue.column, issue.message)
    }
}
