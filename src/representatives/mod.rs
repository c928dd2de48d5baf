//! Account representatives: the one rule that decides who is responsible for a client, and the
//! bulk reassignment of accounts from one representative to another.
//!
//! The effective representative of a client is its client-specific representative when one is
//! set and active; otherwise the Default Client Account Representative of the provider site that
//! serves it, when set and active; otherwise none. It is always computed from current data by the
//! SQL below, never stored, so a change of a site default or an employee's deactivation shows
//! everywhere at once.

pub mod reassign;

pub use reassign::{reassign, routes, ReassignOutcome};

use sqlx::Row as _;

use crate::db::Row;
use crate::ids::EmployeeId;

/// Joins that bring the effective representative of the clients aliased `c` into scope: `cr` is
/// the active client-specific representative, `sr` the active default of the serving site `ss`.
pub const JOINS: &str = " LEFT JOIN employees cr ON cr.id = c.representative_id AND cr.active = 1 \
     LEFT JOIN provider_sites ss ON ss.id = c.serving_site_id \
     LEFT JOIN employees sr ON sr.id = ss.default_representative_id AND sr.active = 1 ";

/// Columns for [`Effective::from_row`]; use together with [`JOINS`].
pub const COLUMNS: &str = " COALESCE(cr.id, sr.id) AS effective_rep_id, \
     CASE WHEN cr.id IS NOT NULL THEN 'client' WHEN sr.id IS NOT NULL THEN 'site' ELSE 'none' END AS effective_rep_source, \
     COALESCE(cr.first_name, sr.first_name, '') AS effective_rep_first_name, \
     COALESCE(cr.last_name, sr.last_name, '') AS effective_rep_last_name, \
     COALESCE(cr.email, sr.email, '') AS effective_rep_email, \
     COALESCE(cr.phone, sr.phone, '') AS effective_rep_phone, \
     COALESCE(cr.title, sr.title, '') AS effective_rep_title, \
     COALESCE(ss.name, '') AS serving_site_name ";

/// The effective representative's id, as an SQL expression over [`JOINS`].
pub const EFFECTIVE_ID: &str = "COALESCE(cr.id, sr.id)";

/// Where the effective representative comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Set on the client itself.
    ClientSpecific,
    /// The Default Client Account Representative of the serving provider site.
    SiteDefault,
    /// Nobody: no active client-specific representative and no active site default.
    None,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::ClientSpecific => "client-specific",
            Source::SiteDefault => "site default",
            Source::None => "no representative",
        }
    }
}

/// A client's effective representative.
#[derive(Clone, Debug)]
pub struct Effective {
    pub id: Option<EmployeeId>,
    pub source: Source,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub title: String,
    /// The provider site whose default applies, when the source is the site default.
    pub site_name: String,
}

impl Effective {
    pub fn from_row(row: &Row) -> Result<Effective, sqlx::Error> {
        let source: String = row.try_get("effective_rep_source")?;
        let source = match source.as_str() {
            "client" => Source::ClientSpecific,
            "site" => Source::SiteDefault,
            _ => Source::None,
        };
        let first: String = row.try_get("effective_rep_first_name")?;
        let last: String = row.try_get("effective_rep_last_name")?;
        Ok(Effective {
            id: row
                .try_get::<Option<i64>, _>("effective_rep_id")?
                .map(EmployeeId),
            source,
            name: format!("{first} {last}").trim().to_owned(),
            email: row.try_get("effective_rep_email")?,
            phone: row.try_get("effective_rep_phone")?,
            title: row.try_get("effective_rep_title")?,
            site_name: row.try_get("serving_site_name")?,
        })
    }

    /// "client-specific", "site default (Main Lab)" or "no representative".
    pub fn provenance(&self) -> String {
        match self.source {
            Source::SiteDefault if !self.site_name.is_empty() => {
                format!("site default ({})", self.site_name)
            }
            other => other.label().to_owned(),
        }
    }

    pub fn is_site_default(&self) -> bool {
        self.source == Source::SiteDefault
    }

    pub fn is_none(&self) -> bool {
        self.source == Source::None
    }
}
