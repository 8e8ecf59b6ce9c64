//! What the JSON API needs beyond the pages: personal API tokens, and pages of tasks and
//! reports filtered by scheme, unit, period, status and state within the caller's reach.

use sqlx::FromRow;

use crate::audit::{self, Actor, Record};
use crate::worklist::placeholders;
use crate::{Store, StoreError, UserRecord, now};

/// A personal API token (never the token itself: only its hash is stored).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct TokenRecord {
    /// Id.
    pub id: i64,
    /// The user it acts for.
    pub user_id: i64,
    /// A name the user chose ("统计平台").
    pub name: String,
    /// read / write.
    pub scope: String,
    /// When created, RFC 3339.
    pub created_at: String,
    /// When last used (to the minute), RFC 3339.
    pub last_used_at: Option<String>,
    /// When revoked, RFC 3339.
    pub revoked_at: Option<String>,
}

/// Which units a listing may show: all of them (the office), or these.
#[derive(Debug, Clone, Copy)]
pub enum Reach<'a> {
    /// Every unit.
    All,
    /// Only these units.
    Units(&'a [i64]),
    /// These units, and tasks in any unit whose 考核主体 is one of them (a reviewer's reach).
    UnitsOrReviewing(&'a [i64]),
}

/// Filters of the task and report listings; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// The scheme.
    pub scheme_id: Option<i64>,
    /// The unit.
    pub unit_id: Option<i64>,
    /// The period's code (reports only).
    pub period: Option<String>,
    /// The status code (reports only).
    pub status: Option<String>,
    /// The workflow state (reports only).
    pub state: Option<String>,
}

/// A task as the API lists it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct TaskRecord {
    /// Id.
    pub id: i64,
    /// The scheme.
    pub scheme_id: i64,
    /// The unit.
    pub unit_id: i64,
    /// The indicator it hangs under.
    pub indicator_id: i64,
    /// 任务要点名称.
    pub name: String,
    /// 年度目标.
    pub target: String,
    /// 分值权重.
    pub weight: f64,
    /// The office's rule, if chosen.
    pub rule: Option<String>,
    /// Its 考核主体, if it names one.
    pub reviewing_unit_id: Option<i64>,
}

/// A report as the API lists it, with where it belongs.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ReportRow {
    /// Id.
    pub id: i64,
    /// The task.
    pub task_id: i64,
    /// The task's unit.
    pub unit_id: i64,
    /// The task's scheme.
    pub scheme_id: i64,
    /// The period's code.
    pub period: String,
    /// 进度情况.
    pub text: String,
    /// draft / submitted / approved / returned.
    pub state: String,
    /// The reader's completion.
    pub completion: Option<f64>,
    /// A reviewer's corrected completion.
    pub verified_completion: Option<f64>,
    /// Status code.
    pub status: Option<String>,
    /// Optimistic version.
    pub version: i64,
    /// The unit's own score.
    pub self_score: Option<f64>,
    /// The reviewer's grade.
    pub grade: Option<String>,
    /// The reviewer's points (manual rule).
    pub reviewer_points: Option<f64>,
    /// Why it was returned.
    pub return_reason: Option<String>,
    /// Last change, RFC 3339.
    pub updated_at: String,
    /// The task's 考核主体, if it names one.
    pub reviewing_unit_id: Option<i64>,
    /// The checks' findings (codes, comma-separated).
    pub flags: String,
    /// 情况说明.
    pub note: Option<String>,
}

const TOKEN_COLUMNS: &str = "id, user_id, name, scope, created_at, last_used_at, revoked_at";

/// Appends WHERE conditions for the filter and reach; returns the SQL and the binds in order.
fn conditions(filter: &ListFilter, reach: Reach<'_>, reports: bool) -> (String, Vec<Bind>) {
    let mut sql = Vec::new();
    let mut binds = Vec::new();
    let mut next = 1;
    let mut push = |cond: String, b: Bind, sql: &mut Vec<String>, binds: &mut Vec<Bind>| {
        sql.push(cond.replace("$?", &format!("${next}")));
        binds.push(b);
        next += 1;
    };
    if let Some(s) = filter.scheme_id {
        push(
            "t.scheme_id = $?".into(),
            Bind::Int(s),
            &mut sql,
            &mut binds,
        );
    }
    if let Some(u) = filter.unit_id {
        push("t.unit_id = $?".into(), Bind::Int(u), &mut sql, &mut binds);
    }
    if reports {
        if let Some(p) = &filter.period {
            push(
                "p.code = $?".into(),
                Bind::Text(p.clone()),
                &mut sql,
                &mut binds,
            );
        }
        if let Some(st) = &filter.status {
            push(
                "r.status = $?".into(),
                Bind::Text(st.clone()),
                &mut sql,
                &mut binds,
            );
        }
        if let Some(st) = &filter.state {
            push(
                "r.state = $?".into(),
                Bind::Text(st.clone()),
                &mut sql,
                &mut binds,
            );
        }
    }
    match reach {
        Reach::All => {}
        Reach::Units([]) | Reach::UnitsOrReviewing([]) => sql.push("1 = 0".into()),
        Reach::Units(units) => {
            sql.push(format!(
                "t.unit_id IN ({})",
                placeholders(next, units.len())
            ));
            binds.extend(units.iter().map(|u| Bind::Int(*u)));
        }
        Reach::UnitsOrReviewing(units) => {
            // One list, bound once and named twice: a reach of 20,000 units must stay within
            // SQLite's 32,766 parameters.
            let list = placeholders(next, units.len());
            sql.push(format!(
                "(t.unit_id IN ({list}) OR t.reviewing_unit_id IN ({list}))"
            ));
            binds.extend(units.iter().map(|u| Bind::Int(*u)));
        }
    }
    let sql = if sql.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", sql.join(" AND "))
    };
    (sql, binds)
}

#[derive(Debug, Clone)]
enum Bind {
    Int(i64),
    Text(String),
}

macro_rules! bind_all {
    ($q:expr, $binds:expr) => {{
        let mut q = $q;
        for b in $binds {
            q = match b {
                Bind::Int(i) => q.bind(*i),
                Bind::Text(t) => q.bind(t.clone()),
            };
        }
        q
    }};
}

impl Store {
    /// Creates a token for a user; `hash` is the SHA-256 of the token shown once.
    pub async fn create_token(
        &self,
        by: &Actor,
        user_id: i64,
        name: &str,
        scope: &str,
        hash: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, scope, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(hash)
        .bind(scope)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "token.create",
                entity: "api_token",
                entity_id: Some(id),
                before: None,
                after: Some(
                    serde_json::json!({ "user_id": user_id, "name": name, "scope": scope })
                        .to_string(),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A user's tokens, newest first (revoked ones too, marked).
    pub async fn tokens_of(&self, user_id: i64) -> Result<Vec<TokenRecord>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC"
        )))
        .bind(user_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Revokes one of the user's own tokens.
    pub async fn revoke_token(&self, by: &Actor, user_id: i64, id: i64) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 \
             AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("令牌"));
        }
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "token.revoke",
                entity: "api_token",
                entity_id: Some(id),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live token with this hash and its active user.
    pub async fn token_user(
        &self,
        hash: &str,
    ) -> Result<Option<(TokenRecord, UserRecord)>, StoreError> {
        let token: Option<TokenRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
        )))
        .bind(hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(token) = token else { return Ok(None) };
        let user = self.user(token.user_id).await?.filter(|u| u.active == 1);
        let Some(user) = user else { return Ok(None) };
        Ok(Some((token, user)))
    }

    /// Notes that a token was used now. Bookkeeping, not an audited change: callers run it
    /// beside the request, at most once a minute per token, so API reads do not queue for the
    /// write lock.
    pub async fn touch_token(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A page of tasks in reach, in scheme and table order, with the total.
    pub async fn task_page(
        &self,
        filter: &ListFilter,
        reach: Reach<'_>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<TaskRecord>, i64), StoreError> {
        let (cond, binds) = conditions(filter, reach, false);
        let n = binds.len();
        let total: i64 = bind_all!(
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM tasks t{cond}"
            ))),
            &binds
        )
        .fetch_one(self.pool())
        .await?;
        let rows = bind_all!(
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT t.id, t.scheme_id, t.unit_id, t.indicator_id, t.name, t.target, t.weight, \
                 t.rule, t.reviewing_unit_id FROM tasks t{cond} ORDER BY t.scheme_id, t.unit_id, t.position, t.id \
                 LIMIT ${} OFFSET ${}",
                n + 1,
                n + 2
            ))),
            &binds
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        Ok((rows, total))
    }

    /// A page of reports in reach, newest period first, with the total.
    pub async fn report_page(
        &self,
        filter: &ListFilter,
        reach: Reach<'_>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<ReportRow>, i64), StoreError> {
        let (cond, binds) = conditions(filter, reach, true);
        let n = binds.len();
        let from = "FROM progress_reports r JOIN tasks t ON t.id = r.task_id \
                    JOIN periods p ON p.id = r.period_id";
        let total: i64 = bind_all!(
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {from}{cond}"))),
            &binds
        )
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .next()
        .unwrap_or(0);
        let rows = bind_all!(
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT r.id, r.task_id, t.unit_id, t.scheme_id, p.code AS period, r.text, r.state, \
                 r.completion, r.verified_completion, r.status, r.version, r.self_score, r.grade, \
                 r.reviewer_points, r.return_reason, r.updated_at, t.reviewing_unit_id, r.flags, r.note \
                 {from}{cond} \
                 ORDER BY p.ends_on DESC, t.scheme_id, t.unit_id, t.position, r.id \
                 LIMIT ${} OFFSET ${}",
                n + 1,
                n + 2
            ))),
            &binds
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        Ok((rows, total))
    }

    /// One report with where it belongs.
    pub async fn report_row(&self, id: i64) -> Result<Option<ReportRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.task_id, t.unit_id, t.scheme_id, p.code AS period, r.text, r.state, \
             r.completion, r.verified_completion, r.status, r.version, r.self_score, r.grade, \
             r.reviewer_points, r.return_reason, r.updated_at, t.reviewing_unit_id, r.flags, \
             r.note FROM progress_reports r \
             JOIN tasks t ON t.id = r.task_id JOIN periods p ON p.id = r.period_id \
             WHERE r.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// One task.
    pub async fn task_record(&self, id: i64) -> Result<Option<TaskRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, scheme_id, unit_id, indicator_id, name, target, weight, rule, reviewing_unit_id \
             FROM tasks \
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }
}
