//! The demo provider: Northwind Calibration with three sites in three time zones, a dozen
//! employees and a few hundred clients in six countries.

use std::collections::HashSet;

use anyhow::{bail, Context};

use super::data::{self, Country, Generator, Region};
use crate::audit::{self, Actor, Entity};
use crate::auth::Role;
use crate::clients::queries::{self, NewClient};
use crate::clients::{ClientStatus, CompanyForm, HeadquartersForm, ListKind};
use crate::db::{Db, Tx};
use crate::employees::{self, EmployeeForm, EmployeeInput};
use crate::ids::{EmployeeId, ListValueId, ProviderId, ProviderSiteId};
use crate::provider_sites::{self, SiteForm};
use crate::setup::{self, SetupForm};
use crate::text;

pub const PROVIDER_NAME: &str = "Northwind Calibration";
pub const ADMIN_EMAIL: &str = "demo@calserve.test";
/// The demo's shared password; it is printed, so the demo must not hold real data.
pub const PASSWORD: &str = "calserve-demo";
/// Seed of the client generator, so every demo looks the same.
const SEED: u64 = 20_240_611;

const ACTOR: Actor<'static> = Actor::System("demo");

struct SiteSpec {
    name: &'static str,
    code: &'static str,
    line1: &'static str,
    city: &'static str,
    state: &'static str,
    postal_code: &'static str,
    country: &'static str,
    phone: &'static str,
    time_zone: &'static str,
    region: Region,
}

/// The first site is the one setup creates.
const SITES: [SiteSpec; 3] = [
    SiteSpec {
        name: "Wichita Lab",
        code: "ICT",
        line1: "2150 N Airport Rd",
        city: "Wichita",
        state: "KS",
        postal_code: "67209",
        country: "US",
        phone: "(316) 555-0140",
        time_zone: "America/Chicago",
        region: Region::UnitedStates,
    },
    SiteSpec {
        name: "Toronto Lab",
        code: "YYZ",
        line1: "480 Steeles Ave W",
        city: "Toronto",
        state: "ON",
        postal_code: "M3J 1P3",
        country: "CA",
        phone: "(416) 555-0162",
        time_zone: "America/Toronto",
        region: Region::Canada,
    },
    SiteSpec {
        name: "Stuttgart Lab",
        code: "STR",
        line1: "Heilbronner Straße 150",
        city: "Stuttgart",
        state: "BW",
        postal_code: "70191",
        country: "DE",
        phone: "+49 711 5550 180",
        time_zone: "Europe/Berlin",
        region: Region::Europe,
    },
];

struct EmployeeSpec {
    first_name: &'static str,
    last_name: &'static str,
    title: &'static str,
    phone: &'static str,
    role: Role,
    /// Index into [`SITES`].
    site: usize,
    /// Whether the employee is the Default Client Account Representative of their site.
    site_default: bool,
    /// Whether the employee gets the demo password, so the staff view can be tried as well.
    signs_in: bool,
}

impl EmployeeSpec {
    fn is_sales(&self) -> bool {
        matches!(self.title, "Account Representative" | "Sales Engineer")
    }
}

/// The demo administrator, created by setup; the others follow.
const ADMINISTRATOR: EmployeeSpec = EmployeeSpec {
    first_name: "Dana",
    last_name: "Whitfield",
    title: "Operations Director",
    phone: "(316) 555-0141",
    role: Role::Administrator,
    site: 0,
    site_default: false,
    signs_in: true,
};

const EMPLOYEES: [EmployeeSpec; 11] = [
    EmployeeSpec {
        first_name: "Marcus",
        last_name: "Oyelaran",
        title: "Quality Manager",
        phone: "(316) 555-0142",
        role: Role::Administrator,
        site: 0,
        site_default: false,
        signs_in: false,
    },
    EmployeeSpec {
        first_name: "Priya",
        last_name: "Raman",
        title: "Account Representative",
        phone: "(316) 555-0143",
        role: Role::Staff,
        site: 0,
        site_default: true,
        signs_in: true,
    },
    EmployeeSpec {
        first_name: "Tom",
        last_name: "Kessler",
        title: "Account Representative",
        phone: "(316) 555-0144",
        role: Role::Staff,
        site: 0,
        site_default: false,
        signs_in: false,
    },
    EmployeeSpec {
        first_name: "Luis",
        last_name: "Ortega",
        title: "Calibration Technician",
        phone: "(316) 555-0145",
        role: Role::Staff,
        site: 0,
        site_default: false,
        signs_in: false,
    },
    EmployeeSpec {
        first_name: "Hannah",
        last_name: "Brooks",
        title: "Customer Service Coordinator",
        phone: "(316) 555-0146",
        role: Role::Staff,
        site: 0,
        site_default: false,
        signs_in: false,
    },
    EmployeeSpec {
        first_name: "Émilie",
        last_name: "Gagnon",
        title: "Account Representative",
        phone: "(416) 555-0163",
        role: Role::Staff,
        site: 1,
        site_default: true,
        signs_in: false,
    },
    EmployeeSpec {
        first_name: "Ryan",
        last_name: "Chen",
        title: "Calibration Technician",
        phone: "(416) 555-0164",
        role: Role::Staff,
        site: 1,
        site_default: false,
        signs_in: false,
    },
    EmployeeSpec {
        first_name: "Sofia",
        last_name: "Almeida",
        title: "Account Representative",
        phone: "(416) 555-0165",
        role: Role::Staff,
        site: 1,
        site_default: false,
        signs_in: false,
    },
    EmployeeSpec {
        first_name: "Jürgen",
        last_name: "Bauer",
        title: "Account Representative",
        phone: "+49 711 5550 181",
        role: Role::Staff,
        site: 2,
        site_default: true,
        signs_in: false,
    },
    EmployeeSpec {
        first_name: "Katrin",
        last_name: "Vogel",
        title: "Sales Engineer",
        phone: "+49 711 5550 182",
        role: Role::Staff,
        site: 2,
        site_default: false,
        signs_in: false,
    },
    EmployeeSpec {
        first_name: "Mehmet",
        last_name: "Demir",
        title: "Calibration Technician",
        phone: "+49 711 5550 183",
        role: Role::Staff,
        site: 2,
        site_default: false,
        signs_in: false,
    },
];

/// Builds the login email of a demo employee: "first.last@northwind-cal.test", folded to ASCII.
fn employee_email(spec: &EmployeeSpec) -> String {
    if spec.signs_in && spec.role == Role::Administrator {
        return ADMIN_EMAIL.to_owned();
    }
    data::email_for(spec.first_name, spec.last_name, "northwind-cal.test")
}

/// The records [`create`] made, for the printed summary.
#[derive(Debug)]
pub struct DemoProvider {
    pub provider_id: ProviderId,
    pub sites: Vec<String>,
    pub administrators: usize,
    pub staff: usize,
    /// Emails that sign in with [`PASSWORD`], the administrator first.
    pub logins: Vec<String>,
    pub clients: ClientCounts,
}

/// Tallies of the generated clients.
#[derive(Debug, Default)]
pub struct ClientCounts {
    pub total: usize,
    pub by_status: [usize; 4],
    pub client_specific_representative: usize,
    pub account_manager: usize,
    pub separate_shipping: usize,
    pub countries: Vec<(&'static str, usize)>,
}

/// A site the demo created, with the employees clients of its region may get.
struct DemoSite {
    id: ProviderSiteId,
    region: Region,
    staff: Vec<EmployeeId>,
}

/// Finds a provider named like the demo provider, if one exists.
pub async fn exists(db: &Db) -> anyhow::Result<Option<ProviderId>> {
    let providers = crate::import::target::list_providers(db).await?;
    let demo_key = text::fold(PROVIDER_NAME);
    Ok(providers
        .into_iter()
        .find(|p| text::fold(&p.name).contains(&demo_key))
        .map(|p| p.id))
}

/// Creates the demo provider with its sites, employees and `client_count` clients.
pub async fn create(db: &Db, client_count: usize) -> anyhow::Result<DemoProvider> {
    if let Some(id) = exists(db).await? {
        bail!(
            "a provider named like \"{PROVIDER_NAME}\" exists already (id {id}), so the demo is \
             loaded; sign in as {ADMIN_EMAIL}, or use a new database for a fresh demo"
        );
    }

    let first_site = &SITES[0];
    let form = SetupForm {
        company_name: PROVIDER_NAME.to_owned(),
        site_name: first_site.name.to_owned(),
        site_code: first_site.code.to_owned(),
        time_zone: first_site.time_zone.to_owned(),
        first_name: ADMINISTRATOR.first_name.to_owned(),
        last_name: ADMINISTRATOR.last_name.to_owned(),
        email: ADMIN_EMAIL.to_owned(),
        password: PASSWORD.to_owned(),
    };
    let created = match setup::create_provider(db, &form).await? {
        Ok(created) => created,
        Err(errors) => {
            let messages: Vec<String> = errors
                .fields()
                .map(|(field, message)| format!("{field}: {message}"))
                .collect();
            bail!(
                "creating the demo provider failed: {}; use a new database for the demo",
                messages.join("; ")
            );
        }
    };
    let provider_id = created.provider_id;

    let mut tx = db.begin().await?;
    let mut site_ids = vec![created.site_id];
    for spec in &SITES[1..] {
        let input = site_form(spec, None)
            .validate()
            .map_err(|errors| anyhow::anyhow!("demo site {} is invalid: {errors:?}", spec.code))?;
        let id = provider_sites::insert(&mut tx, provider_id, &input)
            .await
            .map_err(|error| {
                anyhow::anyhow!("creating demo site {} failed: {error:?}", spec.code)
            })?;
        audit::record(
            &mut tx,
            provider_id,
            Entity::ProviderSite,
            id.0,
            "created",
            &ACTOR,
            &[],
        )
        .await?;
        site_ids.push(id);
    }

    let employee_ids =
        create_employees(&mut tx, provider_id, created.administrator_id, &site_ids).await?;
    let sites = assign_site_defaults(&mut tx, provider_id, &site_ids, &employee_ids).await?;

    let lists = create_list_values(&mut tx, provider_id).await?;
    let managers: Vec<EmployeeId> = EMPLOYEES
        .iter()
        .zip(&employee_ids[1..])
        .filter(|(spec, _)| spec.title != "Calibration Technician")
        .map(|(_, id)| *id)
        .chain([created.administrator_id])
        .collect();
    let clients = create_clients(
        &mut tx,
        provider_id,
        client_count,
        &sites,
        &managers,
        &lists,
    )
    .await?;
    tx.commit()
        .await
        .context("saving the demo provider failed")?;

    let all = std::iter::once(&ADMINISTRATOR).chain(EMPLOYEES.iter());
    let administrators = all
        .clone()
        .filter(|e| e.role == Role::Administrator)
        .count();
    let logins = all.filter(|e| e.signs_in).map(employee_email).collect();
    Ok(DemoProvider {
        provider_id,
        sites: SITES
            .iter()
            .map(|s| format!("{} {} ({})", s.code, s.name, s.time_zone))
            .collect(),
        administrators,
        staff: EMPLOYEES.len() + 1 - administrators,
        logins,
        clients,
    })
}

fn site_form(spec: &SiteSpec, default_representative: Option<EmployeeId>) -> SiteForm {
    SiteForm {
        name: spec.name.to_owned(),
        code: spec.code.to_owned(),
        address_line1: spec.line1.to_owned(),
        city: spec.city.to_owned(),
        state: spec.state.to_owned(),
        postal_code: spec.postal_code.to_owned(),
        country: spec.country.to_owned(),
        phone: spec.phone.to_owned(),
        time_zone: spec.time_zone.to_owned(),
        default_representative_id: default_representative
            .map(|id| id.to_string())
            .unwrap_or_default(),
        ..Default::default()
    }
}

fn employee_input(spec: &EmployeeSpec, site_id: ProviderSiteId) -> anyhow::Result<EmployeeInput> {
    let form = EmployeeForm {
        first_name: spec.first_name.to_owned(),
        last_name: spec.last_name.to_owned(),
        email: employee_email(spec),
        title: spec.title.to_owned(),
        phone: spec.phone.to_owned(),
        role: spec.role.as_str().to_owned(),
        home_site_id: site_id.to_string(),
        password: if spec.signs_in {
            PASSWORD.to_owned()
        } else {
            String::new()
        },
        version: String::new(),
    };
    form.validate(false).map_err(|errors| {
        anyhow::anyhow!("demo employee {} is invalid: {errors:?}", spec.last_name)
    })
}

/// Completes the administrator setup created and adds the other employees. Returns the ids in
/// the order administrator, then [`EMPLOYEES`].
async fn create_employees(
    tx: &mut Tx,
    provider_id: ProviderId,
    administrator_id: EmployeeId,
    site_ids: &[ProviderSiteId],
) -> anyhow::Result<Vec<EmployeeId>> {
    // The setup form has no title or phone field. The update keeps the password because it
    // passes none.
    let mut administrator = employee_input(&ADMINISTRATOR, site_ids[ADMINISTRATOR.site])?;
    administrator.password = None;
    employees::update(tx, provider_id, administrator_id, 1, &administrator)
        .await
        .map_err(|error| anyhow::anyhow!("completing the demo administrator failed: {error:?}"))?;

    let mut ids = vec![administrator_id];
    for spec in &EMPLOYEES {
        let input = employee_input(spec, site_ids[spec.site])?;
        let id = match employees::insert(tx, provider_id, &input).await {
            Ok(id) => id,
            Err(employees::SaveError::DuplicateEmail) => bail!(
                "{} signs in to another provider already; load the demo into a new database",
                input.email
            ),
            Err(error) => bail!("creating demo employee {} failed: {error:?}", input.email),
        };
        audit::record(
            tx,
            provider_id,
            Entity::Employee,
            id.0,
            "created",
            &ACTOR,
            &[],
        )
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// Gives every site its address and its Default Client Account Representative, which can only
/// be set once the employees exist.
async fn assign_site_defaults(
    tx: &mut Tx,
    provider_id: ProviderId,
    site_ids: &[ProviderSiteId],
    employee_ids: &[EmployeeId],
) -> anyhow::Result<Vec<DemoSite>> {
    let specs: Vec<&EmployeeSpec> = std::iter::once(&ADMINISTRATOR)
        .chain(EMPLOYEES.iter())
        .collect();
    let mut sites = Vec::new();
    for (index, (spec, site_id)) in SITES.iter().zip(site_ids).enumerate() {
        let on_site: Vec<(usize, &&EmployeeSpec)> = specs
            .iter()
            .enumerate()
            .filter(|(_, employee)| employee.site == index)
            .collect();
        let default_representative = on_site
            .iter()
            .find(|(_, employee)| employee.site_default)
            .map(|(position, _)| employee_ids[*position]);

        let input = site_form(spec, default_representative)
            .validate()
            .map_err(|errors| anyhow::anyhow!("demo site {} is invalid: {errors:?}", spec.code))?;
        provider_sites::update(tx, provider_id, *site_id, 1, &input)
            .await
            .map_err(|error| {
                anyhow::anyhow!("completing demo site {} failed: {error:?}", spec.code)
            })?;

        sites.push(DemoSite {
            id: *site_id,
            region: spec.region,
            // Client-specific representatives are the site's other sales people.
            staff: on_site
                .iter()
                .filter(|(_, employee)| !employee.site_default && employee.is_sales())
                .map(|(position, _)| employee_ids[*position])
                .collect(),
        });
    }
    Ok(sites)
}

/// The provider's lists, as a provider would set them up.
struct DemoLists {
    classes: Vec<ListValueId>,
    invoicing: Vec<ListValueId>,
    standing: Vec<ListValueId>,
    categories: Vec<ListValueId>,
}

async fn create_list_values(tx: &mut Tx, provider_id: ProviderId) -> anyhow::Result<DemoLists> {
    async fn values(
        tx: &mut Tx,
        provider_id: ProviderId,
        kind: ListKind,
        names: &[&str],
    ) -> Result<Vec<ListValueId>, sqlx::Error> {
        let mut ids = Vec::new();
        for name in names {
            ids.push(queries::ensure_list_value(tx, provider_id, kind, name, None).await?);
        }
        Ok(ids)
    }

    Ok(DemoLists {
        classes: values(
            tx,
            provider_id,
            ListKind::Class,
            &[
                "Aerospace",
                "Automotive",
                "Medical devices",
                "Energy",
                "Government",
            ],
        )
        .await?,
        invoicing: values(
            tx,
            provider_id,
            ListKind::Invoicing,
            &["PO required", "Credit card on file", "Net 30"],
        )
        .await?,
        standing: values(
            tx,
            provider_id,
            ListKind::Standing,
            &["Good standing", "Credit hold"],
        )
        .await?,
        categories: values(
            tx,
            provider_id,
            ListKind::Category,
            &["Key account", "Contract", "Walk-in"],
        )
        .await?,
    })
}

/// Creates the sample clients through the same insert the new-client page uses, so each gets
/// its admin employee and a generated account number.
async fn create_clients(
    tx: &mut Tx,
    provider_id: ProviderId,
    count: usize,
    sites: &[DemoSite],
    managers: &[EmployeeId],
    lists: &DemoLists,
) -> anyhow::Result<ClientCounts> {
    let mut generator = Generator::new(SEED);
    let mut counts = ClientCounts::default();
    let mut names = HashSet::new();

    for _ in 0..count {
        let country = generator.country();
        let site = sites
            .iter()
            .find(|site| site.region == country.region)
            .unwrap_or(&sites[0]);
        let (company, headquarters) =
            sample_client(&mut generator, country, site, managers, lists, &mut names);
        let company = company
            .validate()
            .map_err(|errors| anyhow::anyhow!("a demo client is invalid: {errors:?}"))?;
        let headquarters = headquarters
            .validate()
            .map_err(|errors| anyhow::anyhow!("a demo client address is invalid: {errors:?}"))?;

        let new = NewClient {
            company: &company,
            headquarters: &headquarters,
            qualer_client_id: None,
        };
        let (client_id, _) = queries::insert(tx, provider_id, &new)
            .await
            .map_err(|error| anyhow::anyhow!("creating a demo client failed: {error:?}"))?;
        audit::record(
            tx,
            provider_id,
            Entity::Client,
            client_id.0,
            "created",
            &ACTOR,
            &[],
        )
        .await?;

        counts.total += 1;
        let status_index = ClientStatus::ALL
            .iter()
            .position(|s| *s == company.status)
            .unwrap_or(1);
        counts.by_status[status_index] += 1;
        counts.client_specific_representative += usize::from(company.representative_id.is_some());
        counts.account_manager += usize::from(company.account_manager_id.is_some());
        counts.separate_shipping += usize::from(!headquarters.shipping_same_as_billing);
        match counts
            .countries
            .iter_mut()
            .find(|(code, _)| *code == country.code)
        {
            Some((_, n)) => *n += 1,
            None => counts.countries.push((country.code, 1)),
        }
    }
    Ok(counts)
}

/// Generates one client as the new-client form would receive it.
fn sample_client(
    generator: &mut Generator,
    country: &Country,
    site: &DemoSite,
    managers: &[EmployeeId],
    lists: &DemoLists,
    names: &mut HashSet<String>,
) -> (CompanyForm, HeadquartersForm) {
    let mut name = generator.company_name(country);
    let billing = generator.address(country);
    // Generated names repeat now and then; a city makes them unique, as real duplicates are.
    if !names.insert(text::fold(&name)) {
        name = format!("{name} ({})", billing.city);
        names.insert(text::fold(&name));
    }
    let domain = data::domain_for(&name);
    let contact = generator.person(country);

    let status = match generator.index(100) {
        0..=74 => ClientStatus::Approved,
        75..=86 => ClientStatus::Prospect,
        87..=94 => ClientStatus::NotApproved,
        _ => ClientStatus::Hidden,
    };
    let id_or_empty = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
    let mut pick_list = |values: &[ListValueId], probability: f64| {
        generator
            .chance(probability)
            .then(|| generator.pick(values).0)
    };
    let class_id = pick_list(&lists.classes, 0.6);
    let invoicing_id = pick_list(&lists.invoicing, 0.5);
    let standing_id = pick_list(&lists.standing, 0.25);
    let category_id = pick_list(&lists.categories, 0.4);
    let representative_id =
        (generator.chance(0.25) && !site.staff.is_empty()).then(|| generator.pick(&site.staff).0);
    let account_manager_id = generator.chance(0.3).then(|| generator.pick(managers).0);

    let company = CompanyForm {
        name,
        status: status.as_str().to_owned(),
        domain: domain.clone(),
        legacy_id: if generator.chance(0.1) {
            format!("NW-{:05}", generator.index(100_000))
        } else {
            String::new()
        },
        currency: country.currency.to_owned(),
        class_id: id_or_empty(class_id),
        invoicing_id: id_or_empty(invoicing_id),
        standing_id: id_or_empty(standing_id),
        category_id: id_or_empty(category_id),
        serving_site_id: site.id.to_string(),
        representative_id: id_or_empty(representative_id),
        account_manager_id: id_or_empty(account_manager_id),
        contact_first_name: contact.first_name.clone(),
        contact_last_name: contact.last_name.clone(),
        contact_title: contact.title.clone(),
        contact_email: data::email_for(&contact.first_name, &contact.last_name, &domain),
        contact_phone: generator.phone(country, billing.phone_area),
        contact_mobile: if generator.chance(0.3) {
            generator.phone(country, billing.phone_area)
        } else {
            String::new()
        },
        contact_fax: if generator.chance(0.15) {
            generator.phone(country, billing.phone_area)
        } else {
            String::new()
        },
        ..Default::default()
    };

    let separate_shipping = generator.chance(0.2);
    let shipping = if separate_shipping {
        let mut shipping = generator.address(country);
        shipping.line2 = "Receiving dock".to_owned();
        shipping
    } else {
        Default::default()
    };
    let headquarters = HeadquartersForm {
        billing_line1: billing.line1,
        billing_line2: billing.line2,
        billing_city: billing.city,
        billing_state: billing.state,
        billing_postal_code: billing.postal_code,
        billing_country: country.code.to_owned(),
        shipping_same_as_billing: if separate_shipping {
            String::new()
        } else {
            "on".to_owned()
        },
        shipping_line1: shipping.line1,
        shipping_line2: shipping.line2,
        shipping_city: shipping.city,
        shipping_state: shipping.state,
        shipping_postal_code: shipping.postal_code,
        shipping_country: if separate_shipping {
            country.code.to_owned()
        } else {
            String::new()
        },
        version: String::new(),
    };
    (company, headquarters)
}
