//! Client queries; every one is scoped by the provider.

use sqlx::Row as _;

use super::model::{
    search_text, Address, Client, ClientStatus, CompanyInput, Contact, HeadquartersInput, ListKind,
};
use crate::db::{self, Db, Row, Tx};
use crate::ids::{ClientId, EmployeeId, ListValueId, ProviderId, ProviderSiteId};
use crate::representatives::{self, Effective};
use crate::text;

fn select_client() -> String {
    format!(
        "SELECT c.*, {columns}, COALESCE(am.first_name || ' ' || am.last_name, '') AS account_manager_name \
         FROM clients c {joins} LEFT JOIN employees am ON am.id = c.account_manager_id \
         WHERE c.provider_id = $1",
        columns = representatives::COLUMNS,
        joins = representatives::JOINS,
    )
}

/// Reads the address columns `{prefix}_line1` … `{prefix}_country` of a row.
pub fn address(row: &Row, prefix: &str) -> Result<Address, sqlx::Error> {
    Ok(Address {
        line1: row.try_get(format!("{prefix}_line1").as_str())?,
        line2: row.try_get(format!("{prefix}_line2").as_str())?,
        city: row.try_get(format!("{prefix}_city").as_str())?,
        state: row.try_get(format!("{prefix}_state").as_str())?,
        postal_code: row.try_get(format!("{prefix}_postal_code").as_str())?,
        country: row.try_get(format!("{prefix}_country").as_str())?,
    })
}

fn optional_id(row: &Row, column: &str) -> Result<Option<i64>, sqlx::Error> {
    row.try_get::<Option<i64>, _>(column)
}

fn from_row(row: &Row) -> Result<Client, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Client {
        id: ClientId(row.try_get("id")?),
        account_number: row.try_get("account_number")?,
        name: row.try_get("name")?,
        status: ClientStatus::parse(&status).unwrap_or(ClientStatus::Approved),
        domain: row.try_get("domain")?,
        alternative_names: row.try_get("alternative_names")?,
        custom_name: row.try_get("custom_name")?,
        legacy_id: row.try_get("legacy_id")?,
        currency: row.try_get("currency")?,
        class_id: optional_id(row, "class_id")?.map(ListValueId),
        invoicing_id: optional_id(row, "invoicing_id")?.map(ListValueId),
        standing_id: optional_id(row, "standing_id")?.map(ListValueId),
        category_id: optional_id(row, "category_id")?.map(ListValueId),
        serving_site_id: optional_id(row, "serving_site_id")?.map(ProviderSiteId),
        representative_id: optional_id(row, "representative_id")?.map(EmployeeId),
        account_manager_id: optional_id(row, "account_manager_id")?.map(EmployeeId),
        account_manager_name: row.try_get("account_manager_name")?,
        contact: Contact {
            first_name: row.try_get("contact_first_name")?,
            last_name: row.try_get("contact_last_name")?,
            title: row.try_get("contact_title")?,
            email: row.try_get("contact_email")?,
            phone: row.try_get("contact_phone")?,
            mobile: row.try_get("contact_mobile")?,
            fax: row.try_get("contact_fax")?,
        },
        billing: address(row, "billing")?,
        shipping_same_as_billing: row.try_get::<i64, _>("shipping_same_as_billing")? != 0,
        shipping: address(row, "shipping")?,
        effective_representative: Effective::from_row(row)?,
        version: row.try_get("version")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Finds one client of the provider. Another provider's client is `None`, like a missing one.
pub async fn find(
    db: &Db,
    provider_id: ProviderId,
    client_id: ClientId,
) -> Result<Option<Client>, sqlx::Error> {
    let sql = format!("{} AND c.id = $2", select_client());
    let row = sqlx::query(&sql)
        .bind(provider_id.0)
        .bind(client_id.0)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Finds a client like [`find`], inside a transaction so the transaction's own uncommitted
/// writes are read too.
pub async fn find_in(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
) -> Result<Option<Client>, sqlx::Error> {
    let sql = format!("{} AND c.id = $2", select_client());
    let row = sqlx::query(&sql)
        .bind(provider_id.0)
        .bind(client_id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Returns the Qualer `ClientCompanyId` stored on a client, if any.
pub async fn qualer_client_id(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
) -> Result<Option<i64>, sqlx::Error> {
    let row =
        sqlx::query("SELECT qualer_client_id FROM clients WHERE provider_id = $1 AND id = $2")
            .bind(provider_id.0)
            .bind(client_id.0)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row
        .map(|row| row.try_get::<Option<i64>, _>("qualer_client_id"))
        .transpose()?
        .flatten())
}

/// Stores Qualer's `ClientCompanyId` on a client that has none yet, such as one created in
/// calserve and then found by its account number, so the next import finds it by that id.
pub async fn link_qualer_client(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    qualer_client_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE clients SET qualer_client_id = $1 \
         WHERE provider_id = $2 AND id = $3 AND qualer_client_id IS NULL",
    )
    .bind(qualer_client_id)
    .bind(provider_id.0)
    .bind(client_id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Finds the client with the Qualer id or account number given, for imports that update in
/// place.
pub async fn find_for_import(
    tx: &mut Tx,
    provider_id: ProviderId,
    qualer_client_id: Option<i64>,
    account_number: &str,
) -> Result<Option<(ClientId, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, version FROM clients WHERE provider_id = $1 \
         AND (qualer_client_id = $2 OR account_number_key = $3) \
         ORDER BY CASE WHEN qualer_client_id = $2 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(provider_id.0)
    .bind(qualer_client_id)
    .bind(text::fold(account_number))
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|row| Ok((ClientId(row.try_get("id")?), row.try_get("version")?)))
        .transpose()
}

/// A reason a client could not be saved, beyond the form's own checks.
#[derive(Debug)]
pub enum SaveError {
    DuplicateAccountNumber,
    /// Someone saved the client since the form was opened.
    Conflict,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(error: sqlx::Error) -> Self {
        if db::is_unique_violation(&error, "clients_account_number", "account_number_key") {
            SaveError::DuplicateAccountNumber
        } else {
            SaveError::Database(error)
        }
    }
}

/// A client to create.
pub struct NewClient<'a> {
    pub company: &'a CompanyInput,
    pub headquarters: &'a HeadquartersInput,
    /// Qualer's `ClientCompanyId`, when the client comes from a Qualer export.
    pub qualer_client_id: Option<i64>,
}

/// Creates a client and its admin employee in the caller's transaction, generating the account
/// number when none was given. Returns the id and the account number used.
pub async fn insert(
    tx: &mut Tx,
    provider_id: ProviderId,
    new: &NewClient<'_>,
) -> Result<(ClientId, String), SaveError> {
    let company = new.company;
    let account_number = if company.account_number.is_empty() {
        next_account_number(tx, provider_id).await?
    } else {
        reserve_account_number(tx, provider_id, &company.account_number).await?;
        company.account_number.clone()
    };
    let hq = new.headquarters;
    let now = db::now();

    let row = sqlx::query(
        "INSERT INTO clients (provider_id, account_number, account_number_key, name, name_key, status, \
         domain, alternative_names, custom_name, legacy_id, currency, class_id, invoicing_id, standing_id, \
         category_id, serving_site_id, representative_id, account_manager_id, contact_first_name, \
         contact_last_name, contact_title, contact_email, contact_phone, contact_mobile, contact_fax, \
         billing_line1, billing_line2, billing_city, billing_state, billing_postal_code, billing_country, \
         shipping_same_as_billing, shipping_line1, shipping_line2, shipping_city, shipping_state, \
         shipping_postal_code, shipping_country, qualer_client_id, search_text, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
         $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, \
         $41, $41) RETURNING id",
    )
    .bind(provider_id.0)
    .bind(&account_number)
    .bind(text::fold(&account_number))
    .bind(&company.name)
    .bind(text::fold(&company.name))
    .bind(company.status.as_str())
    .bind(&company.domain)
    .bind(&company.alternative_names)
    .bind(&company.custom_name)
    .bind(&company.legacy_id)
    .bind(&company.currency)
    .bind(company.class_id.map(|id| id.0))
    .bind(company.invoicing_id.map(|id| id.0))
    .bind(company.standing_id.map(|id| id.0))
    .bind(company.category_id.map(|id| id.0))
    .bind(company.serving_site_id.map(|id| id.0))
    .bind(company.representative_id.map(|id| id.0))
    .bind(company.account_manager_id.map(|id| id.0))
    .bind(&company.contact.first_name)
    .bind(&company.contact.last_name)
    .bind(&company.contact.title)
    .bind(&company.contact.email)
    .bind(&company.contact.phone)
    .bind(&company.contact.mobile)
    .bind(&company.contact.fax)
    .bind(&hq.billing.line1)
    .bind(&hq.billing.line2)
    .bind(&hq.billing.city)
    .bind(&hq.billing.state)
    .bind(&hq.billing.postal_code)
    .bind(&hq.billing.country)
    .bind(i64::from(hq.shipping_same_as_billing))
    .bind(&hq.shipping.line1)
    .bind(&hq.shipping.line2)
    .bind(&hq.shipping.city)
    .bind(&hq.shipping.state)
    .bind(&hq.shipping.postal_code)
    .bind(&hq.shipping.country)
    .bind(new.qualer_client_id)
    .bind(search_text(company, &account_number))
    .bind(&now)
    .fetch_one(&mut **tx)
    .await?;
    let client_id = ClientId(row.try_get("id")?);

    insert_admin_employee(tx, provider_id, client_id, &now).await?;
    Ok((client_id, account_number))
}

/// Inserts the "admin" client employee every client gets. It has no usable credentials:
/// provider support signs in as it, and the provider may remove it.
async fn insert_admin_employee(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO client_employees (provider_id, client_id, first_name, last_name, is_admin, created_at, updated_at) \
         VALUES ($1, $2, 'Admin', 'Employee', 1, $3, $3)",
    )
    .bind(provider_id.0)
    .bind(client_id.0)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes the provider's next free numeric account number.
async fn next_account_number(tx: &mut Tx, provider_id: ProviderId) -> Result<String, sqlx::Error> {
    loop {
        let number: i64 = sqlx::query(
            "UPDATE providers SET next_account_number = next_account_number + 1 \
             WHERE id = $1 RETURNING next_account_number - 1 AS taken",
        )
        .bind(provider_id.0)
        .fetch_one(&mut **tx)
        .await?
        .try_get("taken")?;
        let candidate = number.to_string();
        let used = sqlx::query(
            "SELECT 1 AS used FROM clients WHERE provider_id = $1 AND account_number_key = $2",
        )
        .bind(provider_id.0)
        .bind(&candidate)
        .fetch_optional(&mut **tx)
        .await?;
        if used.is_none() {
            return Ok(candidate);
        }
    }
}

/// Moves the generator past an explicitly given numeric account number, so generated numbers
/// do not run into imported ones.
async fn reserve_account_number(
    tx: &mut Tx,
    provider_id: ProviderId,
    account_number: &str,
) -> Result<(), sqlx::Error> {
    let Ok(number) = account_number.parse::<i64>() else {
        return Ok(());
    };
    if number >= i64::MAX - 1 {
        return Ok(());
    }
    sqlx::query(
        "UPDATE providers SET next_account_number = \
         CASE WHEN next_account_number > $1 THEN next_account_number ELSE $1 + 1 END WHERE id = $2",
    )
    .bind(number)
    .bind(provider_id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Saves company information, primary contact and representative if the client is still at
/// `version`.
pub async fn update_company(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    version: i64,
    company: &CompanyInput,
) -> Result<(), SaveError> {
    if !company.account_number.is_empty() {
        reserve_account_number(tx, provider_id, &company.account_number).await?;
    }
    let result = sqlx::query(
        "UPDATE clients SET account_number = $1, account_number_key = $2, name = $3, name_key = $4, \
         status = $5, domain = $6, alternative_names = $7, custom_name = $8, legacy_id = $9, currency = $10, \
         class_id = $11, invoicing_id = $12, standing_id = $13, category_id = $14, serving_site_id = $15, \
         representative_id = $16, account_manager_id = $17, contact_first_name = $18, contact_last_name = $19, \
         contact_title = $20, contact_email = $21, contact_phone = $22, contact_mobile = $23, contact_fax = $24, \
         search_text = $25, updated_at = $26, version = version + 1 \
         WHERE provider_id = $27 AND id = $28 AND version = $29",
    )
    .bind(&company.account_number)
    .bind(text::fold(&company.account_number))
    .bind(&company.name)
    .bind(text::fold(&company.name))
    .bind(company.status.as_str())
    .bind(&company.domain)
    .bind(&company.alternative_names)
    .bind(&company.custom_name)
    .bind(&company.legacy_id)
    .bind(&company.currency)
    .bind(company.class_id.map(|id| id.0))
    .bind(company.invoicing_id.map(|id| id.0))
    .bind(company.standing_id.map(|id| id.0))
    .bind(company.category_id.map(|id| id.0))
    .bind(company.serving_site_id.map(|id| id.0))
    .bind(company.representative_id.map(|id| id.0))
    .bind(company.account_manager_id.map(|id| id.0))
    .bind(&company.contact.first_name)
    .bind(&company.contact.last_name)
    .bind(&company.contact.title)
    .bind(&company.contact.email)
    .bind(&company.contact.phone)
    .bind(&company.contact.mobile)
    .bind(&company.contact.fax)
    .bind(search_text(company, &company.account_number))
    .bind(db::now())
    .bind(provider_id.0)
    .bind(client_id.0)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(SaveError::Conflict);
    }
    Ok(())
}

/// Saves the headquarters addresses if the client is still at `version`.
pub async fn update_headquarters(
    tx: &mut Tx,
    provider_id: ProviderId,
    client_id: ClientId,
    version: i64,
    hq: &HeadquartersInput,
) -> Result<(), SaveError> {
    let result = sqlx::query(
        "UPDATE clients SET billing_line1 = $1, billing_line2 = $2, billing_city = $3, billing_state = $4, \
         billing_postal_code = $5, billing_country = $6, shipping_same_as_billing = $7, shipping_line1 = $8, \
         shipping_line2 = $9, shipping_city = $10, shipping_state = $11, shipping_postal_code = $12, \
         shipping_country = $13, updated_at = $14, version = version + 1 \
         WHERE provider_id = $15 AND id = $16 AND version = $17",
    )
    .bind(&hq.billing.line1)
    .bind(&hq.billing.line2)
    .bind(&hq.billing.city)
    .bind(&hq.billing.state)
    .bind(&hq.billing.postal_code)
    .bind(&hq.billing.country)
    .bind(i64::from(hq.shipping_same_as_billing))
    .bind(&hq.shipping.line1)
    .bind(&hq.shipping.line2)
    .bind(&hq.shipping.city)
    .bind(&hq.shipping.state)
    .bind(&hq.shipping.postal_code)
    .bind(&hq.shipping.country)
    .bind(db::now())
    .bind(provider_id.0)
    .bind(client_id.0)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(SaveError::Conflict);
    }
    Ok(())
}

/// Checks whether another client of the provider has exactly this name, ignoring case and
/// accents.
pub async fn name_taken(
    db: &Db,
    provider_id: ProviderId,
    name: &str,
    except: Option<ClientId>,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT 1 AS taken FROM clients WHERE provider_id = $1 AND name_key = $2 AND id <> $3 LIMIT 1",
    )
    .bind(provider_id.0)
    .bind(text::fold(name))
    .bind(except.map(|id| id.0).unwrap_or(0))
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// A value of one of the provider's client lists, for a drop-down.
#[derive(Clone, Debug)]
pub struct ListOption {
    pub id: ListValueId,
    pub name: String,
}

pub async fn list_values(
    db: &Db,
    provider_id: ProviderId,
    kind: ListKind,
) -> Result<Vec<ListOption>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name FROM client_list_values WHERE provider_id = $1 AND kind = $2 ORDER BY name, id",
    )
    .bind(provider_id.0)
    .bind(kind.as_str())
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ListOption {
                id: ListValueId(row.try_get("id")?),
                name: row.try_get("name")?,
            })
        })
        .collect()
}

/// Returns the id of a list value by name, creating the value when missing.
pub async fn ensure_list_value(
    tx: &mut Tx,
    provider_id: ProviderId,
    kind: ListKind,
    name: &str,
    qualer_id: Option<i64>,
) -> Result<ListValueId, sqlx::Error> {
    let existing = sqlx::query(
        "SELECT id FROM client_list_values WHERE provider_id = $1 AND kind = $2 AND name = $3",
    )
    .bind(provider_id.0)
    .bind(kind.as_str())
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = existing {
        return Ok(ListValueId(row.try_get("id")?));
    }
    let row = sqlx::query(
        "INSERT INTO client_list_values (provider_id, kind, name, qualer_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(provider_id.0)
    .bind(kind.as_str())
    .bind(name)
    .bind(qualer_id)
    .bind(db::now())
    .fetch_one(&mut **tx)
    .await?;
    Ok(ListValueId(row.try_get("id")?))
}

/// Checks whether a list value of this kind belongs to the provider.
pub async fn list_value_belongs(
    db: &Db,
    provider_id: ProviderId,
    kind: ListKind,
    id: ListValueId,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT 1 AS found FROM client_list_values WHERE provider_id = $1 AND kind = $2 AND id = $3")
        .bind(provider_id.0)
        .bind(kind.as_str())
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// Returns the name of a list value for the audit trail, or an empty string for none.
pub async fn list_value_name(db: &Db, id: Option<ListValueId>) -> Result<String, sqlx::Error> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    let row = sqlx::query("SELECT name FROM client_list_values WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .map(|row| row.try_get("name"))
        .transpose()?
        .unwrap_or_default())
}
