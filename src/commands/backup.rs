//! `jixiao backup FILE` and `jixiao restore FILE [--force]`.
//!
//! SQLite: the backup is taken online (`VACUUM INTO`, one consistent snapshot while the server
//! keeps serving); the restore checks the file is a jixiao database with this binary's
//! migrations, refuses to overwrite a database with data unless `--force`, and replaces the
//! file atomically (copy beside it, sync, rename). PostgreSQL has its own tools; both commands
//! say which.

use anyhow::Context;
use jixiao_store::{Backend, check_sqlite_backup, sqlite_path};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::{BackupArgs, RestoreArgs};

const PG_BACKUP: &str = "PostgreSQL 数据库请用 PostgreSQL 自带的工具备份：\
    pg_dump --format=custom --dbname=URL --file=FILE；恢复：pg_restore --clean --if-exists --dbname=URL FILE（见 README「备份与恢复」）";

pub async fn backup(db: &str, args: BackupArgs) -> anyhow::Result<ExitCode> {
    if is_postgres(db) {
        anyhow::bail!("{PG_BACKUP}");
    }
    if args.file.exists() {
        anyhow::bail!(
            "备份文件 {} 已存在：换一个文件名，或先删除它",
            args.file.display()
        );
    }
    let store = super::open_store(db).await?;
    if store.backend() != Backend::Sqlite {
        anyhow::bail!("{PG_BACKUP}");
    }
    let started = Instant::now();
    store
        .backup_sqlite_to(&args.file)
        .await
        .with_context(|| format!("无法写入备份 {}", args.file.display()))?;
    let counts = store.table_counts().await?;
    store.close().await;
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    outln!(
        "已备份到 {}（{:.1} MB，用时 {:.1} 秒；单位 {} 个，任务 {} 项，进度报告 {} 份，审计记录 {} 条）",
        args.file.display(),
        size as f64 / 1_048_576.0,
        started.elapsed().as_secs_f64(),
        counts.units,
        counts.tasks,
        counts.reports,
        counts.audit
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(db: &str, args: RestoreArgs) -> anyhow::Result<ExitCode> {
    if is_postgres(db) {
        anyhow::bail!("{PG_BACKUP}");
    }
    let target = sqlite_path(db).with_context(|| {
        format!(
            "恢复的目标须是 SQLite 文件（--db sqlite://路径），收到 {}",
            super::redact(db)
        )
    })?;
    let info = check_sqlite_backup(&args.file).await?;
    if target.exists() && std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0) > 0 {
        let store = super::open_store(db).await?;
        let counts = store.table_counts().await?;
        store.close().await;
        if !counts.is_empty() && !args.force {
            anyhow::bail!(
                "目标数据库 {} 已有数据（单位 {} 个，任务 {} 项，账户 {} 个）：恢复会覆盖它。\
                 先停止使用它的 jixiao serve，确认后加 --force",
                target.display(),
                counts.units,
                counts.tasks,
                counts.users
            );
        }
    }
    replace_file(&args.file, &target)
        .with_context(|| format!("无法把备份写到 {}", target.display()))?;

    let store = super::open_store(db)
        .await
        .with_context(|| format!("恢复后无法打开 {}", target.display()))?;
    let chain = store.verify_audit().await?;
    store.close().await;
    if let Some(id) = chain.first_broken {
        anyhow::bail!(
            "已恢复到 {}，但审计日志在第 {id} 条记录处断裂：备份可能被改动过",
            target.display()
        );
    }
    let c = info.counts;
    outln!(
        "已从 {} 恢复到 {}：单位 {} 个，任务 {} 项，进度报告 {} 份，账户 {} 个；审计日志 {} 条，哈希链完整",
        args.file.display(),
        target.display(),
        c.units,
        c.tasks,
        c.reports,
        c.users,
        chain.entries
    );
    Ok(ExitCode::SUCCESS)
}

fn is_postgres(db: &str) -> bool {
    let db = db.trim();
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// Copies `from` beside `to`, syncs it, removes `to`'s WAL companions and renames the copy
/// over `to`: a crash leaves either the old database or the new one.
fn replace_file(from: &Path, to: &Path) -> std::io::Result<()> {
    let dir = to
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir)?;
    let tmp = dir.join(format!(
        ".{}.restoring",
        to.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    std::fs::copy(from, &tmp)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let mut companion = to.as_os_str().to_owned();
        companion.push(suffix);
        match std::fs::remove_file(PathBuf::from(companion)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    std::fs::rename(&tmp, to)?;
    std::fs::File::open(&dir)?.sync_all()?;
    Ok(())
}
