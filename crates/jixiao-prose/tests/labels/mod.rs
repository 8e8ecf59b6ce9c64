//! Scoring the reader against labelled target/progress pairs (the JSON Lines format of
//! `fixtures/labels.dev.jsonl` and `fixtures/corpus/*.jsonl`). Shared by the accuracy tests and
//! by `cargo run -p jixiao-prose --example corpus`, which prints the same figures.
//!
//! Definitions:
//!
//! - **Labelled target quantities** are the label's `quantities` with a non-null `target`;
//!   **predicted** ones are the pairs of [`assess`] with a target value (read, summed or worked
//!   back). A prediction **matches** a label when the units agree after normalisation and the
//!   values agree within 0.5 % (exactly for zero) in the base unit. Normalisation: the label may
//!   write a scale in its unit (`万元`, `亿元`, `万人`, `万亩`), which is multiplied out (the reader
//!   reports 元, 人, 亩); the head before `/` is compared (`元/人·月` against `元/月`); one family
//!   for people (人 = 名 = 人次 = 位 = 户次 is not included: 户 stays 户) and for things (个 = 個);
//!   `ratio` = `比`, `fraction` = a bare number. A prediction without a unit (the text writes
//!   none: `【工作目标】1379`) matches on its value alone, since the label's unit is then the
//!   labeller's inference. Matching is greedy in label order.
//! - **Targets found** (recall) = matched ÷ labelled; **precision** = matched ÷ predicted. A
//!   target the reader worked back from the progress (`rule` `worked_back`: actual ÷ a stated
//!   ratio, when the target text states no quantity) counts as found when a label has it, and
//!   is not a false find when none does (labellers differ on whether "全年目标任务" has a value).
//! - **Actual right**, over matched quantities: both actuals none, or both within 0.5 %.
//! - **Completion within 2 %**, over all pairs: the label's completion is the lowest non-null
//!   `ratio` of its quantities (none for a qualitative pair). Correct when both are none, or
//!   |predicted − label| ≤ 0.02, or both are at least 1 for a label whose binding quantity is an
//!   at-most target (`target_op` `<=`: the label writes 1.0 for "met", the reader target ÷
//!   actual; both mean 已完成), or the reader gives no number but `Done`/`Exceeded` wording
//!   and the label is at least 0.98 (a progress of only `已完成`).

#![allow(dead_code)]

use jixiao_prose::{Reading, Wording, assess};
use serde_json::Value;

/// A unit and the factor that takes a value written in it to the reader's base unit.
pub fn norm_unit(u: &str) -> (String, f64) {
    // Labels write the unit as the document does, traditional characters included.
    let simplified: String = u
        .chars()
        .map(|c| match c {
            '戶' => '户',
            '個' => '个',
            '萬' => '万',
            '億' => '亿',
            '項' => '项',
            '間' => '间',
            '張' => '张',
            '輛' => '辆',
            '噸' => '吨',
            '畝' => '亩',
            '場' => '场',
            '處' => '处',
            '條' => '条',
            '臺' => '台',
            '筆' => '笔',
            '棟' => '栋',
            '塊' => '块',
            '盞' => '盏',
            '隻' => '只',
            '門' => '门',
            '詞' => '词',
            '％' => '%',
            c => c,
        })
        .collect();
    let head = simplified.split('/').next().unwrap_or("").trim();
    let (scale, rest) = if let Some(r) = head.strip_prefix("万亿") {
        (1e12, r)
    } else if let Some(r) = head.strip_prefix("亿") {
        (1e8, r)
    } else if let Some(r) = head.strip_prefix("万") {
        (1e4, r)
    } else if let Some(r) = head.strip_prefix("千万") {
        (1e7, r)
    } else if let Some(r) = head.strip_prefix("百万") {
        (1e6, r)
    } else {
        (1.0, head)
    };
    let (scale, rest) = if rest.is_empty() {
        (1.0, head)
    } else {
        (scale, rest)
    };
    let unit = match rest {
        "個" => "个",
        "名" | "人次" | "位" | "萬人" => "人",
        "个百分点" => "百分点",
        "ratio" => "比",
        "fraction" => "",
        "％" => "%",
        h => h,
    };
    (unit.to_string(), scale)
}

fn near(a: f64, b: f64) -> bool {
    if b == 0.0 {
        a.abs() < 1e-9
    } else {
        ((a - b) / b).abs() <= 0.005
    }
}

struct Label {
    target: f64,
    unit: String,
    actual: Option<f64>,
}

struct Want {
    quantities: Vec<Label>,
    completion: Option<f64>,
    at_most_binding: bool,
}

fn labelled(v: &Value) -> Want {
    let mut quantities = Vec::new();
    let mut lowest: Option<(f64, bool)> = None;
    for q in v["quantities"].as_array().into_iter().flatten() {
        let (unit, scale) = norm_unit(q["unit"].as_str().unwrap_or_default());
        if let Some(t) = q["target"].as_f64() {
            quantities.push(Label {
                target: t * scale,
                unit,
                actual: q["actual"].as_f64().map(|a| a * scale),
            });
        }
        if let Some(r) = q["ratio"].as_f64() {
            let at_most = q["target_op"].as_str() == Some("<=");
            if lowest.is_none_or(|(l, _)| r < l) {
                lowest = Some((r, at_most));
            }
        }
    }
    if v["qualitative"].as_bool() == Some(true) {
        lowest = None;
    }
    Want {
        quantities,
        completion: lowest.map(|(r, _)| r),
        at_most_binding: lowest.is_some_and(|(_, m)| m),
    }
}

fn completion_correct(r: &Reading, want: &Want) -> bool {
    match (r.completion, want.completion) {
        (None, None) => true,
        (Some(c), Some(w)) => {
            (c - w).abs() <= 0.02 || (want.at_most_binding && c >= 1.0 && w >= 1.0)
        }
        (None, Some(w)) => matches!(r.wording, Wording::Done | Wording::Exceeded) && w >= 0.98,
        (Some(_), None) => false,
    }
}

/// The four figures over a set of labelled pairs, with the failures explained.
#[derive(Debug, Default)]
pub struct Figures {
    pub pairs: usize,
    pub labelled: usize,
    pub predicted: usize,
    pub matched: usize,
    pub actual_ok: usize,
    pub completion_ok: usize,
    /// One entry per pair with a miss: its line number, texts and what went wrong.
    pub failures: Vec<String>,
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

impl Figures {
    pub fn recall(&self) -> f64 {
        pct(self.matched, self.labelled)
    }
    pub fn precision(&self) -> f64 {
        pct(self.matched, self.predicted)
    }
    pub fn actual(&self) -> f64 {
        pct(self.actual_ok, self.matched)
    }
    pub fn completion(&self) -> f64 {
        pct(self.completion_ok, self.pairs)
    }
    pub fn summary(&self, name: &str) -> String {
        format!(
            "{name}: {} pairs; targets found {:.1}% ({}/{}), precision {:.1}% ({}/{}), actual right {:.1}% ({}/{}), completion within 2% {:.1}% ({}/{})",
            self.pairs,
            self.recall(),
            self.matched,
            self.labelled,
            self.precision(),
            self.matched,
            self.predicted,
            self.actual(),
            self.actual_ok,
            self.matched,
            self.completion(),
            self.completion_ok,
            self.pairs
        )
    }
}

/// Reads every pair of a JSON Lines text and scores the reader on it.
pub fn score(jsonl: &str) -> Figures {
    let mut f = Figures::default();
    for (line_no, line) in jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("line {}: not JSON: {e}", line_no + 1));
        let target = v["target"].as_str().unwrap_or_default();
        let progress = v["progress"].as_str().unwrap_or_default();
        let r = assess(target, progress);
        let want = labelled(&v);
        let preds: Vec<(f64, String, Option<f64>, bool)> = r
            .pairs
            .iter()
            .filter_map(|p| {
                p.target
                    .map(|t| (t, norm_unit(&p.unit).0, p.actual, p.rule == "worked_back"))
            })
            .collect();
        f.pairs += 1;
        f.labelled += want.quantities.len();
        let mut used = vec![false; preds.len()];
        let mut notes = Vec::new();
        for l in &want.quantities {
            let hit = (0..preds.len()).find(|&k| {
                // a number the text writes without any unit matches on its value: the
                // label's unit is the labeller's inference, which no reader can make
                !used[k]
                    && (preds[k].1 == l.unit || preds[k].1.is_empty())
                    && near(preds[k].0, l.target)
            });
            match hit {
                Some(k) => {
                    used[k] = true;
                    f.matched += 1;
                    let ok = match (preds[k].2, l.actual) {
                        (None, None) => true,
                        (Some(a), Some(b)) => near(a, b),
                        _ => false,
                    };
                    if ok {
                        f.actual_ok += 1;
                    } else {
                        notes.push(format!("actual {:?} ≠ {:?}", preds[k].2, l.actual));
                    }
                }
                None => notes.push(format!("missed target {} {}", l.target, l.unit)),
            }
        }
        for (k, p) in preds.iter().enumerate() {
            // A target worked back from the progress (actual ÷ a stated ratio, the target text
            // stating none) counts when a label has it and is no false find when none does.
            if used[k] || !p.3 {
                f.predicted += 1;
            }
            if !used[k] && !p.3 {
                notes.push(format!("extra target {} {}", p.0, p.1));
            }
        }
        if completion_correct(&r, &want) {
            f.completion_ok += 1;
        } else {
            notes.push(format!(
                "completion {:?} ≠ {:?} ({:?})",
                r.completion, want.completion, r.wording
            ));
        }
        if !notes.is_empty() {
            let mut s = format!("line {}: {} | {}\n", line_no + 1, target, progress);
            for n in notes {
                s.push_str(&format!("    {n}\n"));
            }
            for e in &r.explanation {
                s.push_str(&format!("      · {e}\n"));
            }
            f.failures.push(s);
        }
    }
    f
}
