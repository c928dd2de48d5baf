//! SERVICE > Manage Clients: the Client Manager.

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
