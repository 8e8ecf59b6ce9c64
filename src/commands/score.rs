//! `jixiao score` and `jixiao rank`: the scheme's figures on the command line.
//!
//! `score --json` prints `[{"scheme_id", "unit_id", "period", "result": {…UnitResult}}]` (the
//! whole drill-down: indicators with `children` and `tasks`, each task an object `{"name",
//! "self_score", "reviewer_score", "final_score", "explanation"}`);
//! `rank --json` prints `[{"rank", "type_rank", "unit_id", "unit", "unit_type", "total",
//! "mean_completion", "vetoed"}]`.

use anyhow::{Context, bail};
use jixiao_app::scores::{SchemeScoring, flatten, ranking};
use jixiao_domain::scoring::Score;
use serde::Serialize;
use std::process::ExitCode;

use crate::cli::{RankArgs, ScoreArgs};

async fn scheme_id(store: &jixiao_store::Store, asked: Option<i64>) -> anyhow::Result<i64> {
    let schemes = store.list_schemes().await?;
    match asked {
        Some(id) => schemes
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.id)
            .with_context(|| format!("没有编号为 {id} 的考核方案")),
        None => schemes
            .iter()
            .map(|s| s.id)
            .min()
            .context("数据库中还没有考核方案：先用 jixiao import 导入一张进度表"),
    }
}

#[derive(Serialize)]
struct UnitScoreJson<'a> {
    scheme_id: i64,
    unit_id: i64,
    period: Option<&'a str>,
    result: &'a jixiao_domain::scoring::UnitResult,
}

fn points(s: &Score) -> String {
    match s.points() {
        Some(p) => jixiao_domain::points::score_text(p.get()),
        None => "待评".to_string(),
    }
}

pub async fn score(db: &str, args: ScoreArgs) -> anyhow::Result<ExitCode> {
    let store = super::open_store(db).await?;
    let scheme = scheme_id(&store, args.scheme).await?;
    let units: Vec<i64> = match args.unit {
        Some(u) => vec![u],
        None => store
            .scheme_units(scheme)
            .await?
            .into_iter()
            .map(|u| u.unit_id)
            .collect(),
    };
    let scoring = SchemeScoring::load(&store, scheme)
        .await?
        .with_basis(args.basis.into());
    let mut out = Vec::new();
    for unit in units {
        let Some(table) = store
            .unit_table(scheme, unit, args.period.as_deref())
            .await?
        else {
            bail!(
                "方案 {scheme} 中没有被考核单位 {unit} 或填报周期「{}」",
                args.period.clone().unwrap_or_default()
            );
        };
        let result = scoring.unit_result(&table)?;
        out.push((table, result, unit));
    }
    if args.json {
        let json: Vec<UnitScoreJson> = out
            .iter()
            .map(|(table, result, unit)| UnitScoreJson {
                scheme_id: scheme,
                unit_id: *unit,
                period: table.period.as_ref().map(|p| p.code.as_str()),
                result,
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(ExitCode::SUCCESS);
    }
    for (table, result, _) in &out {
        outln!(
            "{}（{}）：总分 {}",
            result.unit,
            table.period.as_ref().map(|p| p.code.as_str()).unwrap_or(""),
            jixiao_domain::points::score_text(result.total)
        );
        for (depth, ind) in flatten(&result.indicators) {
            let cap = if ind.capped { "（封顶）" } else { "" };
            let pending = if ind.pending > 0 {
                format!("，{} 项待评", ind.pending)
            } else {
                String::new()
            };
            outln!(
                "{}{}  {}{cap}{pending}",
                "  ".repeat(depth + 1),
                ind.name,
                jixiao_domain::points::score_text(ind.score.get())
            );
            for (name, task) in &ind.tasks {
                outln!(
                    "{}- {name}：{}",
                    "  ".repeat(depth + 2),
                    points(&task.final_score)
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct RankJson<'a> {
    rank: usize,
    type_rank: usize,
    unit_id: i64,
    unit: &'a str,
    unit_type: &'a str,
    total: f64,
    mean_completion: Option<f64>,
    vetoed: bool,
}

pub async fn rank(db: &str, args: RankArgs) -> anyhow::Result<ExitCode> {
    let store = super::open_store(db).await?;
    let scheme = scheme_id(&store, args.scheme).await?;
    if let (Some(format), Some(output)) = (&args.format, &args.output) {
        let Some(fmt) = jixiao_app::export::Format::parse(format) else {
            bail!("不支持的格式「{format}」：排名表可导出 docx、xlsx、pdf、csv、html");
        };
        let table = jixiao_app::scores::ranking_table(
            &store,
            scheme,
            args.period.as_deref(),
            None,
            args.basis.into(),
        )
        .await?;
        let Some(bytes) = jixiao_app::export::render_ranking(&table, fmt)? else {
            bail!("排名表不支持「{format}」格式：可导出 docx、xlsx、pdf、csv、html");
        };
        std::fs::write(output, &bytes).with_context(|| format!("无法写入 {}", output.display()))?;
        outln!(
            "已导出排名表（{} 个单位）到 {}",
            table.rows.len(),
            output.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let ranked = ranking(
        &store,
        scheme,
        args.period.as_deref(),
        None,
        args.basis.into(),
    )
    .await?;
    if args.json {
        let json: Vec<RankJson> = ranked
            .iter()
            .map(|(r, _, id)| RankJson {
                rank: r.rank,
                type_rank: r.type_rank,
                unit_id: *id,
                unit: r.entry.unit.as_str(),
                unit_type: r.entry.unit_type.as_str(),
                total: (r.entry.total * 100.0).round() / 100.0,
                mean_completion: r.entry.mean_completion,
                vetoed: r.entry.vetoed,
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!("名次\t类内\t单位\t类型\t总分\t平均完成率");
    for (r, _, _) in &ranked {
        let mean = r
            .entry
            .mean_completion
            .map(|m| format!("{:.1}%", m * 100.0))
            .unwrap_or_else(|| "—".into());
        outln!(
            "{}\t{}\t{}\t{}\t{}\t{mean}",
            r.rank,
            r.type_rank,
            r.entry.unit,
            r.entry.unit_type,
            jixiao_domain::points::score_text(r.entry.total)
        );
    }
    Ok(ExitCode::SUCCESS)
}
