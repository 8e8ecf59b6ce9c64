//! `jixiao import FILE... [--dry-run] [--json] [--unit NAME] [--period P] [--replace]
//! [--map 表头=角色,…]`.

use anyhow::bail;
pub(crate) use jixiao_app::importing::Prepared;
use jixiao_office::{ParsedTable, Warning};
use jixiao_store::{Actor, ImportPlan, StoreError};

/// Reads one file's table into its import plan. Nothing is written.
pub(crate) fn prepare(
    file_name: &str,
    table: ParsedTable,
    unit: Option<&str>,
    period: Option<&str>,
    replace: bool,
) -> anyhow::Result<Prepared> {
    Ok(jixiao_app::importing::prepare(
        file_name, table, unit, period, replace,
    )?)
}
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::ImportArgs;

#[derive(Serialize)]
struct Stored<'a> {
    file: &'a str,
    scheme_id: i64,
    scheme_created: bool,
    unit_id: i64,
    unit: &'a str,
    period: String,
    tasks: usize,
    reports: usize,
    replaced_tasks: Option<i64>,
    warnings: &'a [Warning],
}

pub async fn run(db: &str, args: ImportArgs) -> anyhow::Result<ExitCode> {
    // Every file is read and checked before anything is written.
    let mut prepared = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let name = display_name(path);
        let map = args.map.clone().unwrap_or_default();
        let table = jixiao_office::read_path_with(path, &map).map_err(|e| {
            // The reader names the headers it found; the command line says how to name them.
            match e.kind {
                jixiao_office::ImportErrorKind::MissingColumn { .. } => anyhow::anyhow!(
                    "{e}；或用 --map 指定表头的含义，如 --map 进展情况=progress,项目=task"
                ),
                _ => anyhow::Error::new(e),
            }
        })?;
        let mut one = prepare(
            &name,
            table,
            args.unit.as_deref(),
            args.period.as_deref(),
            args.replace,
        )?;
        one.plan.for_review = args.for_review;
        prepared.push(one);
    }

    if args.dry_run {
        if args.json {
            let tables: Vec<&ParsedTable> = prepared.iter().map(|p| &p.table).collect();
            let out = if let [one] = tables.as_slice() {
                serde_json::to_string_pretty(one)?
            } else {
                serde_json::to_string_pretty(&tables)?
            };
            outln!("{out}");
        } else {
            for p in &prepared {
                print_dry_run(p)?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }

    let store = super::open_store(db).await?;
    let plans: Vec<ImportPlan> = prepared.iter().map(|p| p.plan.clone()).collect();
    let outcomes = match store
        .import_tables(&Actor::cli(), &plans, jixiao_app::importing::stored_reading)
        .await
    {
        Ok(o) => o,
        Err(e @ StoreError::WouldReplace { .. }) => {
            bail!("{e}；如要用本文件替换，请加 --replace（数据库未改动）")
        }
        Err(e) => return Err(anyhow::Error::new(e).context("导入失败，数据库未改动")),
    };
    for (p, o) in prepared.iter().zip(&outcomes) {
        if args.json {
            outln!(
                "{}",
                serde_json::to_string_pretty(&Stored {
                    file: &p.plan.source,
                    scheme_id: o.scheme_id,
                    scheme_created: o.scheme_created,
                    unit_id: o.unit_id,
                    unit: &p.plan.unit,
                    period: p.plan.period.code(),
                    tasks: o.tasks,
                    reports: o.reports,
                    replaced_tasks: o.replaced.map(|r| r.tasks),
                    warnings: &p.table.warnings,
                })?
            );
        } else {
            let created = if o.scheme_created { "新建" } else { "已有" };
            outln!(
                "已导入 {}：方案「{}」（{created}，编号 {}），单位「{}」，{} 项任务，{} 条进度（{}）",
                p.plan.source,
                p.plan.title,
                o.scheme_id,
                p.plan.unit,
                o.tasks,
                o.reports,
                p.plan.period.label_zh()
            );
            if let Some(r) = o.replaced {
                outln!("  替换了原有的 {} 项任务", r.tasks);
            }
            for w in &p.table.warnings {
                outln!("  注意：{w}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_dry_run(p: &Prepared) -> std::io::Result<()> {
    let plan = &p.plan;
    outln!("{}（试导入，未写入数据库）", plan.source);
    outln!("  方案：{}（{} 年）", plan.title, plan.year);
    outln!("  主管部门：{}", plan.department);
    outln!("  被考核单位：{}", plan.unit);
    outln!("  填报周期：{}", plan.period.label_zh());
    for root in &plan.tree.roots {
        let points = root.points.map(|p| format!("，{p} 分")).unwrap_or_default();
        outln!(
            "  一级指标「{}」{points}：{} 项任务，分值合计 {}",
            root.name,
            root.task_count(),
            root.weight_sum()
        );
    }
    let reported = p
        .table
        .rows
        .iter()
        .filter(|r| !r.progress.is_empty())
        .count();
    outln!(
        "  共 {} 项任务，{} 条进度情况，{} 条提示",
        plan.tree.task_count(),
        reported,
        p.table.warnings.len()
    );
    for w in &p.table.warnings {
        outln!("  注意：{w}");
    }
    Ok(())
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
