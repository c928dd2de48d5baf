//! Handlers of the Client Manager page and its exports.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use axum_extra::extract::Query;

use super::export;
use super::query::{self, ClientRow, Listing};
use super::view::{
    group_digits, Direction, Folder, Known, Params, SortKey, View, MAX_DUE_DAYS, PAGE_SIZES,
};
use crate::auth::Staff;
use crate::clients::queries::{list_values, ListOption};
use crate::clients::{ClientStatus, ListKind};
use crate::employees::{self, EmployeeOption};
use crate::error::AppResult;
use crate::provider_sites::{self, SiteOption};
use crate::web::{self, render, CsrfToken, Section, Shell};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clients", get(list_page))
        .route("/clients/export.csv", get(export_csv))
        .route("/clients/export.xlsx", get(export_xlsx))
}

/// The provider's employees, sites and classes: the filter choices, and the ids a view may use.
struct Choices {
    employees: Vec<EmployeeOption>,
    sites: Vec<SiteOption>,
    classes: Vec<ListOption>,
}

impl Choices {
    async fn load(state: &AppState, staff: &Staff) -> AppResult<Choices> {
        let db = &state.db;
        Ok(Choices {
            employees: employees::all_options(db, staff.provider_id).await?,
            sites: provider_sites::list_options(db, staff.provider_id).await?,
            classes: list_values(db, staff.provider_id, ListKind::Class).await?,
        })
    }

    fn known(&self) -> Known<'_> {
        Known {
            employees: &self.employees,
            sites: &self.sites,
            classes: &self.classes,
        }
    }
}

/// A folder link of the left column.
struct FolderLink {
    label: String,
    href: String,
    count: String,
    current: bool,
}

/// A column heading of the client table.
struct ColumnHead {
    label: &'static str,
    /// The address that sorts by this column; `None` for a column that cannot be sorted.
    href: Option<String>,
    /// "ascending" or "descending" on the column the list is sorted by.
    aria_sort: Option<&'static str>,
    /// A class for the heading cell, or an empty string.
    class: &'static str,
}

/// A choice of a filter drop-down or checkbox list.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// A link of the pager; `None` marks a gap between page numbers.
struct PageLink {
    number: Option<u64>,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "client_manager/templates/list.html")]
struct ListPage {
    shell: Shell,
    view: View,
    notices: Vec<String>,
    /// All, Prospects, Unapproved and Hidden.
    folders: Vec<FolderLink>,
    /// Assets due and Past due, listed below the status folders.
    asset_folders: Vec<FolderLink>,
    columns: Vec<ColumnHead>,
    rows: Vec<ClientRow>,
    /// "1–50 of 1,627".
    range: String,
    pages: Vec<PageLink>,
    previous_href: Option<String>,
    next_href: Option<String>,
    statuses: Vec<Choice>,
    classes: Vec<Choice>,
    sites: Vec<Choice>,
    /// "My accounts" and "No representative" first, then every employee.
    representatives: Vec<Choice>,
    page_sizes: Vec<Choice>,
}

impl ListPage {
    fn folder_value(&self) -> &'static str {
        self.view.folder.as_str()
    }

    fn sort_value(&self) -> &'static str {
        self.view.sort.as_str()
    }

    fn direction_value(&self) -> &'static str {
        self.view.direction.as_str()
    }

    fn sort_description(&self) -> String {
        format!(
            "sorted by {}, {}",
            self.view.sort.label(),
            self.view.direction.aria()
        )
    }

    fn csv_href(&self) -> String {
        self.view.export_href("csv")
    }

    fn xlsx_href(&self) -> String {
        self.view.export_href("xlsx")
    }

    fn clear_href(&self) -> String {
        self.view.clear_filters_href()
    }

    fn is_filtered(&self) -> bool {
        self.view.is_filtered()
    }

    fn max_due_days(&self) -> u32 {
        MAX_DUE_DAYS
    }

    fn in_default_folder(&self) -> bool {
        self.view.folder == Folder::All
    }

    fn in_default_sort(&self) -> bool {
        self.view.sort == SortKey::default()
    }

    fn in_default_direction(&self) -> bool {
        self.view.direction == Direction::default()
    }
}

async fn list_page(
    State(state): State<AppState>,
    staff: Staff,
    csrf: CsrfToken,
    Query(params): Query<Params>,
) -> AppResult<Response> {
    let choices = Choices::load(&state, &staff).await?;
    let (mut view, mut notices) = View::from_params(&params, staff.employee_id, &choices.known());
    view.today =
        crate::assets::today_at_home_site(&state.db, staff.provider_id, staff.employee_id).await?;

    let listing = query::load(&state.db, staff.provider_id, &view).await?;
    if listing.page < view.page {
        notices.push(format!(
            "Page {} is past the end of this list; showing page {}, the last.",
            view.page, listing.page
        ));
    }
    view.page = listing.page;

    let page = ListPage {
        shell: Shell::new(&staff, &csrf, Section::Service),
        notices,
        folders: folder_links(&view, &listing, |folder| !folder.is_asset_folder()),
        asset_folders: folder_links(&view, &listing, Folder::is_asset_folder),
        columns: column_heads(&view),
        range: range_text(&view, &listing),
        pages: page_links(&view, &listing),
        previous_href: (listing.page > 1).then(|| view.page_href(listing.page - 1)),
        next_href: (listing.page < listing.last_page).then(|| view.page_href(listing.page + 1)),
        statuses: status_choices(&view),
        classes: class_choices(&view, &choices.classes),
        sites: site_choices(&view, &choices.sites),
        representatives: representative_choices(&view, &choices.employees),
        page_sizes: PAGE_SIZES
            .iter()
            .map(|size| Choice {
                value: size.to_string(),
                label: size.to_string(),
                selected: *size == view.per_page,
            })
            .collect(),
        rows: listing.rows,
        view,
    };
    Ok(render(&page))
}

fn folder_links(view: &View, listing: &Listing, include: fn(Folder) -> bool) -> Vec<FolderLink> {
    Folder::ALL
        .into_iter()
        .filter(|folder| include(*folder))
        .map(|folder| FolderLink {
            label: folder_label(view, folder),
            href: view.folder_href(folder),
            count: group_digits(listing.counts.folder(folder)),
            current: folder == view.folder,
        })
        .collect()
}

/// Formats the folder's name, with the window for Assets due: "Assets due (30 days)".
fn folder_label(view: &View, folder: Folder) -> String {
    match (folder, view.due_days) {
        (Folder::AssetsDue, 1) => format!("{} (1 day)", folder.label()),
        (Folder::AssetsDue, days) => format!("{} ({days} days)", folder.label()),
        _ => folder.label().to_owned(),
    }
}

/// Builds the headings in the order of the row cells: the sortable columns, with the sticker
/// marks beside the asset counts so the two narrow columns sit together.
fn column_heads(view: &View) -> Vec<ColumnHead> {
    let mut heads = Vec::new();
    for sort in SortKey::ALL {
        heads.push(ColumnHead {
            label: sort.label(),
            href: Some(view.sort_href(sort)),
            aria_sort: (sort == view.sort).then(|| view.direction.aria()),
            class: if sort == SortKey::Assets {
                "cm-number"
            } else {
                ""
            },
        });
        if sort == SortKey::Representative {
            heads.push(ColumnHead {
                label: "Stickers",
                href: None,
                aria_sort: None,
                class: "cm-stickers",
            });
        }
    }
    heads
}

fn range_text(view: &View, listing: &Listing) -> String {
    let shown = listing.rows.len() as u64;
    if shown == 0 {
        return "No clients".to_owned();
    }
    let first = (listing.page - 1) * view.per_page + 1;
    let last = first + shown - 1;
    format!(
        "{}–{} of {}",
        group_digits(first),
        group_digits(last),
        group_digits(listing.total)
    )
}

/// Lists the first and last page and the two pages either side of the current one, with gaps.
fn page_links(view: &View, listing: &Listing) -> Vec<PageLink> {
    let mut links = Vec::new();
    let mut previous = 0;
    for number in 1..=listing.last_page {
        let near_current = number.abs_diff(listing.page) <= 2;
        if number != 1 && number != listing.last_page && !near_current {
            continue;
        }
        if number > previous + 1 {
            links.push(PageLink {
                number: None,
                href: String::new(),
                current: false,
            });
        }
        links.push(PageLink {
            number: Some(number),
            href: view.page_href(number),
            current: number == listing.page,
        });
        previous = number;
    }
    links
}

fn status_choices(view: &View) -> Vec<Choice> {
    let mut choices = vec![Choice {
        value: String::new(),
        label: "Any status".to_owned(),
        selected: view.status.is_none(),
    }];
    choices.extend(ClientStatus::ALL.into_iter().map(|status| Choice {
        value: status.as_str().to_owned(),
        label: status.label().to_owned(),
        selected: view.status == Some(status),
    }));
    choices
}

fn class_choices(view: &View, classes: &[ListOption]) -> Vec<Choice> {
    let mut choices = vec![Choice {
        value: String::new(),
        label: "Any class".to_owned(),
        selected: view.class.is_none(),
    }];
    choices.extend(classes.iter().map(|class| Choice {
        value: class.id.to_string(),
        label: class.name.clone(),
        selected: view.class == Some(class.id),
    }));
    choices
}

fn site_choices(view: &View, sites: &[SiteOption]) -> Vec<Choice> {
    sites
        .iter()
        .map(|site| Choice {
            value: site.id.to_string(),
            label: site.name.clone(),
            selected: view.sites.contains(&site.id),
        })
        .collect()
}

fn representative_choices(view: &View, employees: &[EmployeeOption]) -> Vec<Choice> {
    let mut choices = vec![
        Choice {
            value: "me".to_owned(),
            label: "My accounts".to_owned(),
            selected: view.reps.mine.is_some(),
        },
        Choice {
            value: "none".to_owned(),
            label: "No representative".to_owned(),
            selected: view.reps.none,
        },
    ];
    choices.extend(employees.iter().map(|employee| Choice {
        value: employee.id.to_string(),
        label: if employee.active {
            employee.name.clone()
        } else {
            format!("{} (inactive)", employee.name)
        },
        selected: view.reps.employees.contains(&employee.id),
    }));
    choices
}

/// Normalizes the export request exactly as the page does, so an export link reproduces the
/// view on screen, and loads every row of it. Sticker marks are not loaded: stickers never leave
/// the application in an export (see [`export`]).
async fn export_rows(
    state: &AppState,
    staff: &Staff,
    params: &Params,
) -> AppResult<Vec<ClientRow>> {
    let choices = Choices::load(state, staff).await?;
    let (mut view, _notices) = View::from_params(params, staff.employee_id, &choices.known());
    view.today =
        crate::assets::today_at_home_site(&state.db, staff.provider_id, staff.employee_id).await?;
    let rows = query::export_rows(&state.db, staff.provider_id, &view).await?;
    tracing::info!(
        provider_id = %staff.provider_id,
        employee_id = %staff.employee_id,
        rows = rows.len(),
        "client list exported"
    );
    Ok(rows)
}

/// The file name of an export, such as `clients-2026-12-04`.
fn export_stem() -> String {
    format!("clients-{}", chrono::Utc::now().format("%Y-%m-%d"))
}

async fn export_csv(
    State(state): State<AppState>,
    staff: Staff,
    Query(params): Query<Params>,
) -> AppResult<Response> {
    let rows = export_rows(&state, &staff, &params).await?;
    web::export::csv_download(export_stem(), export::table(&rows)).await
}

async fn export_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    Query(params): Query<Params>,
) -> AppResult<Response> {
    let rows = export_rows(&state, &staff, &params).await?;
    web::export::xlsx_download(export_stem(), export::SHEET_NAME, export::table(&rows)).await
}
