//! Pairing target quantities with progress quantities, ratios, completion and wording.

use crate::scan::{Found, WINDOW, clause_end, clause_start, scan};
use crate::text::{Text, is_cjk, is_clause_sep, is_sentence_sep};
use crate::{Constraint, Pair, QuantityKind, Reading, Wording};

/// Reads a target text and a progress text together: pairs every target quantity with the
/// progress quantity that answers it, computes each pair's ratio and the task's completion
/// (the lowest ratio), finds completion wording, and explains every number used.
///
/// ```
/// let r = jixiao_prose::assess(
///     "开展巾帼家政及技能培训50期，培训妇女1000人。",
///     "技能培训50余期，培训妇女2000余人。",
/// );
/// assert_eq!(r.pairs.len(), 2);
/// assert_eq!(r.pairs[1].ratio, Some(2.0));
/// assert_eq!(r.completion, Some(1.0));
/// ```
pub fn assess(target: &str, progress: &str) -> Reading {
    let tt = Text::new(target);
    let pt = Text::new(progress);
    let mut tf = scan(&tt);
    let mut pf = scan(&pt);
    // a task's texts hold a handful of quantities; the cap bounds the pairing's work
    tf.truncate(MAX_QUANTITIES);
    pf.truncate(MAX_QUANTITIES);
    let mut ex: Vec<String> = Vec::new();
    crate::fields::adjust(&tt, &mut tf, &pt, &mut pf, &mut ex);
    let (mut wording, mut wording_word) = wording_of(&pt);
    // every item started (112个项目 | 全部开工建设) is the task done when the task names no
    // later stage of the work (建成, 竣工) that the start falls short of
    if wording == Wording::None
        && let Some(w) = all_started(&pt)
        && !stage_words(&tt).iter().any(|w| END_STAGE.contains(w))
    {
        (wording, wording_word) = (Wording::Done, Some(w));
    }

    // --- target quantities
    // counts, and completion rates set as targets (项目完成率达到90%)
    let mut targets: Vec<&Found> = tf
        .iter()
        .filter(|f| f.q.kind == QuantityKind::Count || is_rate(f))
        .collect();
    if targets.iter().any(|f| !f.per) {
        targets.retain(|f| {
            if f.per {
                ex.push(format!(
                    "目标中的“{}”是每期/每人的量，不作为目标量",
                    tt.slice(f.a, f.b)
                ));
            }
            !f.per
        });
    }
    // a time limit (在30个工作日内及时拨付) says when, not how much, beside the task's own
    // quantities
    let within = |f: &Found| {
        matches!(f.q.unit.as_str(), "个工作日" | "天" | "日" | "小时")
            && (tt.at(f.b, "内") || tt.at(f.b, "以内"))
    };
    if targets.iter().any(|f| !within(f)) {
        targets.retain(|f| {
            let keep = !within(f);
            if !keep {
                ex.push(format!(
                    "目标中的“{}”是时限，不作为目标量",
                    tt.slice(f.a, f.b)
                ));
            }
            keep
        });
    }
    if targets.iter().any(|f| !f.q.unit.is_empty()) {
        targets.retain(|f| {
            let keep = !f.q.unit.is_empty();
            if !keep {
                ex.push(format!(
                    "目标中的“{}”无计量单位，已有带单位的目标量，不作为目标量",
                    tt.slice(f.a, f.b)
                ));
            }
            keep
        });
    }
    // a count of groups before the count of their items (15项重点民生实事39个项目, 10件、27项为民办
    // 实事项目, 10个方面60项任务): the items are the task, the groups only name it
    let groups: Vec<bool> = targets
        .iter()
        .enumerate()
        .map(|(k, a)| {
            targets.get(k + 1).is_some_and(|b| {
                let item = |u: &str| matches!(u, "项" | "件" | "个");
                let gap = &tt.c[a.b..b.pre.max(a.b)];
                item(&a.q.unit)
                    && item(&b.q.unit)
                    && b.q.value > a.q.value
                    && gap.len() <= 16
                    && ["项目", "子项", "任务", "工作"]
                        .iter()
                        .any(|w| tt.contains(b.b, clause_end(&tt, b.b).min(b.b + 8), w))
                    && gap
                        .iter()
                        .enumerate()
                        .all(|(i, &ch)| !is_clause_sep(ch) || (i == 0 && ch == '、'))
            })
        })
        .collect();
    if groups.iter().any(|&g| g) {
        let mut k = 0;
        targets.retain(|f| {
            let group = groups[k];
            k += 1;
            if group {
                ex.push(format!(
                    "目标中的“{}”是其后各项的分组数，不作为目标量",
                    tt.slice(f.a, f.b)
                ));
            }
            !group
        });
    }
    // a sum of money split in parentheses after its total (资金3608万元（中央资金2855万元、省级
    // 资金753万元）): the parts are no targets of their own, unless the progress answers them by
    // name. (Parts after 其中 stay targets: labellers differ on them.)
    let parts: Vec<bool> = targets
        .iter()
        .enumerate()
        .map(|(k, f)| {
            (f.q.unit == "元"
                && in_parenthesis(&tt, f)
                && !answered_by_name(&tt, f, &pt, &pf)
                && targets[..k].iter().any(|g| {
                    g.q.unit == "元"
                        && g.q.value >= f.q.value
                        && !is_part(&tt, g)
                        && !in_parenthesis(&tt, g)
                }))
                || listed_parts(&tt, &targets, k)
        })
        .collect();
    if parts.iter().any(|&p| p) {
        let mut k = 0;
        targets.retain(|f| {
            let part = parts[k];
            k += 1;
            if part {
                ex.push(format!(
                    "目标中的“{}”是前述总额的组成部分，不作为目标量",
                    tt.slice(f.a, f.b)
                ));
            }
            !part
        });
    }
    // the same value restated (一户年最高5300元 … <=5300元/户): one target
    // bars[i]: table-cell separators before char i
    let mut bars = Vec::new();
    if tt.c.contains(&'|') {
        bars.reserve(tt.len() + 1);
        bars.push(0usize);
        for &ch in &tt.c {
            bars.push(bars.last().copied().unwrap_or(0) + usize::from(ch == '|'));
        }
    }
    let mut merged: Vec<Target> = Vec::new();
    for f in targets {
        if let Some(m) = merged.iter_mut().find(|m| {
            !m.restated
                && same_value(m.value, f.q.value)
                && unit_score(&m.unit, &f.q.unit) >= 2
                && (m.unit != f.q.unit
                    || (!bars.is_empty() && bars[f.a] > bars[m.found.b])
                    // 年初预算数4753.66万元 全年预算数4753.66万元: one budget said twice
                    || (m.unit == "元" && shares_bigram(&m.what, &f.q.what)))
        }) {
            ex.push(format!(
                "目标“{}”与“{}”数值相同，视为同一目标量",
                tt.slice(m.found.a, m.found.b),
                tt.slice(f.a, f.b)
            ));
            if f.q.unit.len() > m.unit.len() {
                m.unit = f.q.unit.clone();
            }
            m.restated = true;
            m.constraint = m.constraint.or(f.q.constraint);
            m.approx = m.approx.or(f.q.approx);
            continue;
        }
        merged.push(Target {
            value: if is_rate(f) {
                f.q.value * 100.0
            } else {
                f.q.value
            },
            rate: is_rate(f),
            unit: f.q.unit.clone(),
            what: f.q.what.clone(),
            constraint: f.q.constraint.or_else(|| lower_is_better(&tt, f)),
            approx: f.q.approx,
            found: f,
            restated: false,
            ctx: bigrams(&tt, f),
        });
    }

    // a task named by its count of projects (58个续建项目, 6个养老护幼类项目) whose progress says
    // the count again and then reports money against the plan (58个续建项目进展顺利,已完成投资
    // 56.4亿元,完成年度投资计划的29.5%): the count names the group, the money is the progress
    if let [t] = merged.as_slice()
        && group_named(&pt, &pf, t)
    {
        ex.push(format!(
            "目标中的“{}”是项目组的数目，进度复述后报告投资完成比例，不作为目标量",
            tt.slice(t.found.a, t.found.b)
        ));
        merged.clear();
    }
    // a programme counted by its items (共安排十方面、30项, 25件重点民生实事) whose progress
    // counts none of them and reports only money against the plan: the count names the
    // programme; the money is the progress
    if merged.iter().any(|t| programme_count(&tt, &pt, &pf, t)) {
        merged.retain(|t| {
            let drop = programme_count(&tt, &pt, &pf, t);
            if drop {
                ex.push(format!(
                    "目标中的“{}”是项目总数，进度只报告投资完成比例，不作为目标量",
                    tt.slice(t.found.a, t.found.b)
                ));
            }
            !drop
        });
    }

    // money put into a programme (共投入资金57.72亿元, 全年投入增加到88.3亿元) beside the count of
    // its items, when the progress speaks of no money at all: it describes the programme (money
    // said as a plan, 计划投资2179万元, stays a target)
    let described = |t: &Target| {
        t.unit == "元"
            && !t.rate
            && !tt.contains(clause_start(&tt, t.found.pre), t.found.pre, "计划")
    };
    if merged.iter().any(|t| t.unit != "元")
        && !pf.iter().any(|g| g.q.unit == "元")
        && merged.iter().any(described)
    {
        merged.retain(|t| {
            let keep = !described(t);
            if !keep {
                ex.push(format!(
                    "目标中的“{}”说明投入规模，进度未报告资金，不作为目标量",
                    tt.slice(t.found.a, t.found.b)
                ));
            }
            keep
        });
    }

    // the floor area of the works (总建筑面积4760平方米, 建设面积共16596平方米) beside the count of
    // what is built, when the progress reports no area: it describes the works, as money does
    let area = |t: &Target| {
        t.unit == "平方米"
            && !t.rate
            && tt.contains(clause_start(&tt, t.found.pre), t.found.pre, "面积")
    };
    if merged
        .iter()
        .any(|t| t.unit != "平方米" && t.unit != "元" && !t.rate)
        && !pf.iter().any(|g| g.q.unit == "平方米")
        && merged.iter().any(area)
    {
        merged.retain(|t| {
            let keep = !area(t);
            if !keep {
                ex.push(format!(
                    "目标中的“{}”说明建设规模，进度未报告面积，不作为目标量",
                    tt.slice(t.found.a, t.found.b)
                ));
            }
            keep
        });
    }

    // --- progress quantities
    let mut counts: Vec<usize> = Vec::new();
    let mut ratios: Vec<usize> = Vec::new();
    let mut diffs: Vec<usize> = Vec::new();
    // progress counts that name a target (超额完成40所的年度目标任务, 占年度计划目标150万人的69%)
    let mut named: Vec<usize> = Vec::new();
    // links[j]: the achievement whose share a named target's figure is the base of
    let mut links: Vec<Option<usize>> = vec![None; pf.len()];
    // a per-head standard set as the target (供养标准由每人每月1560元调整为1720元) is answered by
    // a per-head amount
    let per_target = merged.iter().any(|t| t.found.per);
    for (j, f) in pf.iter().enumerate() {
        match f.q.kind {
            QuantityKind::Count => {
                if f.per
                    && !per_target
                    && pf.iter().any(|g| g.q.kind == QuantityKind::Count && !g.per)
                {
                    ex.push(format!(
                        "进度中的“{}”是每期/每人的量，不参与配对",
                        pt.slice(f.a, f.b)
                    ));
                } else if let Some(link) = share_named(&pt, &pf, j) {
                    named.push(j);
                    links[j] = link;
                    ex.push(format!(
                        "进度中的“{}”是其后所述比例的基数（目标），不是完成量",
                        pt.slice(f.a, f.b)
                    ));
                } else if restates_target(&pt, f, &pf, &pf[j + 1..], &merged)
                    // a count equal to the target and followed by its own rate (开工741户 …
                    // 开工率100%) is that stage's achievement
                    && !merged.iter().any(|tg| {
                        !tg.rate && same_value(tg.value, f.q.value) && own_rate(&pt, &pf, j, tg.value)
                    })
                {
                    named.push(j);
                    ex.push(format!(
                        "进度中的“{}”复述目标（占…的、任务数），不是完成量",
                        pt.slice(f.a, f.b)
                    ));
                } else if let Some(w) = plan_word(&pt, f)
                    // a word of the task's own name (10个计划投产项目) is no plan
                    && !tt.contains(0, tt.len(), w)
                {
                    ex.push(format!(
                        "进度中的“{}”处于“{}”语境，是计划而非完成量，不参与配对",
                        pt.slice(f.a, f.b),
                        w
                    ));
                } else {
                    counts.push(j);
                }
            }
            QuantityKind::Ratio if !f.q.unit.is_empty() => ratios.push(j),
            QuantityKind::Ratio => ex.push(format!(
                "进度中的完成比例“{}”未写明%，不予采用",
                pt.slice(f.a, f.b)
            )),
            QuantityKind::Difference => diffs.push(j),
        }
    }

    // shares of two plans (分别完成国家考核目标的291%、149%,省定目标的246%、119.5%): when the
    // target names one of them, the shares of the other measure something else
    let names: Vec<Option<(usize, usize)>> =
        ratios.iter().map(|&j| plan_named(&pt, &pf[j])).collect();
    let own_plan = |n: &Option<(usize, usize)>| {
        n.is_some_and(|(a, b)| {
            let name: String = pt.c[a..b].iter().collect();
            tt.contains(0, tt.len(), &name)
        })
    };
    if names.iter().any(own_plan) && names.iter().any(|n| n.is_some() && !own_plan(n)) {
        let mut k = 0;
        ratios.retain(|&j| {
            let keep = names[k].is_none() || own_plan(&names[k]);
            k += 1;
            if !keep {
                ex.push(format!(
                    "进度中的“{}”是另一计划的比例，不作为完成比例",
                    pt.slice(pf[j].a, pf[j].b)
                ));
            }
            keep
        });
    }

    let mut pairs: Vec<Pair> = Vec::new();
    let mut used = vec![false; pf.len()];

    if merged.is_empty() {
        named_in_progress(&pt, &pf, &named, &links, &mut used, &mut pairs, &mut ex);
        // a stated share that a named target's pair already gives is that pair's check
        let mut unchecked = Vec::with_capacity(ratios.len());
        for &j in &ratios {
            let s = &pf[j];
            match pairs.iter().find(|p| {
                p.actual.is_some()
                    && p.ratio
                        .is_some_and(|r| (r - s.q.value).abs() <= stated_tolerance(s))
            }) {
                Some(p) => ex.push(format!(
                    "核对：进度所述“{}”与计算的 {} 一致",
                    pt.slice(s.a, s.b),
                    fmt_ratio(p.ratio)
                )),
                None => unchecked.push(j),
            }
        }
        work_back(
            &pt, &pf, &counts, &unchecked, &diffs, &mut used, &mut pairs, &mut ex,
        );
    } else {
        // --- several targets of one unit answered by one total: summed
        let mut done = vec![false; merged.len()];
        for ti in 0..merged.len() {
            if done[ti] {
                continue;
            }
            let group: Vec<usize> = (ti..merged.len())
                .filter(|&k| !done[k] && merged[k].unit == merged[ti].unit)
                .collect();
            if group.len() < 2 || merged[ti].unit.is_empty() {
                continue;
            }
            let cands: Vec<usize> = counts
                .iter()
                .copied()
                .filter(|&j| unit_score(&merged[ti].unit, &pf[j].q.unit) >= 2)
                .collect();
            if cands.len() != 1 {
                continue;
            }
            let j = cands[0];
            let p = &pf[j];
            // 分别增加30元和5元: each its own target, never a sum
            let first = merged[group[0]].found;
            let last = merged[*group.last().unwrap_or(&group[0])].found;
            if tt.contains(sentence_start(&tt, first.pre), last.pre, "分别") {
                continue;
            }
            let sum: f64 = group.iter().map(|&k| merged[k].value).sum();
            // the total is said (共, 合计), or the one figure is the targets' sum to the unit
            // (预拨3608万元 … 清算资金120万元 ← 资金3728万元全部执行到位)
            let ss = sentence_start(&pt, p.pre);
            if !["共", "合计", "总计"]
                .iter()
                .any(|w| pt.contains(ss, p.pre, w))
                && !same_value(sum, p.q.value)
            {
                continue;
            }
            let parts: Vec<&str> = group
                .iter()
                .map(|&k| tt.slice(merged[k].found.a, merged[k].found.b))
                .collect();
            let ratio = (sum > 0.0).then(|| p.q.value / sum);
            ex.push(format!(
                "{} 合计目标 {} = {}{} ← {}（合计）：{} ÷ {} = {}",
                merged[ti].what,
                parts.join(" + "),
                fmt_num(sum),
                merged[ti].unit,
                pt.slice(p.a, p.b),
                fmt_num(p.q.value),
                fmt_num(sum),
                fmt_ratio(ratio)
            ));
            pairs.push(Pair {
                what: merged[ti].what.clone(),
                unit: merged[ti].unit.clone(),
                target: Some(sum),
                actual: Some(p.q.value),
                approx: p.q.approx.or(merged[ti].approx),
                constraint: merged[ti].constraint,
                ratio,
                target_span: Some(tt.off[first.a]..tt.off[last.b]),
                actual_span: Some(p.q.span.clone()),
                rule: "sum".to_string(),
            });
            used[j] = true;
            for k in group {
                done[k] = true;
            }
        }

        // --- one target answered part by part, in clauses set apart by ；
        //     (甲完成595人；乙完成256人；丙175人): the actual is the parts' sum
        for (ti, t) in merged.iter().enumerate() {
            // amounts per head or period (每人每月1720元) never add up
            if done[ti] || t.rate || t.unit.is_empty() || t.unit == "%" || t.found.per {
                continue;
            }
            if merged
                .iter()
                .enumerate()
                .any(|(k, m)| k != ti && unit_score(&m.unit, &t.unit) >= 2)
            {
                continue;
            }
            let cands: Vec<usize> = counts
                .iter()
                .copied()
                .filter(|&j| !used[j] && unit_score(&t.unit, &pf[j].q.unit) >= 2)
                .collect();
            if cands.len() < 2 || cands.iter().any(|&j| is_total(&pt, &pf[j])) {
                continue;
            }
            // a stated rate that one part answers (投产7个,投产率达70% of 10个) says that part
            // is the answer, whatever follows
            let part_rated = t.value > 0.0
                && cands.iter().any(|&j| {
                    let share = pf[j].q.value / t.value;
                    pf.iter().any(|r| match r.q.kind {
                        QuantityKind::Ratio => (r.q.value - share).abs() <= stated_tolerance(r),
                        QuantityKind::Count if r.q.unit == "%" => {
                            (r.q.value / 100.0 - share).abs() <= stated_tolerance_pct(r.decimals)
                        }
                        _ => false,
                    })
                });
            if part_rated {
                continue;
            }
            let apart = cands.windows(2).all(|w| {
                let (a, b) = (&pf[w[0]], &pf[w[1]]);
                (a.b..b.pre).any(|k| matches!(pt.c[k], '；' | ';'))
            });
            if !apart || pt.contains(0, pt.len(), "其中") {
                continue;
            }
            let sum: f64 = cands.iter().map(|&j| pf[j].q.value).sum();
            let parts: Vec<&str> = cands.iter().map(|&j| pt.slice(pf[j].a, pf[j].b)).collect();
            let (ratio, rule) = ratio_of(t.value, sum, t.constraint);
            ex.push(format!(
                "{} {}{} ← 各部分之和 {} = {}：{}",
                t.what,
                fmt_num(t.value),
                t.unit,
                parts.join(" + "),
                fmt_num(sum),
                fmt_ratio(ratio)
            ));
            let first = &pf[cands[0]];
            let last = &pf[cands[cands.len() - 1]];
            pairs.push(Pair {
                what: t.what.clone(),
                unit: t.unit.clone(),
                target: Some(t.value),
                actual: Some(sum),
                approx: None,
                constraint: t.constraint,
                ratio,
                target_span: Some(t.found.q.span.clone()),
                actual_span: Some(pt.off[first.a]..pt.off[last.b]),
                rule: if rule == "count" {
                    "sum_of_parts"
                } else {
                    rule
                }
                .to_string(),
            });
            for &j in &cands {
                used[j] = true;
            }
            done[ti] = true;
        }

        // --- a target the progress restates before its share (完成市政府考核目标61亿元的117%):
        //     the achievement whose share it is answers it, whatever its classifier
        for (ti, t) in merged.iter().enumerate() {
            if done[ti] || t.rate {
                continue;
            }
            let Some((j, k)) = named.iter().find_map(|&j| {
                let k = links[j]?;
                (!used[k]
                    && same_value(pf[j].q.value, t.value)
                    && (t.unit.is_empty() || unit_score(&t.unit, &pf[j].q.unit) >= 2))
                    .then_some((j, k))
            }) else {
                continue;
            };
            used[j] = true;
            used[k] = true;
            done[ti] = true;
            let a = &pf[k];
            let (ratio, rule) = ratio_of(t.value, a.q.value, t.constraint);
            ex.push(explain_count(
                &t.what,
                &with_unit(tt.slice(t.found.a, t.found.b), &t.unit),
                pt.slice(a.a, a.b),
                t.value,
                a.q.value,
                t.constraint,
                ratio,
            ));
            pairs.push(Pair {
                what: t.what.clone(),
                unit: t.unit.clone(),
                target: Some(t.value),
                actual: Some(a.q.value),
                approx: a.q.approx,
                constraint: t.constraint,
                ratio,
                target_span: Some(t.found.q.span.clone()),
                actual_span: Some(a.q.span.clone()),
                rule: rule.to_string(),
            });
        }

        // --- one progress count per target: unit, then words, then order
        let pctx: Vec<Bigrams> = pf.iter().map(|f| bigrams(&pt, f)).collect();
        // a total (合计1300人 after 农村妇女800人，城镇妇女500人) answers before its parts
        let totals: Vec<bool> = pf.iter().map(|f| is_total(&pt, f)).collect();
        // 已开工8个…已完工7个: the furthest stage of the work answers (unless the task is that
        // stage itself: 新开工项目66个)
        // read on demand: most targets have one candidate of their unit
        let mut own: Option<Vec<&str>> = None;
        let mut stages: Vec<Option<u8>> = vec![None; pf.len()];
        let mut cursor = 0usize;
        for (ti, t) in merged.iter().enumerate() {
            if done[ti] {
                continue;
            }
            if t.rate
                && let Some(j) = ratios.iter().copied().find(|&j| !used[j])
            {
                used[j] = true;
                done[ti] = true;
                let p = &pf[j];
                let actual = p.q.value * 100.0;
                let ttext = tt.slice(t.found.a, t.found.b);
                let (ratio, rule) = ratio_of(t.value, actual, t.constraint);
                ex.push(explain_count(
                    &t.what,
                    ttext,
                    pt.slice(p.a, p.b),
                    t.value,
                    actual,
                    t.constraint,
                    ratio,
                ));
                pairs.push(Pair {
                    what: t.what.clone(),
                    unit: "%".to_string(),
                    target: Some(t.value),
                    actual: Some(actual),
                    approx: None,
                    constraint: t.constraint,
                    ratio,
                    target_span: Some(t.found.q.span.clone()),
                    actual_span: Some(p.q.span.clone()),
                    rule: rule.to_string(),
                });
                continue;
            }
            let mut best: Option<(PairKey, usize)> = None;
            for &j in &counts {
                if used[j] {
                    continue;
                }
                let p = &pf[j];
                let ov = overlap(t.ctx.as_slice(), pctx[j].as_slice());
                let us = if t.unit.is_empty() && p.q.unit.is_empty() {
                    if p.bare || ov > 0 { 4 } else { 0 }
                } else if p.q.unit.is_empty() {
                    u8::from(p.bare)
                } else {
                    match unit_score(&t.unit, &p.q.unit) {
                        // 个 stands for any classifier (10所 ← 10个) when the words agree, or
                        // when the thing counted is named by the other's classifier (112个小项
                        // ← 46项, 10项 ← 8个项目)
                        0 if generic_classifier(&t.unit, &p.q.unit)
                            && (ov >= 2
                                || (t.unit == "个" && counted_as(&tt, t.found, &p.q.unit))
                                || (p.q.unit == "个" && counted_as(&pt, p, &t.unit))
                                || rate_confirms(&pf, j, t.value)) =>
                        {
                            1
                        }
                        us => us,
                    }
                };
                if us == 0 {
                    continue;
                }
                let key = (
                    rate_confirms(&pf, j, t.value),
                    us,
                    !is_part(&pt, p),
                    ov,
                    totals[j],
                    *stages[j].get_or_insert_with(|| {
                        let own = own.get_or_insert_with(|| stage_words(&tt));
                        stage(&pt, p, own)
                    }),
                    j >= cursor,
                    -(j as i64),
                );
                if best.as_ref().is_none_or(|(bk, _)| key > *bk) {
                    best = Some((key, j));
                }
            }
            let target_span = Some(t.found.q.span.clone());
            let ttext = with_unit(tt.slice(t.found.a, t.found.b), &t.unit);
            let ttext = match t.constraint {
                Some(Constraint::AtLeast) => format!("≥{ttext}"),
                _ => ttext,
            };
            match best {
                Some((_, j0)) => {
                    // several stages of the one target, each with the rate it makes of it
                    // (已开工N户,开工率…;竣工M户,竣工率…): each stage is a measure of its own
                    let mut js = vec![j0];
                    if merged.len() == 1 && own_rate(&pt, &pf, j0, t.value) {
                        js.extend(counts.iter().copied().filter(|&k| {
                            k != j0
                                && !used[k]
                                && unit_score(&pf[j0].q.unit, &pf[k].q.unit) >= 3
                                && is_part(&pt, &pf[k]) == is_part(&pt, &pf[j0])
                                && own_rate(&pt, &pf, k, t.value)
                        }));
                        js.sort_unstable();
                    }
                    for &j in &js {
                        used[j] = true;
                    }
                    cursor = js[js.len() - 1] + 1;
                    for j in js {
                        let p = &pf[j];
                        let unit = if p.q.unit.len() > t.unit.len()
                            && unit_score(&t.unit, &p.q.unit) >= 2
                        {
                            p.q.unit.clone()
                        } else {
                            t.unit.clone()
                        };
                        // a rate the target names only as "the target" (“5.5%左右”的既定目标) is a
                        // ceiling when the progress says what it measures (城镇登记失业率5.1%)
                        let constraint = t.constraint.or_else(|| {
                            (t.unit == "%" && !t.rate)
                                .then(|| lower_is_better(&pt, p))
                                .flatten()
                        });
                        let (ratio, rule) = match t.found.upper {
                            // a range met (增长6.5%—7% ← 6.7%): done, neither short nor over
                            Some(hi)
                                if constraint.is_none()
                                    && !t.rate
                                    && p.q.value >= t.value
                                    && p.q.value <= hi =>
                            {
                                (Some(1.0), "within_range")
                            }
                            _ => ratio_of(t.value, p.q.value, constraint),
                        };
                        ex.push(explain_count(
                            &t.what,
                            &ttext,
                            &with_unit(pt.slice(p.a, p.b), &p.q.unit),
                            t.value,
                            p.q.value,
                            constraint,
                            ratio,
                        ));
                        pairs.push(Pair {
                            what: t.what.clone(),
                            unit,
                            target: Some(t.value),
                            actual: Some(p.q.value),
                            approx: p.q.approx,
                            constraint,
                            ratio,
                            target_span: target_span.clone(),
                            actual_span: Some(p.q.span.clone()),
                            rule: rule.to_string(),
                        });
                    }
                }
                None => pairs.push(Pair {
                    what: t.what.clone(),
                    unit: t.unit.clone(),
                    target: Some(t.value),
                    actual: None,
                    approx: t.approx,
                    constraint: t.constraint,
                    ratio: None,
                    target_span,
                    actual_span: None,
                    rule: "unmatched".to_string(),
                }),
            }
        }

        // --- stated ratios: check computed ones, else serve targets without an actual
        let mut leftover: Vec<usize> = Vec::new();
        let mut confirmed = vec![false; pairs.len()];
        for &j in &ratios {
            if used[j] {
                continue;
            }
            let s = &pf[j];
            let tol = stated_tolerance(s);
            let hit = pairs.iter().enumerate().position(|(k, p)| {
                !confirmed[k]
                    && p.actual.is_some()
                    && p.ratio.is_some_and(|r| (r - s.q.value).abs() <= tol)
            });
            match hit {
                Some(k) => {
                    confirmed[k] = true;
                    ex.push(format!(
                        "核对：进度所述“{}”与计算的 {} 一致",
                        pt.slice(s.a, s.b),
                        fmt_ratio(pairs[k].ratio)
                    ));
                }
                None => leftover.push(j),
            }
        }
        for (j, f) in pf.iter().enumerate() {
            if used[j] || f.q.kind != QuantityKind::Count || f.q.unit != "%" || !f.bare {
                continue;
            }
            let tol = stated_tolerance_pct(f.decimals);
            if let Some(k) = (0..pairs.len()).find(|&k| {
                !confirmed[k]
                    && pairs[k].unit != "%"
                    && pairs[k].actual.is_some()
                    && pairs[k]
                        .ratio
                        .is_some_and(|r| (r - f.q.value / 100.0).abs() <= tol)
            }) {
                confirmed[k] = true;
                ex.push(format!(
                    "核对：进度中的“{}”与计算的 {} 一致",
                    pt.slice(f.a, f.b),
                    fmt_ratio(pairs[k].ratio)
                ));
            }
        }
        let mut rest = Vec::new();
        // targets said as a part of a total before them (计划投入资金415.54亿元,其中省级财政承担
        // 146.93亿元)
        let part_spans: Vec<std::ops::Range<usize>> = merged
            .iter()
            .filter(|t| is_part(&tt, t.found))
            .map(|t| t.found.q.span.clone())
            .collect();
        for j in leftover {
            let s = &pf[j];
            // a share of an investment plan (占年度计划投资总额的75%) measures money, not a count
            // target without its actual (34所)
            let money_plan = plan_named(&pt, s)
                .is_some_and(|(a, b)| pt.contains(a, b, "投资") || pt.contains(a, b, "资金"));
            if let Some(pi) = pairs.iter().position(|p| {
                p.actual.is_none()
                    && p.ratio.is_none()
                    && p.rule == "unmatched"
                    && !(money_plan && p.unit != "元")
            }) {
                let p = &mut pairs[pi];
                // one figure against two plans (年度投资计划59.4 前三季度投资计划43.4 ← 完成投资
                // 35.9, 完成前三季度目标任务占比82.7%): the stated share names the plan it answers
                let t = p.target.unwrap_or(0.0);
                let tol = stated_tolerance(s);
                if let Some(g) = pf.iter().find(|g| {
                    g.q.kind == QuantityKind::Count
                        && t > 0.0
                        && unit_score(&p.unit, &g.q.unit) >= 2
                        && (g.q.value / t - s.q.value).abs() <= tol
                }) {
                    let (ratio, rule) = ratio_of(t, g.q.value, p.constraint);
                    p.actual = Some(g.q.value);
                    p.ratio = ratio;
                    p.actual_span = Some(g.q.span.clone());
                    p.rule = rule.to_string();
                    ex.push(format!(
                        "{} {} ← {}：{} ÷ {} = {}，与进度所述“{}”一致",
                        p.what,
                        target_text(&tt, p),
                        pt.slice(g.a, g.b),
                        fmt_num(g.q.value),
                        fmt_num(t),
                        fmt_ratio(ratio),
                        pt.slice(s.a, s.b)
                    ));
                    // the part the share names answers instead of its total: the total's own
                    // progress is not given
                    if p.target_span
                        .as_ref()
                        .is_some_and(|sp| part_spans.contains(sp))
                    {
                        let span = Some(g.q.span.clone());
                        for (k, q) in pairs.iter_mut().enumerate() {
                            if k != pi && q.actual_span == span {
                                q.actual = None;
                                q.ratio = None;
                                q.actual_span = None;
                                q.rule = "unmatched".to_string();
                                ex.push(format!(
                                    "{} {}：进度的“{}”属于其中部分，总数的进度未给出",
                                    q.what,
                                    target_text(&tt, q),
                                    pt.slice(g.a, g.b)
                                ));
                            }
                        }
                    }
                    continue;
                }
                p.ratio = Some(s.q.value);
                p.actual_span = Some(s.q.span.clone());
                p.rule = "stated_ratio".to_string();
                ex.push(format!(
                    "{} {}：进度未给出对应数量，采用进度所述“{}” = {}",
                    p.what,
                    target_text(&tt, p),
                    pt.slice(s.a, s.b),
                    fmt_ratio(Some(s.q.value))
                ));
            } else {
                rest.push(j);
            }
        }
        let money_target = merged.iter().any(|t| t.unit == "元");
        for j in rest {
            let s = &pf[j];
            // a count task's investment said with its share of the plan (28个开工建设,完成投资
            // 43.4亿元,完成年度投资计划的16.4%): a quantity of its own, its plan worked back. (A
            // bare rate, 计划投资完成率达到72%, is left alone: labellers read it as a side note.)
            let ss = sentence_start(&pt, s.pre);
            let money = counts
                .iter()
                .copied()
                .rev()
                .find(|&k| !used[k] && pf[k].q.unit == "元" && pf[k].b <= s.a && pf[k].a >= ss);
            if !money_target
                && s.q.value > 0.0
                && share_of_plan(&pt, s)
                && let Some(k) = money
            {
                used[k] = true;
                let a = &pf[k];
                let target = a.q.value / s.q.value;
                ex.push(format!(
                    "{}：目标由进度倒推，{} ÷ {} = {}元；完成 {}",
                    a.q.what,
                    pt.slice(a.a, a.b),
                    pt.slice(s.a, s.b),
                    fmt_num(target),
                    fmt_ratio(Some(s.q.value))
                ));
                pairs.push(Pair {
                    what: a.q.what.clone(),
                    unit: "元".to_string(),
                    target: Some(target),
                    actual: Some(a.q.value),
                    approx: a.q.approx,
                    constraint: None,
                    ratio: Some(s.q.value),
                    target_span: None,
                    actual_span: Some(a.q.span.clone()),
                    rule: "worked_back".to_string(),
                });
                continue;
            }
            if let Some(p) = pairs
                .iter()
                .find(|p| p.actual.is_some() && p.ratio.is_some())
            {
                ex.push(format!(
                    "核对：进度所述“{}”与计算的 {}（{}）不一致，采用计算值",
                    pt.slice(s.a, s.b),
                    fmt_ratio(p.ratio),
                    p.what
                ));
            }
        }

        // --- stated differences: actual = target + difference
        for &j in &diffs {
            let d = &pf[j];
            let du = diff_unit(&d.q.unit);
            if let Some(p) = pairs
                .iter_mut()
                .find(|p| p.actual.is_none() && p.ratio.is_none() && unit_score(&p.unit, du) >= 2)
            {
                let t = p.target.unwrap_or(0.0);
                let a = t + d.q.value;
                let (ratio, _) = ratio_of(t, a, p.constraint);
                p.actual = Some(a);
                p.ratio = ratio;
                p.actual_span = Some(d.q.span.clone());
                p.rule = "difference".to_string();
                ex.push(format!(
                    "{} {}：进度所述“{}”，实际 = {} + {} = {}，{} ÷ {} = {}",
                    p.what,
                    target_text(&tt, p),
                    pt.slice(d.a, d.b),
                    fmt_num(t),
                    fmt_num(d.q.value),
                    fmt_num(a),
                    fmt_num(a),
                    fmt_num(t),
                    fmt_ratio(ratio)
                ));
            }
        }

        for p in pairs.iter_mut().filter(|p| p.rule == "unmatched") {
            let ttext = target_text(&tt, p);
            if matches!(wording, Wording::Done | Wording::Exceeded) {
                p.rule = "wording".to_string();
                ex.push(format!(
                    "{} {}：进度中无对应数量，由完成用语“{}”判定，完成率不计",
                    p.what,
                    ttext,
                    wording_word.unwrap_or("")
                ));
            } else {
                ex.push(format!("{} {}：进度中未找到对应数量", p.what, ttext));
            }
        }
    }

    let completion = pairs.iter().filter_map(|p| p.ratio).reduce(f64::min);
    let has_target = pairs.iter().any(|p| p.target.is_some());
    let qualitative = !has_target && completion.is_none();
    match completion {
        Some(c) if pairs.iter().filter(|p| p.ratio.is_some()).count() > 1 => {
            ex.push(format!("完成率取各项比值的最低值：{}", fmt_ratio(Some(c))));
        }
        Some(c) => ex.push(format!("完成率：{}", fmt_ratio(Some(c)))),
        None => {
            if qualitative {
                ex.push("目标无可计量的数量，需评审人评定".to_string());
            } else {
                ex.push("无可计算的完成率".to_string());
            }
        }
    }
    if let Some(w) = wording_word {
        let what = match wording {
            Wording::Exceeded => "超额完成",
            Wording::Done => "已完成",
            Wording::InProgress => "进行中",
            Wording::None => "",
        };
        if completion.is_none() && wording != Wording::InProgress {
            ex.push(format!("完成用语“{w}”：{what}，状态由用语决定"));
        } else {
            ex.push(format!("完成用语“{w}”：{what}"));
        }
    }
    Reading {
        pairs,
        completion,
        wording,
        qualitative,
        explanation: ex,
    }
}

/// The progress count `pf[j]` is followed by a rate it names (开工率, 竣工率, 入住率) that is its
/// share of the target: the text measures that stage of the work on its own.
fn own_rate(t: &Text, pf: &[Found], j: usize, target: f64) -> bool {
    let named = |from: usize, r: &Found| (from..r.pre).any(|i| t.c[i] == '率');
    if rate_confirms(pf, j, target) {
        return named(pf[j].b, &pf[j + 1]);
    }
    // counts listed together, then their rates in the same order (开工N户、竣工M户,开工率…、
    // 竣工率…): the run of close counts of one unit around `j`, then as many named rates
    let close = |a: &Found, b: &Found| {
        b.q.kind == QuantityKind::Count
            && b.q.unit == a.q.unit
            && a.q.unit != "%"
            && b.pre <= a.b + 12
    };
    let (mut s, mut e) = (j, j + 1);
    while s > 0 && close(&pf[s - 1], &pf[s]) {
        s -= 1;
    }
    while e < pf.len() && close(&pf[e - 1], &pf[e]) {
        e += 1;
    }
    let n = e - s;
    target > 0.0
        && n >= 2
        && pf.len() >= e + n
        && (e..e + n).all(|k| pf[k].pre <= pf[k - 1].b + 8 && named(pf[k - 1].b, &pf[k]))
        && states_share(&pf[e + j - s], pf[j].q.value / target)
}

/// How a progress count ranks for a target: unit agreement, shared words, a total, after the
/// previous pair, earlier.
type PairKey = (bool, u8, bool, usize, bool, u8, bool, i64);

/// The progress count `pf[j]` is followed closely by the rate it makes of the target (已完工66所,
/// 完工率达82.5% of 80个): the text itself says this count answers that target.
fn rate_confirms(pf: &[Found], j: usize, target: f64) -> bool {
    let f = &pf[j];
    target > 0.0
        && pf
            .get(j + 1)
            .is_some_and(|r| r.pre <= f.b + 8 && states_share(r, f.q.value / target))
}

/// `r` is a percentage stating `share` (within what its decimals allow).
fn states_share(r: &Found, share: f64) -> bool {
    match r.q.kind {
        QuantityKind::Ratio if r.q.unit == "%" => (r.q.value - share).abs() <= stated_tolerance(r),
        QuantityKind::Count if r.q.unit == "%" => {
            (r.q.value / 100.0 - share).abs() <= stated_tolerance_pct(r.decimals)
        }
        _ => false,
    }
}

/// Words of an early stage of a work (approved, signed), of its start, and of its end.
const EARLY_STAGE: &[&str] = &["立项", "签约", "备案", "前期"];
const START_STAGE: &[&str] = &["开工", "动工", "开建", "启动", "在建", "施工"];
const END_STAGE: &[&str] = &["完工", "竣工", "建成", "已完成", "交付", "投用", "投入使用"];
/// The stage words a text says (one pass, by first char).
fn stage_words(t: &Text) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (i, c) in t.c.iter().enumerate() {
        if !STAGE_FIRST.contains(c) {
            continue;
        }
        for &w in EARLY_STAGE.iter().chain(START_STAGE).chain(END_STAGE) {
            if t.at(i, w) && !out.contains(&w) {
                out.push(w);
            }
        }
    }
    out
}

/// The first chars of the stage words.
const STAGE_FIRST: &[char] = &[
    '立', '签', '备', '前', '开', '动', '启', '在', '施', '完', '竣', '建', '已', '交', '投',
];

/// How far along the work a progress count reports, from the words of its clause: 0 approved or
/// signed (立项74个), 1 started (开工76个), 2 otherwise, 3 finished (已竣工18457户, 6个子项已
/// 完成), 4 the stage the target itself names, one of `own` (新开工项目66个 ← 28个开工建设);
/// a stage not reached (未完工80户) ranks lowest.
fn stage(t: &Text, f: &Found, own: &[&str]) -> u8 {
    let cs = clause_start(t, f.pre);
    let ce = clause_end(t, f.b);
    // one pass over the clause: (own stage said, a stage not reached, end, start, early)
    let mut seen = [false; 5];
    for i in cs..ce {
        if !STAGE_FIRST.contains(&t.c[i]) {
            continue;
        }
        let negated = i > cs && matches!(t.c[i - 1], '未' | '没' | '尚' | '不');
        for (slot, words) in [(2, END_STAGE), (3, START_STAGE), (4, EARLY_STAGE)] {
            for w in words.iter().filter(|w| t.at(i, w)) {
                if negated {
                    seen[1] = true;
                } else if own.contains(w) {
                    seen[0] = true;
                } else {
                    seen[slot] = true;
                }
            }
        }
    }
    match seen {
        [true, ..] => 4,
        [_, true, ..] => 0,
        [_, _, true, ..] => 3,
        [_, _, _, true, _] => 1,
        [_, _, _, _, true] => 0,
        _ => 2,
    }
}

/// A count after 其中 in its sentence is a part of a total said before it (接通天然气172083户，
/// 其中东营区完成26866户): the total answers first.
fn is_part(t: &Text, f: &Found) -> bool {
    t.contains(sentence_start(t, f.pre), f.pre, "其中")
}

/// A progress figure of the target quantity's unit that shares its words (中央资金2855万元 ←
/// 中央资金已拨付2855万元): the progress answers it by name.
fn answered_by_name(tt: &Text, f: &Found, pt: &Text, pf: &[Found]) -> bool {
    let ctx = bigrams(tt, f);
    pf.iter()
        .any(|g| g.q.unit == f.q.unit && overlap(ctx.as_slice(), bigrams(pt, g).as_slice()) >= 2)
}

/// A stated ratio written as a share of a plan: `完成年度投资计划的16.4%`, `占年度计划的80%`.
fn share_of_plan(t: &Text, s: &Found) -> bool {
    let mut e = s.pre;
    while e > 0 && t.c[e - 1] == ' ' {
        e -= 1;
    }
    e > 0 && t.c[e - 1] == '的' && t.contains(clause_start(t, s.pre), e, "计划")
}

/// A quantity inside a parenthesis still open before it in its sentence (资金3608万元（中央资金
/// 2855万元、省级资金753万元）).
fn in_parenthesis(t: &Text, f: &Found) -> bool {
    let mut depth = 0usize;
    for k in (sentence_start(t, f.pre)..f.pre).rev() {
        match t.c[k] {
            ')' => depth += 1,
            '(' if depth == 0 => return true,
            '(' => depth -= 1,
            _ => {}
        }
    }
    false
}

/// The '(' still open before a quantity in its sentence, if any.
fn open_parenthesis(t: &Text, f: &Found) -> Option<usize> {
    let mut depth = 0usize;
    for k in (sentence_start(t, f.pre)..f.pre).rev() {
        match t.c[k] {
            ')' => depth += 1,
            '(' if depth == 0 => return Some(k),
            '(' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `fs[k]` is one of the parts listed right after their total, in parentheses or after 其中, of
/// its unit (建设项目27项(省级6项、市级5项、县级16项), 22家医院(包括4家…、18家…), 总投资157万元，
/// 其中：县级资金39.3万元，其他资金117.7万元): the parts add up to the total, so only the total is
/// a target. (Parts after 其中 that do not add up stay: labellers differ on them.)
fn listed_parts(t: &Text, fs: &[&Found], k: usize) -> bool {
    let f = fs[k];
    // where the list opens: an open parenthesis, or 其中 earlier in the sentence
    let ss = sentence_start(t, f.pre);
    let (o, paren) = match open_parenthesis(t, f) {
        Some(o) => (o, true),
        None => match (ss..f.pre).rev().find(|&j| t.at(j, "其中")) {
            Some(j) => (j, false),
            None => return false,
        },
    };
    let Some(whole) = fs[..k].iter().rev().find(|g| g.b <= o) else {
        return false;
    };
    // the total stands in the clause the parenthesis opens in (what it counts may come between:
    // 22家医院(…)), or in the sentence of 其中; no other number between them
    let apart = if paren {
        (whole.b..o).any(|j| is_clause_sep(t.c[j]))
    } else {
        whole.a < ss
    };
    if whole.q.unit != f.q.unit || apart {
        return false;
    }
    let in_list = |g: &&&Found| {
        g.a > o
            && g.q.unit == f.q.unit
            && if paren {
                open_parenthesis(t, g) == Some(o)
            } else {
                // the rest of 其中's sentence (bounded, so reading stays linear)
                g.a <= o + 2 * WINDOW
                    && !(o..g.a).any(|j| is_sentence_sep(t.c[j]))
                    && open_parenthesis(t, g).is_none()
            }
    };
    let (n, sum) = fs
        .iter()
        .filter(in_list)
        .fold((0, 0.0), |(n, s), g| (n + 1, s + g.q.value));
    n >= 2 && (sum - whole.q.value).abs() <= 1e-6 * whole.q.value.abs().max(1.0)
}

/// The most quantities of one text that [`assess`] pairs (the rest are ignored).
const MAX_QUANTITIES: usize = 256;

/// A target quantity (or several restating one value).
struct Target<'f> {
    value: f64,
    /// A completion rate set as the target: answered by the progress's stated rate.
    rate: bool,
    unit: String,
    what: String,
    constraint: Option<Constraint>,
    approx: Option<crate::Approx>,
    found: &'f Found,
    /// Already merged with a restatement of its value.
    restated: bool,
    ctx: Bigrams,
}

/// The one target is a count of projects that the progress only repeats (same value, no other
/// count of its kind, no done words in its clause) before money reported as a share of the plan.
fn group_named(pt: &Text, pf: &[Found], t: &Target) -> bool {
    if t.rate || t.unit.is_empty() || matches!(t.unit.as_str(), "元" | "%") {
        return false;
    }
    let of_kind: Vec<&Found> = pf
        .iter()
        .filter(|g| g.q.kind == QuantityKind::Count && unit_score(&t.unit, &g.q.unit) >= 2)
        .collect();
    let [again] = of_kind.as_slice() else {
        return false;
    };
    // …and says nothing of them being done (23个工程类项目均已全部完成全年任务 is an answer)
    let done = [
        "已完成",
        "全部完成",
        "均已",
        "已全部",
        "建成",
        "竣工",
        "完工",
    ]
    .iter()
    .any(|w| pt.contains(again.b, clause_end(pt, again.b), w));
    same_value(again.q.value, t.value)
        && !done
        && pf.iter().any(|s| {
            // a share of the plan (占全年计划126%, 完成年度投资计划的29.5%), not a bare rate
            // (计划投资完成率达到72%: a side note to the count's own answer)
            let cs = clause_start(pt, s.pre);
            s.q.kind == QuantityKind::Ratio
                && s.a > again.b
                && pt.contains(cs, s.pre, "计划")
                && (pt.contains(cs, s.pre, "占") || share_of_plan(pt, s))
                && pf.iter().any(|m| {
                    m.q.unit == "元"
                        && m.b <= s.pre
                        && m.a > again.b
                        && m.a >= sentence_start(pt, s.pre)
                })
        })
}

/// A target counting the items of a programme (项, 件; 个 of 项目 or 实事) whose progress has
/// no count it could answer to and reports money as a share of the plan.
fn programme_count(tt: &Text, pt: &Text, pf: &[Found], t: &Target) -> bool {
    if t.rate {
        return false;
    }
    let f = t.found;
    let items = match t.unit.as_str() {
        "项" | "件" => true,
        "个" => {
            let ss = sentence_start(tt, f.pre);
            let se = clause_end(tt, f.b).min(f.b + 8);
            ["项目", "实事", "事项", "工程"]
                .iter()
                .any(|w| tt.contains(ss, se, w))
        }
        _ => false,
    };
    items
        && !pf.iter().any(|g| {
            g.q.kind == QuantityKind::Count
                && (unit_score(&t.unit, &g.q.unit) >= 2 || generic_classifier(&t.unit, &g.q.unit))
        })
        && pf.iter().any(|s| {
            s.q.kind == QuantityKind::Ratio
                && (share_of_plan(pt, s) || pt.contains(clause_start(pt, s.pre), s.pre, "占"))
                && pf
                    .iter()
                    .any(|m| m.q.unit == "元" && m.b <= s.pre && m.a >= sentence_start(pt, s.pre))
        })
}

/// Targets the progress names when the target text has none: a figure restated as the target
/// (超额完成40所的年度目标任务, 占年度计划目标150万人的69%, 完成年目标任务12500人的98.5%) is the
/// target of the nearest achievement of its unit before it in the same sentence (全年新建幼儿园48所,
/// 已解决103.5万人). An achievement in a clause with a plan word still counts: the sentence says it
/// exceeded or reached a share of the named target.
fn named_in_progress(
    pt: &Text,
    pf: &[Found],
    named: &[usize],
    links: &[Option<usize>],
    used: &mut [bool],
    pairs: &mut Vec<Pair>,
    ex: &mut Vec<String>,
) {
    for &j in named {
        let f = &pf[j];
        if used[j] || f.q.unit.is_empty() || f.q.value <= 0.0 {
            continue;
        }
        let ss = sentence_start(pt, f.pre);
        let linked = links[j].filter(|&k| !used[k]);
        let Some(k) = linked.or_else(|| {
            (0..j).rev().find(|&k| {
                let g = &pf[k];
                !used[k]
                    && !named.contains(&k)
                    && g.q.kind == QuantityKind::Count
                    && !g.per
                    && g.a >= ss
                    && g.b <= f.pre
                    && unit_score(&f.q.unit, &g.q.unit) >= 2
            })
        }) else {
            continue;
        };
        used[j] = true;
        used[k] = true;
        let a = &pf[k];
        let (ratio, rule) = ratio_of(f.q.value, a.q.value, f.q.constraint);
        ex.push(format!(
            "{}：进度所述目标 {} ← {}：{} ÷ {} = {}",
            a.q.what,
            pt.slice(f.a, f.b),
            pt.slice(a.a, a.b),
            fmt_num(a.q.value),
            fmt_num(f.q.value),
            fmt_ratio(ratio)
        ));
        pairs.push(Pair {
            what: a.q.what.clone(),
            unit: f.q.unit.clone(),
            target: Some(f.q.value),
            actual: Some(a.q.value),
            approx: a.q.approx,
            constraint: f.q.constraint,
            ratio,
            target_span: Some(f.q.span.clone()),
            actual_span: Some(a.q.span.clone()),
            rule: rule.to_string(),
        });
    }
}

/// Targets worked back from the progress when the target text has none.
#[allow(clippy::too_many_arguments)]
fn work_back(
    pt: &Text,
    pf: &[Found],
    counts: &[usize],
    ratios: &[usize],
    diffs: &[usize],
    used: &mut [bool],
    pairs: &mut Vec<Pair>,
    ex: &mut Vec<String>,
) {
    let mut stated: Vec<usize> = ratios.iter().chain(diffs.iter()).copied().collect();
    stated.sort_unstable();
    for (r, &j) in stated.iter().enumerate() {
        let s = &pf[j];
        let ss = sentence_start(pt, s.pre);
        let is_diff = s.q.kind == QuantityKind::Difference;
        let du = diff_unit(&s.q.unit);
        // ratios listed together (分别完成…的120.7%和134.7%) answer the counts before them in
        // order; a single one answers the nearest count before it in the same sentence
        let (rank, group) = if is_diff {
            (0, 1)
        } else {
            let same = |&k: &usize| {
                pf[k].q.kind == QuantityKind::Ratio && sentence_start(pt, pf[k].pre) == ss
            };
            let rank = stated[..r].iter().filter(|k| same(k)).count();
            (rank, rank + stated[r..].iter().filter(|k| same(k)).count())
        };
        let first_a = if rank == 0 {
            s.a
        } else {
            pf[stated[r - rank]].a
        };
        let before: Vec<usize> = counts
            .iter()
            .copied()
            .filter(|&k| {
                !used[k]
                    && pf[k].b <= first_a
                    && pf[k].a >= ss
                    && !pf[k].q.unit.is_empty()
                    && (!is_diff || unit_score(&pf[k].q.unit, du) >= 2)
            })
            .collect();
        let actual = if group > 1 && before.len() + rank >= group {
            before.get(before.len() + rank - group).copied()
        } else {
            before.last().copied()
        };
        match actual {
            Some(k) => {
                used[k] = true;
                let a = &pf[k];
                let target = if is_diff {
                    a.q.value - s.q.value
                } else {
                    a.q.value / s.q.value
                };
                if !target.is_finite() || target <= 0.0 {
                    continue;
                }
                let ratio = if is_diff {
                    a.q.value / target
                } else {
                    s.q.value
                };
                ex.push(if is_diff {
                    format!(
                        "{}：目标由进度倒推，{} − {} = {}{}；{} ÷ {} = {}",
                        a.q.what,
                        pt.slice(a.a, a.b),
                        pt.slice(s.a, s.b),
                        fmt_num(target),
                        a.q.unit,
                        fmt_num(a.q.value),
                        fmt_num(target),
                        fmt_ratio(Some(ratio))
                    )
                } else {
                    format!(
                        "{}：目标由进度倒推，{} ÷ {} = {}{}；完成 {}",
                        a.q.what,
                        pt.slice(a.a, a.b),
                        pt.slice(s.a, s.b),
                        fmt_num(target),
                        a.q.unit,
                        fmt_ratio(Some(ratio))
                    )
                });
                pairs.push(Pair {
                    what: a.q.what.clone(),
                    unit: a.q.unit.clone(),
                    target: Some(target),
                    actual: Some(a.q.value),
                    approx: a.q.approx,
                    constraint: None,
                    ratio: Some(ratio),
                    target_span: None,
                    actual_span: Some(a.q.span.clone()),
                    rule: "worked_back".to_string(),
                });
            }
            None if !is_diff => {
                ex.push(format!(
                    "{}：进度所述“{}” = {}，无目标数量可核对",
                    s.q.what,
                    pt.slice(s.a, s.b),
                    fmt_ratio(Some(s.q.value))
                ));
                pairs.push(Pair {
                    what: s.q.what.clone(),
                    unit: String::new(),
                    target: None,
                    actual: None,
                    approx: None,
                    constraint: None,
                    ratio: Some(s.q.value),
                    target_span: None,
                    actual_span: Some(s.q.span.clone()),
                    rule: "stated_ratio".to_string(),
                });
            }
            None => {}
        }
    }
}

/// A difference in 百分点 is a difference of percentages.
fn diff_unit(u: &str) -> &str {
    if u == "百分点" { "%" } else { u }
}

/// ratio and rule for a target and an actual.
fn ratio_of(t: f64, a: f64, c: Option<Constraint>) -> (Option<f64>, &'static str) {
    if c == Some(Constraint::AtMost) {
        ((a > 0.0).then(|| t / a), "at_most_inverted")
    } else {
        ((t > 0.0).then(|| a / t), "count")
    }
}

fn explain_count(
    what: &str,
    ttext: &str,
    atext: &str,
    t: f64,
    a: f64,
    c: Option<Constraint>,
    ratio: Option<f64>,
) -> String {
    match c {
        Some(Constraint::AtMost) => format!(
            "{what} {ttext}（上限，越低越好）← {atext}：{} ÷ {} = {}",
            fmt_num(t),
            fmt_num(a),
            fmt_ratio(ratio)
        ),
        _ => format!(
            "{what} {ttext} ← {atext}：{} ÷ {} = {}",
            fmt_num(a),
            fmt_num(t),
            fmt_ratio(ratio)
        ),
    }
}

/// A quantity as written, with its unit when the unit came from a table header.
fn with_unit(written: &str, unit: &str) -> String {
    if unit.is_empty() || written.ends_with(unit) || unit.starts_with('/') || unit == "比" {
        written.to_string()
    } else if written.ends_with(|c: char| c.is_ascii_digit()) {
        format!("{written}{unit}")
    } else {
        written.to_string()
    }
}

/// A pair's target as written, with its header unit and its constraint.
fn target_text(tt: &Text, p: &Pair) -> String {
    let written = p
        .target_span
        .as_ref()
        .and_then(|s| tt.src.get(s.clone()))
        .unwrap_or("");
    let t = with_unit(written, &p.unit);
    match p.constraint {
        Some(Constraint::AtLeast) => format!("≥{t}"),
        Some(Constraint::AtMost) => format!("≤{t}"),
        None => t,
    }
}

/// A completion rate written as a target (完成率达到95%).
fn is_rate(f: &Found) -> bool {
    f.q.kind == QuantityKind::Ratio && f.q.unit == "%"
}

/// A stated ratio's tolerance: one unit of its last written decimal (rounding or truncation).
fn stated_tolerance(s: &Found) -> f64 {
    if s.q.unit == "倍" {
        10f64.powi(-i32::from(s.decimals)) + 1e-9
    } else {
        stated_tolerance_pct(s.decimals)
    }
}

/// The tolerance of a percentage written with `decimals` decimals, as a fraction.
fn stated_tolerance_pct(decimals: u8) -> f64 {
    10f64.powi(-i32::from(decimals)) * 0.01 + 1e-9
}

fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The head of a unit stands for a family: people (人 名 人次 位), 场/场次, 户/户次, km.
fn family(u: &str) -> &str {
    match u {
        "人" | "名" | "人次" | "位" => "人",
        "场" | "场次" => "场",
        "户" | "户次" => "户",
        "公里" | "千米" => "公里",
        "个工作日" | "天" => "天",
        "批" | "批次" => "批",
        x => x,
    }
}

/// How well two units agree: 4 equal, 3 same family and tail, 2 same family with one tail
/// missing (元 / 元/年), 1 same family with other tails (a standard written 元/人 in the target
/// and 元/月 in the progress: 分别达到300元/人、140元/人 … 300.1元/月 … 154.33元/月), 0
/// incompatible.
fn unit_score(a: &str, b: &str) -> u8 {
    if a == b {
        return 4;
    }
    let (ah, at) = a.split_once('/').map_or((a, None), |(h, t)| (h, Some(t)));
    let (bh, bt) = b.split_once('/').map_or((b, None), |(h, t)| (h, Some(t)));
    if ah.is_empty() || family(ah) != family(bh) {
        return 0;
    }
    match (at, bt) {
        (x, y) if x == y => 3,
        (None, _) | (_, None) => 2,
        _ => 1,
    }
}

/// The noun right after a count of 个 names the other text's classifier: 112个小项 counts 项,
/// 8个项目 counts 项 (项目), 20个子项 counts 项.
fn counted_as(t: &Text, f: &Found, unit: &str) -> bool {
    let Some(u) = unit.chars().next() else {
        return false;
    };
    t.c[f.b..clause_end(t, f.b).min(f.b + 4)].contains(&u)
}

/// One unit is the generic classifier 个 and the other a classifier of things (所 家 座 项 …),
/// not a measure (公里 亩 元 %) nor people.
fn generic_classifier(a: &str, b: &str) -> bool {
    let thing = |u: &str| {
        matches!(
            u,
            "所" | "家"
                | "座"
                | "处"
                | "项"
                | "件"
                | "台"
                | "条"
                | "套"
                | "辆"
                | "栋"
                | "间"
                | "张"
                | "块"
                | "支"
                | "批"
                | "本"
                | "份"
                | "宗"
                | "笔"
                | "盏"
                | "棵"
                | "株"
                | "床"
                | "例"
        )
    };
    (a == "个" && thing(b)) || (b == "个" && thing(a))
}

fn sentence_start(t: &Text, mut p: usize) -> usize {
    let lo = p.saturating_sub(WINDOW);
    while p > lo && !is_sentence_sep(t.c[p - 1]) {
        p -= 1;
    }
    p
}

/// The character bigrams around a quantity, on the stack (at most 15 before, 11 after).
#[derive(Clone, Copy)]
struct Bigrams {
    n: usize,
    v: [(char, char); 32],
}

impl Bigrams {
    fn as_slice(&self) -> &[(char, char)] {
        &self.v[..self.n]
    }
}

/// Character bigrams of the words around a quantity: up to 16 chars before it in its
/// sentence, and the rest of its clause (up to 12 chars) after it.
fn bigrams(t: &Text, f: &Found) -> Bigrams {
    let ss = sentence_start(t, f.pre).max(f.pre.saturating_sub(16));
    let ce = clause_end(t, f.b).min(f.b + 12);
    let mut out = Bigrams {
        n: 0,
        v: [(' ', ' '); 32],
    };
    for (a, b) in [(ss, f.pre), (f.b, ce)] {
        let mut prev: Option<char> = None;
        for &ch in &t.c[a..b] {
            if matches!(ch, '“' | '”' | '"' | '‘' | '’' | '「' | '」') {
                continue;
            }
            if let Some(p) = prev
                && is_cjk(p)
                && is_cjk(ch)
                && out.n < out.v.len()
            {
                out.v[out.n] = (p, ch);
                out.n += 1;
            }
            prev = Some(ch);
        }
    }
    // sorted and deduplicated, for the merge in `overlap`
    let v = &mut out.v[..out.n];
    v.sort_unstable();
    let mut k = 0;
    for i in 0..v.len() {
        if i == 0 || v[i] != v[k - 1] {
            v[k] = v[i];
            k += 1;
        }
    }
    out.n = k;
    out
}

/// Shared bigrams of two sorted, deduplicated sets.
fn overlap(a: &[(char, char)], b: &[(char, char)]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// 合计, 共计, 总计, 累计, 共 before a progress count in its clause.
fn is_total(t: &Text, f: &Found) -> bool {
    let cs = clause_start(t, f.pre);
    t.find_any(
        cs,
        f.pre,
        // 达: the level reached (新增1203例，达8878例), not the increment
        &["合计", "共计", "总计", "累计", "总共", "共", "达到", "达"],
        |c| matches!(c, '合' | '共' | '总' | '累' | '达'),
    )
    .is_some()
}

/// A figure of the progress that is the base of the share right after it (完成市政府考核目标61亿元
/// 的117%, 完成计划2000人的204%, 占任务数16900万元的63.7%): a target named, not an achievement. It
/// is one when an earlier count of its sentence makes that share of it (the achievement, which
/// may be counted with another classifier: 4093个 against 2000人), or when a plan word (目标,
/// 任务, 计划) comes before it in its clause and another count of its unit can answer. Returns
/// the achievement the share confirms, if any.
fn share_named(t: &Text, pf: &[Found], j: usize) -> Option<Option<usize>> {
    let f = &pf[j];
    if f.q.kind != QuantityKind::Count || f.per || f.q.value <= 0.0 || f.q.unit == "%" {
        return None;
    }
    let c = &t.c;
    let mut k = f.b;
    while k < c.len() && matches!(c[k], ' ' | '”' | '"' | ')') {
        k += 1;
    }
    // the plan's name may follow the figure (80亿目标任务的, 23万人目标任务的)
    let named_after = k;
    while k < c.len() && k < named_after + 6 && is_cjk(c[k]) && c[k] != '的' {
        k += 1;
    }
    if c.get(k) != Some(&'的')
        || (k > named_after
            && !["目标", "任务", "计划"]
                .iter()
                .any(|w| t.contains(named_after, k, w)))
    {
        return None;
    }
    let s = pf.get(j + 1)?;
    if s.pre > k + 2 {
        return None;
    }
    let (share, tol) = match s.q.kind {
        QuantityKind::Ratio if s.q.unit == "%" => (s.q.value, stated_tolerance(s)),
        QuantityKind::Count if s.q.unit == "%" => {
            (s.q.value / 100.0, stated_tolerance_pct(s.decimals))
        }
        _ => return None,
    };
    let ss = sentence_start(t, f.pre);
    let link = (0..j).rev().find(|&h| {
        let g = &pf[h];
        g.q.kind == QuantityKind::Count
            && !g.per
            && g.a >= ss
            && g.q.unit != "%"
            && !g.q.unit.is_empty()
            && (g.q.value / f.q.value - share).abs() <= tol
    });
    if link.is_some() {
        return Some(link);
    }
    let plan = k > named_after
        || ["目标", "任务", "计划"]
            .iter()
            .any(|w| t.contains(clause_start(t, f.pre), f.pre, w));
    let another = pf.iter().any(|g| {
        g.q.kind == QuantityKind::Count && g.a != f.a && unit_score(&f.q.unit, &g.q.unit) >= 2
    });
    (plan && another).then_some(None)
}

/// A progress count that restates the target rather than answering it: inside `占…的`
/// (占全年筛查任务(6.6万人)的103.12%), or the target's own value followed in the same sentence by
/// another count of its unit (65件民生实事已完成26件, 10个计划投产项目实现投产7个) unless 其中
/// introduces that one as a part.
fn restates_target(
    t: &Text,
    f: &Found,
    others: &[Found],
    later: &[Found],
    targets: &[Target],
) -> bool {
    let c = &t.c;
    let ss = sentence_start(t, f.pre);
    let lo = f.pre.saturating_sub(24).max(ss);
    // 占 in the number's own clause (占…(6.6万人)的): not a 【占比】 label of another field
    let zhan = (lo..f.pre)
        .rev()
        .take_while(|&k| !matches!(c[k], '】' | ':' | ',' | '，' | '、'))
        .any(|k| c[k] == '占');
    if zhan {
        let hi = (f.b + 16).min(c.len());
        for &ch in &c[f.b..hi] {
            if ch == '的' {
                return true;
            }
            if is_sentence_sep(ch) || matches!(ch, ',' | '，') {
                break;
            }
        }
    }
    // the target named again: 目标任务(60%), “5.5%左右”的既定目标, “扩招200万人”的目标
    // …also further in a list in those parentheses: 目标(470亿元、106.5亿元、30亿元)
    let open = (f.pre.saturating_sub(24)..f.pre)
        .rev()
        .take_while(|&k| c[k] != ')')
        .find(|&k| c[k] == '(');
    let named_before = ["目标任务(", "目标(", "任务("]
        .iter()
        .any(|w| t.ends(f.pre, w))
        || open.is_some_and(|o| ["目标", "任务", "计划"].iter().any(|w| t.ends(o, w)));
    let mut k = f.b;
    while k < c.len() && matches!(c[k], '”' | '"' | ')' | '」' | '左' | '右' | ' ') {
        k += 1;
    }
    let named_after = k < c.len()
        && c[k] == '的'
        && ["目标", "任务", "承诺", "计划"]
            .iter()
            .any(|w| t.contains(k, (k + 6).min(c.len()), w));
    // …unless nothing else can answer (都实现了压减一半的目标)
    let another = others.iter().any(|g| {
        g.q.kind == QuantityKind::Count && g.a != f.a && unit_score(&f.q.unit, &g.q.unit) >= 2
    });
    // 完成全年23万人目标任务的95.17%, 完成15亿元销售目标的54%: the target named, then its share
    let hi = clause_end(t, f.b).min(f.b + 12);
    let named_share = ["目标", "任务", "计划"]
        .iter()
        .any(|w| t.contains(f.b, hi, w))
        && t.contains(f.b, hi, "的")
        && others.iter().any(|g| {
            g.a >= f.b && g.a <= hi + 2 && (g.q.kind == QuantityKind::Ratio || g.q.unit == "%")
        });
    if (named_before || named_after || named_share) && another {
        return true;
    }
    let equal = targets.iter().any(|tg| {
        !tg.rate && same_value(tg.value, f.q.value) && unit_score(&tg.unit, &f.q.unit) >= 2
    });
    if !equal {
        return false;
    }
    // the later count must not be another target's value: a progress that repeats every
    // target (目标1：造林1.2万亩 … 目标3：…3.45万亩) answers them all
    let other_target = |g: &Found| targets.iter().any(|tg| same_value(tg.value, g.q.value));
    let in_sentence = later
        .iter()
        .take_while(|g| !(f.b..g.a).any(|k| is_sentence_sep(c[k])))
        .any(|g| {
            g.q.kind == QuantityKind::Count
                && !same_value(g.q.value, f.q.value)
                && !other_target(g)
                && unit_score(&f.q.unit, &g.q.unit) >= 2
                && !t.contains(f.b, g.a, "其中")
        });
    // the target's count named as the subject, not said done (39个项目持续推进落实, 59个子项已全部
    // 启动), then parts of it said done (其中,11个项目已完成全年目标任务): the parts answer
    in_sentence
        || (!done_in_clause(t, f)
            && later
                .iter()
                .take_while(|g| g.a <= f.b + 2 * WINDOW)
                .any(|g| {
                    g.q.kind == QuantityKind::Count
                        && g.q.value < f.q.value
                        && unit_score(&f.q.unit, &g.q.unit) >= 2
                        && is_part(t, g)
                        && done_in_clause(t, g)
                }))
}

/// Done words in the clause after a count (已完成, 全部完成, 均已, 建成, 竣工, 完工).
fn done_in_clause(t: &Text, f: &Found) -> bool {
    let ce = clause_end(t, f.b);
    [
        "已完成",
        "全部完成",
        "均已",
        "已全部完成",
        "建成",
        "竣工",
        "完工",
    ]
    .iter()
    .any(|w| t.contains(f.b, ce, w))
}

/// A rate whose lower values are better (负向指标: 失业率, 物价涨幅, 发生率 …) is a ceiling even
/// when the target does not say 以内 or 低于: "城镇登记失业率5.5%左右" is met at 5.1%.
fn lower_is_better(t: &Text, f: &Found) -> Option<Constraint> {
    if f.q.unit != "%" {
        return None;
    }
    let cs = clause_start(t, f.pre);
    [
        "失业率",
        "涨幅",
        "发生率",
        "死亡率",
        "事故率",
        "不良率",
        "差错率",
        "投诉率",
        "超标率",
        "流失率",
        "辍学率",
    ]
    .iter()
    .any(|w| t.contains(cs, f.pre, w))
    .then_some(Constraint::AtMost)
}

/// Two descriptions share a pair of adjacent characters (年初预算资金数 and 全年预算数: 预算).
fn shares_bigram(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().filter(|c| is_cjk(*c)).collect();
    let b: Vec<char> = b.chars().filter(|c| is_cjk(*c)).collect();
    a.windows(2).any(|x| b.windows(2).any(|y| x == y))
}

/// A plan word in the clause of a progress count: 正在研究分配150名救助名额 is not done.
fn plan_word(t: &Text, f: &Found) -> Option<&'static str> {
    const WORDS: &[&str] = &[
        "正在",
        "计划",
        "预计",
        "准备",
        "即将",
        "将于",
        "名额",
        "拟于",
        "有待",
        "剩余",
        "结余",
        "尚未",
        "暂未",
        "未完成",
        "余额",
    ];
    let cs = clause_start(t, f.pre);
    let ce = clause_end(t, f.b).min(t.len());
    (cs..ce).find_map(|i| {
        let c = t.c[i];
        if !matches!(
            c,
            '正' | '计'
                | '预'
                | '准'
                | '即'
                | '将'
                | '名'
                | '拟'
                | '有'
                | '剩'
                | '结'
                | '尚'
                | '暂'
                | '未'
                | '余'
        ) {
            return None;
        }
        // 按计划完成58项, 按照计划推进: done as planned, not a plan
        if c == '计' && (t.ends(i, "按") || t.ends(i, "按照")) {
            return None;
        }
        WORDS
            .iter()
            .copied()
            .find(|w| w.starts_with(c) && t.at(i, w) && i + w.chars().count() <= ce)
    })
}

/// Completion and in-progress words by their first char (the slot: 0 exceeded, 1 done, 2 in
/// progress), so a text is scanned once with one `match` per char.
fn wording_words(c: char) -> &'static [(&'static str, usize)] {
    match c {
        '超' => &[("超额完成", 0), ("超目标完成", 0), ("超计划完成", 0)],
        '加' => &[("加倍完成", 0)],
        '已' => &[
            ("已完成", 1),
            ("已建成", 1),
            ("已建立", 1),
            ("已实现", 1),
            ("已落实", 1),
            ("已达到", 1),
            ("已全部", 1),
            ("已完工", 1),
            ("已竣工", 1),
        ],
        '全' => &[
            ("全面完成", 1),
            ("全部完成", 1),
            ("全部完工", 1),
            ("全部竣工", 1),
            ("全部建成", 1),
        ],
        '均' => &[
            ("均已完成", 1),
            ("均已完工", 1),
            ("均已竣工", 1),
            ("均已建成", 1),
        ],
        '圆' => &[("圆满完成", 1)],
        '顺' => &[("顺利完成", 1)],
        '正' => &[("正在", 2)],
        '推' => &[("推进中", 2)],
        '按' => &[("按程序实施", 2)],
        '进' => &[("进行中", 2)],
        '实' => &[("实施中", 2)],
        '建' => &[("建设中", 2)],
        '有' => &[("有序推进", 2)],
        '稳' => &[("稳步推进", 2)],
        _ => &[],
    }
}

/// Completion or in-progress wording of a progress text (a negation just before, 未完成 /
/// 尚未全面完成, cancels a completion word). Exceeded wins over done, done over in progress.
fn wording_of(t: &Text) -> (Wording, Option<&'static str>) {
    let negated = |i: usize| {
        (i >= 1 && matches!(t.c[i - 1], '未' | '没' | '不' | '尚'))
            || (i >= 2 && matches!(t.c[i - 2], '未' | '没' | '不' | '尚'))
    };
    let mut found: [Option<&'static str>; 3] = [None; 3];
    for (i, &ch) in t.c.iter().enumerate() {
        for &(w, slot) in wording_words(ch) {
            if found[slot].is_none() && t.at(i, w) && !negated(i) {
                found[slot] = Some(w);
            }
        }
        if found[0].is_some() {
            break;
        }
    }
    if found[1].is_none() {
        found[1] = done_field(t).or_else(|| done_on_date(t));
    }
    match found {
        [Some(w), _, _] => (Wording::Exceeded, Some(w)),
        [None, Some(w), _] => (Wording::Done, Some(w)),
        [None, None, Some(w)] => (Wording::InProgress, Some(w)),
        _ => (Wording::None, None),
    }
}

/// A form's result field whose value is a completion word rather than a number (`完成值：完成`,
/// `实际完成值：已完成 | 得分：90`).
/// A work said finished on a date (已于3月完成, 已于2014年5月30日通车): 已于, then the date, then
/// the finishing verb, within one clause.
fn done_on_date(t: &Text) -> Option<&'static str> {
    const VERBS: &[&str] = &["完成", "完工", "竣工", "建成", "通车"];
    let c = &t.c;
    (0..c.len()).find_map(|i| {
        if c[i] != '已'
            || c.get(i + 1) != Some(&'于')
            || (i > 0 && matches!(c[i - 1], '未' | '不' | '尚'))
        {
            return None;
        }
        let end = (i + 18).min(c.len());
        (i + 2..end)
            .take_while(|&k| !is_sentence_sep(c[k]) && !matches!(c[k], ',' | '，' | ';' | '；'))
            .find_map(|k| VERBS.iter().find(|w| t.at(k, w)))
            .map(|_| "已于…完成")
    })
}

/// Every item said started: 全部开工, 均已开工.
fn all_started(t: &Text) -> Option<&'static str> {
    let c = &t.c;
    (0..c.len()).find_map(|i| {
        if !matches!(c[i], '全' | '均') {
            return None;
        }
        let negated = i > 0 && matches!(c[i - 1], '未' | '没' | '不' | '尚');
        ["全部开工", "均已开工"]
            .into_iter()
            .find(|w| !negated && t.at(i, w))
    })
}

/// The plan a stated share names (完成国家考核目标的291%, 占三年总目标的30%), as a char range: the
/// words before the 的 that opens the share, without the verb before them; a share later in a list
/// (291%、149%) names the plan of the first.
fn plan_named(t: &Text, f: &Found) -> Option<(usize, usize)> {
    let c = &t.c;
    let mut end = f.pre;
    // back over the earlier items of a list of shares
    for _ in 0..4 {
        let cs = clause_start(t, end);
        if let Some(de) = (cs..end).rev().find(|&k| c[k] == '的') {
            let mut a = cs;
            for w in ["分别", "完成", "占", "为", "达到", "达", "是"] {
                if t.at(a, w) {
                    a += w.chars().count();
                }
            }
            return (de > a + 1).then_some((a, de));
        }
        if cs == 0 || c[cs - 1] != '、' {
            return None;
        }
        end = cs - 1;
    }
    None
}

fn done_field(t: &Text) -> Option<&'static str> {
    let c = &t.c;
    (0..c.len()).find_map(|i| {
        if c[i] != ':'
            || !["完成值", "实际值", "完成情况"]
                .iter()
                .any(|w| t.ends(i, w))
        {
            return None;
        }
        let mut k = i + 1;
        while k < c.len() && c[k] == ' ' {
            k += 1;
        }
        ["已完成", "完成", "达成", "已达成"].iter().find_map(|&w| {
            let e = k + w.chars().count();
            (t.at(k, w) && (e == c.len() || matches!(c[e], ' ' | '|' | '。' | ';' | '；')))
                .then_some(w)
        })
    })
}

/// A number for the explanation: integers without decimals, others with up to 4.
pub(crate) fn fmt_num(v: f64) -> String {
    fixed(v, 4)
}

/// `v` with at most `places` decimals, trailing zeros dropped (integer arithmetic: no float
/// formatting on the hot path).
fn fixed(v: f64, places: u32) -> String {
    let scale = 10i64.pow(places);
    if !v.is_finite() || v.abs() * scale as f64 >= 9e15 {
        return format!("{v}");
    }
    let n = (v * scale as f64).round() as i64;
    let (int, mut frac) = (n.abs() / scale, n.abs() % scale);
    let sign = if n < 0 { "-" } else { "" };
    if frac == 0 {
        return format!("{sign}{int}");
    }
    let mut width = places as usize;
    while frac % 10 == 0 {
        frac /= 10;
        width -= 1;
    }
    format!("{sign}{int}.{frac:0width$}")
}

fn fmt_ratio(r: Option<f64>) -> String {
    match r {
        Some(r) => format!("{}%", fixed(r * 100.0, 2)),
        None => "无法计算".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-4)
    }

    #[test]
    fn the_seed_rows_read_as_the_brief_says() {
        let cases: &[(&str, &str, Option<f64>)] = &[
            (
                "开展巾帼家政及技能培训50期，培训妇女1000人。",
                "技能培训50余期，培训妇女2000余人。",
                Some(1.0),
            ),
            (
                "全市25%的农村常住庭院建成“美丽庭院”。",
                "常住庭院数259567户，建成“美丽庭院”100429户，创建率38.69%；全市参与创建村庄数2057个，建设比例 100%",
                Some(1.5476),
            ),
            (
                "救助低收入“两癌”患病妇女150人;做好“爱心妈妈”招募工作，2022年新招募300名。",
                "目前，共面向社会招募“爱心妈妈”307名，结对帮扶困境儿童309名；争取国家级、省级“两癌”救助金29万元，救助低收入“两癌”患病妇女29人；正在研究分配150名救助名额，按程序实施救助。",
                Some(0.1933),
            ),
            (
                "线下开展宣传教育活动50场。",
                "已组织开展线下宣传教育活动102场。",
                Some(2.04),
            ),
            (
                "全市辅导拟离婚人员不少于2000对。",
                "目前，已完成全年辅导任务。申请离婚数9189，婚姻家庭辅导率100%，劝和对数3620，劝和率39.39%。",
                None,
            ),
        ];
        for (t, p, want) in cases {
            let r = assess(t, p);
            match want {
                Some(w) => assert!(close(r.completion, *w), "{t}: {r:#?}"),
                None => assert_eq!(r.completion, None, "{t}: {r:#?}"),
            }
        }
    }

    #[test]
    fn at_most_targets_invert_the_ratio() {
        let r = assess("居民消费价格涨幅控制在3%左右", "实际涨幅为2.1%");
        assert!(close(r.completion, 3.0 / 2.1), "{r:#?}");
        assert_eq!(r.pairs[0].rule, "at_most_inverted");
    }

    #[test]
    fn targets_are_worked_back_from_stated_ratios_and_differences() {
        let cases = [
            ("改造县乡公路3290公里,为任务的164.5%", 2000.0, 1.645),
            (
                "城市低保对象月人均补差185元,超任务17元",
                168.0,
                185.0 / 168.0,
            ),
            (
                "城镇生活垃圾无害化处理率达65.4%,超任务9.4个百分点",
                56.0,
                65.4 / 56.0,
            ),
        ];
        for (p, target, ratio) in cases {
            let r = assess("(implicit)", p);
            assert_eq!(r.pairs.len(), 1, "{p}: {r:#?}");
            assert!(close(r.pairs[0].target, target), "{p}: {r:#?}");
            assert!(close(r.completion, ratio), "{p}: {r:#?}");
            assert_eq!(r.pairs[0].rule, "worked_back");
        }
    }

    #[test]
    fn ratios_listed_together_answer_the_counts_in_order() {
        let r = assess(
            "(implicit)",
            "新建幼儿园12所、改扩建幼儿园8所，分别完成省定任务的120%和160%",
        );
        let targets: Vec<Option<f64>> = r.pairs.iter().map(|p| p.target).collect();
        assert_eq!(targets, vec![Some(10.0), Some(5.0)], "{r:#?}");
    }

    #[test]
    fn a_stated_ratio_serves_a_target_without_an_actual() {
        let r = assess("培训妇女1000人", "完成年度任务的46%");
        assert!(close(r.completion, 0.46), "{r:#?}");
        assert_eq!(r.pairs[0].rule, "stated_ratio");
        let r = assess("培训妇女1000人", "超额完成20%");
        assert!(close(r.completion, 1.2), "{r:#?}");
    }

    #[test]
    fn wording_decides_only_without_numbers() {
        let cases = [
            ("已完成“最美家庭”评选工作", Wording::Done),
            ("已超额完成两个项目全年投资目标任务", Wording::Exceeded),
            ("正在研究分配", Wording::InProgress),
            ("尚未完成", Wording::None),
            ("开展活动", Wording::None),
            ("经督办后于11月底全部完工", Wording::Done),
            ("项目均已建成并投入使用", Wording::Done),
            ("尚未全部竣工", Wording::None),
        ];
        for (p, w) in cases {
            assert_eq!(assess("评选“最美家庭”70户", p).wording, w, "{p}");
        }
        let r = assess("评选“最美家庭”70户", "已完成评选工作");
        assert_eq!(r.completion, None);
        assert_eq!(r.pairs[0].rule, "wording");
    }

    #[test]
    fn targets_without_quantities_are_qualitative() {
        let r = assess(
            "通过开展演讲比赛等活动助力企业复工复产",
            "帮助解答问题20余条",
        );
        assert!(r.qualitative);
        assert_eq!(r.completion, None);
        assert!(r.pairs.is_empty());
    }

    #[test]
    fn the_generic_classifier_answers_when_the_words_agree() {
        let r = assess("新建公办幼儿园10所", "新建公办幼儿园8个");
        assert_eq!(r.pairs[0].actual, Some(8.0), "{r:#?}");
        let r = assess("新建公办幼儿园10所", "参与创建村庄数8个");
        assert_eq!(r.pairs[0].actual, None, "{r:#?}");
    }

    #[test]
    fn a_total_answers_before_its_parts() {
        let r = assess(
            "培训妇女1000人",
            "参训人员中，农村妇女800人，城镇妇女500人，合计1300人",
        );
        assert_eq!(r.pairs[0].actual, Some(1300.0), "{r:#?}");
    }

    #[test]
    fn numbers_in_explanations_drop_trailing_zeros() {
        let cases = [
            (2000.0, "2000"),
            (3.57, "3.57"),
            (126.315_789, "126.3158"),
            (0.5, "0.5"),
            (-1.25, "-1.25"),
            (1.3e12, "1300000000000"),
        ];
        for (v, want) in cases {
            assert_eq!(fmt_num(v), want);
        }
        assert_eq!(fmt_ratio(Some(0.193_333)), "19.33%");
        assert_eq!(fmt_ratio(Some(2.0)), "200%");
        assert_eq!(fmt_ratio(Some(1.0154)), "101.54%");
    }

    #[test]
    fn the_mean_is_available_for_schemes_that_choose_it() {
        let r = assess("培训50期，培训妇女1000人", "培训50期，培训妇女2000人");
        assert!(close(r.completion, 1.0));
        assert!(close(r.completion_by_mean(), 1.5));
    }

    #[test]
    fn one_total_answers_several_targets_of_a_unit() {
        let r = assess(
            "全年再为企业和个人减税8000多亿元,为市场主体减轻非税负担3000多亿元",
            "实际全年共为企业和个人减税降费1.3万亿元",
        );
        assert_eq!(r.pairs.len(), 1, "{r:#?}");
        assert!(close(r.completion, 1.3 / 1.1), "{r:#?}");
    }

    #[test]
    fn the_furthest_stage_of_the_work_answers() {
        // (target, progress, actual)
        let cases: &[(&str, &str, f64)] = &[
            ("改造农房300户", "已开工280户,已竣工150户", 150.0),
            ("安排重点项目82个", "目前已立项74个,已开工76个", 76.0),
            ("民生实事共分为28项工作", "按进度推进7项,已完成21项", 21.0),
            // the task is the start itself
            ("新开工项目66个", "已有28个开工建设,已竣工3个", 28.0),
            // a negated end is no end
            ("改造危房100户", "已开工90户,未完工80户", 90.0),
        ];
        for &(target, progress, actual) in cases {
            let r = assess(target, progress);
            assert_eq!(
                r.pairs[0].actual,
                Some(actual),
                "{target} | {progress}: {r:#?}"
            );
        }
    }

    #[test]
    fn each_stage_the_progress_measures_by_its_own_rate_is_a_quantity_of_the_target() {
        // (target, progress, the actuals in order)
        let cases: &[(&str, &str, &[f64])] = &[
            // each count followed by its rate
            (
                "改造农房400户",
                "已开工420户,开工率105%;竣工300户,竣工率75%;入住240户,入住率60%",
                &[420.0, 300.0, 240.0],
            ),
            // the counts listed, then their rates in the same order; the start equals the task
            (
                "建设任务500户",
                "开工500户、竣工410户,开工率100%、竣工率82%",
                &[500.0, 410.0],
            ),
            // a stage without a rate of its own is no measure: the rated one answers
            ("新建公园30个", "已开工24个,开工率80%;已建成12个", &[24.0]),
            // without rates the furthest stage answers alone
            ("改造农房300户", "已开工280户,已竣工150户", &[150.0]),
        ];
        for &(target, progress, actuals) in cases {
            let r = assess(target, progress);
            let got: Vec<Option<f64>> = r.pairs.iter().map(|p| p.actual).collect();
            let want: Vec<Option<f64>> = actuals.iter().map(|&a| Some(a)).collect();
            assert_eq!(got, want, "{target} | {progress}: {r:#?}");
        }
        let r = assess(
            "改造农房400户",
            "已开工420户,开工率105%;竣工300户,竣工率75%",
        );
        assert!(
            close(r.completion, 0.75),
            "the lowest stage decides: {r:#?}"
        );
    }

    #[test]
    fn the_floor_area_of_the_works_is_no_target_when_the_progress_reports_no_area() {
        // (target, progress, the targets read)
        let cases: &[(&str, &str, &[f64])] = &[
            (
                "新建社区卫生站3个,总建筑面积1200平方米",
                "3个卫生站均已建成",
                &[3.0],
            ),
            // an area the progress reports is a target
            (
                "新建社区卫生站3个,总建筑面积1200平方米",
                "已建成2个,完成建筑面积800平方米",
                &[3.0, 1200.0],
            ),
            // an area that is the task itself stays
            ("改造老旧小区面积5万平方米", "已完成改造", &[50_000.0]),
        ];
        for &(target, progress, targets) in cases {
            let r = assess(target, progress);
            let got: Vec<Option<f64>> = r.pairs.iter().map(|p| p.target).collect();
            let want: Vec<Option<f64>> = targets.iter().map(|&t| Some(t)).collect();
            assert_eq!(got, want, "{target} | {progress}: {r:#?}");
        }
    }

    #[test]
    fn a_work_said_finished_or_finished_on_a_date_is_done() {
        // (progress, done)
        let cases: &[(&str, bool)] = &[
            ("工程已完工。", true),
            ("两座桥梁已竣工。", true),
            ("该项目已于11月中旬完工并交付。", true),
            ("文化广场已于2023年6月30日建成开放。", true),
            ("道路已于10月1日通车。", true),
            // a date of a start, a plan, or a finish not reached is no finish
            ("该项目已于5月开工,正在施工。", false),
            ("计划于年底完工。", false),
            ("该项目尚未完工。", false),
        ];
        for &(progress, done) in cases {
            let r = assess("新建文化广场1个", progress);
            assert_eq!(r.wording == Wording::Done, done, "{progress}: {r:#?}");
        }
    }

    #[test]
    fn every_item_started_is_done_unless_the_task_names_a_later_stage() {
        // (target, progress, done)
        let cases: &[(&str, &str, bool)] = &[
            ("实施农田水利项目45个", "全部开工建设", true),
            ("实施农田水利项目45个", "45个项目均已开工", true),
            // the task is to finish: a start falls short
            ("建成农田水利项目45个", "全部开工建设", false),
            ("实施农田水利项目45个", "尚未全部开工", false),
        ];
        for &(target, progress, done) in cases {
            let r = assess(target, progress);
            assert_eq!(
                r.wording == Wording::Done,
                done,
                "{target} | {progress}: {r:#?}"
            );
        }
    }

    #[test]
    fn shares_of_another_plan_than_the_one_the_target_names_are_no_completion() {
        // (target, progress, completion)
        let cases: &[(&str, &str, f64)] = &[
            (
                "市级考核目标",
                "全年新建绿道45公里、公园12个,分别完成市级考核目标的150%、120%,区定目标的90%、80%",
                1.2,
            ),
            (
                "年度任务",
                "改造老旧小区60个,完成年度任务的120%,占三年总目标的30%",
                1.2,
            ),
            // one plan only: its shares stand
            ("年度任务", "改造老旧小区60个,完成年度任务的120%", 1.2),
        ];
        for &(target, progress, completion) in cases {
            let r = assess(target, progress);
            assert!(
                close(r.completion, completion),
                "{target} | {progress}: {r:#?}"
            );
        }
    }

    #[test]
    fn a_share_of_an_investment_plan_does_not_serve_a_count_without_its_actual() {
        let r = assess(
            "为全区20所学校配备心理辅导室",
            "已下达资金300万元,占年度计划投资的60%",
        );
        assert_eq!(r.pairs[0].target, Some(20.0), "{r:#?}");
        assert_eq!(r.pairs[0].ratio, None, "{r:#?}");
        // a share of the task itself still serves it
        let r = assess("为全区20所学校配备心理辅导室", "已完成年度任务的60%");
        assert!(close(r.completion, 0.6), "{r:#?}");
    }

    #[test]
    fn money_split_in_parentheses_after_its_total_is_no_target_of_its_own() {
        let r = assess(
            "项目总投资157万元（县级财政衔接资金39.3万元，其他资金117.7万元）。",
            "项目资金共157万元，已全部拨付完成。",
        );
        assert_eq!(r.pairs.len(), 1, "{r:#?}");
        assert!(close(r.completion, 1.0), "{r:#?}");
        // and a further sum the one figure adds up to
        let r = assess(
            "预拨资金3608万元（中央资金2855万元、省级资金753万元），清算资金120万元",
            "资金3728万元全部执行到位",
        );
        assert_eq!(r.pairs.len(), 1, "{r:#?}");
        assert_eq!(r.pairs[0].target, Some(37_280_000.0), "{r:#?}");
        // a part the progress answers by name stays a target
        let r = assess(
            "总投资100万元（中央资金60万元）",
            "完成投资100万元，中央资金已拨付60万元",
        );
        assert_eq!(r.pairs.len(), 2, "{r:#?}");
    }

    #[test]
    fn targets_said_separately_are_not_summed() {
        let r = assess("补助标准分别再增加30元和5元", "共增加35元");
        assert_eq!(r.pairs.len(), 2, "{r:#?}");
    }

    #[test]
    fn a_stated_share_names_the_plan_one_figure_answers() {
        let r = assess(
            "【年度投资计划(亿元)】59.4 【前三季度投资计划(亿元)】43.4",
            "【1-7月完成投资(亿元)】35.9 【完成前三季度目标任务占比(%)】82.7%",
        );
        assert_eq!(r.pairs.len(), 2, "{r:#?}");
        for p in &r.pairs {
            assert_eq!(p.actual, Some(3_590_000_000.0), "{r:#?}");
        }
        assert!(close(r.pairs[1].ratio, 35.9 / 43.4), "{r:#?}");
    }

    #[test]
    fn a_result_field_of_words_says_done() {
        // (progress, wording)
        let cases: &[(&str, Wording)] = &[
            ("完成值：完成 权重：90 得分：90", Wording::Done),
            ("实际完成值：已完成 | 得分：10", Wording::Done),
            ("完成值：完成率80%", Wording::None),
            ("完成情况：完成了部分工作", Wording::None),
        ];
        for &(progress, wording) in cases {
            assert_eq!(wording_of(&Text::new(progress)).0, wording, "{progress}");
        }
    }

    #[test]
    fn an_investment_with_its_share_of_the_plan_is_a_quantity_of_its_own() {
        // (target, progress, completion)
        let cases: &[(&str, &str, Option<f64>)] = &[
            (
                "58个续建项目",
                "58个续建项目进展顺利,已完成投资56.4亿元,完成年度投资计划的29.5%。",
                Some(0.295),
            ),
            (
                "66个新开工项目",
                "已有28个开工建设,开工率42.4%,完成投资43.4亿元,完成年度投资计划的16.4%",
                Some(0.164),
            ),
            // a bare rate is a side note
            (
                "开工改造城镇老旧小区86个",
                "86个改造项目已开工;累计完成投资10442万元,计划投资完成率达到72%。",
                Some(1.0),
            ),
            // a money task answers the share itself
            (
                "年度计划投资137.3亿元",
                "完成投资64.3亿元,完成年度投资计划的46.8%",
                Some(64.3 / 137.3),
            ),
        ];
        for &(target, progress, completion) in cases {
            let r = assess(target, progress);
            assert!(
                completion.is_some_and(|c| close(r.completion, c)),
                "{target} | {progress}: {r:#?}"
            );
        }
    }

    #[test]
    fn a_range_target_met_inside_is_done() {
        // (target, progress, completion)
        let cases: &[(&str, &str, f64)] = &[
            (
                "国内生产总值增长6.5%—7%。",
                "去年国内生产总值增长6.7%。",
                1.0,
            ),
            (
                "国内生产总值增长6.5%—7%。",
                "去年国内生产总值增长6.1%。",
                6.1 / 6.5,
            ),
            (
                "国内生产总值增长6.5%—7%。",
                "去年国内生产总值增长7.8%。",
                7.8 / 6.5,
            ),
            (
                "主城区增设4-5家居家养老服务场所",
                "增设居家养老服务场所5家",
                1.0,
            ),
        ];
        for &(target, progress, completion) in cases {
            let r = assess(target, progress);
            assert!(
                close(r.completion, completion),
                "{target} | {progress}: {r:#?}"
            );
        }
    }

    #[test]
    fn a_count_of_groups_before_its_items_is_no_target() {
        // (target, the targets read)
        let cases: &[(&str, &[f64])] = &[
            ("15项重点民生实事39个项目", &[39.0]),
            ("20项民心工程336个子项任务", &[336.0]),
            ("2016年年初市政府安排的10件、27项为民办实事项目", &[27.0]),
            ("涵盖就业保障、社会救助等10个方面60项任务", &[60.0]),
            // separate tasks, set apart by a comma
            ("完成10项改革任务，推进20个项目建设", &[10.0, 20.0]),
            // items not named as such
            ("建成3个中心20个站点", &[3.0, 20.0]),
        ];
        for &(target, want) in cases {
            let r = assess(target, "");
            let got: Vec<f64> = r.pairs.iter().filter_map(|p| p.target).collect();
            assert_eq!(got, want, "{target}: {r:#?}");
        }
    }

    #[test]
    fn a_target_named_in_the_progress_is_the_target_of_the_achievement_before_it() {
        // (target, progress, targets read, lowest completion)
        let cases: &[(&str, &str, &[f64], f64)] = &[
            (
                "区域性居家养老服务中心建设",
                "全年建成区域性居家养老服务中心20个,超额完成15个的年度目标任务。",
                &[15.0],
                20.0 / 15.0,
            ),
            (
                "学前教育扩容提质工程",
                "全年新(改)扩建幼儿园48所,超额完成40所的年度目标任务;新(改)扩建总建筑面积18.3万平方米,超额完成14万平方米的年度目标任务。",
                &[40.0, 140_000.0],
                1.2,
            ),
            (
                "食品安全抽样检验工程",
                "全年开展食品安全抽样检验5.48万批次,样本量达到全市常住人口每千人6.8批次,超额完成4.7万批次的年度目标任务。",
                &[47_000.0],
                5.48 / 4.7,
            ),
        ];
        for (target, progress, targets, want) in cases {
            let r = assess(target, progress);
            let got: Vec<f64> = r.pairs.iter().filter_map(|p| p.target).collect();
            assert_eq!(got, *targets, "{progress}: {r:#?}");
            assert!(close(r.completion, *want), "{progress}: {r:#?}");
        }
        // a target text with its own figure keeps it: the progress's restatement stays a check
        let r = assess(
            "建成区域性居家养老服务中心15个",
            "全年建成区域性居家养老服务中心20个,超额完成15个的年度目标任务。",
        );
        assert_eq!(r.pairs.len(), 1, "{r:#?}");
        assert!(close(r.completion, 20.0 / 15.0), "{r:#?}");
    }

    #[test]
    fn a_count_naming_a_group_of_projects_is_no_target_when_money_against_the_plan_answers() {
        // (target, progress, a count target is kept, lowest completion)
        let cases: &[(&str, &str, bool, f64)] = &[
            (
                "58个续建项目",
                "58个续建项目进展顺利,已完成投资56.4亿元,完成年度投资计划的29.5%。",
                false,
                0.295,
            ),
            (
                "9個城市安全類項目",
                "9個城市安全類項目完成12.2億元、占全年計劃126%",
                false,
                1.26,
            ),
            (
                "宿松縣組織實施的33項民生工程",
                "截至9月底,宿松縣組織實施的33項民生工程,累計撥付資金21.39億元,占計劃投入的90.6%。",
                false,
                0.906,
            ),
            // done words about the projects themselves: the count is answered
            (
                "23個工程類項目",
                "23個工程類項目均已全部完成全年任務,累計完成投資57.3億元,占全年計劃110%。",
                true,
                1.0,
            ),
            // another count of the kind answers the target
            (
                "58个续建项目",
                "58个续建项目中已竣工40个,完成投资56.4亿元,完成年度投资计划的29.5%。",
                true,
                0.295,
            ),
        ];
        for (target, progress, kept, want) in cases {
            let r = assess(target, progress);
            let counted = r
                .pairs
                .iter()
                .any(|p| p.target.is_some() && p.unit != "元" && p.rule != "worked_back");
            assert_eq!(counted, *kept, "{progress}: {r:#?}");
            assert!(close(r.completion, *want), "{progress}: {r:#?}");
        }
    }

    #[test]
    fn the_thing_counted_after_ge_answers_to_its_own_classifier() {
        let cases: &[(&str, &str, f64)] = &[
            (
                "丹棱民生工程项目112个小项",
                "全面完成全年目标任务的有46项,正在实施的有63项,省市暂未下达目标任务的有3项。",
                46.0 / 112.0,
            ),
            (
                "10项民生实事项目",
                "其中8个项目完成年度目标,1个项目基本完成年度目标,1个项目未完成年度目标。",
                0.8,
            ),
            ("全年实施20个子项", "已完成15项。", 0.75),
        ];
        for (target, progress, want) in cases {
            let r = assess(target, progress);
            assert!(close(r.completion, *want), "{target}: {r:#?}");
        }
        // no noun naming the classifier and no shared words: 个 does not stand for 项
        let r = assess("建设村级服务站10个", "完成整改12项。");
        assert_eq!(r.completion, None, "{r:#?}");
    }

    #[test]
    fn a_figure_named_before_its_share_is_the_target_and_the_count_before_it_the_actual() {
        // (target, progress, actual, completion)
        let cases: &[(&str, &str, f64, f64)] = &[
            (
                "市政府考核目标61亿元",
                "招商引资项目共到位资金71.15亿元,完成市政府考核目标61亿元的117%,同比增长42%",
                7_115_000_000.0,
                71.15 / 61.0,
            ),
            // the achievement counted with another classifier than the plan
            (
                "计划2000人",
                "开发公益性岗位4093个,完成计划2000人的204%",
                4093.0,
                4093.0 / 2000.0,
            ),
            // the plan's name after the figure, the figure without 元
            (
                "全年80亿目标任务",
                "实际到位资金1005136万元,同比增长125%,完成全年80亿目标任务的125.64%,超进度42.31%。",
                10_051_360_000.0,
                1.2564,
            ),
        ];
        for (target, progress, actual, want) in cases {
            let r = assess(target, progress);
            assert_eq!(r.pairs.len(), 1, "{progress}: {r:#?}");
            assert!(close(r.pairs[0].actual, *actual), "{progress}: {r:#?}");
            assert!(close(r.completion, *want), "{progress}: {r:#?}");
        }
        // with no target text the progress still names it
        let r = assess("全年目标", "累计到位资金544亿元,完成全年目标560亿元的97%。");
        assert_eq!(r.pairs[0].target, Some(56_000_000_000.0), "{r:#?}");
        assert!(close(r.completion, 544.0 / 560.0), "{r:#?}");
    }

    #[test]
    fn a_count_of_a_programmes_items_is_no_target_when_only_money_against_the_plan_answers() {
        let r = assess(
            "2022年上海市为民办实事共安排十方面、30项。",
            "截至11月底,累计完成投资60.8亿元、占全年计划110%。",
        );
        assert!(r.pairs.iter().all(|p| p.unit != "项"), "{r:#?}");
        assert!(close(r.completion, 1.1), "{r:#?}");
        // a count the progress answers stays a target
        let r = assess(
            "实施民生实事项目30项",
            "已完成28项,完成投资60.8亿元、占全年计划110%。",
        );
        assert_eq!(r.pairs[0].target, Some(30.0), "{r:#?}");
        assert_eq!(r.pairs[0].actual, Some(28.0), "{r:#?}");
    }

    #[test]
    fn parts_listed_after_their_total_that_add_up_to_it_are_no_targets_of_their_own() {
        // (target, target values read)
        let cases: &[(&str, &[f64])] = &[
            (
                "建设项目27项(省级6项、市级5项、县级16项),前期项目3项(市级2项、县级1项)。",
                &[27.0, 3.0],
            ),
            (
                "在22家医院开设会诊中心(包括4家市级医院、18家县级医院)",
                &[22.0],
            ),
            // parts that do not add up to the number before are something else
            (
                "新建公园5个(其中口袋公园3个、郊野公园4个)",
                &[5.0, 3.0, 4.0],
            ),
            // after 其中, in the rest of the sentence
            (
                "项目总投资157万元，其中：县级财政衔接资金39.3万元，其他资金117.7万元。",
                &[1_570_000.0],
            ),
            (
                "下达补贴资金4186.49万元，其中省级配套1165.84万元、市级配套1132.8万元、县级配套1887.85万元。",
                &[41_864_900.0],
            ),
            (
                "投资100万元，其中省级资金30万元。",
                &[1_000_000.0, 300_000.0],
            ),
        ];
        for (target, want) in cases {
            let r = assess(target, "");
            let got: Vec<f64> = r.pairs.iter().filter_map(|p| p.target).collect();
            assert_eq!(got, *want, "{target}: {r:#?}");
        }
    }

    #[test]
    fn a_share_that_names_the_part_after_qi_zhong_moves_the_figure_from_the_total_to_the_part() {
        let r = assess(
            "计划投入415.54亿元,其中省级财政(含中央)承担146.93亿元。",
            "截至3月底,省级财政(含中央)已下达项目资金118.6亿元,完成年初计划的80.7%。",
        );
        let total = &r.pairs[0];
        let part = &r.pairs[1];
        assert_eq!((total.actual, total.ratio), (None, None), "{r:#?}");
        assert_eq!(part.actual, Some(11_860_000_000.0), "{r:#?}");
        assert!(close(r.completion, 118.6 / 146.93), "{r:#?}");
    }

    #[test]
    fn a_figure_said_below_or_above_the_plan_works_the_target_back() {
        // (target, progress, target worked back)
        let cases: &[(&str, &str, f64)] = &[
            (
                "指标数",
                "截至2013年12月底,城镇登记失业人数为19912人,低于指标数48人,控制在指标范围内",
                19_960.0,
            ),
            ("预期目标", "实际增长13.6%,比预期目标高了2.6个百分点", 11.0),
        ];
        for (target, progress, want) in cases {
            let r = assess(target, progress);
            assert!(close(r.pairs[0].target, *want), "{progress}: {r:#?}");
        }
        // a per-head standard's new value is per head: the money is the target
        let r = assess(
            "学前教育生均拨款最低标准从每生每年500元提高到600元,全年所需拨付资金703.8万元",
            "已拨付703.8万元,拨付率100%",
        );
        assert_eq!(r.pairs.len(), 1, "{r:#?}");
        assert_eq!(r.completion, Some(1.0), "{r:#?}");
    }

    #[test]
    fn a_time_limit_beside_the_tasks_quantities_is_no_target() {
        let r = assess(
            "在30个工作日内将预拨资金3608万元分配到位",
            "资金3608万元全部执行到位",
        );
        let got: Vec<f64> = r.pairs.iter().filter_map(|p| p.target).collect();
        assert_eq!(got, [36_080_000.0], "{r:#?}");
        // alone, a time limit is the target (办结时限)
        let r = assess("群众诉求在5个工作日内办结", "平均3个工作日办结");
        assert_eq!(r.pairs[0].target, Some(5.0), "{r:#?}");
    }

    #[test]
    fn done_as_planned_is_no_plan() {
        let r = assess(
            "60项任务",
            "目前已按计划完成年度目标任务58项(其中有22项是超额完成)",
        );
        assert_eq!(r.pairs[0].actual, Some(58.0), "{r:#?}");
        // a plan stays a plan
        let r = assess("60项任务", "已完成40项,计划年底前完成20项");
        assert_eq!(r.pairs[0].actual, Some(40.0), "{r:#?}");
    }

    #[test]
    fn a_restated_total_not_said_done_gives_way_to_its_parts_said_done() {
        let r = assess(
            "15项重点民生实事39个项目",
            "截至8月底,15项重点民生实事39个项目持续推进落实。其中,11个项目已完成全年目标任务,12个项目超额完成节点目标。",
        );
        assert_eq!(r.pairs[0].actual, Some(11.0), "{r:#?}");
        // said done, the total answers
        let r = assess(
            "建设项目39个",
            "39个项目均已完成。其中,11个项目已完成验收。",
        );
        assert_eq!(r.pairs[0].actual, Some(39.0), "{r:#?}");
    }

    #[test]
    fn a_count_followed_by_the_rate_it_makes_of_the_target_answers_it() {
        let r = assess(
            "全市新建、改扩建中小学、幼儿园项目80个",
            "均已开工,开工率达100%,已完工66所,完工率达82.5%,新增学位8.8万个",
        );
        assert_eq!(r.pairs[0].actual, Some(66.0), "{r:#?}");
        assert!(close(r.completion, 0.825), "{r:#?}");
    }

    #[test]
    fn a_per_head_standard_is_answered_by_a_per_head_amount_and_never_summed() {
        let r = assess(
            "城市特困人员供养标准由每人每月1560元调整为1720元",
            "58个子项已落实4项。已完成的子项包括:低保标准由每人每月780元调整至每人每月860元;特困人员供养标准由每人每月1560元调整为1720元",
        );
        assert_eq!(r.pairs[0].actual, Some(1720.0), "{r:#?}");
        assert_eq!(r.completion, Some(1.0), "{r:#?}");
    }

    #[test]
    fn money_describing_a_programme_is_no_target_when_the_progress_reports_no_money() {
        let r = assess(
            "共投入资金57.72亿元,涵盖10个方面60项任务",
            "目前已按计划完成年度目标任务58项",
        );
        let got: Vec<f64> = r.pairs.iter().filter_map(|p| p.target).collect();
        assert_eq!(got, [60.0], "{r:#?}");
        // money said as a plan stays
        let r = assess(
            "项目计划投资2179万元，新建村内道路32.63公里。",
            "已完成建设工程32.63公里。",
        );
        assert_eq!(r.pairs.len(), 2, "{r:#?}");
    }

    #[test]
    fn a_rate_named_only_as_the_target_is_a_ceiling_when_the_progress_measures_a_lower_is_better_rate()
     {
        let r = assess(
            "“5.5%左右”的既定目标",
            "全国城镇登记失业率平均值为5.1%,也明显比“5.5%左右”的既定目标低。",
        );
        assert!(r.completion.is_some_and(|c| c >= 1.0), "{r:#?}");
        // a growth rate stays a floor
        let r = assess("增长8%的目标", "地区生产总值增长6%");
        assert!(close(r.completion, 0.75), "{r:#?}");
    }
}
