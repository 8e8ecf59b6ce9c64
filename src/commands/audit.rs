//! `jixiao audit verify [--anchors FILE]` and `jixiao audit anchor FILE`: the audit log checked
//! against itself, its key and anchors kept outside the database.

use anyhow::Context;
use jixiao_store::{Anchor, Store};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::AuditCommand;

pub async fn run(db: &str, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    let store = super::open_store(db).await?;
    match cmd {
        AuditCommand::Verify { anchors } => verify(&store, anchors.as_deref()).await,
        AuditCommand::Anchor { file } => {
            match append_anchor(&store, &file).await? {
                Some(a) => outln!(
                    "已把锚点（第 {} 条记录，{}）追加到 {}",
                    a.id,
                    if a.mac.is_empty() {
                        "未签名：没有审计密钥"
                    } else {
                        "已签名"
                    },
                    file.display()
                ),
                None => outln!("审计日志是空的，没有可记的锚点"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn verify(store: &Store, anchors: Option<&Path>) -> anyhow::Result<ExitCode> {
    let check = store.verify_audit().await?;
    if let Some(id) = check.first_broken {
        eprintln!(
            "jixiao: 审计日志在第 {id} 条记录处不符：{}；已检查 {} 条",
            check.problem.as_deref().unwrap_or("哈希链断裂"),
            check.entries
        );
        return Ok(ExitCode::FAILURE);
    }
    if check.unchecked > 0 {
        eprintln!(
            "jixiao: {} 条记录有审计密钥签名，但本次没有提供密钥（JIXIAO_AUDIT_KEY_FILE 或 \
             JIXIAO_AUDIT_KEY），签名未核对",
            check.unchecked
        );
        return Ok(ExitCode::FAILURE);
    }
    let mut anchored = 0;
    if let Some(path) = anchors {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("无法读取锚点文件 {}", path.display()))?;
        let list = Anchor::parse_lines(&text)?;
        if let Some(problem) = store.check_anchors(&list).await? {
            eprintln!("jixiao: {problem}");
            return Ok(ExitCode::FAILURE);
        }
        anchored = list.len();
    }
    outln!(
        "审计日志完整：{} 条记录，哈希链无断裂；{}；{}",
        check.entries,
        if store.audit_key().is_some() {
            format!("{} 条的密钥签名与序号已核对", check.keyed)
        } else {
            "未提供审计密钥（只能发现不重算哈希的改动）".to_string()
        },
        if anchors.is_some() {
            format!("与 {anchored} 个锚点一致")
        } else {
            "未核对锚点（截短或清空的日志要靠锚点发现）".to_string()
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// Appends the chain's current anchor to `file` (one JSON line), creating the file when
/// needed. `None` when the log is empty.
pub(crate) async fn append_anchor(store: &Store, file: &Path) -> anyhow::Result<Option<Anchor>> {
    let Some(anchor) = store.audit_anchor().await? else {
        return Ok(None);
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .with_context(|| format!("无法写锚点文件 {}", file.display()))?;
    writeln!(f, "{}", anchor.to_line())
        .and_then(|()| f.sync_data())
        .with_context(|| format!("无法写锚点文件 {}", file.display()))?;
    Ok(Some(anchor))
}
