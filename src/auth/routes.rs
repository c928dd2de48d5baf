//! The sign-in page and sign-out.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::cookie::Cookie;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use sqlx::Row as _;

use super::{password, rate_limit, session};
use crate::error::AppResult;
use crate::ids::{EmployeeId, ProviderId};
use crate::text;
use crate::web::{render_status, see_other, CsrfToken};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
}

/// The one message for every failed sign-in, so it reveals nothing about which part was wrong.
pub const FAILED: &str = "The email or password is incorrect, or the account is not active.";
const LOCKED: &str =
    "Too many failed sign-ins. Wait 15 minutes and try again, or ask an administrator \
     (who can also run `calserve reset-password` on the server).";

#[derive(Template)]
#[template(path = "auth/templates/sign_in.html")]
struct SignInPage {
    csrf_token: String,
    email: String,
    next: String,
    message: Option<&'static str>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn sign_in_page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    Query(query): Query<NextQuery>,
) -> AppResult<Response> {
    if !crate::setup::is_done(&state.db).await? {
        return Ok(see_other("/setup"));
    }
    let page = SignInPage {
        csrf_token: csrf.0,
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        message: None,
    };
    Ok(render_status(StatusCode::OK, &page))
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<SignInForm>,
) -> AppResult<Response> {
    let email_key = text::email_key(&form.email);
    let address = peer.ip().to_string();
    let next = safe_next(Some(&form.next));
    let refuse = |message: &'static str| {
        let page = SignInPage {
            csrf_token: csrf.0.clone(),
            email: form.email.trim().to_owned(),
            next: next.clone(),
            message: Some(message),
        };
        let status = if message == LOCKED {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNAUTHORIZED
        };
        render_status(status, &page)
    };

    if !rate_limit::allows_attempt(&state.db, &state.config, &email_key, &address).await? {
        return Ok(refuse(LOCKED));
    }

    let account = find_account(&state, &email_key).await?;
    let verified = match &account {
        Some(account) => password::verify(&form.password, &account.password_hash),
        None => {
            password::verify(&form.password, password::decoy_hash());
            false
        }
    };
    rate_limit::record(&state.db, &email_key, &address, verified).await?;

    let Some(account) = account.filter(|_| verified) else {
        tracing::info!(%address, "sign-in failed");
        return Ok(refuse(FAILED));
    };

    let cookie = session::start(&state.db, &state.config, account.id, account.provider_id).await?;
    tracing::info!(employee_id = %account.id, provider_id = %account.provider_id, "signed in");
    Ok((jar.add(cookie), see_other(&next)).into_response())
}

struct Account {
    id: EmployeeId,
    provider_id: ProviderId,
    password_hash: String,
}

async fn find_account(state: &AppState, email_key: &str) -> Result<Option<Account>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, provider_id, password_hash FROM employees \
         WHERE email_key = $1 AND active = 1 AND password_hash IS NOT NULL",
    )
    .bind(email_key)
    .fetch_optional(&state.db.pool)
    .await?;
    row.map(|row| {
        Ok(Account {
            id: EmployeeId(row.try_get("id")?),
            provider_id: ProviderId(row.try_get("provider_id")?),
            password_hash: row.try_get("password_hash")?,
        })
    })
    .transpose()
}

async fn sign_out(State(state): State<AppState>, jar: CookieJar) -> AppResult<Response> {
    if let Some(cookie) = jar.get(session::COOKIE) {
        session::end(&state.db, cookie.value()).await?;
    }
    let jar = jar.remove(Cookie::build(session::COOKIE).path("/"));
    Ok((jar, see_other("/sign-in")).into_response())
}

/// Keeps a post-sign-in redirect on this site: only local absolute paths are followed.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}
