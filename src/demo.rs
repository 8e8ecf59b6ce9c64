//! Demo data: the seed table the project began from (the 2022 progress table of a centre
//! under the Zaozhuang Women's Federation), compiled into the binary from the repository's `fixtures/`
//! so that `serve --demo` works on a fresh machine without any file beside the binary.

use anyhow::Context;
use jixiao_domain::Role;
use jixiao_store::{Actor, NewUser, Store};

/// The seed table as exported to text from Word.
pub const SEED_TXT: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seed.txt"));

/// One demo account, with the password printed once at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// Login name.
    pub username: &'static str,
    /// Role.
    pub role: Role,
    /// The generated password.
    pub password: String,
}

/// Creates one account per role when the database has none: the admin, a reviewer and a viewer
/// at the municipal government, a reporter at the seed's unit, and the three administrators who
/// run the system (系统管理员, 安全管理员, 审计管理员).
pub async fn accounts(store: &Store) -> anyhow::Result<Vec<DemoAccount>> {
    if !store.users().await?.is_empty() {
        return Ok(Vec::new());
    }
    let by = Actor::cli();
    let root = store.ensure_unit(&by, "枣庄市人民政府", None).await?;
    let women = store.ensure_unit(&by, "枣庄市妇联", Some(root)).await?;
    let plan = [
        ("admin", "考核办管理员", Role::Admin, root),
        ("reviewer", "主管部门审核员", Role::Reviewer, root),
        ("reporter", "妇联填报员", Role::Reporter, women),
        ("viewer", "市领导", Role::Viewer, root),
        // 三员分立: the system is run by three administrators apart from the appraisal.
        ("sysadmin", "系统管理员", Role::SystemAdmin, root),
        ("secadmin", "安全管理员", Role::SecurityAdmin, root),
        ("auditor", "审计管理员", Role::Auditor, root),
    ];
    let mut out = Vec::new();
    for (username, name, role, unit_id) in plan {
        let password = jixiao_app::secrets::new_password().map_err(|e| anyhow::anyhow!("{e}"))?;
        let hash = jixiao_app::secrets::hash_password(password.clone())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        store
            .create_user(
                &by,
                &NewUser {
                    username: username.to_string(),
                    display_name: name.to_string(),
                    password_hash: hash,
                    role,
                    unit_id,
                    must_change_password: false,
                },
            )
            .await?;
        out.push(DemoAccount {
            username,
            role,
            password,
        });
    }
    Ok(out)
}

/// What loading the demo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoLoad {
    /// The seed was imported.
    Loaded {
        /// Tasks imported.
        tasks: usize,
    },
    /// The database already had schemes; nothing was changed.
    AlreadyHasData,
}

/// Imports the seed into an empty database.
pub async fn load(store: &Store) -> anyhow::Result<DemoLoad> {
    if !store.list_schemes().await?.is_empty() {
        return Ok(DemoLoad::AlreadyHasData);
    }
    let table = jixiao_office::read_bytes("seed.txt", SEED_TXT).context("演示数据无法解析")?;
    let prepared = crate::commands::prepare_import("seed.txt", table, None, None, false)?;
    let outcome = store
        .import_table(
            &Actor::cli(),
            &prepared.plan,
            jixiao_app::importing::stored_reading,
        )
        .await
        .context("演示数据无法写入")?;
    Ok(DemoLoad::Loaded {
        tasks: outcome.tasks,
    })
}
