//! Operating the server: `/metrics`, structured logs, and a graceful stop on SIGTERM.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{ServeProcess, TestServer, databases};

/// The samples of a Prometheus text exposition, `name{labels}` → value; panics on a line that
/// is neither a comment nor a sample.
fn parse_prometheus(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (series, value) = l
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("no value: {l}"));
            let value: f64 = value.parse().unwrap_or_else(|_| panic!("bad value: {l}"));
            let name_end = series.find('{').unwrap_or(series.len());
            assert!(
                series[..name_end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "bad name: {l}"
            );
            if name_end < series.len() {
                assert!(series.ends_with('}'), "bad labels: {l}");
            }
            (series.to_string(), value)
        })
        .collect()
}

fn sample(samples: &[(String, f64)], series: &str) -> Option<f64> {
    samples.iter().find(|(s, _)| s == series).map(|(_, v)| *v)
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_in_the_prometheus_format() {
    let db = databases().await.remove(0);
    let server = ServeProcess::start(&db.url, &[]);
    let client = reqwest::Client::new();
    for path in ["healthz", "healthz", "tasks/12345", "no/such/page"] {
        client
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap();
    }
    let resp = client
        .get(format!("{}metrics", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let samples = parse_prometheus(&resp.text().await.unwrap());
    let healthz = r#"method="GET",route="/healthz""#;
    assert_eq!(
        sample(
            &samples,
            &format!("jixiao_http_requests_total{{{healthz},status=\"2xx\"}}")
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &samples,
            &format!("jixiao_http_request_duration_seconds_count{{{healthz}}}")
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &samples,
            &format!("jixiao_http_request_duration_seconds_bucket{{{healthz},le=\"+Inf\"}}")
        ),
        Some(2.0)
    );
    // The template, not the path: no id appears in a label.
    assert!(
        samples
            .iter()
            .any(|(s, _)| s.contains(r#"route="/tasks/{id}""#)),
        "{samples:?}"
    );
    assert!(
        !samples
            .iter()
            .any(|(s, _)| s.contains("12345") || s.contains("no/such"))
    );
    assert!(sample(&samples, "process_resident_memory_bytes").unwrap() > 1_000_000.0);
    assert!(sample(&samples, "jixiao_db_pool_connections").unwrap() >= 1.0);
    assert!(sample(&samples, "jixiao_db_pool_idle_connections").is_some());
    assert_eq!(
        sample(&samples, "jixiao_http_requests_in_flight"),
        Some(0.0)
    );
}

#[tokio::test]
async fn json_logs_give_one_object_a_line_with_each_requests_route_and_status() {
    let db = databases().await.remove(0);
    let server = ServeProcess::start(&db.url, &["--log-format", "json"]);
    reqwest::get(format!("{}healthz", server.url))
        .await
        .unwrap();
    let mut found = None;
    for _ in 0..50 {
        let log = server.log();
        found = log
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l)
                    .unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))
            })
            .find(|v| v["route"] == "/healthz");
        if found.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let line = found.unwrap_or_else(|| panic!("no request line in:\n{}", server.log()));
    assert_eq!(line["status"], 200);
    assert_eq!(line["method"], "GET");
    assert!(line["ms"].is_number());
    assert_eq!(line["level"], "INFO");

    let text = ServeProcess::start(&db.url, &[]);
    reqwest::get(format!("{}healthz", text.url)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(text.log().contains("route=/healthz"), "{}", text.log());
}

#[tokio::test]
async fn sigterm_lets_a_request_in_flight_finish_then_stops() {
    for db in databases().await {
        let mut server = ServeProcess::start(&db.url, &[]);
        let addr = server
            .url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        // A slow client: the head and half the body now, the rest after SIGTERM.
        let body = "csrf=x&next=%2F&username=nobody&password=wrong-password";
        let (first, rest) = body.split_at(body.len() / 2);
        let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{first}",
            body.len()
        );
        conn.write_all(head.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        server.signal("TERM");
        tokio::time::sleep(Duration::from_millis(500)).await;
        conn.write_all(rest.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        conn.read_to_end(&mut response).await.unwrap();
        let response = String::from_utf8_lossy(&response);
        assert!(
            response.starts_with("HTTP/1.1 "),
            "{}: the request in flight got its answer: {response:?}",
            db.backend
        );
        assert!(
            !response.starts_with("HTTP/1.1 5"),
            "{}: {response}",
            db.backend
        );
        let (status, said) = server.wait();
        assert!(status.success(), "{}: {status}", db.backend);
        assert!(said.contains("jixiao 已停止"), "{}: {said}", db.backend);
    }
}

/// A client that sends half a request and waits (slowloris) is cut once the header timeout
/// has passed, and the server goes on answering others.
#[tokio::test]
async fn a_half_sent_request_is_cut_within_the_header_timeout() {
    let db = databases().await.remove(0);
    let config = jixiao_web::WebConfig {
        connections: jixiao_web::ConnectionLimits {
            header_timeout: std::time::Duration::from_secs(1),
            per_address: 256,
        },
        ..Default::default()
    };
    let server = TestServer::start_with(db.store().await, config).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        slow.read_to_end(&mut buf),
    )
    .await;
    assert!(
        read.is_ok(),
        "the half-sent request was still open after 5 s"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "cut after {:?}",
        started.elapsed()
    );
    assert!(
        !String::from_utf8_lossy(&buf).contains("200 OK"),
        "no answer to a request never finished"
    );
    let (status, _) = server.get("/healthz").await;
    assert_eq!(status, 200, "others are still served");
}

/// One address holding its quota of connections cannot open more until one closes.
#[tokio::test]
async fn connections_from_one_address_are_capped() {
    let db = databases().await.remove(0);
    let config = jixiao_web::WebConfig {
        connections: jixiao_web::ConnectionLimits {
            header_timeout: std::time::Duration::from_secs(30),
            per_address: 3,
        },
        ..Default::default()
    };
    let server = TestServer::start_with(db.store().await, config).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    // Let the server accept them before the fourth arrives.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mut fourth = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut buf = [0u8; 16];
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), fourth.read(&mut buf))
        .await
        .expect("the fourth connection is closed at once");
    assert!(matches!(closed, Ok(0) | Err(_)), "{closed:?}");
    drop(held.pop());
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (status, _) = server.get("/healthz").await;
    assert_eq!(status, 200, "a freed slot serves again");
}
