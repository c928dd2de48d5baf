//! Handlers of ADMINISTRATION > Client lists.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::view::{self, Alert, ListView, PostedForm, Rejection};
use super::{kind_from_path, kind_label, queries, NameForm};
use crate::audit::{self, Actor, Change, Entity};
use crate::auth::Admin;
use crate::clients::ListKind;
use crate::db::Tx;
use crate::error::{AppError, AppResult};
use crate::ids::ListValueId;
use crate::web::{render_status, see_other, CsrfToken, Section, Shell};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/client-lists", get(lists_page))
        .route("/admin/client-lists/{kind}", post(add))
        .route("/admin/client-lists/{kind}/{id}", post(rename))
        .route("/admin/client-lists/{kind}/{id}/delete", post(delete))
}

#[derive(Template)]
#[template(path = "client_lists/templates/lists.html")]
struct ListsPage {
    shell: Shell,
    lists: Vec<ListView>,
    notice: Option<String>,
    alert: Option<Alert>,
}

/// The outcome a successful post redirects with, naming the list it changed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    added: Option<String>,
    renamed: Option<String>,
    deleted: Option<String>,
}

impl NoticeQuery {
    fn notice(&self) -> Option<String> {
        let label =
            |segment: &Option<String>| segment.as_deref().and_then(kind_from_path).map(kind_label);
        if let Some(label) = label(&self.added) {
            Some(format!("The value was added to the {label} list."))
        } else if let Some(label) = label(&self.renamed) {
            Some(format!(
                "The {label} value was renamed; every client that uses it shows the new name."
            ))
        } else {
            label(&self.deleted)
                .map(|label| format!("The value was deleted from the {label} list."))
        }
    }
}

async fn lists_page(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    render_lists(&state, &admin, &csrf, query.notice(), None).await
}

/// Renders the page. With a rejected form it returns status 422 and shows that form's input and
/// message.
async fn render_lists(
    state: &AppState,
    admin: &Admin,
    csrf: &CsrfToken,
    notice: Option<String>,
    rejection: Option<Rejection>,
) -> AppResult<Response> {
    let lists = queries::all_lists(&state.db, admin.provider_id).await?;
    let (lists, alert) = view::build(lists, rejection.as_ref());
    let status = if rejection.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ListsPage {
        shell: Shell::new(admin, csrf, Section::Administration),
        lists,
        notice,
        alert,
    };
    Ok(render_status(status, &page))
}

/// Redirects to the page after a successful post, scrolled to the list it changed.
fn done(outcome: &str, kind: ListKind) -> Response {
    let kind = kind.as_str();
    see_other(&format!("/admin/client-lists?{outcome}={kind}#{kind}"))
}

fn parse_kind(segment: &str) -> AppResult<ListKind> {
    kind_from_path(segment).ok_or(AppError::NotFound)
}

/// Parses the `{kind}/{id}` of an address. An id that is not a number is treated like a missing
/// one.
fn parse_value_path(kind: &str, id: &str) -> AppResult<(ListKind, ListValueId)> {
    let kind = parse_kind(kind)?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    Ok((kind, id))
}

fn duplicate_message(kind: ListKind, existing: &str) -> String {
    format!(
        "The {} list already has “{existing}”. Choose another name.",
        kind_label(kind)
    )
}

/// Looks for another value of the list with the same name ignoring case and accents.
async fn duplicate_of(
    tx: &mut Tx,
    admin: &Admin,
    kind: ListKind,
    name: &str,
    except: Option<ListValueId>,
) -> AppResult<Option<String>> {
    // NOTE: the unique index covers the exact name only, so two administrators adding "PO" and
    // "po" at the same moment can both pass this check.
    let existing = queries::same_name(tx, admin.provider_id, kind, name, except).await?;
    Ok(existing.map(|existing| duplicate_message(kind, &existing)))
}

async fn add(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Path(kind): Path<String>,
    Form(form): Form<NameForm>,
) -> AppResult<Response> {
    let kind = parse_kind(&kind)?;
    let reject = |message: String| Rejection {
        kind,
        form: PostedForm::Add,
        typed_name: form.name.clone(),
        message,
    };
    let name = match form.validate() {
        Ok(name) => name,
        Err(errors) => {
            let rejection = reject(errors.of("name").to_owned());
            return render_lists(&state, &admin, &csrf, None, Some(rejection)).await;
        }
    };

    let mut tx = state.db.begin().await?;
    if let Some(message) = duplicate_of(&mut tx, &admin, kind, &name, None).await? {
        drop(tx);
        return render_lists(&state, &admin, &csrf, None, Some(reject(message))).await;
    }
    let value_id = match queries::insert(&mut tx, admin.provider_id, kind, &name).await {
        Ok(id) => id,
        Err(error) if queries::is_duplicate_name(&error) => {
            drop(tx);
            let rejection = reject(duplicate_message(kind, &name));
            return render_lists(&state, &admin, &csrf, None, Some(rejection)).await;
        }
        Err(error) => return Err(error.into()),
    };
    let changes = audit::diff(&[
        ("List", String::new(), kind_label(kind).to_owned()),
        ("Name", String::new(), name),
    ]);
    record(&mut tx, &admin, value_id, "created", &changes).await?;
    tx.commit().await?;

    tracing::info!(
        value_id = %value_id,
        provider_id = %admin.provider_id,
        kind = kind.as_str(),
        "client list value added"
    );
    Ok(done("added", kind))
}

async fn rename(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Path((kind, id)): Path<(String, String)>,
    Form(form): Form<NameForm>,
) -> AppResult<Response> {
    let (kind, value_id) = parse_value_path(&kind, &id)?;
    let reject = |message: String| Rejection {
        kind,
        form: PostedForm::Rename(value_id),
        typed_name: form.name.clone(),
        message,
    };

    let mut tx = state.db.begin().await?;
    let value = queries::find(&mut tx, admin.provider_id, kind, value_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = match form.validate() {
        Ok(name) => name,
        Err(errors) => {
            drop(tx);
            let rejection = reject(errors.of("name").to_owned());
            return render_lists(&state, &admin, &csrf, None, Some(rejection)).await;
        }
    };
    if name == value.name {
        return Ok(see_other(&format!("/admin/client-lists#{}", kind.as_str())));
    }
    if let Some(message) = duplicate_of(&mut tx, &admin, kind, &name, Some(value_id)).await? {
        drop(tx);
        return render_lists(&state, &admin, &csrf, None, Some(reject(message))).await;
    }
    if let Err(error) = queries::rename(&mut tx, admin.provider_id, kind, value_id, &name).await {
        if !queries::is_duplicate_name(&error) {
            return Err(error.into());
        }
        drop(tx);
        let rejection = reject(duplicate_message(kind, &name));
        return render_lists(&state, &admin, &csrf, None, Some(rejection)).await;
    }
    let changes = audit::diff(&[("Name", value.name, name)]);
    record(&mut tx, &admin, value_id, "renamed", &changes).await?;
    tx.commit().await?;

    tracing::info!(
        value_id = %value_id,
        provider_id = %admin.provider_id,
        clients = value.client_count,
        "client list value renamed"
    );
    Ok(done("renamed", kind))
}

async fn delete(
    State(state): State<AppState>,
    admin: Admin,
    csrf: CsrfToken,
    Path((kind, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (kind, value_id) = parse_value_path(&kind, &id)?;

    let mut tx = state.db.begin().await?;
    let value = queries::find(&mut tx, admin.provider_id, kind, value_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The delete re-checks usage in the same statement, so a client given this value after the
    // count above still keeps it.
    let deleted = value.client_count == 0
        && queries::delete_unused(&mut tx, admin.provider_id, kind, value_id).await?;
    if !deleted {
        drop(tx);
        let rejection = Rejection {
            kind,
            form: PostedForm::Delete(value_id),
            typed_name: String::new(),
            message: in_use_message(kind, &value.name, value.client_count),
        };
        return render_lists(&state, &admin, &csrf, None, Some(rejection)).await;
    }
    let changes = audit::diff(&[
        ("List", kind_label(kind).to_owned(), String::new()),
        ("Name", value.name, String::new()),
    ]);
    record(&mut tx, &admin, value_id, "deleted", &changes).await?;
    tx.commit().await?;

    tracing::info!(
        value_id = %value_id,
        provider_id = %admin.provider_id,
        kind = kind.as_str(),
        "client list value deleted"
    );
    Ok(done("deleted", kind))
}

fn in_use_message(kind: ListKind, name: &str, client_count: i64) -> String {
    let clients = match client_count {
        0 => "a client now uses it".to_owned(),
        1 => "1 client uses it".to_owned(),
        n => format!("{n} clients use it"),
    };
    format!(
        "“{name}” cannot be deleted because {clients}. Give those clients another {} value first.",
        kind_label(kind)
    )
}

async fn record(
    tx: &mut Tx,
    admin: &Admin,
    value_id: ListValueId,
    action: &str,
    changes: &[Change],
) -> AppResult<()> {
    audit::record(
        tx,
        admin.provider_id,
        Entity::ClientListValue,
        value_id.0,
        action,
        &Actor::Staff(admin),
        changes,
    )
    .await?;
    Ok(())
}
