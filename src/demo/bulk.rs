//! Bulk clients for benchmarks: many generated clients added to an existing provider with
//! multi-row INSERT statements inside a few large transactions.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use sqlx::any::AnyArguments;
use sqlx::{Arguments, Row as _};

use super::data::{self, Generator};
use crate::clients::model::search_text;
use crate::clients::{ClientStatus, CompanyInput};
use crate::db::{self, Backend, Db, Tx};
use crate::ids::{ClientId, EmployeeId, ProviderId, ProviderSiteId};
use crate::text;

/// Clients per transaction: big enough that commits cost little, small enough that a failure
/// midway leaves whole batches behind and SQLite's write lock is released now and then.
const CLIENTS_PER_TRANSACTION: usize = 10_000;

/// Seed of the bulk generator; distinct from the sample clients' seed.
const SEED: u64 = 1_000_003;

/// The client columns a bulk row fills; the others keep their defaults. `provider_id`,
/// `created_at` and `updated_at` are bound once per statement.
const CLIENT_COLUMNS: [&str; 20] = [
    "account_number",
    "account_number_key",
    "name",
    "name_key",
    "status",
    "domain",
    "currency",
    "serving_site_id",
    "representative_id",
    "account_manager_id",
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_phone",
    "billing_line1",
    "billing_city",
    "billing_state",
    "billing_postal_code",
    "billing_country",
    "search_text",
];

/// The provider's sites and employees bulk clients are spread over.
pub struct Spread {
    pub sites: Vec<ProviderSiteId>,
    pub employees: Vec<EmployeeId>,
}

impl Spread {
    pub async fn load(db: &Db, provider_id: ProviderId) -> anyhow::Result<Spread> {
        let sites: Vec<ProviderSiteId> = crate::provider_sites::list_options(db, provider_id)
            .await?
            .into_iter()
            .map(|site| site.id)
            .collect();
        if sites.is_empty() {
            bail!("provider {provider_id} has no site; add one under ADMINISTRATION > Sites first");
        }
        let employees = crate::employees::active_options(db, provider_id)
            .await?
            .into_iter()
            .map(|employee| employee.id)
            .collect();
        Ok(Spread { sites, employees })
    }
}

/// The clients a bulk run added, and how long it took.
#[derive(Debug)]
pub struct BulkOutcome {
    pub added: usize,
    pub first_account_number: i64,
    pub last_account_number: i64,
    pub elapsed: Duration,
}

/// Adds `count` generated clients, each with its admin employee and a "created" audit event,
/// numbered after the provider's highest numeric account number.
pub async fn add_clients(
    db: &Db,
    provider_id: ProviderId,
    count: usize,
) -> anyhow::Result<BulkOutcome> {
    let started = Instant::now();
    let spread = Spread::load(db, provider_id).await?;
    let first_number = first_free_account_number(db, provider_id).await?;
    let mut generator = Generator::new(SEED ^ first_number as u64);
    let rows_per_statement = rows_per_statement(db.backend);
    let now = db::now();

    let mut added = 0;
    while added < count {
        let in_transaction = CLIENTS_PER_TRANSACTION.min(count - added);
        let mut tx = db.begin().await?;
        let mut done = 0;
        while done < in_transaction {
            let in_statement = rows_per_statement.min(in_transaction - done);
            let start = first_number + (added + done) as i64;
            let clients: Vec<BulkClient> = (0..in_statement)
                .map(|offset| generate(&mut generator, &spread, start + offset as i64))
                .collect();
            let ids = insert_clients(&mut tx, provider_id, &clients, &now).await?;
            insert_admin_employees(&mut tx, provider_id, &ids, &now).await?;
            insert_audit_events(&mut tx, provider_id, &ids, &now).await?;
            done += in_statement;
        }
        added += in_transaction;
        set_next_account_number(&mut tx, provider_id, first_number + added as i64).await?;
        tx.commit().await.with_context(|| {
            format!(
                "saving bulk clients {}..{} failed",
                added - in_transaction + 1,
                added
            )
        })?;
        tracing::debug!(provider_id = %provider_id, added, "bulk clients saved");
    }

    Ok(BulkOutcome {
        added,
        first_account_number: first_number,
        last_account_number: first_number + added as i64 - 1,
        elapsed: started.elapsed(),
    })
}

/// Bound parameters one statement may have: SQLite 3.32 and later allow 32,766, PostgreSQL
/// 65,535. Three parameters are bound once per statement.
fn max_parameters(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 32_766,
        Backend::Postgres => 65_535,
    }
}

/// Clients per INSERT statement. SQLite treats `$N` as a named parameter and finds names by a
/// linear scan when it parses and binds, so a statement's cost per row grows with its number
/// of parameters. Adding 10,000 clients (debug build) with 25 to 1,638 rows per statement was
/// fastest at 50 to 100 rows. PostgreSQL numbers parameters natively, and statements of more
/// than 500 rows were no faster there.
fn rows_per_statement(backend: Backend) -> usize {
    let rows: usize = match backend {
        Backend::Sqlite => 64,
        Backend::Postgres => 500,
    };
    rows.min((max_parameters(backend) - 3) / CLIENT_COLUMNS.len())
}

/// Returns one more than the provider's highest numeric account number, or its next generated number
/// when that is higher.
async fn first_free_account_number(db: &Db, provider_id: ProviderId) -> anyhow::Result<i64> {
    let next: i64 = sqlx::query("SELECT next_account_number FROM providers WHERE id = $1")
        .bind(provider_id.0)
        .fetch_one(&db.pool)
        .await?
        .try_get("next_account_number")?;
    // Account numbers are text, and non-numeric ones cannot be compared in portable SQL, so the
    // highest numeric one is found here.
    let rows = sqlx::query("SELECT account_number FROM clients WHERE provider_id = $1")
        .bind(provider_id.0)
        .fetch_all(&db.pool)
        .await?;
    let mut highest = 0_i64;
    for row in rows {
        let number: String = row.try_get("account_number")?;
        if let Ok(number) = number.parse::<i64>() {
            highest = highest.max(number);
        }
    }
    Ok(next.max(highest + 1))
}

/// A generated client with its billing address.
struct BulkClient {
    company: CompanyInput,
    billing: data::PostalAddress,
    country: &'static str,
}

/// Generates a client numbered `account_number`. About 30% get a client-specific
/// representative and 20% an account manager; the rest inherit their site's default.
fn generate(generator: &mut Generator, spread: &Spread, account_number: i64) -> BulkClient {
    let country = generator.country();
    let billing = generator.address(country);
    let name = format!("{} {account_number}", generator.company_name(country));
    let domain = format!("c{account_number}.{}", data::domain_for(&name));
    let person = generator.person(country);
    let status = match generator.index(100) {
        0..=79 => ClientStatus::Approved,
        80..=89 => ClientStatus::Prospect,
        90..=95 => ClientStatus::NotApproved,
        _ => ClientStatus::Hidden,
    };
    let serving_site_id = *generator.pick(&spread.sites);
    let mut employee = |probability: f64| {
        (!spread.employees.is_empty() && generator.chance(probability))
            .then(|| *generator.pick(&spread.employees))
    };
    let representative_id = employee(0.3);
    let account_manager_id = employee(0.2);

    let company = CompanyInput {
        account_number: account_number.to_string(),
        status,
        domain: domain.clone(),
        alternative_names: String::new(),
        custom_name: String::new(),
        legacy_id: String::new(),
        currency: country.currency.to_owned(),
        class_id: None,
        invoicing_id: None,
        standing_id: None,
        category_id: None,
        serving_site_id: Some(serving_site_id),
        representative_id,
        account_manager_id,
        contact: crate::clients::model::Contact {
            email: data::email_for(&person.first_name, &person.last_name, &domain),
            first_name: person.first_name,
            last_name: person.last_name,
            title: String::new(),
            phone: generator.phone(country, billing.phone_area),
            mobile: String::new(),
            fax: String::new(),
        },
        name,
    };
    BulkClient {
        company,
        billing,
        country: country.code,
    }
}

/// Appends `(v1, v2, …)` tuples to `sql`, one per row, numbering placeholders from `first`.
/// `fixed` lists SQL text for the columns that are the same in every row.
fn values_clause(sql: &mut String, rows: usize, per_row: usize, first: usize, fixed: &str) {
    let mut next = first;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(fixed);
        for column in 0..per_row {
            if column > 0 || !fixed.is_empty() {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&next.to_string());
            next += 1;
        }
        sql.push(')');
    }
}

fn add<'q, T>(arguments: &mut AnyArguments<'q>, value: T)
where
    T: 'q + sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    // The Any driver encodes every i64, Option<i64> and String it is given.
    arguments
        .add(value)
        .expect("the Any driver encodes integers and text");
}

async fn insert_clients(
    tx: &mut Tx,
    provider_id: ProviderId,
    clients: &[BulkClient],
    now: &str,
) -> anyhow::Result<Vec<ClientId>> {
    let mut sql = format!(
        "INSERT INTO clients (provider_id, created_at, updated_at, {}) VALUES ",
        CLIENT_COLUMNS.join(", ")
    );
    values_clause(
        &mut sql,
        clients.len(),
        CLIENT_COLUMNS.len(),
        4,
        "$1, $2, $3",
    );
    sql.push_str(" RETURNING id");

    let mut arguments = AnyArguments::default();
    add(&mut arguments, provider_id.0);
    add(&mut arguments, now.to_owned());
    add(&mut arguments, now.to_owned());
    for BulkClient {
        company: client,
        billing,
        country,
    } in clients
    {
        add(&mut arguments, client.account_number.clone());
        add(&mut arguments, text::fold(&client.account_number));
        add(&mut arguments, client.name.clone());
        add(&mut arguments, text::fold(&client.name));
        add(&mut arguments, client.status.as_str().to_owned());
        add(&mut arguments, client.domain.clone());
        add(&mut arguments, client.currency.clone());
        add(&mut arguments, client.serving_site_id.map(|id| id.0));
        add(&mut arguments, client.representative_id.map(|id| id.0));
        add(&mut arguments, client.account_manager_id.map(|id| id.0));
        add(&mut arguments, client.contact.first_name.clone());
        add(&mut arguments, client.contact.last_name.clone());
        add(&mut arguments, client.contact.email.clone());
        add(&mut arguments, client.contact.phone.clone());
        add(&mut arguments, billing.line1.clone());
        add(&mut arguments, billing.city.clone());
        add(&mut arguments, billing.state.clone());
        add(&mut arguments, billing.postal_code.clone());
        add(&mut arguments, (*country).to_owned());
        add(&mut arguments, search_text(client, &client.account_number));
    }
    let rows = sqlx::query_with(&sql, arguments)
        .fetch_all(&mut **tx)
        .await
        .context("inserting bulk clients failed")?;
    rows.iter()
        .map(|row| Ok(ClientId(row.try_get("id")?)))
        .collect()
}

/// Inserts the admin client employee of every client, as `clients::queries::insert` does.
async fn insert_admin_employees(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_ids: &[ClientId],
    now: &str,
) -> anyhow::Result<()> {
    let mut sql = String::from(
        "INSERT INTO client_employees (provider_id, first_name, last_name, is_admin, created_at, \
         updated_at, client_id) VALUES ",
    );
    values_clause(
        &mut sql,
        client_ids.len(),
        1,
        3,
        "$1, 'Admin', 'Employee', 1, $2, $2",
    );
    let mut arguments = AnyArguments::default();
    add(&mut arguments, provider_id.0);
    add(&mut arguments, now.to_owned());
    for id in client_ids {
        add(&mut arguments, id.0);
    }
    sqlx::query_with(&sql, arguments)
        .execute(&mut **tx)
        .await
        .context("inserting the admin employees of bulk clients failed")?;
    Ok(())
}

async fn insert_audit_events(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_ids: &[ClientId],
    now: &str,
) -> anyhow::Result<()> {
    let mut sql = String::from(
        "INSERT INTO audit_events (provider_id, entity, action, actor_name, changes, occurred_at, \
         entity_id) VALUES ",
    );
    values_clause(
        &mut sql,
        client_ids.len(),
        1,
        3,
        "$1, 'client', 'created', 'demo', '[]', $2",
    );
    let mut arguments = AnyArguments::default();
    add(&mut arguments, provider_id.0);
    add(&mut arguments, now.to_owned());
    for id in client_ids {
        add(&mut arguments, id.0);
    }
    sqlx::query_with(&sql, arguments)
        .execute(&mut **tx)
        .await
        .context("recording the bulk clients in the audit trail failed")?;
    Ok(())
}

async fn set_next_account_number(
    tx: &mut Tx,
    provider_id: ProviderId,
    next: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE providers SET next_account_number = \
         CASE WHEN next_account_number > $1 THEN next_account_number ELSE $1 END WHERE id = $2",
    )
    .bind(next)
    .bind(provider_id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_stay_under_parameter_limits() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let rows = rows_per_statement(backend);
            assert!(rows * CLIENT_COLUMNS.len() + 3 <= max_parameters(backend));
            assert!(rows >= 50, "{backend:?}: {rows} rows per statement");
        }
    }

    #[test]
    fn values_clause_numbers_placeholders() {
        let mut sql = String::new();
        values_clause(&mut sql, 2, 2, 3, "$1");
        assert_eq!(sql, "($1, $3, $4), ($1, $5, $6)");
        let mut sql = String::new();
        values_clause(&mut sql, 2, 1, 1, "");
        assert_eq!(sql, "($1), ($2)");
    }
}
