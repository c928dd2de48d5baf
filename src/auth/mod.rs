//! Who is signed in, and what they may do.
//!
//! Handlers take [`Staff`] or [`Admin`] as an argument; both carry the provider id that every
//! query is scoped by, so a handler cannot read data without knowing whose it is.

pub mod password;
pub mod rate_limit;
pub mod reset;
pub mod routes;
pub mod session;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use rand::RngCore;

use crate::error::AppError;
use crate::ids::{EmployeeId, ProviderId};
use crate::AppState;

/// A provider employee's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Everything, including ADMINISTRATION.
    Administrator,
    /// The SERVICE pages.
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Staff => "staff",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "administrator" => Some(Role::Administrator),
            "staff" => Some(Role::Staff),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::Staff => "Staff",
        }
    }
}

/// A signed-in, active provider employee.
#[derive(Clone, Debug)]
pub struct Staff {
    pub employee_id: EmployeeId,
    pub provider_id: ProviderId,
    pub name: String,
    pub role: Role,
}

impl Staff {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Administrator
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(staff) = parts.extensions.get::<Staff>() {
            return Ok(staff.clone());
        }

        let token = session::token_from_headers(&parts.headers);
        let staff = match token {
            Some(token) => session::find_staff(&state.db, &token).await?,
            None => None,
        };
        let Some(staff) = staff else {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".to_owned());
            return Err(AppError::SignInRequired { next });
        };

        parts.extensions.insert(staff.clone());
        Ok(staff)
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        match <Staff as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(staff) => Ok(Some(staff)),
            Err(AppError::SignInRequired { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// A signed-in provider administrator; any other signed-in user gets 403.
#[derive(Clone, Debug)]
pub struct Admin(pub Staff);

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let staff = Staff::from_request_parts(parts, state).await?;
        if !staff.is_admin() {
            tracing::info!(employee_id = %staff.employee_id, path = %parts.uri.path(), "administration page rejected for a non-administrator");
            return Err(AppError::Forbidden);
        }
        Ok(Admin(staff))
    }
}

impl std::ops::Deref for Admin {
    type Target = Staff;

    fn deref(&self) -> &Staff {
        &self.0
    }
}

/// Generates a random 256-bit token, URL-safe base64, for session and form tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
