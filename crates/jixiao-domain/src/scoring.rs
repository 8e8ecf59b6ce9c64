//! Scoring and ranking: the figures an appraisal exists to produce (product.md, "Status and
//! scoring").
//!
//! What this module does, as pure functions over values already parsed at the edges:
//! - scores one task by its [`ScoringRule`] from [`Evidence`] (a completion, a grade or manual
//!   points); a score whose input is missing is [`Score::Pending`], never zero;
//! - keeps a task's self, reviewer and final score ([`TaskScore`]); an admin [`Override`] needs a
//!   reason and stays within the task's weight;
//! - sums an indicator's children and caps the sum at the indicator's points ([`score_indicator`]);
//! - applies a unit's adjustments (加分/扣分) with per-rule caps ([`AdjustmentRule`]) and its
//!   一票否决 items ([`Veto`]) to give the unit's total ([`score_unit`]);
//! - ranks units overall and within their type (分类排名) ([`rank`]).
//!
//! Every computed figure carries short Chinese lines saying which quantities, which rule and which
//! cap produced it, so a page can show 得分反查 from a unit's total down to each task.
//!
//! What it deliberately does not do: read prose (the completion comes from `jixiao-prose` via
//! [`crate::reading`]), decide a task's status (that is [`crate::status::status_of`]), store,
//! render or print anything, or decide who may grade or override (that is [`crate::access`] and
//! the web layer). A reader's "已完成" wording without numbers is not turned into a completion
//! here: the caller decides whether it counts as completion 1.
//!
//! Input tree: the scoring tree is its own light type ([`IndicatorInput`] with [`TaskInput`]s)
//! rather than [`crate::table::IndicatorTree`], because scoring needs per-task rules, evidence and
//! overrides that the imported table does not carry; the store builds it from the table and the
//! reviews. Indicators keep [`crate::table::Name`] and [`Points`].

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

pub use crate::explain::{Line, Scorer, Why};
use crate::points::Points;
use crate::table::Name;

/// Slack for comparing sums of decimals with a cap (sums of `f64` drift by ~1e-15).
const EPS: f64 = 1e-9;

/// Why a scoring input or result is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoringError {
    /// A grade table percentage outside `0..=100`, or a better grade worth less than a worse one.
    #[error("等次分值比例无效：应在 0–100% 之间且优秀 ≥ 良好 ≥ 一般 ≥ 较差")]
    GradeTable,
    /// Manual points outside `0..=weight`.
    #[error("任务「{task}」人工评分 {points} 分超出 0–{weight} 分")]
    ManualOutOfRange {
        /// The task name.
        task: String,
        /// The points given.
        points: Points,
        /// The task's weight.
        weight: Points,
    },
    /// Override points outside `0..=weight`.
    #[error("任务「{task}」调整后分数 {points} 分超出 0–{weight} 分")]
    OverrideOutOfRange {
        /// The task name.
        task: String,
        /// The points given.
        points: Points,
        /// The task's weight.
        weight: Points,
    },
    /// An override, adjustment or veto without a reason.
    #[error("必须填写理由")]
    EmptyReason,
    /// An adjustment amount that is zero or not a finite number.
    #[error("加减分分值无效：{0}")]
    Amount(f64),
    /// An adjustment naming a rule the scheme does not define.
    #[error("加减分规则「{0}」不存在")]
    UnknownRule(String),
}

/// The completion (完成率) of a task: a finite ratio ≥ 0; above 1 is over-achievement.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
pub struct Completion(f64);

impl Completion {
    /// Accepts a finite value ≥ 0.
    pub fn new(c: f64) -> Option<Completion> {
        (c.is_finite() && c >= 0.0).then_some(Completion(c + 0.0))
    }

    /// The ratio.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// A reviewer's grade (等次) for a qualitative task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// 优秀.
    Excellent,
    /// 良好.
    Good,
    /// 一般.
    Fair,
    /// 较差.
    Poor,
}

impl Grade {
    /// Every grade, best first.
    pub const ALL: [Grade; 4] = [Grade::Excellent, Grade::Good, Grade::Fair, Grade::Poor];

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Good => "良好",
            Grade::Fair => "一般",
            Grade::Poor => "较差",
        }
    }

    /// Parses the Chinese label.
    pub fn parse(s: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.label_zh() == s.trim())
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// What each grade is worth, in whole percent of the task's weight.
///
/// Invariant: every percentage is in `0..=100` and a better grade is worth at least as much as a
/// worse one. The default is 100/85/70/50.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GradeTable {
    percents: [u8; 4],
}

impl Default for GradeTable {
    fn default() -> Self {
        GradeTable {
            percents: [100, 85, 70, 50],
        }
    }
}

impl GradeTable {
    /// A table from the percentages of 优秀, 良好, 一般, 较差.
    pub fn new(excellent: u8, good: u8, fair: u8, poor: u8) -> Result<GradeTable, ScoringError> {
        let p = [excellent, good, fair, poor];
        if p.iter().all(|&x| x <= 100) && p.windows(2).all(|w| w[0] >= w[1]) {
            Ok(GradeTable { percents: p })
        } else {
            Err(ScoringError::GradeTable)
        }
    }

    /// The percentages of 优秀, 良好, 一般, 较差.
    pub fn percents(&self) -> [u8; 4] {
        self.percents
    }

    /// The percentage of the weight a grade earns.
    pub fn percent(&self, grade: Grade) -> u8 {
        let i = Grade::ALL
            .iter()
            .position(|g| *g == grade)
            .expect("every grade is in ALL");
        self.percents[i]
    }
}

/// How a task's points follow from its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum ScoringRule {
    /// weight × min(completion, 1): the default for quantified tasks.
    Proportional,
    /// The whole weight when completion ≥ 1, else 0.
    AllOrNothing,
    /// The reviewer picks a grade; the table says what share of the weight it earns. The default
    /// for qualitative tasks. (The grade itself is evidence, not part of the rule: the rule is
    /// set when the scheme is drawn up, the grade when the task is reviewed.)
    Graded(GradeTable),
    /// The reviewer gives points in `0..=weight`.
    Manual,
}

impl ScoringRule {
    /// The default rule: proportional when the target has quantities, graded (default table)
    /// when it is qualitative.
    pub fn default_for(has_quantities: bool) -> ScoringRule {
        if has_quantities {
            ScoringRule::Proportional
        } else {
            ScoringRule::Graded(GradeTable::default())
        }
    }

    /// The Chinese name of the rule.
    pub fn label_zh(&self) -> &'static str {
        match self {
            ScoringRule::Proportional => "按比例计分",
            ScoringRule::AllOrNothing => "完成得满分",
            ScoringRule::Graded(_) => "等次评分",
            ScoringRule::Manual => "人工评分",
        }
    }

    /// Every rule's stored code, in the order a form lists them.
    pub const CODES: [&'static str; 4] = ["proportional", "all_or_nothing", "graded", "manual"];

    /// The stored code of the rule (the grade table is the scheme's, stored apart).
    pub fn code(&self) -> &'static str {
        match self {
            ScoringRule::Proportional => "proportional",
            ScoringRule::AllOrNothing => "all_or_nothing",
            ScoringRule::Graded(_) => "graded",
            ScoringRule::Manual => "manual",
        }
    }

    /// The rule a stored code names, graded by the scheme's `table`; `None` for an unknown code.
    pub fn from_code(code: &str, table: GradeTable) -> Option<ScoringRule> {
        Some(match code {
            "proportional" => ScoringRule::Proportional,
            "all_or_nothing" => ScoringRule::AllOrNothing,
            "graded" => ScoringRule::Graded(table),
            "manual" => ScoringRule::Manual,
            _ => return None,
        })
    }
}

/// What a scorer (the unit itself, or a reviewer) has for one task. Only the input the rule
/// needs is looked at; the rest is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Evidence {
    /// The completion, for proportional and all-or-nothing rules.
    pub completion: Option<Completion>,
    /// The grade, for the graded rule.
    pub grade: Option<Grade>,
    /// The points, for the manual rule.
    pub points: Option<Points>,
}

impl Evidence {
    /// Evidence of a completion only.
    pub fn completion(c: Completion) -> Evidence {
        Evidence {
            completion: Some(c),
            ..Evidence::default()
        }
    }

    /// Evidence of a grade only.
    pub fn grade(g: Grade) -> Evidence {
        Evidence {
            grade: Some(g),
            ..Evidence::default()
        }
    }

    /// Evidence of manual points only.
    pub fn points(p: Points) -> Evidence {
        Evidence {
            points: Some(p),
            ..Evidence::default()
        }
    }
}

/// A computed score, or why there is none yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Score {
    /// The input the rule needs is missing (e.g. a qualitative task not yet graded): not zero.
    Pending {
        /// Why.
        explanation: Vec<Line>,
    },
    /// Points with how they were computed.
    Scored {
        /// The points.
        points: Points,
        /// How, one short line each.
        explanation: Vec<Line>,
    },
}

impl Score {
    /// The points, if scored.
    pub fn points(&self) -> Option<Points> {
        match self {
            Score::Pending { .. } => None,
            Score::Scored { points, .. } => Some(*points),
        }
    }

    /// Whether the score waits for input.
    pub fn is_pending(&self) -> bool {
        matches!(self, Score::Pending { .. })
    }

    /// The explanation lines.
    pub fn explanation(&self) -> &[Line] {
        match self {
            Score::Pending { explanation } | Score::Scored { explanation, .. } => explanation,
        }
    }

    fn pending(why: Why) -> Score {
        Score::Pending {
            explanation: vec![why.into()],
        }
    }

    fn scored(points: f64, why: Why) -> Score {
        Score::Scored {
            points: pts(points),
            explanation: vec![why.into()],
        }
    }
}

/// Scores one task of `weight` under `rule` from `evidence`.
///
/// Manual points outside `0..=weight` are refused; a missing input gives [`Score::Pending`].
pub fn score(
    task: &Name,
    weight: Points,
    rule: &ScoringRule,
    evidence: &Evidence,
) -> Result<Score, ScoringError> {
    let w = weight.get();
    Ok(match rule {
        ScoringRule::Proportional => match evidence.completion {
            None => Score::pending(Why::NoCompletion),
            Some(c) => {
                let used = c.get().min(1.0);
                Score::scored(
                    w * used,
                    Why::Proportional {
                        weight: w,
                        completion: c.get(),
                        points: w * used,
                    },
                )
            }
        },
        ScoringRule::AllOrNothing => match evidence.completion {
            None => Score::pending(Why::NoCompletion),
            Some(c) if c.get() >= 1.0 - EPS => Score::scored(
                w,
                Why::AllOrNothingMet {
                    completion: c.get(),
                    points: w,
                },
            ),
            Some(c) => Score::scored(
                0.0,
                Why::AllOrNothingMissed {
                    completion: c.get(),
                },
            ),
        },
        ScoringRule::Graded(table) => match evidence.grade {
            None => Score::pending(Why::NotGraded),
            Some(g) => {
                let p = table.percent(g);
                let v = w * f64::from(p) / 100.0;
                Score::scored(
                    v,
                    Why::Graded {
                        grade: g,
                        weight: w,
                        percent: p,
                        points: v,
                    },
                )
            }
        },
        ScoringRule::Manual => match evidence.points {
            None => Score::pending(Why::NotScored),
            Some(p) if p.get() > w + EPS => {
                return Err(ScoringError::ManualOutOfRange {
                    task: task.to_string(),
                    points: p,
                    weight,
                });
            }
            Some(p) => Score::scored(
                p.get().min(w),
                Why::Manual {
                    points: p.get(),
                    weight: w,
                },
            ),
        },
    })
}

/// An admin's override of a task's final score. The reason is required.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Override {
    points: Points,
    reason: String,
}

impl Override {
    /// An override to `points` with a non-empty (trimmed) reason. The range is checked against
    /// the task's weight when the task is scored.
    pub fn new(points: Points, reason: &str) -> Result<Override, ScoringError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ScoringError::EmptyReason);
        }
        Ok(Override {
            points,
            reason: reason.to_string(),
        })
    }

    /// The points the admin set.
    pub fn points(&self) -> Points {
        self.points
    }

    /// Why.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// A task as scoring sees it: its rule, both scorers' evidence and an optional override.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskInput {
    /// 任务要点名称.
    pub name: Name,
    /// 分值权重.
    pub weight: Points,
    /// The scoring rule.
    pub rule: ScoringRule,
    /// The unit's own evidence (自评).
    pub self_evidence: Evidence,
    /// The reviewer's evidence (评审); normally the reader's completion or the reviewer's grade.
    pub reviewer_evidence: Evidence,
    /// An admin's override of the final score.
    pub admin_override: Option<Override>,
}

impl TaskInput {
    /// A task with the default rule for whether it has quantities, and no evidence yet.
    pub fn new(name: Name, weight: Points, has_quantities: bool) -> TaskInput {
        TaskInput {
            name,
            weight,
            rule: ScoringRule::default_for(has_quantities),
            self_evidence: Evidence::default(),
            reviewer_evidence: Evidence::default(),
            admin_override: None,
        }
    }
}

/// A task's three scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskScore {
    /// 自评分.
    pub self_score: Score,
    /// 评审分.
    pub reviewer_score: Score,
    /// 最终得分: the reviewer's, unless an admin overrode it.
    pub final_score: Score,
    /// One line each: 自评, 评审, 最终.
    pub explanation: Vec<Line>,
}

/// Scores a task: self, reviewer and final. The override must lie in `0..=weight`.
pub fn score_task(task: &TaskInput) -> Result<TaskScore, ScoringError> {
    let self_score = score(&task.name, task.weight, &task.rule, &task.self_evidence)?;
    let reviewer_score = score(&task.name, task.weight, &task.rule, &task.reviewer_evidence)?;
    let final_score = match &task.admin_override {
        Some(o) if o.points.get() > task.weight.get() + EPS => {
            return Err(ScoringError::OverrideOutOfRange {
                task: task.name.to_string(),
                points: o.points,
                weight: task.weight,
            });
        }
        Some(o) => Score::scored(
            o.points.get(),
            Why::Overridden {
                points: o.points.get(),
                reason: o.reason.clone(),
            },
        ),
        None => reviewer_score.clone(),
    };
    let line = |scorer: Scorer, s: &Score| {
        Line::from(Why::By {
            scorer,
            lines: s.explanation().iter().map(|l| l.why().clone()).collect(),
        })
    };
    let mut explanation = vec![
        line(Scorer::Own, &self_score),
        line(Scorer::Reviewer, &reviewer_score),
    ];
    explanation.push(match (&task.admin_override, final_score.points()) {
        (Some(_), _) => line(Scorer::Final, &final_score),
        (None, Some(p)) => Why::FinalIsReviewer { points: p.get() }.into(),
        (None, None) => Why::FinalPending.into(),
    });
    Ok(TaskScore {
        self_score,
        reviewer_score,
        final_score,
        explanation,
    })
}

/// `[(name, score)]` as `[{"name", …score}]`.
fn named_tasks<S: serde::Serializer>(tasks: &[(Name, TaskScore)], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Named<'a> {
        name: &'a Name,
        #[serde(flatten)]
        score: &'a TaskScore,
    }
    s.collect_seq(tasks.iter().map(|(name, score)| Named { name, score }))
}

/// An indicator with what hangs below it, as scoring sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorInput {
    /// The indicator's name.
    pub name: Name,
    /// Its points, the cap on its score; `None` (a grouping such as "重点（职能）工作" that
    /// carries no points) means uncapped.
    pub points: Option<Points>,
    /// Sub-indicators.
    pub children: Vec<IndicatorInput>,
    /// Tasks directly below it.
    pub tasks: Vec<TaskInput>,
}

/// An indicator's score with its children's, for drill-down (得分反查).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorScore {
    /// The indicator's name.
    pub name: Name,
    /// Its points (the cap), if any.
    pub points: Option<Points>,
    /// The sum of its children's final scores, before the cap (pending counts 0).
    pub sum: Points,
    /// The score: `sum` capped at `points`.
    pub score: Points,
    /// Whether the cap lowered the sum (a sum exactly at the points is not capped).
    pub capped: bool,
    /// Tasks at any depth below whose final score is still pending.
    pub pending: usize,
    /// Sub-indicator scores.
    pub children: Vec<IndicatorScore>,
    /// Task scores, with their names, in input order. Serialised as objects
    /// (`{"name", "self_score", "reviewer_score", "final_score", "explanation"}`), like every
    /// other JSON output.
    #[serde(serialize_with = "named_tasks")]
    pub tasks: Vec<(Name, TaskScore)>,
    /// How.
    pub explanation: Vec<Line>,
}

/// Scores an indicator: the sum of its tasks' and sub-indicators' final scores, capped at its
/// points. Pending tasks count 0 and are named in the explanation, so a total shows what is
/// known and grows as reviewers grade.
pub fn score_indicator(ind: &IndicatorInput) -> Result<IndicatorScore, ScoringError> {
    let children = ind
        .children
        .iter()
        .map(score_indicator)
        .collect::<Result<Vec<_>, _>>()?;
    let tasks = ind
        .tasks
        .iter()
        .map(|t| Ok((t.name.clone(), score_task(t)?)))
        .collect::<Result<Vec<_>, ScoringError>>()?;
    let sum = children.iter().map(|c| c.score.get()).sum::<f64>()
        + tasks
            .iter()
            .filter_map(|(_, t)| t.final_score.points())
            .map(Points::get)
            .sum::<f64>();
    let pending = children.iter().map(|c| c.pending).sum::<usize>()
        + tasks
            .iter()
            .filter(|(_, t)| t.final_score.is_pending())
            .count();
    let (score, capped) = match ind.points {
        Some(cap) if sum > cap.get() + EPS => (cap.get(), true),
        Some(cap) => (sum.min(cap.get()), false),
        None => (sum, false),
    };
    let mut explanation = vec![Line::from(match (ind.points, capped) {
        (Some(cap), true) => Why::SumCapped {
            sum,
            cap: cap.get(),
        },
        (Some(cap), false) => Why::SumWithin {
            sum,
            cap: cap.get(),
        },
        (None, _) => Why::Sum { sum },
    })];
    if pending > 0 {
        explanation.push(Why::PendingTasks { count: pending }.into());
    }
    Ok(IndicatorScore {
        name: ind.name.clone(),
        points: ind.points,
        sum: pts(sum),
        score: pts(score),
        capped,
        pending,
        children,
        tasks,
        explanation,
    })
}

/// The caps of one adjustment rule of a scheme (加减分规则).
///
/// - `max_addition` is "最高计X分": the sum of this rule's additions counts at most X.
/// - `max_deduction` is "扣完为止": this rule's deductions count at most the base they deduct
///   from, so they cannot take it below zero. The base is a number the scheme gives: the points
///   of the indicator the deductions belong to, or a stated budget; the caller resolves which.
///
/// Either may be absent (uncapped). Caps apply per unit and per rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdjustmentRule {
    /// The rule's id, as adjustments name it.
    pub id: Name,
    /// "最高计X分".
    pub max_addition: Option<Points>,
    /// "扣完为止": the base deductions cannot exceed.
    pub max_deduction: Option<Points>,
}

/// One 加分 or 扣分 for a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adjustment {
    rule: Name,
    amount: f64,
    reason: String,
}

impl Adjustment {
    /// An adjustment under `rule`: `amount` is signed (positive 加分, negative 扣分), finite and
    /// non-zero; the reason is required.
    pub fn new(rule: Name, amount: f64, reason: &str) -> Result<Adjustment, ScoringError> {
        if !amount.is_finite() || amount == 0.0 {
            return Err(ScoringError::Amount(amount));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ScoringError::EmptyReason);
        }
        Ok(Adjustment {
            rule,
            amount,
            reason: reason.to_string(),
        })
    }

    /// The rule id.
    pub fn rule(&self) -> &Name {
        &self.rule
    }

    /// The signed amount.
    pub fn amount(&self) -> f64 {
        self.amount
    }

    /// Why.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// One rule's adjustments for a unit, after its caps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleAdjustment {
    /// The rule id.
    pub rule: Name,
    /// Sum of additions before the cap.
    pub added: f64,
    /// Sum of deductions before the cap, as a positive number.
    pub deducted: f64,
    /// Signed net after the caps.
    pub net: f64,
    /// Whether "最高计X分" lowered the additions.
    pub addition_capped: bool,
    /// Whether "扣完为止" lowered the deductions.
    pub deduction_capped: bool,
    /// How: each item, then the caps.
    pub explanation: Vec<Line>,
}

/// Applies per-rule caps to a unit's adjustments; rules in the order they first appear.
///
/// An adjustment naming a rule not in `rules` is refused.
pub fn apply_adjustments(
    rules: &[AdjustmentRule],
    adjustments: &[Adjustment],
) -> Result<Vec<RuleAdjustment>, ScoringError> {
    let mut order: Vec<&Name> = Vec::new();
    let mut by_rule: HashMap<&Name, Vec<&Adjustment>> = HashMap::new();
    for a in adjustments {
        if !rules.iter().any(|r| r.id == a.rule) {
            return Err(ScoringError::UnknownRule(a.rule.to_string()));
        }
        if !by_rule.contains_key(&a.rule) {
            order.push(&a.rule);
        }
        by_rule.entry(&a.rule).or_default().push(a);
    }
    Ok(order
        .into_iter()
        .map(|id| {
            let rule = rules.iter().find(|r| &r.id == id).expect("checked above");
            let items = &by_rule[id];
            let added: f64 = items.iter().map(|a| a.amount.max(0.0)).sum();
            let deducted: f64 = items.iter().map(|a| (-a.amount).max(0.0)).sum();
            let mut explanation: Vec<Line> = items
                .iter()
                .map(|a| {
                    Line::from(Why::AdjustmentItem {
                        amount: a.amount,
                        reason: a.reason.clone(),
                    })
                })
                .collect();
            let (add, addition_capped) = match rule.max_addition {
                Some(cap) if added > cap.get() + EPS => {
                    explanation.push(
                        Why::AdditionCapped {
                            added,
                            cap: cap.get(),
                        }
                        .into(),
                    );
                    (cap.get(), true)
                }
                _ => (added, false),
            };
            let (ded, deduction_capped) = match rule.max_deduction {
                Some(cap) if deducted > cap.get() + EPS => {
                    explanation.push(
                        Why::DeductionCapped {
                            deducted,
                            cap: cap.get(),
                        }
                        .into(),
                    );
                    (cap.get(), true)
                }
                _ => (deducted, false),
            };
            let net = round2(add - ded);
            explanation.push(
                Why::RuleNet {
                    rule: id.to_string(),
                    net,
                }
                .into(),
            );
            RuleAdjustment {
                rule: id.clone(),
                added: round2(added),
                deducted: round2(deducted),
                net,
                addition_capped,
                deduction_capped,
                explanation,
            }
        })
        .collect())
}

/// What a 一票否决 item does to the unit's result, as the scheme defines it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum VetoEffect {
    /// The unit's result is this grade (e.g. "不合格"); the total is kept.
    Grade(Name),
    /// The total becomes 0.
    ZeroTotal,
    /// The total is at most these points.
    CapTotal(Points),
}

/// A 一票否决 item that applies to a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Veto {
    /// The veto item, e.g. "发生重大安全生产责任事故".
    pub item: Name,
    /// What it does.
    pub effect: VetoEffect,
}

/// A unit to score: its indicator tree (level-1 indicators), adjustments and vetoes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitInput {
    /// The unit's name.
    pub unit: Name,
    /// Its type, for 分类排名 (e.g. 党群部门).
    pub unit_type: Name,
    /// Level-1 indicators.
    pub indicators: Vec<IndicatorInput>,
    /// 加分/扣分.
    pub adjustments: Vec<Adjustment>,
    /// 一票否决 items that apply.
    pub vetoes: Vec<Veto>,
}

/// A unit's result, with everything it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitResult {
    /// The unit's name.
    pub unit: Name,
    /// Its type.
    pub unit_type: Name,
    /// Level-1 indicator scores.
    pub indicators: Vec<IndicatorScore>,
    /// Sum of level-1 scores.
    pub indicator_sum: Points,
    /// Adjustments by rule, after caps.
    pub adjustments: Vec<RuleAdjustment>,
    /// Level-1 sum plus capped adjustments, before any veto (may be negative when deductions
    /// are uncapped).
    pub before_veto: f64,
    /// The total after vetoes.
    pub total: f64,
    /// The grade a veto set, if any.
    pub veto_grade: Option<Name>,
    /// Whether any veto applied.
    pub vetoed: bool,
    /// 平均完成率: [`mean_completion`] of the reviewer's completions over the unit's tasks that
    /// have one; `None` when no task has a completion. Breaks ties in ranking.
    pub mean_completion: Option<f64>,
    /// How.
    pub explanation: Vec<Line>,
}

impl UnitResult {
    /// The entry this result contributes to a ranking.
    pub fn rank_entry(&self) -> RankEntry {
        RankEntry {
            unit: self.unit.clone(),
            unit_type: self.unit_type.clone(),
            total: self.total,
            mean_completion: self.mean_completion,
            vetoed: self.vetoed,
        }
    }
}

/// The highest completion one task contributes to a mean: one task far above its target must
/// not hide the others' lag.
pub const MEAN_COMPLETION_CAP: f64 = 1.5;

/// 平均完成率, the one definition every page, export and ranking uses: the mean of the
/// completions given, each capped at [`MEAN_COMPLETION_CAP`]; `None` for none.
pub fn mean_completion(completions: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = completions.into_iter().fold((0.0, 0usize), |(s, n), c| {
        (s + c.min(MEAN_COMPLETION_CAP), n + 1)
    });
    (n > 0).then(|| sum / n as f64)
}

/// Scores a unit: level-1 scores + capped adjustments, then the vetoes in order.
pub fn score_unit(unit: &UnitInput, rules: &[AdjustmentRule]) -> Result<UnitResult, ScoringError> {
    let indicators = unit
        .indicators
        .iter()
        .map(score_indicator)
        .collect::<Result<Vec<_>, _>>()?;
    let indicator_sum = round2(indicators.iter().map(|i| i.score.get()).sum());
    let adjustments = apply_adjustments(rules, &unit.adjustments)?;
    let adj: f64 = adjustments.iter().map(|a| a.net).sum();
    let before_veto = round2(indicator_sum + adj);
    let mut explanation = vec![Line::from(Why::Level1 {
        sum: indicator_sum,
        indicators: indicators
            .iter()
            .map(|i| (i.name.to_string(), i.score.get()))
            .collect(),
    })];
    if !adjustments.is_empty() {
        explanation.push(
            Why::Adjusted {
                net: adj,
                subtotal: before_veto,
            }
            .into(),
        );
    }
    let mut total = before_veto;
    let mut veto_grade = None;
    for v in &unit.vetoes {
        match &v.effect {
            VetoEffect::ZeroTotal => {
                total = 0.0;
                explanation.push(
                    Why::VetoZero {
                        item: v.item.to_string(),
                    }
                    .into(),
                );
            }
            VetoEffect::CapTotal(cap) => {
                if total > cap.get() {
                    total = cap.get();
                }
                explanation.push(
                    Why::VetoCap {
                        item: v.item.to_string(),
                        cap: cap.get(),
                    }
                    .into(),
                );
            }
            VetoEffect::Grade(g) => {
                veto_grade.get_or_insert_with(|| g.clone());
                explanation.push(
                    Why::VetoGrade {
                        item: v.item.to_string(),
                        grade: g.to_string(),
                    }
                    .into(),
                );
            }
        }
    }
    explanation.push(Why::Total { total }.into());
    let mean_completion = mean_completion(
        unit.indicators
            .iter()
            .flat_map(tasks_of)
            .filter_map(|t| t.reviewer_evidence.completion.map(Completion::get)),
    );
    Ok(UnitResult {
        unit: unit.unit.clone(),
        unit_type: unit.unit_type.clone(),
        indicators,
        indicator_sum: pts(indicator_sum),
        adjustments,
        before_veto,
        total,
        veto_grade,
        vetoed: !unit.vetoes.is_empty(),
        mean_completion,
        explanation,
    })
}

fn tasks_of(ind: &IndicatorInput) -> Vec<&TaskInput> {
    let mut out: Vec<&TaskInput> = ind.tasks.iter().collect();
    for c in &ind.children {
        out.extend(tasks_of(c));
    }
    out
}

/// What ranking needs of a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankEntry {
    /// The unit's name (unique within a scheme).
    pub unit: Name,
    /// Its type, for 分类排名.
    pub unit_type: Name,
    /// Its total.
    pub total: f64,
    /// Its mean completion, the tie-break.
    pub mean_completion: Option<f64>,
    /// Whether a veto applied.
    pub vetoed: bool,
}

/// A unit's place in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// The entry ranked.
    pub entry: RankEntry,
    /// Overall rank, 1-based, competition style (1, 2, 2, 4).
    pub rank: usize,
    /// Rank within the unit's type, same style.
    pub type_rank: usize,
    /// Why here (ties and vetoes).
    pub explanation: Vec<Line>,
}

/// What decides a rank: vetoed, minus total in cents, minus mean completion in 1/10000.
type RankKey = (bool, i64, i64);

/// Totals compare to the hundredth of a point, completions to the hundredth of a percent.
fn rank_key(e: &RankEntry) -> RankKey {
    (
        e.vetoed,
        -((e.total * 100.0).round() as i64),
        -e.mean_completion
            .map_or(-1, |c| (c * 10_000.0).round() as i64),
    )
}

fn order(a: &RankEntry, b: &RankEntry) -> Ordering {
    rank_key(a)
        .cmp(&rank_key(b))
        .then_with(|| a.unit.cmp(&b.unit))
}

/// Ranks units, best first.
///
/// Order: units without a veto before vetoed ones (一票否决 takes a unit out of contention
/// whatever its total); then total descending; then mean completion descending (a unit without
/// any completion after those with one); then name (by Unicode code point, not pinyin or strokes), for a stable order only. Units equal in veto,
/// total (to 0.01 point) and mean completion (to 0.01 %) share a rank: competition ranking
/// "1, 2, 2, 4". `type_rank` is the same ranking within the unit's type (分类排名).
pub fn rank(entries: &[RankEntry]) -> Vec<Ranked> {
    let mut sorted: Vec<&RankEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| order(a, b));
    let mut out: Vec<Ranked> = Vec::with_capacity(sorted.len());
    let mut seen_in_type: HashMap<&Name, (usize, Option<RankKey>, usize)> = HashMap::new();
    for (i, e) in sorted.iter().enumerate() {
        let key = rank_key(e);
        let rank = match out.last() {
            Some(prev) if rank_key(&prev.entry) == key => prev.rank,
            _ => i + 1,
        };
        let slot = seen_in_type.entry(&e.unit_type).or_insert((0, None, 0));
        slot.0 += 1;
        let type_rank = if slot.1 == Some(key) { slot.2 } else { slot.0 };
        slot.1 = Some(key);
        slot.2 = type_rank;
        let mut explanation = Vec::new();
        if e.vetoed {
            explanation.push(Why::RankVetoed.into());
        }
        if let Some(prev) = sorted[..i].last() {
            let (pk, k) = (rank_key(prev), key);
            if pk == k {
                explanation.push(
                    Why::RankTied {
                        with: prev.unit.to_string(),
                    }
                    .into(),
                );
            } else if pk.0 == k.0 && pk.1 == k.1 {
                explanation.push(
                    Why::RankLowerCompletion {
                        with: prev.unit.to_string(),
                        completion: e.mean_completion,
                    }
                    .into(),
                );
            }
        }
        out.push(Ranked {
            entry: (*e).clone(),
            rank,
            type_rank,
            explanation,
        });
    }
    out
}

/// Points from a non-negative computed value (rounding noise below zero becomes zero).
fn pts(v: f64) -> Points {
    Points::try_from(v.max(0.0)).unwrap_or(Points::ZERO)
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0 + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_code_names_the_rule_it_came_from() {
        let table = GradeTable::new(100, 80, 60, 40).unwrap();
        for code in ScoringRule::CODES {
            let rule = ScoringRule::from_code(code, table).unwrap();
            assert_eq!(rule.code(), code);
        }
        assert_eq!(
            ScoringRule::from_code("graded", table),
            Some(ScoringRule::Graded(table))
        );
        assert_eq!(ScoringRule::from_code("按比例", table), None);
    }

    fn n(s: &str) -> Name {
        Name::try_from(s).unwrap()
    }
    fn p(v: f64) -> Points {
        Points::try_from(v).unwrap()
    }
    fn c(v: f64) -> Completion {
        Completion::new(v).unwrap()
    }
    fn r2(v: f64) -> f64 {
        (v * 100.0).round() / 100.0
    }
    fn task(name: &str, weight: f64, rule: ScoringRule, reviewer: Evidence) -> TaskInput {
        TaskInput {
            name: n(name),
            weight: p(weight),
            rule,
            self_evidence: Evidence::default(),
            reviewer_evidence: reviewer,
            admin_override: None,
        }
    }
    fn graded() -> ScoringRule {
        ScoringRule::Graded(GradeTable::default())
    }

    #[test]
    fn each_rule_scores_from_its_evidence_or_waits_for_it() {
        use ScoringRule::*;
        let cases: [(ScoringRule, f64, Evidence, Option<f64>, &str); 17] = [
            (
                Proportional,
                30.0,
                Evidence::completion(c(0.5)),
                Some(15.0),
                "half done, half the weight",
            ),
            (
                Proportional,
                30.0,
                Evidence::completion(c(1.0)),
                Some(30.0),
                "exactly done, full weight",
            ),
            (
                Proportional,
                30.0,
                Evidence::completion(c(2.0)),
                Some(30.0),
                "over-achievement counts as 100%",
            ),
            (
                Proportional,
                30.0,
                Evidence::completion(c(0.0)),
                Some(0.0),
                "nothing done scores 0, not pending",
            ),
            (
                Proportional,
                30.0,
                Evidence::grade(Grade::Good),
                None,
                "a grade is not a completion",
            ),
            (
                AllOrNothing,
                10.0,
                Evidence::completion(c(1.0)),
                Some(10.0),
                "exactly at 100% earns all",
            ),
            (
                AllOrNothing,
                10.0,
                Evidence::completion(c(0.9999)),
                Some(0.0),
                "just under 100% earns nothing",
            ),
            (
                AllOrNothing,
                10.0,
                Evidence::completion(c(1.5)),
                Some(10.0),
                "above 100% earns all",
            ),
            (
                AllOrNothing,
                10.0,
                Evidence::default(),
                None,
                "no completion is pending",
            ),
            (
                graded(),
                20.0,
                Evidence::grade(Grade::Excellent),
                Some(20.0),
                "优秀 is 100%",
            ),
            (
                graded(),
                20.0,
                Evidence::grade(Grade::Good),
                Some(17.0),
                "良好 is 85%",
            ),
            (
                graded(),
                20.0,
                Evidence::grade(Grade::Fair),
                Some(14.0),
                "一般 is 70%",
            ),
            (
                graded(),
                20.0,
                Evidence::grade(Grade::Poor),
                Some(10.0),
                "较差 is 50%",
            ),
            (
                graded(),
                20.0,
                Evidence::completion(c(1.0)),
                None,
                "ungraded qualitative task is pending",
            ),
            (
                Manual,
                20.0,
                Evidence::points(p(12.5)),
                Some(12.5),
                "manual points are taken as given",
            ),
            (
                Manual,
                20.0,
                Evidence::points(p(20.0)),
                Some(20.0),
                "manual points exactly at the weight",
            ),
            (
                Manual,
                20.0,
                Evidence::default(),
                None,
                "no manual points is pending",
            ),
        ];
        for (rule, weight, ev, want, why) in cases {
            let s = score(&n("任务"), p(weight), &rule, &ev).unwrap();
            assert_eq!(s.points().map(Points::get), want, "{why}");
            assert!(!s.explanation().is_empty(), "{why}: explained");
        }
    }

    #[test]
    fn a_custom_grade_table_sets_what_each_grade_earns() {
        let table = GradeTable::new(100, 90, 60, 0).unwrap();
        let rule = ScoringRule::Graded(table);
        let cases = [
            (Grade::Good, 9.0, "良好 90% of 10"),
            (Grade::Fair, 6.0, "一般 60% of 10"),
            (Grade::Poor, 0.0, "较差 0% of 10"),
        ];
        for (g, want, why) in cases {
            let s = score(&n("任务"), p(10.0), &rule, &Evidence::grade(g)).unwrap();
            assert_eq!(s.points().map(Points::get), Some(want), "{why}");
        }
    }

    #[test]
    fn grade_tables_refuse_percentages_above_100_or_out_of_order() {
        let cases = [
            ((100, 85, 70, 50), true, "the default"),
            ((100, 100, 100, 100), true, "all equal is allowed"),
            ((101, 85, 70, 50), false, "above 100%"),
            ((100, 70, 85, 50), false, "一般 worth more than 良好"),
            ((0, 0, 0, 0), true, "all zero is allowed"),
        ];
        for ((e, g, f, poor), ok, why) in cases {
            assert_eq!(GradeTable::new(e, g, f, poor).is_ok(), ok, "{why}");
        }
        assert_eq!(
            GradeTable::new(100, 85, 70, 50).unwrap(),
            GradeTable::default()
        );
    }

    #[test]
    fn grades_parse_from_their_chinese_labels() {
        for g in Grade::ALL {
            assert_eq!(Grade::parse(g.label_zh()), Some(g), "{g}");
        }
        assert_eq!(
            Grade::parse("合格"),
            None,
            "not a grade of the default table"
        );
    }

    #[test]
    fn the_default_rule_follows_whether_the_task_has_quantities() {
        assert_eq!(ScoringRule::default_for(true), ScoringRule::Proportional);
        assert_eq!(ScoringRule::default_for(false), graded());
    }

    #[test]
    fn manual_points_above_the_weight_are_refused() {
        let e = score(
            &n("任务"),
            p(10.0),
            &ScoringRule::Manual,
            &Evidence::points(p(10.5)),
        );
        assert!(
            matches!(e, Err(ScoringError::ManualOutOfRange { .. })),
            "{e:?}"
        );
    }

    #[test]
    fn the_final_score_is_the_reviewers_unless_an_admin_overrides_with_a_reason() {
        let mut t = task(
            "任务",
            20.0,
            ScoringRule::Proportional,
            Evidence::completion(c(0.5)),
        );
        t.self_evidence = Evidence::completion(c(1.0));
        let s = score_task(&t).unwrap();
        assert_eq!(
            s.self_score.points(),
            Some(p(20.0)),
            "self-score from the unit's claim"
        );
        assert_eq!(
            s.reviewer_score.points(),
            Some(p(10.0)),
            "reviewer's from its completion"
        );
        assert_eq!(s.final_score.points(), Some(p(10.0)), "final = reviewer's");
        assert_eq!(s.explanation.len(), 3, "自评, 评审, 最终");

        assert_eq!(
            Override::new(p(15.0), "  "),
            Err(ScoringError::EmptyReason),
            "reason required"
        );
        t.admin_override = Some(Override::new(p(15.0), "佐证材料补交").unwrap());
        let s = score_task(&t).unwrap();
        assert_eq!(s.final_score.points(), Some(p(15.0)), "override wins");
        assert!(
            s.explanation[2].contains("佐证材料补交"),
            "{:?}",
            s.explanation
        );

        t.admin_override = Some(Override::new(p(20.0), "按满分").unwrap());
        assert_eq!(
            score_task(&t).unwrap().final_score.points(),
            Some(p(20.0)),
            "exactly the weight"
        );
        t.admin_override = Some(Override::new(p(20.01), "超出").unwrap());
        assert!(
            matches!(score_task(&t), Err(ScoringError::OverrideOutOfRange { .. })),
            "above the weight is refused"
        );
    }

    #[test]
    fn the_seeds_care_task_scores_4_83_proportionally() {
        // 妇女儿童关爱服务工作: 25分, completion 29/150 = 0.1933 (the lowest of its quantities).
        let t = TaskInput {
            reviewer_evidence: Evidence::completion(c(0.1933)),
            ..TaskInput::new(n("妇女儿童关爱服务工作"), p(25.0), true)
        };
        let s = score_task(&t).unwrap();
        let pts = s.final_score.points().unwrap().get();
        assert_eq!(r2(pts), 4.83, "25 × 0.1933 = 4.8325");
        assert_eq!(
            s.final_score.explanation(),
            ["按比例计分：分值25 × 完成率19.33% = 4.83分"],
            "explained with the quantities"
        );
    }

    #[test]
    fn a_qualitative_seed_task_is_pending_until_graded_and_good_earns_85_percent() {
        let mut t = TaskInput::new(n("巾帼工业企业服务工作"), p(30.0), false);
        let s = score_task(&t).unwrap();
        assert!(
            s.final_score.is_pending(),
            "not graded yet: pending, not zero"
        );
        assert_eq!(s.final_score.explanation(), ["定性任务，待评定等次"]);

        t.reviewer_evidence = Evidence::grade(Grade::Good);
        let s = score_task(&t).unwrap();
        assert_eq!(s.final_score.points(), Some(p(25.5)), "85% of 30");
        assert_eq!(
            s.final_score.explanation(),
            ["等次评分：良好 = 分值30 × 85% = 25.50分"]
        );
    }

    fn indicator(name: &str, points: Option<f64>, tasks: Vec<TaskInput>) -> IndicatorInput {
        IndicatorInput {
            name: n(name),
            points: points.map(p),
            children: Vec::new(),
            tasks,
        }
    }
    fn manual(name: &str, weight: f64, got: f64) -> TaskInput {
        task(name, weight, ScoringRule::Manual, Evidence::points(p(got)))
    }

    #[test]
    fn an_indicator_scores_the_sum_of_its_children_capped_at_its_points() {
        let cases = [
            (vec![6.0, 3.0], Some(10.0), 9.0, false, "below the cap"),
            (
                vec![6.0, 4.0],
                Some(10.0),
                10.0,
                false,
                "exactly at the cap is not capped",
            ),
            (
                vec![8.0, 8.0],
                Some(10.0),
                10.0,
                true,
                "above the cap counts the cap",
            ),
            (
                vec![8.0, 8.0],
                None,
                16.0,
                false,
                "an indicator without points is uncapped",
            ),
            (
                vec![0.1, 0.2],
                Some(0.3),
                0.3,
                false,
                "float noise at the cap is not a cap",
            ),
        ];
        for (scores, cap, want, capped, why) in cases {
            let tasks = scores
                .iter()
                .enumerate()
                .map(|(i, s)| manual(&format!("任务{i}"), 8.0, *s))
                .collect();
            let s = score_indicator(&indicator("创新工作", cap, tasks)).unwrap();
            assert_eq!(r2(s.score.get()), want, "{why}");
            assert_eq!(s.capped, capped, "{why}");
            assert_eq!(
                s.explanation[0].contains("超过指标分值"),
                capped,
                "{why}: {:?}",
                s.explanation
            );
        }
    }

    #[test]
    fn sub_indicators_count_with_their_own_cap_and_pending_tasks_count_zero() {
        // 履职（30分） ⊃ 创新（5分）{8 + 2} → 5; plus a 10-point manual task 7 and a pending one.
        let mut root = indicator(
            "履职（30分）",
            Some(30.0),
            vec![
                manual("甲", 10.0, 7.0),
                TaskInput::new(n("乙"), p(10.0), false),
            ],
        );
        root.children.push(indicator(
            "创新（5分）",
            Some(5.0),
            vec![manual("丙", 8.0, 8.0), manual("丁", 2.0, 2.0)],
        ));
        let s = score_indicator(&root).unwrap();
        assert!(s.children[0].capped, "the sub-indicator's own cap applies");
        assert_eq!(s.children[0].score, p(5.0), "8 + 2 capped at 5");
        assert_eq!(s.score, p(12.0), "5 + 7 + pending 0");
        assert_eq!(s.pending, 1, "one task waits for a grade");
        assert!(
            s.explanation.iter().any(|l| l.contains("1项任务待评分")),
            "{:?}",
            s.explanation
        );
    }

    fn rules() -> Vec<AdjustmentRule> {
        vec![
            AdjustmentRule {
                id: n("表彰"),
                max_addition: Some(p(5.0)),
                max_deduction: None,
            },
            AdjustmentRule {
                id: n("信访"),
                max_addition: None,
                max_deduction: Some(p(5.0)),
            },
            AdjustmentRule {
                id: n("其他"),
                max_addition: None,
                max_deduction: None,
            },
        ]
    }
    fn adj(rule: &str, amount: f64) -> Adjustment {
        Adjustment::new(n(rule), amount, "事由").unwrap()
    }

    #[test]
    fn adjustments_are_capped_per_rule() {
        let cases: [(Vec<Adjustment>, f64, bool, bool, &str); 8] = [
            (
                vec![adj("表彰", 2.0), adj("表彰", 2.0)],
                4.0,
                false,
                false,
                "additions under 最高计5分",
            ),
            (
                vec![adj("表彰", 2.0), adj("表彰", 3.0)],
                5.0,
                false,
                false,
                "additions exactly at 5 are not capped",
            ),
            (
                vec![adj("表彰", 2.0); 3],
                5.0,
                true,
                false,
                "6 of additions count 5",
            ),
            (
                vec![adj("信访", -3.0)],
                -3.0,
                false,
                false,
                "deductions under the base",
            ),
            (
                vec![adj("信访", -2.0), adj("信访", -3.0)],
                -5.0,
                false,
                false,
                "deductions exactly at the base",
            ),
            (
                vec![adj("信访", -3.0); 3],
                -5.0,
                false,
                true,
                "扣完为止: 9 of deductions count 5",
            ),
            (
                vec![adj("表彰", 2.0); 3]
                    .into_iter()
                    .chain([adj("表彰", -1.0)])
                    .collect(),
                4.0,
                true,
                false,
                "a rule's additions are capped before its deductions",
            ),
            (
                vec![adj("其他", -30.0), adj("其他", 1.0)],
                -29.0,
                false,
                false,
                "an uncapped rule sums as given",
            ),
        ];
        for (items, net, add_capped, ded_capped, why) in cases {
            let out = apply_adjustments(&rules(), &items).unwrap();
            assert_eq!(out.len(), 1, "{why}");
            assert_eq!(out[0].net, net, "{why}");
            assert_eq!(out[0].addition_capped, add_capped, "{why}");
            assert_eq!(out[0].deduction_capped, ded_capped, "{why}");
            let capped_line = out[0]
                .explanation
                .iter()
                .any(|l| l.contains("最高计") || l.contains("扣完为止"));
            assert_eq!(
                capped_line,
                add_capped || ded_capped,
                "{why}: {:?}",
                out[0].explanation
            );
        }
    }

    #[test]
    fn adjustments_need_a_known_rule_a_reason_and_a_nonzero_amount() {
        assert_eq!(
            apply_adjustments(&rules(), &[adj("无此规则", 1.0)]),
            Err(ScoringError::UnknownRule("无此规则".into())),
            "unknown rule"
        );
        assert_eq!(
            Adjustment::new(n("表彰"), 1.0, " "),
            Err(ScoringError::EmptyReason),
            "no reason"
        );
        for bad in [0.0, f64::NAN, f64::INFINITY] {
            assert!(
                Adjustment::new(n("表彰"), bad, "事由").is_err(),
                "amount {bad}"
            );
        }
    }

    fn unit(name: &str, ty: &str, indicators: Vec<IndicatorInput>) -> UnitInput {
        UnitInput {
            unit: n(name),
            unit_type: n(ty),
            indicators,
            adjustments: Vec::new(),
            vetoes: Vec::new(),
        }
    }

    #[test]
    fn a_veto_sets_the_units_result_as_the_scheme_defines() {
        let veto = |effect| Veto {
            item: n("重大安全事故"),
            effect,
        };
        let cases = [
            (vec![], 80.0, None, false, "no veto: the total stands"),
            (
                vec![veto(VetoEffect::ZeroTotal)],
                0.0,
                None,
                true,
                "zero total",
            ),
            (
                vec![veto(VetoEffect::CapTotal(p(60.0)))],
                60.0,
                None,
                true,
                "cap below the total",
            ),
            (
                vec![veto(VetoEffect::CapTotal(p(80.0)))],
                80.0,
                None,
                true,
                "cap exactly at the total",
            ),
            (
                vec![veto(VetoEffect::CapTotal(p(90.0)))],
                80.0,
                None,
                true,
                "cap above the total",
            ),
            (
                vec![veto(VetoEffect::Grade(n("不合格")))],
                80.0,
                Some(n("不合格")),
                true,
                "a grade keeps the total",
            ),
        ];
        for (vetoes, total, grade, vetoed, why) in cases {
            let mut u = unit(
                "甲",
                "党群部门",
                vec![indicator(
                    "履职（100分）",
                    Some(100.0),
                    vec![manual("任务", 100.0, 80.0)],
                )],
            );
            u.vetoes = vetoes;
            let r = score_unit(&u, &rules()).unwrap();
            assert_eq!(r.total, total, "{why}");
            assert_eq!(r.veto_grade, grade, "{why}");
            assert_eq!(r.vetoed, vetoed, "{why}");
            assert_eq!(
                r.explanation.iter().any(|l| l.contains("一票否决")),
                vetoed,
                "{why}"
            );
        }
    }

    fn entry(unit: &str, ty: &str, total: f64, mean: Option<f64>, vetoed: bool) -> RankEntry {
        RankEntry {
            unit: n(unit),
            unit_type: n(ty),
            total,
            mean_completion: mean,
            vetoed,
        }
    }
    fn ranks(entries: &[RankEntry]) -> Vec<(String, usize, usize)> {
        rank(entries)
            .into_iter()
            .map(|r| (r.entry.unit.to_string(), r.rank, r.type_rank))
            .collect()
    }

    #[test]
    fn ranking_orders_by_total_then_mean_completion_and_shares_ranks() {
        let s = |v: &[(&str, usize, usize)]| -> Vec<(String, usize, usize)> {
            v.iter().map(|(u, r, t)| (u.to_string(), *r, *t)).collect()
        };
        let cases = [
            (
                vec![
                    entry("丁", "A", 70.0, Some(0.5), false),
                    entry("甲", "A", 90.0, Some(0.5), false),
                    entry("丙", "A", 80.0, Some(0.9), false),
                    entry("乙", "A", 80.0, Some(0.9), false),
                ],
                s(&[("甲", 1, 1), ("丙", 2, 2), ("乙", 2, 2), ("丁", 4, 4)]),
                "equal total and completion share a rank, 1 2 2 4; names order the tie",
            ),
            (
                vec![
                    entry("甲", "A", 80.0, Some(0.7), false),
                    entry("乙", "A", 80.0, Some(0.9), false),
                ],
                s(&[("乙", 1, 1), ("甲", 2, 2)]),
                "equal totals: higher mean completion first",
            ),
            (
                vec![
                    entry("甲", "A", 80.0, None, false),
                    entry("乙", "A", 80.0, Some(0.0), false),
                ],
                s(&[("乙", 1, 1), ("甲", 2, 2)]),
                "no completion at all ranks after any completion",
            ),
            (
                vec![
                    entry("甲", "A", 80.004, Some(0.5), false),
                    entry("乙", "A", 79.996, Some(0.5), false),
                ],
                s(&[("乙", 1, 1), ("甲", 1, 1)]),
                "totals equal to the hundredth share a rank (names by code point: 乙 < 甲)",
            ),
            (
                vec![
                    entry("甲", "A", 95.0, Some(1.0), true),
                    entry("乙", "A", 60.0, Some(0.5), false),
                ],
                s(&[("乙", 1, 1), ("甲", 2, 2)]),
                "a vetoed unit ranks after the others whatever its total",
            ),
            (
                vec![
                    entry("甲", "A", 90.0, None, false),
                    entry("乙", "B", 85.0, None, false),
                    entry("丙", "A", 80.0, None, false),
                    entry("丁", "B", 85.0, None, false),
                ],
                s(&[("甲", 1, 1), ("丁", 2, 1), ("乙", 2, 1), ("丙", 4, 2)]),
                "分类排名 ranks within each type, sharing ranks the same way",
            ),
        ];
        for (entries, want, why) in cases {
            assert_eq!(ranks(&entries), want, "{why}");
        }
    }

    #[test]
    fn a_tie_broken_by_completion_is_explained() {
        let r = rank(&[
            entry("甲", "A", 80.0, Some(0.7), false),
            entry("乙", "A", 80.0, Some(0.9), false),
        ]);
        assert_eq!(r[1].explanation, ["与「乙」总分相同，平均完成率70%较低"]);
    }

    /// The three-unit fixture. Scheme: 重点工作（60分）{任务一 30分 proportional, 任务二 30分
    /// graded}, 创新工作（10分）{任务三 8分 all-or-nothing, 任务四 8分 proportional} (the two
    /// innovation tasks may earn 16, the indicator counts 10). Rules: 表彰 最高计5分, 信访 扣完为止
    /// with a base of 5.
    ///
    /// 甲（党群部门）: 任务一 80% → 24; 任务二 良好 → 25.5; 重点工作 49.5.
    ///   任务三 100% → 8; 任务四 120% → 8; sum 16 → capped at 10. Level 1: 59.5.
    ///   表彰 +2 +2 +2 = 6 → 最高计5分 → +5. Total 64.5. Mean completion (0.8+1+1.2)/3 = 1.0.
    ///   Veto (when applied): CapTotal(55) → 55.
    /// 乙（党群部门）: 任务一 100% → 30; 任务二 一般 → 21; 重点工作 51.
    ///   任务三 90% → 0; 任务四 50% → 4; 创新工作 4. Level 1: 55. 表彰 +2. Total 57.
    ///   Mean completion (1+0.9+0.5)/3 = 0.8.
    /// 丙（政府部门）: 任务一 90% → 27; 任务二 优秀 → 30; 重点工作 57.
    ///   任务三 50% → 0; 任务四 62.5% → 5; 创新工作 5. Level 1: 62.
    ///   信访 −3 −3 = 6 → 扣完为止 5 → −5. Total 57. Mean completion (0.9+0.5+0.625)/3 = 0.675.
    ///
    /// Without the veto: 甲 1 (64.5); 乙 2 and 丙 3 tie at 57, broken by mean completion 0.8 >
    /// 0.675. 分类排名: 甲 党群 1, 乙 党群 2, 丙 政府 1.
    /// With the veto on 甲: 乙 1, 丙 2, 甲 3; 分类排名: 乙 党群 1, 甲 党群 2, 丙 政府 1.
    fn three_units(veto_on_jia: bool) -> Vec<UnitResult> {
        let scheme = |t1: f64, t2: Grade, t3: f64, t4: f64| {
            vec![
                IndicatorInput {
                    name: n("重点工作（60分）"),
                    points: Some(p(60.0)),
                    children: Vec::new(),
                    tasks: vec![
                        task(
                            "任务一",
                            30.0,
                            ScoringRule::Proportional,
                            Evidence::completion(c(t1)),
                        ),
                        task("任务二", 30.0, graded(), Evidence::grade(t2)),
                    ],
                },
                IndicatorInput {
                    name: n("创新工作（10分）"),
                    points: Some(p(10.0)),
                    children: Vec::new(),
                    tasks: vec![
                        task(
                            "任务三",
                            8.0,
                            ScoringRule::AllOrNothing,
                            Evidence::completion(c(t3)),
                        ),
                        task(
                            "任务四",
                            8.0,
                            ScoringRule::Proportional,
                            Evidence::completion(c(t4)),
                        ),
                    ],
                },
            ]
        };
        let rules = [
            AdjustmentRule {
                id: n("表彰"),
                max_addition: Some(p(5.0)),
                max_deduction: None,
            },
            AdjustmentRule {
                id: n("信访"),
                max_addition: None,
                max_deduction: Some(p(5.0)),
            },
        ];
        let mut jia = unit("甲", "党群部门", scheme(0.8, Grade::Good, 1.0, 1.2));
        jia.adjustments = vec![adj("表彰", 2.0), adj("表彰", 2.0), adj("表彰", 2.0)];
        if veto_on_jia {
            jia.vetoes = vec![Veto {
                item: n("重大安全事故"),
                effect: VetoEffect::CapTotal(p(55.0)),
            }];
        }
        let mut yi = unit("乙", "党群部门", scheme(1.0, Grade::Fair, 0.9, 0.5));
        yi.adjustments = vec![adj("表彰", 2.0)];
        let mut bing = unit("丙", "政府部门", scheme(0.9, Grade::Excellent, 0.5, 0.625));
        bing.adjustments = vec![adj("信访", -3.0), adj("信访", -3.0)];
        [jia, yi, bing]
            .iter()
            .map(|u| score_unit(u, &rules).unwrap())
            .collect()
    }

    #[test]
    fn the_mean_completion_caps_each_task_so_one_far_above_target_hides_no_lag() {
        let cases: [(&[f64], Option<f64>); 4] = [
            (&[], None),
            (&[0.5], Some(0.5)),
            (&[0.5, 1.0], Some(0.75)),
            // 400% counts as 150%: (1.5 + 0.3) / 2, not (4.0 + 0.3) / 2.
            (&[4.0, 0.3], Some(0.9)),
        ];
        for (given, mean) in cases {
            let got = mean_completion(given.iter().copied());
            assert_eq!(
                got.map(|m| (m * 1e9).round()),
                mean.map(|m| (m * 1e9).round()),
                "{given:?}"
            );
        }
    }

    #[test]
    fn the_three_unit_scheme_adds_up_as_computed_by_hand() {
        let units = three_units(false);
        let cases = [
            // unit, 重点工作, 创新工作, level 1, adjustments, total, mean completion
            ("甲", 49.5, 10.0, 59.5, 5.0, 64.5, 1.0),
            ("乙", 51.0, 4.0, 55.0, 2.0, 57.0, 0.8),
            ("丙", 57.0, 5.0, 62.0, -5.0, 57.0, 0.675),
        ];
        for ((name, key, innov, l1, adjs, total, mean), u) in cases.into_iter().zip(&units) {
            assert_eq!(u.unit.as_str(), name, "fixture order");
            assert_eq!(r2(u.indicators[0].score.get()), key, "{name} 重点工作");
            assert_eq!(r2(u.indicators[1].score.get()), innov, "{name} 创新工作");
            assert_eq!(r2(u.indicator_sum.get()), l1, "{name} level 1");
            assert_eq!(
                u.adjustments.iter().map(|a| a.net).sum::<f64>(),
                adjs,
                "{name} adjustments"
            );
            assert_eq!(u.total, total, "{name} total");
            assert!(
                (u.mean_completion.unwrap() - mean).abs() < 1e-9,
                "{name} mean completion"
            );
        }
        assert!(
            units[0].indicators[1].capped,
            "甲's 创新工作 16 is capped at 10"
        );
        assert!(
            !units[1].indicators[1].capped && !units[2].indicators[1].capped,
            "others under the cap"
        );
        assert!(
            units[0].adjustments[0].addition_capped,
            "甲's 表彰 6 counts 5"
        );
        assert!(
            units[2].adjustments[0].deduction_capped,
            "丙's 信访 6 counts 5: 扣完为止"
        );
        assert_eq!(
            units[0].explanation.last().map(Line::as_str),
            Some("总分64.50分"),
            "the total is explained"
        );
    }

    #[test]
    fn in_the_three_unit_scheme_a_veto_changes_the_ranking_and_completion_breaks_the_tie() {
        let table = |veto| {
            let entries: Vec<RankEntry> = three_units(veto)
                .iter()
                .map(UnitResult::rank_entry)
                .collect();
            ranks(&entries)
        };
        let s = |v: &[(&str, usize, usize)]| -> Vec<(String, usize, usize)> {
            v.iter().map(|(u, r, t)| (u.to_string(), *r, *t)).collect()
        };
        assert_eq!(
            table(false),
            s(&[("甲", 1, 1), ("乙", 2, 2), ("丙", 3, 1)]),
            "no veto: 甲 first; 乙 and 丙 tie at 57, 乙's mean completion 80% beats 67.5%"
        );
        assert_eq!(
            table(true),
            s(&[("乙", 1, 1), ("丙", 2, 1), ("甲", 3, 2)]),
            "veto on 甲 caps it at 55 and ranks it last; 分类排名 within 党群部门 and 政府部门"
        );
        let jia = &three_units(true)[0];
        assert_eq!(
            (jia.before_veto, jia.total),
            (64.5, 55.0),
            "the veto caps 甲's 64.5 at 55"
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn proportional_scores_lie_between_zero_and_the_weight(w in 0.0f64..200.0, comp in 0.0f64..10.0) {
                let s = score(&n("任务"), p(w), &ScoringRule::Proportional, &Evidence::completion(c(comp))).unwrap();
                let v = s.points().unwrap().get();
                prop_assert!((0.0..=w).contains(&v), "{v} not in 0..={w}");
            }

            #[test]
            fn indicator_scores_never_exceed_their_points(
                cap in 0.0f64..100.0,
                sub_cap in 0.0f64..50.0,
                tasks in proptest::collection::vec((0.0f64..60.0, 0.0f64..3.0), 0..8),
                sub_tasks in proptest::collection::vec((0.0f64..60.0, 0.0f64..3.0), 0..8),
            ) {
                let mk = |ts: &[(f64, f64)]| ts.iter().enumerate()
                    .map(|(i, (w, comp))| task(&format!("任务{i}"), *w, ScoringRule::Proportional, Evidence::completion(c(*comp))))
                    .collect::<Vec<_>>();
                let mut ind = indicator("指标", Some(cap), mk(&tasks));
                ind.children.push(indicator("子指标", Some(sub_cap), mk(&sub_tasks)));
                let s = score_indicator(&ind).unwrap();
                prop_assert!(s.score.get() <= cap, "{} > {cap}", s.score);
                prop_assert!(s.children[0].score.get() <= sub_cap, "{} > {sub_cap}", s.children[0].score);
                prop_assert_eq!(s.capped, s.sum.get() > cap + EPS);
            }

            #[test]
            fn ranking_is_a_permutation_with_ranks_following_the_totals(
                units in proptest::collection::vec((-10_000i64..100_000, proptest::option::of(0u32..20_000), any::<bool>(), any::<bool>()), 0..12),
            ) {
                let entries: Vec<RankEntry> = units.iter().enumerate().map(|(i, (cents, mean, vetoed, ty))| RankEntry {
                    unit: n(&format!("单位{i}")),
                    unit_type: n(if *ty { "甲类" } else { "乙类" }),
                    total: *cents as f64 / 100.0,
                    mean_completion: mean.map(|m| f64::from(m) / 10_000.0),
                    vetoed: *vetoed,
                }).collect();
                let ranked = rank(&entries);
                let mut names: Vec<String> = ranked.iter().map(|r| r.entry.unit.to_string()).collect();
                let mut want: Vec<String> = entries.iter().map(|e| e.unit.to_string()).collect();
                names.sort();
                want.sort();
                prop_assert_eq!(names, want, "a permutation of the input");
                for (i, w) in ranked.windows(2).enumerate() {
                    let (a, b) = (&w[0], &w[1]);
                    prop_assert!(a.rank <= b.rank, "ranks non-decreasing");
                    prop_assert!(b.rank == a.rank || b.rank == i + 2, "competition ranking");
                    if a.entry.vetoed == b.entry.vetoed {
                        prop_assert!(a.entry.total >= b.entry.total, "totals non-increasing within veto groups");
                    } else {
                        prop_assert!(!a.entry.vetoed, "vetoed units come last");
                    }
                }
                if let Some(first) = ranked.first() {
                    prop_assert_eq!(first.rank, 1);
                }
            }
        }
    }
}
