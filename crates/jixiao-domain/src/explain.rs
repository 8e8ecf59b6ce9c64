//! How a figure was computed, line by line: what each line says as data ([`Why`]), so that a
//! page can say it in the reader's language, and its Chinese text ([`Line`]), which the CLI,
//! the exports and the API's JSON carry as before. The domain knows no catalogue: the web layer
//! renders a [`Why`] with its own messages (`why.*`), and a test there checks that its Chinese
//! messages say what [`Why::zh`] says.

use std::borrow::Borrow;
use std::fmt;

use serde::{Serialize, Serializer};

use crate::points::{score_text, weight_text};
use crate::scoring::Grade;

/// Whose score a line explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scorer {
    /// 自评.
    Own,
    /// 评审.
    Reviewer,
    /// 最终.
    Final,
}

impl Scorer {
    /// `own`, `reviewer`, `final`.
    pub fn code(self) -> &'static str {
        match self {
            Scorer::Own => "own",
            Scorer::Reviewer => "reviewer",
            Scorer::Final => "final",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Scorer::Own => "自评",
            Scorer::Reviewer => "评审",
            Scorer::Final => "最终",
        }
    }
}

/// One step of an explanation, as data. Points are `f64` (an adjustment may be negative);
/// completions are ratios (1.0 is 100 %).
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// 尚无完成率，待评分.
    NoCompletion,
    /// 按比例计分：分值 × 完成率 (above 100 % counts as 100 %) = points.
    Proportional {
        /// The task's weight.
        weight: f64,
        /// The completion.
        completion: f64,
        /// The points.
        points: f64,
    },
    /// 完成得满分, reached.
    AllOrNothingMet {
        /// The completion.
        completion: f64,
        /// The points (the weight).
        points: f64,
    },
    /// 完成得满分, not reached: 0.
    AllOrNothingMissed {
        /// The completion.
        completion: f64,
    },
    /// 定性任务，待评定等次.
    NotGraded,
    /// 等次评分.
    Graded {
        /// The grade.
        grade: Grade,
        /// The task's weight.
        weight: f64,
        /// The grade's percentage of the weight.
        percent: u8,
        /// The points.
        points: f64,
    },
    /// 待人工评分.
    NotScored,
    /// 人工评分.
    Manual {
        /// The points given.
        points: f64,
        /// The task's weight.
        weight: f64,
    },
    /// 管理员调整.
    Overridden {
        /// The points the office set.
        points: f64,
        /// Why.
        reason: String,
    },
    /// One scorer's lines (自评：…；…).
    By {
        /// Whose.
        scorer: Scorer,
        /// What that score's explanation says.
        lines: Vec<Why>,
    },
    /// 最终：采用评审分.
    FinalIsReviewer {
        /// The points.
        points: f64,
    },
    /// 最终：待评分.
    FinalPending,
    /// An indicator's sum above its points: counted at the points.
    SumCapped {
        /// The children's sum.
        sum: f64,
        /// The indicator's points.
        cap: f64,
    },
    /// An indicator's sum within its points.
    SumWithin {
        /// The children's sum.
        sum: f64,
        /// The indicator's points.
        cap: f64,
    },
    /// An indicator's sum (no points stated).
    Sum {
        /// The children's sum.
        sum: f64,
    },
    /// Tasks below still pending, counted 0.
    PendingTasks {
        /// How many.
        count: usize,
    },
    /// One 加分 or 扣分.
    AdjustmentItem {
        /// Signed amount.
        amount: f64,
        /// Why.
        reason: String,
    },
    /// A rule's additions above 最高计X分.
    AdditionCapped {
        /// Sum of additions.
        added: f64,
        /// The cap.
        cap: f64,
    },
    /// A rule's deductions above 扣完为止.
    DeductionCapped {
        /// Sum of deductions (positive).
        deducted: f64,
        /// The cap.
        cap: f64,
    },
    /// What a rule counts after its caps.
    RuleNet {
        /// The rule.
        rule: String,
        /// Signed net.
        net: f64,
    },
    /// The level-1 indicators' sum, and each.
    Level1 {
        /// The sum.
        sum: f64,
        /// Each indicator's name and score.
        indicators: Vec<(String, f64)>,
    },
    /// The adjustments' net and the subtotal.
    Adjusted {
        /// Signed net.
        net: f64,
        /// Level-1 sum plus the net.
        subtotal: f64,
    },
    /// 一票否决: the total becomes 0.
    VetoZero {
        /// The veto item.
        item: String,
    },
    /// 一票否决: the total is at most the cap.
    VetoCap {
        /// The veto item.
        item: String,
        /// The cap.
        cap: f64,
    },
    /// 一票否决: the grade is set.
    VetoGrade {
        /// The veto item.
        item: String,
        /// The grade the scheme names.
        grade: String,
    },
    /// 总分.
    Total {
        /// The total.
        total: f64,
    },
    /// Ranked after the units without a veto.
    RankVetoed,
    /// Same total and mean completion as the unit before: a shared rank.
    RankTied {
        /// The unit before.
        with: String,
    },
    /// Same total as the unit before, a lower mean completion.
    RankLowerCompletion {
        /// The unit before.
        with: String,
        /// This unit's mean completion.
        completion: Option<f64>,
    },
}

/// `19.33%`, `100%`.
pub fn percent_text(c: f64) -> String {
    format!("{}%", weight_text(c * 100.0))
}

fn sign_zh(v: f64) -> &'static str {
    if v < 0.0 { "扣" } else { "加" }
}

impl Why {
    /// The line in Chinese, as the offices write it.
    pub fn zh(&self) -> String {
        match self {
            Why::NoCompletion => "尚无完成率，待评分".to_string(),
            Why::Proportional {
                weight,
                completion,
                points,
            } => format!(
                "按比例计分：分值{} × 完成率{}{} = {}分",
                weight_text(*weight),
                percent_text(*completion),
                if *completion > 1.0 {
                    "（超过100%按100%计）"
                } else {
                    ""
                },
                score_text(*points)
            ),
            Why::AllOrNothingMet { completion, points } => format!(
                "完成得满分：完成率{} ≥ 100%，得{}分",
                percent_text(*completion),
                score_text(*points)
            ),
            Why::AllOrNothingMissed { completion } => format!(
                "完成得满分：完成率{} < 100%，得{}分",
                percent_text(*completion),
                score_text(0.0)
            ),
            Why::NotGraded => "定性任务，待评定等次".to_string(),
            Why::Graded {
                grade,
                weight,
                percent,
                points,
            } => format!(
                "等次评分：{} = 分值{} × {}% = {}分",
                grade.label_zh(),
                weight_text(*weight),
                percent,
                score_text(*points)
            ),
            Why::NotScored => "待人工评分".to_string(),
            Why::Manual { points, weight } => format!(
                "人工评分：{}分（满分{}分）",
                score_text(*points),
                weight_text(*weight)
            ),
            Why::Overridden { points, reason } => {
                format!("管理员调整为{}分，理由：{}", score_text(*points), reason)
            }
            Why::By { scorer, lines } => format!(
                "{}：{}",
                scorer.zh(),
                lines.iter().map(Why::zh).collect::<Vec<_>>().join("；")
            ),
            Why::FinalIsReviewer { points } => {
                format!("最终：采用评审分{}分", score_text(*points))
            }
            Why::FinalPending => "最终：待评分".to_string(),
            Why::SumCapped { sum, cap } => format!(
                "下级合计{}分，超过指标分值{}分，按{}分计",
                score_text(*sum),
                weight_text(*cap),
                weight_text(*cap)
            ),
            Why::SumWithin { sum, cap } => format!(
                "下级合计{}分（指标分值{}分）",
                score_text(*sum),
                weight_text(*cap)
            ),
            Why::Sum { sum } => format!("下级合计{}分", score_text(*sum)),
            Why::PendingTasks { count } => format!("其中{count}项任务待评分，暂按0分计"),
            Why::AdjustmentItem { amount, reason } => format!(
                "{}{}分：{}",
                sign_zh(*amount),
                score_text(amount.abs()),
                reason
            ),
            Why::AdditionCapped { added, cap } => format!(
                "加分合计{}分，最高计{}分，按{}分计",
                score_text(*added),
                weight_text(*cap),
                weight_text(*cap)
            ),
            Why::DeductionCapped { deducted, cap } => format!(
                "扣分合计{}分，扣完为止（{}分），按{}分计",
                score_text(*deducted),
                weight_text(*cap),
                weight_text(*cap)
            ),
            Why::RuleNet { rule, net } => {
                format!("「{}」计{}{}分", rule, sign_zh(*net), score_text(net.abs()))
            }
            Why::Level1 { sum, indicators } => format!(
                "一级指标合计{}分{}",
                score_text(*sum),
                indicators
                    .iter()
                    .map(|(name, score)| format!("；{} {}分", name, score_text(*score)))
                    .collect::<String>()
            ),
            Why::Adjusted { net, subtotal } => format!(
                "加减分合计{}{}分，小计{}分",
                sign_zh(*net),
                score_text(net.abs()),
                score_text(*subtotal)
            ),
            Why::VetoZero { item } => format!("一票否决（{item}）：总分计0分"),
            Why::VetoCap { item, cap } => {
                format!("一票否决（{}）：总分最高计{}分", item, weight_text(*cap))
            }
            Why::VetoGrade { item, grade } => format!("一票否决（{item}）：等次定为{grade}"),
            Why::Total { total } => format!("总分{}分", score_text(*total)),
            Why::RankVetoed => "一票否决，排在未否决单位之后".to_string(),
            Why::RankTied { with } => format!("与「{with}」总分、平均完成率相同，名次并列"),
            Why::RankLowerCompletion { with, completion } => format!(
                "与「{}」总分相同，平均完成率{}较低",
                with,
                completion.map_or("无".to_string(), percent_text)
            ),
        }
    }
}

/// One line of an explanation: what it says ([`Line::why`]) and its Chinese text, which it
/// reads as (`&str`, `Display`, and a JSON string).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    why: Why,
    zh: String,
}

impl Line {
    /// What the line says, for rendering in another language.
    pub fn why(&self) -> &Why {
        &self.why
    }

    /// The Chinese text.
    pub fn as_str(&self) -> &str {
        &self.zh
    }
}

impl From<Why> for Line {
    fn from(why: Why) -> Line {
        let zh = why.zh();
        Line { why, zh }
    }
}

impl std::ops::Deref for Line {
    type Target = str;
    fn deref(&self) -> &str {
        &self.zh
    }
}

impl Borrow<str> for Line {
    fn borrow(&self) -> &str {
        &self.zh
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.zh)
    }
}

impl PartialEq<&str> for Line {
    fn eq(&self, other: &&str) -> bool {
        self.zh == *other
    }
}

impl PartialEq<str> for Line {
    fn eq(&self, other: &str) -> bool {
        self.zh == other
    }
}

impl Serialize for Line {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.zh)
    }
}
