//! Reading what the pages and the exporters show. Records are plain data; turning them into
//! domain values (an `IndicatorTree`, a `Period`) is the caller's choice.

use jixiao_domain::{IndicatorTree, Period, TaskRow, WeightMismatch};
use sqlx::FromRow;
use std::collections::HashMap;

use crate::{Store, StoreError};

/// A scheme in the list of schemes.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct SchemeSummary {
    /// Id.
    pub id: i64,
    /// Title as the office writes it.
    pub title: String,
    /// Year.
    pub year: i64,
    /// draft / active / closed.
    pub state: String,
    /// Units assessed.
    pub units: i64,
    /// Tasks across all units.
    pub tasks: i64,
}

/// A scheme.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct SchemeRecord {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Year.
    pub year: i64,
    /// draft / active / closed.
    pub state: String,
    /// Status tolerance below time progress.
    pub tolerance: f64,
    /// The graded rule's table: percent of the weight for 优秀.
    pub grade_excellent: i64,
    /// … for 良好.
    pub grade_good: i64,
    /// … for 一般.
    pub grade_fair: i64,
    /// … for 较差.
    pub grade_poor: i64,
    /// The review steps' stored code; read it through [`SchemeRecord::review_chain`].
    pub review_chain: String,
    /// Completions above this are questioned (a fraction: 3.0 = 300 %).
    pub completion_bound: f64,
}

impl SchemeRecord {
    /// The scheme's review steps. Only `set_review_chain` writes the column, from a parsed
    /// chain, so a value that does not read back is damage, reported as such.
    pub fn review_chain(&self) -> Result<jixiao_domain::ReviewChain, StoreError> {
        jixiao_domain::ReviewChain::try_from(self.review_chain.as_str()).map_err(|e| {
            StoreError::Corrupt(format!(
                "方案 {} 的审核流程「{}」：{e}",
                self.id, self.review_chain
            ))
        })
    }
}

/// An indicator of a scheme.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct IndicatorRecord {
    /// Id.
    pub id: i64,
    /// The indicator above, none for level 1.
    pub parent_id: Option<i64>,
    /// 1 for 一级指标.
    pub level: i64,
    /// Name as written.
    pub name: String,
    /// Points, when the name carries them.
    pub points: Option<f64>,
    /// Order in the scheme.
    pub position: i64,
}

/// A unit.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct UnitRecord {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Type, for ranking within a type.
    pub kind: String,
    /// The unit above.
    pub parent_id: Option<i64>,
}

/// A unit assessed in a scheme.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct UnitInScheme {
    /// Unit id.
    pub unit_id: i64,
    /// Unit name.
    pub name: String,
    /// The 主管部门 line of its table.
    pub department: String,
}

/// How much a unit carries in a scheme.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct UnitWorkload {
    /// Unit id.
    pub unit_id: i64,
    /// Its tasks in the scheme.
    pub tasks: i64,
    /// Sum of their weights.
    pub weight_sum: f64,
}

/// A reporting period of a scheme.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct PeriodRecord {
    /// Id.
    pub id: i64,
    /// Code: 2022, 2022Q3, 2022-09.
    pub code: String,
    /// Last day, ISO date.
    pub ends_on: String,
    /// When reporting locks, RFC 3339 UTC; none: never.
    pub deadline: Option<String>,
}

impl PeriodRecord {
    /// The domain period, if the stored code is one.
    pub fn period(&self) -> Option<Period> {
        self.code.parse().ok()
    }
}

/// One progress report.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ReportRecord {
    /// Id.
    pub id: i64,
    /// The task.
    pub task_id: i64,
    /// The period's code.
    pub period_code: String,
    /// 进度情况 as written.
    pub text: String,
    /// draft / submitted / approved / returned.
    pub state: String,
    /// The prose reader's result as JSON.
    pub reading: Option<String>,
    /// Completion, when numbers decide.
    pub completion: Option<f64>,
    /// Status code.
    pub status: Option<String>,
    /// Optimistic version.
    pub version: i64,
    /// Last change, RFC 3339.
    pub updated_at: String,
    /// The unit's own score.
    pub self_score: Option<f64>,
    /// Why a reviewer returned it.
    pub return_reason: Option<String>,
    /// The period's id.
    pub period_id: i64,
    /// A reviewer's corrected completion, which wins over `completion`.
    pub verified_completion: Option<f64>,
    /// Why the reviewer corrected it.
    pub verified_reason: Option<String>,
    /// The reviewer's grade (优秀/良好/一般/较差) for a qualitative task.
    pub grade: Option<String>,
    /// The reviewer's points under the manual rule.
    pub reviewer_points: Option<f64>,
    /// How many review steps the current submission has passed.
    pub review_step: i64,
    /// The checks' findings when it was last saved (codes, comma-separated; '' for none).
    pub flags: String,
    /// 情况说明: the unit's explanation of the findings.
    pub note: Option<String>,
    /// The last day of its period (ISO date), to order periods that end on the same day.
    pub period_ends_on: String,
}

impl ReportRecord {
    /// The completion that counts: the reviewer's when set, else the reader's.
    pub fn effective_completion(&self) -> Option<f64> {
        self.verified_completion.or(self.completion)
    }

    /// Its workflow state; `None` only for a value no version of this program writes.
    pub fn report_state(&self) -> Option<jixiao_domain::ReportState> {
        jixiao_domain::ReportState::parse(&self.state)
    }

    /// Whether it counts in figures made under `basis` (approved ones always; submitted ones
    /// only provisionally; drafts and returned ones never).
    pub fn counts(&self, basis: jixiao_domain::Basis) -> bool {
        self.report_state().is_some_and(|s| basis.counts(s))
    }
}

/// A task with its progress for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskLine {
    /// Id.
    pub id: i64,
    /// The indicator it hangs under.
    pub indicator_id: i64,
    /// 任务要点名称.
    pub name: String,
    /// 年度目标.
    pub target: String,
    /// 分值权重.
    pub weight: f64,
    /// The scoring rule's code, when the office chose one (else the default).
    pub rule: Option<String>,
    /// Progress for the period, if reported.
    pub report: Option<ReportRecord>,
    /// An admin's override of the final score for the period.
    pub score_override: Option<OverrideRecord>,
}

/// An admin's override of a task's final score for a period.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct OverrideRecord {
    /// The task.
    pub task_id: i64,
    /// The period.
    pub period_id: i64,
    /// The points that count.
    pub points: f64,
    /// Why; never empty.
    pub reason: String,
}

#[derive(FromRow)]
struct TaskRowDb {
    id: i64,
    indicator_id: i64,
    name: String,
    target: String,
    weight: f64,
    rule: Option<String>,
}

/// What the save of a report needs to know about its task and period.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveContext {
    /// The task.
    pub task_id: i64,
    /// Its unit, for the permission check.
    pub unit_id: i64,
    /// Its 考核主体, for the permission check.
    pub reviewing_unit_id: Option<i64>,
    /// Its scheme.
    pub scheme_id: i64,
    /// Its name.
    pub name: String,
    /// Its target, to read the progress against.
    pub target: String,
    /// Its weight, the most a self-score may be.
    pub weight: f64,
    /// The scheme's status tolerance.
    pub tolerance: f64,
    /// The scheme's completion bound (checks).
    pub completion_bound: f64,
    /// The task's latest report of a period that ends before this one: its period's code and
    /// its text (checks compare with it).
    pub earlier: Option<(String, String)>,
    /// The period named, if the scheme has it.
    pub period: Option<PeriodRecord>,
    /// The reviewer's verified completion of this task's report in that period, if any.
    pub verified_completion: Option<f64>,
}

/// A unit's progress table for one period: what the seed's Word table shows.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitTable {
    /// The scheme.
    pub scheme: SchemeRecord,
    /// The unit.
    pub unit: UnitRecord,
    /// The 主管部门 line.
    pub department: String,
    /// The period shown, if the scheme has any.
    pub period: Option<PeriodRecord>,
    /// Every period of the scheme, oldest first.
    pub periods: Vec<PeriodRecord>,
    /// The scheme's indicators, in order.
    pub indicators: Vec<IndicatorRecord>,
    /// The unit's tasks, in order.
    pub tasks: Vec<TaskLine>,
}

impl UnitTable {
    /// Indicator names from level 1 down to `indicator_id`.
    pub fn path_of(&self, indicator_id: i64) -> Vec<&IndicatorRecord> {
        let by_id: HashMap<i64, &IndicatorRecord> =
            self.indicators.iter().map(|i| (i.id, i)).collect();
        let mut path = Vec::new();
        let mut next = Some(indicator_id);
        while let Some(id) = next {
            let Some(ind) = by_id.get(&id) else { break };
            path.push(*ind);
            next = ind.parent_id;
            if path.len() > 64 {
                break; // a cycle in stored data; show what we have
            }
        }
        path.reverse();
        path
    }

    /// The unit's tasks as a domain tree (for weight checks and totals).
    pub fn tree(&self) -> Result<IndicatorTree, StoreError> {
        let rows: Vec<TaskRow> = self
            .tasks
            .iter()
            .map(|t| TaskRow {
                path: self
                    .path_of(t.indicator_id)
                    .into_iter()
                    .map(|i| i.name.clone())
                    .collect(),
                task: t.name.clone(),
                target: t.target.clone(),
                progress: t
                    .report
                    .as_ref()
                    .map(|r| r.text.clone())
                    .unwrap_or_default(),
                weight: t.weight,
            })
            .collect();
        IndicatorTree::from_rows(&rows).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Indicators whose points differ from the unit's task weights below them.
    pub fn weight_mismatches(&self) -> Result<Vec<WeightMismatch>, StoreError> {
        Ok(self.tree()?.weight_mismatches())
    }

    /// Sum of the unit's task weights.
    pub fn weight_total(&self) -> f64 {
        self.tasks.iter().map(|t| t.weight).sum()
    }
}

/// A task with its context and every report it has.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDetail {
    /// The scheme.
    pub scheme: SchemeRecord,
    /// The unit.
    pub unit: UnitRecord,
    /// Indicators from level 1 down.
    pub path: Vec<IndicatorRecord>,
    /// The task (its `report` is the latest).
    pub task: TaskLine,
    /// Every report, oldest period first.
    pub reports: Vec<ReportRecord>,
    /// The admin's overrides of its final score, by period.
    pub overrides: Vec<OverrideRecord>,
    /// The department that reviews it in every unit (考核主体), if the scheme names one.
    pub reviewing_unit: Option<UnitRecord>,
    /// Every submission and review decision of its reports, oldest first.
    pub history: Vec<ReviewEvent>,
}

/// A submission or a review decision, with who, when and why.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ReviewEvent {
    /// The report.
    pub report_id: i64,
    /// submitted / approved / returned.
    pub event: String,
    /// The step decided (a [`jixiao_domain::ReviewStep`] code); `None` for a submission.
    pub step: Option<String>,
    /// Who, by id.
    pub user_id: Option<i64>,
    /// Who, by name.
    pub actor: String,
    /// Why (a return's reason).
    pub reason: Option<String>,
    /// When, RFC 3339 UTC.
    pub at: String,
}

impl ReviewEvent {
    /// The step it decided.
    pub fn review_step(&self) -> Option<jixiao_domain::ReviewStep> {
        self.step
            .as_deref()
            .and_then(jixiao_domain::ReviewStep::parse)
    }
}

impl TaskDetail {
    /// Who submitted the report's current submission, if the history knows.
    pub fn submitter(&self, report_id: i64) -> Option<i64> {
        self.history
            .iter()
            .rev()
            .find(|e| e.report_id == report_id && e.event == "submitted")
            .and_then(|e| e.user_id)
    }

    /// Who decided a step of the report's current submission (since it was last submitted).
    pub fn deciders_this_round(&self, report_id: i64) -> Vec<i64> {
        let events: Vec<&ReviewEvent> = self
            .history
            .iter()
            .filter(|e| e.report_id == report_id)
            .collect();
        let start = events
            .iter()
            .rposition(|e| e.event == "submitted")
            .map_or(0, |i| i + 1);
        events[start..]
            .iter()
            .filter(|e| e.event == "approved")
            .filter_map(|e| e.user_id)
            .collect()
    }
}

pub(crate) const REPORT_COLUMNS: &str = "r.id, r.task_id, p.code AS period_code, r.text, r.state, r.reading, \
     r.completion, r.status, r.version, r.updated_at, r.self_score, r.return_reason, r.period_id, \
     r.verified_completion, r.verified_reason, r.grade, r.reviewer_points, r.review_step, r.flags, \
     r.note, p.ends_on AS period_ends_on";

impl Store {
    /// Every scheme, newest year first.
    pub async fn list_schemes(&self) -> Result<Vec<SchemeSummary>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT s.id, s.title, s.year, s.state, \
             (SELECT COUNT(*) FROM scheme_units su WHERE su.scheme_id = s.id) AS units, \
             (SELECT COUNT(*) FROM tasks t WHERE t.scheme_id = s.id) AS tasks \
             FROM schemes s ORDER BY s.year DESC, s.id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Every (scheme, assessed unit) pair, for filtering by reach.
    pub async fn scheme_unit_ids(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT scheme_id, unit_id FROM scheme_units")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// One scheme.
    pub async fn scheme(&self, id: i64) -> Result<Option<SchemeRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, title, year, state, tolerance, grade_excellent, grade_good, grade_fair, \
             grade_poor, review_chain, completion_bound FROM schemes WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// A scheme's indicators in order.
    pub async fn indicators(&self, scheme_id: i64) -> Result<Vec<IndicatorRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, parent_id, level, name, points, position FROM indicators \
             WHERE scheme_id = $1 ORDER BY position",
        )
        .bind(scheme_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The units assessed in a scheme.
    pub async fn scheme_units(&self, scheme_id: i64) -> Result<Vec<UnitInScheme>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT u.id AS unit_id, u.name, su.department \
             FROM scheme_units su JOIN units u ON u.id = su.unit_id \
             WHERE su.scheme_id = $1 ORDER BY u.name",
        )
        .bind(scheme_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The tasks and weight of a few units in a scheme (a page of a list: the ids are bound as
    /// parameters), in no particular order.
    pub async fn unit_workloads(
        &self,
        scheme_id: i64,
        unit_ids: &[i64],
    ) -> Result<Vec<UnitWorkload>, StoreError> {
        if unit_ids.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (0..unit_ids.len()).map(|i| format!("${}", i + 2)).collect();
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT unit_id, COUNT(*) AS tasks, CAST(COALESCE(SUM(weight), 0) AS DOUBLE PRECISION) \
             AS weight_sum FROM tasks WHERE scheme_id = $1 AND unit_id IN ({}) GROUP BY unit_id",
            list.join(", ")
        )))
        .bind(scheme_id);
        for id in unit_ids {
            q = q.bind(*id);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// A scheme's periods in the year's order: by the day they end, and of periods ending on
    /// the same day the shorter first (month, quarter, then the whole year, which closes the
    /// year): 2022Q1 … 2022Q4, 2022. The code's length says the span (`2022-12` is 7
    /// characters, `2022Q4` 6, `2022` 4), so both databases order alike.
    pub async fn periods(&self, scheme_id: i64) -> Result<Vec<PeriodRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, code, ends_on, deadline FROM periods WHERE scheme_id = $1 \
             ORDER BY ends_on, LENGTH(code) DESC, code",
        )
        .bind(scheme_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// A unit.
    pub async fn unit(&self, id: i64) -> Result<Option<UnitRecord>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, name, kind, parent_id FROM units WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// A unit by name.
    pub async fn unit_by_name(&self, name: &str) -> Result<Option<UnitRecord>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, name, kind, parent_id FROM units WHERE name = $1")
                .bind(name)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// A unit's table for a period (`None`: the latest period). `None` when the unit is not
    /// assessed in the scheme.
    pub async fn unit_table(
        &self,
        scheme_id: i64,
        unit_id: i64,
        period_code: Option<&str>,
    ) -> Result<Option<UnitTable>, StoreError> {
        let Some(scheme) = self.scheme(scheme_id).await? else {
            return Ok(None);
        };
        let department: Option<String> = sqlx::query_scalar(
            "SELECT department FROM scheme_units WHERE scheme_id = $1 AND unit_id = $2",
        )
        .bind(scheme_id)
        .bind(unit_id)
        .fetch_optional(self.pool())
        .await?;
        let Some(department) = department else {
            return Ok(None);
        };
        let Some(unit) = self.unit(unit_id).await? else {
            return Ok(None);
        };
        let periods = self.periods(scheme_id).await?;
        let period = match period_code {
            Some(code) => match periods.iter().find(|p| p.code == code) {
                Some(p) => Some(p.clone()),
                None => return Ok(None),
            },
            None => periods.last().cloned(),
        };
        let indicators = self.indicators(scheme_id).await?;
        let rows: Vec<TaskRowDb> = sqlx::query_as(
            "SELECT id, indicator_id, name, target, weight, rule FROM tasks \
             WHERE scheme_id = $1 AND unit_id = $2 ORDER BY position, id",
        )
        .bind(scheme_id)
        .bind(unit_id)
        .fetch_all(self.pool())
        .await?;
        let mut reports: HashMap<i64, ReportRecord> = HashMap::new();
        let mut overrides: HashMap<i64, OverrideRecord> = HashMap::new();
        if let Some(p) = &period {
            // `CROSS JOIN` makes SQLite start from the unit's tasks (an index range) and look
            // each report up by (task, period), whatever statistics it has; without it, a
            // database never analysed walks every report of the period instead. PostgreSQL
            // reads it as an inner join and plans it freely.
            let found: Vec<OverrideRecord> = sqlx::query_as(
                "SELECT o.task_id, o.period_id, o.points, o.reason FROM tasks t \
                 CROSS JOIN score_overrides o \
                 WHERE o.task_id = t.id AND o.period_id = $1 AND t.scheme_id = $2 \
                 AND t.unit_id = $3",
            )
            .bind(p.id)
            .bind(scheme_id)
            .bind(unit_id)
            .fetch_all(self.pool())
            .await?;
            overrides = found.into_iter().map(|o| (o.task_id, o)).collect();
            let found: Vec<ReportRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {REPORT_COLUMNS} FROM tasks t CROSS JOIN progress_reports r \
                 JOIN periods p ON p.id = r.period_id \
                 WHERE r.task_id = t.id AND r.period_id = $1 AND t.scheme_id = $2 \
                 AND t.unit_id = $3"
            )))
            .bind(p.id)
            .bind(scheme_id)
            .bind(unit_id)
            .fetch_all(self.pool())
            .await?;
            reports = found.into_iter().map(|r| (r.task_id, r)).collect();
        }
        let tasks = rows
            .into_iter()
            .map(|t| TaskLine {
                report: reports.remove(&t.id),
                score_override: overrides.remove(&t.id),
                id: t.id,
                indicator_id: t.indicator_id,
                name: t.name,
                target: t.target,
                weight: t.weight,
                rule: t.rule,
            })
            .collect();
        Ok(Some(UnitTable {
            scheme,
            unit,
            department,
            period,
            periods,
            indicators,
            tasks,
        }))
    }

    /// The tables of a batch of a scheme's units (at most a few hundred: the ids are bound as
    /// parameters) for one period (the latest when `None`), in the order of
    /// [`Store::scheme_units`], read in a fixed number of queries whatever the batch's size
    /// (for rankings and scheme-wide figures; callers walk a province in batches, so memory
    /// stays that of one batch). The reports carry no reading (`reading` is `None`;
    /// completion and status are there): a page that explains a reading shows one unit and
    /// uses [`Store::unit_table`].
    pub async fn unit_tables(
        &self,
        scheme_id: i64,
        period_code: Option<&str>,
        unit_ids: &[i64],
    ) -> Result<Vec<UnitTable>, StoreError> {
        #[derive(FromRow)]
        struct UnitRow {
            id: i64,
            name: String,
            kind: String,
            parent_id: Option<i64>,
            department: String,
        }
        #[derive(FromRow)]
        struct TaskOfUnit {
            unit_id: i64,
            #[sqlx(flatten)]
            task: TaskRowDb,
        }
        if unit_ids.is_empty() {
            return Ok(Vec::new());
        }
        let Some(scheme) = self.scheme(scheme_id).await? else {
            return Ok(Vec::new());
        };
        let periods = self.periods(scheme_id).await?;
        let period = match period_code {
            Some(code) => match periods.iter().find(|p| p.code == code) {
                Some(p) => Some(p.clone()),
                None => return Ok(Vec::new()),
            },
            None => periods.last().cloned(),
        };
        let indicators = self.indicators(scheme_id).await?;
        // The units are bound after `$1` the scheme (and `$2` the period, for the reports).
        let list = |first: usize| {
            let ids: Vec<String> = (0..unit_ids.len())
                .map(|i| format!("${}", i + first))
                .collect();
            ids.join(", ")
        };
        macro_rules! batch {
            ($sql:expr $(, $period:expr)?) => {{
                let q = sqlx::query_as(sqlx::AssertSqlSafe($sql)).bind(scheme_id);
                $(let q = q.bind($period);)?
                let mut q = q;
                for id in unit_ids {
                    q = q.bind(*id);
                }
                q.fetch_all(self.pool()).await?
            }};
        }
        let units: Vec<UnitRow> = batch!(format!(
            "SELECT u.id, u.name, u.kind, u.parent_id, su.department \
             FROM scheme_units su JOIN units u ON u.id = su.unit_id \
             WHERE su.scheme_id = $1 AND su.unit_id IN ({}) ORDER BY u.name",
            list(2)
        ));
        let rows: Vec<TaskOfUnit> = batch!(format!(
            "SELECT unit_id, id, indicator_id, name, target, weight, rule FROM tasks \
             WHERE scheme_id = $1 AND unit_id IN ({}) ORDER BY unit_id, position, id",
            list(2)
        ));
        let mut reports: HashMap<i64, ReportRecord> = HashMap::new();
        let mut overrides: HashMap<i64, OverrideRecord> = HashMap::new();
        if let Some(p) = &period {
            // The readings (JSON, a few hundred bytes each) stay in the database: hundreds of
            // thousands of them would be most of the server's memory. `CROSS JOIN` starts from
            // the units' tasks, as in `unit_table`.
            let columns = REPORT_COLUMNS.replace("r.reading,", "CAST(NULL AS TEXT) AS reading,");
            let found: Vec<ReportRecord> = batch!(
                format!(
                    "SELECT {columns} FROM tasks t CROSS JOIN progress_reports r \
                 JOIN periods p ON p.id = r.period_id \
                 WHERE r.task_id = t.id AND r.period_id = $2 AND t.scheme_id = $1 \
                 AND t.unit_id IN ({})",
                    list(3)
                ),
                p.id
            );
            reports = found.into_iter().map(|r| (r.task_id, r)).collect();
            let found: Vec<OverrideRecord> = batch!(
                format!(
                    "SELECT o.task_id, o.period_id, o.points, o.reason FROM tasks t \
                 CROSS JOIN score_overrides o \
                 WHERE o.task_id = t.id AND o.period_id = $2 AND t.scheme_id = $1 \
                 AND t.unit_id IN ({})",
                    list(3)
                ),
                p.id
            );
            overrides = found.into_iter().map(|o| (o.task_id, o)).collect();
        }
        let mut tasks_of: HashMap<i64, Vec<TaskLine>> = HashMap::new();
        for TaskOfUnit { unit_id, task: t } in rows {
            tasks_of.entry(unit_id).or_default().push(TaskLine {
                report: reports.remove(&t.id),
                score_override: overrides.remove(&t.id),
                id: t.id,
                indicator_id: t.indicator_id,
                name: t.name,
                target: t.target,
                weight: t.weight,
                rule: t.rule,
            });
        }
        Ok(units
            .into_iter()
            .map(|u| UnitTable {
                scheme: scheme.clone(),
                tasks: tasks_of.remove(&u.id).unwrap_or_default(),
                unit: UnitRecord {
                    id: u.id,
                    name: u.name,
                    kind: u.kind,
                    parent_id: u.parent_id,
                },
                department: u.department,
                period: period.clone(),
                periods: periods.clone(),
                indicators: indicators.clone(),
            })
            .collect())
    }

    /// What saving a report of `task_id` for the period `period_code` needs, in one query: the
    /// hot path of a deadline, where every statement costs a round trip to the database.
    pub async fn save_context(
        &self,
        task_id: i64,
        period_code: &str,
    ) -> Result<Option<SaveContext>, StoreError> {
        #[derive(FromRow)]
        struct Row {
            unit_id: i64,
            scheme_id: i64,
            name: String,
            target: String,
            weight: f64,
            tolerance: f64,
            completion_bound: f64,
            earlier_period: Option<String>,
            earlier_text: Option<String>,
            period_id: Option<i64>,
            period_code: Option<String>,
            ends_on: Option<String>,
            deadline: Option<String>,
            verified_completion: Option<f64>,
            reviewing_unit_id: Option<i64>,
        }
        let row: Option<Row> = sqlx::query_as(
            "SELECT t.unit_id, t.reviewing_unit_id, t.scheme_id, t.name, t.target, t.weight, s.tolerance, \
             s.completion_bound, p.id AS period_id, p.code AS period_code, p.ends_on, p.deadline, \
             r.verified_completion, \
             (SELECT p2.code FROM progress_reports r2 JOIN periods p2 ON p2.id = r2.period_id \
              WHERE r2.task_id = t.id AND p2.ends_on < p.ends_on \
              ORDER BY p2.ends_on DESC, p2.code DESC LIMIT 1) AS earlier_period, \
             (SELECT r2.text FROM progress_reports r2 JOIN periods p2 ON p2.id = r2.period_id \
              WHERE r2.task_id = t.id AND p2.ends_on < p.ends_on \
              ORDER BY p2.ends_on DESC, p2.code DESC LIMIT 1) AS earlier_text \
             FROM tasks t JOIN schemes s ON s.id = t.scheme_id \
             LEFT JOIN periods p ON p.scheme_id = t.scheme_id AND p.code = $2 \
             LEFT JOIN progress_reports r ON r.task_id = t.id AND r.period_id = p.id \
             WHERE t.id = $1",
        )
        .bind(task_id)
        .bind(period_code)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| SaveContext {
            task_id,
            unit_id: r.unit_id,
            reviewing_unit_id: r.reviewing_unit_id,
            scheme_id: r.scheme_id,
            name: r.name,
            target: r.target,
            weight: r.weight,
            tolerance: r.tolerance,
            completion_bound: r.completion_bound,
            earlier: r.earlier_period.zip(r.earlier_text),
            period: match (r.period_id, r.period_code, r.ends_on) {
                (Some(id), Some(code), Some(ends_on)) => Some(PeriodRecord {
                    id,
                    code,
                    ends_on,
                    deadline: r.deadline,
                }),
                _ => None,
            },
            verified_completion: r.verified_completion,
        }))
    }

    /// A task with its context and all its reports.
    pub async fn task(&self, id: i64) -> Result<Option<TaskDetail>, StoreError> {
        #[derive(FromRow)]
        struct Head {
            id: i64,
            scheme_id: i64,
            unit_id: i64,
            indicator_id: i64,
            name: String,
            target: String,
            weight: f64,
            rule: Option<String>,
            reviewing_unit_id: Option<i64>,
        }
        let head: Option<Head> = sqlx::query_as(
            "SELECT id, scheme_id, unit_id, indicator_id, name, target, weight, rule, \
             reviewing_unit_id FROM tasks WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(head) = head else { return Ok(None) };
        let scheme = self
            .scheme(head.scheme_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("task {id} without scheme")))?;
        let unit = self
            .unit(head.unit_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("task {id} without unit")))?;
        let indicators = self.indicators(head.scheme_id).await?;
        let by_id: HashMap<i64, &IndicatorRecord> = indicators.iter().map(|i| (i.id, i)).collect();
        let mut path = Vec::new();
        let mut next = Some(head.indicator_id);
        while let Some(i) = next.and_then(|id| by_id.get(&id)) {
            path.push((*i).clone());
            next = i.parent_id;
            if path.len() > 64 {
                break;
            }
        }
        path.reverse();
        let reports: Vec<ReportRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} FROM progress_reports r \
             JOIN periods p ON p.id = r.period_id WHERE r.task_id = $1 \
             ORDER BY p.ends_on, LENGTH(p.code) DESC, p.code"
        )))
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let overrides: Vec<OverrideRecord> = sqlx::query_as(
            "SELECT task_id, period_id, points, reason FROM score_overrides WHERE task_id = $1",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let latest = reports.last().map(|r| r.period_id);
        let reviewing_unit = match head.reviewing_unit_id {
            Some(u) => self.unit(u).await?,
            None => None,
        };
        let history: Vec<ReviewEvent> = sqlx::query_as(
            "SELECT e.report_id, e.event, e.step, e.user_id, e.actor, e.reason, e.at \
             FROM review_events e JOIN progress_reports r ON r.id = e.report_id \
             WHERE r.task_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(Some(TaskDetail {
            scheme,
            unit,
            path,
            task: TaskLine {
                id: head.id,
                indicator_id: head.indicator_id,
                name: head.name,
                target: head.target,
                weight: head.weight,
                rule: head.rule,
                score_override: overrides
                    .iter()
                    .find(|o| Some(o.period_id) == latest)
                    .cloned(),
                report: reports.last().cloned(),
            },
            reports,
            overrides,
            reviewing_unit,
            history,
        }))
    }
}
