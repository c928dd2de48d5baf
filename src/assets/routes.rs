//! Handlers of the Assets tab and the asset form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::export;
use super::model::{interval_label, Asset, AssetForm, AssetInput, AssetStatus};
use super::queries::{self, AssetFilter, Due, SaveError, Sort};
use crate::audit::{self, Actor, Entity, Event};
use crate::auth::Staff;
use crate::client_sites::{self, ClientSite};
use crate::clients::{self, Client, Tab};
use crate::error::{AppError, AppResult};
use crate::ids::{AssetId, ClientId, ClientSiteId};
use crate::stickers::{self, Slots};
use crate::web::{
    encode_query_value, render_status, see_other, CsrfToken, FieldErrors, Section, SelectOption,
    Shell,
};
use crate::AppState;

/// Rows per page unless the address requests another of [`PAGE_SIZES`].
const DEFAULT_PAGE_SIZE: i64 = 50;
const PAGE_SIZES: [i64; 4] = [25, 50, 100, 200];
/// The "due within" window when the address names none, in days.
const DEFAULT_DUE_DAYS: i64 = 30;
const MAX_DUE_DAYS: i64 = 3650;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clients/{id}/assets", get(assets_tab))
        .route("/clients/{id}/assets/export.csv", get(export_csv))
        .route("/clients/{id}/assets/export.xlsx", get(export_xlsx))
        .route("/clients/{id}/assets/new", get(new_page).post(create))
        .route("/clients/{id}/assets/{asset_id}", get(edit_page).post(save))
}

/// The Assets tab's address parameters as typed; values that make no sense are ignored.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssetsQuery {
    pub q: String,
    pub site: String,
    pub status: String,
    pub due: String,
    pub days: String,
    pub sort: String,
    pub dir: String,
    pub page: String,
    pub per: String,
}

/// The parsed view: filter, page and page size.
struct View {
    filter: AssetFilter,
    page: i64,
    per: i64,
    due_days: i64,
}

fn parse_view(query: &AssetsQuery, today: String) -> View {
    let due_days = query
        .days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=MAX_DUE_DAYS).contains(d))
        .unwrap_or(DEFAULT_DUE_DAYS);
    let due = match query.due.as_str() {
        "past" => Some(Due::Past),
        "within" => Some(Due::Within(due_days)),
        _ => None,
    };
    let filter = AssetFilter {
        search: query.q.trim().to_owned(),
        site: query.site.trim().parse::<i64>().ok().map(ClientSiteId),
        status: AssetStatus::parse(&query.status),
        due,
        today,
        sort: Sort::parse(&query.sort).unwrap_or(Sort::Name),
        descending: query.dir == "desc",
    };
    let per = query
        .per
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| PAGE_SIZES.contains(p))
        .unwrap_or(DEFAULT_PAGE_SIZE);
    let page = query
        .page
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    View {
        filter,
        page,
        per,
        due_days,
    }
}

#[derive(Template)]
#[template(path = "assets/templates/tab.html")]
struct AssetsTab {
    shell: Shell,
    client: Client,
    tab: Tab,
    stickers: Slots,
    query: AssetsQuery,
    assets: Vec<Asset>,
    total: i64,
    page: i64,
    pages: i64,
    first_row: i64,
    last_row: i64,
    due_days: i64,
    today: String,
    site_filter: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
}

impl AssetsTab {
    /// Builds the address of this view with one parameter changed. The page resets unless it is
    /// the parameter changed.
    fn with(&self, key: &str, value: &str) -> String {
        self.with_all(&[(key, value)])
    }

    /// Builds the address of this view with several parameters changed; the page resets unless
    /// it is one of them.
    fn with_all(&self, changes: &[(&str, &str)]) -> String {
        let q = &self.query;
        let mut pairs: Vec<(&str, String)> = vec![
            ("q", q.q.clone()),
            ("site", q.site.clone()),
            ("status", q.status.clone()),
            ("due", q.due.clone()),
            ("days", q.days.clone()),
            ("sort", q.sort.clone()),
            ("dir", q.dir.clone()),
            ("per", q.per.clone()),
            ("page", q.page.clone()),
        ];
        let keeps_page = changes.iter().any(|(key, _)| *key == "page");
        pairs.retain(|(k, _)| {
            !changes.iter().any(|(key, _)| key == k) && (keeps_page || *k != "page")
        });
        pairs.extend(
            changes
                .iter()
                .map(|(key, value)| (*key, (*value).to_owned())),
        );
        let query: Vec<String> = pairs
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode_query_value(&v)))
            .collect();
        format!("/clients/{}/assets?{}", self.client.id, query.join("&"))
    }

    /// Builds the address that sorts by `column`, flipping the direction when it is already the
    /// sort.
    fn sort_link(&self, column: &str) -> String {
        let current = if self.query.sort.is_empty() {
            "name"
        } else {
            self.query.sort.as_str()
        };
        let direction = if current == column && self.query.dir != "desc" {
            "desc"
        } else {
            "asc"
        };
        self.with_all(&[("sort", column), ("dir", direction)])
    }

    fn sort_mark(&self, column: &str) -> &'static str {
        let current = if self.query.sort.is_empty() {
            "name"
        } else {
            self.query.sort.as_str()
        };
        match (current == column, self.query.dir == "desc") {
            (true, true) => " ▼",
            (true, false) => " ▲",
            _ => "",
        }
    }

    fn export_link(&self, format: &str) -> String {
        let link = self.with("page", "");
        link.replacen("/assets?", &format!("/assets/export.{format}?"), 1)
    }

    fn page_link(&self, page: &i64) -> String {
        self.with("page", &page.to_string())
    }
}

async fn assets_tab(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path(client_id): Path<ClientId>,
    Query(query): Query<AssetsQuery>,
) -> AppResult<Response> {
    let client = clients::load(&state.db, &staff, client_id).await?;
    let today =
        queries::today_at_home_site(&state.db, staff.provider_id, staff.employee_id).await?;
    let view = parse_view(&query, today.clone());

    let total = queries::count(&state.db, staff.provider_id, client_id, &view.filter).await?;
    let pages = ((total + view.per - 1) / view.per).max(1);
    let page = view.page.min(pages);
    let offset = (page - 1) * view.per;
    let window = Some((view.per, offset));
    let assets = queries::list(
        &state.db,
        staff.provider_id,
        client_id,
        &view.filter,
        window,
    )
    .await?;

    let sites = client_sites::list(&state.db, staff.provider_id, client_id).await?;
    let mut site_filter = vec![SelectOption::new("", "All sites")];
    site_filter.extend(sites.iter().map(|s| SelectOption::new(s.id, site_label(s))));
    let mut statuses = vec![SelectOption::new("", "Any status")];
    statuses.extend(
        AssetStatus::ALL
            .iter()
            .map(|s| SelectOption::new(s.as_str(), s.as_str())),
    );

    let stickers = stickers::slots(&state.db, staff.provider_id, client_id).await?;
    let page_view = AssetsTab {
        shell: Shell::new(&staff, &csrf, Section::Service),
        client,
        tab: Tab::Assets,
        stickers,
        query,
        first_row: if total == 0 { 0 } else { offset + 1 },
        last_row: offset + assets.len() as i64,
        assets,
        total,
        page,
        pages,
        due_days: view.due_days,
        today,
        site_filter,
        statuses,
    };
    Ok(render_status(StatusCode::OK, &page_view))
}

fn site_label(site: &ClientSite) -> String {
    if site.archived {
        format!("{} (archived)", site.name)
    } else {
        site.name.clone()
    }
}

async fn export_rows(
    state: &AppState,
    staff: &Staff,
    client_id: ClientId,
    query: &AssetsQuery,
) -> AppResult<(Client, Vec<Asset>)> {
    let client = clients::load(&state.db, staff, client_id).await?;
    let today =
        queries::today_at_home_site(&state.db, staff.provider_id, staff.employee_id).await?;
    let view = parse_view(query, today);
    let assets = queries::list(&state.db, staff.provider_id, client_id, &view.filter, None).await?;
    Ok((client, assets))
}

async fn export_csv(
    State(state): State<AppState>,
    staff: Staff,
    Path(client_id): Path<ClientId>,
    Query(query): Query<AssetsQuery>,
) -> AppResult<Response> {
    let (client, assets) = export_rows(&state, &staff, client_id, &query).await?;
    export::csv(&client, &assets).await
}

async fn export_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    Path(client_id): Path<ClientId>,
    Query(query): Query<AssetsQuery>,
) -> AppResult<Response> {
    let (client, assets) = export_rows(&state, &staff, client_id, &query).await?;
    export::xlsx(&client, &assets).await
}

#[derive(Template)]
#[template(path = "assets/templates/form.html")]
struct FormPage {
    shell: Shell,
    client: Client,
    asset: Option<Asset>,
    form: AssetForm,
    errors: FieldErrors,
    sites: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    history: Vec<Event>,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.asset {
            Some(asset) => format!("/clients/{}/assets/{}", self.client.id, asset.id),
            None => format!("/clients/{}/assets/new", self.client.id),
        }
    }
}

async fn show_form(
    state: &AppState,
    staff: &Staff,
    csrf: &CsrfToken,
    client: Client,
    asset: Option<Asset>,
    form: AssetForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let mut sites = vec![SelectOption::new("", "(no site)")];
    for site in client_sites::list(&state.db, staff.provider_id, client.id).await? {
        // Archived sites leave the picker, except the one the asset is still at.
        let current = asset.as_ref().is_some_and(|a| a.site_id == Some(site.id));
        if !site.archived || current {
            sites.push(SelectOption::new(site.id, site_label(&site)));
        }
    }
    let statuses = AssetStatus::ALL
        .iter()
        .map(|s| SelectOption::new(s.as_str(), s.as_str()))
        .collect();
    let history = match &asset {
        Some(asset) => {
            audit::history(&state.db, staff.provider_id, Entity::Asset, asset.id.0, 50).await?
        }
        None => Vec::new(),
    };
    let status = errors.status();
    Ok(render_status(
        status,
        &FormPage {
            shell: Shell::new(staff, csrf, Section::Service),
            client,
            asset,
            form,
            errors,
            sites,
            statuses,
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
    let form = AssetForm {
        status: AssetStatus::Active.as_str().to_owned(),
        ..Default::default()
    };
    show_form(
        &state,
        &staff,
        &csrf,
        client,
        None,
        form,
        FieldErrors::default(),
    )
    .await
}

async fn edit_page(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path((client_id, asset_id)): Path<(ClientId, AssetId)>,
) -> AppResult<Response> {
    let client = clients::load(&state.db, &staff, client_id).await?;
    let asset = queries::find(&state.db, staff.provider_id, client_id, asset_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = AssetForm::from_asset(&asset);
    show_form(
        &state,
        &staff,
        &csrf,
        client,
        Some(asset),
        form,
        FieldErrors::default(),
    )
    .await
}

/// Validates the form, the site (a site of this client, not archived unless the asset is
/// already there) and the serial number's uniqueness.
async fn validate(
    state: &AppState,
    staff: &Staff,
    client_id: ClientId,
    form: &AssetForm,
    existing: Option<&Asset>,
) -> AppResult<Result<AssetInput, FieldErrors>> {
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => return Ok(Err(errors)),
    };
    let mut errors = FieldErrors::default();

    if let Some(site_id) = input.site_id {
        let unchanged = existing.is_some_and(|a| a.site_id == Some(site_id));
        match client_sites::find(&state.db, staff.provider_id, client_id, site_id).await? {
            Some(site) if !site.archived || unchanged => {}
            Some(_) => errors.add("site_id", "This site is archived; choose an active site."),
            None => errors.add("site_id", "Choose a site from the list."),
        }
    }
    if let Some((id, name)) =
        queries::find_duplicate(&state.db, client_id, &input, existing.map(|a| a.id)).await?
    {
        errors.add("serial_number", duplicate_message(&input, id, &name));
    }
    Ok(if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors)
    })
}

fn duplicate_message(input: &AssetInput, id: AssetId, name: &str) -> String {
    let maker = if input.manufacturer.is_empty() {
        "no manufacturer".to_owned()
    } else {
        input.manufacturer.clone()
    };
    format!(
        "Serial number {} ({maker}) is already asset \"{name}\" (#{id}) of this client.",
        input.serial_number
    )
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path(client_id): Path<ClientId>,
    Form(form): Form<AssetForm>,
) -> AppResult<Response> {
    let client = clients::load(&state.db, &staff, client_id).await?;
    let input = match validate(&state, &staff, client_id, &form, None).await? {
        Ok(input) => input,
        Err(errors) => return show_form(&state, &staff, &csrf, client, None, form, errors).await,
    };

    let mut tx = state.db.begin().await?;
    let asset_id = match queries::insert(&mut tx, staff.provider_id, client_id, &input).await {
        Ok(id) => id,
        Err(SaveError::DuplicateSerial) => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add(
                "serial_number",
                "Another asset of this client already has this serial number and manufacturer.",
            );
            return show_form(&state, &staff, &csrf, client, None, form, errors).await;
        }
        Err(SaveError::Conflict) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "version conflict while creating an asset"
            )))
        }
        Err(SaveError::Database(error)) => return Err(error.into()),
    };
    let changes = audit::diff(&asset_fields(
        None,
        &input,
        &site_name(&state, &staff, client_id, input.site_id).await?,
    ));
    audit::record(
        &mut tx,
        staff.provider_id,
        Entity::Asset,
        asset_id.0,
        "created",
        &Actor::Staff(&staff),
        &changes,
    )
    .await?;
    tx.commit().await?;

    tracing::info!(client_id = %client_id, asset_id = %asset_id, "asset created");
    Ok(see_other(&format!("/clients/{client_id}/assets")))
}

async fn save(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Path((client_id, asset_id)): Path<(ClientId, AssetId)>,
    Form(form): Form<AssetForm>,
) -> AppResult<Response> {
    let client = clients::load(&state.db, &staff, client_id).await?;
    let before = queries::find(&state.db, staff.provider_id, client_id, asset_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut input = match validate(&state, &staff, client_id, &form, Some(&before)).await? {
        Ok(input) => input,
        Err(errors) => {
            return show_form(&state, &staff, &csrf, client, Some(before), form, errors).await
        }
    };
    follow_new_service_date(&before, &mut input);
    let version: i64 = form.version.trim().parse().map_err(|_| {
        AppError::BadRequest(
            "The form is missing its version; reload the page and try again.".to_owned(),
        )
    })?;

    let mut tx = state.db.begin().await?;
    match queries::update(
        &mut tx,
        staff.provider_id,
        client_id,
        asset_id,
        version,
        &input,
    )
    .await
    {
        Ok(()) => {}
        Err(SaveError::Conflict) => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.form = Some("Someone else saved this asset since you opened it. Reload the page to see their changes, then apply yours again.".to_owned());
            return show_form(&state, &staff, &csrf, client, Some(before), form, errors).await;
        }
        Err(SaveError::DuplicateSerial) => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add(
                "serial_number",
                "Another asset of this client already has this serial number and manufacturer.",
            );
            return show_form(&state, &staff, &csrf, client, Some(before), form, errors).await;
        }
        Err(SaveError::Database(error)) => return Err(error.into()),
    }
    let after_site = site_name(&state, &staff, client_id, input.site_id).await?;
    let changes = audit::diff(&asset_fields(Some(&before), &input, &after_site));
    audit::record(
        &mut tx,
        staff.provider_id,
        Entity::Asset,
        asset_id.0,
        "updated",
        &Actor::Staff(&staff),
        &changes,
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("/clients/{client_id}/assets")))
}

/// Moves the next service date on when the edit records a new last service date or interval
/// but leaves the next date as it was stored: the form shows the stored next date, so keeping
/// it would silently undo the service just recorded.
fn follow_new_service_date(before: &Asset, input: &mut AssetInput) {
    let as_text = |date: Option<chrono::NaiveDate>| date.map(|d| d.format("%Y-%m-%d").to_string());
    let schedule_changed = as_text(input.last_service_date) != before.last_service_date
        || input.service_interval_months != before.service_interval_months;
    let next_untouched = as_text(input.next_service_date) == before.next_service_date;
    if !(schedule_changed && next_untouched) {
        return;
    }
    if let (Some(last), Some(months)) = (input.last_service_date, input.service_interval_months) {
        input.next_service_date = last.checked_add_months(chrono::Months::new(months as u32));
    }
}

async fn site_name(
    state: &AppState,
    staff: &Staff,
    client_id: ClientId,
    site_id: Option<ClientSiteId>,
) -> AppResult<String> {
    let Some(site_id) = site_id else {
        return Ok(String::new());
    };
    Ok(
        client_sites::find(&state.db, staff.provider_id, client_id, site_id)
            .await?
            .map(|s| s.name)
            .unwrap_or_default(),
    )
}

fn asset_fields(
    before: Option<&Asset>,
    after: &AssetInput,
    after_site: &str,
) -> Vec<(&'static str, String, String)> {
    let old = |f: fn(&Asset) -> String| before.map(f).unwrap_or_default();
    let date = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    vec![
        ("Site", old(|a| a.site_name.clone()), after_site.to_owned()),
        ("Name", old(|a| a.name.clone()), after.name.clone()),
        (
            "Description",
            old(|a| a.description.clone()),
            after.description.clone(),
        ),
        (
            "Manufacturer",
            old(|a| a.manufacturer.clone()),
            after.manufacturer.clone(),
        ),
        (
            "Model / part number",
            old(|a| a.model.clone()),
            after.model.clone(),
        ),
        (
            "Serial number",
            old(|a| a.serial_number.clone()),
            after.serial_number.clone(),
        ),
        (
            "Asset tag",
            old(|a| a.asset_tag.clone()),
            after.asset_tag.clone(),
        ),
        (
            "Equipment id",
            old(|a| a.equipment_id.clone()),
            after.equipment_id.clone(),
        ),
        ("Barcode", old(|a| a.barcode.clone()), after.barcode.clone()),
        (
            "Status",
            old(|a| a.status.as_str().to_owned()),
            after.status.as_str().to_owned(),
        ),
        (
            "Service interval",
            old(|a| interval_label(a.service_interval_months)),
            interval_label(after.service_interval_months),
        ),
        (
            "Last service",
            old(|a| a.last_service_date.clone().unwrap_or_default()),
            date(after.last_service_date),
        ),
        (
            "Next service",
            old(|a| a.next_service_date.clone().unwrap_or_default()),
            date(after.next_service_date),
        ),
    ]
}
