//! Test harness: fresh databases on each backend, the binary, a live server on a random port.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use jixiao_domain::Role;
use jixiao_store::{Actor, NewUser, Store};
use jixiao_web::{AppState, WebConfig};

/// The project's own fixtures (`fixtures/`; upstream in the steering repository).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
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

/// The web app served in this process on a random port, with an admin logged in for `get`.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The store behind it, for arranging data.
    pub store: Store,
    admin: tokio::sync::OnceCell<Browser>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// The password every test account gets.
pub const PASSWORD: &str = "correct horse battery";

impl TestServer {
    /// Serves `store` on 127.0.0.1 with a random port.
    pub async fn start(store: Store) -> TestServer {
        TestServer::start_with(store, WebConfig::default()).await
    }

    /// The same with settings.
    pub async fn start_with(store: Store, config: WebConfig) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = AppState {
            store: store.clone(),
            config: std::sync::Arc::new(config),
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
            store,
            admin: tokio::sync::OnceCell::new(),
            shutdown: Some(tx),
        }
    }

    /// Creates an account (its unit is created if missing) with [`PASSWORD`].
    pub async fn add_user(&self, username: &str, role: Role, unit: &str) -> i64 {
        let unit_id = self
            .store
            .ensure_unit(&Actor::cli(), unit, None)
            .await
            .unwrap();
        let hash = jixiao_app::secrets::hash_password(PASSWORD.to_string())
            .await
            .unwrap();
        self.store
            .create_user(
                &Actor::cli(),
                &NewUser {
                    username: username.to_string(),
                    display_name: format!("{username}的名字"),
                    password_hash: hash,
                    role,
                    unit_id,
                    must_change_password: false,
                },
            )
            .await
            .unwrap()
    }

    /// A browser logged in as a new account.
    pub async fn login_as(&self, username: &str, role: Role, unit: &str) -> Browser {
        self.add_user(username, role, unit).await;
        let mut b = Browser::new(&self.base);
        let (status, _) = b.login(username, PASSWORD).await;
        assert_eq!(status, 303, "login of {username}");
        b
    }

    /// A browser with no session.
    pub fn anonymous(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// GET a path as the test admin; returns status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        self.get_with(path, &[]).await
    }

    /// GET a path as the test admin, with extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        let admin = self
            .admin
            .get_or_init(|| self.login_as("testadmin", Role::Admin, "考核办"))
            .await;
        let r = admin.get_with(path, headers).await;
        (r.status, r.body)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A response as the tests look at it.
pub struct Page {
    /// HTTP status.
    pub status: u16,
    /// `Location`, for redirects.
    pub location: Option<String>,
    /// The body.
    pub body: String,
}

/// A browser: a cookie jar over a client that does not follow redirects.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: std::sync::Mutex<Vec<(String, String)>>,
}

/// `application/x-www-form-urlencoded` of the pairs.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of `<input … name="NAME" value="…">` in a page.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_string())
}

impl Browser {
    /// A browser with an empty cookie jar, for `base` (no trailing slash).
    pub fn new(base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The `Cookie` header this browser sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&self, resp: &reqwest::Response) {
        let mut jar = self.cookies.lock().unwrap();
        for v in resp.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            jar.retain(|(name, _)| name != k);
            if !attrs.contains("Max-Age=0") {
                jar.push((k.to_string(), val.to_string()));
            }
        }
    }

    /// A cookie this browser holds.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let jar = self.cookies.lock().unwrap();
        jar.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    async fn page(&self, resp: reqwest::Response) -> Page {
        self.keep_cookies(&resp);
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        Page {
            status,
            location,
            body: resp.text().await.unwrap(),
        }
    }

    /// GET a path.
    pub async fn get(&self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    /// GET a path with extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut req = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.page(req.send().await.expect("request")).await
    }

    /// POST a form.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(fields))
            .send()
            .await
            .expect("request");
        self.page(resp).await
    }

    /// POST a form; a connection error is returned, not a panic (for servers being killed).
    pub async fn try_post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Page, reqwest::Error> {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(fields))
            .send()
            .await?;
        self.keep_cookies(&resp);
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        // The status is the server's answer; a body cut off by a dying server changes nothing.
        let body = resp.text().await.unwrap_or_default();
        Ok(Page {
            status,
            location,
            body,
        })
    }

    /// POST a multipart form with one file field named `file`.
    pub async fn post_file(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: &[u8],
    ) -> Page {
        let boundary = "----jixiaotestboundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("request");
        self.page(resp).await
    }

    /// GET a path's raw bytes and headers.
    pub async fn get_bytes(&self, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        (status, headers, resp.bytes().await.unwrap().to_vec())
    }

    /// Logs in through the login form; returns the status and the page (or redirect).
    pub async fn login(&mut self, username: &str, password: &str) -> (u16, String) {
        let form = self.get("/login").await;
        let csrf = input_value(&form.body, "csrf").expect("login form has a token");
        let r = self
            .post(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("next", "/"),
                    ("username", username),
                    ("password", password),
                ],
            )
            .await;
        (r.status, r.body)
    }

    /// The CSRF token of this session, read from a page's logout form.
    pub async fn csrf(&self) -> String {
        let page = self.get("/account").await;
        input_value(&page.body, "csrf").expect("a logged-in page has a token")
    }
}

/// An API reply: status, headers and the body as JSON (`Null` when empty or not JSON).
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body.
    pub json: serde_json::Value,
}

impl Reply {
    /// The problem code of an error reply.
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }
}

/// A client of the JSON API: with a bearer token, or with a browser's session cookie.
pub struct Api {
    base: String,
    client: reqwest::Client,
    auth: Vec<(String, String)>,
}

impl Api {
    /// A client sending `Authorization: Bearer TOKEN` (none: anonymous).
    pub fn new(base: &str, token: Option<&str>) -> Api {
        Api {
            base: base.to_string(),
            client: reqwest::Client::new(),
            auth: token
                .map(|t| vec![("authorization".to_string(), format!("Bearer {t}"))])
                .unwrap_or_default(),
        }
    }

    /// A client using a logged-in browser's cookies (and, for writes, its CSRF token).
    pub fn with_session(base: &str, browser: &Browser, csrf: Option<&str>) -> Api {
        let mut auth = vec![("cookie".to_string(), browser.cookie_header())];
        if let Some(c) = csrf {
            auth.push(("x-csrf-token".to_string(), c.to_string()));
        }
        Api {
            base: base.to_string(),
            client: reqwest::Client::new(),
            auth,
        }
    }

    /// Sends a request; `body` is JSON when given.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base));
        for (k, v) in &self.auth {
            req = req.header(k.as_str(), v.as_str());
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        Reply {
            status,
            headers,
            json: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        }
    }

    /// GET.
    pub async fn get(&self, path: &str) -> Reply {
        self.call("GET", path, None, &[]).await
    }

    /// POST raw bytes.
    pub async fn post_bytes(&self, path: &str, bytes: Vec<u8>) -> Reply {
        let mut req = self
            .client
            .post(format!("{}/api/v1{path}", self.base))
            .header("content-type", "application/octet-stream")
            .body(bytes);
        for (k, v) in &self.auth {
            req = req.header(k.as_str(), v.as_str());
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        Reply {
            status,
            headers,
            json: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// A personal API token for `username` (created with `role` and `unit` if missing).
pub async fn api_token(
    server: &TestServer,
    username: &str,
    role: Role,
    unit: &str,
    scope: &str,
) -> String {
    let user = match server.store.user_for_login(username).await.unwrap() {
        Some((u, _)) => u.id,
        None => server.add_user(username, role, unit).await,
    };
    let token = format!("jx_{}", jixiao_app::secrets::new_token().unwrap());
    server
        .store
        .create_token(
            &Actor::cli(),
            user,
            "测试",
            scope,
            &jixiao_app::secrets::token_hash(&token),
        )
        .await
        .unwrap();
    token
}

/// The real binary serving on a random port; killed when dropped.
pub struct ServeProcess {
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    /// What it printed before the URL line.
    pub banner: String,
    child: Child,
    stdout: std::sync::mpsc::Receiver<String>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl ServeProcess {
    /// Starts `jixiao --db URL serve --bind 127.0.0.1:0 EXTRA…` and waits for its URL line.
    pub fn start(db: &str, extra: &[&str]) -> ServeProcess {
        ServeProcess::start_with(db, extra, &[])
    }

    /// [`ServeProcess::start`] with extra environment variables.
    pub fn start_with(db: &str, extra: &[&str], env: &[(&str, &str)]) -> ServeProcess {
        use std::io::{BufRead, BufReader, Read};
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["--db", db, "serve", "--bind", "127.0.0.1:0"])
            .args(extra)
            .env_remove("JIXIAO_DATABASE_URL")
            .env_remove("JIXIAO_LOG_FORMAT")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn jixiao serve");
        let out = child.stdout.take().unwrap();
        // Threads keep reading so the server never writes into a closed pipe.
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    // Nobody listens any more; keep draining.
                }
            }
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
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
                return ServeProcess {
                    url,
                    banner,
                    child,
                    stdout: rx,
                    stderr,
                };
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "jixiao serve did not print its URL; it printed:\n{banner}\n{}",
            stderr.lock().unwrap()
        );
    }

    /// The base URL without the trailing slash, for [`Browser::new`].
    pub fn base(&self) -> String {
        self.url.trim_end_matches('/').to_string()
    }

    /// Sends a signal (`TERM`, `KILL` …) to the server.
    pub fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(ok.success(), "kill -{name} failed");
    }

    /// Waits for the server to exit; its exit status and what it printed after the URL line.
    pub fn wait(&mut self) -> (std::process::ExitStatus, String) {
        let status = self.child.wait().expect("wait for jixiao serve");
        let mut rest = String::new();
        while let Ok(line) = self.stdout.recv_timeout(std::time::Duration::from_secs(5)) {
            rest.push_str(&line);
            rest.push('\n');
        }
        (status, rest)
    }

    /// What it wrote to standard error so far (its log).
    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Creates an account with [`PASSWORD`] in `unit` (created if missing).
pub async fn create_account(store: &Store, username: &str, role: Role, unit: &str) -> i64 {
    let unit_id = store.ensure_unit(&Actor::cli(), unit, None).await.unwrap();
    let hash = jixiao_app::secrets::hash_password(PASSWORD.to_string())
        .await
        .unwrap();
    store
        .create_user(
            &Actor::cli(),
            &NewUser {
                username: username.to_string(),
                display_name: format!("{username}的名字"),
                password_hash: hash,
                role,
                unit_id,
                must_change_password: false,
            },
        )
        .await
        .unwrap()
}

/// The usual unit tree of the workflow tests — 市政府 → 甲部门 → 甲一单位 and 市政府 → 乙部门 →
/// 乙一单位 — with `table` (a .txt progress table) imported for 甲一单位 and 乙一单位.
pub async fn two_departments(db: &TestDb, table: &str) -> Store {
    two_departments_with(db, table, &[]).await
}

/// [`two_departments`] with more arguments to `jixiao import` (e.g. `--for-review`).
pub async fn two_departments_with(db: &TestDb, table: &str, args: &[&str]) -> Store {
    let store = db.store().await;
    let by = Actor::cli();
    let root = store.ensure_unit(&by, "市政府", None).await.unwrap();
    let a = store.ensure_unit(&by, "甲部门", Some(root)).await.unwrap();
    let b = store.ensure_unit(&by, "乙部门", Some(root)).await.unwrap();
    store.ensure_unit(&by, "甲一单位", Some(a)).await.unwrap();
    store.ensure_unit(&by, "乙一单位", Some(b)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.txt");
    std::fs::write(&path, table).unwrap();
    for unit in ["甲一单位", "乙一单位"] {
        let mut all = vec!["import", path.to_str().unwrap(), "--unit", unit];
        all.extend_from_slice(args);
        let out = jixiao(&db.url, &all);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    store
}

/// A raw connection to a test database, for reading what the app stored.
pub async fn raw_connection(url: &str) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"))
}

/// The tables of the app and their row counts, in a fixed order.
pub async fn row_counts(url: &str) -> Vec<(&'static str, i64)> {
    const TABLES: [&str; 15] = [
        "units",
        "schemes",
        "scheme_units",
        "indicators",
        "tasks",
        "periods",
        "progress_reports",
        "users",
        "sessions",
        "audit_log",
        "attachments",
        "extensions",
        "score_overrides",
        "unit_adjustments",
        "review_events",
    ];
    let mut conn = raw_connection(url).await;
    let mut out = Vec::new();
    for table in TABLES {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut conn)
                .await
                .unwrap();
        out.push((table, n));
    }
    out
}

/// The shared strings of an .xlsx: every text cell once.
pub fn xlsx_strings(bytes: Vec<u8>) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/sharedStrings.xml").unwrap(),
        &mut strings,
    )
    .unwrap();
    strings
}
