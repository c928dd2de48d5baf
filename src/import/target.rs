//! The provider an import writes into, and the provider's sites and employees that Qualer ids
//! in the export point to.

use std::collections::HashMap;

use anyhow::{bail, Context};
use sqlx::Row as _;

use crate::db::Db;
use crate::ids::{EmployeeId, ProviderId, ProviderSiteId};
use crate::text;

/// A provider, for choosing one on the command line.
#[derive(Clone, Debug)]
pub struct ProviderSummary {
    pub id: ProviderId,
    pub name: String,
}

/// Lists every provider in the database, oldest first.
pub async fn list_providers(db: &Db) -> Result<Vec<ProviderSummary>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name FROM providers ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(ProviderSummary {
                id: ProviderId(row.try_get("id")?),
                name: row.try_get("name")?,
            })
        })
        .collect()
}

/// Picks the provider given on the command line, or the only one when none was given.
pub async fn choose_provider(
    db: &Db,
    requested: Option<ProviderId>,
) -> anyhow::Result<ProviderSummary> {
    let providers = list_providers(db)
        .await
        .context("loading the providers failed")?;
    let listing = || {
        providers
            .iter()
            .map(|p| format!("  {}  {}", p.id, p.name))
            .collect::<Vec<_>>()
            .join("\n")
    };

    if let Some(id) = requested {
        return match providers.iter().find(|p| p.id == id) {
            Some(provider) => Ok(provider.clone()),
            None if providers.is_empty() => bail!(
                "provider {id} not found: the database has no provider yet; run `calserve setup` first"
            ),
            None => bail!(
                "provider {id} not found; the providers are:\n{}",
                listing()
            ),
        };
    }
    match providers.as_slice() {
        [] => bail!("the database has no provider yet; run `calserve setup` first"),
        [only] => Ok(only.clone()),
        _ => bail!(
            "the database has {} providers; choose one with --provider ID:\n{}",
            providers.len(),
            listing()
        ),
    }
}

/// A provider site as the import reports it.
#[derive(Clone, Debug)]
pub struct SiteRef {
    pub id: ProviderSiteId,
    pub code: String,
    pub name: String,
}

impl SiteRef {
    /// "ICT (Wichita Lab)", for messages.
    pub fn label(&self) -> String {
        format!("{} ({})", self.code, self.name)
    }
}

/// An employee that has a Qualer employee id.
#[derive(Clone, Debug)]
pub struct EmployeeRef {
    pub id: EmployeeId,
    pub name: String,
    pub active: bool,
}

/// The provider and the lookups that turn Qualer ids into calserve ids.
#[derive(Clone, Debug)]
pub struct Target {
    pub provider: ProviderSummary,
    sites_by_qualer_id: HashMap<i64, SiteRef>,
    site_map: HashMap<i64, SiteRef>,
    /// Serves new clients whose Qualer site id matches no site.
    pub fallback_site: SiteRef,
    employees_by_qualer_id: HashMap<i64, EmployeeRef>,
}

/// The rule that chose a row's serving site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteSource {
    /// A site whose Qualer site id is the row's `AccountRepresentativeSiteId`.
    QualerId,
    /// A `--site-map` entry for the row's `AccountRepresentativeSiteId`.
    SiteMap,
    /// The fallback site, because the row's site id is empty or matches nothing.
    Fallback,
}

impl Target {
    /// Loads the provider's sites and employees and checks the site codes given on the command
    /// line. `fallback_code` is `--site`; without it the provider's oldest site is the fallback.
    pub async fn load(
        db: &Db,
        provider: ProviderSummary,
        fallback_code: Option<&str>,
        site_map: &[(i64, String)],
    ) -> anyhow::Result<Target> {
        let provider_id = provider.id;
        let mut sites = crate::provider_sites::list(db, provider_id)
            .await
            .context("loading the provider's sites failed")?;
        sites.sort_by_key(|site| site.id);
        if sites.is_empty() {
            bail!(
                "provider {provider_id} ({}) has no site; add one under ADMINISTRATION > Sites first",
                provider.name
            );
        }
        let refs: Vec<(Option<i64>, SiteRef)> = sites
            .iter()
            .map(|site| {
                (
                    site.qualer_site_id,
                    SiteRef {
                        id: site.id,
                        code: site.code.clone(),
                        name: site.name.clone(),
                    },
                )
            })
            .collect();
        let by_code = |code: &str| {
            refs.iter()
                .map(|(_, site)| site)
                .find(|site| text::fold(&site.code) == text::fold(code.trim()))
                .cloned()
        };
        let codes = || {
            refs.iter()
                .map(|(_, site)| site.label())
                .collect::<Vec<_>>()
                .join(", ")
        };

        let fallback_site = match fallback_code {
            Some(code) => match by_code(code) {
                Some(site) => site,
                None => bail!(
                    "--site {code}: provider {provider_id} has no site with this code; its sites are {}",
                    codes()
                ),
            },
            None => refs[0].1.clone(),
        };

        let mut mapped = HashMap::new();
        for (qualer_site_id, code) in site_map {
            match by_code(code) {
                Some(site) => {
                    mapped.insert(*qualer_site_id, site);
                }
                None => bail!(
                    "--site-map {qualer_site_id}={code}: provider {provider_id} has no site with this code; its sites are {}",
                    codes()
                ),
            }
        }

        let sites_by_qualer_id = refs
            .iter()
            .filter_map(|(qualer_id, site)| qualer_id.map(|id| (id, site.clone())))
            .collect();
        let employees_by_qualer_id = employees_by_qualer_id(db, provider_id)
            .await
            .context("loading the provider's employees failed")?;

        Ok(Target {
            provider,
            sites_by_qualer_id,
            site_map: mapped,
            fallback_site,
            employees_by_qualer_id,
        })
    }

    pub fn provider_id(&self) -> ProviderId {
        self.provider.id
    }

    /// Picks the serving site for a Qualer site id: a site that carries it, else the `--site-map`
    /// entry, else the fallback site.
    pub fn site_for(&self, qualer_site_id: Option<i64>) -> (SiteRef, SiteSource) {
        let Some(id) = qualer_site_id else {
            return (self.fallback_site.clone(), SiteSource::Fallback);
        };
        if let Some(site) = self.sites_by_qualer_id.get(&id) {
            return (site.clone(), SiteSource::QualerId);
        }
        if let Some(site) = self.site_map.get(&id) {
            return (site.clone(), SiteSource::SiteMap);
        }
        (self.fallback_site.clone(), SiteSource::Fallback)
    }

    pub fn employee_for(&self, qualer_employee_id: i64) -> Option<&EmployeeRef> {
        self.employees_by_qualer_id.get(&qualer_employee_id)
    }
}

async fn employees_by_qualer_id(
    db: &Db,
    provider_id: ProviderId,
) -> Result<HashMap<i64, EmployeeRef>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, first_name, last_name, active, qualer_employee_id FROM employees \
         WHERE provider_id = $1 AND qualer_employee_id IS NOT NULL",
    )
    .bind(provider_id.0)
    .fetch_all(&db.pool)
    .await?;

    let mut employees = HashMap::new();
    for row in rows {
        let first: String = row.try_get("first_name")?;
        let last: String = row.try_get("last_name")?;
        employees.insert(
            row.try_get::<i64, _>("qualer_employee_id")?,
            EmployeeRef {
                id: EmployeeId(row.try_get("id")?),
                name: format!("{first} {last}"),
                active: row.try_get::<i64, _>("active")? != 0,
            },
        );
    }
    Ok(employees)
}
