//! The life of a progress report: draft → submitted → approved, or returned with a reason and
//! submitted again. Every change is versioned (optimistic locking) and audited.

use sqlx::{Any, Transaction};

use crate::audit::{self, Actor, Record};
use crate::import::StoredReading;
use crate::nullable::OptF64;
use crate::read::{REPORT_COLUMNS, ReportRecord};
use crate::summaries::{self, Touch};
use crate::{Store, StoreError, now};
use jixiao_domain::StepAt;

/// What a reporter saves.
#[derive(Debug, Clone)]
pub struct ReportDraft {
    /// The task.
    pub task_id: i64,
    /// The period.
    pub period_id: i64,
    /// 进度情况.
    pub text: String,
    /// The unit's own score.
    pub self_score: Option<f64>,
    /// The version the reporter edited; `None` when creating the report.
    pub expected_version: Option<i64>,
    /// The reading of `text`.
    pub reading: Option<StoredReading>,
    /// 情况说明: the unit's explanation of the checks' findings.
    pub note: Option<String>,
}

/// A reviewer's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// 审核通过.
    Approve,
    /// 退回, with the reason the reporter will read.
    Return {
        /// Why; never empty (the web layer checks).
        reason: String,
    },
}

async fn load(
    tx: &mut Transaction<'_, Any>,
    where_sql: &'static str,
    a: i64,
    b: Option<i64>,
) -> Result<Option<ReportRecord>, StoreError> {
    let sql = format!(
        "SELECT {REPORT_COLUMNS} FROM progress_reports r JOIN periods p ON p.id = r.period_id \
         WHERE {where_sql}"
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(a);
    if let Some(b) = b {
        q = q.bind(b);
    }
    Ok(q.fetch_optional(&mut **tx).await?)
}

fn snapshot(r: &ReportRecord) -> String {
    serde_json::json!({
        "task_id": r.task_id, "period": r.period_code, "text": r.text, "state": r.state,
        "self_score": r.self_score, "completion": r.completion, "status": r.status,
        "return_reason": r.return_reason, "version": r.version,
        "verified_completion": r.verified_completion, "verified_reason": r.verified_reason,
        "grade": r.grade, "reviewer_points": r.reviewer_points, "review_step": r.review_step,
        "flags": r.flags, "note": r.note,
    })
    .to_string()
}

/// Ends a versioned change of one report: a stale version (no row updated) is a conflict;
/// otherwise the report as it now is, audited with its before and after, committed.
async fn finish(
    key: Option<&audit::AuditKey>,
    mut tx: Transaction<'static, Any>,
    by: &Actor,
    cur: &ReportRecord,
    updated: u64,
    action: &str,
) -> Result<ReportRecord, StoreError> {
    if updated == 0 {
        return Err(StoreError::Conflict {
            current: cur.version,
        });
    }
    summaries::touch(&mut tx, Touch::Task(cur.task_id)).await?;
    let after = load(&mut tx, "r.id = $1", cur.id, None)
        .await?
        .ok_or(StoreError::NotFound("进度报告"))?;
    audit::append(
        key,
        &mut tx,
        Record {
            actor: by,
            action,
            entity: "progress_report",
            entity_id: Some(cur.id),
            before: Some(snapshot(cur)),
            after: Some(snapshot(&after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

impl Store {
    /// One report.
    pub async fn report(&self, id: i64) -> Result<Option<ReportRecord>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} FROM progress_reports r JOIN periods p ON p.id = r.period_id \
             WHERE r.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// A period of a scheme by code.
    pub async fn period_id(&self, scheme_id: i64, code: &str) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM periods WHERE scheme_id = $1 AND code = $2")
                .bind(scheme_id)
                .bind(code)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Saves a draft: creates the report, or updates it if it is a draft or was returned and
    /// nobody saved it since `expected_version`. A stale version is a `Conflict`; nothing is
    /// written then.
    pub async fn save_report(
        &self,
        by: &Actor,
        d: &ReportDraft,
    ) -> Result<ReportRecord, StoreError> {
        let mut tx = self.write_tx().await?;
        let current = load(
            &mut tx,
            "r.task_id = $1 AND r.period_id = $2",
            d.task_id,
            Some(d.period_id),
        )
        .await?;
        let stamp = now();
        let reading = d.reading.as_ref();
        // The report as saved: known without reading it back when it was updated.
        let (id, known) = match &current {
            Some(cur) => {
                if d.expected_version != Some(cur.version) {
                    return Err(StoreError::Conflict {
                        current: cur.version,
                    });
                }
                if cur.state != "draft" && cur.state != "returned" {
                    return Err(StoreError::WrongState {
                        state: cur.state.clone(),
                        action: "修改",
                    });
                }
                let n = sqlx::query(
                    "UPDATE progress_reports SET text = $1, self_score = $2, reading = $3, \
                     completion = $4, status = $5, version = version + 1, updated_at = $6, \
                     updated_by = $7, flags = $10, note = $11 WHERE id = $8 AND version = $9",
                )
                .bind(&d.text)
                .bind(OptF64(d.self_score))
                .bind(reading.map(|r| r.json.clone()))
                .bind(OptF64(reading.and_then(|r| r.completion)))
                .bind(reading.and_then(|r| r.status.clone()))
                .bind(&stamp)
                .bind(by.id)
                .bind(cur.id)
                .bind(cur.version)
                .bind(reading.map(|r| r.flags.clone()).unwrap_or_default())
                .bind(d.note.clone())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Err(StoreError::Conflict {
                        current: cur.version,
                    });
                }
                let updated = ReportRecord {
                    text: d.text.clone(),
                    self_score: d.self_score,
                    reading: reading.map(|r| r.json.clone()),
                    completion: reading.and_then(|r| r.completion),
                    status: reading.and_then(|r| r.status.clone()),
                    flags: reading.map(|r| r.flags.clone()).unwrap_or_default(),
                    note: d.note.clone(),
                    version: cur.version + 1,
                    updated_at: stamp.clone(),
                    ..cur.clone()
                };
                (cur.id, Some(updated))
            }
            None => {
                if let Some(v) = d.expected_version {
                    // The caller edited a report that has since disappeared.
                    return Err(StoreError::Conflict { current: v });
                }
                // Two first saves at once (possible on PostgreSQL, where nothing serialises
                // them before this point): the second finds the row and is a conflict.
                let inserted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO progress_reports (task_id, period_id, text, state, reading, \
                     completion, status, self_score, version, updated_at, updated_by, flags, note) \
                     VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, 1, $8, $9, $10, $11) \
                     ON CONFLICT (task_id, period_id) DO NOTHING RETURNING id",
                )
                .bind(d.task_id)
                .bind(d.period_id)
                .bind(&d.text)
                .bind(reading.map(|r| r.json.clone()))
                .bind(OptF64(reading.and_then(|r| r.completion)))
                .bind(reading.and_then(|r| r.status.clone()))
                .bind(OptF64(d.self_score))
                .bind(&stamp)
                .bind(by.id)
                .bind(reading.map(|r| r.flags.clone()).unwrap_or_default())
                .bind(d.note.clone())
                .fetch_optional(&mut *tx)
                .await?;
                match inserted {
                    Some(id) => (id, None),
                    None => {
                        let current: i64 = sqlx::query_scalar(
                            "SELECT version FROM progress_reports \
                             WHERE task_id = $1 AND period_id = $2",
                        )
                        .bind(d.task_id)
                        .bind(d.period_id)
                        .fetch_one(&mut *tx)
                        .await?;
                        return Err(StoreError::Conflict { current });
                    }
                }
            }
        };
        let saved = match known {
            Some(saved) => saved,
            None => load(&mut tx, "r.id = $1", id, None)
                .await?
                .ok_or(StoreError::NotFound("进度报告"))?,
        };
        summaries::touch(&mut tx, Touch::Task(d.task_id)).await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "report.save",
                entity: "progress_report",
                entity_id: Some(id),
                before: current.as_ref().map(snapshot),
                after: Some(snapshot(&saved)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Submits a draft or returned report for review.
    pub async fn submit_report(
        &self,
        by: &Actor,
        report_id: i64,
        version: i64,
    ) -> Result<ReportRecord, StoreError> {
        self.transition(by, report_id, version, "report.submit", None, |state| {
            matches!(state, "draft" | "returned").then_some(("submitted", None))
        })
        .await
    }

    /// Decides the step `at` of a submitted report: approving the last step approves the
    /// report, an earlier one passes it to the next step; returning at any step sends it back.
    /// Who may decide is the caller's question (`jixiao_app::reports::review`); the store
    /// refuses a report that is not waiting for exactly this step (someone decided it since).
    pub async fn review_report(
        &self,
        by: &Actor,
        report_id: i64,
        version: i64,
        decision: &Decision,
        at: &StepAt,
    ) -> Result<ReportRecord, StoreError> {
        let (action, to, reason) = match (decision, at.last) {
            (Decision::Approve, true) => ("report.approve", "approved", None),
            (Decision::Approve, false) => ("report.pass_step", "submitted", None),
            (Decision::Return { reason }, _) => ("report.return", "returned", Some(reason.clone())),
        };
        self.transition(by, report_id, version, action, Some(at), move |state| {
            (state == "submitted").then_some((to, reason.clone()))
        })
        .await
    }

    /// Records (or, with `None`, clears) a reviewer's corrected completion with its reason, and
    /// the status that follows from it. Versioned and audited like every change.
    pub async fn verify_report(
        &self,
        by: &Actor,
        report_id: i64,
        version: i64,
        completion: Option<f64>,
        reason: &str,
        status: &str,
    ) -> Result<ReportRecord, StoreError> {
        let mut tx = self.write_tx().await?;
        let cur = load(&mut tx, "r.id = $1", report_id, None)
            .await?
            .ok_or(StoreError::NotFound("进度报告"))?;
        if cur.version != version {
            return Err(StoreError::Conflict {
                current: cur.version,
            });
        }
        let stamp = now();
        let n = sqlx::query(
            "UPDATE progress_reports SET verified_completion = $1, verified_reason = $2, \
             verified_by = $3, verified_at = $4, status = $5, version = version + 1, \
             updated_at = $4, updated_by = $3 WHERE id = $6 AND version = $7",
        )
        .bind(OptF64(completion))
        .bind(completion.map(|_| reason.to_string()))
        .bind(by.id)
        .bind(&stamp)
        .bind(status)
        .bind(report_id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        finish(self.audit_key(), tx, by, &cur, n, "report.verify").await
    }

    /// Records (or, with `None`, clears) the reviewer's grade of a qualitative task and the
    /// reviewer's points under the manual rule.
    pub async fn grade_report(
        &self,
        by: &Actor,
        report_id: i64,
        version: i64,
        grade: Option<&str>,
        points: Option<f64>,
    ) -> Result<ReportRecord, StoreError> {
        let mut tx = self.write_tx().await?;
        let cur = load(&mut tx, "r.id = $1", report_id, None)
            .await?
            .ok_or(StoreError::NotFound("进度报告"))?;
        let n = sqlx::query(
            "UPDATE progress_reports SET grade = $1, reviewer_points = $6, version = version + 1, \
             updated_at = $2, updated_by = $3 WHERE id = $4 AND version = $5",
        )
        .bind(grade)
        .bind(now())
        .bind(by.id)
        .bind(report_id)
        .bind(version)
        .bind(OptF64(points))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        finish(self.audit_key(), tx, by, &cur, n, "report.grade").await
    }

    async fn transition(
        &self,
        by: &Actor,
        report_id: i64,
        version: i64,
        action: &'static str,
        at: Option<&StepAt>,
        next: impl Fn(&str) -> Option<(&'static str, Option<String>)>,
    ) -> Result<ReportRecord, StoreError> {
        let mut tx = self.write_tx().await?;
        let cur = load(&mut tx, "r.id = $1", report_id, None)
            .await?
            .ok_or(StoreError::NotFound("进度报告"))?;
        if cur.version != version {
            return Err(StoreError::Conflict {
                current: cur.version,
            });
        }
        let wrong_state = || StoreError::WrongState {
            state: cur.state.clone(),
            action: match action {
                "report.submit" => "提交",
                _ => "审核",
            },
        };
        let Some((to, reason)) = next(&cur.state) else {
            return Err(wrong_state());
        };
        // A decision is for the step the report waits for; the version already says nobody
        // decided since the caller looked, this says the caller looked at the right step.
        if at.is_some_and(|a| a.index as i64 != cur.review_step) {
            return Err(wrong_state());
        }
        let stamp = now();
        let (submitted_at, reviewed_at) = if at.is_none() {
            (Some(stamp.clone()), None)
        } else {
            (None, Some(stamp.clone()))
        };
        // Steps passed: none after a submission or a return; one more after a passed step.
        let steps_passed = match (at, to) {
            (Some(a), "submitted") => a.index as i64 + 1,
            (Some(a), "approved") => a.index as i64 + 1,
            _ => 0,
        };
        let n = sqlx::query(
            "UPDATE progress_reports SET state = $1, return_reason = $2, \
             submitted_at = COALESCE($3, submitted_at), reviewed_at = COALESCE($4, reviewed_at), \
             reviewer_id = CASE WHEN $4 IS NULL THEN reviewer_id ELSE $5 END, \
             review_step = $9, version = version + 1, updated_at = $6, updated_by = $5 \
             WHERE id = $7 AND version = $8",
        )
        .bind(to)
        .bind(reason.clone())
        .bind(submitted_at)
        .bind(reviewed_at)
        .bind(by.id)
        .bind(&stamp)
        .bind(report_id)
        .bind(version)
        .bind(steps_passed)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n > 0 {
            let event = match (at, to) {
                (None, _) => "submitted",
                (Some(_), "returned") => "returned",
                (Some(_), _) => "approved",
            };
            sqlx::query(
                "INSERT INTO review_events (report_id, event, step, user_id, actor, reason, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(report_id)
            .bind(event)
            .bind(at.map(|a| a.step.code()))
            .bind(by.id)
            .bind(&by.name)
            .bind(reason)
            .bind(&stamp)
            .execute(&mut *tx)
            .await?;
        }
        finish(self.audit_key(), tx, by, &cur, n, action).await
    }
}
