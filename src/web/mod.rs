//! The web shell: page rendering, the frame every page shares, static assets, security headers
//! and the anti-forgery check on forms.

pub mod assets;
pub mod csrf;
pub mod export;
pub mod forms;

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

pub use csrf::CsrfToken;
pub use forms::{FieldErrors, SelectOption};

use crate::auth::Staff;

/// The top-level menu a page belongs to, so the navigation bar can mark it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Service,
    Administration,
}

/// The data of the page frame: who is signed in and the form token of this browser.
#[derive(Clone, Debug)]
pub struct Shell {
    pub user_name: String,
    pub is_admin: bool,
    pub csrf_token: String,
    pub section: Section,
}

impl Shell {
    pub fn new(staff: &Staff, csrf: &CsrfToken, section: Section) -> Shell {
        Shell {
            user_name: staff.name.clone(),
            is_admin: staff.is_admin(),
            csrf_token: csrf.0.clone(),
            section,
        }
    }

    pub fn in_service(&self) -> bool {
        self.section == Section::Service
    }

    pub fn in_administration(&self) -> bool {
        self.section == Section::Administration
    }
}

/// Renders a template as a 200 page.
pub fn render(template: &impl Template) -> Response {
    render_status(StatusCode::OK, template)
}

/// Renders a template with a status, such as 422 for a form sent back with errors.
pub fn render_status(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "template rendering failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be rendered. Try again in a moment.",
            )
                .into_response()
        }
    }
}

/// Builds a 303 redirect, the response to a successful form post.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Percent-encodes a value for use in a query string.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A page for a request that cannot be served.
#[derive(Template)]
#[template(path = "web/templates/error.html")]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
}

/// Renders the not-found page for a path no route serves.
pub async fn not_found() -> Response {
    crate::error::AppError::NotFound.into_response()
}
