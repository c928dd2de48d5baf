//! The state of the Client Manager page as the URL carries it: folder, asset due window, search,
//! filters, sort and paging.
//!
//! Every parameter is read as text and normalized, so no address can make the page fail: an
//! unknown or malformed value falls back to its default, and an id that is not the provider's
//! own is dropped. Each dropped value produces a notice for the page, so the user sees why the
//! list is wider than the address asked for.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::clients::queries::ListOption;
use crate::clients::ClientStatus;
use crate::employees::EmployeeOption;
use crate::ids::{EmployeeId, ListValueId, ProviderSiteId};
use crate::provider_sites::SiteOption;
use crate::web::encode_query_value;

/// Page sizes offered; any other `per` value falls back to the default.
pub const PAGE_SIZES: [u64; 4] = [25, 50, 100, 200];
pub const DEFAULT_PAGE_SIZE: u64 = 50;

/// Days ahead that the Assets due folder looks, unless the address sets `due_days`.
pub const DEFAULT_DUE_DAYS: u32 = 30;
/// Maximum `due_days`: ten years.
pub const MAX_DUE_DAYS: u32 = 3650;

/// The query string as received. Every field is a list so a repeated key never fails
/// deserialization; single-valued parameters use their last value.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Params {
    pub folder: Vec<String>,
    pub due_days: Vec<String>,
    pub q: Vec<String>,
    pub status: Vec<String>,
    pub class: Vec<String>,
    pub site: Vec<String>,
    pub rep: Vec<String>,
    pub sort: Vec<String>,
    pub dir: Vec<String>,
    pub page: Vec<String>,
    pub per: Vec<String>,
}

/// The folders of the left column: four by client status, then two by the next service dates of
/// the client's assets. Hidden clients are only in the Hidden folder.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Folder {
    #[default]
    All,
    Prospects,
    Unapproved,
    Hidden,
    /// Clients with an asset whose next service date is from today through today + the view's
    /// `due_days`.
    AssetsDue,
    /// Clients with an asset whose next service date is before today.
    PastDue,
}

impl Folder {
    pub const ALL: [Folder; 6] = [
        Folder::All,
        Folder::Prospects,
        Folder::Unapproved,
        Folder::Hidden,
        Folder::AssetsDue,
        Folder::PastDue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Folder::All => "all",
            Folder::Prospects => "prospects",
            Folder::Unapproved => "unapproved",
            Folder::Hidden => "hidden",
            Folder::AssetsDue => "due",
            Folder::PastDue => "pastdue",
        }
    }

    /// Returns the folder's name. The page adds the window to "Assets due".
    pub fn label(self) -> &'static str {
        match self {
            Folder::All => "All",
            Folder::Prospects => "Prospects",
            Folder::Unapproved => "Unapproved",
            Folder::Hidden => "Hidden",
            Folder::AssetsDue => "Assets due",
            Folder::PastDue => "Past due",
        }
    }

    /// Checks whether this folder picks clients by their assets' next service dates.
    pub fn is_asset_folder(self) -> bool {
        matches!(self, Folder::AssetsDue | Folder::PastDue)
    }

    pub fn parse(value: &str) -> Option<Folder> {
        Folder::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(value.trim()))
    }

    /// Checks whether clients of `status` may be in this folder. The status decides alone for
    /// the status folders. The asset folders, like All, leave hidden clients out, and they
    /// also need an asset in their window.
    pub fn contains(self, status: ClientStatus) -> bool {
        match self {
            Folder::All | Folder::AssetsDue | Folder::PastDue => status != ClientStatus::Hidden,
            Folder::Prospects => status == ClientStatus::Prospect,
            Folder::Unapproved => status == ClientStatus::NotApproved,
            Folder::Hidden => status == ClientStatus::Hidden,
        }
    }
}

/// The columns the list can be sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    Account,
    #[default]
    Name,
    Status,
    City,
    State,
    Contact,
    Representative,
    /// The number of the client's assets.
    Assets,
    Updated,
}

impl SortKey {
    /// Every sort key, in the order of the table's columns.
    pub const ALL: [SortKey; 9] = [
        SortKey::Account,
        SortKey::Name,
        SortKey::Status,
        SortKey::City,
        SortKey::State,
        SortKey::Contact,
        SortKey::Representative,
        SortKey::Assets,
        SortKey::Updated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Account => "account",
            SortKey::Name => "name",
            SortKey::Status => "status",
            SortKey::City => "city",
            SortKey::State => "state",
            SortKey::Contact => "contact",
            SortKey::Representative => "rep",
            SortKey::Assets => "assets",
            SortKey::Updated => "updated",
        }
    }

    /// The column heading.
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Account => "Account number",
            SortKey::Name => "Company name",
            SortKey::Status => "Status",
            SortKey::City => "HQ city",
            SortKey::State => "HQ state",
            SortKey::Contact => "Primary contact",
            SortKey::Representative => "Account Representative",
            SortKey::Assets => "Assets",
            SortKey::Updated => "Last update (UTC)",
        }
    }

    pub fn parse(value: &str) -> Option<SortKey> {
        SortKey::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(value.trim()))
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    #[default]
    Ascending,
    Descending,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ascending => "asc",
            Direction::Descending => "desc",
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            Direction::Ascending => "ASC",
            Direction::Descending => "DESC",
        }
    }

    /// The `aria-sort` value of a sorted column heading.
    pub fn aria(self) -> &'static str {
        match self {
            Direction::Ascending => "ascending",
            Direction::Descending => "descending",
        }
    }

    pub fn parse(value: &str) -> Option<Direction> {
        match value.trim().to_ascii_lowercase().as_str() {
            "asc" => Some(Direction::Ascending),
            "desc" => Some(Direction::Descending),
            _ => None,
        }
    }

    pub fn reversed(self) -> Direction {
        match self {
            Direction::Ascending => Direction::Descending,
            Direction::Descending => Direction::Ascending,
        }
    }
}

/// The Account Representatives filter. It matches the effective representative of each client,
/// so a client whose representative comes from its serving site's default matches that
/// employee.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepFilter {
    /// Employees chosen by id, in the order they are offered.
    pub employees: Vec<EmployeeId>,
    /// The signed-in employee, when "My accounts" is chosen.
    pub mine: Option<EmployeeId>,
    /// Clients without an effective representative.
    pub none: bool,
}

impl RepFilter {
    pub fn is_empty(&self) -> bool {
        self.employees.is_empty() && self.mine.is_none() && !self.none
    }

    /// Returns the employee ids to match, without repeats, "My accounts" included.
    pub fn employee_ids(&self) -> Vec<i64> {
        let ids: BTreeSet<i64> = self
            .employees
            .iter()
            .chain(self.mine.iter())
            .map(|id| id.0)
            .collect();
        ids.into_iter().collect()
    }
}

/// A normalized view of the client list: what to show and in which order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    pub folder: Folder,
    /// Days after today that the Assets due folder includes, from 1 to [`MAX_DUE_DAYS`].
    pub due_days: u32,
    /// Today's date, YYYY-MM-DD, where the asset folders' windows start. The address does not
    /// carry it: [`View::new`] sets today in UTC, and the page replaces it with today at the
    /// signed-in employee's home site.
    pub today: String,
    /// The search as typed, trimmed; empty means no search.
    pub search: String,
    /// Applied within the folder.
    pub status: Option<ClientStatus>,
    pub class: Option<ListValueId>,
    /// Serving provider sites; a client matches when it is served by any of them.
    pub sites: Vec<ProviderSiteId>,
    pub reps: RepFilter,
    pub sort: SortKey,
    pub direction: Direction,
    /// 1-based page number as requested; the page shown may be earlier when this one is past
    /// the end.
    pub page: u64,
    pub per_page: u64,
}

/// The provider's employees, sites and classes, the only ids filters may refer to. Other ids
/// are dropped.
pub struct Known<'a> {
    pub employees: &'a [EmployeeOption],
    pub sites: &'a [SiteOption],
    pub classes: &'a [ListOption],
}

impl View {
    /// Returns the first page of all clients but hidden ones, by company name.
    pub fn new() -> View {
        View {
            due_days: DEFAULT_DUE_DAYS,
            today: crate::assets::today_in(None),
            page: 1,
            per_page: DEFAULT_PAGE_SIZE,
            ..View::default()
        }
    }

    /// Returns the last day of the Assets due window, YYYY-MM-DD.
    pub fn due_through(&self) -> String {
        crate::assets::end_of_window(&self.today, i64::from(self.due_days))
    }

    /// Normalizes the query string of a request by `me`. Returns the view and one notice per
    /// value that was ignored.
    pub fn from_params(params: &Params, me: EmployeeId, known: &Known<'_>) -> (View, Vec<String>) {
        let mut notices = Vec::new();
        let mut view = View::new();

        if let Some(value) = last_non_empty(&params.folder) {
            match Folder::parse(value) {
                Some(folder) => view.folder = folder,
                None => notices.push(ignored("folder", value, "choose one of the folders")),
            }
        }
        if let Some(value) = last_non_empty(&params.due_days) {
            match value.trim().parse::<u32>() {
                Ok(days) if (1..=MAX_DUE_DAYS).contains(&days) => view.due_days = days,
                _ => notices.push(ignored(
                    "due_days",
                    value,
                    &format!("use a number of days from 1 to {MAX_DUE_DAYS}"),
                )),
            }
        }

        view.search = params
            .q
            .last()
            .map(|q| q.trim().to_owned())
            .unwrap_or_default();

        if let Some(value) = last_non_empty(&params.status) {
            match ClientStatus::parse(value) {
                Some(status) => view.status = Some(status),
                None => notices.push(ignored(
                    "status",
                    value,
                    "use Prospect, Approved, NotApproved or Hidden",
                )),
            }
        }

        if let Some(value) = last_non_empty(&params.class) {
            let class = value
                .parse::<ListValueId>()
                .ok()
                .filter(|id| known.classes.iter().any(|c| c.id == *id));
            match class {
                Some(class) => view.class = Some(class),
                None => notices.push(ignored("class", value, "choose one of your client classes")),
            }
        }

        view.sites = read_sites(&params.site, known, &mut notices);
        view.reps = read_reps(&params.rep, me, known, &mut notices);

        if let Some(value) = last_non_empty(&params.sort) {
            match SortKey::parse(value) {
                Some(sort) => view.sort = sort,
                None => notices.push(ignored("sort", value, "sort by one of the columns")),
            }
        }
        if let Some(value) = last_non_empty(&params.dir) {
            match Direction::parse(value) {
                Some(direction) => view.direction = direction,
                None => notices.push(ignored("dir", value, "use asc or desc")),
            }
        }

        if let Some(value) = last_non_empty(&params.per) {
            match value.trim().parse::<u64>() {
                Ok(per) if PAGE_SIZES.contains(&per) => view.per_page = per,
                _ => notices.push(ignored(
                    "per",
                    value,
                    "use 25, 50, 100 or 200 rows per page",
                )),
            }
        }
        if let Some(value) = last_non_empty(&params.page) {
            match value.trim().parse::<u64>() {
                Ok(page) if page >= 1 => view.page = page,
                _ => notices.push(ignored("page", value, "use a page number from 1")),
            }
        }

        (view, notices)
    }

    /// Checks whether anything but the folder, sort and paging narrows the list.
    pub fn is_filtered(&self) -> bool {
        !self.search.is_empty()
            || self.status.is_some()
            || self.class.is_some()
            || !self.sites.is_empty()
            || !self.reps.is_empty()
    }

    /// Returns the address of this view, leaving out parameters at their default.
    pub fn href(&self) -> String {
        self.href_at("/clients", true)
    }

    /// The address of the same view with another folder, from its first page.
    pub fn folder_href(&self, folder: Folder) -> String {
        View {
            folder,
            page: 1,
            ..self.clone()
        }
        .href()
    }

    /// The address that sorts by `sort`: ascending, or reversed when it is already the sort.
    pub fn sort_href(&self, sort: SortKey) -> String {
        let direction = if self.sort == sort {
            self.direction.reversed()
        } else {
            Direction::Ascending
        };
        View {
            sort,
            direction,
            page: 1,
            ..self.clone()
        }
        .href()
    }

    pub fn page_href(&self, page: u64) -> String {
        View {
            page,
            ..self.clone()
        }
        .href()
    }

    /// The export address for `extension` ("csv" or "xlsx"): this view without paging.
    pub fn export_href(&self, extension: &str) -> String {
        self.href_at(&format!("/clients/export.{extension}"), false)
    }

    /// Returns the address of this folder with no search or filters, keeping sort and page size.
    /// The due window stays too, because it defines which clients the Assets due folder lists.
    pub fn clear_filters_href(&self) -> String {
        View {
            folder: self.folder,
            due_days: self.due_days,
            today: self.today.clone(),
            sort: self.sort,
            direction: self.direction,
            per_page: self.per_page,
            ..View::new()
        }
        .href()
    }

    fn href_at(&self, path: &str, with_paging: bool) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if self.folder != Folder::All {
            pairs.push(("folder", self.folder.as_str().to_owned()));
        }
        if self.due_days != DEFAULT_DUE_DAYS {
            pairs.push(("due_days", self.due_days.to_string()));
        }
        if !self.search.is_empty() {
            pairs.push(("q", self.search.clone()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.as_str().to_owned()));
        }
        if let Some(class) = self.class {
            pairs.push(("class", class.to_string()));
        }
        for site in &self.sites {
            pairs.push(("site", site.to_string()));
        }
        for employee in &self.reps.employees {
            pairs.push(("rep", employee.to_string()));
        }
        if self.reps.mine.is_some() {
            pairs.push(("rep", "me".to_owned()));
        }
        if self.reps.none {
            pairs.push(("rep", "none".to_owned()));
        }
        if self.sort != SortKey::default() {
            pairs.push(("sort", self.sort.as_str().to_owned()));
        }
        if self.direction != Direction::default() {
            pairs.push(("dir", self.direction.as_str().to_owned()));
        }
        if with_paging && self.per_page != DEFAULT_PAGE_SIZE {
            pairs.push(("per", self.per_page.to_string()));
        }
        if with_paging && self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }

        if pairs.is_empty() {
            return path.to_owned();
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(key, value)| format!("{key}={}", encode_query_value(value)))
            .collect();
        format!("{path}?{}", query.join("&"))
    }
}

fn last_non_empty(values: &[String]) -> Option<&str> {
    values
        .last()
        .map(|v| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

fn ignored(parameter: &str, value: &str, hint: &str) -> String {
    format!("Ignored {parameter}={value:?}: {hint}.")
}

fn read_sites(
    values: &[String],
    known: &Known<'_>,
    notices: &mut Vec<String>,
) -> Vec<ProviderSiteId> {
    let mut sites = Vec::new();
    for value in values.iter().filter(|v| !v.trim().is_empty()) {
        let site = value
            .parse::<ProviderSiteId>()
            .ok()
            .filter(|id| known.sites.iter().any(|s| s.id == *id));
        match site {
            Some(site) if !sites.contains(&site) => sites.push(site),
            Some(_) => {}
            None => notices.push(ignored("site", value, "choose one of your sites")),
        }
    }
    sites
}

fn read_reps(
    values: &[String],
    me: EmployeeId,
    known: &Known<'_>,
    notices: &mut Vec<String>,
) -> RepFilter {
    let mut reps = RepFilter::default();
    for value in values.iter().filter(|v| !v.trim().is_empty()) {
        match value.trim().to_ascii_lowercase().as_str() {
            "me" => reps.mine = Some(me),
            "none" => reps.none = true,
            _ => {
                let employee = value
                    .parse::<EmployeeId>()
                    .ok()
                    .filter(|id| known.employees.iter().any(|e| e.id == *id));
                match employee {
                    Some(employee) if !reps.employees.contains(&employee) => {
                        reps.employees.push(employee)
                    }
                    Some(_) => {}
                    None => notices.push(ignored(
                        "rep",
                        value,
                        "choose your employees, \"me\" or \"none\"",
                    )),
                }
            }
        }
    }
    reps
}

/// Formats a count with thousands separators: 1627 as "1,627".
pub fn group_digits(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn employee(id: i64) -> EmployeeOption {
        EmployeeOption {
            id: EmployeeId(id),
            name: format!("Employee {id}"),
            email: format!("e{id}@lab.example"),
            active: true,
        }
    }

    fn params(pairs: &[(&str, &str)]) -> Params {
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_query_value(v)))
            .collect();
        serde_html_form::from_str(&query.join("&")).unwrap()
    }

    #[test]
    fn bad_values_fall_back_with_notices() {
        let employees = [employee(4)];
        let known = Known {
            employees: &employees,
            sites: &[],
            classes: &[],
        };
        let (view, notices) = View::from_params(
            &params(&[
                ("page", "abc"),
                ("sort", "bogus"),
                ("rep", "xyz"),
                ("rep", "4"),
                ("status", "Bogus"),
                ("per", "7"),
                ("site", "99"),
                ("due_days", "0"),
            ]),
            EmployeeId(1),
            &known,
        );
        assert_eq!(view.page, 1);
        assert_eq!(view.due_days, DEFAULT_DUE_DAYS);
        assert_eq!(view.sort, SortKey::Name);
        assert_eq!(view.status, None);
        assert_eq!(view.per_page, DEFAULT_PAGE_SIZE);
        assert_eq!(view.reps.employees, vec![EmployeeId(4)]);
        assert!(view.sites.is_empty());
        assert_eq!(notices.len(), 7, "{notices:?}");
    }

    #[test]
    fn due_days_accepts_one_to_ten_years() {
        let known = Known {
            employees: &[],
            sites: &[],
            classes: &[],
        };
        let cases = [
            ("1", Some(1)),
            (" 45 ", Some(45)),
            ("3650", Some(3650)),
            ("3651", None),
            ("0", None),
            ("-1", None),
            ("ten", None),
        ];
        for (value, expected) in cases {
            let (view, notices) =
                View::from_params(&params(&[("due_days", value)]), EmployeeId(1), &known);
            match expected {
                Some(days) => {
                    assert_eq!(view.due_days, days, "{value:?}");
                    assert!(notices.is_empty(), "{value:?}: {notices:?}");
                }
                None => {
                    assert_eq!(view.due_days, DEFAULT_DUE_DAYS, "{value:?}");
                    assert_eq!(
                        notices,
                        [format!(
                            "Ignored due_days={value:?}: use a number of days from 1 to 3650."
                        )]
                    );
                }
            }
        }
    }

    #[test]
    fn asset_folders_parse_and_keep_the_window() {
        assert_eq!(Folder::parse("due"), Some(Folder::AssetsDue));
        assert_eq!(Folder::parse("PastDue"), Some(Folder::PastDue));
        let view = View {
            folder: Folder::AssetsDue,
            due_days: 7,
            ..View::new()
        };
        assert_eq!(view.href(), "/clients?folder=due&due_days=7");
        assert_eq!(
            view.folder_href(Folder::PastDue),
            "/clients?folder=pastdue&due_days=7"
        );
        assert_eq!(view.clear_filters_href(), "/clients?folder=due&due_days=7");
        assert_eq!(
            view.export_href("csv"),
            "/clients/export.csv?folder=due&due_days=7"
        );
    }

    #[test]
    fn repeated_single_values_use_the_last() {
        let known = Known {
            employees: &[],
            sites: &[],
            classes: &[],
        };
        let (view, notices) = View::from_params(
            &params(&[
                ("q", "first"),
                ("q", " second "),
                ("dir", "asc"),
                ("dir", "DESC"),
            ]),
            EmployeeId(1),
            &known,
        );
        assert_eq!(view.search, "second");
        assert_eq!(view.direction, Direction::Descending);
        assert!(notices.is_empty());
    }

    #[test]
    fn href_round_trips_through_params() {
        let employees = [employee(4), employee(9)];
        let known = Known {
            employees: &employees,
            sites: &[],
            classes: &[],
        };
        let view = View {
            folder: Folder::Prospects,
            search: "50% & co".to_owned(),
            status: Some(ClientStatus::Prospect),
            reps: RepFilter {
                employees: vec![EmployeeId(9), EmployeeId(4)],
                mine: Some(EmployeeId(1)),
                none: true,
            },
            sort: SortKey::Assets,
            direction: Direction::Descending,
            page: 3,
            per_page: 100,
            due_days: 90,
            ..View::new()
        };
        let href = view.href();
        let query = href.split_once('?').unwrap().1;
        let parsed: Params = serde_html_form::from_str(query).unwrap();
        let (again, notices) = View::from_params(&parsed, EmployeeId(1), &known);
        assert_eq!(again, view);
        assert!(notices.is_empty());
    }

    #[test]
    fn default_view_has_a_bare_address() {
        assert_eq!(View::new().href(), "/clients");
        assert_eq!(View::new().export_href("csv"), "/clients/export.csv");
    }

    #[test]
    fn sort_href_toggles_the_current_column() {
        let view = View::new();
        assert_eq!(view.sort_href(SortKey::Name), "/clients?dir=desc");
        assert_eq!(view.sort_href(SortKey::City), "/clients?sort=city");
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1627), "1,627");
        assert_eq!(group_digits(1_000_000), "1,000,000");
    }
}
