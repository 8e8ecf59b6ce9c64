//! A stored unit table scored with the scheme's rules (`jixiao_domain::scoring`), and the
//! ranking of a scheme's units. Shared by the pages and `jixiao score` / `jixiao rank`.
//!
//! Evidence: the reviewer's side is the completion that counts (a verified completion, else
//! the reader's) and the reviewer's grade; the unit's side is the reader's completion and its
//! self-score. A task has quantities when its target text states one; quantified tasks are
//! scored proportionally, the others wait for a grade. Adjustments and vetoes are not stored
//! yet, so totals are the level-1 scores.

use std::collections::HashMap;

use jixiao_domain::prose;
use jixiao_domain::scoring::{
    Completion, Evidence, Grade, IndicatorInput, IndicatorScore, RankEntry, Ranked, ScoringError,
    TaskInput, TaskScore, UnitInput, UnitResult, rank, score_task, score_unit,
};
use jixiao_domain::{Name, Points};
use jixiao_store::{Store, StoreError, TaskLine, UnitTable};

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

/// The task's scoring input from what is stored.
pub fn task_input(task: &TaskLine) -> Result<TaskInput, ScoreError> {
    let name = Name::try_from(task.name.as_str()).map_err(|_| ScoreError::EmptyName)?;
    let weight = Points::try_from(task.weight).unwrap_or(Points::ZERO);
    let report = task.report.as_ref();
    let reading = prose::assess(&task.target, report.map(|r| r.text.as_str()).unwrap_or(""));
    let has_quantities = reading.pairs.iter().any(|p| p.target.is_some());
    let mut input = TaskInput::new(name, weight, has_quantities);
    input.reviewer_evidence = Evidence {
        completion: report
            .and_then(|r| r.effective_completion())
            .and_then(Completion::new),
        grade: report
            .and_then(|r| r.grade.as_deref())
            .and_then(Grade::parse),
        points: None,
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

/// Each task's scores, by task id.
pub fn task_scores(table: &UnitTable) -> Result<HashMap<i64, TaskScore>, ScoreError> {
    table
        .tasks
        .iter()
        .map(|t| Ok((t.id, score_task(&task_input(t)?)?)))
        .collect()
}

/// The unit's result: its indicator tree scored, capped, summed.
pub fn unit_result(table: &UnitTable) -> Result<UnitResult, ScoreError> {
    // Build the indicator tree the tasks hang in, keeping the scheme's order.
    fn node(table: &UnitTable, id: i64) -> Result<IndicatorInput, ScoreError> {
        let ind = table
            .indicators
            .iter()
            .find(|i| i.id == id)
            .ok_or(ScoreError::EmptyName)?;
        let children = table
            .indicators
            .iter()
            .filter(|c| c.parent_id == Some(id))
            .filter(|c| has_tasks(table, c.id))
            .map(|c| node(table, c.id))
            .collect::<Result<Vec<_>, _>>()?;
        let tasks = table
            .tasks
            .iter()
            .filter(|t| t.indicator_id == id)
            .map(task_input)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(IndicatorInput {
            name: Name::try_from(ind.name.as_str()).map_err(|_| ScoreError::EmptyName)?,
            points: ind.points.and_then(|p| Points::try_from(p).ok()),
            children,
            tasks,
        })
    }
    fn has_tasks(table: &UnitTable, id: i64) -> bool {
        table
            .tasks
            .iter()
            .any(|t| table.path_of(t.indicator_id).iter().any(|i| i.id == id))
    }
    let indicators = table
        .indicators
        .iter()
        .filter(|i| i.parent_id.is_none() && has_tasks(table, i.id))
        .map(|i| node(table, i.id))
        .collect::<Result<Vec<_>, _>>()?;
    let unit_type = if table.unit.kind.trim().is_empty() {
        "未分类"
    } else {
        table.unit.kind.as_str()
    };
    let input = UnitInput {
        unit: Name::try_from(table.unit.name.as_str()).map_err(|_| ScoreError::EmptyName)?,
        unit_type: Name::try_from(unit_type).map_err(|_| ScoreError::EmptyName)?,
        indicators,
        adjustments: Vec::new(),
        vetoes: Vec::new(),
    };
    Ok(score_unit(&input, &[])?)
}

/// Every assessed unit of a scheme (among `units`, when given) scored for a period and ranked.
pub async fn ranking(
    store: &Store,
    scheme_id: i64,
    period: Option<&str>,
    units: Option<&[i64]>,
) -> Result<Vec<(Ranked, UnitResult, i64)>, ScoreError> {
    let mut results = Vec::new();
    for u in store.scheme_units(scheme_id).await? {
        if units.is_some_and(|allowed| !allowed.contains(&u.unit_id)) {
            continue;
        }
        if let Some(table) = store.unit_table(scheme_id, u.unit_id, period).await? {
            results.push((unit_result(&table)?, u.unit_id));
        }
    }
    let entries: Vec<RankEntry> = results.iter().map(|(r, _)| r.rank_entry()).collect();
    let ranked = rank(&entries);
    let mut out = Vec::with_capacity(ranked.len());
    for r in ranked {
        if let Some(pos) = results.iter().position(|(res, _)| res.unit == r.entry.unit) {
            let (res, id) = results.swap_remove(pos);
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
        })
        .collect();
    Ok(jixiao_office::export::RankingTable {
        title,
        period_label,
        rows,
    })
}
