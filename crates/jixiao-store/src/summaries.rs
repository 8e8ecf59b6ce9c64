//! Each unit's scored summary per scheme and period, kept beside the data it is computed from
//! (migration 0010). The store keeps the summaries as opaque JSON and decides only whether
//! one is still valid; computing them is the web layer's scoring.
//!
//! Validity without a race: every write that can change a unit's scores raises a mark — the
//! unit's within the scheme, or the scheme's own (unit 0) — in its own transaction. A summary
//! carries the stamp its computation started from: the sum of the two marks, read *before*
//! the unit's data. Marks only grow, so any later write makes the sum larger and the summary
//! stale; a write that slipped in between reading the stamp and reading the data leaves a
//! summary that is newer than its stamp, which is merely recomputed once more.

use sqlx::{Any, FromRow, Transaction};

use crate::{Store, StoreError};

/// What a write touched, for the marks.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Touch {
    /// Everything of a scheme: its settings, rules, veto items, periods or imported tables.
    Scheme(i64),
    /// One unit in one scheme: its adjustments and vetoes.
    Unit { scheme_id: i64, unit_id: i64 },
    /// The unit a task belongs to, in the task's scheme: its reports, rule and overrides.
    Task(i64),
    /// One unit in every scheme it is assessed in: its name or type.
    UnitEverywhere(i64),
}

/// Raises the mark `what` touched, in the writing transaction.
pub(crate) async fn touch(tx: &mut Transaction<'_, Any>, what: Touch) -> Result<(), StoreError> {
    // `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    const UPSERT: &str = "ON CONFLICT (scheme_id, unit_id) DO UPDATE SET seq = score_marks.seq + 1";
    let q = match what {
        Touch::Scheme(scheme_id) => sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO score_marks (scheme_id, unit_id, seq) VALUES ($1, 0, 1) {UPSERT}"
        )))
        .bind(scheme_id),
        Touch::Unit { scheme_id, unit_id } => sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO score_marks (scheme_id, unit_id, seq) VALUES ($1, $2, 1) {UPSERT}"
        )))
        .bind(scheme_id)
        .bind(unit_id),
        Touch::Task(task_id) => sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO score_marks (scheme_id, unit_id, seq) \
             SELECT scheme_id, unit_id, 1 FROM tasks WHERE id = $1 AND true {UPSERT}"
        )))
        .bind(task_id),
        Touch::UnitEverywhere(unit_id) => sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO score_marks (scheme_id, unit_id, seq) \
             SELECT scheme_id, unit_id, 1 FROM scheme_units WHERE unit_id = $1 AND true {UPSERT}"
        )))
        .bind(unit_id),
    };
    q.execute(&mut **tx).await?;
    Ok(())
}

/// A unit of a scheme with its current stamp and, when still valid, its stored summary.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct StampedSummary {
    /// The unit.
    pub unit_id: i64,
    /// The sum of the unit's and the scheme's marks now.
    pub stamp: i64,
    /// The summary stored for this stamp; `None` when missing or stale.
    pub body: Option<String>,
}

/// The rule of validity, joined to `scheme_units su`: the unit's mark `m`, and its summary `c`
/// for the period `$2` only if stored at the current stamp (the unit's mark plus `$3`, the
/// scheme's).
const VALID_SUMMARY: &str = "LEFT JOIN score_marks m \
       ON m.scheme_id = su.scheme_id AND m.unit_id = su.unit_id \
     LEFT JOIN unit_summaries c ON c.scheme_id = su.scheme_id \
       AND c.period_code = $2 AND c.unit_id = su.unit_id \
       AND c.stamp = COALESCE(m.seq, 0) + $3";

/// Rows per insert: sqlx-sqlite looks each `$N` up by name, linear in the statement's
/// parameters (see `bulk`).
const ROWS_PER_STATEMENT: usize = 25;

impl Store {
    /// Every assessed unit of a scheme, in the order of [`Store::scheme_units`], with its
    /// current stamp and its summary for `period_code` when one is stored for that stamp. Read
    /// the stamps before the data a missing summary is computed from. `units` narrows the
    /// answer to a few units (a list short enough to bind, a few hundred at most).
    pub async fn unit_summaries(
        &self,
        scheme_id: i64,
        period_code: &str,
        units: Option<&[i64]>,
    ) -> Result<Vec<StampedSummary>, StoreError> {
        let scheme_seq = self.scheme_mark(scheme_id).await?;
        let only = match units {
            Some([]) => return Ok(Vec::new()),
            Some(ids) => {
                let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 4)).collect();
                format!(" AND su.unit_id IN ({})", list.join(", "))
            }
            None => String::new(),
        };
        let sql = format!(
            "SELECT su.unit_id, COALESCE(m.seq, 0) + $3 AS stamp, c.body \
             FROM scheme_units su JOIN units u ON u.id = su.unit_id {VALID_SUMMARY} \
             WHERE su.scheme_id = $1{only} ORDER BY u.name"
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(scheme_id)
            .bind(period_code)
            .bind(scheme_seq);
        for id in units.unwrap_or_default() {
            q = q.bind(*id);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Stores summaries computed from the stamps [`Store::unit_summaries`] gave, keeping a
    /// stored one with a newer stamp (a slower request must not put back an older result).
    pub async fn put_unit_summaries(
        &self,
        scheme_id: i64,
        period_code: &str,
        rows: &[(i64, i64, String)],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("($1, $2, ${}, ${}, ${})", 3 * i + 3, 3 * i + 4, 3 * i + 5))
                .collect();
            let sql = format!(
                "INSERT INTO unit_summaries (scheme_id, period_code, unit_id, stamp, body) \
                 VALUES {} ON CONFLICT (scheme_id, period_code, unit_id) DO UPDATE \
                 SET stamp = excluded.stamp, body = excluded.body \
                 WHERE excluded.stamp >= unit_summaries.stamp",
                values.join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(scheme_id)
                .bind(period_code);
            for (unit_id, stamp, body) in chunk {
                q = q.bind(*unit_id).bind(*stamp).bind(body.as_str());
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The scheme's own mark (unit 0), which every unit's stamp includes.
    async fn scheme_mark(&self, scheme_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COALESCE(MAX(seq), 0) FROM score_marks WHERE scheme_id = $1 AND unit_id = 0",
        )
        .bind(scheme_id)
        .fetch_one(self.pool())
        .await?)
    }

    /// The scheme's version: the sum of all its marks, which grows with every write that can
    /// move one of its scores. Read it before the summaries a scheme summary is made of.
    pub async fn scheme_version(&self, scheme_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(seq), 0) AS BIGINT) FROM score_marks WHERE scheme_id = $1",
        )
        .bind(scheme_id)
        .fetch_one(self.pool())
        .await?)
    }

    /// The scheme summary stored for `period_code` at `version`, if any.
    pub async fn scheme_summary(
        &self,
        scheme_id: i64,
        period_code: &str,
        version: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT body FROM scheme_summaries \
             WHERE scheme_id = $1 AND period_code = $2 AND version = $3",
        )
        .bind(scheme_id)
        .bind(period_code)
        .bind(version)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Stores a scheme summary computed at `version`, keeping a newer one.
    pub async fn put_scheme_summary(
        &self,
        scheme_id: i64,
        period_code: &str,
        version: i64,
        body: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO scheme_summaries (scheme_id, period_code, version, body) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (scheme_id, period_code) DO UPDATE \
             SET version = excluded.version, body = excluded.body \
             WHERE excluded.version >= scheme_summaries.version",
        )
        .bind(scheme_id)
        .bind(period_code)
        .bind(version)
        .bind(body)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The units of a scheme whose summary for `period_code` is missing or stale, with their
    /// current stamps: what a background refresh has to compute (usually none or a few, so
    /// this reads no summary).
    pub async fn stale_units(
        &self,
        scheme_id: i64,
        period_code: &str,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let scheme_seq = self.scheme_mark(scheme_id).await?;
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT su.unit_id, COALESCE(m.seq, 0) + $3 AS stamp \
             FROM scheme_units su {VALID_SUMMARY} \
             WHERE su.scheme_id = $1 AND c.unit_id IS NULL ORDER BY su.unit_id"
        )))
        .bind(scheme_id)
        .bind(period_code)
        .bind(scheme_seq)
        .fetch_all(self.pool())
        .await?)
    }

    /// Takes or renews the lease `name` for `holder` for `seconds`; false when another holder's
    /// lease still runs. Several instances call this on one database and one of them wins.
    pub async fn try_lease(
        &self,
        name: &str,
        holder: &str,
        seconds: i64,
    ) -> Result<bool, StoreError> {
        let now = chrono::Utc::now();
        let stamp = |t: chrono::DateTime<chrono::Utc>| {
            t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        let until = stamp(now + chrono::Duration::seconds(seconds));
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(
            "INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until \
             WHERE leases.holder = excluded.holder OR leases.until < $4",
        )
        .bind(name)
        .bind(holder)
        .bind(&until)
        .bind(stamp(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }
}
