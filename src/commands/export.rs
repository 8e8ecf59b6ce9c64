//! `jixiao export --format F [--scheme ID] [--unit ID] [--period P] [--columns …] -o FILE`.

use anyhow::{Context, bail};
use jixiao_app::export::{Format, render, scored_document};
use jixiao_office::export::ExtraColumns;
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
    if args.all {
        return batch(&store, scheme.id, &units, format, columns, &args).await;
    }
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
    let (table, doc) =
        scored_document(&store, table, jixiao_domain::Basis::Official, columns).await?;
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

/// A file name from a unit name: path separators and characters Windows refuses become `_`.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "单位".to_string()
    } else {
        cleaned
    }
}

/// Every unit of the scheme into a folder or a .zip; one failing unit does not stop the others.
async fn batch(
    store: &jixiao_store::Store,
    scheme_id: i64,
    units: &[jixiao_store::UnitInScheme],
    format: Format,
    columns: ExtraColumns,
    args: &ExportArgs,
) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    if units.is_empty() {
        bail!("方案 {scheme_id} 中还没有被考核单位");
    }
    let to_zip = args
        .output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    let mut zip = if to_zip {
        let file = std::fs::File::create(&args.output)
            .with_context(|| format!("无法创建 {}", args.output.display()))?;
        Some(zip::ZipWriter::new(file))
    } else {
        std::fs::create_dir_all(&args.output)
            .with_context(|| format!("无法创建文件夹 {}", args.output.display()))?;
        None
    };
    let bar = indicatif::ProgressBar::new(units.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut done = 0usize;
    let mut failed: Vec<String> = Vec::new();
    for u in units {
        bar.set_message(u.name.clone());
        let result: anyhow::Result<(String, Vec<u8>)> = async {
            let table = store
                .unit_table(scheme_id, u.unit_id, args.period.as_deref())
                .await?
                .with_context(|| {
                    format!(
                        "没有填报周期「{}」",
                        args.period.clone().unwrap_or_default()
                    )
                })?;
            let (table, doc) =
                scored_document(store, table, jixiao_domain::Basis::Official, columns).await?;
            let bytes = render(&doc, format)?;
            let period = table
                .period
                .as_ref()
                .map(|p| p.code.clone())
                .unwrap_or_default();
            Ok((
                format!("{}-{period}.{}", safe_name(&u.name), format.extension()),
                bytes,
            ))
        }
        .await;
        match result {
            Ok((name, bytes)) => {
                let written = match zip.as_mut() {
                    Some(z) => z
                        .start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                        .map_err(anyhow::Error::from)
                        .and_then(|()| z.write_all(&bytes).map_err(anyhow::Error::from)),
                    None => {
                        std::fs::write(args.output.join(&name), &bytes).map_err(anyhow::Error::from)
                    }
                };
                match written {
                    Ok(()) => done += 1,
                    Err(e) => failed.push(format!("{}：{e:#}", u.name)),
                }
            }
            Err(e) => failed.push(format!("{}：{e:#}", u.name)),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if let Some(z) = zip {
        z.finish().context("无法写完 .zip 文件")?;
    }
    outln!(
        "已导出 {done} 个单位到 {}；失败 {} 个",
        args.output.display(),
        failed.len()
    );
    for f in &failed {
        eprintln!("jixiao: 导出失败：{f}");
    }
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
