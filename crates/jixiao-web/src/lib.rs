//! The web app: server-rendered pages in Chinese (English second), no JavaScript required, no
//! asset from outside the binary.
//!
//! `app(state)` builds the whole router; `serve` binds it. Tests and the CLI use the same
//! wiring. Handlers turn requests into calls of the application services (`jixiao-app`) and
//! store reads, and records into view models; only this crate renders HTML.

// The application services live in `jixiao-app`; these names keep `crate::scores::…` paths of
// the handlers short.
use jixiao_app::{importing, scores};

mod account;
mod admin;
pub mod api;
mod audit_log;
pub mod auth;
mod deadlines;
mod drilldown;
mod error;
pub mod evidence;
pub mod export;
pub mod i18n;
mod metrics;
mod pages;
mod reminders;
mod routing;
mod setup;
mod svg;
mod task_page;
mod todo;
mod upload;
mod views;
mod worklist;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use jixiao_store::Store;
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
    /// What one client may cost the server: time to send a request's headers, connections.
    pub connections: ConnectionLimits,
    /// A browser session unused this long ends (idle timeout); zero: none.
    pub session_idle: std::time::Duration,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for the per-address limits);
    /// from any other peer the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where 催报 goes besides the app (e-mail, a group robot), as the server is configured.
    pub reminders: jixiao_app::reminders::Channels,
    /// A password older than this must be changed before anything else (等保: 90 days); none:
    /// never.
    pub password_max_age: Option<std::time::Duration>,
}

/// Limits on the connections of one client, against slow or piled-up clients: a client that
/// has not sent a request's headers within `header_timeout` (the first request, or the next on
/// a kept-alive connection) is cut, and one address holds at most `per_address` connections
/// at once (behind a reverse proxy every client shares its address: raise it there).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time to send a request's headers.
    pub header_timeout: std::time::Duration,
    /// Connections one address may hold at once.
    pub per_address: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: std::time::Duration::from_secs(10),
            per_address: 256,
        }
    }
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
    // Served behind HTTPS (Secure cookies): browsers are told to come back over HTTPS only.
    let hsts = state.config.secure_cookies.then(|| {
        SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        )
    });
    let errors = axum::middleware::from_fn_with_state(state.clone(), error::error_pages);
    pages::router()
        .merge(api::router().0)
        .with_state(state)
        .layer(tower::util::option_layer(hsts))
        .layer(axum::middleware::from_fn_with_state(
            metrics.clone(),
            metrics::track,
        ))
        .layer(axum::Extension(metrics))
        .layer(axum::middleware::from_fn(same_origin))
        // Outside `same_origin`, so that its refusal is dressed too.
        .layer(errors)
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

/// Serves the app on `listener` until `shutdown` completes; in-flight requests finish. Each
/// connection is served by hyper's HTTP/1 with the limits of [`ConnectionLimits`] (a client
/// slow to send its headers is cut; an address holding too many connections is refused), and
/// the handlers see the client's address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let limits = state.config.connections;
    let router = app(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let open: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>> =
        Arc::default();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors, a connection reset before accept: wait a moment
                    // rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small answers go out at once rather than waiting for more to send.
        let _ = stream.set_nodelay(true);
        let Some(held) = ConnectionSlot::take(&open, remote.ip(), limits.per_address) else {
            tracing::warn!(ip = %remote.ip(), "connection refused: too many from this address");
            drop(stream);
            continue;
        };
        let svc = router.clone().map_request(
            move |mut req: axum::extract::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(remote));
                req
            },
        );
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(
                TokioIo::new(stream),
                hyper_util::service::TowerToHyperService::new(svc),
            );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _held = held;
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    // Requests in flight finish; idle connections close.
    graceful.shutdown().await;
    Ok(())
}

/// One connection counted against its address while it lives.
struct ConnectionSlot {
    open: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>,
    ip: std::net::IpAddr,
}

impl ConnectionSlot {
    fn take(
        open: &Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>,
        ip: std::net::IpAddr,
        cap: usize,
    ) -> Option<ConnectionSlot> {
        let mut map = open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = map.entry(ip).or_insert(0);
        if *n >= cap {
            return None;
        }
        *n += 1;
        Some(ConnectionSlot {
            open: open.clone(),
            ip,
        })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut map = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}
