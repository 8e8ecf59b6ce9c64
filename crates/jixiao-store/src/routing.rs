//! Who reviews what: an indicator's (or a task's) 考核主体, and a scheme's chain of review
//! steps. Neither moves a score, so neither marks a summary stale; both are audited.

use jixiao_domain::ReviewChain;
use sqlx::FromRow;

use crate::audit::{self, Actor, Record};
use crate::{Store, StoreError};

/// What a 考核主体 is set on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteTarget {
    /// An indicator: it and every task under it, at any depth.
    Indicator(i64),
    /// One task.
    Task(i64),
}

/// An indicator with the department that reviews it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct IndicatorRoute {
    /// Indicator id.
    pub id: i64,
    /// The indicator above.
    pub parent_id: Option<i64>,
    /// 1 for 一级指标.
    pub level: i64,
    /// Name.
    pub name: String,
    /// The reviewing department's id.
    pub reviewing_unit_id: Option<i64>,
    /// Its name.
    pub reviewing_unit: Option<String>,
    /// Tasks directly under it.
    pub tasks: i64,
}

/// Sends the submitted reports of the tasks `tasks_sql` selects (given `$1`) back to the first
/// review step: the steps they passed were counted along a chain that no longer holds, so
/// counting on could skip a step or leave no step to decide. The version moves, so a decision
/// made from the page read before fails as a conflict. Answers how many restarted.
async fn restart_reviews(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    tasks_sql: &'static str,
    id: i64,
) -> Result<u64, StoreError> {
    Ok(sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE progress_reports SET review_step = 0, version = version + 1 \
         WHERE state = 'submitted' AND review_step > 0 AND task_id IN ({tasks_sql})"
    )))
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

impl Store {
    /// The scheme's indicators in order, each with its 考核主体.
    pub async fn indicator_routes(
        &self,
        scheme_id: i64,
    ) -> Result<Vec<IndicatorRoute>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT i.id, i.parent_id, i.level, i.name, i.reviewing_unit_id, \
             u.name AS reviewing_unit, \
             (SELECT COUNT(*) FROM tasks t WHERE t.indicator_id = i.id) AS tasks \
             FROM indicators i LEFT JOIN units u ON u.id = i.reviewing_unit_id \
             WHERE i.scheme_id = $1 ORDER BY i.position, i.id",
        )
        .bind(scheme_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Sets the scheme's review steps.
    pub async fn set_review_chain(
        &self,
        by: &Actor,
        scheme_id: i64,
        chain: &ReviewChain,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let before: String = sqlx::query_scalar("SELECT review_chain FROM schemes WHERE id = $1")
            .bind(scheme_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("考核方案"))?;
        sqlx::query("UPDATE schemes SET review_chain = $1 WHERE id = $2")
            .bind(chain.code())
            .bind(scheme_id)
            .execute(&mut *tx)
            .await?;
        let restarted = restart_reviews(
            &mut tx,
            "SELECT id FROM tasks WHERE scheme_id = $1",
            scheme_id,
        )
        .await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "scheme.review_chain",
                entity: "scheme",
                entity_id: Some(scheme_id),
                before: Some(serde_json::json!({ "review_chain": before }).to_string()),
                after: Some(
                    serde_json::json!({ "review_chain": chain.code(), "restarted": restarted })
                        .to_string(),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Names (or, with `None`, clears) the department that reviews `target` in every unit of
    /// scheme `scheme_id`. On an indicator it sets the indicator and every task under it, so
    /// a task's own column always says who reviews it. Answers how many tasks it set.
    pub async fn set_reviewing_unit(
        &self,
        by: &Actor,
        scheme_id: i64,
        target: RouteTarget,
        unit: Option<i64>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.write_tx().await?;
        if let Some(u) = unit {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE id = $1")
                .bind(u)
                .fetch_optional(&mut *tx)
                .await?;
            found.ok_or(StoreError::NotFound("单位"))?;
        }
        let (entity, id, before, tasks) = match target {
            RouteTarget::Indicator(id) => {
                let before: Option<Option<i64>> = sqlx::query_scalar(
                    "SELECT reviewing_unit_id FROM indicators WHERE id = $1 AND scheme_id = $2",
                )
                .bind(id)
                .bind(scheme_id)
                .fetch_optional(&mut *tx)
                .await?;
                let before = before.ok_or(StoreError::NotFound("指标"))?;
                let under = "WITH RECURSIVE below(id) AS ( \
                       SELECT id FROM indicators WHERE id = $2 \
                       UNION SELECT i.id FROM indicators i JOIN below b ON i.parent_id = b.id)";
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{under} UPDATE indicators SET reviewing_unit_id = $1 \
                     WHERE id IN (SELECT id FROM below)"
                )))
                .bind(unit)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                let tasks = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{under} UPDATE tasks SET reviewing_unit_id = $1 \
                     WHERE indicator_id IN (SELECT id FROM below)"
                )))
                .bind(unit)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                restart_reviews(
                    &mut tx,
                    "WITH RECURSIVE below(id) AS ( \
                       SELECT id FROM indicators WHERE id = $1 \
                       UNION SELECT i.id FROM indicators i JOIN below b ON i.parent_id = b.id) \
                     SELECT t.id FROM tasks t WHERE t.indicator_id IN (SELECT id FROM below)",
                    id,
                )
                .await?;
                ("indicator", id, before, tasks)
            }
            RouteTarget::Task(id) => {
                let before: Option<Option<i64>> = sqlx::query_scalar(
                    "SELECT reviewing_unit_id FROM tasks WHERE id = $1 AND scheme_id = $2",
                )
                .bind(id)
                .bind(scheme_id)
                .fetch_optional(&mut *tx)
                .await?;
                let before = before.ok_or(StoreError::NotFound("任务"))?;
                let tasks = sqlx::query("UPDATE tasks SET reviewing_unit_id = $1 WHERE id = $2")
                    .bind(unit)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                restart_reviews(&mut tx, "SELECT $1", id).await?;
                ("task", id, before, tasks)
            }
        };
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "route.reviewing_unit",
                entity,
                entity_id: Some(id),
                before: Some(serde_json::json!({ "reviewing_unit_id": before }).to_string()),
                after: Some(
                    serde_json::json!({ "reviewing_unit_id": unit, "tasks": tasks }).to_string(),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(tasks)
    }
}
