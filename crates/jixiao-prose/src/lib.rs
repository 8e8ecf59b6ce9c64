//! # jixiao-prose: quantities out of Chinese target and progress prose
//!
//! Government appraisal tables state their targets (年度目标) and their progress (进度情况) as
//! Chinese prose: "开展巾帼家政及技能培训50期，培训妇女1000人" against "培训50余期，培训妇女2000余人".
//! This crate reads the quantities out of both texts, pairs each target quantity with the
//! progress quantity that answers it, computes the completion ratio of every pair and of the task,
//! and explains every number it used, in Chinese. It depends on nothing else of the project.
//!
//! ## The reading model
//!
//! 1. **Scanning** ([`extract`]): one pass over the chars of a text (normalised one-to-one:
//!    full-width digits and signs to ASCII, traditional ideographs to simplified by
//!    OpenCC's character table). A number is Arabic (`1,000`, `3.57`, `１２`), Chinese (`二十`, `两千`,
//!    `三千五百万`, bare `百万`), or mixed (`1.2万`, `8000多亿`, `1.3萬億`), `百分之三十`, a range
//!    (`2-3个` → its lower bound), a rate (`10/10万`), a ratio literal after 比 (`医护比1:1`) or
//!    `一半`. After the number come an approximation (`余`, `多`), a unit or measure word from a
//!    closed list (期 人 人次 场 户 个 所 名 对 次 篇 项 台 元 % 倍 百分点 公里 …, compound
//!    units like `元/人·月`), and trailing words (`以上`, `以下`, `以内`, `左右`). Before it come
//!    approximations (`近`, `约`, `逾`, `超`) and constraints (`不少于` … at least, `不超过`,
//!    `控制在`, `低于`, `最高`, `≤` … at most). In table cells (`|`-separated) a bare number takes
//!    its unit from a header in parentheses (`城镇新增就业(人) | 27800`) or a unit cell
//!    (`| 個 | 2295`).
//! 2. **Kinds**: a percentage or multiple after 完成率/完成比例, after `…任务的`/`…计划的`/
//!    `…目标的`, after `超额完成`, in parentheses right after a count (`120条(95%)`), or following
//!    another such ratio with `和` (分别…的120.7%和134.7%) is a stated completion ratio
//!    ([`QuantityKind::Ratio`]); a count after `超(过)…任务` or `比…目标多` is a stated
//!    difference ([`QuantityKind::Difference`]); everything else is a measured amount
//!    ([`QuantityKind::Count`]).
//! 3. **Pairing** ([`assess`]): a completion rate set as a target (`项目完成率达到95%`) is
//!    answered by the progress's stated rate; every other target quantity (unit-bearing
//!    ones; bare numbers only when the target has no unit-bearing quantity; duplicates
//!    restating the same value merged) is paired with one progress count: first by unit (exact, then the same family such as
//!    人/名/人次, then a compound unit with its head, then a bare table cell or the generic 个
//!    for a thing's classifier when at least two word bigrams agree), then by the words
//!    around the numbers (shared character bigrams), then by order. Counts in a clause that
//!    speaks of a plan (正在, 计划, 预计, 准备, 名额 …) are not achievements and are never paired.
//!    Several targets of one unit answered by one total (`共…`, `合计…`) are summed; among
//!    equally good candidates a total (合计, 共计, 累计 …) answers before its parts.
//! 4. **Ratios**: actual ÷ target, or target ÷ actual for at-most targets (lower is better). A
//!    stated ratio is checked against the computed one (to the precision it is written in) and
//!    reported when it disagrees; the computed ratio wins. A stated ratio or difference that no
//!    computed pair answers is used for a target without an actual; when the target text has
//!    no quantity at all, the target is worked back from the progress (actual ÷ stated ratio,
//!    actual − stated difference; ratios listed together with 分别 answer their counts in
//!    order).
//! 5. **Completion** is the lowest pair ratio ([`Reading::completion`]) or, for schemes that
//!    choose it, the mean ([`Reading::completion_by_mean`]). Completion wording (已完成, 超额完成,
//!    全面完成, 已建成, 已建立 …) and in-progress wording (正在, 推进中, 按程序实施 …) are reported as
//!    [`Wording`]; they decide the status where numbers cannot, and completion then stays `None`.
//!
//! ## What it deliberately does not do
//!
//! - It never invents a number: no ratio from wording, no guessed denominators, no completion
//!   when no pair has a ratio.
//! - It does not read dates and years (`2022年底`, `3月`, `第三季度`, `1至7月`), ordinals (`第三`),
//!   ages (`6-9岁`), grades (`二级`), list markers (`1.`, `2、`, `*4.`, `（二）`, and `3.90%` at the
//!   start of an item is read as item 3 and 90%), numbers in quotation marks or book-title
//!   marks (`“十四五”`, `“两癌”`, `《…》`: names), or Chinese numerals without a measure word
//!   (`三八妇女节`, `五区一市`, `二十大`); a lone `一` used as "per" (`一户年最高5300元`, `一人一档`);
//!   amounts per period or head (`每月1次`) are read but neither set a target nor answer one
//!   when other quantities do.
//! - `,` is a thousands separator only before exactly three digits; the full-width `，` never is
//!   (it is list punctuation).
//! - It knows no grammar: `what` is the clause around the number, not a parsed noun phrase.
//! - A numeral name outside quotation marks is read as a count unless it is one of a short list
//!   of set phrases (八项规定, 两个维护, 两个规划, 四个意识, 一次办好, 一张网 …): a new slogan such as
//!   `六个一批` written without quotes gives 6个.
//! - Pairing is greedy in target order and per text; it does not weigh all assignments at once.
//! - [`assess`] pairs at most the first 256 quantities of each text, and every look-back for a
//!   clause, cell or sentence edge stops after 64 chars, so reading stays linear on any input.

#![warn(missing_docs)]

mod assess;
mod fields;
mod scan;
mod text;
mod trad;

pub use assess::assess;
pub use scan::extract;

use serde::Serialize;
use std::ops::Range;

/// An approximation word attached to a quantity. The number is read as written; `余`, `多`,
/// `逾` and `超` make it a lower bound ("50余期" is at least 50).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Approx {
    /// 余: "50余期", more than.
    #[serde(rename = "余")]
    Yu,
    /// 多: "8000多亿", more than.
    #[serde(rename = "多")]
    Duo,
    /// 近: "近2000人", nearly.
    #[serde(rename = "近")]
    Jin,
    /// 约 (also 大约): about.
    #[serde(rename = "约")]
    Yue,
    /// 逾: "逾百万", over.
    #[serde(rename = "逾")]
    YuOver,
    /// 超 / 超过 (not 不超过): over.
    #[serde(rename = "超")]
    Chao,
    /// 左右: about.
    #[serde(rename = "左右")]
    ZuoYou,
}

impl Approx {
    /// The Chinese word, as written in the JSON contract.
    pub fn as_zh(self) -> &'static str {
        match self {
            Approx::Yu => "余",
            Approx::Duo => "多",
            Approx::Jin => "近",
            Approx::Yue => "约",
            Approx::YuOver => "逾",
            Approx::Chao => "超",
            Approx::ZuoYou => "左右",
        }
    }
}

/// A constraint on a target quantity. `以上` is read as a constraint (at least), not as an
/// approximation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    /// 不少于, 不低于, 至少, 最少, 以上, ≥, >=: the target is a floor.
    AtLeast,
    /// 不超过, 控制在…以内, 以下, 低于, 最高, ≤, <=: a ceiling; lower is better, and the
    /// completion ratio is target ÷ actual (负向指标).
    AtMost,
}

/// What a quantity states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityKind {
    /// A measured amount: "培训妇女1000人", "创建率38.69%".
    Count,
    /// A stated completion ratio. `value` is the ratio as a fraction of the task (1.0 = done):
    /// 完成率100% → 1.0, 完成年度任务的46% → 0.46, 超额完成20% → 1.2, 是全年任务量的6.4倍 → 6.4.
    /// `unit` keeps the sign it was written with (`%` or `倍`); a ratio written without its sign
    /// ("完成率15.") has unit `""`, keeps the bare number as `value`, and is never used.
    Ratio,
    /// A stated difference actual − target, in the unit of the counted amount:
    /// 超任务17元 → 17 元, 超过省定任务6所 → 6 所, 超任务9.4个百分点 → 9.4 百分点.
    Difference,
}

/// One quantity read out of a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantity {
    /// The value in the base unit: 1.2万人 → 12000 (unit 人), 29万元 → 290000 (元),
    /// 38.69% → 38.69 (%); for a [`QuantityKind::Ratio`] the fraction (see there). A range
    /// (`2-3个`) gives its lower bound.
    pub value: f64,
    /// The unit or measure word after the number, simplified: 期 人 人次 场 户 个 所 名 对 次 篇
    /// 项 台 公里 元 % 倍 百分点 …, compound units like `元/人·月`, `/10万` for a rate, `比` for a
    /// ratio literal, `""` for a bare number.
    pub unit: String,
    /// What is counted: the words of the clause before the number (or after it, for "25%的农村
    /// 常住庭院"), trimmed, as written in the text.
    pub what: String,
    /// An approximation word, if any.
    pub approx: Option<Approx>,
    /// A constraint, if any.
    pub constraint: Option<Constraint>,
    /// What the quantity states.
    pub kind: QuantityKind,
    /// Byte offsets of the number with its unit in the text (always on char boundaries).
    pub span: Range<usize>,
}

/// What the wording of a progress text says, where numbers cannot decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Wording {
    /// No completion or in-progress wording.
    #[default]
    None,
    /// 已完成, 全面完成, 已建成, 已建立, 已实现 …
    Done,
    /// 超额完成, 加倍完成 …
    Exceeded,
    /// 正在, 推进中, 按程序实施 …
    InProgress,
}

/// One target quantity with the progress quantity that answers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    /// What is counted (from the target, or from the progress when worked back).
    pub what: String,
    /// The unit of the pair (the target's, or the more specific of the two).
    pub unit: String,
    /// The target value in the base unit; worked back from the progress when the target text
    /// states none; `None` when only a stated ratio is known.
    pub target: Option<f64>,
    /// The actual value in the base unit (a lower bound when approximate); `None` when the
    /// progress states none.
    pub actual: Option<f64>,
    /// The approximation of the actual (or of the target when there is no actual).
    pub approx: Option<Approx>,
    /// The target's constraint.
    pub constraint: Option<Constraint>,
    /// actual ÷ target, target ÷ actual for at-most targets, or a stated ratio; `None` when
    /// unknown.
    pub ratio: Option<f64>,
    /// Byte span of the target quantity in the target text (for a summed target, from the
    /// first to the last).
    pub target_span: Option<Range<usize>>,
    /// Byte span of the actual quantity in the progress text (or of the stated ratio or
    /// difference the pair was worked back from).
    pub actual_span: Option<Range<usize>>,
    /// The rule that produced the ratio: `count`, `at_most_inverted`, `sum`, `stated_ratio`,
    /// `difference`, `worked_back`, `wording` (no number; the wording decides) or `unmatched`.
    pub rule: String,
}

/// How pair ratios combine into a task's completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// The lowest ratio (the product default: a task is as done as its least done quantity).
    #[default]
    Lowest,
    /// The mean of the ratios (a scheme may choose it).
    Mean,
}

/// The reading of one target and progress pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    /// One per target quantity, plus targets worked back from the progress when the target
    /// text has none.
    pub pairs: Vec<Pair>,
    /// The lowest pair ratio; `None` when no pair has a ratio (the reader never invents one).
    pub completion: Option<f64>,
    /// Completion or in-progress wording found in the progress.
    pub wording: Wording,
    /// No target quantity and no ratio: a reviewer must grade.
    pub qualitative: bool,
    /// Human-readable Chinese lines: which spans, which rule.
    pub explanation: Vec<String>,
}

impl Reading {
    /// The completion under an aggregation rule; `None` when no pair has a ratio.
    pub fn completion_with(&self, how: Aggregate) -> Option<f64> {
        let ratios = self.pairs.iter().filter_map(|p| p.ratio);
        match how {
            Aggregate::Lowest => ratios.reduce(f64::min),
            Aggregate::Mean => {
                let (sum, n) = ratios.fold((0.0, 0usize), |(s, n), r| (s + r, n + 1));
                (n > 0).then(|| sum / n as f64)
            }
        }
    }

    /// The mean of the pair ratios, for schemes that choose the mean; `None` when no pair has
    /// a ratio.
    pub fn completion_by_mean(&self) -> Option<f64> {
        self.completion_with(Aggregate::Mean)
    }
}
