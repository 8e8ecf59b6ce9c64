//! `/metrics` in the Prometheus text format (written by hand: a few counters and one
//! histogram do not need a metrics framework), and the middleware that counts every request
//! and writes one access-log line for it.
//!
//! Labels are the route template (`/tasks/{id}`), never the raw path, so the number of series
//! stays fixed whatever URLs are requested. `/metrics` needs no login: it shows counts and
//! timings only (no ids, names or users). Deployments keep it from the outside at the reverse
//! proxy or firewall (README, "Operations").

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// What the server has counted since it started.
#[derive(Debug, Default)]
pub struct Metrics {
    in_flight: AtomicI64,
    routes: Mutex<BTreeMap<(&'static str, String), RouteStats>>,
}

#[derive(Debug, Default)]
struct RouteStats {
    /// Responses by status class: 1xx … 5xx.
    by_class: [u64; 5],
    /// Cumulative counts per bucket, plus the +Inf bucket last.
    buckets: [u64; BUCKETS.len() + 1],
    sum_seconds: f64,
}

impl Metrics {
    fn record(&self, method: &'static str, route: String, status: u16, seconds: f64) {
        let mut routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        let stats = routes.entry((method, route)).or_default();
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        stats.by_class[class] += 1;
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                stats.buckets[i] += 1;
            }
        }
        stats.buckets[BUCKETS.len()] += 1;
        stats.sum_seconds += seconds;
    }

    /// The text exposition of everything counted, plus the pool and the process.
    fn render(&self, pool: (u32, usize)) -> String {
        let mut out = String::with_capacity(4096);
        let routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        out.push_str(
            "# HELP jixiao_http_requests_total HTTP responses by route template, method and status class.\n\
             # TYPE jixiao_http_requests_total counter\n",
        );
        for ((method, route), s) in routes.iter() {
            for (i, n) in s.by_class.iter().enumerate() {
                if *n > 0 {
                    let _ = writeln!(
                        out,
                        "jixiao_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{}xx\"}} {n}",
                        escape(route),
                        i + 1
                    );
                }
            }
        }
        out.push_str(
            "# HELP jixiao_http_request_duration_seconds Time from request to response head.\n\
             # TYPE jixiao_http_request_duration_seconds histogram\n",
        );
        for ((method, route), s) in routes.iter() {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "jixiao_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                    s.buckets[i]
                );
            }
            let total = s.buckets[BUCKETS.len()];
            let _ = writeln!(
                out,
                "jixiao_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {total}"
            );
            let _ = writeln!(
                out,
                "jixiao_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "jixiao_http_request_duration_seconds_count{{{labels}}} {total}"
            );
        }
        drop(routes);
        let _ = write!(
            out,
            "# HELP jixiao_http_requests_in_flight Requests being handled now.\n\
             # TYPE jixiao_http_requests_in_flight gauge\n\
             jixiao_http_requests_in_flight {}\n\
             # HELP jixiao_db_pool_connections Database connections the pool holds.\n\
             # TYPE jixiao_db_pool_connections gauge\n\
             jixiao_db_pool_connections {}\n\
             # HELP jixiao_db_pool_idle_connections Pool connections not in use.\n\
             # TYPE jixiao_db_pool_idle_connections gauge\n\
             jixiao_db_pool_idle_connections {}\n",
            // This request is one of them; it is not interesting.
            self.in_flight.load(Ordering::Relaxed) - 1,
            pool.0,
            pool.1
        );
        if let Some(rss) = resident_bytes() {
            let _ = write!(
                out,
                "# HELP process_resident_memory_bytes Resident memory size in bytes.\n\
                 # TYPE process_resident_memory_bytes gauge\n\
                 process_resident_memory_bytes {rss}\n"
            );
        }
        out
    }
}

/// Label values escape `\`, `"` and newlines.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The process's resident set size, from `/proc/self/status` (Linux); `None` elsewhere.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn method_name(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "OTHER",
    }
}

/// Counts the request under its route template and logs one line for it.
pub(crate) async fn track(
    State(metrics): State<std::sync::Arc<Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = method_name(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(unmatched)".to_string());
    metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let response = next.run(req).await;
    metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    tracing::info!(
        target: "jixiao::access",
        method,
        route = %route,
        status,
        ms = (seconds * 1000.0 * 10.0).round() / 10.0,
        "request"
    );
    metrics.record(method, route, status, seconds);
    response
}

/// `GET /metrics`.
pub(crate) async fn metrics(
    State(s): State<AppState>,
    axum::Extension(metrics): axum::Extension<std::sync::Arc<Metrics>>,
) -> Response {
    let body = metrics.render(s.store.pool_connections());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}
