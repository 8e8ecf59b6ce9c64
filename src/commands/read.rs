//! `jixiao extract` and `jixiao assess`: the prose reader on the command line.
//!
//! `assess --json` is a stable contract (product.md): at least `{"quantities": [{"what", "unit",
//! "target", "actual", "approx", "constraint", "ratio"}], "completion", "status", "qualitative"}`,
//! with `null` where a value is unknown. It also carries `status_code`, `wording`, `rule` and
//! spans per quantity, and the `explanation` lines.

use anyhow::{Context, bail};
use jixiao_domain::reading::assess as assess_text;
use jixiao_domain::status::{DEFAULT_TOLERANCE, TimeProgress};
use jixiao_prose::{Quantity, Reading};
use serde::Serialize;
use std::io::BufRead;
use std::ops::Range;
use std::process::ExitCode;

use crate::cli::{AssessArgs, ExtractArgs};

#[derive(Serialize)]
struct ExtractedJson<'a> {
    text: &'a str,
    value: f64,
    unit: &'a str,
    what: &'a str,
    approx: Option<&'static str>,
    constraint: Option<jixiao_prose::Constraint>,
    kind: jixiao_prose::QuantityKind,
    span: [usize; 2],
}

fn extracted(text: &str) -> Vec<Quantity> {
    jixiao_prose::extract(text)
}

fn to_json<'a>(text: &'a str, qs: &'a [Quantity]) -> Vec<ExtractedJson<'a>> {
    qs.iter()
        .map(|q| ExtractedJson {
            text: text.get(q.span.clone()).unwrap_or(""),
            value: q.value,
            unit: &q.unit,
            what: &q.what,
            approx: q.approx.map(|a| a.as_zh()),
            constraint: q.constraint,
            kind: q.kind,
            span: [q.span.start, q.span.end],
        })
        .collect()
}

fn print_human(text: &str, qs: &[Quantity]) -> std::io::Result<()> {
    if qs.is_empty() {
        outln!("（没有读出数量）");
    }
    for q in qs {
        let approx = q
            .approx
            .map(|a| format!("，{}", a.as_zh()))
            .unwrap_or_default();
        let constraint = match q.constraint {
            Some(jixiao_prose::Constraint::AtLeast) => "，至少",
            Some(jixiao_prose::Constraint::AtMost) => "，至多",
            None => "",
        };
        outln!(
            "{}\t{} {}\t{}{approx}{constraint}\t「{}」",
            text.get(q.span.clone()).unwrap_or(""),
            trim_float(q.value),
            q.unit,
            q.what,
            text.get(q.span.clone()).unwrap_or("")
        );
    }
    Ok(())
}

/// `jixiao extract [--json] [TEXT]`.
pub fn extract(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    if let Some(text) = &args.text {
        let qs = extracted(text);
        if args.json {
            outln!("{}", serde_json::to_string_pretty(&to_json(text, &qs))?);
        } else {
            print_human(text, &qs)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let stdin = std::io::stdin();
    for (i, line) in stdin.lock().lines().enumerate() {
        let line = line.with_context(|| format!("标准输入第{}行不是有效的 UTF-8 文本", i + 1))?;
        let qs = extracted(&line);
        if args.json {
            outln!("{}", serde_json::to_string(&to_json(&line, &qs))?);
        } else {
            print_human(&line, &qs)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct PairJson<'a> {
    what: &'a str,
    unit: &'a str,
    target: Option<f64>,
    actual: Option<f64>,
    approx: Option<&'static str>,
    constraint: Option<jixiao_prose::Constraint>,
    ratio: Option<f64>,
    rule: &'a str,
    target_span: Option<Range<usize>>,
    actual_span: Option<Range<usize>>,
}

#[derive(Serialize)]
struct AssessJson<'a> {
    quantities: Vec<PairJson<'a>>,
    completion: Option<f64>,
    status: &'static str,
    status_code: &'static str,
    qualitative: bool,
    wording: jixiao_prose::Wording,
    time_progress: f64,
    explanation: &'a [String],
}

fn assess_json(r: &Reading, status: jixiao_domain::Status, f: f64) -> AssessJson<'_> {
    AssessJson {
        quantities: r
            .pairs
            .iter()
            .map(|p| PairJson {
                what: &p.what,
                unit: &p.unit,
                target: p.target,
                actual: p.actual,
                approx: p.approx.map(|a| a.as_zh()),
                constraint: p.constraint,
                ratio: p.ratio,
                rule: &p.rule,
                target_span: p.target_span.clone(),
                actual_span: p.actual_span.clone(),
            })
            .collect(),
        completion: r.completion,
        status: status.label_zh(),
        status_code: status.code(),
        qualitative: r.qualitative,
        wording: r.wording,
        time_progress: f,
        explanation: &r.explanation,
    }
}

/// `jixiao assess --target T --progress P [--time-progress F] [--json]`.
pub fn assess(args: AssessArgs) -> anyhow::Result<ExitCode> {
    let Some(f) = TimeProgress::new(args.time_progress) else {
        bail!(
            "--time-progress {} 不在 0 到 1 之间（如第三季度末写 0.75）",
            args.time_progress
        );
    };
    let a = assess_text(&args.target, &args.progress, f, DEFAULT_TOLERANCE);
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&assess_json(&a.reading, a.status, f.get()))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    for p in &a.reading.pairs {
        let show = |v: Option<f64>| v.map(trim_float).unwrap_or_else(|| "—".into());
        let ratio = p
            .ratio
            .map(|r| format!("{:.1}%", r * 100.0))
            .unwrap_or_else(|| "—".into());
        outln!(
            "{}\t目标 {} {}\t实际 {}\t完成率 {ratio}",
            p.what,
            show(p.target),
            p.unit,
            show(p.actual)
        );
    }
    let completion = a
        .reading
        .completion
        .map(|c| format!("{:.1}%", c * 100.0))
        .unwrap_or_else(|| "无法由数字确定".into());
    outln!("完成率：{completion}");
    outln!(
        "状态：{}（时间进度 {:.0}%）",
        a.status.label_zh(),
        f.get() * 100.0
    );
    for line in &a.reading.explanation {
        outln!("  {line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `2000`, `38.69`, `0.1933`: no trailing zeros.
fn trim_float(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
