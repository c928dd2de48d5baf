//! Handlers of the client account page and of creating a client.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::model::{Client, ClientStatus, CompanyForm, HeadquartersForm, ListKind};
use super::queries::{self, NewClient, SaveError};
use super::{changes_between, check_references, company_fields, headquarters_fields, Tab};
use crate::audit::{self, Actor, Entity, Event};
use crate::auth::Staff;
use crate::client_sites::{self, ClientSite, EffectiveAddress};
use crate::error::{AppError, AppResult};
use crate::ids::ClientId;
use crate::stickers::{self, Slots};
use crate::web::{render_status, see_other, CsrfToken, FieldErrors, Section, SelectOption, Shell};
use crate::AppState;

/// Events shown in the Account tab's history.
const HISTORY_LIMIT: i64 = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clients/new", get(new_page).post(create))
        .route("/clients/{id}", get(open_client))
        .route("/clients/{id}/account", get(account_tab))
        .route("/clients/{id}/orders", get(orders_tab))
        .route("/clients/{id}/company", post(save_company))
        .route("/clients/{id}/headquarters", post(save_headquarters))
}

/// The drop-down choices of the company form.
struct Choices {
    /// "Main Lab: Ann Lee; Toronto: none", for the hint under the representative drop-down.
    site_defaults: String,
    statuses: Vec<SelectOption>,
    sites: Vec<SelectOption>,
    representatives: Vec<SelectOption>,
    managers: Vec<SelectOption>,
    classes: Vec<SelectOption>,
    invoicing: Vec<SelectOption>,
    standings: Vec<SelectOption>,
    categories: Vec<SelectOption>,
}

/// Returns the name of a site's active default representative, or "none".
fn site_default_name(site: &crate::provider_sites::ProviderSite) -> String {
    let name = &site.default_representative_name;
    if name.is_empty() || name.ends_with("(inactive)") {
        "none".to_owned()
    } else {
        name.clone()
    }
}

/// Loads the choices; `serving_site` decides whose name the "use the site default" entry shows.
async fn choices(state: &AppState, staff: &Staff, serving_site: &str) -> AppResult<Choices> {
    let db = &state.db;
    let provider_id = staff.provider_id;
    let sites = crate::provider_sites::list(db, provider_id).await?;
    let employees = crate::employees::active_options(db, provider_id).await?;

    let default_label = match sites.iter().find(|s| s.id.to_string() == serving_site) {
        Some(site) => format!(
            "Use the serving site's default ({}: {})",
            site.name,
            site_default_name(site)
        ),
        None => "Use the serving site's default (no serving site chosen)".to_owned(),
    };
    // The option names the default of the site chosen when the page was drawn. The hint lists
    // every site's default, for when the serving site is changed in the same edit.
    let site_defaults = sites
        .iter()
        .map(|site| format!("{}: {}", site.name, site_default_name(site)))
        .collect::<Vec<_>>()
        .join("; ");
    let mut representatives = vec![SelectOption::new("", default_label)];
    representatives.extend(
        employees
            .iter()
            .map(|e| SelectOption::new(e.id, e.name.clone())),
    );
    let mut managers = vec![SelectOption::new("", "(none)")];
    managers.extend(
        employees
            .iter()
            .map(|e| SelectOption::new(e.id, e.name.clone())),
    );

    let mut site_options = vec![SelectOption::new("", "(none)")];
    site_options.extend(
        sites
            .iter()
            .map(|s| SelectOption::new(s.id, s.name.clone())),
    );

    let list = |values: Vec<queries::ListOption>| {
        let mut options = vec![SelectOption::new("", "(unassigned)")];
        options.extend(values.into_iter().map(|v| SelectOption::new(v.id, v.name)));
        options
    };
    Ok(Choices {
        site_defaults,
        statuses: ClientStatus::ALL
            .iter()
            .map(|s| SelectOption::new(s.as_str(), s.label()))
            .collect(),
        sites: site_options,
        representatives,
        managers,
        classes: list(queries::list_values(db, provider_id, ListKind::Class).await?),
        invoicing: list(queries::list_values(db, provider_id, ListKind::Invoicing).await?),
        standings: list(queries::list_values(db, provider_id, ListKind::Standing).await?),
        categories: list(queries::list_values(db, provider_id, ListKind::Category).await?),
    })
}

#[derive(Template)]
#[template(path = "clients/templates/new.html")]
struct NewPage {
    shell: Shell,
    company: CompanyForm,
    hq: HeadquartersForm,
    errors: FieldErrors,
    choices: Choices,
    duplicate_name: bool,
}

async fn new_page(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let serving_site = default_serving_site(&state, &staff).await?;
    let company = CompanyForm {
        status: ClientStatus::Approved.as_str().to_owned(),
        currency: "USD".to_owned(),
        serving_site_id: serving_site,
        ..Default::default()
    };
    let hq = HeadquartersForm {
        shipping_same_as_billing: "on".to_owned(),
        ..Default::default()
    };
    show_new(
        &state,
        &staff,
        &csrf,
        company,
        hq,
        FieldErrors::default(),
        false,
    )
    .await
}

/// Returns the signed-in employee's home site, else the provider's first site.
async fn default_serving_site(state: &AppState, staff: &Staff) -> AppResult<String> {
    let employee_home =
        sqlx::query_scalar::<_, Option<i64>>("SELECT home_site_id FROM employees WHERE id = $1")
            .bind(staff.employee_id.0)
            .fetch_optional(&state.db.pool)
            .await?
            .flatten();
    if let Some(id) = employee_home {
        return Ok(id.to_string());
    }
    let sites = crate::provider_sites::list_options(&state.db, staff.provider_id).await?;
    Ok(sites.first().map(|s| s.id.to_string()).unwrap_or_default())
}

async fn show_new(
    state: &AppState,
    staff: &Staff,
    csrf: &CsrfToken,
    company: CompanyForm,
    hq: HeadquartersForm,
    errors: FieldErrors,
    duplicate_name: bool,
) -> AppResult<Response> {
    let choices = choices(state, staff, &company.serving_site_id).await?;
    let status = if errors.is_empty() && !duplicate_name {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &NewPage {
            shell: Shell::new(staff, csrf, Section::Service),
            company,
            hq,
            errors,
            choices,
            duplicate_name,
        },
    ))
}

/// The new-client form posts company and headquarters fields together.
#[derive(Deserialize)]
struct NewClientForm {
    #[serde(flatten)]
    company: CompanyForm,
    #[serde(flatten)]
    hq: HeadquartersForm,
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Form(form): Form<NewClientForm>,
) -> AppResult<Response> {
    let NewClientForm { company, hq } = form;
    let mut errors = FieldErrors::default();
    let company_input = company.validate().map_err(|e| merge(&mut errors, e)).ok();
    let hq_input = hq.validate().map_err(|e| merge(&mut errors, e)).ok();
    if let Some(input) = &company_input {
        merge(
            &mut errors,
            check_references(&state.db, staff.provider_id, input).await?,
        );
    }
    let (Some(company_input), Some(hq_input)) = (company_input, hq_input) else {
        return show_new(&state, &staff, &csrf, company, hq, errors, false).await;
    };
    if !errors.is_empty() {
        return show_new(&state, &staff, &csrf, company, hq, errors, false).await;
    }

    let confirmed = !company.confirm_duplicate_name.is_empty();
    if !confirmed
        && queries::name_taken(&state.db, staff.provider_id, &company_input.name, None).await?
    {
        return show_new(&state, &staff, &csrf, company, hq, errors, true).await;
    }

    let mut tx = state.db.begin().await?;
    let new = NewClient {
        company: &company_input,
        headquarters: &hq_input,
        qualer_client_id: None,
    };
    let (client_id, account_number) = match queries::insert(&mut tx, staff.provider_id, &new).await
    {
        Ok(created) => created,
        Err(SaveError::DuplicateAccountNumber) => {
            errors.add(
                "account_number",
                "Another client already has this account number.",
            );
            return show_new(&state, &staff, &csrf, company, hq, errors, false).await;
        }
        Err(SaveError::Conflict) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "conflict while creating a client"
            )))
        }
        Err(SaveError::Database(error)) => return Err(error.into()),
    };
    let mut fields = company_fields(&state.db, staff.provider_id, &company_input).await?;
    fields[1].1 = account_number;
    fields.extend(headquarters_fields(&hq_input));
    let empty: Vec<(&str, String)> = fields
        .iter()
        .map(|(label, _)| (*label, String::new()))
        .collect();
    let changes = changes_between(&empty, &fields);
    audit::record(
        &mut tx,
        staff.provider_id,
        Entity::Client,
        client_id.0,
        "created",
        &Actor::Staff(&staff),
        &changes,
    )
    .await?;
    tx.commit().await?;

    tracing::info!(client_id = %client_id, provider_id = %staff.provider_id, "client created");
    Ok(see_other(&format!(
        "/clients/{client_id}/account?created=1"
    )))
}

fn merge(into: &mut FieldErrors, from: FieldErrors) {
    for (field, message) in from.fields() {
        into.add(field, message.clone());
    }
    if from.form.is_some() && into.form.is_none() {
        into.form = from.form;
    }
}

async fn open_client(Path(client_id): Path<ClientId>) -> Response {
    see_other(&format!("/clients/{client_id}/account"))
}

#[derive(Template)]
#[template(path = "clients/templates/empty_tab.html")]
struct EmptyTabPage {
    shell: Shell,
    client: Client,
    tab: Tab,
    stickers: Slots,
}

// TODO: the Orders tab lists work orders once they exist; until then it shows an empty state.
async fn orders_tab(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path(client_id): Path<ClientId>,
) -> AppResult<Response> {
    let client = super::load(&state.db, &staff, client_id).await?;
    let stickers = stickers::slots(&state.db, staff.provider_id, client_id).await?;
    let page = EmptyTabPage {
        shell: Shell::new(&staff, &csrf, Section::Service),
        client,
        tab: Tab::Orders,
        stickers,
    };
    Ok(render_status(StatusCode::OK, &page))
}

/// A client site with the addresses it prints.
struct SiteRow {
    site: ClientSite,
    billing: EffectiveAddress,
    shipping: EffectiveAddress,
}

/// A field whose saved value differs from what the user submitted after a concurrent edit.
#[derive(Clone, Debug)]
struct ConflictField {
    field: String,
    saved: String,
    yours: String,
}

#[derive(Template)]
#[template(path = "clients/templates/account.html")]
struct AccountPage {
    shell: Shell,
    client: Client,
    tab: Tab,
    company: CompanyForm,
    company_errors: FieldErrors,
    hq: HeadquartersForm,
    hq_errors: FieldErrors,
    choices: Choices,
    history: Vec<Event>,
    notice: Option<&'static str>,
    conflicts: Vec<ConflictField>,
    stickers: Slots,
    sites: Vec<SiteRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AccountQuery {
    created: Option<String>,
    saved: Option<String>,
    unchanged: Option<String>,
}

async fn account_tab(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path(client_id): Path<ClientId>,
    Query(query): Query<AccountQuery>,
) -> AppResult<Response> {
    let client = super::load(&state.db, &staff, client_id).await?;
    let notice = if query.created.is_some() {
        Some("The client was created.")
    } else if query.saved.is_some() {
        Some("Your changes were saved.")
    } else if query.unchanged.is_some() {
        Some("Nothing was changed, so nothing was saved.")
    } else {
        None
    };
    let company = CompanyForm::from_client(&client);
    let hq = HeadquartersForm::from_client(&client);
    let page = AccountPageParts {
        company,
        company_errors: FieldErrors::default(),
        hq,
        hq_errors: FieldErrors::default(),
        notice,
        conflicts: Vec::new(),
    };
    show_account(&state, &staff, &csrf, client, page).await
}

struct AccountPageParts {
    company: CompanyForm,
    company_errors: FieldErrors,
    hq: HeadquartersForm,
    hq_errors: FieldErrors,
    notice: Option<&'static str>,
    conflicts: Vec<ConflictField>,
}

async fn show_account(
    state: &AppState,
    staff: &Staff,
    csrf: &CsrfToken,
    client: Client,
    parts: AccountPageParts,
) -> AppResult<Response> {
    let choices = choices(state, staff, &parts.company.serving_site_id).await?;
    let history = audit::history(
        &state.db,
        staff.provider_id,
        Entity::Client,
        client.id.0,
        HISTORY_LIMIT,
    )
    .await?;
    let stickers = stickers::slots(&state.db, staff.provider_id, client.id).await?;
    let sites = client_sites::list(&state.db, staff.provider_id, client.id)
        .await?
        .into_iter()
        .map(|site| {
            let (billing, shipping) = client_sites::effective_address(&site, &client);
            SiteRow {
                site,
                billing,
                shipping,
            }
        })
        .collect();
    let status = if parts.company_errors.is_empty()
        && parts.hq_errors.is_empty()
        && parts.conflicts.is_empty()
    {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &AccountPage {
            shell: Shell::new(staff, csrf, Section::Service),
            client,
            tab: Tab::Account,
            company: parts.company,
            company_errors: parts.company_errors,
            hq: parts.hq,
            hq_errors: parts.hq_errors,
            choices,
            history,
            notice: parts.notice,
            conflicts: parts.conflicts,
            stickers,
            sites,
        },
    ))
}

fn parse_version(value: &str) -> AppResult<i64> {
    value.trim().parse().map_err(|_| {
        AppError::BadRequest(
            "The form is missing its version; reload the page and try again.".to_owned(),
        )
    })
}

const CONFLICT_MESSAGE: &str = "Someone else saved this client since you opened it. Nothing was overwritten: the table at the top of the page lists the saved values next to yours. Review them and press Update again to apply your version.";

async fn save_company(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path(client_id): Path<ClientId>,
    Form(mut form): Form<CompanyForm>,
) -> AppResult<Response> {
    let before = super::load(&state.db, &staff, client_id).await?;
    let version = parse_version(&form.version)?;
    let reject =
        |client: Client, form: CompanyForm, errors: FieldErrors, conflicts: Vec<ConflictField>| {
            let hq = HeadquartersForm::from_client(&client);
            AccountPageParts {
                company: form,
                company_errors: errors,
                hq,
                hq_errors: FieldErrors::default(),
                notice: None,
                conflicts,
            }
        };

    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return show_account(
                &state,
                &staff,
                &csrf,
                before.clone(),
                reject(before, form, errors, Vec::new()),
            )
            .await
        }
    };
    let errors = check_references(&state.db, staff.provider_id, &input).await?;
    if !errors.is_empty() {
        return show_account(
            &state,
            &staff,
            &csrf,
            before.clone(),
            reject(before, form, errors, Vec::new()),
        )
        .await;
    }
    let mut input = input;
    if input.account_number.is_empty() {
        // The account number can be changed but not removed.
        input.account_number = before.account_number.clone();
    }

    let before_input = CompanyForm::from_client(&before).validate().map_err(|_| {
        AppError::Internal(anyhow::anyhow!(
            "stored client {client_id} does not pass its own validation"
        ))
    });
    // A save that changes nothing keeps the version, so it cannot conflict with anyone's edit.
    if before_input.as_ref().is_ok_and(|stored| *stored == input) {
        return Ok(see_other(&format!(
            "/clients/{client_id}/account?unchanged=1"
        )));
    }
    let mut tx = state.db.begin().await?;
    match queries::update_company(&mut tx, staff.provider_id, client_id, version, &input).await {
        Ok(()) => {}
        Err(SaveError::Conflict) => {
            drop(tx);
            let saved = CompanyForm::from_client(&before);
            let conflicts = company_conflicts(&state, &staff, &saved, &form).await?;
            let mut errors = FieldErrors::default();
            errors.form = Some(CONFLICT_MESSAGE.to_owned());
            tracing::info!(client_id = %client_id, "concurrent edit of a client detected");
            form.version = before.version.to_string();
            return show_account(
                &state,
                &staff,
                &csrf,
                before.clone(),
                reject(before, form, errors, conflicts),
            )
            .await;
        }
        Err(SaveError::DuplicateAccountNumber) => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add(
                "account_number",
                "Another client already has this account number.",
            );
            return show_account(
                &state,
                &staff,
                &csrf,
                before.clone(),
                reject(before, form, errors, Vec::new()),
            )
            .await;
        }
        Err(SaveError::Database(error)) => return Err(error.into()),
    }
    let old_fields = match before_input {
        Ok(before_input) => company_fields(&state.db, staff.provider_id, &before_input).await?,
        Err(error) => return Err(error),
    };
    let new_fields = company_fields(&state.db, staff.provider_id, &input).await?;
    let changes = changes_between(&old_fields, &new_fields);
    audit::record(
        &mut tx,
        staff.provider_id,
        Entity::Client,
        client_id.0,
        "updated",
        &Actor::Staff(&staff),
        &changes,
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("/clients/{client_id}/account?saved=1")))
}

/// Lists the fields where the saved client differs from the submitted form.
async fn company_conflicts(
    state: &AppState,
    staff: &Staff,
    saved: &CompanyForm,
    yours: &CompanyForm,
) -> AppResult<Vec<ConflictField>> {
    let (Ok(saved), Ok(yours)) = (saved.validate(), yours.validate()) else {
        return Ok(Vec::new());
    };
    let saved = company_fields(&state.db, staff.provider_id, &saved).await?;
    let yours = company_fields(&state.db, staff.provider_id, &yours).await?;
    Ok(saved
        .into_iter()
        .zip(yours)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, saved), (_, yours))| ConflictField {
            field: field.to_owned(),
            saved,
            yours,
        })
        .collect())
}

async fn save_headquarters(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path(client_id): Path<ClientId>,
    Form(mut form): Form<HeadquartersForm>,
) -> AppResult<Response> {
    let before = super::load(&state.db, &staff, client_id).await?;
    let version = parse_version(&form.version)?;
    let reject = |client: &Client,
                  form: HeadquartersForm,
                  errors: FieldErrors,
                  conflicts: Vec<ConflictField>| AccountPageParts {
        company: CompanyForm::from_client(client),
        company_errors: FieldErrors::default(),
        hq: form,
        hq_errors: errors,
        notice: None,
        conflicts,
    };

    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            let parts = reject(&before, form, errors, Vec::new());
            return show_account(&state, &staff, &csrf, before, parts).await;
        }
    };
    let old = HeadquartersForm::from_client(&before)
        .validate()
        .map_err(|_| {
            AppError::Internal(anyhow::anyhow!(
                "stored headquarters of client {client_id} do not pass validation"
            ))
        })?;
    if old == input {
        return Ok(see_other(&format!(
            "/clients/{client_id}/account?unchanged=1"
        )));
    }

    let mut tx = state.db.begin().await?;
    match queries::update_headquarters(&mut tx, staff.provider_id, client_id, version, &input).await
    {
        Ok(()) => {}
        Err(SaveError::Conflict) => {
            drop(tx);
            let conflicts: Vec<ConflictField> = headquarters_fields(&old)
                .into_iter()
                .zip(headquarters_fields(&input))
                .filter(|((_, a), (_, b))| a != b)
                .map(|((field, saved), (_, yours))| ConflictField {
                    field: field.to_owned(),
                    saved,
                    yours,
                })
                .collect();
            let mut errors = FieldErrors::default();
            errors.form = Some(CONFLICT_MESSAGE.to_owned());
            form.version = before.version.to_string();
            tracing::info!(client_id = %client_id, "concurrent edit of client headquarters detected");
            let parts = reject(&before, form, errors, conflicts);
            return show_account(&state, &staff, &csrf, before, parts).await;
        }
        Err(SaveError::DuplicateAccountNumber) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "account number clash while saving addresses"
            )))
        }
        Err(SaveError::Database(error)) => return Err(error.into()),
    }
    let changes = changes_between(&headquarters_fields(&old), &headquarters_fields(&input));
    audit::record(
        &mut tx,
        staff.provider_id,
        Entity::Client,
        client_id.0,
        "updated",
        &Actor::Staff(&staff),
        &changes,
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("/clients/{client_id}/account?saved=1")))
}
