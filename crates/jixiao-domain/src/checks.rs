//! Checks on a saved report that a person should look at (校验规则), in the spirit of DHIS2's
//! validation rules: nothing is refused, but the reporter sees each finding at once and
//! explains it before submitting, and the reviewer sees it beside the report.
//!
//! - **回落** a cumulative figure lower than the earlier period's (Q3 420人, then Q4 310人);
//! - **超出上限** a completion above the scheme's bound (300 % by default): a typo or a wrong
//!   unit more often than a real achievement;
//! - **无数据** a progress text with no figure at all for a target that has one.

use jixiao_prose::Reading;
use serde::Serialize;

/// The bound a scheme starts with: completions above 300 % are questioned.
pub const DEFAULT_COMPLETION_BOUND: f64 = 3.0;

/// Something a saved report says that a person should look at.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Finding {
    /// A figure lower than the same figure of the earlier period.
    FellBack {
        /// What is counted.
        what: String,
        /// Its unit.
        unit: String,
        /// The earlier period's code.
        period: String,
        /// The earlier figure.
        before: f64,
        /// This one.
        now: f64,
    },
    /// The completion is above the scheme's bound.
    AboveBound {
        /// The completion read.
        completion: f64,
        /// The bound.
        bound: f64,
    },
    /// The target has a figure; the progress gives none.
    NoFigure,
}

impl Finding {
    /// The stored code.
    pub fn code(&self) -> &'static str {
        match self {
            Finding::FellBack { .. } => "fell_back",
            Finding::AboveBound { .. } => "above_bound",
            Finding::NoFigure => "no_figure",
        }
    }

    /// Every code, in the order findings are listed.
    pub const CODES: [&'static str; 3] = ["fell_back", "above_bound", "no_figure"];
}

/// What is known of a report when checking it.
#[derive(Debug, Clone, Copy)]
pub struct Checked<'a> {
    /// Its progress text.
    pub progress: &'a str,
    /// Its reading.
    pub reading: &'a Reading,
}

/// The findings on a report, given the task's report of the period before (its code and
/// reading), if any, and the scheme's completion bound.
pub fn findings(
    now: Checked<'_>,
    earlier: Option<(&str, Checked<'_>)>,
    bound: f64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if now.progress.trim().is_empty() {
        return out;
    }
    if let Some((period, before)) = earlier {
        // Only what accumulates falls back: a rate may fall, and for a ceiling (控制在…以内,
        // 负向指标) falling is the aim.
        let cumulative = |p: &jixiao_prose::Pair| {
            !p.unit.contains('%') && p.constraint != Some(jixiao_prose::Constraint::AtMost)
        };
        for p in now.reading.pairs.iter().filter(|p| cumulative(p)) {
            let Some(now_value) = p.actual else { continue };
            let same = before
                .reading
                .pairs
                .iter()
                .find(|q| q.what == p.what && q.unit == p.unit)
                .and_then(|q| q.actual);
            // A cumulative figure may stay; falling by more than rounding is a finding.
            if let Some(before_value) = same
                && now_value < before_value * (1.0 - 1e-9)
            {
                out.push(Finding::FellBack {
                    what: p.what.clone(),
                    unit: p.unit.clone(),
                    period: period.to_string(),
                    before: before_value,
                    now: now_value,
                });
            }
        }
    }
    // Far above a target is more often a typo or a wrong unit; under a ceiling (target ÷
    // actual) a high ratio only says the figure stayed well inside it.
    let highest = now
        .reading
        .pairs
        .iter()
        .filter(|p| p.constraint != Some(jixiao_prose::Constraint::AtMost))
        .filter_map(|p| p.ratio)
        .fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
    if let Some(c) = highest
        && c > bound
    {
        out.push(Finding::AboveBound {
            completion: c,
            bound,
        });
    }
    let has_target = now.reading.pairs.iter().any(|p| p.target.is_some());
    let has_figure = now
        .reading
        .pairs
        .iter()
        .any(|p| p.actual.is_some() || (p.ratio.is_some() && p.rule != "wording"));
    if !now.reading.qualitative && has_target && !has_figure {
        out.push(Finding::NoFigure);
    }
    out
}

/// The stored form: codes joined by commas, empty for none.
pub fn codes(findings: &[Finding]) -> String {
    let mut codes: Vec<&str> = findings.iter().map(Finding::code).collect();
    codes.dedup();
    codes.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(target: &str, progress: &str) -> Reading {
        jixiao_prose::assess(target, progress)
    }

    fn codes_of(target: &str, progress: &str, earlier: Option<&str>) -> String {
        let now = read(target, progress);
        let before = earlier.map(|e| read(target, e));
        let found = findings(
            Checked {
                progress,
                reading: &now,
            },
            before.as_ref().zip(earlier).map(|(r, text)| {
                (
                    "2023Q3",
                    Checked {
                        progress: text,
                        reading: r,
                    },
                )
            }),
            DEFAULT_COMPLETION_BOUND,
        );
        codes(&found)
    }

    #[test]
    fn each_rule_finds_what_it_names_and_nothing_else() {
        let cases: &[(&str, &str, Option<&str>, &str)] = &[
            // (target, progress, earlier progress, findings)
            (
                "培训妇女1000人",
                "已培训妇女310人",
                Some("已培训妇女420人"),
                "fell_back",
            ),
            (
                "培训妇女1000人",
                "已培训妇女420人",
                Some("已培训妇女420人"),
                "",
            ),
            (
                "培训妇女1000人",
                "已培训妇女600人",
                Some("已培训妇女420人"),
                "",
            ),
            // A rate and a ceiling may fall.
            (
                "贫困发生率控制在3%以内",
                "贫困发生率降至1.2%",
                Some("贫困发生率为2.5%"),
                "",
            ),
            (
                "安全事故控制在10起以内",
                "发生安全事故2起",
                Some("发生安全事故4起"),
                "",
            ),
            ("培训妇女1000人", "已培训妇女3500人", None, "above_bound"),
            ("培训妇女1000人", "已培训妇女2900人", None, ""),
            (
                "培训妇女1000人",
                "正在组织培训，进展顺利",
                None,
                "no_figure",
            ),
            ("培训妇女1000人", "已完成全年任务的85%", None, ""),
            ("培训妇女1000人", "", None, ""),
            ("加强组织建设，提升服务水平", "各项工作有序推进", None, ""),
        ];
        for (target, progress, earlier, want) in cases {
            assert_eq!(
                codes_of(target, progress, *earlier),
                *want,
                "{target} / {progress} after {earlier:?}"
            );
        }
    }

    #[test]
    fn a_fall_names_the_figure_the_earlier_period_and_both_values() {
        let now = read("培训妇女1000人", "已培训妇女310人");
        let before = read("培训妇女1000人", "已培训妇女420人");
        let found = findings(
            Checked {
                progress: "已培训妇女310人",
                reading: &now,
            },
            Some((
                "2023Q3",
                Checked {
                    progress: "已培训妇女420人",
                    reading: &before,
                },
            )),
            DEFAULT_COMPLETION_BOUND,
        );
        assert_eq!(
            found,
            [Finding::FellBack {
                what: found_what(&now),
                unit: "人".into(),
                period: "2023Q3".into(),
                before: 420.0,
                now: 310.0,
            }]
        );
    }

    fn found_what(r: &Reading) -> String {
        r.pairs[0].what.clone()
    }

    #[test]
    fn the_bound_is_the_schemes() {
        let now = read("培训妇女1000人", "已培训妇女1600人");
        let at = |bound| {
            codes(&findings(
                Checked {
                    progress: "已培训妇女1600人",
                    reading: &now,
                },
                None,
                bound,
            ))
        };
        assert_eq!(at(1.5), "above_bound");
        assert_eq!(at(2.0), "");
    }
}
