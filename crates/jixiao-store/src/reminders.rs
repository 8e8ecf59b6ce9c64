//! 催报: reminders to units that have not reported. A sending is a batch: the units it
//! reminds (what their 待办 shows at once) and the deliveries queued for a background worker
//! (one e-mail per reporter with an address, one post to the group robot's webhook). The
//! worker claims due deliveries, sends them outside any transaction, and records the outcome;
//! a failed one is tried again later and, after its last attempt, reported as failed.

use sqlx::FromRow;

use crate::audit::{self, Actor, Record};
use crate::worklist::placeholders;
use crate::{Store, StoreError, now};

/// Why units are reminded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// From 完成情况: reports not yet submitted.
    Missing,
    /// From 预警: tasks lagging behind the calendar.
    Lagging,
    /// By the scheduler, days before the deadline: reports not yet submitted.
    Scheduled,
}

impl ReminderKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ReminderKind::Missing => "missing",
            ReminderKind::Lagging => "lagging",
            ReminderKind::Scheduled => "scheduled",
        }
    }
}

/// A sending to store.
#[derive(Debug, Clone)]
pub struct NewReminder<'a> {
    /// The scheme.
    pub scheme_id: i64,
    /// The period the units are reminded of.
    pub period_id: i64,
    /// Why.
    pub kind: ReminderKind,
    /// The text every channel carries (a unit's e-mail starts with its name).
    pub message: &'a str,
    /// The e-mails' subject.
    pub subject: &'a str,
    /// The units reminded.
    pub units: &'a [i64],
    /// Send an e-mail to each active reporter of those units who has an address.
    pub email: bool,
    /// Post this body (JSON) to this webhook.
    pub webhook: Option<(&'a str, String)>,
    /// A scheduled sending's key: a second sending with the same key is not stored.
    pub dedupe: Option<String>,
}

/// A delivery claimed for sending.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Delivery {
    /// Its id.
    pub id: i64,
    /// `email` or `webhook`.
    pub channel: String,
    /// The address or URL.
    pub recipient: String,
    /// The e-mail's subject.
    pub subject: String,
    /// The e-mail's text or the webhook's JSON.
    pub body: String,
    /// Attempts made before this one.
    pub attempts: i64,
}

/// A sending as the 催报记录 page lists it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ReminderBatch {
    /// Its id.
    pub id: i64,
    /// The period's code.
    pub period: String,
    /// `missing`, `lagging` or `scheduled`.
    pub kind: String,
    /// Who sent it (the scheduler: 系统).
    pub sent_by_name: String,
    /// When (UTC, RFC 3339).
    pub sent_at: String,
    /// The message.
    pub message: String,
    /// Units reminded.
    pub units: i64,
    /// Deliveries sent.
    pub sent: i64,
    /// Deliveries waiting (first try or a retry).
    pub pending: i64,
    /// Deliveries that failed for good.
    pub failed: i64,
    /// The last failure's text, if any delivery failed or is being retried.
    pub last_error: Option<String>,
}

/// A reminder a unit's 待办 shows.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct UnitReminder {
    /// The unit's id.
    pub unit_id: i64,
    /// Its name.
    pub unit: String,
    /// The scheme's id.
    pub scheme_id: i64,
    /// The period's code.
    pub period: String,
    /// The period's deadline (UTC, RFC 3339), if it has one.
    pub deadline: Option<String>,
    /// Who sent it.
    pub sent_by_name: String,
    /// When.
    pub sent_at: String,
    /// The message.
    pub message: String,
}

/// The SQL `now + seconds` as stored times are written (UTC, RFC 3339, milliseconds).
fn later(seconds: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(seconds))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The key that makes a scheduled reminder go out once per period and lead time, however many
/// instances run the scheduler.
pub fn scheduled_key(period_id: i64, days_before: i64) -> String {
    format!("scheduled:{period_id}:{days_before}")
}

/// Rows of `reminders` inserted per statement (two parameters each, far below SQLite's
/// limit of 32,766 parameters).
const UNITS_PER_INSERT: usize = 2_000;

impl Store {
    /// Stores a sending: the batch, its units and its deliveries, audited, in one transaction.
    /// Answers the batch's id, or `None` when a sending with the same `dedupe` key exists.
    pub async fn send_reminder(
        &self,
        by: &Actor,
        r: &NewReminder<'_>,
    ) -> Result<Option<i64>, StoreError> {
        if r.units.is_empty() {
            return Err(StoreError::Invalid("没有需要催报的单位".into()));
        }
        let mut tx = self.write_tx().await?;
        let at = now();
        if let Some(key) = &r.dedupe {
            let seen: Option<i64> =
                sqlx::query_scalar("SELECT id FROM reminder_batches WHERE dedupe = $1")
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
            if seen.is_some() {
                return Ok(None);
            }
        }
        let units = i64::try_from(r.units.len()).unwrap_or(i64::MAX);
        let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
            "INSERT INTO reminder_batches (scheme_id, period_id, kind, sent_by, sent_by_name, \
             sent_at, message, units, dedupe) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(r.scheme_id)
        .bind(r.period_id)
        .bind(r.kind.code())
        .bind(by.id)
        .bind(&by.name)
        .bind(&at)
        .bind(r.message)
        .bind(units)
        .bind(r.dedupe.as_deref())
        .fetch_one(&mut *tx)
        .await;
        let batch = match inserted {
            Ok(id) => id,
            // Another instance stored the same scheduled sending between our read and insert.
            Err(sqlx::Error::Database(e)) if r.dedupe.is_some() && e.is_unique_violation() => {
                return Ok(None);
            }
            Err(e) => return Err(e.into()),
        };
        for chunk in r.units.chunks(UNITS_PER_INSERT) {
            let values = (0..chunk.len())
                .map(|i| format!("($1, ${})", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO reminders (batch_id, unit_id) VALUES {values} ON CONFLICT DO NOTHING"
            )))
            .bind(batch);
            for u in chunk {
                q = q.bind(*u);
            }
            q.execute(&mut *tx).await?;
        }
        let mut deliveries = 0_u64;
        if r.email {
            // One e-mail per active reporter with an address, naming the unit first.
            deliveries += sqlx::query(
                "INSERT INTO reminder_deliveries \
                 (batch_id, channel, recipient, subject, body, next_attempt_at) \
                 SELECT $1, 'email', us.email, $2, u.name || '：' || $3, $4 \
                 FROM reminders m JOIN users us ON us.unit_id = m.unit_id \
                 JOIN units u ON u.id = m.unit_id \
                 WHERE m.batch_id = $1 AND us.role = 'reporter' AND us.active = 1 \
                 AND us.email IS NOT NULL AND us.email <> '' ORDER BY u.name, us.id",
            )
            .bind(batch)
            .bind(r.subject)
            .bind(r.message)
            .bind(&at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        if let Some((url, body)) = &r.webhook {
            deliveries += sqlx::query(
                "INSERT INTO reminder_deliveries \
                 (batch_id, channel, recipient, subject, body, next_attempt_at) \
                 VALUES ($1, 'webhook', $2, $3, $4, $5)",
            )
            .bind(batch)
            .bind(*url)
            .bind(r.subject)
            .bind(body)
            .bind(&at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "reminder.send",
                entity: "scheme",
                entity_id: Some(r.scheme_id),
                before: None,
                after: Some(
                    serde_json::json!({
                        "batch": batch,
                        "period_id": r.period_id,
                        "kind": r.kind.code(),
                        "units": units,
                        "deliveries": deliveries,
                    })
                    .to_string(),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Some(batch))
    }

    /// Claims up to `limit` deliveries that are due and not held by another instance, for
    /// `hold_seconds`. The outer conditions are checked again on the row an UPDATE locks, so
    /// two instances on one PostgreSQL never claim the same delivery.
    pub async fn claim_deliveries(
        &self,
        limit: i64,
        hold_seconds: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let at = now();
        Ok(sqlx::query_as(
            "UPDATE reminder_deliveries SET claimed_until = $1 \
             WHERE id IN (SELECT id FROM reminder_deliveries WHERE state = 'pending' \
               AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2) \
               ORDER BY next_attempt_at, id LIMIT $3) \
             AND state = 'pending' AND (claimed_until IS NULL OR claimed_until < $2) \
             RETURNING id, channel, recipient, subject, body, attempts",
        )
        .bind(later(hold_seconds))
        .bind(&at)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Records a delivery's outcome: sent; or failed with `error`, to be tried again after
    /// `retry_in_seconds` (or, with `None`, failed for good).
    pub async fn finish_delivery(
        &self,
        id: i64,
        outcome: Result<(), (&str, Option<i64>)>,
    ) -> Result<(), StoreError> {
        let at = now();
        let q = match outcome {
            Ok(()) => sqlx::query(
                "UPDATE reminder_deliveries SET state = 'sent', attempts = attempts + 1, \
                 delivered_at = $1, claimed_until = NULL WHERE id = $2",
            )
            .bind(at)
            .bind(id),
            Err((error, Some(retry_in))) => sqlx::query(
                "UPDATE reminder_deliveries SET attempts = attempts + 1, last_error = $1, \
                 next_attempt_at = $2, claimed_until = NULL WHERE id = $3",
            )
            .bind(error.to_string())
            .bind(later(retry_in))
            .bind(id),
            Err((error, None)) => sqlx::query(
                "UPDATE reminder_deliveries SET state = 'failed', attempts = attempts + 1, \
                 last_error = $1, claimed_until = NULL WHERE id = $2",
            )
            .bind(error.to_string())
            .bind(id),
        };
        q.execute(self.pool()).await?;
        Ok(())
    }

    /// A scheme's sendings, newest first, with their deliveries counted by state.
    pub async fn reminder_batches(
        &self,
        scheme_id: i64,
        (limit, offset): (i64, i64),
    ) -> Result<(Vec<ReminderBatch>, i64), StoreError> {
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM reminder_batches WHERE scheme_id = $1")
                .bind(scheme_id)
                .fetch_one(self.pool())
                .await?;
        let rows = sqlx::query_as(
            "SELECT b.id, p.code AS period, b.kind, b.sent_by_name, b.sent_at, b.message, \
             b.units, \
             COALESCE(SUM(CASE WHEN d.state = 'sent' THEN 1 ELSE 0 END), 0) AS sent, \
             COALESCE(SUM(CASE WHEN d.state = 'pending' THEN 1 ELSE 0 END), 0) AS pending, \
             COALESCE(SUM(CASE WHEN d.state = 'failed' THEN 1 ELSE 0 END), 0) AS failed, \
             MAX(d.last_error) AS last_error \
             FROM reminder_batches b JOIN periods p ON p.id = b.period_id \
             LEFT JOIN reminder_deliveries d ON d.batch_id = b.id \
             WHERE b.scheme_id = $1 \
             GROUP BY b.id, p.code, b.kind, b.sent_by_name, b.sent_at, b.message, b.units \
             ORDER BY b.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(scheme_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        Ok((rows, total))
    }

    /// The reminders of these units (all units: `None`) sent since `since` (UTC, RFC 3339),
    /// newest first, at most `limit`, for periods of active schemes.
    pub async fn unit_reminders(
        &self,
        units: Option<&[i64]>,
        since: &str,
        limit: i64,
    ) -> Result<Vec<UnitReminder>, StoreError> {
        let in_units = match units {
            Some([]) => return Ok(Vec::new()),
            Some(list) => format!("AND m.unit_id IN ({})", placeholders(2, list.len())),
            None => String::new(),
        };
        let limit_at = units.map_or(2, |l| l.len() + 2);
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT m.unit_id, u.name AS unit, b.scheme_id, p.code AS period, p.deadline, \
             b.sent_by_name, b.sent_at, b.message \
             FROM reminders m JOIN reminder_batches b ON b.id = m.batch_id \
             JOIN units u ON u.id = m.unit_id JOIN periods p ON p.id = b.period_id \
             JOIN schemes s ON s.id = b.scheme_id \
             WHERE s.state = 'active' AND b.sent_at >= $1 {in_units} \
             ORDER BY b.id DESC, u.name LIMIT ${limit_at}"
        )))
        .bind(since);
        for u in units.unwrap_or_default() {
            q = q.bind(*u);
        }
        Ok(q.bind(limit).fetch_all(self.pool()).await?)
    }

    /// Days before a period's deadline that the scheduler reminds units still missing
    /// reports; `None`: it does not.
    pub async fn set_reminder_schedule(
        &self,
        by: &Actor,
        scheme_id: i64,
        days_before: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let before: Option<i64> =
            sqlx::query_scalar("SELECT remind_days_before FROM schemes WHERE id = $1")
                .bind(scheme_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound("考核方案"))?;
        sqlx::query("UPDATE schemes SET remind_days_before = $1 WHERE id = $2")
            .bind(days_before)
            .bind(scheme_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "scheme.reminder_schedule",
                entity: "scheme",
                entity_id: Some(scheme_id),
                before: Some(serde_json::json!({ "remind_days_before": before }).to_string()),
                after: Some(serde_json::json!({ "remind_days_before": days_before }).to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A scheme's scheduled reminder: days before the deadline, or `None`.
    pub async fn reminder_schedule(&self, scheme_id: i64) -> Result<Option<i64>, StoreError> {
        sqlx::query_scalar::<_, Option<i64>>("SELECT remind_days_before FROM schemes WHERE id = $1")
            .bind(scheme_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound("考核方案"))
    }

    /// Periods whose scheduled reminder is due now: in active schemes that set one, with a
    /// deadline not yet passed and at most that many days away. Answers (scheme id, period
    /// id, days before). One already sent (its key is [`scheduled_key`]) is not due again.
    pub async fn periods_to_remind(&self) -> Result<Vec<(i64, i64, i64)>, StoreError> {
        let rows: Vec<(i64, i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT s.id, p.id, s.remind_days_before, p.deadline FROM schemes s \
             JOIN periods p ON p.scheme_id = s.id \
             WHERE s.state = 'active' AND s.remind_days_before IS NOT NULL \
             AND p.deadline IS NOT NULL AND p.deadline > $1 \
             AND NOT EXISTS (SELECT 1 FROM reminder_batches b WHERE b.dedupe = \
               'scheduled:' || CAST(p.id AS TEXT) || ':' || CAST(s.remind_days_before AS TEXT))",
        )
        .bind(now())
        .fetch_all(self.pool())
        .await?;
        let now = chrono::Utc::now();
        Ok(rows
            .into_iter()
            .filter_map(|(scheme, period, days, deadline)| {
                let deadline = chrono::DateTime::parse_from_rfc3339(&deadline?).ok()?;
                let left = deadline.with_timezone(&chrono::Utc) - now;
                (left <= chrono::Duration::days(days)).then_some((scheme, period, days))
            })
            .collect())
    }

    /// Sets (or clears) a user's e-mail address, for reminders.
    pub async fn set_user_email(
        &self,
        by: &Actor,
        user_id: i64,
        email: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let before: Option<String> =
            sqlx::query_scalar::<_, Option<String>>("SELECT email FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound("用户"))?;
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
            .bind(email)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "user.email",
                entity: "user",
                entity_id: Some(user_id),
                before: Some(serde_json::json!({ "email": before }).to_string()),
                after: Some(serde_json::json!({ "email": email }).to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A user's e-mail address.
    pub async fn user_email(&self, user_id: i64) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar::<_, Option<String>>("SELECT email FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(self.pool())
                .await?
                .flatten(),
        )
    }
}
