//! Anti-forgery protection for every form.
//!
//! Each browser gets a random token in an HttpOnly, SameSite=Strict cookie; every form carries
//! the same token in a hidden `csrf_token` field, and a form post whose field does not match its
//! cookie is rejected before any handler runs. A post from another origin is rejected as well,
//! judged by the `Origin` header when the browser sends one. The JSON API under `/api/` uses
//! token authentication instead and is exempt.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use subtle::ConstantTimeEq;

use crate::error::AppError;
use crate::AppState;

pub const COOKIE: &str = "calserve_csrf";
pub const FIELD: &str = "csrf_token";

/// Largest form body accepted, in bytes.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The anti-forgery token of the current browser, for rendering into forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for CsrfToken {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("CSRF middleware is not installed")))
    }
}

/// Issues the token cookie when missing and checks the token on every unsafe request.
pub async fn protect(
    State(state): State<AppState>,
    jar: CookieJar,
    request: Request,
    next: Next,
) -> Response {
    let existing = jar
        .get(COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() >= 32);
    let token = existing.clone().unwrap_or_else(crate::auth::random_token);

    let request = if is_unsafe(request.method()) && !request.uri().path().starts_with("/api/") {
        match verify(request, existing.as_deref()).await {
            Ok(request) => request,
            Err(error) => return error.into_response(),
        }
    } else {
        request
    };

    let mut request = request;
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let response = next.run(request).await;

    if existing.is_some() {
        return response;
    }
    let cookie = Cookie::build((COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies())
        .build();
    (CookieJar::new().add(cookie), response).into_response()
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

async fn verify(request: Request, cookie_token: Option<&str>) -> Result<Request, AppError> {
    if !same_origin(&request) {
        tracing::warn!(path = %request.uri().path(), "form post from another origin rejected");
        return Err(AppError::Csrf);
    }
    let Some(cookie_token) = cookie_token else {
        tracing::warn!(path = %request.uri().path(), "form post without a CSRF cookie rejected");
        return Err(AppError::Csrf);
    };

    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::BadRequest("The form is larger than 2 MiB.".to_owned()))?;
    let submitted = form_field(&bytes, FIELD).unwrap_or_default();

    if !bool::from(submitted.as_bytes().ct_eq(cookie_token.as_bytes())) {
        tracing::warn!(path = %parts.uri.path(), "form post with a wrong CSRF token rejected");
        return Err(AppError::Csrf);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// A request without an `Origin` header (older browsers, scripts) is judged by the token alone.
fn same_origin(request: &Request) -> bool {
    let Some(origin) = request.headers().get(header::ORIGIN) else {
        return true;
    };
    let Some(host) = request.headers().get(header::HOST) else {
        return false;
    };
    let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else {
        return false;
    };
    origin
        .split_once("://")
        .is_some_and(|(_, origin_host)| origin_host == host)
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_html_form::from_bytes(body).ok()?;
    pairs
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}
