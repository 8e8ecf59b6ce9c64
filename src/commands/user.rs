//! `jixiao user add|list`: accounts from the command line (the first admin comes from here).

use anyhow::{Context, bail};
use jixiao_domain::Role;
use jixiao_domain::access::{AccountError, Password, Username};
use jixiao_store::{Actor, NewUser, StoreError};
use std::process::ExitCode;

use crate::cli::{UserAddArgs, UserCommand, UserTokenArgs};

pub async fn run(db: &str, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Add(args) => add(db, args).await,
        UserCommand::List => list(db).await,
        UserCommand::Token(args) => token(db, args).await,
    }
}

async fn token(db: &str, args: UserTokenArgs) -> anyhow::Result<ExitCode> {
    let Some(scope) = jixiao_app::secrets::Scope::parse(&args.scope) else {
        bail!("权限「{}」无效：请用 read 或 write", args.scope);
    };
    let name = args.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        bail!("请用 --name 写明令牌的用途（不超过 100 字），如 --name 统计平台");
    }
    let store = super::open_store(db).await?;
    let Some((user, _)) = store.user_for_login(&args.username).await? else {
        bail!(
            "没有账户「{}」（jixiao user list 列出全部账户）",
            args.username
        );
    };
    if user.active != 1 {
        bail!("账户「{}」已停用", args.username);
    }
    let secret = jixiao_app::secrets::new_token().map_err(|e| anyhow::anyhow!("{e}"))?;
    let token = format!("{}{secret}", jixiao_app::secrets::TOKEN_PREFIX);
    store
        .create_token(
            &Actor::cli(),
            user.id,
            name,
            scope.code(),
            &jixiao_app::secrets::token_hash(&token),
        )
        .await?;
    // The token alone on stdout, so scripts can capture it; the note goes to stderr.
    outln!("{token}");
    eprintln!(
        "已为 {} 创建{}令牌「{name}」；只显示这一次。",
        user.username,
        if scope == jixiao_app::secrets::Scope::Write {
            "读写"
        } else {
            "只读"
        }
    );
    Ok(ExitCode::SUCCESS)
}

async fn add(db: &str, args: UserAddArgs) -> anyhow::Result<ExitCode> {
    let username = Username::try_from(args.username.as_str())
        .with_context(|| format!("用户名「{}」无效", args.username))?;
    let Some(role) = Role::parse(&args.role) else {
        bail!(AccountError::UnknownRole(args.role.clone()));
    };
    let (password, generated) = match std::env::var("JIXIAO_PASSWORD") {
        Ok(p) if !p.is_empty() => (
            Password::for_user(p, username.as_str()).context("JIXIAO_PASSWORD")?,
            false,
        ),
        _ => {
            let p = jixiao_app::secrets::new_password().map_err(|e| anyhow::anyhow!("{e}"))?;
            (Password::try_from(p)?, true)
        }
    };
    let store = super::open_store(db).await?;
    let unit = store
        .ensure_unit(&Actor::cli(), args.unit.trim(), None)
        .await?;
    let hash = jixiao_app::secrets::hash_password(password.expose().to_string())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let new = NewUser {
        username: username.to_string(),
        display_name: args.name.unwrap_or_else(|| username.to_string()),
        password_hash: hash,
        role,
        unit_id: unit,
        // A password shown once on this terminal is the operator's, not the user's.
        must_change_password: generated,
    };
    match store.create_user(&Actor::cli(), &new).await {
        Ok(id) => {
            outln!(
                "已创建账户 {}（编号 {id}，角色 {role}，单位「{}」）",
                new.username,
                args.unit.trim()
            );
            if generated {
                outln!("初始密码（只显示这一次）：{}", password.expose());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Duplicate(name)) => bail!("用户名「{name}」已被使用，请换一个"),
        Err(e) => Err(e.into()),
    }
}

async fn list(db: &str) -> anyhow::Result<ExitCode> {
    let store = super::open_store(db).await?;
    for u in store.users().await? {
        let unit = store
            .unit(u.unit_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let state = if u.active == 1 { "" } else { "（已停用）" };
        outln!(
            "{}\t{}\t{}\t{unit}{state}",
            u.username,
            u.role,
            u.display_name
        );
    }
    Ok(ExitCode::SUCCESS)
}
