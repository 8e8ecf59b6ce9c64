//! Bulk loading: many rows in few statements, for `jixiao demo` (a synthetic province) and
//! anything else that writes hundreds of thousands of rows at once.
//!
//! Rows go in as multi-row `INSERT`s of a fixed size (so each statement shape is prepared
//! once) inside large transactions; [`BulkLoad::checkpoint`] commits and begins the next one,
//! so the SQLite WAL stays small and a PostgreSQL transaction does not grow without end. Ids
//! come back with `RETURNING` and are matched by a natural key, never by position: neither
//! database promises the order of rows a multi-row `RETURNING` gives. The load is recorded by
//! one audit entry, appended by [`BulkLoad::finish`] in the last transaction.

use std::collections::HashMap;

use sqlx::{Any, Transaction};

use crate::audit::{self, Actor, Record};
use crate::import::StoredReading;
use crate::nullable::OptF64;
use crate::summaries::{self, Touch};
use crate::{Store, StoreError, now};

/// Rows per `INSERT` statement. SQLite allows 32,766 parameters and PostgreSQL 65,535; the
/// widest row here has 9, so 500 rows stay well below both.
const ROWS_PER_STATEMENT: usize = 25;

/// A scheme with its indicator tree and periods, created in one go.
#[derive(Debug, Clone)]
pub struct NewScheme {
    /// The title; it must not exist yet.
    pub title: String,
    /// The scheme year.
    pub year: i32,
    /// Indicators, parents before their children.
    pub indicators: Vec<NewIndicator>,
    /// Periods: code (`2024Q1`) and the day it ends (`2024-03-31`).
    pub periods: Vec<(String, String)>,
}

/// One indicator of a [`NewScheme`].
#[derive(Debug, Clone)]
pub struct NewIndicator {
    /// Index of the parent in [`NewScheme::indicators`]; `None` for level 1.
    pub parent: Option<usize>,
    /// The name as the table writes it.
    pub name: String,
    /// Points (level 1).
    pub points: Option<f64>,
}

/// The ids of a created scheme, in the order they were given.
#[derive(Debug, Clone)]
pub struct SchemeIds {
    /// The scheme.
    pub scheme_id: i64,
    /// One per [`NewScheme::indicators`].
    pub indicator_ids: Vec<i64>,
    /// One per [`NewScheme::periods`].
    pub period_ids: Vec<i64>,
}

/// A unit to create.
#[derive(Debug, Clone)]
pub struct NewUnit {
    /// Unique name.
    pub name: String,
    /// Parent unit id.
    pub parent_id: Option<i64>,
    /// 党群部门 / 政府部门 / 事业单位 …; empty for none.
    pub kind: String,
}

/// A task to create in a scheme.
#[derive(Debug, Clone)]
pub struct NewTask {
    /// Its indicator.
    pub indicator_id: i64,
    /// The assessed unit.
    pub unit_id: i64,
    /// 任务要点名称.
    pub name: String,
    /// 年度目标.
    pub target: String,
    /// 分值权重.
    pub weight: f64,
    /// Position within the unit's table, from 1; unique per unit.
    pub position: i64,
}

/// A progress report to create.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// The task.
    pub task_id: i64,
    /// The period.
    pub period_id: i64,
    /// 进度情况.
    pub text: String,
    /// `draft`, `submitted`, `approved` or `returned`.
    pub state: &'static str,
    /// The reader's result, stored beside the text.
    pub reading: Option<StoredReading>,
    /// The unit's self-score.
    pub self_score: Option<f64>,
}

/// An open bulk load; see the module docs.
pub struct BulkLoad {
    tx: Option<Transaction<'static, Any>>,
    store: Store,
    stamp: String,
    rows_since_commit: usize,
    /// The schemes written to, whose score marks `finish` raises.
    schemes: Vec<i64>,
}

impl Store {
    /// Begins a bulk load (a write transaction).
    pub async fn bulk_load(&self) -> Result<BulkLoad, StoreError> {
        Ok(BulkLoad {
            tx: Some(self.write_tx().await?),
            store: self.clone(),
            stamp: now(),
            rows_since_commit: 0,
            schemes: Vec::new(),
        })
    }
}

impl BulkLoad {
    fn tx(&mut self) -> &mut Transaction<'static, Any> {
        self.tx
            .as_mut()
            .expect("a bulk load holds a transaction until it finishes")
    }

    /// Rows written since the last commit.
    pub fn pending_rows(&self) -> usize {
        self.rows_since_commit
    }

    /// Remembers a scheme written to.
    fn wrote(&mut self, scheme_id: i64) {
        if !self.schemes.contains(&scheme_id) {
            self.schemes.push(scheme_id);
        }
    }

    /// Commits what was written and begins the next transaction.
    pub async fn checkpoint(&mut self) -> Result<(), StoreError> {
        if let Some(tx) = self.tx.take() {
            tx.commit().await?;
        }
        self.tx = Some(self.store.write_tx().await?);
        self.rows_since_commit = 0;
        Ok(())
    }

    /// Creates a scheme, its indicators and its periods. A scheme of that title must not exist.
    pub async fn scheme(&mut self, s: &NewScheme) -> Result<SchemeIds, StoreError> {
        let stamp = self.stamp.clone();
        let tx = self.tx();
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM schemes WHERE title = $1")
            .bind(&s.title)
            .fetch_optional(&mut **tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Duplicate(s.title.clone()));
        }
        let scheme_id: i64 = sqlx::query_scalar(
            "INSERT INTO schemes (title, year, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(&s.title)
        .bind(i64::from(s.year))
        .bind(&stamp)
        .fetch_one(&mut **tx)
        .await?;
        self.wrote(scheme_id);
        let tx = self.tx();
        // Indicators are few (tens): one statement each keeps the parents' ids at hand.
        let mut indicator_ids: Vec<i64> = Vec::with_capacity(s.indicators.len());
        for (i, ind) in s.indicators.iter().enumerate() {
            let (parent, level) = match ind.parent {
                Some(p) if p < i => (Some(indicator_ids[p]), level_of(&s.indicators, p) + 1),
                Some(_) => return Err(StoreError::Corrupt("指标的上级须排在它之前".into())),
                None => (None, 1),
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO indicators (scheme_id, parent_id, level, name, points, position) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(scheme_id)
            .bind(parent)
            .bind(level)
            .bind(&ind.name)
            .bind(OptF64(ind.points))
            .bind(i64::try_from(i + 1).unwrap_or(i64::MAX))
            .fetch_one(&mut **tx)
            .await?;
            indicator_ids.push(id);
        }
        let mut period_ids = Vec::with_capacity(s.periods.len());
        for (code, ends_on) in &s.periods {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO periods (scheme_id, code, ends_on) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(scheme_id)
            .bind(code)
            .bind(ends_on)
            .fetch_one(&mut **tx)
            .await?;
            period_ids.push(id);
        }
        Ok(SchemeIds {
            scheme_id,
            indicator_ids,
            period_ids,
        })
    }

    /// Creates units (names must be new) and returns their ids in the order given.
    pub async fn units(&mut self, units: &[NewUnit]) -> Result<Vec<i64>, StoreError> {
        let mut by_name: HashMap<String, i64> = HashMap::with_capacity(units.len());
        // The types the load names join the office's list (the load writes an empty database:
        // it is the list's first source, as the units it creates are the tree's).
        let mut kinds: Vec<&str> = units
            .iter()
            .map(|u| u.kind.trim())
            .filter(|k| !k.is_empty())
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        for kind in kinds {
            sqlx::query(
                "INSERT INTO unit_types (name, created_at) VALUES ($1, $2)                  ON CONFLICT (name) DO NOTHING",
            )
            .bind(kind)
            .bind(self.stamp.clone())
            .execute(&mut **self.tx())
            .await?;
        }
        for chunk in units.chunks(ROWS_PER_STATEMENT) {
            let sql = values_sql(
                "INSERT INTO units (created_at, name, parent_id, kind) VALUES ",
                chunk.len(),
                3,
                1,
                " RETURNING id, name",
            );
            let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql))
                .bind(self.stamp.clone());
            for u in chunk {
                q = q.bind(&u.name).bind(u.parent_id).bind(u.kind.trim());
            }
            for (id, name) in q.fetch_all(&mut **self.tx()).await? {
                by_name.insert(name, id);
            }
        }
        self.rows_since_commit += units.len();
        units
            .iter()
            .map(|u| {
                by_name
                    .get(&u.name)
                    .copied()
                    .ok_or_else(|| StoreError::Corrupt(format!("单位「{}」未写入", u.name)))
            })
            .collect()
    }

    /// Enrols units in a scheme, each with the 主管部门 line of its table.
    pub async fn scheme_units(
        &mut self,
        scheme_id: i64,
        units: &[(i64, String)],
    ) -> Result<(), StoreError> {
        self.wrote(scheme_id);
        for chunk in units.chunks(ROWS_PER_STATEMENT) {
            let sql = values_sql(
                "INSERT INTO scheme_units (scheme_id, source, imported_at, unit_id, department) \
                 VALUES ",
                chunk.len(),
                2,
                3,
                "",
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(scheme_id)
                .bind("demo")
                .bind(self.stamp.clone());
            for (unit_id, department) in chunk {
                q = q.bind(*unit_id).bind(department);
            }
            q.execute(&mut **self.tx()).await?;
        }
        self.rows_since_commit += units.len();
        Ok(())
    }

    /// Creates tasks and returns their ids in the order given.
    pub async fn tasks(
        &mut self,
        scheme_id: i64,
        tasks: &[NewTask],
    ) -> Result<Vec<i64>, StoreError> {
        self.wrote(scheme_id);
        let mut by_key: HashMap<(i64, i64), i64> = HashMap::with_capacity(tasks.len());
        for chunk in tasks.chunks(ROWS_PER_STATEMENT) {
            let sql = values_sql(
                "INSERT INTO tasks (scheme_id, indicator_id, unit_id, name, target, weight, \
                 position) VALUES ",
                chunk.len(),
                6,
                1,
                " RETURNING id, unit_id, position",
            );
            let mut q =
                sqlx::query_as::<_, (i64, i64, i64)>(sqlx::AssertSqlSafe(sql)).bind(scheme_id);
            for t in chunk {
                q = q
                    .bind(t.indicator_id)
                    .bind(t.unit_id)
                    .bind(&t.name)
                    .bind(&t.target)
                    .bind(t.weight)
                    .bind(t.position);
            }
            for (id, unit_id, position) in q.fetch_all(&mut **self.tx()).await? {
                by_key.insert((unit_id, position), id);
            }
        }
        self.rows_since_commit += tasks.len();
        tasks
            .iter()
            .map(|t| {
                by_key
                    .get(&(t.unit_id, t.position))
                    .copied()
                    .ok_or_else(|| StoreError::Corrupt(format!("任务「{}」未写入", t.name)))
            })
            .collect()
    }

    /// Creates progress reports (at most one per task and period).
    pub async fn reports(&mut self, reports: &[NewReport]) -> Result<(), StoreError> {
        for chunk in reports.chunks(ROWS_PER_STATEMENT) {
            let sql = values_sql(
                "INSERT INTO progress_reports (updated_at, task_id, period_id, text, state, \
                 reading, completion, status, self_score, submitted_at) VALUES ",
                chunk.len(),
                9,
                1,
                "",
            );
            let stamp = self.stamp.clone();
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(stamp.clone());
            for r in chunk {
                let reading = r.reading.as_ref();
                q = q
                    .bind(r.task_id)
                    .bind(r.period_id)
                    .bind(&r.text)
                    .bind(r.state)
                    .bind(reading.map(|r| r.json.clone()))
                    .bind(OptF64(reading.and_then(|r| r.completion)))
                    .bind(reading.and_then(|r| r.status.clone()))
                    .bind(OptF64(r.self_score))
                    .bind((r.state != "draft").then(|| stamp.clone()));
            }
            q.execute(&mut **self.tx()).await?;
        }
        self.rows_since_commit += reports.len();
        Ok(())
    }

    /// Records the load in the audit log (`what` is its summary as JSON) and commits.
    pub async fn finish(mut self, by: &Actor, what: &serde_json::Value) -> Result<(), StoreError> {
        let mut tx = self.tx.take().expect("a bulk load finishes once");
        // Whatever a server scored from the loaded part meanwhile (the load commits as it
        // goes) is stale now.
        self.schemes.sort_unstable();
        for scheme_id in &self.schemes {
            summaries::touch(&mut tx, Touch::Scheme(*scheme_id)).await?;
        }
        audit::append(
            self.store.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "bulk.load",
                entity: "scheme",
                entity_id: what.get("scheme_id").and_then(serde_json::Value::as_i64),
                before: None,
                after: Some(what.to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn level_of(indicators: &[NewIndicator], mut i: usize) -> i64 {
    let mut level = 1;
    while let Some(p) = indicators[i].parent {
        level += 1;
        i = p;
    }
    level
}

/// `head` followed by `rows` tuples, then `tail`. Each tuple begins with the `shared`
/// parameters every row repeats (`$1` … `$shared`, bound once), then `width` of its own; the
/// column list in `head` must put the shared columns first.
fn values_sql(head: &str, rows: usize, width: usize, shared: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + rows * width * 6 + tail.len());
    sql.push_str(head);
    let mut n = shared;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for s in 1..=shared {
            sql.push_str(&format!("${s}, "));
        }
        for c in 0..width {
            n += 1;
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${n}"));
        }
        sql.push(')');
    }
    sql.push_str(tail);
    sql
}
