//! `jixiao export --format F [--scheme ID] [--unit ID] [--period P] [--columns …] -o FILE`.

use anyhow::{Context, bail};
use jixiao_office::export::ExtraColumns;
use jixiao_web::export::{Format, export_table, render};
use std::process::ExitCode;

use crate::cli::ExportArgs;

pub async fn run(db: &str, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let Some(format) = Format::parse(&args.format) else {
        bail!(
            "不支持的格式「{}」：可用 docx、xlsx、pdf、html、csv、txt",
            args.format
        );
    };
    let mut columns = ExtraColumns::default();
    for c in &args.columns {
        match c.trim() {
            "completion" | "完成率" => columns.completion = true,
            "status" | "状态" => columns.status = true,
            "score" | "得分" => columns.score = true,
            "" => {}
            other => bail!("未知的附加列「{other}」：可用 completion、status、score"),
        }
    }
    let store = super::open_store(db).await?;
    let schemes = store.list_schemes().await?;
    let scheme = match args.scheme {
        Some(id) => schemes.iter().find(|s| s.id == id).with_context(|| {
            format!("没有编号为 {id} 的考核方案（jixiao 网页首页列出全部方案）")
        })?,
        None => schemes
            .iter()
            .min_by_key(|s| s.id)
            .context("数据库中还没有考核方案：先用 jixiao import 导入一张进度表")?,
    };
    let units = store.scheme_units(scheme.id).await?;
    let unit = match args.unit {
        Some(id) => units
            .iter()
            .find(|u| u.unit_id == id)
            .with_context(|| format!("方案 {} 中没有编号为 {id} 的被考核单位", scheme.id))?,
        None => units
            .first()
            .with_context(|| format!("方案 {} 中还没有被考核单位", scheme.id))?,
    };
    let Some(table) = store
        .unit_table(scheme.id, unit.unit_id, args.period.as_deref())
        .await?
    else {
        bail!(
            "方案 {} 中没有填报周期「{}」",
            scheme.id,
            args.period.unwrap_or_default()
        );
    };
    let doc = export_table(&table, columns);
    let bytes =
        render(&doc, format).with_context(|| format!("无法生成 .{}", format.extension()))?;
    std::fs::write(&args.output, &bytes)
        .with_context(|| format!("无法写入 {}", args.output.display()))?;
    outln!(
        "已导出「{}」{} 项任务到 {}（{} 字节）",
        table.unit.name,
        table.tasks.len(),
        args.output.display(),
        bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}
