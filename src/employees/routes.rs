//! Handlers of ADMINISTRATION > Employees, including deactivation with reassignment.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::queries::{self, SaveError};
use super::{Employee, EmployeeForm, EmployeeInput};
use crate::audit::{self, Actor, Entity};
use crate::auth::{session, Admin, Role};
use crate::error::{AppError, AppResult};
use crate::ids::{EmployeeId, ProviderSiteId};
use crate::provider_sites::{self, SiteOption};
use crate::representatives::{self, reassign::AffectedClient};
use crate::web::{render, render_status, see_other, CsrfToken, FieldErrors, Section, Shell};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/employees", get(list_page))
        .route("/admin/employees/new", get(new_page).post(create))
        .route("/admin/employees/{id}", get(edit_page).post(save))
        .route(
            "/admin/employees/{id}/deactivate",
            get(deactivate_page).post(deactivate),
        )
        .route("/admin/employees/{id}/activate", post(activate))
}

#[derive(Template)]
#[template(path = "employees/templates/list.html")]
struct ListPage {
    shell: Shell,
    employees: Vec<Employee>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    saved: Option<String>,
    deactivated: Option<String>,
    moved: Option<usize>,
}

async fn list_page(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    let employees = queries::list(&state.db, admin.provider_id).await?;
    let notice = if query.deactivated.is_some() {
        Some(format!(
            "The employee was deactivated; {} account assignment{} moved.",
            query.moved.unwrap_or(0),
            if query.moved == Some(1) { "" } else { "s" }
        ))
    } else {
        query.saved.map(|_| "The employee was saved.".to_owned())
    };
    Ok(render(&ListPage {
        shell: Shell::new(&admin, &csrf, Section::Administration),
        employees,
        notice,
    }))
}

#[derive(Template)]
#[template(path = "employees/templates/form.html")]
struct FormPage {
    shell: Shell,
    employee_id: Option<EmployeeId>,
    active: bool,
    form: EmployeeForm,
    errors: FieldErrors,
    sites: Vec<SiteOption>,
}

impl FormPage {
    fn action(&self) -> String {
        match self.employee_id {
            Some(id) => format!("/admin/employees/{id}"),
            None => "/admin/employees/new".to_owned(),
        }
    }

    fn site_selected(&self, id: &ProviderSiteId) -> bool {
        self.form.home_site_id == id.to_string()
    }

    fn role_selected(&self, role: &str) -> bool {
        self.form.role == role
    }
}

async fn form_page(
    state: &AppState,
    admin: &Admin,
    csrf: &CsrfToken,
    employee_id: Option<EmployeeId>,
    active: bool,
    mut form: EmployeeForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    // A password is never sent back to the browser, not even one the user just typed.
    form.password.clear();
    let sites = provider_sites::list_options(&state.db, admin.provider_id).await?;
    let status = errors.status();
    Ok(render_status(
        status,
        &FormPage {
            shell: Shell::new(admin, csrf, Section::Administration),
            employee_id,
            active,
            form,
            errors,
            sites,
        },
    ))
}

async fn new_page(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let form = EmployeeForm {
        role: Role::Staff.as_str().to_owned(),
        ..Default::default()
    };
    form_page(
        &state,
        &admin,
        &csrf,
        None,
        true,
        form,
        FieldErrors::default(),
    )
    .await
}

async fn edit_page(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Path(employee_id): Path<EmployeeId>,
) -> AppResult<Response> {
    let employee = queries::find(&state.db, admin.provider_id, employee_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = EmployeeForm::from_employee(&employee);
    form_page(
        &state,
        &admin,
        &csrf,
        Some(employee_id),
        employee.active,
        form,
        FieldErrors::default(),
    )
    .await
}

async fn validate(
    state: &AppState,
    admin: &Admin,
    form: &EmployeeForm,
    creating: bool,
) -> AppResult<Result<EmployeeInput, FieldErrors>> {
    let input = match form.validate(creating) {
        Ok(input) => input,
        Err(errors) => return Ok(Err(errors)),
    };
    if let Some(site_id) = input.home_site_id {
        if !queries::site_belongs(&state.db, admin.provider_id, site_id).await? {
            let mut errors = FieldErrors::default();
            errors.add("home_site_id", "Choose a site from the list.");
            return Ok(Err(errors));
        }
    }
    Ok(Ok(input))
}

fn save_error_fields(error: SaveError) -> Result<FieldErrors, AppError> {
    let mut errors = FieldErrors::default();
    match error {
        SaveError::DuplicateEmail => errors.add(
            "email",
            "This email already signs in to calserve. Use another address for this employee.",
        ),
        SaveError::Conflict => {
            errors.form = Some(
                "Someone else saved this employee since you opened the page. Reload it to see their changes, then apply yours again."
                    .to_owned(),
            )
        }
        SaveError::Database(error) => return Err(error.into()),
        SaveError::Hashing(error) => return Err(error.into()),
    }
    Ok(errors)
}

async fn create(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Form(form): Form<EmployeeForm>,
) -> AppResult<Response> {
    let input = match validate(&state, &admin, &form, true).await? {
        Ok(input) => input,
        Err(errors) => return form_page(&state, &admin, &csrf, None, true, form, errors).await,
    };

    let mut tx = state.db.begin().await?;
    let employee_id = match queries::insert(&mut tx, admin.provider_id, &input).await {
        Ok(id) => id,
        Err(error) => {
            let errors = save_error_fields(error)?;
            return form_page(&state, &admin, &csrf, None, true, form, errors).await;
        }
    };
    let changes = audit::diff(&employee_fields(None, &input));
    audit::record(
        &mut tx,
        admin.provider_id,
        Entity::Employee,
        employee_id.0,
        "created",
        &Actor::Staff(&admin),
        &changes,
    )
    .await?;
    tx.commit().await?;

    tracing::info!(employee_id = %employee_id, provider_id = %admin.provider_id, "employee created");
    Ok(see_other("/admin/employees?saved=1"))
}

async fn save(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Path(employee_id): Path<EmployeeId>,
    Form(form): Form<EmployeeForm>,
) -> AppResult<Response> {
    let before = queries::find(&state.db, admin.provider_id, employee_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut input = match validate(&state, &admin, &form, false).await? {
        Ok(input) => input,
        Err(errors) => {
            return form_page(
                &state,
                &admin,
                &csrf,
                Some(employee_id),
                before.active,
                form,
                errors,
            )
            .await
        }
    };
    let Ok(version) = form.version.trim().parse::<i64>() else {
        return Err(AppError::BadRequest(
            "The form is missing its version; reload the page and try again.".to_owned(),
        ));
    };

    let mut tx = state.db.begin().await?;
    if before.role == Role::Administrator
        && input.role != Role::Administrator
        && before.active
        && queries::active_administrators(&mut tx, admin.provider_id).await? <= 1
    {
        let mut errors = FieldErrors::default();
        errors.add(
            "role",
            "This is the only active administrator; make someone else an administrator first.",
        );
        input.role = Role::Administrator;
        return form_page(
            &state,
            &admin,
            &csrf,
            Some(employee_id),
            before.active,
            form,
            errors,
        )
        .await;
    }
    if let Err(error) =
        queries::update(&mut tx, admin.provider_id, employee_id, version, &input).await
    {
        let errors = save_error_fields(error)?;
        return form_page(
            &state,
            &admin,
            &csrf,
            Some(employee_id),
            before.active,
            form,
            errors,
        )
        .await;
    }
    let mut changes = audit::diff(&employee_fields(Some(&before), &input));
    if input.password.is_some() {
        changes.push(audit::Change {
            field: "Password".to_owned(),
            before: String::new(),
            after: "changed".to_owned(),
        });
        // A new password signs the employee out everywhere else.
        session::end_all_for(&mut tx, employee_id).await?;
    }
    audit::record(
        &mut tx,
        admin.provider_id,
        Entity::Employee,
        employee_id.0,
        "updated",
        &Actor::Staff(&admin),
        &changes,
    )
    .await?;
    tx.commit().await?;
    Ok(see_other("/admin/employees?saved=1"))
}

fn employee_fields(
    before: Option<&Employee>,
    after: &EmployeeInput,
) -> Vec<(&'static str, String, String)> {
    let old = |f: fn(&Employee) -> String| before.map(f).unwrap_or_default();
    vec![
        (
            "First name",
            old(|e| e.first_name.clone()),
            after.first_name.clone(),
        ),
        (
            "Last name",
            old(|e| e.last_name.clone()),
            after.last_name.clone(),
        ),
        ("Email", old(|e| e.email.clone()), after.email.clone()),
        ("Title", old(|e| e.title.clone()), after.title.clone()),
        ("Phone", old(|e| e.phone.clone()), after.phone.clone()),
        (
            "Role",
            old(|e| e.role.label().to_owned()),
            after.role.label().to_owned(),
        ),
        (
            "Home site",
            old(|e| e.home_site_id.map(|id| id.to_string()).unwrap_or_default()),
            after
                .home_site_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        ),
    ]
}

#[derive(Template)]
#[template(path = "employees/templates/deactivate.html")]
struct DeactivatePage {
    shell: Shell,
    employee: Employee,
    total: i64,
    clients: Vec<AffectedClient>,
    successors: Vec<crate::employees::EmployeeOption>,
    form: DeactivateForm,
    errors: FieldErrors,
}

impl DeactivatePage {
    fn more_than_shown(&self) -> bool {
        self.total > self.clients.len() as i64
    }

    fn successor_selected(&self, id: &EmployeeId) -> bool {
        self.form.successor == id.to_string()
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct DeactivateForm {
    /// The employee who takes over; empty leaves the accounts to their site defaults or nobody.
    successor: String,
}

async fn deactivate_page(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Path(employee_id): Path<EmployeeId>,
) -> AppResult<Response> {
    show_deactivate(
        &state,
        &admin,
        &csrf,
        employee_id,
        DeactivateForm::default(),
        FieldErrors::default(),
    )
    .await
}

async fn show_deactivate(
    state: &AppState,
    admin: &Admin,
    csrf: &CsrfToken,
    employee_id: EmployeeId,
    form: DeactivateForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let employee = queries::find(&state.db, admin.provider_id, employee_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let preview =
        representatives::reassign::affected_clients(&state.db, admin.provider_id, employee_id)
            .await?;
    let successors = queries::active_options(&state.db, admin.provider_id)
        .await?
        .into_iter()
        .filter(|e| e.id != employee_id)
        .collect();
    let status = errors.status();
    Ok(render_status(
        status,
        &DeactivatePage {
            shell: Shell::new(admin, csrf, Section::Administration),
            employee,
            total: preview.total,
            clients: preview.clients,
            successors,
            form,
            errors,
        },
    ))
}

async fn deactivate(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Path(employee_id): Path<EmployeeId>,
    Form(form): Form<DeactivateForm>,
) -> AppResult<Response> {
    let employee = queries::find(&state.db, admin.provider_id, employee_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::default();

    // With no accounts to hand over the page offers no successor, so none is read.
    let affected =
        representatives::reassign::affected_clients(&state.db, admin.provider_id, employee_id)
            .await?;
    let successor = match form.successor.trim() {
        _ if affected.total == 0 => None,
        "" => None,
        value => match value.parse::<EmployeeId>() {
            Ok(id)
                if id != employee_id
                    && queries::is_active_employee(&state.db, admin.provider_id, id).await? =>
            {
                Some(id)
            }
            _ => {
                errors.add(
                    "successor",
                    "Choose an active employee other than the one being deactivated.",
                );
                None
            }
        },
    };
    if employee_id == admin.employee_id {
        errors.form = Some("You cannot deactivate yourself; ask another administrator.".to_owned());
    }
    if !errors.is_empty() {
        return show_deactivate(&state, &admin, &csrf, employee_id, form, errors).await;
    }

    let mut tx = state.db.begin().await?;
    if employee.role == Role::Administrator
        && employee.active
        && queries::active_administrators(&mut tx, admin.provider_id).await? <= 1
    {
        errors.form = Some(
            "This is the only active administrator; make someone else an administrator first."
                .to_owned(),
        );
        return show_deactivate(&state, &admin, &csrf, employee_id, form, errors).await;
    }
    let actor = Actor::Staff(&admin);
    // Assignments are moved (or cleared) rather than left pointing at an inactive employee, so
    // reactivating someone later does not silently hand accounts back.
    let outcome =
        representatives::reassign(&mut tx, admin.provider_id, employee_id, successor, &actor)
            .await?;
    queries::set_active(&mut tx, admin.provider_id, employee_id, false).await?;
    session::end_all_for(&mut tx, employee_id).await?;
    let change = [audit::Change {
        field: "Active".to_owned(),
        before: "yes".to_owned(),
        after: "no".to_owned(),
    }];
    audit::record(
        &mut tx,
        admin.provider_id,
        Entity::Employee,
        employee_id.0,
        "deactivated",
        &actor,
        &change,
    )
    .await?;
    tx.commit().await?;

    tracing::info!(employee_id = %employee_id, clients = outcome.clients, sites = outcome.sites, "employee deactivated");
    Ok(see_other(&format!(
        "/admin/employees?deactivated=1&moved={}",
        outcome.clients + outcome.sites + outcome.managed_clients
    )))
}

async fn activate(
    State(state): State<AppState>,
    admin: Admin,
    Path(employee_id): Path<EmployeeId>,
) -> AppResult<Response> {
    queries::find(&state.db, admin.provider_id, employee_id)
        .await?
        .ok_or(AppError::NotFound)?;

    let mut tx = state.db.begin().await?;
    queries::set_active(&mut tx, admin.provider_id, employee_id, true).await?;
    let change = [audit::Change {
        field: "Active".to_owned(),
        before: "no".to_owned(),
        after: "yes".to_owned(),
    }];
    audit::record(
        &mut tx,
        admin.provider_id,
        Entity::Employee,
        employee_id.0,
        "activated",
        &Actor::Staff(&admin),
        &change,
    )
    .await?;
    tx.commit().await?;
    Ok(see_other("/admin/employees?saved=1"))
}
