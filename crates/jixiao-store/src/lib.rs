//! Persistence for jixiao on SQLite (the default, a file) and PostgreSQL (multi-instance
//! deployments), through one code path: sqlx's `Any` driver.
//!
//! Rules every query here follows, so that the same SQL runs on both (see ARCHITECTURE.md):
//! `$N` placeholders; only integer (`i64`), float (`f64`) and text columns, timestamps as
//! RFC 3339 text; `RETURNING id` for inserts; no backend-specific functions.
//!
//! This crate takes and returns domain values and plain records; it renders nothing and knows
//! no HTTP.

mod accounts;
mod api;
mod attachments;
pub mod audit;
mod backup;
mod bulk;
mod import;
mod nullable;
mod pending;
mod periods;
mod read;
mod reminders;
mod reports;
mod routing;
mod setup;
mod summaries;
mod unit_types;
mod worklist;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::sync::Once;

pub use accounts::{LiveSession, LoginAttempt, NewUser, PasswordChange, UserRecord};
pub use api::{ListFilter, Reach, ReportRow, TaskRecord, TokenRecord};
pub use attachments::AttachmentInfo;
pub use audit::{Actor, Anchor, AuditEntry, AuditFilter, AuditKey, ChainCheck};
pub use backup::{BackupError, BackupInfo, TableCounts, check_sqlite_backup, sqlite_path};
pub use bulk::{BulkLoad, NewIndicator, NewReport, NewScheme, NewTask, NewUnit, SchemeIds};
pub use import::{ImportOutcome, ImportPlan, Replaced, StoredReading};
pub use pending::PendingImport;
pub use periods::{Extension, PendingExtension};
pub use read::{
    IndicatorRecord, OverrideRecord, PeriodRecord, ReportRecord, ReviewEvent, SaveContext,
    SchemeRecord, SchemeSummary, TaskDetail, TaskLine, UnitInScheme, UnitRecord, UnitTable,
    UnitWorkload,
};
pub use reminders::{
    Delivery, NewReminder, ReminderBatch, ReminderKind, UnitReminder, scheduled_key,
};
pub use reports::{Decision, ReportDraft};
pub use routing::{IndicatorRoute, RouteTarget};
pub use setup::{
    AdjustmentRecord, AdjustmentRuleRecord, NewVetoEffect, PeriodSpec, SchemeSettings, StatusInput,
    VetoItemRecord, VetoRecord,
};
pub use summaries::StampedSummary;
pub use unit_types::{UNIT_TYPE_MAX_CHARS, UnitTypeRecord, unit_type_name};
pub use worklist::{
    COUNT_CAP, Completeness, LagFilter, Lagging, ReporterTodo, ReviewFilter, ReviewTodo, SearchHit,
    TodoFilter, TodoSort, TodoState, like_pattern,
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// The database behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no database we support.
    #[error("不支持的数据库地址「{0}」：请使用 sqlite://路径 或 postgres://…")]
    UnsupportedUrl(String),
    /// The database refused or failed a query.
    #[error("数据库错误：{0}")]
    Database(#[from] sqlx::Error),
    /// Applying the embedded migrations failed.
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// An import would replace tasks that exist; the caller must say so.
    #[error("方案「{scheme}」中单位「{unit}」已有 {tasks} 项任务，导入会替换它们")]
    WouldReplace {
        /// The scheme title.
        scheme: String,
        /// The unit name.
        unit: String,
        /// How many tasks would be replaced.
        tasks: i64,
    },
    /// Someone saved the record since the caller read it.
    #[error("记录已被他人修改（当前版本 {current}）")]
    Conflict {
        /// The version now stored.
        current: i64,
    },
    /// The record is not in a state that allows this.
    #[error("当前状态「{state}」下不能{action}")]
    WrongState {
        /// The state it is in.
        state: String,
        /// What was attempted, in Chinese.
        action: &'static str,
    },
    /// The thing named does not exist.
    #[error("找不到{0}")]
    NotFound(&'static str),
    /// A unique name is taken.
    #[error("「{0}」已存在")]
    Duplicate(String),
    /// Stored data that cannot be read back as a domain value.
    #[error("数据库中的数据无效：{0}")]
    Corrupt(String),
    /// A setting or a file given to the store that it cannot use (an audit key too short, an
    /// anchor file it cannot read); the text says what to do.
    #[error("{0}")]
    Invalid(String),
}

/// The store: a connection pool and the backend it talks to.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    /// Where write transactions begin. On a SQLite file, a pool of one connection of its own:
    /// writers queue for it in order instead of meeting SQLite's lock, whose busy handler
    /// sleeps and retries (1, 2, 5 … 100 ms) and so wastes most of the time under load.
    /// Elsewhere the same pool as `pool`.
    writer: AnyPool,
    backend: Backend,
    /// The installation's audit key, when one is configured: entries are then signed with it.
    audit_key: Option<std::sync::Arc<audit::AuditKey>>,
}

impl Store {
    /// Connects to `url`, creating a SQLite file if needed, and applies the migrations.
    ///
    /// `sqlite://PATH` (relative or absolute), `sqlite::memory:`, or `postgres://…`.
    #[tracing::instrument(skip_all, fields(db.backend))]
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        install_drivers();

        let (url, backend) = normalise_url(url)?;
        tracing::Span::current().record("db.backend", format!("{backend:?}"));
        let sqlite = |connections: u32| {
            AnyPoolOptions::new()
                .max_connections(connections)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        // WAL lets readers run beside the writer; NORMAL keeps every commit
                        // across a killed process (not a power cut), see ARCHITECTURE.md.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                        Ok(())
                    })
                })
        };
        let memory = url.contains(":memory:");
        let (pool, writer) = match backend {
            // One writer at a time is SQLite's nature; readers beside it. A memory database
            // lives in its one connection.
            Backend::Sqlite if memory => {
                let pool = sqlite(1).connect(&url).await?;
                (pool.clone(), pool)
            }
            Backend::Sqlite => (
                sqlite(8).connect(&url).await?,
                sqlite(1).connect(&url).await?,
            ),
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .connect(&url)
                    .await?;
                (pool.clone(), pool)
            }
        };
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        Ok(Store {
            pool,
            writer,
            backend,
            audit_key: None,
        })
    }

    /// The same store, signing the audit entries it appends with `key` (and checking them
    /// with it).
    pub fn with_audit_key(mut self, key: audit::AuditKey) -> Store {
        self.audit_key = Some(std::sync::Arc::new(key));
        self
    }

    /// The audit key, if one is configured.
    pub fn audit_key(&self) -> Option<&audit::AuditKey> {
        self.audit_key.as_deref()
    }

    /// Which database this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Connections the pool holds now, and how many of them are idle (for `/metrics`).
    pub fn pool_connections(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads and then writes fails instead of waiting
    /// when another writer got in between.
    pub(crate) async fn write_tx(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        })
    }
}

/// Installs sqlx's Any drivers once per process.
pub(crate) fn install_drivers() {
    static DRIVERS: Once = Once::new();
    DRIVERS.call_once(install_default_drivers);
}

/// Accepts `sqlite://PATH`, `sqlite:PATH`, `sqlite::memory:` and `postgres(ql)://…`; SQLite
/// files are created when missing.
fn normalise_url(url: &str) -> Result<(String, Backend), StoreError> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((url.to_string(), Backend::Postgres));
    }
    let Some(rest) = url.strip_prefix("sqlite:") else {
        return Err(StoreError::UnsupportedUrl(url.to_string()));
    };
    if rest == ":memory:" || rest.starts_with(":memory:?") {
        return Ok((url.to_string(), Backend::Sqlite));
    }
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    if rest.is_empty() {
        return Err(StoreError::UnsupportedUrl(url.to_string()));
    }
    let mut normal = format!("sqlite://{rest}");
    if !rest.contains("mode=") {
        normal.push(if rest.contains('?') { '&' } else { '?' });
        normal.push_str("mode=rwc");
    }
    Ok((normal, Backend::Sqlite))
}

/// The current time as RFC 3339 text, the one timestamp format stored.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migrations() {
        let names = |dir: &str| {
            let mut v: Vec<String> =
                std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect();
            v.sort();
            v
        };
        assert_eq!(names("migrations/sqlite"), names("migrations/postgres"));
        assert_eq!(
            SQLITE_MIGRATIONS.iter().count(),
            POSTGRES_MIGRATIONS.iter().count()
        );
    }

    #[test]
    fn database_urls_are_normalised() {
        let cases = [
            ("sqlite://jixiao.db", Some("sqlite://jixiao.db?mode=rwc")),
            ("sqlite:jixiao.db", Some("sqlite://jixiao.db?mode=rwc")),
            ("sqlite:///tmp/a.db", Some("sqlite:///tmp/a.db?mode=rwc")),
            ("sqlite://a.db?mode=ro", Some("sqlite://a.db?mode=ro")),
            ("sqlite::memory:", Some("sqlite::memory:")),
            ("postgres://u@h/db", Some("postgres://u@h/db")),
            ("mysql://h/db", None),
            ("jixiao.db", None),
            ("sqlite://", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                normalise_url(input).ok().map(|(u, _)| u).as_deref(),
                want,
                "{input}"
            );
        }
    }
}
