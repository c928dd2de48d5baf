//! Handlers of ADMINISTRATION > Sites.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::queries::{self, SaveError};
use super::{ProviderSite, SiteForm, SiteInput, SUGGESTED_TIME_ZONES};
use crate::audit::{self, Actor, Entity};
use crate::auth::Admin;
use crate::employees::{self, EmployeeOption};
use crate::error::{AppError, AppResult};
use crate::ids::ProviderSiteId;
use crate::web::{render, render_status, see_other, CsrfToken, FieldErrors, Section, Shell};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/sites", get(list_page))
        .route("/admin/sites/new", get(new_page).post(create))
        .route("/admin/sites/{id}", get(edit_page).post(save))
}

#[derive(Template)]
#[template(path = "provider_sites/templates/list.html")]
struct ListPage {
    shell: Shell,
    sites: Vec<ProviderSite>,
    saved: bool,
}

#[derive(Deserialize)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn list_page(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Query(query): Query<SavedQuery>,
) -> AppResult<Response> {
    let sites = queries::list(&state.db, admin.provider_id).await?;
    Ok(render(&ListPage {
        shell: Shell::new(&admin, &csrf, Section::Administration),
        sites,
        saved: query.saved.is_some(),
    }))
}

#[derive(Template)]
#[template(path = "provider_sites/templates/form.html")]
struct FormPage {
    shell: Shell,
    site_id: Option<ProviderSiteId>,
    form: SiteForm,
    errors: FieldErrors,
    representatives: Vec<EmployeeOption>,
    time_zones: &'static [&'static str],
    client_count: i64,
}

impl FormPage {
    fn action(&self) -> String {
        match self.site_id {
            Some(id) => format!("/admin/sites/{id}"),
            None => "/admin/sites/new".to_owned(),
        }
    }

    fn is_selected(&self, id: &crate::ids::EmployeeId) -> bool {
        self.form.default_representative_id == id.to_string()
    }
}

async fn form_page(
    state: &AppState,
    admin: &Admin,
    csrf: &CsrfToken,
    site_id: Option<ProviderSiteId>,
    form: SiteForm,
    errors: FieldErrors,
    client_count: i64,
) -> AppResult<Response> {
    let representatives = employees::active_options(&state.db, admin.provider_id).await?;
    let status = errors.status();
    let page = FormPage {
        shell: Shell::new(admin, csrf, Section::Administration),
        site_id,
        form,
        errors,
        representatives,
        time_zones: SUGGESTED_TIME_ZONES,
        client_count,
    };
    Ok(render_status(status, &page))
}

async fn new_page(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let form = SiteForm {
        time_zone: "America/Chicago".to_owned(),
        ..Default::default()
    };
    form_page(&state, &admin, &csrf, None, form, FieldErrors::default(), 0).await
}

async fn edit_page(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Path(site_id): Path<ProviderSiteId>,
) -> AppResult<Response> {
    let site = queries::find(&state.db, admin.provider_id, site_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = SiteForm::from_site(&site);
    form_page(
        &state,
        &admin,
        &csrf,
        Some(site_id),
        form,
        FieldErrors::default(),
        site.client_count,
    )
    .await
}

/// Validates the form and checks the representative against the provider's active employees.
async fn validate(
    state: &AppState,
    admin: &Admin,
    form: &SiteForm,
) -> AppResult<Result<SiteInput, FieldErrors>> {
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => return Ok(Err(errors)),
    };
    if let Some(id) = input.default_representative_id {
        if !employees::is_active_employee(&state.db, admin.provider_id, id).await? {
            let mut errors = FieldErrors::default();
            errors.add(
                "default_representative_id",
                "Choose an active employee; the one selected is no longer available.",
            );
            return Ok(Err(errors));
        }
    }
    Ok(Ok(input))
}

fn save_error_fields(error: SaveError) -> Result<FieldErrors, AppError> {
    let mut errors = FieldErrors::default();
    match error {
        SaveError::DuplicateCode => errors.add("code", "Another site already uses this code."),
        SaveError::DuplicateQualerId => {
            errors.add("qualer_site_id", "Another site already has this Qualer site id.")
        }
        SaveError::Conflict => {
            errors.form = Some(
                "Someone else saved this site since you opened it. Reload the page to see their changes, then apply yours again."
                    .to_owned(),
            )
        }
        SaveError::Database(error) => return Err(error.into()),
    }
    Ok(errors)
}

async fn create(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Form(form): Form<SiteForm>,
) -> AppResult<Response> {
    let input = match validate(&state, &admin, &form).await? {
        Ok(input) => input,
        Err(errors) => return form_page(&state, &admin, &csrf, None, form, errors, 0).await,
    };

    let mut tx = state.db.begin().await?;
    let site_id = match queries::insert(&mut tx, admin.provider_id, &input).await {
        Ok(id) => id,
        Err(error) => {
            let errors = save_error_fields(error)?;
            return form_page(&state, &admin, &csrf, None, form, errors, 0).await;
        }
    };
    let changes = audit::diff(&site_fields(
        None,
        &input,
        "",
        &representative_label(&state, &admin, &input).await?,
    ));
    audit::record(
        &mut tx,
        admin.provider_id,
        Entity::ProviderSite,
        site_id.0,
        "created",
        &Actor::Staff(&admin),
        &changes,
    )
    .await?;
    tx.commit().await?;

    tracing::info!(site_id = %site_id, provider_id = %admin.provider_id, "provider site created");
    Ok(see_other("/admin/sites?saved=1"))
}

async fn save(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Path(site_id): Path<ProviderSiteId>,
    Form(form): Form<SiteForm>,
) -> AppResult<Response> {
    let before = queries::find(&state.db, admin.provider_id, site_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let input = match validate(&state, &admin, &form).await? {
        Ok(input) => input,
        Err(errors) => {
            return form_page(
                &state,
                &admin,
                &csrf,
                Some(site_id),
                form,
                errors,
                before.client_count,
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
    if let Err(error) = queries::update(&mut tx, admin.provider_id, site_id, version, &input).await
    {
        let errors = save_error_fields(error)?;
        return form_page(
            &state,
            &admin,
            &csrf,
            Some(site_id),
            form,
            errors,
            before.client_count,
        )
        .await;
    }
    let after_representative = representative_label(&state, &admin, &input).await?;
    let changes = audit::diff(&site_fields(
        Some(&before),
        &input,
        &before.default_representative_name,
        &after_representative,
    ));
    audit::record(
        &mut tx,
        admin.provider_id,
        Entity::ProviderSite,
        site_id.0,
        "updated",
        &Actor::Staff(&admin),
        &changes,
    )
    .await?;
    tx.commit().await?;

    if before.default_representative_id != input.default_representative_id {
        tracing::info!(
            site_id = %site_id,
            clients = before.client_count,
            "default client account representative changed"
        );
    }
    Ok(see_other("/admin/sites?saved=1"))
}

async fn representative_label(
    state: &AppState,
    admin: &Admin,
    input: &SiteInput,
) -> AppResult<String> {
    Ok(match input.default_representative_id {
        Some(id) => employees::display_name(&state.db, admin.provider_id, id).await?,
        None => String::new(),
    })
}

/// Labelled values before and after, for the audit trail.
fn site_fields(
    before: Option<&ProviderSite>,
    after: &SiteInput,
    before_representative: &str,
    after_representative: &str,
) -> Vec<(&'static str, String, String)> {
    let old = |f: fn(&ProviderSite) -> String| before.map(f).unwrap_or_default();
    vec![
        ("Name", old(|s| s.name.clone()), after.name.clone()),
        ("Code", old(|s| s.code.clone()), after.code.clone()),
        (
            "Address line 1",
            old(|s| s.address_line1.clone()),
            after.address_line1.clone(),
        ),
        (
            "Address line 2",
            old(|s| s.address_line2.clone()),
            after.address_line2.clone(),
        ),
        ("City", old(|s| s.city.clone()), after.city.clone()),
        ("State", old(|s| s.state.clone()), after.state.clone()),
        (
            "Postal code",
            old(|s| s.postal_code.clone()),
            after.postal_code.clone(),
        ),
        ("Country", old(|s| s.country.clone()), after.country.clone()),
        ("Phone", old(|s| s.phone.clone()), after.phone.clone()),
        (
            "Time zone",
            old(|s| s.time_zone.clone()),
            after.time_zone.clone(),
        ),
        (
            "Default Client Account Representative",
            before_representative.to_owned(),
            after_representative.to_owned(),
        ),
        (
            "Qualer site id",
            old(|s| {
                s.qualer_site_id
                    .map(|id| id.to_string())
                    .unwrap_or_default()
            }),
            after
                .qualer_site_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        ),
    ]
}
