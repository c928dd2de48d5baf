//! The error type of the web layer and how each case answers over HTTP.
//!
//! Validation problems are not errors here: handlers re-render their form with field messages.
//! What reaches this type is a request that cannot be served at all.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::web::{render_status, ErrorPage};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The record does not exist, or belongs to another provider; both answer the same.
    #[error("not found")]
    NotFound,
    /// The user is signed in but their role does not allow the page.
    #[error("forbidden")]
    Forbidden,
    /// No valid session; the user is sent to the sign-in page and back to `next` afterwards.
    #[error("sign-in required")]
    SignInRequired { next: String },
    /// A form arrived without the anti-forgery token of this browser.
    #[error("form token missing or invalid")]
    Csrf,
    /// The request itself is malformed in a way no form field can show.
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            AppError::SignInRequired { next } => {
                let target = format!("/sign-in?next={}", crate::web::encode_query_value(next));
                return Redirect::to(&target).into_response();
            }
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "The page or record does not exist. Check the address, or go back to the list it came from.".to_owned(),
            ),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Not allowed",
                "This page is for provider administrators. Ask an administrator if you need access.".to_owned(),
            ),
            AppError::Csrf => (
                StatusCode::FORBIDDEN,
                "Form expired",
                "The form could not be verified, for example because it was opened in another browser session. Go back, reload the page and submit it again.".to_owned(),
            ),
            AppError::BadRequest(reason) => (StatusCode::BAD_REQUEST, "Invalid request", reason.clone()),
            AppError::Database(error) => {
                tracing::error!(%error, "database error while serving request");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The database could not complete the request. Nothing was changed by it; try again in a moment.".to_owned(),
                )
            }
            AppError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "internal error while serving request");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The server could not complete the request. Try again in a moment.".to_owned(),
                )
            }
        };
        render_status(status, &ErrorPage { title, message })
    }
}
