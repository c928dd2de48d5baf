//! Handlers of Account tab > Sites: add, edit, archive, restore and delete client sites.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};

use super::model::{ClientSite, SiteForm, SiteInput};
use super::queries::{self, SaveError};
use crate::audit::{self, Actor, Entity, Event};
use crate::auth::Staff;
use crate::clients::{self, Client};
use crate::error::{AppError, AppResult};
use crate::ids::{ClientId, ClientSiteId};
use crate::provider_sites::SUGGESTED_TIME_ZONES;
use crate::web::{render_status, see_other, CsrfToken, FieldErrors, Section, Shell};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clients/{id}/sites/new", get(new_page).post(create))
        .route("/clients/{id}/sites/{site_id}", get(edit_page).post(save))
        .route("/clients/{id}/sites/{site_id}/archive", post(archive))
        .route("/clients/{id}/sites/{site_id}/restore", post(restore))
        .route("/clients/{id}/sites/{site_id}/delete", post(delete))
}

#[derive(Template)]
#[template(path = "client_sites/templates/form.html")]
struct FormPage {
    shell: Shell,
    client: Client,
    site: Option<ClientSite>,
    form: SiteForm,
    errors: FieldErrors,
    time_zones: &'static [&'static str],
    history: Vec<Event>,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.site {
            Some(site) => format!("/clients/{}/sites/{}", self.client.id, site.id),
            None => format!("/clients/{}/sites/new", self.client.id),
        }
    }
}

async fn load_site(
    state: &AppState,
    staff: &Staff,
    client_id: ClientId,
    site_id: ClientSiteId,
) -> AppResult<ClientSite> {
    queries::find(&state.db, staff.provider_id, client_id, site_id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn show_form(
    state: &AppState,
    staff: &Staff,
    csrf: &CsrfToken,
    client: Client,
    site: Option<ClientSite>,
    form: SiteForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let history = match &site {
        Some(site) => {
            audit::history(
                &state.db,
                staff.provider_id,
                Entity::ClientSite,
                site.id.0,
                50,
            )
            .await?
        }
        None => Vec::new(),
    };
    let status = errors.status();
    Ok(render_status(
        status,
        &FormPage {
            shell: Shell::new(staff, csrf, Section::Service),
            client,
            site,
            form,
            errors,
            time_zones: SUGGESTED_TIME_ZONES,
            history,
        },
    ))
}

async fn new_page(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path(client_id): Path<ClientId>,
) -> AppResult<Response> {
    let client = clients::load(&state.db, &staff, client_id).await?;
    show_form(
        &state,
        &staff,
        &csrf,
        client,
        None,
        SiteForm::new_site(),
        FieldErrors::default(),
    )
    .await
}

async fn edit_page(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path((client_id, site_id)): Path<(ClientId, ClientSiteId)>,
) -> AppResult<Response> {
    let client = clients::load(&state.db, &staff, client_id).await?;
    let site = load_site(&state, &staff, client_id, site_id).await?;
    let form = SiteForm::from_site(&site);
    show_form(
        &state,
        &staff,
        &csrf,
        client,
        Some(site),
        form,
        FieldErrors::default(),
    )
    .await
}

fn save_error_fields(error: SaveError) -> AppResult<FieldErrors> {
    let mut errors = FieldErrors::default();
    match error {
        SaveError::DuplicateCode => errors.add("code", "Another site of this client already uses this code."),
        SaveError::Conflict => {
            errors.form = Some("Someone else saved this site since you opened it. Reload the page to see their changes, then apply yours again.".to_owned())
        }
        SaveError::Database(error) => return Err(error.into()),
    }
    Ok(errors)
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path(client_id): Path<ClientId>,
    Form(form): Form<SiteForm>,
) -> AppResult<Response> {
    let client = clients::load(&state.db, &staff, client_id).await?;
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => return show_form(&state, &staff, &csrf, client, None, form, errors).await,
    };

    let mut tx = state.db.begin().await?;
    let site_id = match queries::insert(&mut tx, staff.provider_id, client_id, &input).await {
        Ok(id) => id,
        Err(error) => {
            let errors = save_error_fields(error)?;
            return show_form(&state, &staff, &csrf, client, None, form, errors).await;
        }
    };
    let changes = audit::diff(&site_fields(None, &input));
    audit::record(
        &mut tx,
        staff.provider_id,
        Entity::ClientSite,
        site_id.0,
        "created",
        &Actor::Staff(&staff),
        &changes,
    )
    .await?;
    let client_change = [audit::Change {
        field: "Site added".to_owned(),
        before: String::new(),
        after: input.name.clone(),
    }];
    audit::record(
        &mut tx,
        staff.provider_id,
        Entity::Client,
        client_id.0,
        "site added",
        &Actor::Staff(&staff),
        &client_change,
    )
    .await?;
    tx.commit().await?;

    tracing::info!(client_id = %client_id, site_id = %site_id, "client site created");
    Ok(see_other(&format!(
        "/clients/{client_id}/account?saved=1#sites"
    )))
}

async fn save(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path((client_id, site_id)): Path<(ClientId, ClientSiteId)>,
    Form(form): Form<SiteForm>,
) -> AppResult<Response> {
    let client = clients::load(&state.db, &staff, client_id).await?;
    let before = load_site(&state, &staff, client_id, site_id).await?;
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return show_form(&state, &staff, &csrf, client, Some(before), form, errors).await
        }
    };
    let version: i64 = form.version.trim().parse().map_err(|_| {
        AppError::BadRequest(
            "The form is missing its version; reload the page and try again.".to_owned(),
        )
    })?;

    let mut tx = state.db.begin().await?;
    if let Err(error) = queries::update(
        &mut tx,
        staff.provider_id,
        client_id,
        site_id,
        version,
        &input,
    )
    .await
    {
        let errors = save_error_fields(error)?;
        return show_form(&state, &staff, &csrf, client, Some(before), form, errors).await;
    }
    let changes = audit::diff(&site_fields(Some(&before), &input));
    audit::record(
        &mut tx,
        staff.provider_id,
        Entity::ClientSite,
        site_id.0,
        "updated",
        &Actor::Staff(&staff),
        &changes,
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!(
        "/clients/{client_id}/account?saved=1#sites"
    )))
}

async fn set_archived(
    state: &AppState,
    staff: &Staff,
    client_id: ClientId,
    site_id: ClientSiteId,
    archived: bool,
) -> AppResult<Response> {
    let site = load_site(state, staff, client_id, site_id).await?;
    if site.archived == archived {
        // Archiving an archived site (or restoring an active one) changes nothing to record.
        return Ok(see_other(&format!("/clients/{client_id}/account#sites")));
    }
    let mut tx = state.db.begin().await?;
    queries::set_archived(&mut tx, staff.provider_id, client_id, site_id, archived).await?;
    let (action, before, after) = if archived {
        ("archived", "active", "archived")
    } else {
        ("restored", "archived", "active")
    };
    let change = [audit::Change {
        field: "State".to_owned(),
        before: before.to_owned(),
        after: after.to_owned(),
    }];
    audit::record(
        &mut tx,
        staff.provider_id,
        Entity::ClientSite,
        site_id.0,
        action,
        &Actor::Staff(staff),
        &change,
    )
    .await?;
    let client_change = [audit::Change {
        field: format!("Site {}", site.name),
        before: before.to_owned(),
        after: after.to_owned(),
    }];
    audit::record(
        &mut tx,
        staff.provider_id,
        Entity::Client,
        client_id.0,
        action,
        &Actor::Staff(staff),
        &client_change,
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!(
        "/clients/{client_id}/account?saved=1#sites"
    )))
}

async fn archive(
    State(state): State<AppState>,
    staff: Staff,
    Path((client_id, site_id)): Path<(ClientId, ClientSiteId)>,
) -> AppResult<Response> {
    set_archived(&state, &staff, client_id, site_id, true).await
}

async fn restore(
    State(state): State<AppState>,
    staff: Staff,
    Path((client_id, site_id)): Path<(ClientId, ClientSiteId)>,
) -> AppResult<Response> {
    set_archived(&state, &staff, client_id, site_id, false).await
}

/// Deletes a site without assets; a site with assets is refused and must be archived instead.
async fn delete(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path((client_id, site_id)): Path<(ClientId, ClientSiteId)>,
) -> AppResult<Response> {
    let client = clients::load(&state.db, &staff, client_id).await?;
    let site = load_site(&state, &staff, client_id, site_id).await?;

    let mut tx = state.db.begin().await?;
    let assets = queries::count_assets(&mut tx, site_id).await?;
    if assets > 0 {
        drop(tx);
        let mut errors = FieldErrors::default();
        errors.form = Some(format!(
            "This site holds {assets} asset{} and cannot be deleted. Archive it instead: it leaves the pickers and keeps its history.",
            if assets == 1 { "" } else { "s" }
        ));
        let form = SiteForm::from_site(&site);
        return show_form(&state, &staff, &csrf, client, Some(site), form, errors).await;
    }
    queries::delete(&mut tx, staff.provider_id, client_id, site_id).await?;
    let change = [audit::Change {
        field: "Site deleted".to_owned(),
        before: site.name.clone(),
        after: String::new(),
    }];
    audit::record(
        &mut tx,
        staff.provider_id,
        Entity::Client,
        client_id.0,
        "site deleted",
        &Actor::Staff(&staff),
        &change,
    )
    .await?;
    tx.commit().await?;

    tracing::info!(client_id = %client_id, site_id = %site_id, "client site deleted");
    Ok(see_other(&format!(
        "/clients/{client_id}/account?saved=1#sites"
    )))
}

fn yes_no(value: bool) -> String {
    if value {
        "yes".to_owned()
    } else {
        "no".to_owned()
    }
}

fn site_fields(
    before: Option<&ClientSite>,
    after: &SiteInput,
) -> Vec<(&'static str, String, String)> {
    let old = |f: fn(&ClientSite) -> String| before.map(f).unwrap_or_default();
    let address = |inherited: bool, address: &crate::clients::Address| {
        if inherited {
            "same as headquarters".to_owned()
        } else {
            address.one_line()
        }
    };
    vec![
        ("Name", old(|s| s.name.clone()), after.name.clone()),
        ("Code", old(|s| s.code.clone()), after.code.clone()),
        (
            "Billing address",
            before
                .map(|s| {
                    if s.billing_inherited {
                        "same as headquarters".to_owned()
                    } else {
                        s.billing.one_line()
                    }
                })
                .unwrap_or_default(),
            address(after.billing_inherited, &after.billing),
        ),
        (
            "Shipping address",
            before
                .map(|s| {
                    if s.shipping_inherited {
                        "same as headquarters".to_owned()
                    } else {
                        s.shipping.one_line()
                    }
                })
                .unwrap_or_default(),
            address(after.shipping_inherited, &after.shipping),
        ),
        (
            "Time zone",
            old(|s| s.time_zone.clone()),
            after.time_zone.clone(),
        ),
        (
            "Federal number",
            old(|s| s.federal_number.clone()),
            after.federal_number.clone(),
        ),
        (
            "State number",
            old(|s| s.state_number.clone()),
            after.state_number.clone(),
        ),
        (
            "Science facility",
            old(|s| yes_no(s.is_science_facility)),
            yes_no(after.is_science_facility),
        ),
        (
            "Service center",
            old(|s| yes_no(s.is_service_center)),
            yes_no(after.is_service_center),
        ),
        (
            "Inventory storage",
            old(|s| yes_no(s.is_inventory_storage)),
            yes_no(after.is_inventory_storage),
        ),
        (
            "Production",
            old(|s| yes_no(s.is_production)),
            yes_no(after.is_production),
        ),
    ]
}
