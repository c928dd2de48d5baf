//! Moving accounts from one representative to another, with a preview of the clients that move.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use sqlx::Row as _;

use crate::audit::{self, Actor, Change, Entity};
use crate::auth::Admin;
use crate::db::{self, Db, Tx};
use crate::employees::{self, EmployeeOption};
use crate::error::AppResult;
use crate::ids::{ClientId, EmployeeId, ProviderId};
use crate::web::{render_status, see_other, CsrfToken, FieldErrors, Section, Shell};
use crate::AppState;

/// Most clients listed by name in a preview; the count covers all of them.
pub const PREVIEW_LIMIT: i64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/admin/representatives/reassign",
        get(reassign_page).post(apply),
    )
}

/// A client whose effective representative would change.
#[derive(Clone, Debug)]
pub struct AffectedClient {
    pub id: ClientId,
    pub account_number: String,
    pub name: String,
    /// "client-specific" or "site default (…)".
    pub through: String,
}

/// Finds the clients whose representative is, or falls back to, `from`: client-specific assignments to
/// `from`, and clients without an active client-specific representative served by a site whose
/// default is `from`.
pub async fn affected_clients(
    db: &Db,
    provider_id: ProviderId,
    from: EmployeeId,
) -> Result<Preview, sqlx::Error> {
    let filter = "FROM clients c \
         LEFT JOIN employees cr ON cr.id = c.representative_id AND cr.active = 1 \
         LEFT JOIN provider_sites ss ON ss.id = c.serving_site_id \
         WHERE c.provider_id = $1 AND (c.representative_id = $2 \
           OR (cr.id IS NULL AND ss.default_representative_id = $2))";

    let count_sql = format!("SELECT COUNT(*) AS affected {filter}");
    let total: i64 = sqlx::query(&count_sql)
        .bind(provider_id.0)
        .bind(from.0)
        .fetch_one(&db.pool)
        .await?
        .try_get("affected")?;

    let list_sql = format!(
        "SELECT c.id, c.account_number, c.name, \
         CASE WHEN c.representative_id = $2 THEN 'client-specific' \
              ELSE 'site default (' || ss.name || ')' END AS through \
         {filter} ORDER BY c.name_key, c.id LIMIT $3"
    );
    let rows = sqlx::query(&list_sql)
        .bind(provider_id.0)
        .bind(from.0)
        .bind(PREVIEW_LIMIT)
        .fetch_all(&db.pool)
        .await?;
    let clients = rows
        .iter()
        .map(|row| {
            Ok(AffectedClient {
                id: ClientId(row.try_get("id")?),
                account_number: row.try_get("account_number")?,
                name: row.try_get("name")?,
                through: row.try_get("through")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Preview { total, clients })
}

/// The clients a reassignment would move: how many, and the first of them by name.
#[derive(Clone, Debug)]
pub struct Preview {
    pub total: i64,
    pub clients: Vec<AffectedClient>,
}

impl Preview {
    pub fn more_than_shown(&self) -> bool {
        self.total > self.clients.len() as i64
    }
}

/// The number of assignments a reassignment moved, by kind.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReassignOutcome {
    pub clients: usize,
    pub sites: usize,
    /// Clients whose account manager moved with the representative's accounts.
    pub managed_clients: usize,
}

/// Moves every client-specific assignment, every site default and every account-manager
/// assignment from `from` to `to`, or clears them when `to` is `None`. Each change is recorded
/// in the audit trail, inside the caller's transaction.
pub async fn reassign(
    tx: &mut Tx,
    provider_id: ProviderId,
    from: EmployeeId,
    to: Option<EmployeeId>,
    actor: &Actor<'_>,
) -> Result<ReassignOutcome, sqlx::Error> {
    let from_name = employees::display_name_in(tx, provider_id, from).await?;
    let to_name = match to {
        Some(id) => employees::display_name_in(tx, provider_id, id).await?,
        None => String::new(),
    };
    let now = db::now();

    let client_ids: Vec<i64> =
        sqlx::query("SELECT id FROM clients WHERE provider_id = $1 AND representative_id = $2")
            .bind(provider_id.0)
            .bind(from.0)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|row| row.try_get("id"))
            .collect::<Result<_, _>>()?;
    sqlx::query(
        "UPDATE clients SET representative_id = $1, version = version + 1, updated_at = $2 \
         WHERE provider_id = $3 AND representative_id = $4",
    )
    .bind(to.map(|id| id.0))
    .bind(&now)
    .bind(provider_id.0)
    .bind(from.0)
    .execute(&mut **tx)
    .await?;
    let client_change = [Change {
        field: "Account Representative".to_owned(),
        before: from_name.clone(),
        after: to_name.clone(),
    }];
    for id in &client_ids {
        audit::record(
            tx,
            provider_id,
            Entity::Client,
            *id,
            "representative reassigned",
            actor,
            &client_change,
        )
        .await?;
    }

    let managed_clients =
        move_account_manager(tx, provider_id, from, to, (&from_name, &to_name), actor).await?;

    let site_ids: Vec<i64> = sqlx::query(
        "SELECT id FROM provider_sites WHERE provider_id = $1 AND default_representative_id = $2",
    )
    .bind(provider_id.0)
    .bind(from.0)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|row| row.try_get("id"))
    .collect::<Result<_, _>>()?;
    sqlx::query(
        "UPDATE provider_sites SET default_representative_id = $1, version = version + 1, updated_at = $2 \
         WHERE provider_id = $3 AND default_representative_id = $4",
    )
    .bind(to.map(|id| id.0))
    .bind(&now)
    .bind(provider_id.0)
    .bind(from.0)
    .execute(&mut **tx)
    .await?;
    let site_change = [Change {
        field: "Default Client Account Representative".to_owned(),
        before: from_name,
        after: to_name,
    }];
    for id in &site_ids {
        audit::record(
            tx,
            provider_id,
            Entity::ProviderSite,
            *id,
            "representative reassigned",
            actor,
            &site_change,
        )
        .await?;
    }

    // TODO: notify both representatives once notifications exist; until then the audit trail
    // is the record of the move.
    Ok(ReassignOutcome {
        clients: client_ids.len(),
        sites: site_ids.len(),
        managed_clients,
    })
}

/// Moves the account manager of every client managed by `from`, so no client keeps an
/// inactive employee as account manager that its next save would silently drop.
async fn move_account_manager(
    tx: &mut Tx,
    provider_id: ProviderId,
    from: EmployeeId,
    to: Option<EmployeeId>,
    (from_name, to_name): (&str, &str),
    actor: &Actor<'_>,
) -> Result<usize, sqlx::Error> {
    let client_ids: Vec<i64> =
        sqlx::query("SELECT id FROM clients WHERE provider_id = $1 AND account_manager_id = $2")
            .bind(provider_id.0)
            .bind(from.0)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|row| row.try_get("id"))
            .collect::<Result<_, _>>()?;

    sqlx::query(
        "UPDATE clients SET account_manager_id = $1, version = version + 1, updated_at = $2 \
         WHERE provider_id = $3 AND account_manager_id = $4",
    )
    .bind(to.map(|id| id.0))
    .bind(db::now())
    .bind(provider_id.0)
    .bind(from.0)
    .execute(&mut **tx)
    .await?;

    let change = [Change {
        field: "Account manager".to_owned(),
        before: from_name.to_owned(),
        after: to_name.to_owned(),
    }];
    for id in &client_ids {
        audit::record(
            tx,
            provider_id,
            Entity::Client,
            *id,
            "account manager reassigned",
            actor,
            &change,
        )
        .await?;
    }
    Ok(client_ids.len())
}

#[derive(Template)]
#[template(path = "representatives/templates/reassign.html")]
struct ReassignPage {
    shell: Shell,
    employees: Vec<EmployeeOption>,
    form: ReassignForm,
    errors: FieldErrors,
    preview: Option<Preview>,
    done: Option<ReassignOutcome>,
}

impl ReassignPage {
    fn is_from_selected(&self, id: &EmployeeId) -> bool {
        self.form.from == id.to_string()
    }

    fn is_to_selected(&self, id: &EmployeeId) -> bool {
        self.form.to == id.to_string()
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct ReassignForm {
    from: String,
    to: String,
    clients: Option<usize>,
    sites: Option<usize>,
    managers: Option<usize>,
}

async fn reassign_page(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Query(form): Query<ReassignForm>,
) -> AppResult<Response> {
    let employees = employees::all_options(&state.db, admin.provider_id).await?;
    let mut errors = FieldErrors::default();
    let preview = match parse_employee(&form.from, &employees) {
        Some(from) => Some(affected_clients(&state.db, admin.provider_id, from).await?),
        None if !form.from.is_empty() => {
            errors.add("from", "Choose an employee from the list.");
            None
        }
        None => None,
    };
    let done = form.clients.map(|clients| ReassignOutcome {
        clients,
        sites: form.sites.unwrap_or(0),
        managed_clients: form.managers.unwrap_or(0),
    });
    let status = errors.status();
    Ok(render_status(
        status,
        &ReassignPage {
            shell: Shell::new(&admin, &csrf, Section::Administration),
            employees,
            form,
            errors,
            preview,
            done,
        },
    ))
}

fn parse_employee(value: &str, employees: &[EmployeeOption]) -> Option<EmployeeId> {
    let id: EmployeeId = value.parse().ok()?;
    employees.iter().any(|e| e.id == id).then_some(id)
}

async fn apply(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Form(form): Form<ReassignForm>,
) -> AppResult<Response> {
    let employees = employees::all_options(&state.db, admin.provider_id).await?;
    let active = employees::active_options(&state.db, admin.provider_id).await?;
    let mut errors = FieldErrors::default();

    let from = parse_employee(&form.from, &employees);
    if from.is_none() {
        errors.add("from", "Choose the representative whose accounts move.");
    }
    let to = parse_employee(&form.to, &active);
    if to.is_none() {
        errors.add("to", "Choose an active employee to take over the accounts.");
    }
    if from.is_some() && from == to {
        errors.add(
            "to",
            "Choose a different employee than the one whose accounts move.",
        );
    }
    let (Some(from), Some(to)) = (from, to) else {
        return reject(&state, &admin, &csrf, employees, form, errors).await;
    };
    if !errors.is_empty() {
        return reject(&state, &admin, &csrf, employees, form, errors).await;
    }

    let mut tx = state.db.begin().await?;
    let outcome = reassign(
        &mut tx,
        admin.provider_id,
        from,
        Some(to),
        &Actor::Staff(&admin),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(from = %from, to = %to, clients = outcome.clients, sites = outcome.sites, "representative accounts reassigned");
    // The confirmation names no representative, so the page shows no new preview below it.
    Ok(see_other(&format!(
        "/admin/representatives/reassign?clients={}&sites={}&managers={}",
        outcome.clients, outcome.sites, outcome.managed_clients
    )))
}

async fn reject(
    state: &AppState,
    admin: &Admin,
    csrf: &CsrfToken,
    employees: Vec<EmployeeOption>,
    form: ReassignForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let preview = match parse_employee(&form.from, &employees) {
        Some(from) => Some(affected_clients(&state.db, admin.provider_id, from).await?),
        None => None,
    };
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ReassignPage {
            shell: Shell::new(admin, csrf, Section::Administration),
            employees,
            form,
            errors,
            preview,
            done: None,
        },
    ))
}
