//! One module per subcommand. Each returns the exit code or an error for `run` to print.

mod audit;
mod backup;
mod demo;
mod export;
mod import;
mod read;
mod score;
mod serve;
mod user;

pub(crate) use import::prepare as prepare_import;

use anyhow::Context;
use jixiao_store::Store;
use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs the parsed command.
pub async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve::run(&cli.db, args).await,
        Command::Import(args) => import::run(&cli.db, args).await,
        Command::Export(args) => export::run(&cli.db, args).await,
        Command::Extract(args) => read::extract(args),
        Command::Assess(args) => read::assess(args),
        Command::Score(args) => score::score(&cli.db, args).await,
        Command::Rank(args) => score::rank(&cli.db, args).await,
        Command::User(cmd) => user::run(&cli.db, cmd).await,
        Command::Audit(cmd) => audit::run(&cli.db, cmd).await,
        Command::Demo(args) => demo::run(&cli.db, args).await,
        Command::Backup(args) => backup::backup(&cli.db, args).await,
        Command::Restore(args) => backup::restore(&cli.db, args).await,
    }
}

/// Opens the database named by `--db`, with a hint when that fails.
pub(crate) async fn open_store(url: &str) -> anyhow::Result<Store> {
    let key = audit_key()?;
    let store = Store::connect(url).await.with_context(|| {
        format!(
            "无法打开数据库 {}（检查 --db 或 JIXIAO_DATABASE_URL）",
            redact(url)
        )
    })?;
    Ok(match key {
        Some(k) => store.with_audit_key(k),
        None => store,
    })
}

/// The installation's audit key, kept outside the database: the file named by
/// `JIXIAO_AUDIT_KEY_FILE` (readable by the service account only), else the value of
/// `JIXIAO_AUDIT_KEY`; none when neither is set. Every `jixiao` process of an installation
/// (each `serve`, the commands that write) must be given the same key.
fn audit_key() -> anyhow::Result<Option<jixiao_store::AuditKey>> {
    let secret = match (
        std::env::var_os("JIXIAO_AUDIT_KEY_FILE"),
        std::env::var("JIXIAO_AUDIT_KEY"),
    ) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "无法读取审计密钥文件 {}（JIXIAO_AUDIT_KEY_FILE）",
                    std::path::Path::new(&path).display()
                )
            })?;
            text.trim().to_string()
        }
        (None, Ok(value)) => value.trim().to_string(),
        (None, Err(_)) => return Ok(None),
    };
    Ok(Some(jixiao_store::AuditKey::new(secret.as_bytes())?))
}

/// The URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden_in_database_urls() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://jixiao.db"), "sqlite://jixiao.db");
    }
}
