//! Application state, the router that merges every feature's routes, and the server loop.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::auth::Staff;
use crate::config::Config;
use crate::db::Db;
use crate::error::AppResult;
use crate::web::{self, see_other};

/// The state every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}

/// The Content-Security-Policy of every page: scripts, styles and images from this origin only,
/// so no inline script can run.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Builds the whole application from its state.
pub fn router(state: AppState) -> Router {
    let features = Router::new()
        .route("/", get(home))
        .route("/health", get(health))
        .merge(web::assets::routes())
        .merge(crate::auth::routes::routes())
        .merge(crate::setup::routes())
        .merge(crate::provider_sites::routes())
        .merge(crate::employees::routes())
        .merge(crate::client_lists::routes())
        .merge(crate::representatives::routes())
        .merge(crate::client_manager::routes())
        .merge(crate::clients::routes())
        .merge(crate::client_sites::routes())
        .merge(crate::assets::routes())
        .merge(crate::stickers::routes())
        .fallback(web::not_found);

    features
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::csrf::protect,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

fn request_span(request: &Request) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
    )
}

async fn home(State(state): State<AppState>, staff: Option<Staff>) -> AppResult<Response> {
    if !crate::setup::is_done(&state.db).await? {
        return Ok(see_other("/setup"));
    }
    Ok(match staff {
        Some(_) => see_other("/clients"),
        None => see_other("/sign-in"),
    })
}

/// Reports liveness and readiness in one: 200 when the database responds, 503 when it does not.
async fn health(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// Serves the application on a bound listener until Ctrl-C or SIGTERM, then finishes the
/// requests in flight.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };

    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing requests in flight");
}
