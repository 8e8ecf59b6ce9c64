//! `jixiao audit verify`: checks the hash chain of the audit log.

use std::process::ExitCode;

use crate::cli::AuditCommand;

pub async fn run(db: &str, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCommand::Verify => {
            let store = super::open_store(db).await?;
            let check = store.verify_audit().await?;
            match check.first_broken {
                None => {
                    outln!("审计日志完整：{} 条记录，哈希链无断裂", check.entries);
                    Ok(ExitCode::SUCCESS)
                }
                Some(id) => {
                    eprintln!(
                        "jixiao: 审计日志在第 {id} 条记录处断裂（该记录或其前一条被改动、删除或插入）；已检查 {} 条",
                        check.entries
                    );
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
