//! The audit log: every write, append-only, each entry chained by SHA-256 to the one before.
//!
//! An entry's hash covers the previous hash and every field of the entry, so altering,
//! removing or inserting a row breaks the chain at that row; `verify` names the first entry
//! whose link does not hold. Entries are appended in the same transaction as the write they
//! record, after taking the chain's head row (see the migration), so concurrent writers queue.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{Any, FromRow, Transaction};

use crate::{Store, StoreError, now};

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The user's id; none for the command line and the system.
    pub id: Option<i64>,
    /// A name a person recognises.
    pub name: String,
}

impl Actor {
    /// A user.
    pub fn user(id: i64, name: &str) -> Actor {
        Actor {
            id: Some(id),
            name: name.to_string(),
        }
    }

    /// The command line, run by an operator on the server.
    pub fn cli() -> Actor {
        Actor {
            id: None,
            name: "命令行".to_string(),
        }
    }
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, FromRow, Serialize)]
pub struct AuditEntry {
    /// Position in the log.
    pub id: i64,
    /// When, RFC 3339.
    pub at: String,
    /// The user, if any.
    pub actor_id: Option<i64>,
    /// Who, as a person reads it.
    pub actor: String,
    /// What: `report.save`, `report.submit`, `import` …
    pub action: String,
    /// On what kind of thing.
    pub entity: String,
    /// Which one.
    pub entity_id: Option<i64>,
    /// JSON of the thing before, if it existed.
    pub before: Option<String>,
    /// JSON of the thing after.
    pub after: Option<String>,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// Entries read.
    pub entries: usize,
    /// The id of the first entry whose hash or link is wrong.
    pub first_broken: Option<i64>,
}

/// What an audited write records.
pub(crate) struct Record<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev: &str,
    at: &str,
    actor_id: Option<i64>,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields: no two different entries hash the same input.
    let id = |v: Option<i64>| v.map(|v| v.to_string());
    for field in [
        Some(prev.to_string()),
        Some(at.to_string()),
        id(actor_id),
        Some(actor.to_string()),
        Some(action.to_string()),
        Some(entity.to_string()),
        id(entity_id),
        before.map(str::to_string),
        after.map(str::to_string),
    ] {
        match field {
            Some(f) => {
                h.update((f.len() as u64).to_le_bytes());
                h.update(f.as_bytes());
            }
            None => h.update(u64::MAX.to_le_bytes()),
        }
    }
    hex::encode(h.finalize())
}

/// Appends an entry in `tx` (begun with `Store::write_tx`). The head row's update takes its lock
/// whenever it runs, so entries of concurrent transactions are appended one after the other;
/// the entry's insert moves the head's hash (a trigger, migration 0012).
pub(crate) async fn append(
    tx: &mut Transaction<'_, Any>,
    rec: Record<'_>,
) -> Result<(), StoreError> {
    let (_seq, prev): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut **tx)
            .await?;
    let at = now();
    let hash = entry_hash(
        &prev,
        &at,
        rec.actor.id,
        &rec.actor.name,
        rec.action,
        rec.entity,
        rec.entity_id,
        rec.before.as_deref(),
        rec.after.as_deref(),
    );
    sqlx::query(
        "INSERT INTO audit_log \
         (at, actor_id, actor, action, entity, entity_id, before, after, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&at)
    .bind(rec.actor.id)
    .bind(&rec.actor.name)
    .bind(rec.action)
    .bind(rec.entity)
    .bind(rec.entity_id)
    .bind(rec.before)
    .bind(rec.after)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    // The head's hash follows by the trigger of migration 0012.
    Ok(())
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl Store {
    /// The newest entries first, at most `limit`.
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, at, actor_id, actor, action, entity, entity_id, before, after, \
             prev_hash, hash FROM audit_log ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Checks every link of the chain, oldest first, in pages.
    pub async fn verify_audit(&self) -> Result<ChainCheck, StoreError> {
        let mut prev = GENESIS.to_string();
        let mut after_id = 0_i64;
        let mut entries = 0;
        loop {
            let page: Vec<AuditEntry> = sqlx::query_as(
                "SELECT id, at, actor_id, actor, action, entity, entity_id, before, after, \
                 prev_hash, hash FROM audit_log WHERE id > $1 ORDER BY id LIMIT 1000",
            )
            .bind(after_id)
            .fetch_all(self.pool())
            .await?;
            if page.is_empty() {
                break;
            }
            for e in &page {
                entries += 1;
                let expected = entry_hash(
                    &e.prev_hash,
                    &e.at,
                    e.actor_id,
                    &e.actor,
                    &e.action,
                    &e.entity,
                    e.entity_id,
                    e.before.as_deref(),
                    e.after.as_deref(),
                );
                if e.prev_hash != prev || e.hash != expected {
                    return Ok(ChainCheck {
                        entries,
                        first_broken: Some(e.id),
                    });
                }
                prev = e.hash.clone();
            }
            after_id = page.last().map(|e| e.id).unwrap_or(after_id);
        }
        // The head must point at the last entry: a removed tail shows here.
        let head: String = sqlx::query_scalar("SELECT hash FROM audit_head WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        let first_broken = (head != prev).then_some(after_id + 1);
        Ok(ChainCheck {
            entries,
            first_broken,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_changes_the_hash() {
        let base = entry_hash(
            GENESIS,
            "t",
            Some(1),
            "a",
            "x",
            "e",
            Some(2),
            None,
            Some("{}"),
        );
        let variants = [
            entry_hash("1", "t", Some(1), "a", "x", "e", Some(2), None, Some("{}")),
            entry_hash(
                GENESIS,
                "u",
                Some(1),
                "a",
                "x",
                "e",
                Some(2),
                None,
                Some("{}"),
            ),
            entry_hash(GENESIS, "t", None, "a", "x", "e", Some(2), None, Some("{}")),
            entry_hash(
                GENESIS,
                "t",
                Some(1),
                "b",
                "x",
                "e",
                Some(2),
                None,
                Some("{}"),
            ),
            entry_hash(
                GENESIS,
                "t",
                Some(1),
                "a",
                "y",
                "e",
                Some(2),
                None,
                Some("{}"),
            ),
            entry_hash(
                GENESIS,
                "t",
                Some(1),
                "a",
                "x",
                "f",
                Some(2),
                None,
                Some("{}"),
            ),
            entry_hash(
                GENESIS,
                "t",
                Some(1),
                "a",
                "x",
                "e",
                Some(3),
                None,
                Some("{}"),
            ),
            entry_hash(
                GENESIS,
                "t",
                Some(1),
                "a",
                "x",
                "e",
                Some(2),
                Some(""),
                Some("{}"),
            ),
            entry_hash(GENESIS, "t", Some(1), "a", "x", "e", Some(2), None, None),
        ];
        for v in variants {
            assert_ne!(base, v);
        }
    }
}
