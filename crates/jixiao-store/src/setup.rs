//! What the office sets up for scoring and enters per unit: the scheme's tolerance and grade
//! table, a rule per task, overrides of a task's final score, adjustment rules and veto items,
//! each unit's adjustments (加减分) and vetoes (一票否决), and copying a scheme into a new
//! year. Every change is audited in its transaction.

use sqlx::FromRow;

use crate::audit::{self, Actor, Record};
use crate::nullable::OptF64;
use crate::read::OverrideRecord;
use crate::summaries::{self, Touch};
use crate::{Store, StoreError, now};

/// An adjustment rule of a scheme (加减分规则).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct AdjustmentRuleRecord {
    /// Id.
    pub id: i64,
    /// Name, unique in the scheme.
    pub name: String,
    /// 最高计X分.
    pub max_addition: Option<f64>,
    /// 扣完为止: the base deductions cannot exceed.
    pub max_deduction: Option<f64>,
}

/// A veto item of a scheme (一票否决事项).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct VetoItemRecord {
    /// Id.
    pub id: i64,
    /// Name, unique in the scheme.
    pub name: String,
    /// zero / cap / grade.
    pub effect: String,
    /// For `cap`: the highest total.
    pub cap_points: Option<f64>,
    /// For `grade`: the grade the unit's result becomes.
    pub grade: Option<String>,
}

/// What a new veto item does.
#[derive(Debug, Clone, PartialEq)]
pub enum NewVetoEffect {
    /// The total becomes 0.
    Zero,
    /// The total is at most these points.
    Cap(f64),
    /// The result is this grade.
    Grade(String),
}

/// One 加分 or 扣分 entered for a unit.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct AdjustmentRecord {
    /// Id.
    pub id: i64,
    /// The scheme.
    pub scheme_id: i64,
    /// The unit.
    pub unit_id: i64,
    /// The rule.
    pub rule_id: i64,
    /// The rule's name.
    pub rule: String,
    /// Signed: positive 加分, negative 扣分.
    pub amount: f64,
    /// Why.
    pub reason: String,
    /// When, RFC 3339.
    pub created_at: String,
}

/// A veto item found to apply to a unit.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct VetoRecord {
    /// Id.
    pub id: i64,
    /// The scheme.
    pub scheme_id: i64,
    /// The unit.
    pub unit_id: i64,
    /// The item.
    pub item_id: i64,
    /// The item's name.
    pub item: String,
    /// Why (the incident, the document that found it).
    pub reason: String,
    /// When, RFC 3339.
    pub created_at: String,
}

/// A report as status needs it, for recomputing stored statuses when the tolerance changes.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct StatusInput {
    /// The report.
    pub report_id: i64,
    /// The task's target.
    pub target: String,
    /// The progress text.
    pub text: String,
    /// A reviewer's corrected completion.
    pub verified_completion: Option<f64>,
    /// The period's code.
    pub period_code: String,
}

/// The scheme-level settings an admin changes together.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemeSettings {
    /// Below time progress by at most this much is still 进度正常 (a fraction).
    pub tolerance: f64,
    /// Percent of the weight for 优秀, 良好, 一般, 较差.
    pub grades: [i64; 4],
    /// Completions above this are questioned (a fraction: 3.0 = 300 %).
    pub completion_bound: f64,
}

/// A period of the new year when a scheme is copied: its code and last day.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodSpec {
    /// Code: 2024, 2024Q3, 2024-09.
    pub code: String,
    /// Last day, ISO date.
    pub ends_on: String,
}

/// A unit's entry (an adjustment under a rule, or a veto under an item).
#[derive(Debug, Clone, Copy)]
enum Entry {
    Adjustment,
    Veto,
}

/// Raises the score mark of what the change touched, appends the change to the audit log and
/// commits it with the change. Every change of the setup can move a score, so none commits
/// without naming what it touched.
async fn commit_logged(
    key: Option<&audit::AuditKey>,
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    by: &Actor,
    touched: Touch,
    (action, entity, id): (&str, &str, i64),
    before: Option<String>,
    after: Option<String>,
) -> Result<(), StoreError> {
    summaries::touch(&mut tx, touched).await?;
    audit::append(
        key,
        &mut tx,
        Record {
            actor: by,
            action,
            entity,
            entity_id: Some(id),
            before,
            after,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

const ADJ_COLUMNS: &str = "a.id, a.scheme_id, a.unit_id, a.rule_id, r.name AS rule, a.amount, \
     a.reason, a.created_at";
const VETO_COLUMNS: &str =
    "v.id, v.scheme_id, v.unit_id, v.item_id, i.name AS item, v.reason, v.created_at";

impl Store {
    /// The scheme's adjustment rules, in the order they were added.
    pub async fn adjustment_rules(
        &self,
        scheme_id: i64,
    ) -> Result<Vec<AdjustmentRuleRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, name, max_addition, max_deduction FROM adjustment_rules \
             WHERE scheme_id = $1 ORDER BY position, id",
        )
        .bind(scheme_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The scheme's veto items, in the order they were added.
    pub async fn veto_items(&self, scheme_id: i64) -> Result<Vec<VetoItemRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, name, effect, cap_points, grade FROM veto_items \
             WHERE scheme_id = $1 ORDER BY position, id",
        )
        .bind(scheme_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Adds an adjustment rule; the name must be free in the scheme.
    pub async fn add_adjustment_rule(
        &self,
        by: &Actor,
        scheme_id: i64,
        name: &str,
        max_addition: Option<f64>,
        max_deduction: Option<f64>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM adjustment_rules WHERE scheme_id = $1 AND name = $2",
        )
        .bind(scheme_id)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Err(StoreError::Duplicate(name.to_string()));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO adjustment_rules (scheme_id, name, max_addition, max_deduction, position) \
             VALUES ($1, $2, $3, $4, \
             (SELECT COALESCE(MAX(position), 0) + 1 FROM adjustment_rules WHERE scheme_id = $1)) \
             RETURNING id",
        )
        .bind(scheme_id)
        .bind(name)
        .bind(OptF64(max_addition))
        .bind(OptF64(max_deduction))
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({
            "scheme_id": scheme_id, "name": name,
            "max_addition": max_addition, "max_deduction": max_deduction,
        });
        commit_logged(
            self.audit_key(),
            tx,
            by,
            Touch::Scheme(scheme_id),
            ("adjustment_rule.add", "adjustment_rule", id),
            None,
            Some(after.to_string()),
        )
        .await?;
        Ok(id)
    }

    /// Adds a veto item; the name must be free in the scheme.
    pub async fn add_veto_item(
        &self,
        by: &Actor,
        scheme_id: i64,
        name: &str,
        effect: &NewVetoEffect,
    ) -> Result<i64, StoreError> {
        let (code, cap, grade) = match effect {
            NewVetoEffect::Zero => ("zero", None, None),
            NewVetoEffect::Cap(p) => ("cap", Some(*p), None),
            NewVetoEffect::Grade(g) => ("grade", None, Some(g.as_str())),
        };
        let mut tx = self.write_tx().await?;
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM veto_items WHERE scheme_id = $1 AND name = $2")
                .bind(scheme_id)
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            return Err(StoreError::Duplicate(name.to_string()));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO veto_items (scheme_id, name, effect, cap_points, grade, position) \
             VALUES ($1, $2, $3, $4, $5, \
             (SELECT COALESCE(MAX(position), 0) + 1 FROM veto_items WHERE scheme_id = $1)) \
             RETURNING id",
        )
        .bind(scheme_id)
        .bind(name)
        .bind(code)
        .bind(OptF64(cap))
        .bind(grade)
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({
            "scheme_id": scheme_id, "name": name, "effect": code, "cap_points": cap, "grade": grade,
        });
        commit_logged(
            self.audit_key(),
            tx,
            by,
            Touch::Scheme(scheme_id),
            ("veto_item.add", "veto_item", id),
            None,
            Some(after.to_string()),
        )
        .await?;
        Ok(id)
    }

    /// Every adjustment entered in a scheme (all units), oldest first.
    pub async fn scheme_adjustments(
        &self,
        scheme_id: i64,
    ) -> Result<Vec<AdjustmentRecord>, StoreError> {
        self.entries(Entry::Adjustment, scheme_id, None).await
    }

    /// The adjustments entered for one unit of a scheme, in the order entered.
    pub async fn unit_adjustments(
        &self,
        scheme_id: i64,
        unit_id: i64,
    ) -> Result<Vec<AdjustmentRecord>, StoreError> {
        self.entries(Entry::Adjustment, scheme_id, Some(unit_id))
            .await
    }

    /// Every veto found in a scheme, in the order entered.
    pub async fn scheme_vetoes(&self, scheme_id: i64) -> Result<Vec<VetoRecord>, StoreError> {
        self.entries(Entry::Veto, scheme_id, None).await
    }

    /// The vetoes found for one unit of a scheme, in the order entered.
    pub async fn unit_vetoes(
        &self,
        scheme_id: i64,
        unit_id: i64,
    ) -> Result<Vec<VetoRecord>, StoreError> {
        self.entries(Entry::Veto, scheme_id, Some(unit_id)).await
    }

    /// A scheme's adjustments or vetoes, of one unit when given.
    async fn entries<T>(
        &self,
        entry: Entry,
        scheme_id: i64,
        unit_id: Option<i64>,
    ) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let select = match entry {
            Entry::Adjustment => format!(
                "SELECT {ADJ_COLUMNS} FROM unit_adjustments a \
                 JOIN adjustment_rules r ON r.id = a.rule_id WHERE a.scheme_id = $1"
            ),
            Entry::Veto => format!(
                "SELECT {VETO_COLUMNS} FROM unit_vetoes v \
                 JOIN veto_items i ON i.id = v.item_id WHERE v.scheme_id = $1"
            ),
        };
        let alias = match entry {
            Entry::Adjustment => "a",
            Entry::Veto => "v",
        };
        let sql = match unit_id {
            Some(_) => format!("{select} AND {alias}.unit_id = $2 ORDER BY {alias}.id"),
            None => format!("{select} ORDER BY {alias}.id"),
        };
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(scheme_id);
        if let Some(u) = unit_id {
            q = q.bind(u);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// One adjustment.
    pub async fn adjustment(&self, id: i64) -> Result<Option<AdjustmentRecord>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ADJ_COLUMNS} FROM unit_adjustments a \
             JOIN adjustment_rules r ON r.id = a.rule_id WHERE a.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// One veto.
    pub async fn veto(&self, id: i64) -> Result<Option<VetoRecord>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {VETO_COLUMNS} FROM unit_vetoes v \
             JOIN veto_items i ON i.id = v.item_id WHERE v.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    async fn unit_in_scheme(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        scheme_id: i64,
        unit_id: i64,
    ) -> Result<(), StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT unit_id FROM scheme_units WHERE scheme_id = $1 AND unit_id = $2",
        )
        .bind(scheme_id)
        .bind(unit_id)
        .fetch_optional(&mut **tx)
        .await?;
        found.map(|_| ()).ok_or(StoreError::NotFound("考核单位"))
    }

    /// Refuses an adjustment rule or veto item that is not the scheme's.
    async fn of_scheme(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        entry: Entry,
        id: i64,
        scheme_id: i64,
    ) -> Result<(), StoreError> {
        let (sql, what) = match entry {
            Entry::Adjustment => (
                "SELECT id FROM adjustment_rules WHERE id = $1 AND scheme_id = $2",
                "加减分规则",
            ),
            Entry::Veto => (
                "SELECT id FROM veto_items WHERE id = $1 AND scheme_id = $2",
                "一票否决事项",
            ),
        };
        let found: Option<i64> = sqlx::query_scalar(sql)
            .bind(id)
            .bind(scheme_id)
            .fetch_optional(&mut **tx)
            .await?;
        found.map(|_| ()).ok_or(StoreError::NotFound(what))
    }

    /// Enters a 加分 (positive) or 扣分 (negative) for a unit under one of the scheme's rules.
    pub async fn add_adjustment(
        &self,
        by: &Actor,
        scheme_id: i64,
        unit_id: i64,
        rule_id: i64,
        amount: f64,
        reason: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        Self::unit_in_scheme(&mut tx, scheme_id, unit_id).await?;
        Self::of_scheme(&mut tx, Entry::Adjustment, rule_id, scheme_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO unit_adjustments (scheme_id, unit_id, rule_id, amount, reason, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(scheme_id)
        .bind(unit_id)
        .bind(rule_id)
        .bind(amount)
        .bind(reason)
        .bind(by.id)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({
            "scheme_id": scheme_id, "unit_id": unit_id, "rule_id": rule_id,
            "amount": amount, "reason": reason,
        });
        commit_logged(
            self.audit_key(),
            tx,
            by,
            Touch::Unit { scheme_id, unit_id },
            ("adjustment.add", "adjustment", id),
            None,
            Some(after.to_string()),
        )
        .await?;
        Ok(id)
    }

    /// Withdraws an adjustment; the audit log keeps what it was.
    pub async fn delete_adjustment(&self, by: &Actor, id: i64) -> Result<(), StoreError> {
        let cur = self
            .adjustment(id)
            .await?
            .ok_or(StoreError::NotFound("加减分记录"))?;
        let before = serde_json::json!({
            "scheme_id": cur.scheme_id, "unit_id": cur.unit_id, "rule": cur.rule,
            "amount": cur.amount, "reason": cur.reason,
        });
        self.delete_logged(
            by,
            Entry::Adjustment,
            id,
            (cur.scheme_id, cur.unit_id),
            before,
        )
        .await
    }

    /// Records that a veto item applies to a unit.
    pub async fn add_veto(
        &self,
        by: &Actor,
        scheme_id: i64,
        unit_id: i64,
        item_id: i64,
        reason: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        Self::unit_in_scheme(&mut tx, scheme_id, unit_id).await?;
        Self::of_scheme(&mut tx, Entry::Veto, item_id, scheme_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO unit_vetoes (scheme_id, unit_id, item_id, reason, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(scheme_id)
        .bind(unit_id)
        .bind(item_id)
        .bind(reason)
        .bind(by.id)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({
            "scheme_id": scheme_id, "unit_id": unit_id, "item_id": item_id, "reason": reason,
        });
        commit_logged(
            self.audit_key(),
            tx,
            by,
            Touch::Unit { scheme_id, unit_id },
            ("veto.add", "veto", id),
            None,
            Some(after.to_string()),
        )
        .await?;
        Ok(id)
    }

    /// Withdraws a veto; the audit log keeps what it was.
    pub async fn delete_veto(&self, by: &Actor, id: i64) -> Result<(), StoreError> {
        let cur = self
            .veto(id)
            .await?
            .ok_or(StoreError::NotFound("一票否决记录"))?;
        let before = serde_json::json!({
            "scheme_id": cur.scheme_id, "unit_id": cur.unit_id, "item": cur.item,
            "reason": cur.reason,
        });
        self.delete_logged(by, Entry::Veto, id, (cur.scheme_id, cur.unit_id), before)
            .await
    }

    /// Deletes a unit's entry, logging what it was.
    async fn delete_logged(
        &self,
        by: &Actor,
        entry: Entry,
        id: i64,
        (scheme_id, unit_id): (i64, i64),
        before: serde_json::Value,
    ) -> Result<(), StoreError> {
        let touched = Touch::Unit { scheme_id, unit_id };
        let (sql, what, action, entity) = match entry {
            Entry::Adjustment => (
                "DELETE FROM unit_adjustments WHERE id = $1",
                "加减分记录",
                "adjustment.delete",
                "adjustment",
            ),
            Entry::Veto => (
                "DELETE FROM unit_vetoes WHERE id = $1",
                "一票否决记录",
                "veto.delete",
                "veto",
            ),
        };
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(sql)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(what));
        }
        commit_logged(
            self.audit_key(),
            tx,
            by,
            touched,
            (action, entity, id),
            Some(before.to_string()),
            None,
        )
        .await
    }

    /// Changes the scheme's tolerance and grade table and recomputes every stored status of
    /// the scheme under the new tolerance with `status_of` (the caller's domain rule), reading
    /// the reports inside the same transaction: no report saved meanwhile keeps an old status,
    /// and no page shows a mix.
    pub async fn set_scheme_settings(
        &self,
        by: &Actor,
        scheme_id: i64,
        settings: &SchemeSettings,
        status_of: impl Fn(&StatusInput, f64) -> Option<String>,
    ) -> Result<usize, StoreError> {
        let mut tx = self.write_tx().await?;
        #[derive(FromRow)]
        struct Before {
            tolerance: f64,
            grade_excellent: i64,
            grade_good: i64,
            grade_fair: i64,
            grade_poor: i64,
        }
        let before: Before = sqlx::query_as(
            "SELECT tolerance, grade_excellent, grade_good, grade_fair, grade_poor FROM schemes \
             WHERE id = $1",
        )
        .bind(scheme_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("考核方案"))?;
        let [e, g, f, p] = settings.grades;
        sqlx::query(
            "UPDATE schemes SET tolerance = $1, grade_excellent = $2, grade_good = $3, \
             grade_fair = $4, grade_poor = $5, completion_bound = $7 WHERE id = $6",
        )
        .bind(settings.tolerance)
        .bind(e)
        .bind(g)
        .bind(f)
        .bind(p)
        .bind(scheme_id)
        .bind(settings.completion_bound)
        .execute(&mut *tx)
        .await?;
        let inputs: Vec<StatusInput> = sqlx::query_as(
            "SELECT r.id AS report_id, t.target, r.text, r.verified_completion, \
             p.code AS period_code FROM progress_reports r \
             JOIN tasks t ON t.id = r.task_id JOIN periods p ON p.id = r.period_id \
             WHERE t.scheme_id = $1 ORDER BY r.id",
        )
        .bind(scheme_id)
        .fetch_all(&mut *tx)
        .await?;
        for input in &inputs {
            // The status is derived, not an edit of the report: its version stays.
            sqlx::query("UPDATE progress_reports SET status = $1 WHERE id = $2")
                .bind(status_of(input, settings.tolerance))
                .bind(input.report_id)
                .execute(&mut *tx)
                .await?;
        }
        commit_logged(
            self.audit_key(),
            tx,
            by,
            Touch::Scheme(scheme_id),
            ("scheme.settings", "scheme", scheme_id),
            Some(
                serde_json::json!({
                    "tolerance": before.tolerance,
                    "grades": [before.grade_excellent, before.grade_good,
                               before.grade_fair, before.grade_poor],
                })
                .to_string(),
            ),
            Some(
                serde_json::json!({
                    "tolerance": settings.tolerance, "grades": settings.grades,
                    "completion_bound": settings.completion_bound,
                    "statuses_recomputed": inputs.len(),
                })
                .to_string(),
            ),
        )
        .await?;
        Ok(inputs.len())
    }

    /// Sets (or, with `None`, resets to the default) a task's scoring rule.
    pub async fn set_task_rule(
        &self,
        by: &Actor,
        task_id: i64,
        rule: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let before: Option<Option<String>> =
            sqlx::query_scalar("SELECT rule FROM tasks WHERE id = $1")
                .bind(task_id)
                .fetch_optional(&mut *tx)
                .await?;
        let before = before.ok_or(StoreError::NotFound("任务"))?;
        sqlx::query("UPDATE tasks SET rule = $1 WHERE id = $2")
            .bind(rule)
            .bind(task_id)
            .execute(&mut *tx)
            .await?;
        commit_logged(
            self.audit_key(),
            tx,
            by,
            Touch::Task(task_id),
            ("task.rule", "task", task_id),
            Some(serde_json::json!({ "rule": before }).to_string()),
            Some(serde_json::json!({ "rule": rule }).to_string()),
        )
        .await?;
        Ok(())
    }

    /// Sets (or, with `None`, clears) an admin's override of a task's final score for a
    /// period. The reason is required by the caller's domain check.
    pub async fn set_override(
        &self,
        by: &Actor,
        task_id: i64,
        period_id: i64,
        value: Option<(f64, &str)>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let before: Option<OverrideRecord> = sqlx::query_as(
            "SELECT task_id, period_id, points, reason FROM score_overrides \
             WHERE task_id = $1 AND period_id = $2",
        )
        .bind(task_id)
        .bind(period_id)
        .fetch_optional(&mut *tx)
        .await?;
        match value {
            Some((points, reason)) => {
                sqlx::query(
                    "INSERT INTO score_overrides (task_id, period_id, points, reason, set_by, \
                     set_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (task_id, period_id) \
                     DO UPDATE SET points = $3, reason = $4, set_by = $5, set_at = $6",
                )
                .bind(task_id)
                .bind(period_id)
                .bind(points)
                .bind(reason)
                .bind(by.id)
                .bind(now())
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM score_overrides WHERE task_id = $1 AND period_id = $2")
                    .bind(task_id)
                    .bind(period_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let snap = |o: Option<(f64, &str)>| {
            o.map(|(p, r)| serde_json::json!({ "points": p, "reason": r }).to_string())
        };
        commit_logged(
            self.audit_key(),
            tx,
            by,
            Touch::Task(task_id),
            ("task.override", "task", task_id),
            snap(before.as_ref().map(|o| (o.points, o.reason.as_str()))),
            snap(value),
        )
        .await?;
        Ok(())
    }

    /// Copies a scheme into a new year: its settings, indicators, units, tasks (with their
    /// weights and rules), adjustment rules and veto items, and the given periods — but no
    /// progress, grades, overrides, adjustments or vetoes. The title must be free.
    pub async fn copy_scheme(
        &self,
        by: &Actor,
        from: i64,
        title: &str,
        year: i64,
        periods: &[PeriodSpec],
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM schemes WHERE title = $1")
            .bind(title)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Duplicate(title.to_string()));
        }
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO schemes (title, year, state, tolerance, grade_excellent, grade_good, \
             grade_fair, grade_poor, review_chain, completion_bound, created_at) \
             SELECT $1, $2, 'active', tolerance, grade_excellent, grade_good, grade_fair, \
             grade_poor, review_chain, completion_bound, $3 FROM schemes WHERE id = $4 \
             RETURNING id",
        )
        .bind(title)
        .bind(year)
        .bind(now())
        .bind(from)
        .fetch_optional(&mut *tx)
        .await?;
        let id = id.ok_or(StoreError::NotFound("考核方案"))?;

        // Indicators parent-first (by level), mapping old ids to new.
        #[derive(FromRow)]
        struct Ind {
            id: i64,
            parent_id: Option<i64>,
            level: i64,
            name: String,
            points: Option<f64>,
            position: i64,
            reviewing_unit_id: Option<i64>,
        }
        let inds: Vec<Ind> = sqlx::query_as(
            "SELECT id, parent_id, level, name, points, position, reviewing_unit_id \
             FROM indicators \
             WHERE scheme_id = $1 ORDER BY level, position, id",
        )
        .bind(from)
        .fetch_all(&mut *tx)
        .await?;
        let mut map = std::collections::HashMap::new();
        for i in &inds {
            let parent = match i.parent_id {
                Some(p) => Some(*map.get(&p).ok_or_else(|| {
                    StoreError::Corrupt(format!("指标 {} 的上级不在方案中", i.id))
                })?),
                None => None,
            };
            let new: i64 = sqlx::query_scalar(
                "INSERT INTO indicators (scheme_id, parent_id, level, name, points, position, \
                 reviewing_unit_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(id)
            .bind(parent)
            .bind(i.level)
            .bind(&i.name)
            .bind(OptF64(i.points))
            .bind(i.position)
            .bind(i.reviewing_unit_id)
            .fetch_one(&mut *tx)
            .await?;
            map.insert(i.id, new);
        }
        sqlx::query(
            "INSERT INTO scheme_units (scheme_id, unit_id, department, source, imported_at) \
             SELECT $1, unit_id, department, $2, $3 FROM scheme_units WHERE scheme_id = $4",
        )
        .bind(id)
        .bind(format!("复制自方案 {from}"))
        .bind(now())
        .bind(from)
        .execute(&mut *tx)
        .await?;
        #[derive(FromRow)]
        struct Task {
            indicator_id: i64,
            unit_id: i64,
            name: String,
            target: String,
            weight: f64,
            position: i64,
            rule: Option<String>,
            reviewing_unit_id: Option<i64>,
        }
        let tasks: Vec<Task> = sqlx::query_as(
            "SELECT indicator_id, unit_id, name, target, weight, position, rule, \
             reviewing_unit_id FROM tasks \
             WHERE scheme_id = $1 ORDER BY id",
        )
        .bind(from)
        .fetch_all(&mut *tx)
        .await?;
        for t in &tasks {
            let indicator = *map.get(&t.indicator_id).ok_or_else(|| {
                StoreError::Corrupt(format!("任务「{}」的指标不在方案中", t.name))
            })?;
            sqlx::query(
                "INSERT INTO tasks (scheme_id, indicator_id, unit_id, name, target, weight, \
                 position, rule, reviewing_unit_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(indicator)
            .bind(t.unit_id)
            .bind(&t.name)
            .bind(&t.target)
            .bind(t.weight)
            .bind(t.position)
            .bind(t.rule.as_deref())
            .bind(t.reviewing_unit_id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO adjustment_rules (scheme_id, name, max_addition, max_deduction, position) \
             SELECT $1, name, max_addition, max_deduction, position FROM adjustment_rules \
             WHERE scheme_id = $2",
        )
        .bind(id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO veto_items (scheme_id, name, effect, cap_points, grade, position) \
             SELECT $1, name, effect, cap_points, grade, position FROM veto_items \
             WHERE scheme_id = $2",
        )
        .bind(id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        for p in periods {
            sqlx::query("INSERT INTO periods (scheme_id, code, ends_on) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(&p.code)
                .bind(&p.ends_on)
                .execute(&mut *tx)
                .await?;
        }
        let after = serde_json::json!({
            "from": from, "title": title, "year": year,
            "indicators": inds.len(), "tasks": tasks.len(),
            "periods": periods.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
        });
        commit_logged(
            self.audit_key(),
            tx,
            by,
            Touch::Scheme(id),
            ("scheme.copy", "scheme", id),
            None,
            Some(after.to_string()),
        )
        .await?;
        Ok(id)
    }
}
