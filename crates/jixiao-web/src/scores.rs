//! A stored unit table scored with the scheme's rules (`jixiao_domain::scoring`), and the
//! ranking of a scheme's units. Shared by the pages and `jixiao score` / `jixiao rank`.
//!
//! Evidence: the reviewer's side is the completion that counts (a verified completion, else
//! the reader's) and the reviewer's grade; the unit's side is the reader's completion and its
//! self-score. A task's rule is the one the office chose for it, else the default: quantified
//! tasks (the target states a quantity) proportionally, the others by grade with the scheme's
//! grade table. An admin's override with its reason wins for the final score. A unit's total is
//! its level-1 scores plus its adjustments under the scheme's rules (capped), then its vetoes.

use std::collections::HashMap;

use jixiao_domain::prose;
use jixiao_domain::scoring::{
    Adjustment, AdjustmentRule, Completion, Evidence, Grade, GradeTable, IndicatorInput,
    IndicatorScore, Override, RankEntry, Ranked, ScoringError, ScoringRule, TaskInput, TaskScore,
    UnitInput, UnitResult, Veto, VetoEffect, rank, score_task, score_unit,
};
use jixiao_domain::{Name, Points};
use jixiao_store::{
    AdjustmentRecord, SchemeRecord, Store, StoreError, TaskLine, UnitTable, VetoItemRecord,
    VetoRecord,
};

/// Why a table cannot be scored.
#[derive(Debug, thiserror::Error)]
pub enum ScoreError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored value is not a valid scoring input.
    #[error(transparent)]
    Scoring(#[from] ScoringError),
    /// A stored name is empty.
    #[error("数据中有空的名称")]
    EmptyName,
}

fn name(s: &str) -> Result<Name, ScoreError> {
    Name::try_from(s).map_err(|_| ScoreError::EmptyName)
}

/// The scheme's grade table; a stored table that breaks the invariant falls back to the
/// default (the settings form never stores one).
pub fn grade_table(scheme: &SchemeRecord) -> GradeTable {
    let pct = |v: i64| u8::try_from(v).unwrap_or(u8::MAX);
    GradeTable::new(
        pct(scheme.grade_excellent),
        pct(scheme.grade_good),
        pct(scheme.grade_fair),
        pct(scheme.grade_poor),
    )
    .unwrap_or_default()
}

/// Whether the task's target states a quantity (then the default rule is proportional).
pub fn has_quantities(target: &str) -> bool {
    prose::assess(target, "")
        .pairs
        .iter()
        .any(|p| p.target.is_some())
}

/// The rule a task is scored by: the office's choice, else the default for its target.
pub fn rule_of(task: &TaskLine, grades: GradeTable) -> ScoringRule {
    task.rule
        .as_deref()
        .and_then(|c| ScoringRule::from_code(c, grades))
        .unwrap_or_else(
            || match ScoringRule::default_for(has_quantities(&task.target)) {
                ScoringRule::Graded(_) => ScoringRule::Graded(grades),
                other => other,
            },
        )
}

/// The task's scoring input from what is stored.
pub fn task_input(task: &TaskLine, grades: GradeTable) -> Result<TaskInput, ScoreError> {
    let weight = Points::try_from(task.weight).unwrap_or(Points::ZERO);
    let report = task.report.as_ref();
    let mut input = TaskInput::new(name(&task.name)?, weight, true);
    input.rule = rule_of(task, grades);
    input.admin_override = match &task.score_override {
        Some(o) => Some(Override::new(
            Points::try_from(o.points).map_err(|_| ScoringError::Amount(o.points))?,
            &o.reason,
        )?),
        None => None,
    };
    input.reviewer_evidence = Evidence {
        completion: report
            .and_then(|r| r.effective_completion())
            .and_then(Completion::new),
        grade: report
            .and_then(|r| r.grade.as_deref())
            .and_then(Grade::parse),
        points: report
            .and_then(|r| r.reviewer_points)
            .and_then(|p| Points::try_from(p).ok()),
    };
    input.self_evidence = Evidence {
        completion: report.and_then(|r| r.completion).and_then(Completion::new),
        grade: None,
        points: report
            .and_then(|r| r.self_score)
            .and_then(|p| Points::try_from(p).ok()),
    };
    Ok(input)
}

/// What scoring needs of a scheme beyond one unit's table: its grade table, adjustment rules
/// and veto items, and every adjustment and veto entered. Loaded once per page or command.
#[derive(Debug, Clone)]
pub struct SchemeScoring {
    grades: GradeTable,
    rules: Vec<AdjustmentRule>,
    items: Vec<VetoItemRecord>,
    adjustments: Vec<AdjustmentRecord>,
    vetoes: Vec<VetoRecord>,
}

impl SchemeScoring {
    /// Loads a scheme's scoring setup and entries.
    pub async fn load(store: &Store, scheme_id: i64) -> Result<SchemeScoring, ScoreError> {
        let grades = match store.scheme(scheme_id).await? {
            Some(s) => grade_table(&s),
            None => GradeTable::default(),
        };
        let rules = store
            .adjustment_rules(scheme_id)
            .await?
            .into_iter()
            .map(|r| {
                Ok(AdjustmentRule {
                    id: name(&r.name)?,
                    max_addition: r.max_addition.and_then(|p| Points::try_from(p).ok()),
                    max_deduction: r.max_deduction.and_then(|p| Points::try_from(p).ok()),
                })
            })
            .collect::<Result<_, ScoreError>>()?;
        Ok(SchemeScoring {
            grades,
            rules,
            items: store.veto_items(scheme_id).await?,
            adjustments: store.scheme_adjustments(scheme_id).await?,
            vetoes: store.scheme_vetoes(scheme_id).await?,
        })
    }

    /// The scheme's grade table.
    pub fn grades(&self) -> GradeTable {
        self.grades
    }

    /// The adjustments entered for a unit.
    pub fn adjustments_of(&self, unit_id: i64) -> impl Iterator<Item = &AdjustmentRecord> {
        self.adjustments
            .iter()
            .filter(move |a| a.unit_id == unit_id)
    }

    /// The vetoes found for a unit.
    pub fn vetoes_of(&self, unit_id: i64) -> impl Iterator<Item = &VetoRecord> {
        self.vetoes.iter().filter(move |v| v.unit_id == unit_id)
    }

    /// Each task's scores, by task id.
    pub fn task_scores(&self, table: &UnitTable) -> Result<HashMap<i64, TaskScore>, ScoreError> {
        table
            .tasks
            .iter()
            .map(|t| Ok((t.id, score_task(&task_input(t, self.grades)?)?)))
            .collect()
    }

    fn veto(&self, v: &VetoRecord) -> Result<Veto, ScoreError> {
        let item = self
            .items
            .iter()
            .find(|i| i.id == v.item_id)
            .ok_or(ScoreError::EmptyName)?;
        let effect = match (item.effect.as_str(), item.cap_points, item.grade.as_deref()) {
            ("cap", Some(p), _) => {
                VetoEffect::CapTotal(Points::try_from(p).map_err(|_| ScoringError::Amount(p))?)
            }
            ("grade", _, Some(g)) => VetoEffect::Grade(name(g)?),
            _ => VetoEffect::ZeroTotal,
        };
        Ok(Veto {
            item: name(&item.name)?,
            effect,
        })
    }

    /// The unit's result: its indicator tree scored, capped, summed, adjusted, vetoed.
    pub fn unit_result(&self, table: &UnitTable) -> Result<UnitResult, ScoreError> {
        let grades = self.grades;
        // Build the indicator tree the tasks hang in, keeping the scheme's order.
        // The indicators with a task at or below them, found once per unit.
        let with_tasks: std::collections::HashSet<i64> = table
            .tasks
            .iter()
            .flat_map(|t| table.path_of(t.indicator_id).into_iter().map(|i| i.id))
            .collect();
        fn node(
            table: &UnitTable,
            id: i64,
            grades: GradeTable,
            with_tasks: &std::collections::HashSet<i64>,
        ) -> Result<IndicatorInput, ScoreError> {
            let ind = table
                .indicators
                .iter()
                .find(|i| i.id == id)
                .ok_or(ScoreError::EmptyName)?;
            let children = table
                .indicators
                .iter()
                .filter(|c| c.parent_id == Some(id))
                .filter(|c| with_tasks.contains(&c.id))
                .map(|c| node(table, c.id, grades, with_tasks))
                .collect::<Result<Vec<_>, _>>()?;
            let tasks = table
                .tasks
                .iter()
                .filter(|t| t.indicator_id == id)
                .map(|t| task_input(t, grades))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(IndicatorInput {
                name: name(&ind.name)?,
                points: ind.points.and_then(|p| Points::try_from(p).ok()),
                children,
                tasks,
            })
        }
        let indicators = table
            .indicators
            .iter()
            .filter(|i| i.parent_id.is_none() && with_tasks.contains(&i.id))
            .map(|i| node(table, i.id, grades, &with_tasks))
            .collect::<Result<Vec<_>, _>>()?;
        let unit_type = if table.unit.kind.trim().is_empty() {
            "未分类"
        } else {
            table.unit.kind.as_str()
        };
        let adjustments = self
            .adjustments_of(table.unit.id)
            .map(|a| Ok(Adjustment::new(name(&a.rule)?, a.amount, &a.reason)?))
            .collect::<Result<Vec<_>, ScoreError>>()?;
        let vetoes = self
            .vetoes_of(table.unit.id)
            .map(|v| self.veto(v))
            .collect::<Result<Vec<_>, _>>()?;
        let input = UnitInput {
            unit: name(&table.unit.name)?,
            unit_type: name(unit_type)?,
            indicators,
            adjustments,
            vetoes,
        };
        Ok(score_unit(&input, &self.rules)?)
    }
}

/// Below this many units in reach, their tables are read one by one; above it (and for the
/// office) the whole scheme's in a fixed number of queries.
const FEW_UNITS: usize = 200;

/// The tables of the scheme's units among `units` (all when `None`), in the scheme's order.
pub async fn tables_in_reach(
    store: &Store,
    scheme_id: i64,
    period: Option<&str>,
    units: Option<&[i64]>,
) -> Result<Vec<UnitTable>, StoreError> {
    let allowed: Option<std::collections::HashSet<i64>> =
        units.map(|u| u.iter().copied().collect());
    let mut tables = Vec::new();
    match &allowed {
        // A department's reviewer: a few units of a province, each read on its own.
        Some(allowed) if allowed.len() < FEW_UNITS => {
            for u in store.scheme_units(scheme_id).await? {
                if !allowed.contains(&u.unit_id) {
                    continue;
                }
                if let Some(table) = store.unit_table(scheme_id, u.unit_id, period).await? {
                    tables.push(table);
                }
            }
        }
        // One read for the whole scheme: a query per unit does not scale to a province.
        _ => {
            for table in store.unit_tables(scheme_id, period).await? {
                if allowed.as_ref().is_none_or(|a| a.contains(&table.unit.id)) {
                    tables.push(table);
                }
            }
        }
    }
    Ok(tables)
}

/// Every assessed unit of a scheme scored for a period and ranked; the rows of `units` only,
/// when given (their ranks are still among all units: a unit's place is the same for whoever
/// looks).
pub async fn ranking(
    store: &Store,
    scheme_id: i64,
    period: Option<&str>,
    units: Option<&[i64]>,
) -> Result<Vec<(Ranked, UnitResult, i64)>, ScoreError> {
    let scoring = SchemeScoring::load(store, scheme_id).await?;
    let allowed: Option<std::collections::HashSet<i64>> =
        units.map(|u| u.iter().copied().collect());
    let mut results = Vec::new();
    // One read for the whole scheme: a query per unit does not scale to a province. Every
    // unit is scored and ranked; only the rows of `units` are kept.
    for table in store.unit_tables(scheme_id, period).await? {
        results.push((scoring.unit_result(&table)?, table.unit.id));
    }
    let entries: Vec<RankEntry> = results.iter().map(|(r, _)| r.rank_entry()).collect();
    let ranked = rank(&entries);
    let mut by_unit: std::collections::HashMap<_, _> = results
        .into_iter()
        .map(|(res, id)| (res.unit.clone(), (res, id)))
        .collect();
    let mut out = Vec::with_capacity(ranked.len());
    for r in ranked {
        if let Some((res, id)) = by_unit.remove(&r.entry.unit)
            && allowed.as_ref().is_none_or(|a| a.contains(&id))
        {
            out.push((r, res, id));
        }
    }
    Ok(out)
}

/// Level-1 scores flattened for display: (depth, indicator score).
pub fn flatten(indicators: &[IndicatorScore]) -> Vec<(usize, &IndicatorScore)> {
    fn walk<'a>(i: &'a IndicatorScore, depth: usize, out: &mut Vec<(usize, &'a IndicatorScore)>) {
        out.push((depth, i));
        for c in &i.children {
            walk(c, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    for i in indicators {
        walk(i, 0, &mut out);
    }
    out
}

/// 备注 of a unit in the ranking: its vetoes and the grade one set, in Chinese.
pub fn veto_note(res: &UnitResult) -> String {
    if !res.vetoed {
        return String::new();
    }
    let mut note = String::from("一票否决");
    if let Some(g) = &res.veto_grade {
        note.push_str(&format!("，等次{g}"));
    }
    note
}

/// The ranking as the office's ranking table (排名表), for export.
pub async fn ranking_table(
    store: &Store,
    scheme_id: i64,
    period: Option<&str>,
    units: Option<&[i64]>,
) -> Result<jixiao_office::export::RankingTable, ScoreError> {
    let title = store
        .scheme(scheme_id)
        .await?
        .map(|s| s.title)
        .unwrap_or_default();
    let periods = store.periods(scheme_id).await?;
    let code = match period {
        Some(p) => p.to_string(),
        None => periods.last().map(|p| p.code.clone()).unwrap_or_default(),
    };
    let period_label = code
        .parse::<jixiao_domain::Period>()
        .map(|p| p.label_zh())
        .unwrap_or(code);
    let rows = ranking(store, scheme_id, period, units)
        .await?
        .into_iter()
        .map(|(r, res, _)| jixiao_office::export::RankingRow {
            rank: r.rank,
            type_rank: r.type_rank,
            unit: r.entry.unit.to_string(),
            unit_type: r.entry.unit_type.to_string(),
            total: (r.entry.total * 100.0).round() / 100.0,
            mean_completion: r.entry.mean_completion,
            pending: res.indicators.iter().map(|i| i.pending).sum(),
            note: veto_note(&res),
        })
        .collect();
    Ok(jixiao_office::export::RankingTable {
        title,
        period_label,
        rows,
    })
}
