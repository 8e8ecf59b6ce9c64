//! Backups of a SQLite database, taken while the server runs, and the checks a restore makes
//! before it replaces a database with one.
//!
//! A backup is SQLite's `VACUUM INTO`: it reads one consistent snapshot inside a read
//! transaction (WAL lets writers go on meanwhile) and writes a compact, standalone database
//! file. PostgreSQL is backed up with its own tools (`pg_dump`/`pg_restore`); nothing here
//! handles it.

use std::path::{Path, PathBuf};

use sqlx::any::AnyPoolOptions;

use crate::{Backend, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS, Store, StoreError};

/// What a checked backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// Migrations applied (all of this binary's).
    pub migrations: usize,
    /// Row counts of the main tables: units, tasks, progress reports, users, audit entries.
    pub counts: TableCounts,
}

/// Row counts of the main tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableCounts {
    /// `units`.
    pub units: i64,
    /// `tasks`.
    pub tasks: i64,
    /// `progress_reports`.
    pub reports: i64,
    /// `users`.
    pub users: i64,
    /// `audit_log`.
    pub audit: i64,
}

impl TableCounts {
    /// Whether nothing a person entered is there (a fresh database has only migrations).
    pub fn is_empty(&self) -> bool {
        self.units == 0 && self.tasks == 0 && self.users == 0
    }
}

/// Why a file cannot be restored.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Not readable at all.
    #[error("无法读取备份文件 {path}：{source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not a SQLite database.
    #[error("{0} 不是 SQLite 数据库文件")]
    NotSqlite(PathBuf),
    /// A SQLite database, but not jixiao's.
    #[error("{0} 不是 jixiao 的数据库（没有迁移记录）")]
    NotJixiao(PathBuf),
    /// A jixiao database with migrations this binary does not have, or without some it has.
    #[error("{path} 的数据库版本与本程序不符：{detail}")]
    Version {
        /// The file.
        path: PathBuf,
        /// What differs.
        detail: String,
    },
    /// The database answered with an error.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> BackupError {
        BackupError::Store(StoreError::Database(e))
    }
}

impl Store {
    /// Writes a consistent copy of this SQLite database to `path` (which must not exist),
    /// while other connections go on reading and writing.
    pub async fn backup_sqlite_to(&self, path: &Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Corrupt(
                "只有 SQLite 数据库能用 VACUUM INTO 备份".into(),
            ));
        }
        let target = path.to_string_lossy().replace('\'', "''");
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{target}'")))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Row counts of the main tables.
    pub async fn table_counts(&self) -> Result<TableCounts, StoreError> {
        counts(self.pool()).await
    }
}

async fn counts(pool: &sqlx::AnyPool) -> Result<TableCounts, StoreError> {
    let (units, tasks, reports, users, audit): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM units), (SELECT COUNT(*) FROM tasks), \
         (SELECT COUNT(*) FROM progress_reports), (SELECT COUNT(*) FROM users), \
         (SELECT COUNT(*) FROM audit_log)",
    )
    .fetch_one(pool)
    .await?;
    Ok(TableCounts {
        units,
        tasks,
        reports,
        users,
        audit,
    })
}

/// The file a `sqlite:` URL names; `None` for PostgreSQL, memory databases and other URLs.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.trim().strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| PathBuf::from(path))
}

/// Checks that `path` is a jixiao SQLite database with exactly this binary's migrations
/// applied, opening it read-only.
pub async fn check_sqlite_backup(path: &Path) -> Result<BackupInfo, BackupError> {
    let mut header = [0u8; 16];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|source| BackupError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        if f.read_exact(&mut header).is_err() || &header != b"SQLite format 3\0" {
            return Err(BackupError::NotSqlite(path.to_path_buf()));
        }
    }
    crate::install_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    let result = check_open(&pool, path).await;
    pool.close().await;
    result
}

async fn check_open(pool: &sqlx::AnyPool, path: &Path) -> Result<BackupInfo, BackupError> {
    let has_table: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(pool)
    .await?;
    if has_table == 0 {
        return Err(BackupError::NotJixiao(path.to_path_buf()));
    }
    let applied: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT version, CAST(success AS INTEGER) FROM _sqlx_migrations ORDER BY version",
    )
    .fetch_all(pool)
    .await?;
    let ours: Vec<i64> = SQLITE_MIGRATIONS.iter().map(|m| m.version).collect();
    let theirs: Vec<i64> = applied.iter().map(|(v, _)| *v).collect();
    if let Some((v, _)) = applied.iter().find(|(_, ok)| *ok == 0) {
        return Err(BackupError::Version {
            path: path.to_path_buf(),
            detail: format!("迁移 {v} 未成功应用"),
        });
    }
    if let Some(v) = theirs.iter().find(|v| !ours.contains(v)) {
        return Err(BackupError::Version {
            path: path.to_path_buf(),
            detail: format!("含本程序没有的迁移 {v}（来自更新的 jixiao？请用新版本恢复）"),
        });
    }
    if let Some(v) = ours.iter().find(|v| !theirs.contains(v)) {
        return Err(BackupError::Version {
            path: path.to_path_buf(),
            detail: format!("缺少迁移 {v}（不是 jixiao 的完整数据库）"),
        });
    }
    debug_assert_eq!(
        SQLITE_MIGRATIONS.iter().count(),
        POSTGRES_MIGRATIONS.iter().count()
    );
    Ok(BackupInfo {
        migrations: theirs.len(),
        counts: counts(pool).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        let cases = [
            ("sqlite://jixiao.db", Some("jixiao.db")),
            ("sqlite:///tmp/a.db?mode=rwc", Some("/tmp/a.db")),
            ("sqlite:b.db", Some("b.db")),
            ("sqlite::memory:", None),
            ("postgres://u@h/db", None),
        ];
        for (url, want) in cases {
            assert_eq!(sqlite_path(url), want.map(PathBuf::from), "{url}");
        }
    }
}
