//! The web app: server-rendered pages in Chinese (English second), no JavaScript required, no
//! asset from outside the binary.
//!
//! `app(state)` builds the whole router; `serve` binds it. Tests and the CLI use the same
//! wiring. Handlers turn requests into store calls and records into view models; only this
//! crate renders HTML.

mod account;
mod admin;
pub mod api;
pub mod auth;
mod deadlines;
mod drilldown;
mod error;
pub mod evidence;
pub mod export;
pub mod i18n;
pub mod importing;
mod metrics;
mod pages;
pub mod refresh;
pub mod scores;
mod setup;
mod svg;
mod task_page;
mod upload;
mod views;
mod worklist;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use jixiao_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::WebError;

/// Settings of the web app.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served behind HTTPS).
    pub secure_cookies: bool,
    /// The API's per-token request budget.
    pub api_limiter: api::ApiLimiter,
    /// Failed logins per client address.
    pub login_guard: std::sync::Arc<auth::LoginGuard>,
}

/// What every handler gets.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Settings, shared.
    pub config: Arc<WebConfig>,
}

/// The whole app.
pub fn app(state: AppState) -> Router {
    let csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
               form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    let metrics = Arc::new(metrics::Metrics::default());
    pages::router()
        .merge(api::router().0)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            metrics.clone(),
            metrics::track,
        ))
        .layer(axum::Extension(metrics))
        .layer(axum::middleware::from_fn(same_origin))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("cache-control"),
            HeaderValue::from_static("no-store"),
        ))
        .layer(TraceLayer::new_for_http())
}

/// Refuses a state-changing request whose `Origin` is another site: a second line of defence
/// beside the CSRF tokens.
async fn same_origin(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let safe = matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if !safe && let Some(origin) = req.headers().get(header::ORIGIN) {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok());
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://").map(|(_, rest)| rest));
        if origin_host.is_none() || origin_host != host {
            tracing::warn!(?origin, ?host, "cross-origin form refused");
            if req.uri().path().starts_with("/api/") {
                return api::problem::Problem::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "cross_origin",
                )
                .into_response();
            }
            return WebError::Forbidden.into_response();
        }
    }
    next.run(req).await
}

/// Serves the app on `listener` until `shutdown` completes; in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
