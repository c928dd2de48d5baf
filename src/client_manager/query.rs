//! The SQL of the Client Manager: one builder for the page, the folder counts and the export,
//! so all three always agree on which clients a view contains.
//!
//! [`build`] is public so the managers benchmark can time the exact statements the page runs.
//!
//! How indexes serve it (migrations/*/0002_client_manager.sql): the folder counts read
//! `clients_manager_counts` without filters and `clients_manager_by_status` with search or
//! filters. A page first picks its client ids in a subquery that one covering index serves in
//! the requested order (`clients_manager_by_name` and the other `clients_manager_*` sort
//! indexes), stopping after one page, and only then reads the wide rows of those ids. The
//! Account Representatives filter starts from the representative and serving-site indexes and
//! reads the rows of those candidate clients. The asset folders start from the clients with
//! assets in their window, which `assets_provider_due` lists, and the Assets column counts the
//! assets of the page's rows only (see [`ASSET_COUNT_COLUMN`]).

use sqlx::Row as _;

use super::counts::{self, FolderCounts};
use super::marks::{self, StickerMark};
use super::view::{group_digits, Direction, Folder, SortKey, View};
use crate::clients::ClientStatus;
use crate::db::{Db, ListQuery, Row};
use crate::ids::{ClientId, ProviderId};
use crate::representatives::{self, Effective};
use crate::text;

/// The statement to build for a view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One page of rows of the view's folder.
    Page { limit: u64, offset: u64 },
    /// Clients per status, with every filter except the folder (see [`FolderCounts`]).
    FolderCounts,
    /// Clients per asset folder, with every filter except the folder. The page runs it beside
    /// [`Shape::FolderCounts`].
    AssetFolderCounts,
    /// Every row of the view's folder, in the view's order.
    Export,
}

/// Columns of [`ClientRow`], besides those of [`representatives::COLUMNS`].
const ROW_COLUMNS: &str = "c.id, c.account_number, c.name, c.status, c.custom_name, c.legacy_id, \
     c.domain, c.billing_city, c.billing_state, c.billing_country, c.contact_first_name, \
     c.contact_last_name, c.contact_email, c.contact_phone, c.updated_at, \
     COALESCE(am.first_name, '') AS account_manager_first_name, \
     COALESCE(am.last_name, '') AS account_manager_last_name";

/// The Assets column: a count per row, so a page counts the assets of its own clients only.
/// An index that starts with (provider_id, client_id), such as `assets_tab_by_name`, serves it
/// without reading asset rows.
const ASSET_COUNT_COLUMN: &str = "(SELECT COUNT(*) FROM assets a \
     WHERE a.provider_id = c.provider_id AND a.client_id = c.id) AS asset_count";

/// Builds the statement of `shape` for the clients of `provider_id` in `view`.
pub fn build(provider_id: ProviderId, view: &View, shape: Shape) -> ListQuery {
    match shape {
        Shape::FolderCounts => counts::status_query(provider_id, view),
        Shape::AssetFolderCounts => counts::asset_folder_query(provider_id, view),
        Shape::Export => rows_query(provider_id, view),
        Shape::Page { limit, offset } if view.sort == SortKey::Representative => {
            representative_page_query(provider_id, view, limit, offset)
        }
        Shape::Page { limit, offset } => page_query(provider_id, view, limit, offset),
    }
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Builds the statement for every row of the view in its order.
fn rows_query(provider_id: ProviderId, view: &View) -> ListQuery {
    let mut query = ListQuery::default();
    push_row_select(&mut query, ASSET_COUNT_COLUMN, Some((provider_id, view)));
    push_where(&mut query, provider_id, view, true);
    push_order(&mut query, view.sort, view.direction, OrderOf::Rows);
    query
}

/// Builds one page sorted by Account Representative. The effective representative's name is
/// computed, so no index has that order: the inner query joins and sorts every row of the view.
/// The outer query adds the asset counts to the page's rows only, and sorts those again, since
/// a subquery's order does not carry over. With the count inside, PostgreSQL 15 no longer sorted
/// in parallel, and the page took 130 ms instead of 90 ms on 100,000 clients.
fn representative_page_query(
    provider_id: ProviderId,
    view: &View,
    limit: u64,
    offset: u64,
) -> ListQuery {
    let mut query =
        ListQuery::new("SELECT page.*, (SELECT COUNT(*) FROM assets a WHERE a.provider_id = ");
    query
        .bind(provider_id.0)
        .push(" AND a.client_id = page.id) AS asset_count FROM (");

    push_row_select(
        &mut query,
        "c.name_key AS name_key",
        Some((provider_id, view)),
    );
    push_where(&mut query, provider_id, view, true);
    push_order(&mut query, view.sort, view.direction, OrderOf::Rows);
    push_limit(&mut query, limit, offset);

    let direction = view.direction.sql();
    query.push(&format!(
        ") page ORDER BY page.effective_rep_last_name {direction}, \
         page.effective_rep_first_name {direction}, page.name_key {direction}, page.id {direction}"
    ));
    query
}

/// Builds one page in two steps: the subquery finds the page's ids reading only the columns it
/// filters and sorts on, which a covering index holds, and the outer query reads the full rows
/// of those ids alone. The subquery scopes the ids to the provider. The outer query does not
/// repeat the provider condition, because SQLite would then walk all of the provider's clients
/// to avoid sorting one page.
fn page_query(provider_id: ProviderId, view: &View, limit: u64, offset: u64) -> ListQuery {
    let mut query = row_select();
    query.push(" WHERE c.id IN (SELECT c.id");
    push_from(&mut query, provider_id, view, true);
    if !view.reps.is_empty() {
        query.push(representatives::JOINS);
    }
    if view.sort == SortKey::Assets {
        push_asset_counts_join(&mut query, provider_id);
    }
    push_where(&mut query, provider_id, view, true);
    push_order(&mut query, view.sort, view.direction, OrderOf::PageIds);
    push_limit(&mut query, limit, offset);
    query.push(")");

    push_order(&mut query, view.sort, view.direction, OrderOf::Rows);
    query
}

/// Joins `ac.assets`, the number of each client's assets, for sorting by it. The counts come
/// from one pass over the provider's assets in client order, through an index that starts with
/// (provider_id, client_id).
// NOTE: no index orders clients by their asset count, so this sort joins the count to every
// client of the view and sorts them all before it can return a page. On 100,000 clients
// and 20,000 assets (debug build, 2-core VM) a page took about 35 ms per request on SQLite 3.46
// and 80 ms on PostgreSQL 15, against 10 ms and 18 ms sorted by name. Unsorted, the Assets
// column counts the page's rows only.
fn push_asset_counts_join(query: &mut ListQuery, provider_id: ProviderId) {
    query
        .push(
            " LEFT JOIN (SELECT a.client_id, COUNT(*) AS assets FROM assets a \
             WHERE a.provider_id = ",
        )
        .bind(provider_id.0)
        .push(" GROUP BY a.client_id) ac ON ac.client_id = c.id");
}

/// Appends the SELECT … FROM of the row columns and `extra`: the asset count, or a column a
/// page sorted by representative needs in its place. With `window_of`, an asset folder's
/// clients are read first (see [`push_from`]).
fn push_row_select(query: &mut ListQuery, extra: &str, window_of: Option<(ProviderId, &View)>) {
    query.push(&format!(
        "SELECT {ROW_COLUMNS}, {columns}, {extra}",
        columns = representatives::COLUMNS,
    ));
    match window_of {
        Some((provider_id, view)) => push_from(query, provider_id, view, true),
        None => {
            query.push(" FROM clients c");
        }
    }
    query.push(&format!(
        " {joins} LEFT JOIN employees am ON am.id = c.account_manager_id \
         AND am.provider_id = c.provider_id",
        joins = representatives::JOINS,
    ));
}

/// Starts the statement that reads the rows of the page's ids, which are the provider's.
fn row_select() -> ListQuery {
    let mut query = ListQuery::default();
    push_row_select(&mut query, ASSET_COUNT_COLUMN, None);
    query
}

/// Appends ` FROM clients c`, or, for an asset folder when `with_folder`, the folder's clients
/// first: ` FROM (…) window_clients CROSS JOIN clients c`, which [`push_folder`] joins by id.
///
/// SQLite always reads the left table of a CROSS JOIN in the outer loop, so it lists the
/// window's clients from `assets_provider_due` and then reads each client by id. The cost
/// follows the folder's size, whatever the page or the search. Walking the provider's clients
/// in page order instead, testing each against the window, stops early only while matches are
/// dense. On 100,000 clients (SQLite 3.46), the statement for the first page of 298 due clients
/// took 4.3 ms that way against 0.5 ms, and a request for Past due with a search 55 ms against
/// 25 ms.
// NOTE: PostgreSQL 15 plans a CROSS JOIN with its WHERE condition like any inner join. Here it
// picks a hash join over all of the provider's clients: the first page of 3,866 past-due
// clients took 40 ms, where `c.id IN (…)` let it walk the name index in 7 ms.
pub(super) fn push_from(
    query: &mut ListQuery,
    provider_id: ProviderId,
    view: &View,
    with_folder: bool,
) {
    if !(with_folder && view.folder.is_asset_folder()) {
        query.push(" FROM clients c");
        return;
    }
    // Grouping makes each client one row. Grouping by `+a.client_id`, an expression, keeps
    // SQLite on the window's date range: by the column, it would walk every asset of the
    // provider through an index in client order to skip the sort.
    query.push(" FROM (SELECT +a.client_id AS client_id");
    push_assets_in_window(query, provider_id, view, view.folder);
    query.push(" GROUP BY 1) window_clients CROSS JOIN clients c");
}

fn push_limit(query: &mut ListQuery, limit: u64, offset: u64) {
    query.push(" LIMIT ").bind(to_i64(limit));
    query.push(" OFFSET ").bind(to_i64(offset));
}

/// Appends the WHERE clause: the provider, the folder when `with_folder`, then search and
/// filters. The FROM clause comes from [`push_from`] with the same `with_folder`.
pub(super) fn push_where(
    query: &mut ListQuery,
    provider_id: ProviderId,
    view: &View,
    with_folder: bool,
) {
    // With representatives to start from, the unary plus keeps SQLite from reading the
    // provider's clients through a `provider_id` index instead: its planner prefers that index
    // when the database has no statistics, although the representatives' clients are always the
    // fewer. The condition still scopes the rows to the provider.
    if narrows_by_representative(view) {
        query.push(" WHERE +c.provider_id = ").bind(provider_id.0);
    } else {
        query.push(" WHERE c.provider_id = ").bind(provider_id.0);
    }
    if with_folder {
        push_folder(query, view);
    }

    if !view.search.is_empty() {
        query
            .push(" AND c.search_text LIKE ")
            .bind(text::like_contains(&view.search))
            .push(" ESCAPE '\\'");
    }
    if let Some(status) = view.status {
        query.push(" AND c.status = ").bind(status.as_str());
    }
    if let Some(class) = view.class {
        query.push(" AND c.class_id = ").bind(class.0);
    }
    if !view.sites.is_empty() {
        query
            .push(" AND c.serving_site_id IN ")
            .bind_list(view.sites.iter().map(|s| s.0));
    }
    push_representatives(query, view);
}

fn push_folder(query: &mut ListQuery, view: &View) {
    match view.folder {
        Folder::All => query
            .push(" AND c.status <> ")
            .bind(ClientStatus::Hidden.as_str()),
        Folder::Prospects => query
            .push(" AND c.status = ")
            .bind(ClientStatus::Prospect.as_str()),
        Folder::Unapproved => query
            .push(" AND c.status = ")
            .bind(ClientStatus::NotApproved.as_str()),
        Folder::Hidden => query
            .push(" AND c.status = ")
            .bind(ClientStatus::Hidden.as_str()),
        Folder::AssetsDue | Folder::PastDue => query
            .push(" AND c.status <> ")
            .bind(ClientStatus::Hidden.as_str())
            .push(" AND c.id = window_clients.client_id"),
    };
}

/// Appends `FROM assets a WHERE …`: the assets of `provider_id` in the window of `folder`, an
/// asset folder, which the `assets_provider_due` index lists in date order.
pub(super) fn push_assets_in_window<'q>(
    query: &'q mut ListQuery,
    provider_id: ProviderId,
    view: &View,
    folder: Folder,
) -> &'q mut ListQuery {
    query
        .push(" FROM assets a WHERE a.provider_id = ")
        .bind(provider_id.0);
    match folder {
        Folder::PastDue => query
            .push(" AND a.next_service_date < ")
            .bind(view.today.as_str()),
        // Both ends count: an asset due today or on the window's last day is due.
        _ => query
            .push(" AND a.next_service_date >= ")
            .bind(view.today.as_str())
            .push(" AND a.next_service_date <= ")
            .bind(view.due_through()),
    }
}

/// Checks whether the representatives filter lists candidate clients first (see
/// [`push_representatives`]).
fn narrows_by_representative(view: &View) -> bool {
    !view.reps.none && !view.reps.employee_ids().is_empty()
}

/// Appends the Account Representatives filter, on the effective representative only.
fn push_representatives(query: &mut ListQuery, view: &View) {
    let reps = &view.reps;
    if reps.is_empty() {
        return;
    }
    let ids = reps.employee_ids();

    query.push(" AND (");
    if !ids.is_empty() {
        query
            .push(representatives::EFFECTIVE_ID)
            .push(" IN ")
            .bind_list(ids.iter().copied());
    }
    if reps.none {
        if !ids.is_empty() {
            query.push(" OR ");
        }
        query.push(representatives::EFFECTIVE_ID).push(" IS NULL");
    }
    query.push(")");

    // A client's effective representative is either its own representative or its serving
    // site's default, so only clients with a chosen employee in one of those two places can
    // match. Listing those ids first lets both databases start from the representative and
    // serving-site indexes instead of reading every client; the condition above still decides.
    // "No representative" has no such shortcut and reads every client of the provider.
    // NOTE: for an employee who is a site's default, the candidates are all clients of that
    // site, so this filter slows down as that site grows.
    if narrows_by_representative(view) {
        query
            .push(" AND c.id IN (SELECT r.id FROM clients r WHERE r.representative_id IN ")
            .bind_list(ids.iter().copied())
            .push(
                " UNION ALL SELECT r.id FROM clients r \
                 JOIN provider_sites s ON s.id = r.serving_site_id \
                 WHERE s.default_representative_id IN ",
            )
            .bind_list(ids.iter().copied())
            .push(")");
    }
}

/// The statement an ORDER BY belongs to, which decides how it names the asset count.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OrderOf {
    /// The subquery that picks a page's ids, which joins the counts as `ac`.
    PageIds,
    /// A statement that selects the row columns, `asset_count` among them.
    Rows,
}

/// Appends the ORDER BY of `sort`; every order ends with `c.id`, unique, so pages never share or
/// skip a row.
fn push_order(query: &mut ListQuery, sort: SortKey, direction: Direction, of: OrderOf) {
    let keys: &[&str] = match sort {
        // Numeric account numbers sort as numbers: a shorter one is smaller.
        SortKey::Account => &["LENGTH(c.account_number_key)", "c.account_number_key"],
        SortKey::Name => &["c.name_key"],
        SortKey::Status => &["c.status", "c.name_key"],
        SortKey::City => &["c.billing_city", "c.name_key"],
        SortKey::State => &["c.billing_state", "c.name_key"],
        SortKey::Contact => &["c.contact_last_name", "c.contact_first_name", "c.name_key"],
        // Output columns of `representatives::COLUMNS`, so the rule lives in one place.
        SortKey::Representative => &[
            "effective_rep_last_name",
            "effective_rep_first_name",
            "c.name_key",
        ],
        // Both name the same number: clients without assets have no `ac` row, so count 0.
        SortKey::Assets if of == OrderOf::PageIds => &["COALESCE(ac.assets, 0)", "c.name_key"],
        SortKey::Assets => &["asset_count", "c.name_key"],
        SortKey::Updated => &["c.updated_at"],
    };

    let direction = direction.sql();
    let order: Vec<String> = keys
        .iter()
        .chain(std::iter::once(&"c.id"))
        .map(|key| format!("{key} {direction}"))
        .collect();
    query.push(" ORDER BY ").push(&order.join(", "));
}

/// One client as the list and the export show it.
#[derive(Clone, Debug)]
pub struct ClientRow {
    pub id: ClientId,
    pub account_number: String,
    pub name: String,
    pub status: ClientStatus,
    pub custom_name: String,
    pub legacy_id: String,
    pub domain: String,
    pub hq_city: String,
    pub hq_state: String,
    pub hq_country: String,
    pub contact_first_name: String,
    pub contact_last_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub representative: Effective,
    pub account_manager: String,
    /// RFC 3339 in UTC.
    pub updated_at: String,
    /// The number of the client's assets.
    pub asset_count: u64,
    /// One mark per tab with a sticker, in tab order. Only the page loads them; exports leave
    /// them empty.
    pub marks: Vec<StickerMark>,
}

impl ClientRow {
    pub fn from_row(row: &Row) -> Result<ClientRow, sqlx::Error> {
        let status: String = row.try_get("status")?;
        let manager_first: String = row.try_get("account_manager_first_name")?;
        let manager_last: String = row.try_get("account_manager_last_name")?;
        let asset_count: i64 = row.try_get("asset_count")?;
        Ok(ClientRow {
            id: ClientId(row.try_get("id")?),
            account_number: row.try_get("account_number")?,
            name: row.try_get("name")?,
            status: parse_status(&status),
            custom_name: row.try_get("custom_name")?,
            legacy_id: row.try_get("legacy_id")?,
            domain: row.try_get("domain")?,
            hq_city: row.try_get("billing_city")?,
            hq_state: row.try_get("billing_state")?,
            hq_country: row.try_get("billing_country")?,
            contact_first_name: row.try_get("contact_first_name")?,
            contact_last_name: row.try_get("contact_last_name")?,
            contact_email: row.try_get("contact_email")?,
            contact_phone: row.try_get("contact_phone")?,
            representative: Effective::from_row(row)?,
            account_manager: format!("{manager_first} {manager_last}").trim().to_owned(),
            updated_at: row.try_get("updated_at")?,
            asset_count: u64::try_from(asset_count).unwrap_or(0),
            marks: Vec::new(),
        })
    }

    pub fn contact_name(&self) -> String {
        format!("{} {}", self.contact_first_name, self.contact_last_name)
            .trim()
            .to_owned()
    }

    /// Formats the asset count with thousands separators.
    pub fn asset_count_text(&self) -> String {
        group_digits(self.asset_count)
    }

    /// Formats the last update as "2024-05-01 14:03", in UTC like the stored value.
    pub fn updated_display(&self) -> String {
        match chrono::DateTime::parse_from_rfc3339(&self.updated_at) {
            Ok(at) => at.format("%Y-%m-%d %H:%M").to_string(),
            Err(_) => self.updated_at.clone(),
        }
    }
}

/// Statuses are always written from [`ClientStatus`]; an unreadable one counts as Approved,
/// as on the client page, so it shows in the All folder.
pub(super) fn parse_status(value: &str) -> ClientStatus {
    ClientStatus::parse(value).unwrap_or(ClientStatus::Approved)
}

/// Loads the rows of one page of a view.
pub async fn page_rows(
    db: &Db,
    provider_id: ProviderId,
    view: &View,
    limit: u64,
    offset: u64,
) -> Result<Vec<ClientRow>, sqlx::Error> {
    let (sql, arguments) = build(provider_id, view, Shape::Page { limit, offset }).build();
    let rows = sqlx::query_with(&sql, arguments)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(ClientRow::from_row).collect()
}

/// Loads every row of a view, for export. The rows carry no sticker marks.
pub async fn export_rows(
    db: &Db,
    provider_id: ProviderId,
    view: &View,
) -> Result<Vec<ClientRow>, sqlx::Error> {
    let (sql, arguments) = build(provider_id, view, Shape::Export).build();
    let rows = sqlx::query_with(&sql, arguments)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(ClientRow::from_row).collect()
}

/// The counts and rows the page shows for a view.
#[derive(Clone, Debug)]
pub struct Listing {
    pub counts: FolderCounts,
    /// Clients in the view's folder.
    pub total: u64,
    /// The 1-based page shown: the requested one, or the last when that is past the end.
    pub page: u64,
    pub last_page: u64,
    pub rows: Vec<ClientRow>,
}

/// Loads the counts, the page and its sticker marks for a view. The counts and the requested
/// page are read at the same time. A page past the end is known only from the counts, so then
/// the last page is read after them.
pub async fn load(db: &Db, provider_id: ProviderId, view: &View) -> Result<Listing, sqlx::Error> {
    let per_page = view.per_page.max(1);
    let requested = view.page.max(1);
    let (counts, requested_rows) = tokio::try_join!(
        counts::load(db, provider_id, view),
        page_rows(db, provider_id, view, per_page, (requested - 1) * per_page),
    )?;

    let total = counts.folder(view.folder);
    let last_page = total.div_ceil(per_page).max(1);
    let page = requested.min(last_page);
    let mut rows = if page == requested {
        requested_rows
    } else {
        page_rows(db, provider_id, view, per_page, (page - 1) * per_page).await?
    };
    marks::attach(db, provider_id, &mut rows).await?;

    Ok(Listing {
        counts,
        total,
        page,
        last_page,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client_manager::view::RepFilter;
    use crate::ids::EmployeeId;

    #[test]
    fn counts_leave_out_the_folder_but_rows_keep_it() {
        let hidden = View {
            folder: Folder::Hidden,
            ..View::new()
        };
        for shape in [Shape::FolderCounts, Shape::AssetFolderCounts] {
            let counts = build(ProviderId(1), &hidden, shape);
            let all_counts = build(ProviderId(1), &View::new(), shape);
            assert_eq!(counts.sql(), all_counts.sql(), "{shape:?}");
        }

        let page = build(ProviderId(1), &hidden, Shape::Export);
        let all_page = build(ProviderId(1), &View::new(), Shape::Export);
        assert!(page.sql().contains("c.status = $"), "{}", page.sql());
        assert!(
            all_page.sql().contains("c.status <> $"),
            "{}",
            all_page.sql()
        );
    }

    #[test]
    fn every_order_ends_with_the_id() {
        for sort in SortKey::ALL {
            for direction in [Direction::Ascending, Direction::Descending] {
                let view = View {
                    sort,
                    direction,
                    ..View::new()
                };
                let sql = build(ProviderId(1), &view, Shape::Export).sql().to_owned();
                assert!(
                    sql.ends_with(&format!("c.id {}", direction.sql())),
                    "{sort:?}: {sql}"
                );
            }
        }
    }

    #[test]
    fn representative_filter_uses_the_effective_id() {
        let view = View {
            reps: RepFilter {
                employees: vec![EmployeeId(7)],
                mine: Some(EmployeeId(3)),
                none: false,
            },
            ..View::new()
        };
        let query = build(ProviderId(1), &view, Shape::FolderCounts);
        let expected = format!("{} IN ($2, $3)", representatives::EFFECTIVE_ID);
        assert!(query.sql().contains(&expected), "{}", query.sql());
        assert!(query.sql().contains(representatives::JOINS));
    }

    #[test]
    fn page_orders_end_with_the_id() {
        for sort in SortKey::ALL {
            let view = View {
                sort,
                ..View::new()
            };
            let page = build(
                ProviderId(1),
                &view,
                Shape::Page {
                    limit: 50,
                    offset: 0,
                },
            );
            let sql = page.sql();
            assert!(sql.contains("c.id ASC LIMIT $"), "{sort:?}: {sql}");
            for order in sql.split(" ORDER BY ").skip(1) {
                let clause = order.split(" LIMIT ").next().unwrap();
                let by_id = clause.ends_with(" c.id ASC") || clause.ends_with(" page.id ASC");
                assert!(by_id, "{sort:?}: {sql}");
            }
        }
    }

    #[test]
    fn asset_sort_joins_the_provider_counts() {
        let view = View {
            sort: SortKey::Assets,
            ..View::new()
        };
        let page = build(
            ProviderId(1),
            &view,
            Shape::Page {
                limit: 50,
                offset: 0,
            },
        );
        let sql = page.sql();
        assert!(
            sql.contains("WHERE a.provider_id = $1 GROUP BY a.client_id) ac"),
            "{sql}"
        );
        assert!(
            sql.contains("ORDER BY COALESCE(ac.assets, 0) ASC, c.name_key ASC, c.id ASC LIMIT"),
            "{sql}"
        );
        assert!(
            sql.ends_with("ORDER BY asset_count ASC, c.name_key ASC, c.id ASC"),
            "{sql}"
        );

        let by_name = build(
            ProviderId(1),
            &View::new(),
            Shape::Page {
                limit: 50,
                offset: 0,
            },
        );
        assert!(
            !by_name.sql().contains(" ac ON "),
            "only the asset sort joins the counts"
        );
    }

    #[test]
    fn asset_folders_start_from_the_window() {
        let due = View {
            folder: Folder::AssetsDue,
            today: "2026-02-20".to_owned(),
            due_days: 10,
            ..View::new()
        };
        let sql = build(ProviderId(1), &due, Shape::Export).sql().to_owned();
        assert!(sql.contains(" FROM (SELECT +a.client_id AS client_id FROM assets a WHERE a.provider_id = $1 AND a.next_service_date >= $2 AND a.next_service_date <= $3 GROUP BY 1) window_clients CROSS JOIN clients c "), "{sql}");
        assert!(sql.contains(" WHERE c.provider_id = $4 AND c.status <> $5 AND c.id = window_clients.client_id ORDER BY "), "{sql}");
        assert_eq!(due.due_through(), "2026-03-02");

        let page = build(
            ProviderId(1),
            &due,
            Shape::Page {
                limit: 50,
                offset: 0,
            },
        );
        let (outer, inner) = page.sql().split_once(" WHERE c.id IN (").unwrap();
        assert!(
            !outer.contains("window_clients"),
            "the page's rows are read by id: {outer}"
        );
        assert!(
            inner.starts_with("SELECT c.id FROM (SELECT +a.client_id"),
            "{inner}"
        );

        let past = View {
            folder: Folder::PastDue,
            ..due
        };
        let sql = build(ProviderId(1), &past, Shape::Export).sql().to_owned();
        assert!(sql.contains(" FROM (SELECT +a.client_id AS client_id FROM assets a WHERE a.provider_id = $1 AND a.next_service_date < $2 GROUP BY 1) window_clients CROSS JOIN clients c "), "{sql}");
        assert!(!sql.contains("a.next_service_date >="), "{sql}");
    }
}
