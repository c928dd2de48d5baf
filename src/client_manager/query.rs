//! The SQL of the Client Manager: one builder for the page, the folder counts and the export,
//! so all three always agree on which clients a view contains.
//!
//! [`build`] is public so `calserve bench` can time the exact statements the page runs.
//!
//! How indexes serve it (migrations/*/0002_client_manager.sql): the folder counts read
//! `clients_manager_counts` without filters and `clients_manager_by_status` with search or
//! filters. A page first picks its client ids in a subquery that one covering index serves in
//! the requested order (`clients_manager_by_name` and the other `clients_manager_*` sort
//! indexes), stopping after one page, and only then reads the wide rows of those ids. The
//! Account Representatives filter starts from the representative and serving-site indexes and
//! reads the rows of those candidate clients.

use sqlx::Row as _;

use super::view::{Direction, Folder, SortKey, View};
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
    /// Clients per status, with every filter except the folder; see [`StatusCounts`].
    FolderCounts,
    /// Every row of the view's folder, in the view's order.
    Export,
}

/// Columns of [`ClientRow`], besides those of [`representatives::COLUMNS`].
const ROW_COLUMNS: &str = "c.id, c.account_number, c.name, c.status, c.custom_name, c.legacy_id, \
     c.domain, c.billing_city, c.billing_state, c.billing_country, c.contact_first_name, \
     c.contact_last_name, c.contact_email, c.contact_phone, c.updated_at, \
     COALESCE(am.first_name, '') AS account_manager_first_name, \
     COALESCE(am.last_name, '') AS account_manager_last_name";

/// Builds the statement of `shape` for the clients of `provider_id` in `view`.
pub fn build(provider_id: ProviderId, view: &View, shape: Shape) -> ListQuery {
    match shape {
        Shape::FolderCounts => counts_query(provider_id, view),
        Shape::Export => rows_query(provider_id, view, None),
        // The effective representative's name is computed, so no index has that order.
        Shape::Page { limit, offset } if view.sort == SortKey::Representative => {
            rows_query(provider_id, view, Some((limit, offset)))
        }
        Shape::Page { limit, offset } => page_query(provider_id, view, limit, offset),
    }
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Clients per status, as rows of `status` and `clients`.
fn counts_query(provider_id: ProviderId, view: &View) -> ListQuery {
    if view.search.is_empty() && view.reps.is_empty() {
        counts_per_status(provider_id, view)
    } else {
        counts_grouped(provider_id, view)
    }
}

/// Builds one count per status joined by UNION ALL, each reading only its status's range of an
/// index that starts with (provider_id, status). Together they read what one grouped count
/// reads, and on 100,000 clients SQLite 3.46 took about half the time of one grouped count.
fn counts_per_status(provider_id: ProviderId, view: &View) -> ListQuery {
    let mut query = ListQuery::default();
    for (index, status) in ClientStatus::ALL.into_iter().enumerate() {
        if index > 0 {
            query.push(" UNION ALL ");
        }
        // The status names are constants without quotes, so they are written as literals.
        query.push(&format!(
            "SELECT '{status}' AS status, COUNT(*) AS clients FROM clients c",
            status = status.as_str()
        ));
        push_where(&mut query, provider_id, view, false);
        query.push(" AND c.status = ").bind(status.as_str());
    }
    query
}

/// Builds one grouped count, for a search or the representatives filter. A search reads every
/// client of the provider once this way (per status, PostgreSQL would read its trigram index
/// four times), and the representatives filter starts from its candidate clients. The
/// representatives are joined only when that filter needs them.
fn counts_grouped(provider_id: ProviderId, view: &View) -> ListQuery {
    let mut query = ListQuery::new("SELECT c.status AS status, COUNT(*) AS clients FROM clients c");
    if !view.reps.is_empty() {
        query.push(representatives::JOINS);
    }
    push_where(&mut query, provider_id, view, false);
    query.push(" GROUP BY c.status");
    query
}

/// Builds the statement for every row of the view in its order, or for one page of them.
fn rows_query(provider_id: ProviderId, view: &View, page: Option<(u64, u64)>) -> ListQuery {
    let mut query = row_select();
    push_where(&mut query, provider_id, view, true);
    push_order(&mut query, view.sort, view.direction);
    if let Some((limit, offset)) = page {
        push_limit(&mut query, limit, offset);
    }
    query
}

/// Builds one page in two steps: the subquery finds the page's ids reading only the columns it
/// filters and sorts on, which a covering index holds, and the outer query reads the full rows
/// of those ids alone. The subquery scopes the ids to the provider. The outer query does not
/// repeat the provider condition, because SQLite would then walk all of the provider's clients
/// to avoid sorting one page.
fn page_query(provider_id: ProviderId, view: &View, limit: u64, offset: u64) -> ListQuery {
    let mut query = row_select();
    query.push(" WHERE c.id IN (SELECT c.id FROM clients c");
    if !view.reps.is_empty() {
        query.push(representatives::JOINS);
    }
    push_where(&mut query, provider_id, view, true);
    push_order(&mut query, view.sort, view.direction);
    push_limit(&mut query, limit, offset);
    query.push(")");

    push_order(&mut query, view.sort, view.direction);
    query
}

fn row_select() -> ListQuery {
    ListQuery::new(format!(
        "SELECT {ROW_COLUMNS}, {columns} FROM clients c {joins} \
         LEFT JOIN employees am ON am.id = c.account_manager_id AND am.provider_id = c.provider_id",
        columns = representatives::COLUMNS,
        joins = representatives::JOINS,
    ))
}

fn push_limit(query: &mut ListQuery, limit: u64, offset: u64) {
    query.push(" LIMIT ").bind(to_i64(limit));
    query.push(" OFFSET ").bind(to_i64(offset));
}

/// Appends the WHERE clause: the provider, the folder when `with_folder`, then search and
/// filters.
fn push_where(query: &mut ListQuery, provider_id: ProviderId, view: &View, with_folder: bool) {
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
        push_folder(query, view.folder);
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

fn push_folder(query: &mut ListQuery, folder: Folder) {
    match folder {
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
    };
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

/// Appends the ORDER BY of `sort`; every order ends with `c.id`, unique, so pages never share or
/// skip a row.
fn push_order(query: &mut ListQuery, sort: SortKey, direction: Direction) {
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

/// A sticker shown beside a client in the list.
// NOTE: the list does not show stickers yet, so every row's `marks` is empty and the table has
// no column for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StickerMark {
    pub label: String,
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
    pub marks: Vec<StickerMark>,
}

impl ClientRow {
    pub fn from_row(row: &Row) -> Result<ClientRow, sqlx::Error> {
        let status: String = row.try_get("status")?;
        let manager_first: String = row.try_get("account_manager_first_name")?;
        let manager_last: String = row.try_get("account_manager_last_name")?;
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
            marks: Vec::new(),
        })
    }

    pub fn contact_name(&self) -> String {
        format!("{} {}", self.contact_first_name, self.contact_last_name)
            .trim()
            .to_owned()
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
fn parse_status(value: &str) -> ClientStatus {
    ClientStatus::parse(value).unwrap_or(ClientStatus::Approved)
}

/// Clients per status for a view's search and filters, whatever its folder.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub prospect: u64,
    pub approved: u64,
    pub not_approved: u64,
    pub hidden: u64,
}

impl StatusCounts {
    fn add(&mut self, status: ClientStatus, count: u64) {
        let slot = match status {
            ClientStatus::Prospect => &mut self.prospect,
            ClientStatus::Approved => &mut self.approved,
            ClientStatus::NotApproved => &mut self.not_approved,
            ClientStatus::Hidden => &mut self.hidden,
        };
        *slot += count;
    }

    fn of(&self, status: ClientStatus) -> u64 {
        match status {
            ClientStatus::Prospect => self.prospect,
            ClientStatus::Approved => self.approved,
            ClientStatus::NotApproved => self.not_approved,
            ClientStatus::Hidden => self.hidden,
        }
    }

    /// Returns the number of clients `folder` shows.
    pub fn folder(&self, folder: Folder) -> u64 {
        ClientStatus::ALL
            .into_iter()
            .filter(|status| folder.contains(*status))
            .map(|status| self.of(status))
            .sum()
    }
}

/// Counts the clients of every status in one statement.
pub async fn status_counts(
    db: &Db,
    provider_id: ProviderId,
    view: &View,
) -> Result<StatusCounts, sqlx::Error> {
    let (sql, arguments) = build(provider_id, view, Shape::FolderCounts).build();
    let rows = sqlx::query_with(&sql, arguments)
        .fetch_all(&db.pool)
        .await?;

    let mut counts = StatusCounts::default();
    for row in &rows {
        let status: String = row.try_get("status")?;
        let count: i64 = row.try_get("clients")?;
        counts.add(parse_status(&status), u64::try_from(count).unwrap_or(0));
    }
    Ok(counts)
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

/// Loads every row of a view, for export.
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
    pub counts: StatusCounts,
    /// Clients in the view's folder.
    pub total: u64,
    /// The 1-based page shown: the requested one, or the last when that is past the end.
    pub page: u64,
    pub last_page: u64,
    pub rows: Vec<ClientRow>,
}

/// Loads the counts and the page of a view: two statements, the counts first so a page past
/// the end can fall back to the last page.
pub async fn load(db: &Db, provider_id: ProviderId, view: &View) -> Result<Listing, sqlx::Error> {
    let counts = status_counts(db, provider_id, view).await?;
    let total = counts.folder(view.folder);

    let per_page = view.per_page.max(1);
    let last_page = total.div_ceil(per_page).max(1);
    let page = view.page.clamp(1, last_page);
    let rows = page_rows(db, provider_id, view, per_page, (page - 1) * per_page).await?;

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
        let counts = build(ProviderId(1), &hidden, Shape::FolderCounts);
        let all_counts = build(ProviderId(1), &View::new(), Shape::FolderCounts);
        assert_eq!(counts.sql(), all_counts.sql());

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
    fn unfiltered_count_joins_nothing() {
        let query = build(ProviderId(1), &View::new(), Shape::FolderCounts);
        assert!(!query.sql().contains("JOIN"), "{}", query.sql());
        assert_eq!(
            query.sql().matches("UNION ALL").count(),
            3,
            "{}",
            query.sql()
        );
    }

    #[test]
    fn folder_totals_follow_statuses() {
        let counts = StatusCounts {
            prospect: 2,
            approved: 5,
            not_approved: 1,
            hidden: 4,
        };
        assert_eq!(counts.folder(Folder::All), 8);
        assert_eq!(counts.folder(Folder::Prospects), 2);
        assert_eq!(counts.folder(Folder::Unapproved), 1);
        assert_eq!(counts.folder(Folder::Hidden), 4);
    }
}
