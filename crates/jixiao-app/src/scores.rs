//! A stored unit table scored with the scheme's rules (`jixiao_domain::scoring`), and the
//! ranking of a scheme's units. Shared by the pages and `jixiao score` / `jixiao rank`.
//!
//! Evidence: the reviewer's side is the completion that counts (a verified completion, else
//! the reader's) and the reviewer's grade; the unit's side is the reader's completion and its
//! self-score. A task's rule is the one the office chose for it, else the default: quantified
//! tasks (the target states a quantity) proportionally, the others by grade with the scheme's
//! grade table. An admin's override with its reason wins for the final score.
//!
//! Only reports that count under the figures' [`Basis`] are evidence: approved ones for the
//! official figures (the default everywhere), approved and submitted ones for the provisional
//! preview. A draft or a returned report scores as if nothing were reported. A unit's total is
//! its level-1 scores plus its adjustments under the scheme's rules (capped), then its vetoes.

use std::collections::HashMap;

use jixiao_domain::prose;
use jixiao_domain::scoring::{
    Adjustment, AdjustmentRule, Completion, Evidence, Grade, GradeTable, IndicatorInput,
    IndicatorScore, Override, RankEntry, Ranked, ScoringError, ScoringRule, TaskInput, TaskScore,
    UnitInput, UnitResult, Veto, VetoEffect, rank, score_task, score_unit,
};
use jixiao_domain::{Basis, Name, Points};
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
/// The figures a document prints under 得分.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableScores {
    /// Each task's final score in points, by task id; `None` while it waits for a grade.
    pub tasks: HashMap<i64, Option<f64>>,
    /// The unit's total (caps, 加减分 and 一票否决 applied), as its page shows it.
    pub total: Option<f64>,
}

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

/// The task's scoring input from what is stored, with its report as evidence only when the
/// report counts under `basis`.
pub fn task_input(
    task: &TaskLine,
    grades: GradeTable,
    basis: Basis,
) -> Result<TaskInput, ScoreError> {
    let weight = Points::try_from(task.weight).unwrap_or(Points::ZERO);
    let report = task.report.as_ref().filter(|r| r.counts(basis));
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

/// How many of a table's reports wait for review, and how many are drafts or returned: what
/// the official figures leave out.
pub fn left_out(table: &UnitTable) -> (usize, usize) {
    use jixiao_domain::ReportState;
    table.tasks.iter().fold((0, 0), |(a, d), task| {
        match task.report.as_ref().and_then(|r| r.report_state()) {
            Some(ReportState::Submitted) => (a + 1, d),
            Some(ReportState::Draft | ReportState::Returned) => (a, d + 1),
            _ => (a, d),
        }
    })
}

/// What scoring needs of a scheme beyond one unit's table: its grade table, adjustment rules
/// and veto items, and every adjustment and veto entered. Loaded once per page or command.
#[derive(Debug, Clone)]
pub struct SchemeScoring {
    grades: GradeTable,
    basis: Basis,
    rules: Vec<AdjustmentRule>,
    items: Vec<VetoItemRecord>,
    adjustments: Vec<AdjustmentRecord>,
    vetoes: Vec<VetoRecord>,
}

impl SchemeScoring {
    /// Loads a scheme's scoring setup and the entries of all its units.
    pub async fn load(store: &Store, scheme_id: i64) -> Result<SchemeScoring, ScoreError> {
        let grades = match store.scheme(scheme_id).await? {
            Some(s) => grade_table(&s),
            None => GradeTable::default(),
        };
        let mut scoring = Self::setup(store, scheme_id, grades).await?;
        scoring.adjustments = store.scheme_adjustments(scheme_id).await?;
        scoring.vetoes = store.scheme_vetoes(scheme_id).await?;
        Ok(scoring)
    }

    /// Loads a scheme's scoring setup and one unit's entries: what scoring that unit's table
    /// needs, whatever the number of units with adjustments or vetoes.
    pub async fn load_for_unit(
        store: &Store,
        scheme: &SchemeRecord,
        unit_id: i64,
    ) -> Result<SchemeScoring, ScoreError> {
        let mut scoring = Self::setup(store, scheme.id, grade_table(scheme)).await?;
        scoring.adjustments = store.unit_adjustments(scheme.id, unit_id).await?;
        scoring.vetoes = store.unit_vetoes(scheme.id, unit_id).await?;
        Ok(scoring)
    }

    /// The scheme's rules and veto items, without entries.
    async fn setup(
        store: &Store,
        scheme_id: i64,
        grades: GradeTable,
    ) -> Result<SchemeScoring, ScoreError> {
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
            basis: Basis::Official,
            rules,
            items: store.veto_items(scheme_id).await?,
            adjustments: Vec::new(),
            vetoes: Vec::new(),
        })
    }

    /// The scheme's grade table.
    pub fn grades(&self) -> GradeTable {
        self.grades
    }

    /// The same setup scoring under `basis` (official when never set).
    pub fn with_basis(mut self, basis: Basis) -> SchemeScoring {
        self.basis = basis;
        self
    }

    /// The basis its figures are made under.
    pub fn basis(&self) -> Basis {
        self.basis
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

    /// What a document prints under 得分: each task's final score (none while it waits for a
    /// grade) and the unit's total, as the unit's page shows them.
    pub fn table_scores(&self, table: &UnitTable) -> Result<TableScores, ScoreError> {
        let tasks = self
            .task_scores(table)?
            .into_iter()
            .map(|(id, s)| (id, s.final_score.points().map(Points::get)))
            .collect();
        let total = Some(self.unit_result(table)?.total);
        Ok(TableScores { tasks, total })
    }

    /// Each task's scores, by task id.
    pub fn task_scores(&self, table: &UnitTable) -> Result<HashMap<i64, TaskScore>, ScoreError> {
        table
            .tasks
            .iter()
            .map(|t| Ok((t.id, score_task(&task_input(t, self.grades, self.basis)?)?)))
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
        let (grades, basis) = (self.grades, self.basis);
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
            basis: Basis,
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
                .map(|c| node(table, c.id, grades, basis, with_tasks))
                .collect::<Result<Vec<_>, _>>()?;
            let tasks = table
                .tasks
                .iter()
                .filter(|t| t.indicator_id == id)
                .map(|t| task_input(t, grades, basis))
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
            .map(|i| node(table, i.id, grades, basis, &with_tasks))
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

/// Below this many units, their summaries are asked for by id; above it (and for the
/// office) the whole scheme's are read and the others dropped.
const FEW_UNITS: usize = 200;

/// Units whose tables are read at once when summaries are computed: a fixed number of
/// queries per batch, and the memory of one batch, not of a province (20,000 units' tables
/// held at once took 1.4 GB).
const TABLE_BATCH: usize = 500;

/// The version of the scoring code and of the summaries' format. A stored body of another
/// version is computed again: its stamp says nothing about a change of the code. **Raise it in
/// every change that alters how a score, a status count or a warning is computed, or what a
/// summary holds**; an upgrade that leaves it alone keeps a province's stored summaries (which
/// take minutes to compute again).
pub const SUMMARY_FORMAT: &str = "2";

/// What the scheme-wide pages need of one unit's scored table for one period, kept in the
/// store (`Store::unit_summaries`) so that a province's ranking, scheme page and dashboards
/// do not score 400,000 tasks per request. Computed by [`UnitSummary::of`] only.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UnitSummary {
    /// [`SUMMARY_FORMAT`] when computed.
    #[serde(default)]
    pub format: String,
    /// The unit's name.
    pub unit: String,
    /// Its type (未分类 when none).
    pub unit_type: String,
    /// The total after adjustments and vetoes.
    pub total: f64,
    /// The mean reviewer completion, the ranking's tie-break.
    pub mean_completion: Option<f64>,
    /// Whether a veto applied.
    pub vetoed: bool,
    /// The grade a veto set.
    pub veto_grade: Option<String>,
    /// Tasks waiting for a grade or points.
    pub pending: usize,
    /// Tasks per status, in the order of `Status::ALL` (未报送 for tasks without a report).
    pub statuses: Vec<usize>,
    /// Per level-1 indicator, in the scheme's order: its name, the sum of its tasks'
    /// completions (each capped at 150%) and how many there are.
    pub by_indicator: Vec<(String, f64, usize)>,
    /// The sum of every task's completion (capped at 150%) and how many there are.
    pub completions: (f64, usize),
    /// Where the unit's weights do not add up to an indicator's points, in Chinese.
    pub weight_mismatches: Vec<String>,
    /// Tasks whose report is submitted and waits for review (they count only provisionally).
    #[serde(default)]
    pub awaiting_review: usize,
    /// Tasks with a draft or a returned report (they count under no basis).
    #[serde(default)]
    pub drafts: usize,
    /// The same summary under the provisional basis, when it differs (some report waits for
    /// review); the official figures otherwise stand for both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisional: Option<Box<UnitSummary>>,
}

/// The highest completion a chart counts: the cap of the one mean completion
/// (`jixiao_domain::scoring::mean_completion`), so that charts and rankings agree.
pub const CHART_COMPLETION_CAP: f64 = jixiao_domain::scoring::MEAN_COMPLETION_CAP;

impl UnitSummary {
    /// Scores a unit's table and sums what the scheme-wide pages show, under the official
    /// basis and, when a report waits for review, the provisional one too.
    pub fn of(scoring: &SchemeScoring, table: &UnitTable) -> Result<UnitSummary, ScoreError> {
        let official = scoring.clone().with_basis(Basis::Official);
        let mut summary = Self::under(&official, table)?;
        (summary.awaiting_review, summary.drafts) = left_out(table);
        if summary.awaiting_review > 0 {
            let provisional = scoring.clone().with_basis(Basis::Provisional);
            let mut p = Self::under(&provisional, table)?;
            p.awaiting_review = summary.awaiting_review;
            p.drafts = summary.drafts;
            summary.provisional = Some(Box::new(p));
        }
        Ok(summary)
    }

    /// The summary under `basis`.
    pub fn basis(&self, basis: Basis) -> &UnitSummary {
        match (basis, &self.provisional) {
            (Basis::Provisional, Some(p)) => p,
            _ => self,
        }
    }

    /// The summary with the figures of `basis` in place of the official ones.
    pub fn into_basis(self, basis: Basis) -> UnitSummary {
        match (basis, self.provisional) {
            (Basis::Provisional, Some(p)) => *p,
            (_, provisional) => UnitSummary {
                provisional,
                ..self
            },
        }
    }

    /// One basis's figures (see [`UnitSummary::of`]).
    fn under(scoring: &SchemeScoring, table: &UnitTable) -> Result<UnitSummary, ScoreError> {
        use jixiao_domain::Status;
        let basis = scoring.basis();
        let result = scoring.unit_result(table)?;
        let mut statuses = vec![0; Status::ALL.len()];
        let mut by_indicator: Vec<(String, f64, usize)> = Vec::new();
        let mut completions = (0.0, 0);
        for task in &table.tasks {
            // A report that does not count under the basis is, for its figures, no report.
            let report = task.report.as_ref().filter(|r| r.counts(basis));
            let status = match report {
                Some(r) => r.status.as_deref().and_then(Status::parse),
                None => Some(Status::NotReported),
            };
            if let Some(pos) = status.and_then(|st| Status::ALL.iter().position(|x| *x == st)) {
                statuses[pos] += 1;
            }
            let Some(c) = report.and_then(|r| r.effective_completion()) else {
                continue;
            };
            let c = c.min(CHART_COMPLETION_CAP);
            completions = (completions.0 + c, completions.1 + 1);
            let level1 = table
                .path_of(task.indicator_id)
                .first()
                .map(|i| i.name.clone())
                .unwrap_or_default();
            match by_indicator.iter_mut().find(|(n, _, _)| *n == level1) {
                Some((_, sum, n)) => {
                    *sum += c;
                    *n += 1;
                }
                None => by_indicator.push((level1, c, 1)),
            }
        }
        Ok(UnitSummary {
            format: SUMMARY_FORMAT.to_string(),
            unit: result.unit.to_string(),
            unit_type: result.unit_type.to_string(),
            total: result.total,
            mean_completion: result.mean_completion,
            vetoed: result.vetoed,
            veto_grade: result.veto_grade.as_ref().map(ToString::to_string),
            pending: result.indicators.iter().map(|i| i.pending).sum(),
            statuses,
            by_indicator,
            completions,
            weight_mismatches: table
                .weight_mismatches()?
                .iter()
                .map(ToString::to_string)
                .collect(),
            awaiting_review: 0,
            drafts: 0,
            provisional: None,
        })
    }

    /// The entry this unit contributes to a ranking.
    pub fn rank_entry(&self) -> Result<RankEntry, ScoreError> {
        Ok(RankEntry {
            unit: name(&self.unit)?,
            unit_type: name(&self.unit_type)?,
            total: self.total,
            mean_completion: self.mean_completion,
            vetoed: self.vetoed,
        })
    }

    /// 备注 of the unit in the ranking: its veto and the grade one set, in Chinese.
    pub fn note(&self) -> String {
        if !self.vetoed {
            return String::new();
        }
        match &self.veto_grade {
            Some(g) => format!("一票否决，等次{g}"),
            None => "一票否决".to_string(),
        }
    }
}

/// The period whose summaries a request means: the code given (if it is one of the scheme's),
/// else the latest. `Ok(None)` when the code given is not a period of the scheme; the key is
/// empty when the scheme has no periods yet.
async fn period_key(
    store: &Store,
    scheme_id: i64,
    period: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let periods = store.periods(scheme_id).await?;
    Ok(match period {
        Some(code) => periods
            .iter()
            .any(|p| p.code == code)
            .then(|| code.to_string()),
        None => Some(periods.last().map(|p| p.code.clone()).unwrap_or_default()),
    })
}

/// The summaries of a scheme's units among `units` (all when `None`) for a period (the
/// latest when `None`) under `basis`, in the scheme's order: the stored ones still valid, the
/// others scored now from their tables and stored for the next request.
pub async fn summaries(
    store: &Store,
    scheme_id: i64,
    period: Option<&str>,
    units: Option<&[i64]>,
    basis: Basis,
) -> Result<Vec<(i64, UnitSummary)>, ScoreError> {
    let Some(key) = period_key(store, scheme_id, period).await? else {
        return Ok(Vec::new());
    };
    Ok(summaries_of(store, scheme_id, &key, units)
        .await?
        .into_iter()
        .map(|(id, s)| (id, s.into_basis(basis)))
        .collect())
}

/// [`summaries`] for a period already resolved (`key`: its code, empty when the scheme has
/// none).
async fn summaries_of(
    store: &Store,
    scheme_id: i64,
    key: &str,
    units: Option<&[i64]>,
) -> Result<Vec<(i64, UnitSummary)>, ScoreError> {
    let key = key.to_string();
    let allowed: Option<std::collections::HashSet<i64>> =
        units.map(|u| u.iter().copied().collect());
    // The stamps are read before any table (see jixiao_store's summaries module).
    let stamped = store
        .unit_summaries(scheme_id, &key, units.filter(|u| u.len() < FEW_UNITS))
        .await?;
    let mut out = Vec::with_capacity(stamped.len());
    let mut missing = Vec::new();
    for row in stamped {
        if allowed.as_ref().is_some_and(|a| !a.contains(&row.unit_id)) {
            continue;
        }
        // A body of another release or format, or one this release cannot read, is computed
        // again.
        match row.body.as_deref().map(serde_json::from_str::<UnitSummary>) {
            Some(Ok(summary)) if summary.format == SUMMARY_FORMAT => {
                out.push((row.unit_id, Some(summary)));
            }
            _ => {
                missing.push((row.unit_id, row.stamp));
                out.push((row.unit_id, None));
            }
        }
    }
    if !missing.is_empty() {
        let mut computed = compute_summaries(store, scheme_id, &key, &missing).await?;
        for (id, slot) in &mut out {
            if slot.is_none() {
                *slot = computed.remove(id);
            }
        }
    }
    Ok(out
        .into_iter()
        .filter_map(|(id, s)| s.map(|s| (id, s)))
        .collect())
}

/// Scores the units `missing` (with the stamps read before their data) for the period `key`
/// in batches, stores their summaries and returns them.
async fn compute_summaries(
    store: &Store,
    scheme_id: i64,
    key: &str,
    missing: &[(i64, i64)],
) -> Result<HashMap<i64, UnitSummary>, ScoreError> {
    let ids: Vec<i64> = missing.iter().map(|(id, _)| *id).collect();
    let stamps: HashMap<i64, i64> = missing.iter().copied().collect();
    let scoring = SchemeScoring::load(store, scheme_id).await?;
    let table_period = (!key.is_empty()).then_some(key);
    let mut computed: HashMap<i64, UnitSummary> = HashMap::new();
    for batch in ids.chunks(TABLE_BATCH) {
        let mut rows = Vec::with_capacity(batch.len());
        for table in store.unit_tables(scheme_id, table_period, batch).await? {
            let summary = UnitSummary::of(&scoring, &table)?;
            if let Some(stamp) = stamps.get(&table.unit.id) {
                let body = serde_json::to_string(&summary).map_err(|e| {
                    ScoreError::Store(StoreError::Corrupt(format!("单位汇总无法保存：{e}")))
                })?;
                rows.push((table.unit.id, *stamp, body));
            }
            computed.insert(table.unit.id, summary);
        }
        store.put_unit_summaries(scheme_id, key, &rows).await?;
    }
    Ok(computed)
}

/// Recomputes the summaries of a scheme's period that are missing or stale (what writes made
/// stale since) when there are at least `at_least` of them; returns how many it recomputed.
/// The background refresh runs this, so that a request seldom finds many to compute.
pub async fn refresh_stale(
    store: &Store,
    scheme_id: i64,
    period_code: &str,
    at_least: usize,
) -> Result<usize, ScoreError> {
    let stale = store.stale_units(scheme_id, period_code).await?;
    if stale.is_empty() || stale.len() < at_least {
        return Ok(0);
    }
    compute_summaries(store, scheme_id, period_code, &stale).await?;
    Ok(stale.len())
}

/// The unit summaries of a period added up over the units shown: the dashboard's figures and
/// the scheme page's weight warnings.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PeriodSummary {
    /// [`SUMMARY_FORMAT`] when stored (empty while being added up).
    #[serde(default)]
    pub format: String,
    /// Units added.
    pub units: usize,
    /// Tasks per status, in the order of `Status::ALL`.
    pub statuses: Vec<usize>,
    /// Per level-1 indicator, in the order first met: name, sum of completions, count.
    pub by_indicator: Vec<(String, f64, usize)>,
    /// Sum of every task's completion (capped) and how many there are.
    pub completions: (f64, usize),
    /// Each unit's weight warnings, prefixed with the unit's name.
    pub warnings: Vec<String>,
    /// Tasks whose report waits for review.
    #[serde(default)]
    pub awaiting_review: usize,
    /// Tasks with a draft or a returned report.
    #[serde(default)]
    pub drafts: usize,
    /// The same sums under the provisional basis (kept beside the official ones, so that the
    /// 口径 switch reads one stored row either way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisional: Option<Box<PeriodSummary>>,
}

impl PeriodSummary {
    /// Adds a unit under both bases.
    pub fn add_unit(&mut self, u: &UnitSummary) {
        self.add(u);
        self.provisional
            .get_or_insert_with(Default::default)
            .add(u.basis(Basis::Provisional));
    }

    /// The sums under `basis`.
    pub fn into_basis(self, basis: Basis) -> PeriodSummary {
        match (basis, self.provisional) {
            (Basis::Provisional, Some(p)) => *p,
            (_, provisional) => PeriodSummary {
                provisional,
                ..self
            },
        }
    }

    /// Adds a unit's figures of one basis.
    fn add(&mut self, u: &UnitSummary) {
        self.units += 1;
        if self.statuses.len() < u.statuses.len() {
            self.statuses.resize(u.statuses.len(), 0);
        }
        for (count, n) in self.statuses.iter_mut().zip(&u.statuses) {
            *count += n;
        }
        for (name, sum, n) in &u.by_indicator {
            match self.by_indicator.iter_mut().find(|(m, _, _)| m == name) {
                Some((_, total, count)) => {
                    *total += sum;
                    *count += n;
                }
                None => self.by_indicator.push((name.clone(), *sum, *n)),
            }
        }
        self.completions.0 += u.completions.0;
        self.completions.1 += u.completions.1;
        self.awaiting_review += u.awaiting_review;
        self.drafts += u.drafts;
        for m in &u.weight_mismatches {
            self.warnings.push(format!("{}：{m}", u.unit));
        }
    }

    /// The mean completion, 0 when no task has one.
    pub fn mean_completion(&self) -> f64 {
        if self.completions.1 == 0 {
            0.0
        } else {
            self.completions.0 / self.completions.1 as f64
        }
    }
}

/// A period's summary under `basis` over the scheme's units among `units` (all when `None`).
/// For all units
/// it is kept in the store at the scheme's version, so an unchanged province's dashboard reads
/// one row per period instead of 20,000.
pub async fn period_summary(
    store: &Store,
    scheme_id: i64,
    period: Option<&str>,
    units: Option<&[i64]>,
    basis: Basis,
) -> Result<PeriodSummary, ScoreError> {
    let add_up = |rows: Vec<(i64, UnitSummary)>| {
        let mut sum = PeriodSummary::default();
        for (_, u) in &rows {
            sum.add_unit(u);
        }
        sum
    };
    let Some(key) = period_key(store, scheme_id, period).await? else {
        return Ok(PeriodSummary::default());
    };
    if units.is_some() {
        let rows = summaries_of(store, scheme_id, &key, units).await?;
        return Ok(add_up(rows).into_basis(basis));
    }
    // The version is read before the summaries it will be stored with.
    let version = store.scheme_version(scheme_id).await?;
    if let Some(body) = store.scheme_summary(scheme_id, &key, version).await?
        && let Ok(sum) = serde_json::from_str::<PeriodSummary>(&body)
        && sum.format == SUMMARY_FORMAT
    {
        return Ok(sum.into_basis(basis));
    }
    // The key resolved above, not `period` again: a period added meanwhile must not have
    // its sums stored under this key.
    let mut sum = add_up(summaries_of(store, scheme_id, &key, None).await?);
    sum.format = SUMMARY_FORMAT.to_string();
    let body = serde_json::to_string(&sum)
        .map_err(|e| ScoreError::Store(StoreError::Corrupt(format!("方案汇总无法保存：{e}"))))?;
    store
        .put_scheme_summary(scheme_id, &key, version, &body)
        .await?;
    Ok(sum.into_basis(basis))
}

/// Every assessed unit of a scheme ranked for a period under `basis`; the rows of `units`
/// only, when given (their ranks are still among all units: a unit's place is the same for
/// whoever looks).
pub async fn ranking(
    store: &Store,
    scheme_id: i64,
    period: Option<&str>,
    units: Option<&[i64]>,
    basis: Basis,
) -> Result<Vec<(Ranked, UnitSummary, i64)>, ScoreError> {
    let all = summaries(store, scheme_id, period, None, basis).await?;
    let entries = all
        .iter()
        .map(|(_, s)| s.rank_entry())
        .collect::<Result<Vec<_>, _>>()?;
    let allowed: Option<std::collections::HashSet<i64>> =
        units.map(|u| u.iter().copied().collect());
    let mut by_unit: HashMap<String, (UnitSummary, i64)> = all
        .into_iter()
        .map(|(id, s)| (s.unit.clone(), (s, id)))
        .collect();
    let mut out = Vec::new();
    for r in rank(&entries) {
        if let Some((summary, id)) = by_unit.remove(r.entry.unit.as_str())
            && allowed.as_ref().is_none_or(|a| a.contains(&id))
        {
            out.push((r, summary, id));
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
    basis: Basis,
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
    let rows = ranking(store, scheme_id, period, units, basis)
        .await?
        .into_iter()
        .map(|(r, res, _)| jixiao_office::export::RankingRow {
            rank: r.rank,
            type_rank: r.type_rank,
            unit: r.entry.unit.to_string(),
            unit_type: r.entry.unit_type.to_string(),
            total: (r.entry.total * 100.0).round() / 100.0,
            mean_completion: r.entry.mean_completion,
            pending: res.pending,
            note: res.note(),
        })
        .collect();
    Ok(jixiao_office::export::RankingTable {
        title,
        period_label,
        rows,
    })
}
