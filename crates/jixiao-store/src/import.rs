//! Writing an imported table: scheme, indicators, the unit's tasks and its progress, in one
//! transaction. Either all of it is stored or nothing is.

use jixiao_domain::{IndicatorNode, IndicatorTree, Period, TaskSpec, Year};
use sqlx::{Any, Transaction};

use crate::audit::{self, Actor, Record};
use crate::nullable::OptF64;
use crate::summaries::{self, Touch};
use crate::{Store, StoreError, now};

/// What to store: one unit's table of one scheme for one period.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The table title; the scheme it names is created if new.
    pub title: String,
    /// The scheme year.
    pub year: Year,
    /// The 主管部门 line of the document.
    pub department: String,
    /// The assessed unit; created if new.
    pub unit: String,
    /// The period the progress column reports on.
    pub period: Period,
    /// Indicators and tasks.
    pub tree: IndicatorTree,
    /// The file it came from, for the record.
    pub source: String,
    /// Replace the unit's tasks in this scheme if it has some.
    pub replace: bool,
    /// Store the table's progress as submitted, for reviewers to decide. Otherwise (the
    /// default) a table the office imports is its own record: its reports are approved and
    /// count in the official figures at once.
    pub for_review: bool,
}

/// The prose reader's result for one progress text, as stored beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReading {
    /// The reading as JSON.
    pub json: String,
    /// Completion, when numbers decide it.
    pub completion: Option<f64>,
    /// The status code (`jixiao_domain::Status::code`).
    pub status: Option<String>,
    /// The checks' findings (`jixiao_domain::checks::codes`), '' for none.
    pub flags: String,
}

/// What an import replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replaced {
    /// Tasks removed (with their progress).
    pub tasks: i64,
}

/// What an import stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOutcome {
    /// The scheme's id.
    pub scheme_id: i64,
    /// Whether the scheme was created by this import.
    pub scheme_created: bool,
    /// The unit's id.
    pub unit_id: i64,
    /// Tasks stored.
    pub tasks: usize,
    /// Progress reports stored.
    pub reports: usize,
    /// What was replaced, if anything.
    pub replaced: Option<Replaced>,
}

impl Store {
    /// How many tasks `unit` already has in the scheme titled `title` (0 if either is new).
    pub async fn existing_tasks(&self, title: &str, unit: &str) -> Result<i64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM tasks t \
             JOIN schemes s ON s.id = t.scheme_id JOIN units u ON u.id = t.unit_id \
             WHERE s.title = $1 AND u.name = $2",
        )
        .bind(title)
        .bind(unit)
        .fetch_one(self.pool())
        .await?;
        Ok(n)
    }

    /// Stores a table in one transaction. `read` gives the reading of each task's progress
    /// in its plan, under the scheme's status tolerance.
    pub async fn import_table(
        &self,
        by: &Actor,
        plan: &ImportPlan,
        read: impl Fn(&ImportPlan, &TaskSpec, f64) -> Option<StoredReading>,
    ) -> Result<ImportOutcome, StoreError> {
        let mut outcomes = self
            .import_tables(by, std::slice::from_ref(plan), read)
            .await?;
        Ok(outcomes.remove(0))
    }

    /// Stores several tables in one transaction: all of them or none.
    #[tracing::instrument(skip_all, fields(tables = plans.len()))]
    pub async fn import_tables(
        &self,
        by: &Actor,
        plans: &[ImportPlan],
        read: impl Fn(&ImportPlan, &TaskSpec, f64) -> Option<StoredReading>,
    ) -> Result<Vec<ImportOutcome>, StoreError> {
        let mut tx = self.write_tx().await?;
        let stamp = now();
        let mut outcomes = Vec::with_capacity(plans.len());
        for plan in plans {
            outcomes.push(import_one(&mut tx, plan, &stamp, &read).await?);
        }
        // An import can change the scheme's indicators, not only the unit's tasks. The marks
        // are raised before the audit head is taken, in the order every other write takes
        // them, so two transactions never wait for each other's (PostgreSQL).
        let mut schemes: Vec<i64> = outcomes.iter().map(|o| o.scheme_id).collect();
        schemes.sort_unstable();
        schemes.dedup();
        for scheme_id in schemes {
            summaries::touch(&mut tx, Touch::Scheme(scheme_id)).await?;
        }
        for (plan, outcome) in plans.iter().zip(&outcomes) {
            let after = serde_json::json!({
                "file": plan.source, "scheme": plan.title, "unit": plan.unit,
                "period": plan.period.code(), "tasks": outcome.tasks, "reports": outcome.reports,
                "replaced_tasks": outcome.replaced.map(|r| r.tasks),
            });
            audit::append(
                self.audit_key(),
                &mut tx,
                Record {
                    actor: by,
                    action: "import",
                    entity: "scheme",
                    entity_id: Some(outcome.scheme_id),
                    before: None,
                    after: Some(after.to_string()),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(outcomes)
    }
}

async fn import_one<F: Fn(&ImportPlan, &TaskSpec, f64) -> Option<StoredReading>>(
    tx: &mut Transaction<'_, Any>,
    plan: &ImportPlan,
    stamp: &str,
    read: &F,
) -> Result<ImportOutcome, StoreError> {
    let (scheme_id, scheme_created) = upsert_scheme(tx, plan, stamp).await?;
    let unit_id = upsert_unit(tx, &plan.unit, &plan.department, stamp).await?;

    let existing: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM tasks WHERE scheme_id = $1 AND unit_id = $2")
            .bind(scheme_id)
            .bind(unit_id)
            .fetch_one(&mut **tx)
            .await?;
    let replaced = if existing > 0 {
        if !plan.replace {
            return Err(StoreError::WouldReplace {
                scheme: plan.title.clone(),
                unit: plan.unit.clone(),
                tasks: existing,
            });
        }
        sqlx::query("DELETE FROM tasks WHERE scheme_id = $1 AND unit_id = $2")
            .bind(scheme_id)
            .bind(unit_id)
            .execute(&mut **tx)
            .await?;
        Some(Replaced { tasks: existing })
    } else {
        None
    };

    sqlx::query(
        "INSERT INTO scheme_units (scheme_id, unit_id, department, source, imported_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (scheme_id, unit_id) DO UPDATE SET department = $3, source = $4, \
         imported_at = $5",
    )
    .bind(scheme_id)
    .bind(unit_id)
    .bind(&plan.department)
    .bind(&plan.source)
    .bind(stamp)
    .execute(&mut **tx)
    .await?;

    let period_id: i64 = sqlx::query_scalar(
        "INSERT INTO periods (scheme_id, code, ends_on) VALUES ($1, $2, $3) \
         ON CONFLICT (scheme_id, code) DO UPDATE SET ends_on = $3 RETURNING id",
    )
    .bind(scheme_id)
    .bind(plan.period.code())
    .bind(plan.period.ends_on().to_string())
    .fetch_one(&mut **tx)
    .await?;

    let mut counts = Counts::default();
    let tolerance: f64 = sqlx::query_scalar("SELECT tolerance FROM schemes WHERE id = $1")
        .bind(scheme_id)
        .fetch_one(&mut **tx)
        .await?;
    let ctx = Ctx {
        plan,
        tolerance,
        scheme_id,
        unit_id,
        period_id,
        stamp,
        read,
    };
    for root in &plan.tree.roots {
        store_node(tx, &ctx, root, None, 1, &mut counts).await?;
    }
    if replaced.is_some() {
        prune_empty_indicators(tx, scheme_id).await?;
    }
    Ok(ImportOutcome {
        scheme_id,
        scheme_created,
        unit_id,
        tasks: counts.tasks,
        reports: counts.reports,
        replaced,
    })
}

#[derive(Default)]
struct Counts {
    tasks: usize,
    reports: usize,
}

struct Ctx<'a, F> {
    plan: &'a ImportPlan,
    tolerance: f64,
    scheme_id: i64,
    unit_id: i64,
    period_id: i64,
    stamp: &'a str,
    read: &'a F,
}

async fn upsert_scheme(
    tx: &mut Transaction<'_, Any>,
    plan: &ImportPlan,
    stamp: &str,
) -> Result<(i64, bool), StoreError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM schemes WHERE title = $1")
        .bind(&plan.title)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(id) = found {
        return Ok((id, false));
    }
    let id = sqlx::query_scalar(
        "INSERT INTO schemes (title, year, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(&plan.title)
    .bind(i64::from(plan.year.get()))
    .bind(stamp)
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, true))
}

async fn upsert_unit(
    tx: &mut Transaction<'_, Any>,
    name: &str,
    department: &str,
    stamp: &str,
) -> Result<i64, StoreError> {
    // The supervising department is the unit's parent when they differ.
    let parent = if !department.is_empty() && department != name {
        Some(Box::pin(upsert_unit(tx, department, "", stamp)).await?)
    } else {
        None
    };
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(id) = found {
        if let Some(parent) = parent {
            sqlx::query("UPDATE units SET parent_id = $1 WHERE id = $2 AND parent_id IS NULL")
                .bind(parent)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        return Ok(id);
    }
    let id = sqlx::query_scalar(
        "INSERT INTO units (name, parent_id, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(parent)
    .bind(stamp)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Stores an indicator (reusing the scheme's indicator of the same name under the same parent,
/// since indicators are shared by every unit) and everything below it.
async fn store_node<F: Fn(&ImportPlan, &TaskSpec, f64) -> Option<StoredReading>>(
    tx: &mut Transaction<'_, Any>,
    ctx: &Ctx<'_, F>,
    node: &IndicatorNode,
    parent: Option<i64>,
    level: i64,
    counts: &mut Counts,
) -> Result<(), StoreError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM indicators WHERE scheme_id = $1 AND name = $2 \
         AND COALESCE(parent_id, 0) = $3",
    )
    .bind(ctx.scheme_id)
    .bind(node.name.as_str())
    .bind(parent.unwrap_or(0))
    .fetch_optional(&mut **tx)
    .await?;
    let indicator_id = match found {
        Some(id) => id,
        None => {
            let position: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM indicators WHERE scheme_id = $1",
            )
            .bind(ctx.scheme_id)
            .fetch_one(&mut **tx)
            .await?;
            sqlx::query_scalar(
                "INSERT INTO indicators (scheme_id, parent_id, level, name, points, position) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(ctx.scheme_id)
            .bind(parent)
            .bind(level)
            .bind(node.name.as_str())
            .bind(OptF64(node.points.map(|p| p.get())))
            .bind(position)
            .fetch_one(&mut **tx)
            .await?
        }
    };

    for task in &node.tasks {
        counts.tasks += 1;
        let task_id: i64 = sqlx::query_scalar(
            // A task comes in reviewed by its indicator's 考核主体, if the office named one.
            "INSERT INTO tasks (scheme_id, indicator_id, unit_id, name, target, weight, position, \
             reviewing_unit_id) VALUES ($1, $2, $3, $4, $5, $6, $7, \
             (SELECT reviewing_unit_id FROM indicators WHERE id = $2)) RETURNING id",
        )
        .bind(ctx.scheme_id)
        .bind(indicator_id)
        .bind(ctx.unit_id)
        .bind(task.name.as_str())
        .bind(&task.target)
        .bind(task.weight.get())
        .bind(i64::try_from(counts.tasks).unwrap_or(i64::MAX))
        .fetch_one(&mut **tx)
        .await?;
        if task.progress.is_empty() {
            continue;
        }
        let reading = (ctx.read)(ctx.plan, task, ctx.tolerance);
        sqlx::query(
            "INSERT INTO progress_reports \
             (task_id, period_id, text, state, reading, completion, status, updated_at, flags) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(task_id)
        .bind(ctx.period_id)
        .bind(&task.progress)
        .bind(if ctx.plan.for_review {
            jixiao_domain::ReportState::Submitted.code()
        } else {
            jixiao_domain::ReportState::Approved.code()
        })
        .bind(reading.as_ref().map(|r| r.json.clone()))
        .bind(OptF64(reading.as_ref().and_then(|r| r.completion)))
        .bind(reading.as_ref().and_then(|r| r.status.clone()))
        .bind(ctx.stamp)
        .bind(
            reading
                .as_ref()
                .map(|r| r.flags.clone())
                .unwrap_or_default(),
        )
        .execute(&mut **tx)
        .await?;
        counts.reports += 1;
    }
    for child in &node.children {
        Box::pin(store_node(
            tx,
            ctx,
            child,
            Some(indicator_id),
            level + 1,
            counts,
        ))
        .await?;
    }
    Ok(())
}

/// Removes indicators left without any task below them after a replacement, leaves first.
async fn prune_empty_indicators(
    tx: &mut Transaction<'_, Any>,
    scheme_id: i64,
) -> Result<(), StoreError> {
    loop {
        let removed = sqlx::query(
            "DELETE FROM indicators WHERE scheme_id = $1 \
             AND id NOT IN (SELECT indicator_id FROM tasks WHERE scheme_id = $1) \
             AND id NOT IN (SELECT parent_id FROM indicators \
                            WHERE scheme_id = $1 AND parent_id IS NOT NULL)",
        )
        .bind(scheme_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if removed == 0 {
            return Ok(());
        }
    }
}
