//! Writing validated rows: list values first, then clients in batches, each row inside a
//! savepoint so a row the database rejects leaves nothing behind.

use std::collections::HashMap;

use sqlx::{Executor, Row as _};

use super::csv_file::{Column, Columns};
use super::row::{RowIssue, ValidRow};
use super::target::{SiteSource, Target};
use crate::audit::{self, Actor, Entity};
use crate::clients::queries::{self, NewClient, SaveError};
use crate::clients::{self, Client, CompanyInput, HeadquartersInput, ListKind, ReferenceNames};
use crate::db::{Db, Tx};
use crate::ids::{ListValueId, ProviderId};

/// The audit actor of every change an import makes.
pub const ACTOR: Actor<'static> = Actor::System("import");

/// Labels the audit trail's fields, looking up the names of each combination of referenced
/// list values, site and employees once: an export points to only a few of them.
#[derive(Debug, Default)]
pub struct Labels {
    names: HashMap<[Option<i64>; 7], ReferenceNames>,
}

impl Labels {
    async fn fields(
        &mut self,
        db: &Db,
        provider_id: ProviderId,
        company: &CompanyInput,
    ) -> Result<Vec<(&'static str, String)>, sqlx::Error> {
        let key = [
            company.class_id.map(|id| id.0),
            company.invoicing_id.map(|id| id.0),
            company.standing_id.map(|id| id.0),
            company.category_id.map(|id| id.0),
            company.serving_site_id.map(|id| id.0),
            company.representative_id.map(|id| id.0),
            company.account_manager_id.map(|id| id.0),
        ];
        let names = match self.names.get(&key) {
            Some(names) => names.clone(),
            None => {
                let names = clients::reference_names(db, provider_id, company).await?;
                self.names.insert(key, names.clone());
                names
            }
        };
        Ok(clients::company_fields_named(company, &names))
    }
}

/// The result of writing one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// The provider's list values, by kind and name, plus classes by their Qualer id.
#[derive(Debug, Default)]
pub struct ListValues {
    by_name: HashMap<(&'static str, String), ListValueId>,
    classes_by_qualer_id: HashMap<i64, ListValueId>,
}

impl ListValues {
    /// Loads the classes that already carry a Qualer id, so a class renamed in calserve keeps
    /// receiving the clients of its Qualer class.
    pub async fn load(tx: &mut Tx, provider_id: ProviderId) -> Result<ListValues, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, qualer_id FROM client_list_values \
             WHERE provider_id = $1 AND kind = $2 AND qualer_id IS NOT NULL",
        )
        .bind(provider_id.0)
        .bind(ListKind::Class.as_str())
        .fetch_all(&mut **tx)
        .await?;

        let mut values = ListValues::default();
        for row in rows {
            values
                .classes_by_qualer_id
                .insert(row.try_get("qualer_id")?, ListValueId(row.try_get("id")?));
        }
        Ok(values)
    }

    /// Finds or creates every list value the rows name, and sets the ids on their input.
    pub async fn resolve(
        &mut self,
        tx: &mut Tx,
        provider_id: ProviderId,
        rows: &mut [ValidRow],
    ) -> Result<(), sqlx::Error> {
        for row in rows {
            let company = &mut row.company;
            company.class_id = match row.lists.class {
                Some(qualer_id) => Some(self.class(tx, provider_id, qualer_id).await?),
                None => None,
            };
            company.invoicing_id = self
                .named(tx, provider_id, ListKind::Invoicing, &row.lists.invoicing)
                .await?;
            company.standing_id = self
                .named(tx, provider_id, ListKind::Standing, &row.lists.standing)
                .await?;
            company.category_id = self
                .named(tx, provider_id, ListKind::Category, &row.lists.category)
                .await?;
        }
        Ok(())
    }

    async fn class(
        &mut self,
        tx: &mut Tx,
        provider_id: ProviderId,
        qualer_id: i64,
    ) -> Result<ListValueId, sqlx::Error> {
        if let Some(id) = self.classes_by_qualer_id.get(&qualer_id) {
            return Ok(*id);
        }
        // The export carries class ids only, so the class is named after its Qualer id until
        // someone renames it.
        let name = format!("Class {qualer_id}");
        let id =
            queries::ensure_list_value(tx, provider_id, ListKind::Class, &name, Some(qualer_id))
                .await?;
        self.classes_by_qualer_id.insert(qualer_id, id);
        Ok(id)
    }

    async fn named(
        &mut self,
        tx: &mut Tx,
        provider_id: ProviderId,
        kind: ListKind,
        name: &Option<String>,
    ) -> Result<Option<ListValueId>, sqlx::Error> {
        let Some(name) = name else {
            return Ok(None);
        };
        let key = (kind.as_str(), name.clone());
        if let Some(id) = self.by_name.get(&key) {
            return Ok(Some(*id));
        }
        let id = queries::ensure_list_value(tx, provider_id, kind, name, None).await?;
        self.by_name.insert(key, id);
        Ok(Some(id))
    }
}

/// Writes one row in its own savepoint. A row that clashes with another client, such as one
/// with an account number already taken, is rolled back and returned as a row error. Other
/// database failures end the import.
pub async fn write_row(
    db: &Db,
    labels: &mut Labels,
    tx: &mut Tx,
    target: &Target,
    columns: &Columns,
    row: &ValidRow,
) -> anyhow::Result<Result<Outcome, RowIssue>> {
    tx.execute("SAVEPOINT import_row").await?;
    match write_row_inner(db, labels, tx, target, columns, row).await {
        Ok(Ok(outcome)) => {
            tx.execute("RELEASE SAVEPOINT import_row").await?;
            Ok(Ok(outcome))
        }
        Ok(Err(issue)) => {
            tx.execute("ROLLBACK TO SAVEPOINT import_row").await?;
            tx.execute("RELEASE SAVEPOINT import_row").await?;
            Ok(Err(issue))
        }
        Err(failure) => {
            tx.execute("ROLLBACK TO SAVEPOINT import_row").await?;
            tx.execute("RELEASE SAVEPOINT import_row").await?;
            match failure {
                SaveError::DuplicateAccountNumber => Ok(Err(RowIssue {
                    line: row.line,
                    column: Column::AccountNumber.name().to_owned(),
                    message: format!(
                        "Another client already has account number \"{}\"; \
                         give one of them another number.",
                        row.company.account_number
                    ),
                })),
                SaveError::Conflict => Ok(Err(RowIssue {
                    line: row.line,
                    column: String::new(),
                    message:
                        "Someone changed this client during the import; import the file again."
                            .to_owned(),
                })),
                SaveError::Database(error) => Err(anyhow::Error::new(error)
                    .context(format!("saving the client of line {} failed", row.line))),
            }
        }
    }
}

async fn write_row_inner(
    db: &Db,
    labels: &mut Labels,
    tx: &mut Tx,
    target: &Target,
    columns: &Columns,
    row: &ValidRow,
) -> Result<Result<Outcome, RowIssue>, SaveError> {
    let provider_id = target.provider_id();
    let found = queries::find_for_import(
        tx,
        provider_id,
        Some(row.qualer_client_id),
        &row.company.account_number,
    )
    .await?;
    let Some((client_id, _)) = found else {
        return create(db, labels, tx, provider_id, row).await.map(Ok);
    };
    let Some(existing) = queries::find_in(tx, provider_id, client_id).await? else {
        return Err(SaveError::Conflict);
    };

    let linked = match queries::qualer_client_id(tx, provider_id, client_id).await? {
        Some(id) if id == row.qualer_client_id => false,
        Some(other) => {
            return Ok(Err(RowIssue {
                line: row.line,
                column: Column::AccountNumber.name().to_owned(),
                message: format!(
                    "Account number \"{}\" belongs to {} (account {}), imported from Qualer \
                     company {other}; give this company another account number in Qualer.",
                    row.company.account_number, existing.name, existing.account_number
                ),
            }));
        }
        None => {
            queries::link_qualer_client(tx, provider_id, client_id, row.qualer_client_id).await?;
            true
        }
    };

    let before = company_of(&existing);
    let after = merge(row, columns, &before);
    if after == before {
        return Ok(Ok(if linked {
            Outcome::Updated
        } else {
            Outcome::Unchanged
        }));
    }

    queries::update_company(tx, provider_id, client_id, existing.version, &after).await?;
    let changes = clients::changes_between(
        &labels.fields(db, provider_id, &before).await?,
        &labels.fields(db, provider_id, &after).await?,
    );
    audit::record(
        tx,
        provider_id,
        Entity::Client,
        client_id.0,
        "imported",
        &ACTOR,
        &changes,
    )
    .await?;
    Ok(Ok(Outcome::Updated))
}

async fn create(
    db: &Db,
    labels: &mut Labels,
    tx: &mut Tx,
    provider_id: ProviderId,
    row: &ValidRow,
) -> Result<Outcome, SaveError> {
    // The export has no addresses, so a new client starts with an empty headquarters address
    // that ships to the billing address.
    let headquarters = HeadquartersInput {
        billing: Default::default(),
        shipping_same_as_billing: true,
        shipping: Default::default(),
    };
    let new = NewClient {
        company: &row.company,
        headquarters: &headquarters,
        qualer_client_id: Some(row.qualer_client_id),
    };
    let (client_id, account_number) = queries::insert(tx, provider_id, &new).await?;

    let mut fields = labels.fields(db, provider_id, &row.company).await?;
    fields[1].1 = account_number;
    let empty: Vec<(&str, String)> = fields
        .iter()
        .map(|(label, _)| (*label, String::new()))
        .collect();
    audit::record(
        tx,
        provider_id,
        Entity::Client,
        client_id.0,
        "created",
        &ACTOR,
        &clients::changes_between(&empty, &fields),
    )
    .await?;
    Ok(Outcome::Created)
}

/// Builds a client's stored company information in the shape the import compares and saves.
fn company_of(client: &Client) -> CompanyInput {
    CompanyInput {
        name: client.name.clone(),
        account_number: client.account_number.clone(),
        status: client.status,
        domain: client.domain.clone(),
        alternative_names: client.alternative_names.clone(),
        custom_name: client.custom_name.clone(),
        legacy_id: client.legacy_id.clone(),
        currency: client.currency.clone(),
        class_id: client.class_id,
        invoicing_id: client.invoicing_id,
        standing_id: client.standing_id,
        category_id: client.category_id,
        serving_site_id: client.serving_site_id,
        representative_id: client.representative_id,
        account_manager_id: client.account_manager_id,
        contact: client.contact.clone(),
    }
}

/// Lays the row's values over the client's stored ones. Fields whose column the file lacks keep
/// their stored value, as do the ones the export never carries (contact title and mobile). An
/// empty account number keeps the stored one, and so does the serving site when the row only
/// fell back to the default site.
fn merge(row: &ValidRow, columns: &Columns, before: &CompanyInput) -> CompanyInput {
    let mut after = row.company.clone();
    let keep = |column: Column| !columns.has(column);

    if after.account_number.is_empty() {
        after.account_number = before.account_number.clone();
    }
    if keep(Column::ClientStatusId) {
        after.status = before.status;
    }
    if keep(Column::DomainName) {
        after.domain = before.domain.clone();
    }
    if keep(Column::AlternativeNames) {
        after.alternative_names = before.alternative_names.clone();
    }
    if keep(Column::CustomClientName) {
        after.custom_name = before.custom_name.clone();
    }
    if keep(Column::LegacyId) {
        after.legacy_id = before.legacy_id.clone();
    }
    if keep(Column::CurrencyId) {
        after.currency = before.currency.clone();
    }
    if keep(Column::ClientClassId) {
        after.class_id = before.class_id;
    }
    if keep(Column::ClientInvoicing) {
        after.invoicing_id = before.invoicing_id;
    }
    if keep(Column::ClientStanding) {
        after.standing_id = before.standing_id;
    }
    if keep(Column::ClientCategory) {
        after.category_id = before.category_id;
    }
    if row.site_source == SiteSource::Fallback && before.serving_site_id.is_some() {
        after.serving_site_id = before.serving_site_id;
    }
    if keep(Column::AccountRepresentativeEmployeeId) {
        after.representative_id = before.representative_id;
    }
    if keep(Column::AccountManagerEmployeeId) {
        after.account_manager_id = before.account_manager_id;
    }

    let contact = &mut after.contact;
    if keep(Column::PrimaryFirstName) {
        contact.first_name = before.contact.first_name.clone();
    }
    if keep(Column::PrimaryLastName) {
        contact.last_name = before.contact.last_name.clone();
    }
    if keep(Column::PrimaryPhone) {
        contact.phone = before.contact.phone.clone();
    }
    if keep(Column::PrimaryFax) {
        contact.fax = before.contact.fax.clone();
    }
    if keep(Column::PrimaryContactEmail) {
        contact.email = before.contact.email.clone();
    }
    contact.title = before.contact.title.clone();
    contact.mobile = before.contact.mobile.clone();
    after
}
