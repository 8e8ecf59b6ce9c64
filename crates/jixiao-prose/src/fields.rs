//! Labelled fields: what a flattened table row or self-evaluation form says about its numbers.
//!
//! Offices paste rows of their tables into one text, each value after its column's label:
//! `【指标名称】城镇新增就业(人)【目标任务】26000`, `三级指标：项目总成本 年度指标值：≤90万元`,
//! `实际完成值：50 分值：8 得分：8`, `全年预算数(A) 9.48 … 执行率(B/A) 100%`. The label says
//! what the number is: points and scores (分值, 得分, 权重) are not quantities of the task; a rate
//! label (完成率, 占年任务之比, 完成目标(%)) makes the number a stated completion; a unit in the
//! label (`目标任务（万元）`) or a unit field (`【单位】万人`, `度量单位：万元`) is the unit of the
//! bare numbers; `指标性质：≤` is the target's constraint. A bare number that still has no unit
//! takes the other text's (`≤90万元` against `90`), and an indicator named `…人数` counts 人.

use crate::scan::{CHANGE, Found, unit_of_str};
use crate::text::{Text, is_cjk};
use crate::{Constraint, Quantity, QuantityKind};

/// Labels of points, scores and numbering: their numbers belong to the form, not the task.
const IGNORED: &[&str] = &[
    "分值", "得分", "权重", "分数", "折算", "序号", "编号", "满分",
];

/// Labels of a stated completion rate.
const RATE: &[&str] = &[
    "率",
    "比例",
    "之比",
    "占比",
    "百分比",
    "完成目标",
    "完成进度",
    "进度(%)",
];

/// Labels of the field that holds the target value (工作目标, 目标任务, 年度指标值, 目标值).
const TARGET_FIELD: &[&str] = &["目标", "指标值", "任务", "计划数", "预算数"];

/// Labels of the budget lines of a self-evaluation form (预算数, 执行数): their amounts are
/// 万元 unless a unit is written.
const BUDGET_LINE: &[&str] = &["预算数", "执行数", "预算执行数", "调整后预算"];

/// Labels of a unit field.
const UNIT: &[&str] = &["单位", "度量单位", "计量单位"];

/// Words before a `(unit)` in a name that make the target a ceiling (城镇登记失业率低于(%)).
const AT_MOST_NAME: &[&str] = &["低于", "不高于", "不超过", "以下", "以内", "控制在"];

/// The label of the field a number at char `pre` stands in: the text of `【…】` right before it,
/// or of `label:` / `label ` (a short run of words ending just before the number). Returns the
/// label's chars `(a, b)`.
fn label_before(t: &Text, pre: usize, a: usize) -> Option<(usize, usize)> {
    let c = &t.c;
    let spaced = (pre..a).any(|k| c[k] == ' ');
    let mut p = pre;
    while p > 0 && c[p - 1] == ' ' {
        p -= 1;
    }
    let lo = p.saturating_sub(24);
    if p > 0 && c[p - 1] == '】' {
        let e = p - 1;
        let mut s = e;
        while s > lo && c[s - 1] != '【' {
            s -= 1;
        }
        return (s > lo || (s > 0 && c[s - 1] == '【')).then_some((s, e));
    }
    let colon = p > 0 && matches!(c[p - 1], ':' | '=');
    // Without a colon, only words set apart by a space label the number (全年预算数(A) 9.48);
    // 筛查率82.33% is prose.
    if !colon && p == pre && !spaced {
        return None;
    }
    let e = if colon { p - 1 } else { p };
    let mut s = e;
    while s > lo
        && !matches!(
            c[s - 1],
            ' ' | '】' | '|' | ',' | '，' | '；' | ';' | '。' | ':' | '\n'
        )
    {
        s -= 1;
    }
    // A label is words: without a colon, it must end in a CJK char or a closing parenthesis.
    let words = (s..e).any(|k| is_cjk(c[k]));
    let ends_well = e > s && (is_cjk(c[e - 1]) || c[e - 1] == ')');
    (words && (colon || ends_well)).then_some((s, e))
}

/// The label of the field char `pos` lies in: the nearest `【…】` or `label:` before it in the
/// same cell (a table's `|` or a line break ends the search).
fn field_label(t: &Text, pos: usize) -> Option<(usize, usize)> {
    let c = &t.c;
    let lo = pos.saturating_sub(64);
    let mut k = pos;
    while k > lo {
        k -= 1;
        match c[k] {
            '】' => {
                let mut s = k;
                while s > lo && c[s - 1] != '【' {
                    s -= 1;
                }
                return (s > 0 && c[s - 1] == '【').then_some((s, k));
            }
            ':' => {
                let mut s = k;
                while s > lo
                    && !matches!(
                        c[s - 1],
                        ' ' | '】' | '|' | ',' | '，' | '；' | ';' | '。' | '\n'
                    )
                {
                    s -= 1;
                }
                return (s < k && (s..k).any(|j| is_cjk(c[j]))).then_some((s, k));
            }
            '|' | '\n' => return None,
            _ => {}
        }
    }
    None
}

fn label_has(t: &Text, (a, b): (usize, usize), words: &[&str]) -> bool {
    words.iter().any(|w| t.contains(a, b, w))
}

/// A `(unit)` at the end of chars `a..b`, with its scale: `(人)`, `（万元）`, `(%)`.
fn paren_unit(t: &Text, a: usize, b: usize) -> Option<(String, f64, usize)> {
    let c = &t.c;
    let mut e = b;
    while e > a && c[e - 1] == ' ' {
        e -= 1;
    }
    if e <= a || c[e - 1] != ')' {
        return None;
    }
    let mut o = e - 1;
    while o > a && o + 8 > e && c[o - 1] != '(' {
        o -= 1;
    }
    if o == a || c[o - 1] != '(' {
        return None;
    }
    let inner: String = c[o..e - 1].iter().collect();
    unit_of_str(&inner).map(|(u, s)| (u, s, o - 1))
}

/// The unit the text gives its bare numbers: a unit field (`【单位】万人`, `度量单位：万元`), or a
/// `(unit)` right after words and not after a number (`城镇新增就业(人)`, `资金情况（万元）`),
/// with a ceiling when the words say so.
fn default_unit(t: &Text) -> Option<(String, f64, Option<Constraint>)> {
    let c = &t.c;
    let n = c.len();
    for i in 0..n {
        if c[i] == '】' || c[i] == ':' {
            let lab_end = i;
            let mut s = i;
            let open = if c[i] == '】' { '【' } else { '\0' };
            while s > 0 && i - s < 8 && c[s - 1] != open && !matches!(c[s - 1], ' ' | '】' | '|') {
                s -= 1;
            }
            if UNIT.iter().any(|w| t.ends(lab_end, w)) {
                let mut e = i + 1;
                while e < n
                    && e < i + 8
                    && !matches!(c[e], '【' | ' ' | '|' | ',' | '，' | ';' | '；' | ')')
                {
                    e += 1;
                }
                let v: String = c[i + 1..e].iter().collect();
                if let Some((u, s)) = unit_of_str(v.trim()) {
                    return Some((u, s, None));
                }
            }
        }
        // a `(unit)` inside a label (【完成目标(%)】, 【全年任务目标(个)】) is that field's own
        // and so is one right before its number (完成比例(%) 187.9)
        let next = (i + 1..n).find(|&k| c[k] != ' ').map(|k| c[k]);
        let in_label =
            matches!(next, Some('】' | ':')) || next.is_some_and(|ch| ch.is_ascii_digit());
        if c[i] == ')' && i > 0 && !in_label {
            let lo = i.saturating_sub(8);
            if let Some((u, s, o)) = paren_unit(t, lo, i + 1)
                && o > 0
                && is_cjk(c[o - 1])
            {
                let at_most = AT_MOST_NAME.iter().any(|w| t.ends(o, w));
                return Some((u, s, at_most.then_some(Constraint::AtMost)));
            }
        }
    }
    None
}

/// `指标性质：≤` in a self-evaluation form: the constraint of its target.
fn declared_constraint(t: &Text) -> Option<Constraint> {
    let c = &t.c;
    if !c.contains(&'性') {
        return None;
    }
    (0..c.len()).find_map(|i| {
        if !t.at(i, "指标性质") {
            return None;
        }
        let k = (i + 4..c.len().min(i + 8)).find(|&k| !matches!(c[k], ':' | ' '))?;
        match c[k] {
            '≤' | '<' => Some(Constraint::AtMost),
            '≥' | '>' => Some(Constraint::AtLeast),
            _ => None,
        }
    })
}

/// The scale a quantity was written with (万元 → 1e4), from its chars.
pub(crate) fn written_scale(t: &Text, f: &Found) -> f64 {
    let s: String = t.c[f.a..f.b].iter().collect();
    if s.contains("万亿") {
        1e12
    } else if s.contains('亿') {
        1e8
    } else if s.contains('万') {
        1e4
    } else {
        1.0
    }
}

/// An indicator named `…人数`, `…户数`, `…个数`: its bare numbers count 人, 户, 个.
fn unit_from_name(t: &Text) -> Option<String> {
    let c = &t.c;
    (1..c.len()).find_map(|i| {
        if c[i] != '数' {
            return None;
        }
        let after = c.get(i + 1).copied().unwrap_or(' ');
        if is_cjk(after) && after != '量' {
            return None;
        }
        let s: String = c[i - 1..i].iter().collect();
        match s.as_str() {
            "人" | "户" | "个" | "次" | "家" | "所" | "项" | "场" => Some(s),
            _ => None,
        }
    })
}

/// What the labels say, applied to one text's quantities: numbers of points, scores and label
/// numbering dropped, rate fields made stated ratios (`progress` only), units from the label or
/// the text's unit field given to bare numbers. Returns the text's default unit.
fn apply_labels(
    t: &Text,
    found: &mut Vec<Found>,
    progress: bool,
    fallback: Option<&(String, f64, Option<Constraint>)>,
    ex: &mut Vec<String>,
) -> Option<(String, f64, Option<Constraint>)> {
    // When a field holds the target value, numbers in the indicator's name are qualifiers
    // (【考核指标】新增15万户直播卫星用户【工作目标】12800).
    if !progress {
        let in_target_field = |f: &Found| {
            field_label(t, f.pre).is_some_and(|l| {
                label_has(t, l, TARGET_FIELD)
                    && !label_has(t, l, &["名称", "内容", "完成", "进度", "实际"])
            })
        };
        if found.iter().any(in_target_field) {
            let before = found.len();
            found.retain(|f| {
                in_target_field(f) || field_label(t, f.pre).is_none_or(|l| label_has(t, l, IGNORED))
            });
            if found.len() < before {
                ex.push("目标值栏已有数值，指标名称中的数字不作为目标量".to_string());
            }
        }
    }
    let own = default_unit(t);
    let default = own.clone().or_else(|| fallback.cloned());
    let declared = if progress {
        None
    } else {
        declared_constraint(t)
    };
    let c = &t.c;
    // numbers inside a label (【1- 8月 实际完成情况】) belong to the label
    if c.contains(&'【') {
        let mut in_label = vec![false; c.len() + 1];
        let mut open = false;
        for (k, &ch) in c.iter().enumerate() {
            match ch {
                '【' => open = true,
                '】' => open = false,
                _ => {}
            }
            in_label[k] = open;
        }
        found.retain(|f| !in_label[f.a]);
    }
    found.retain_mut(|f| {
        // 指标12：, 目标1： — the label's own number
        let after = (f.b..c.len()).find(|&k| c[k] != ' ').map(|k| c[k]);
        if f.q.unit.is_empty() && after == Some(':') && f.a > 0 && is_cjk(c[f.a - 1]) {
            return false;
        }
        let Some(label) = label_before(t, f.pre, f.a) else {
            return true;
        };
        if label_has(t, label, IGNORED) {
            ex.push(format!(
                "“{}{}”是表中的分值、得分或序号，不是任务的数量",
                t.slice(label.0, label.1),
                t.slice(f.a, f.b)
            ));
            return false;
        }
        let rate = label_has(t, label, RATE)
            || paren_unit(t, label.0, label.1).is_some_and(|(u, _, _)| u == "%");
        if rate
            && progress
            && (f.q.unit.is_empty() || f.q.unit == "%")
            && f.q.kind == QuantityKind::Count
        {
            f.q.kind = QuantityKind::Ratio;
            f.q.value /= 100.0;
            f.q.unit = "%".to_string();
            return true;
        }
        if f.q.unit.is_empty() && f.q.kind == QuantityKind::Count {
            let unit = paren_unit(t, label.0, label.1)
                .map(|(u, s, _)| (u, s, None))
                .or_else(|| default.clone())
                .or_else(|| {
                    // a budget line of a self-evaluation form with no unit written anywhere
                    // (年度资金总额：全年预算数 207.4538 | 全年执行数 207.4538): the form's
                    // 项目资金（万元） heading was left behind when the row was copied
                    label_has(t, label, BUDGET_LINE).then(|| ("元".to_string(), 1e4, None))
                });
            if let Some((u, s, k)) = unit {
                f.q.value *= s;
                f.q.unit = u;
                f.bare = true;
                if f.q.constraint.is_none() {
                    f.q.constraint = k.or(declared);
                }
            } else {
                f.bare = true;
                if f.q.constraint.is_none() {
                    f.q.constraint = declared;
                }
            }
        } else if f.q.constraint.is_none() && declared.is_some() && f.q.kind == QuantityKind::Count
        {
            f.q.constraint = declared;
        }
        true
    });
    own
}

/// Labels of both texts, then bare numbers given the other text's unit (`≤90万元` | `90`), and
/// a zero budget line dropped (年初预算 0.00 beside 调整后预算数 3.36).
pub(crate) fn adjust(
    tt: &Text,
    tf: &mut Vec<Found>,
    pt: &Text,
    pf: &mut Vec<Found>,
    ex: &mut Vec<String>,
) {
    // labels end in 】 or :, or stand apart from their number by a space (执行率(B/A) 100%)
    let labelled = |t: &Text| {
        t.c.iter().enumerate().any(|(k, &ch)| {
            matches!(ch, '】' | ':')
                || (ch == ' ' && t.c.get(k + 1).is_some_and(|d| d.is_ascii_digit()))
        })
    };
    let target_default = if labelled(tt) {
        apply_labels(tt, tf, false, None, ex)
    } else {
        None
    };
    if labelled(pt) {
        apply_labels(pt, pf, true, target_default.as_ref(), ex);
    }
    for (t, fs) in [(tt, &mut *tf), (pt, &mut *pf)] {
        drop_range_ends(t, fs);
        drop_qualifiers(t, fs, ex);
        drop_baselines(t, fs, ex);
    }
    drop_investment_scope(tt, tf, pt, pf, ex);
    // A percentage in the progress of a target that counts things (2家 | 100%, 形象进度80%) is
    // the work's stated completion, unless it measures growth.
    let target_percent = tf
        .iter()
        .any(|f| f.q.unit == "%" || f.q.kind != QuantityKind::Count);
    if !target_percent && tf.iter().any(|f| !f.q.unit.is_empty()) {
        for f in pf
            .iter_mut()
            .filter(|f| f.q.kind == QuantityKind::Count && f.q.unit == "%")
        {
            let lo = f.pre.saturating_sub(8);
            let growth = [
                "增长", "下降", "同比", "提高", "降低", "增加", "减少", "增幅", "占", "率", "比",
            ]
            .iter()
            .any(|w| pt.contains(lo, f.pre, w));
            if !growth {
                f.q.kind = QuantityKind::Ratio;
                f.q.value /= 100.0;
            }
        }
    }
    if tf
        .iter()
        .filter(|f| f.q.kind == QuantityKind::Count)
        .count()
        > 1
    {
        tf.retain(|f| !(f.bare && f.q.value == 0.0 && f.q.constraint.is_none()));
    }
    // a bare number takes the other side's unit
    let unit_of = |t: &Text, fs: &[Found]| -> Option<(String, f64)> {
        let mut units = fs
            .iter()
            .filter(|f| f.q.kind == QuantityKind::Count && !f.q.unit.is_empty() && !f.per);
        let first = units.next()?;
        let scale = written_scale(t, first);
        units
            .all(|f| f.q.unit == first.q.unit)
            .then(|| (first.q.unit.clone(), scale))
    };
    let bare_counts = |fs: &[Found]| {
        fs.iter()
            .filter(|f| f.q.kind == QuantityKind::Count && f.q.unit.is_empty())
            .count()
    };
    if bare_counts(tf) > 0
        && tf
            .iter()
            .all(|f| f.q.unit.is_empty() || f.q.kind != QuantityKind::Count)
    {
        let from = unit_of(pt, pf).or_else(|| unit_from_name(tt).map(|u| (u, 1.0)));
        if let Some((u, s)) = from {
            for f in tf
                .iter_mut()
                .filter(|f| f.q.kind == QuantityKind::Count && f.q.unit.is_empty())
            {
                // a number that wrote its own scale (5万以上) has it in its value already
                if written_scale(tt, f) == 1.0 {
                    f.q.value *= s;
                }
                f.q.unit = u.clone();
                f.bare = true;
            }
        }
    }
    for (t, fs) in [(tt, &mut *tf), (pt, &mut *pf)] {
        if let Some(f) = full_coverage(t, fs) {
            let at = fs.partition_point(|g| g.a < f.a);
            fs.insert(at, f);
        }
    }
    // one bare number only: of two (申请离婚数9189 … 劝和对数3620) none is plainly the answer
    if bare_counts(pf) == 1
        && let Some((u, s)) = unit_of(tt, tf)
        && !pf
            .iter()
            .any(|f| f.q.kind == QuantityKind::Count && !f.q.unit.is_empty() && f.q.unit == u)
    {
        for f in pf
            .iter_mut()
            .filter(|f| f.q.kind == QuantityKind::Count && f.q.unit.is_empty())
        {
            if written_scale(pt, f) == 1.0 {
                f.q.value *= s;
            }
            f.q.unit = u.clone();
            f.bare = true;
        }
    }
}

/// 全覆盖 said without a figure (对有课后需求的学生实行全覆盖): a coverage of 100 %, as a careful
/// reader reads it; not when negated (未实现全覆盖), when the text writes its own percentage, or
/// when its clause counts something else.
fn full_coverage(t: &Text, fs: &[Found]) -> Option<Found> {
    if fs.iter().any(|f| f.q.unit == "%") {
        return None;
    }
    let c = &t.c;
    // …and only where the clause counts nothing else: 2名全科医生全覆盖 is a count of 名
    let alone = |i: usize| {
        let (cs, ce) = (
            crate::scan::clause_start(t, i),
            crate::scan::clause_end(t, i),
        );
        !fs.iter().any(|f| f.a >= cs && f.a < ce)
    };
    let a = (0..c.len()).find(|&i| {
        c[i] == '全'
            && t.at(i, "全覆盖")
            && !(i.saturating_sub(3)..i).any(|k| matches!(c[k], '未' | '没' | '不' | '尚'))
            && alone(i)
    })?;
    let b = a + 3;
    Some(Found {
        q: Quantity {
            value: 100.0,
            unit: "%".to_string(),
            what: t
                .slice(crate::scan::clause_start(t, a), a)
                .trim()
                .to_string(),
            approx: None,
            constraint: None,
            kind: QuantityKind::Count,
            span: t.off[a]..t.off[b],
        },
        a,
        b,
        pre: a,
        decimals: 0,
        bare: false,
        per: false,
        upper: None,
    })
}

/// The old values of a change (由520元/月提高到580元/月, 分别从每人每年2100元、2800元提高到…,
/// 由4020元/年(335元/月)提高到4320元/年): what was, neither a target nor an achievement. A value
/// between 由 or 从 and a change verb ending in 到/至/为 of the same sentence, at most 40 chars
/// apart, is one; and so is a value in parentheses right after the new one, restating it in
/// another period (4320元/年(360元/月)).
fn drop_baselines(t: &Text, found: &mut Vec<Found>, ex: &mut Vec<String>) {
    let c = &t.c;
    if !c.iter().any(|&ch| ch == '由' || ch == '从') {
        return;
    }
    // where a change verb's 到/至/为 stands, and where 由/从 (not 由于, 从事) opens a change
    let is_to = |k: usize| {
        matches!(c[k], '到' | '至' | '为')
            && CHANGE
                .iter()
                .any(|w| t.ends(k, w) || (k > 0 && t.ends(k - 1, w)))
    };
    let is_from = |k: usize| {
        matches!(c[k], '由' | '从')
            && !matches!(
                c.get(k + 1),
                Some('于' | '事' | '而' | '此' | '中' | '严' | '快')
            )
    };
    let mut drop = vec![false; found.len()];
    for (i, f) in found.iter().enumerate() {
        if f.q.kind != QuantityKind::Count || f.q.unit.is_empty() {
            continue;
        }
        let lo = f.pre.saturating_sub(40);
        let Some(from) = (lo..f.pre)
            .rev()
            .take_while(|&k| !crate::text::is_sentence_sep(c[k]))
            .find(|&k| is_from(k))
        else {
            continue;
        };
        let hi = (from + 40).min(c.len());
        let to = (f.b..hi)
            .take_while(|&k| !crate::text::is_sentence_sep(c[k]))
            .find(|&k| is_to(k));
        // no other change closes between 由/从 and this value, and none opens between it and
        // the verb (10大项扩展到20大项59个子项,全年投入由51.6亿元增加到…: 59 is new)
        if let Some(to) = to
            && !(from..f.pre).any(&is_to)
            && !(f.b..to).any(&is_from)
        {
            drop[i] = true;
        }
    }
    // 4320元/年(360元/月): the new value restated in parentheses
    for i in 1..found.len() {
        let (a, b) = (&found[i - 1], &found[i]);
        if b.q.kind == QuantityKind::Count
            && b.a == a.b + 1
            && c[a.b] == '('
            && c.get(b.b) == Some(&')')
            && a.q.unit != b.q.unit
            && a.q.unit.split('/').next() == b.q.unit.split('/').next()
        {
            drop[i] = true;
        }
    }
    if drop.iter().any(|&d| d) {
        for (f, _) in found.iter().zip(&drop).filter(|(_, d)| **d) {
            ex.push(format!(
                "“{}”是调整前的原值或换算，不是数量",
                t.slice(f.a, f.b)
            ));
        }
        let mut i = 0;
        found.retain(|_| {
            i += 1;
            !drop[i - 1]
        });
    }
}

/// A range written with both ends (`6.5%—7%`, `4至5家`): the lower end is the quantity, the
/// upper is dropped.
fn drop_range_ends(t: &Text, found: &mut Vec<Found>) {
    let c = &t.c;
    let mut k = 1;
    while k < found.len() {
        let (a, b) = (&found[k - 1], &found[k]);
        let between: String = c[a.b..b.pre.max(a.b)]
            .iter()
            .filter(|ch| **ch != ' ')
            .collect();
        let joined = matches!(between.as_str(), "-" | "~" | "至" | "到");
        if joined && a.q.unit == b.q.unit && a.q.kind == b.q.kind {
            if b.q.value > a.q.value {
                found[k - 1].upper = Some(found[k].q.value);
            }
            found.remove(k);
        } else {
            k += 1;
        }
    }
}

/// A quantity that qualifies what is counted rather than counting it: `投资10亿元以上项目10个`,
/// `10亿元以上项目25个` (a threshold with 以上/以下 or 及以上, then a few words, then the count).
fn drop_qualifiers(t: &Text, found: &mut Vec<Found>, ex: &mut Vec<String>) {
    let c = &t.c;
    let mut drop = vec![false; found.len()];
    for k in 0..found.len().saturating_sub(1) {
        let (a, b) = (&found[k], &found[k + 1]);
        // a share (30%以上的…) is a target of its own; the count must have its unit
        if a.q.kind != QuantityKind::Count
            || b.q.kind != QuantityKind::Count
            || a.q.unit == b.q.unit
            || a.q.unit == "%"
            || b.q.unit.is_empty()
        {
            continue;
        }
        let after = a.b;
        let threshold = ["以上", "以下", "及以上", "及以下"]
            .iter()
            .any(|w| t.at(after, w));
        let gap = b.pre.saturating_sub(after);
        let words = (after..b.pre).all(|j| is_cjk(c[j]) || c[j] == ' ');
        if threshold && gap <= 10 && words {
            drop[k] = true;
            ex.push(format!(
                "“{}”是限定条件（…以上的…），不是数量",
                t.slice(a.a, a.b)
            ));
        }
    }
    let mut i = 0;
    found.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}

/// An investment target (`重点项目71个，总投资337.13亿元，年度计划完成投资56.21亿元`) answered
/// by money (`累计完成投资35.9亿元`): the year's planned investment is the target; the number of
/// projects and their total (总投资, 概算投资: over the projects' whole life) describe the scope.
fn drop_investment_scope(
    tt: &Text,
    tf: &mut Vec<Found>,
    pt: &Text,
    pf: &[Found],
    ex: &mut Vec<String>,
) {
    let money = |f: &Found| f.q.kind == QuantityKind::Count && f.q.unit == "元";
    let clause_has = |t: &Text, f: &Found, w: &str| {
        let lo = f.pre.saturating_sub(12);
        let mut s = f.pre;
        while s > lo && !matches!(t.c[s - 1], ',' | '，' | '。' | '；' | ';' | '、' | '|') {
            s -= 1;
        }
        t.contains(s, f.pre, w)
    };
    let annual = |f: &Found| {
        money(f)
            && ["年度", "当年", "今年", "全年", "计划"]
                .iter()
                .any(|w| clause_has(tt, f, w))
            && clause_has(tt, f, "投资")
    };
    if !tf.iter().any(annual) || !pf.iter().any(|f| money(f) && clause_has(pt, f, "投资")) {
        return;
    }
    // …unless the progress counts them with the rate it makes (已开工188个,开工率83.6% of 225个)
    let rated = |f: &Found| {
        f.q.value > 0.0
            && pf.windows(2).any(|w| {
                let (g, r) = (&w[0], &w[1]);
                let share = g.q.value / f.q.value;
                let tol = 10f64.powi(-i32::from(r.decimals)) * 0.01 + 1e-9;
                g.q.kind == QuantityKind::Count
                    && g.q.unit == f.q.unit
                    && r.pre <= g.b + 8
                    && r.q.unit == "%"
                    && match r.q.kind {
                        QuantityKind::Ratio => (r.q.value - share).abs() <= tol,
                        QuantityKind::Count => (r.q.value / 100.0 - share).abs() <= tol,
                        QuantityKind::Difference => false,
                    }
            })
    };
    let before = tf.len();
    tf.retain(|f| {
        let total =
            money(f) && !annual(f) && (clause_has(tt, f, "总") || clause_has(tt, f, "概算"));
        let projects = matches!(f.q.unit.as_str(), "个" | "项") && !rated(f);
        !(total || projects)
    });
    if tf.len() < before {
        ex.push("投资任务以年度计划投资为目标，项目个数与总投资只说明范围".to_string());
    }
}

#[cfg(test)]
mod tests {
    use crate::assess;

    #[test]
    fn a_unit_note_in_parentheses_gives_bare_numbers_their_unit() {
        // (target, progress, target value in the base unit)
        let cases: &[(&str, &str, f64)] = &[
            (
                "预算安排情况（调整后）预算数 6.84（金额单位：万元）",
                "资金执行情况 执行数 6.84 预算执行进度(%) 100.00",
                68_400.0,
            ),
            ("【单位】万元【工作目标】8", "【已完成数】6", 80_000.0),
        ];
        for &(target, progress, value) in cases {
            let r = assess(target, progress);
            assert_eq!(r.pairs[0].target, Some(value), "{target}: {r:#?}");
            assert_eq!(r.pairs[0].unit, "元", "{target}: {r:#?}");
        }
        // 方 is a unit in a unit field only
        let r = assess(
            "【考核指标】新增蓄水能力【单位】万方【工作目标】8",
            "【已完成数】6",
        );
        assert_eq!(r.pairs[0].target, Some(80_000.0), "{r:#?}");
        assert_eq!(r.pairs[0].unit, "方", "{r:#?}");
        assert!(assess("建立四方联动机制", "").pairs.is_empty());
    }

    #[test]
    fn a_number_that_wrote_its_own_scale_takes_only_the_unit_of_the_other_side() {
        // (target, progress, target and actual in the base unit)
        let cases: &[(&str, &str, f64, f64)] = &[
            (
                "全年新增造林5万以上",
                "已完成造林5.6万亩",
                50_000.0,
                56_000.0,
            ),
            ("培训农村劳动力2.5万人", "已培训2万", 25_000.0, 20_000.0),
            ("改造棚户区800", "完成改造920户", 800.0, 920.0),
        ];
        for &(target, progress, t, a) in cases {
            let r = assess(target, progress);
            assert_eq!(r.pairs.len(), 1, "{target}: {r:#?}");
            assert_eq!(r.pairs[0].target, Some(t), "{target}: {r:#?}");
            assert_eq!(r.pairs[0].actual, Some(a), "{target}: {r:#?}");
        }
    }

    #[test]
    fn a_planned_investment_is_the_target_and_the_project_count_and_total_only_its_scope() {
        // (target, progress, the targets read, in 元)
        let cases: &[(&str, &str, &[f64])] = &[
            (
                "全市安排水利项目36个,总投资18.5亿元,2023年计划投资6.2亿元",
                "实际完成投资5.8亿元,同比增长12%",
                &[620_000_000.0],
            ),
            (
                "其中9个项目列为省重点,计划投资2.4亿元",
                "完成投资2.6亿元",
                &[240_000_000.0],
            ),
        ];
        for &(target, progress, targets) in cases {
            let r = assess(target, progress);
            let got: Vec<Option<f64>> = r.pairs.iter().map(|p| p.target).collect();
            let want: Vec<Option<f64>> = targets.iter().map(|&t| Some(t)).collect();
            assert_eq!(got, want, "{target} | {progress}: {r:#?}");
        }
    }

    #[test]
    fn full_coverage_without_a_figure_is_a_coverage_of_one_hundred_percent() {
        // (target, progress, the targets read, completion)
        let cases: &[(&str, &str, &[f64], Option<f64>)] = &[
            (
                "对辖区独居老人实行探访服务全覆盖",
                "已实现独居老人探访全覆盖",
                &[100.0],
                Some(1.0),
            ),
            (
                "对辖区独居老人实行探访服务全覆盖",
                "探访覆盖率达到92%",
                &[100.0],
                Some(0.92),
            ),
            // a clause that counts something else keeps its count only
            ("每个社区2名网格员全覆盖", "已配备网格员60名", &[2.0], None),
            // said not reached, or written with its own percentage: no synthetic figure
            (
                "探访服务覆盖率达到95%",
                "尚未全覆盖,覆盖率90%",
                &[95.0],
                None,
            ),
        ];
        for &(target, progress, targets, completion) in cases {
            let r = assess(target, progress);
            let got: Vec<Option<f64>> = r.pairs.iter().map(|p| p.target).collect();
            let want: Vec<Option<f64>> = targets.iter().map(|&t| Some(t)).collect();
            assert_eq!(got, want, "{target} | {progress}: {r:#?}");
            if let Some(c) = completion {
                assert!(
                    r.completion.is_some_and(|x| (x - c).abs() < 1e-9),
                    "{target} | {progress}: {r:#?}"
                );
            }
        }
    }

    #[test]
    fn a_budget_line_without_any_unit_reads_in_wan_yuan_and_a_written_unit_wins() {
        // (target, progress, target value in 元)
        let cases: &[(&str, &str, f64)] = &[
            (
                "年度资金总额：全年预算数 207.4538",
                "全年执行数 207.4538 分值 10 执行率 100% 得分 10",
                2_074_538.0,
            ),
            (
                "项目资金（元）年度资金总额：全年预算数 387664.62",
                "全年执行数 387664.62 分值 10 执行率 100% 得分 10",
                387_664.62,
            ),
        ];
        for &(target, progress, value) in cases {
            let r = assess(target, progress);
            assert_eq!(r.pairs.len(), 1, "{target}: {r:#?}");
            assert!(
                (r.pairs[0].target.unwrap_or(0.0) - value).abs() < 1e-6,
                "{r:#?}"
            );
            assert_eq!(r.pairs[0].unit, "元", "{target}: {r:#?}");
            assert_eq!(r.completion, Some(1.0), "{target}: {r:#?}");
        }
    }

    #[test]
    fn the_old_value_of_a_change_is_neither_target_nor_achievement() {
        // (target, target values read)
        let cases: &[(&str, &[f64])] = &[
            (
                "城市低保标准由520元/月提高到580元/月,月人均救助水平提高至374元/月",
                &[580.0, 374.0],
            ),
            (
                "补贴标准分别从每人每年2100元、2800元提高到每人每年2200元、2900元",
                &[2200.0, 2900.0],
            ),
            (
                "农村低保标准由4020元/年(335元/月)提高到4320元/年(360元/月)",
                &[4320.0],
            ),
            // a change that opens after the value does not make it old (20大项 names the
            // groups of the 59 items; the money describes them, the progress reporting none)
            (
                "从去年的10大项扩展到20大项59个子项,全年投入由去年的51.6亿元增加到88.3亿元",
                &[59.0],
            ),
            // 由于 is no 由
            ("由于资金到位,新建公厕30座", &[30.0]),
        ];
        for (target, want) in cases {
            let r = assess(target, "已完成。");
            let got: Vec<f64> = r.pairs.iter().filter_map(|p| p.target).collect();
            assert_eq!(got, *want, "{target}: {r:#?}");
        }
    }

    #[test]
    fn a_project_count_the_progress_rates_stays_beside_the_annual_investment() {
        let r = assess(
            "今年全市四水同治项目共225个,总投资475.4亿元,年度计划投资137.3亿元。",
            "截至6月底,已开工188个,开工率83.6%;完成投资64.3亿元,投资完成率46.8%。",
        );
        let got: Vec<f64> = r.pairs.iter().filter_map(|p| p.target).collect();
        assert_eq!(got.len(), 2, "{r:#?}");
        assert_eq!(got[0], 225.0, "{r:#?}");
        assert!((got[1] - 13_730_000_000.0).abs() < 1.0, "{r:#?}");
    }
}
