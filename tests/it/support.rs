//! Test harness: fresh databases on each backend, the binary, a live server on a random port.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use jixiao_store::Store;
use jixiao_web::{AppState, WebConfig};

/// The shared fixtures beside the checkout.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(name)
}

/// The expected dry-run JSON of the seed.
pub fn expected_seed() -> serde_json::Value {
    let text = std::fs::read_to_string(fixture("seed.expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A fresh, empty database that lives as long as this value.
pub struct TestDb {
    /// The URL to pass to `--db` or `Store::connect`.
    pub url: String,
    /// Human name of the backend, for assertion messages.
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Opens the store on this database.
    pub async fn store(&self) -> Store {
        Store::connect(&self.url).await.expect("connect")
    }

    /// Number of (schemes, tasks) stored, to check that a failed import changed nothing.
    pub async fn counts(&self) -> (usize, i64) {
        let store = self.store().await;
        let schemes = store.list_schemes().await.unwrap();
        let tasks = schemes.iter().map(|s| s.tasks).sum();
        store.close().await;
        (schemes.len(), tasks)
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh database on every backend available: SQLite always, PostgreSQL when configured.
pub async fn databases() -> Vec<TestDb> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = TestDb {
        url: format!("sqlite://{}", dir.path().join("jixiao.db").display()),
        backend: "sqlite",
        _dir: Some(dir),
    };
    let mut dbs = vec![sqlite];
    match std::env::var("JIXIAO_TEST_PG_URL") {
        Ok(admin) if !admin.is_empty() => dbs.push(fresh_postgres(&admin).await),
        _ if std::env::var("JIXIAO_REQUIRE_PG").as_deref() == Ok("1") => {
            panic!("JIXIAO_REQUIRE_PG=1 but JIXIAO_TEST_PG_URL is not set")
        }
        _ => eprintln!(
            "note: PostgreSQL half of this test skipped: JIXIAO_TEST_PG_URL is not set \
             (.ci/pg-start prints one; CI always sets it)"
        ),
    }
    dbs
}

async fn fresh_postgres(admin_url: &str) -> TestDb {
    use sqlx::Connection;
    let name = format!(
        "jixiao_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at JIXIAO_TEST_PG_URL: {e}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"
    )))
    .execute(&mut admin)
    .await
    .expect("create test database");
    admin.close().await.ok();
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(admin_url);
    TestDb {
        url: format!("{base}/{name}"),
        backend: "postgres",
        _dir: None,
    }
}

/// Runs the `jixiao` binary with `--db url` and the arguments.
pub fn jixiao(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("JIXIAO_DATABASE_URL")
        .output()
        .expect("run jixiao")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The web app served in this process on a random port.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    /// Serves `store` on 127.0.0.1 with a random port.
    pub async fn start(store: Store) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = AppState {
            store,
            config: std::sync::Arc::new(WebConfig::default()),
        };
        tokio::spawn(async move {
            jixiao_web::serve(listener, state, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestServer {
            base,
            shutdown: Some(tx),
        }
    }

    /// GET a path; returns status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        self.get_with(path, &[]).await
    }

    /// GET a path with extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut req = client.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap())
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The real binary serving on a random port; killed when dropped.
pub struct ServeProcess {
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    /// What it printed before the URL line.
    pub banner: String,
    child: Child,
}

impl ServeProcess {
    /// Starts `jixiao --db URL serve --bind 127.0.0.1:0 EXTRA…` and waits for its URL line.
    pub fn start(db: &str, extra: &[&str]) -> ServeProcess {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["--db", db, "serve", "--bind", "127.0.0.1:0"])
            .args(extra)
            .env_remove("JIXIAO_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn jixiao serve");
        let out = child.stdout.take().unwrap();
        // A thread keeps reading so the server never writes into a closed pipe.
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    // Nobody listens any more; keep draining.
                }
            }
        });
        let mut banner = String::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while let Ok(line) =
            rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
        {
            banner.push_str(&line);
            banner.push('\n');
            if let Some(start) = line.find("http://") {
                let url: String = line[start..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                return ServeProcess { url, banner, child };
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("jixiao serve did not print its URL; it printed:\n{banner}");
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
