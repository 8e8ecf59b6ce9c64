//! Reporting periods with deadlines, and extensions (延期申请) that reopen a locked task.

use jixiao_domain::Period;
use sqlx::FromRow;

use crate::audit::{self, Actor, Record};
use crate::read::PeriodRecord;
use crate::summaries::{self, Touch};
use crate::{Store, StoreError, now};

/// An extension request or grant.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Extension {
    /// Id.
    pub id: i64,
    /// The task.
    pub task_id: i64,
    /// The period.
    pub period_id: i64,
    /// Why.
    pub reason: String,
    /// Until when, RFC 3339 UTC.
    pub until: String,
    /// pending / approved / refused.
    pub state: String,
    /// Who asked.
    pub requested_by: Option<i64>,
    /// When asked.
    pub created_at: String,
}

/// A pending request with what a reviewer needs to decide it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct PendingExtension {
    /// Id.
    pub id: i64,
    /// The task.
    pub task_id: i64,
    /// Task name.
    pub task: String,
    /// The unit.
    pub unit: String,
    /// The period's code.
    pub period: String,
    /// Why.
    pub reason: String,
    /// Until when.
    pub until: String,
}

const EXT_COLUMNS: &str = "id, task_id, period_id, reason, until, state, requested_by, created_at";

impl Store {
    /// Adds a period to a scheme, or changes its deadline.
    pub async fn set_period(
        &self,
        by: &Actor,
        scheme_id: i64,
        period: Period,
        deadline: Option<&str>,
    ) -> Result<PeriodRecord, StoreError> {
        let mut tx = self.write_tx().await?;
        let existed: Option<i64> =
            sqlx::query_scalar("SELECT id FROM periods WHERE scheme_id = $1 AND code = $2")
                .bind(scheme_id)
                .bind(period.code())
                .fetch_optional(&mut *tx)
                .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO periods (scheme_id, code, ends_on, deadline) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (scheme_id, code) DO UPDATE SET deadline = $4 RETURNING id",
        )
        .bind(scheme_id)
        .bind(period.code())
        .bind(period.ends_on().to_string())
        .bind(deadline)
        .fetch_one(&mut *tx)
        .await?;
        // A new period can change which one is the latest, which pages read by default; a
        // deadline moves no score.
        if existed.is_none() {
            summaries::touch(&mut tx, Touch::Scheme(scheme_id)).await?;
        }
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "period.set",
                entity: "period",
                entity_id: Some(id),
                before: None,
                after: Some(
                    serde_json::json!({
                        "scheme_id": scheme_id, "code": period.code(), "deadline": deadline,
                    })
                    .to_string(),
                ),
            },
        )
        .await?;
        let record: PeriodRecord =
            sqlx::query_as("SELECT id, code, ends_on, deadline FROM periods WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// One period.
    pub async fn period(&self, id: i64) -> Result<Option<PeriodRecord>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, code, ends_on, deadline FROM periods WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// The latest end of the approved extensions of a task for a period.
    pub async fn extension_until(
        &self,
        task_id: i64,
        period_id: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(until) FROM extensions \
             WHERE task_id = $1 AND period_id = $2 AND state = 'approved'",
        )
        .bind(task_id)
        .bind(period_id)
        .fetch_one(self.pool())
        .await?)
    }

    /// The extensions of a task for a period, newest first.
    pub async fn extensions(
        &self,
        task_id: i64,
        period_id: i64,
    ) -> Result<Vec<Extension>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {EXT_COLUMNS} FROM extensions WHERE task_id = $1 AND period_id = $2 \
             ORDER BY id DESC"
        )))
        .bind(task_id)
        .bind(period_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Asks for (state `pending`) or grants (state `approved`) an extension.
    pub async fn add_extension(
        &self,
        by: &Actor,
        task_id: i64,
        period_id: i64,
        reason: &str,
        until: &str,
        approved: bool,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        let stamp = now();
        let state = if approved { "approved" } else { "pending" };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO extensions (task_id, period_id, reason, until, state, requested_by, \
             decided_by, created_at, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(task_id)
        .bind(period_id)
        .bind(reason)
        .bind(until)
        .bind(state)
        .bind(by.id)
        .bind(if approved { by.id } else { None })
        .bind(&stamp)
        .bind(if approved { Some(stamp.clone()) } else { None })
        .fetch_one(&mut *tx)
        .await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: if approved {
                    "extension.grant"
                } else {
                    "extension.request"
                },
                entity: "extension",
                entity_id: Some(id),
                before: None,
                after: Some(
                    serde_json::json!({
                        "task_id": task_id, "period_id": period_id, "reason": reason,
                        "until": until, "state": state,
                    })
                    .to_string(),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One extension.
    pub async fn extension(&self, id: i64) -> Result<Option<Extension>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {EXT_COLUMNS} FROM extensions WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Approves or refuses a pending request.
    pub async fn decide_extension(
        &self,
        by: &Actor,
        id: i64,
        approve: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let to = if approve { "approved" } else { "refused" };
        let n = sqlx::query(
            "UPDATE extensions SET state = $1, decided_by = $2, decided_at = $3 \
             WHERE id = $4 AND state = 'pending'",
        )
        .bind(to)
        .bind(by.id)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::WrongState {
                state: "decided".into(),
                action: "审批",
            });
        }
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: if approve {
                    "extension.approve"
                } else {
                    "extension.refuse"
                },
                entity: "extension",
                entity_id: Some(id),
                before: Some(serde_json::json!({ "state": "pending" }).to_string()),
                after: Some(serde_json::json!({ "state": to }).to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Pending extension requests of these units, oldest first.
    pub async fn pending_extensions(
        &self,
        units: Option<&[i64]>,
    ) -> Result<Vec<PendingExtension>, StoreError> {
        let Some(in_units) = crate::worklist::unit_clause(units, "t.unit_id", 1) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT e.id, e.task_id, t.name AS task, u.name AS unit, p.code AS period, \
             e.reason, e.until FROM extensions e \
             JOIN tasks t ON t.id = e.task_id JOIN units u ON u.id = t.unit_id \
             JOIN periods p ON p.id = e.period_id \
             WHERE e.state = 'pending' {in_units} ORDER BY e.id"
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for u in units.unwrap_or_default() {
            q = q.bind(*u);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }
}
