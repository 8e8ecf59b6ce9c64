//! The audit log: every write, append-only, each entry chained to the one before.
//!
//! An entry's hash covers the previous hash and every field of the entry, so altering,
//! removing or inserting a row breaks the chain at that row; `verify` names the first entry
//! whose link does not hold. Entries are appended in the same transaction as the write they
//! record, after taking the chain's head row (see the migration), so concurrent writers queue.
//!
//! Who holds what: the chain and its head live in the database, so anyone who can write the
//! database could rebuild an unkeyed chain after editing it. With an **audit key** (kept outside
//! the database: a file or the environment, given to every `jixiao` process of the
//! installation), each entry's hash is an HMAC-SHA256 under that key over its place in the
//! sequence (`seq`, no gaps) and its fields: editing, deleting or inserting rows and rebuilding
//! the chain needs the key. A wiped or cut log is still a valid (short) chain: **anchors** close
//! that — the head (entry id and hash, signed with the key) written at intervals to a file
//! outside the database ([`Anchor`]); verifying against them finds a log that no longer
//! reaches, or no longer agrees with, an anchor.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
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

/// What the audit log's search keeps; every field set narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// One action code (`report.approve`).
    pub action: Option<String>,
    /// Words of the actor's name or account, case-insensitive.
    pub actor: Option<String>,
    /// At or after this instant (UTC, RFC 3339, as stored).
    pub from: Option<String>,
    /// At or before this instant.
    pub to: Option<String>,
    /// The kind of record (`report`, `user`, `scheme` …).
    pub entity: Option<String>,
    /// The record's id.
    pub entity_id: Option<i64>,
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
    /// This entry's hash (an HMAC under the audit key when `key_id` is set).
    pub hash: String,
    /// Its place in the sequence of keyed entries (0 for entries written without a key).
    pub seq: i64,
    /// The id of the audit key that signed it ("" when none did).
    pub key_id: String,
}

/// The installation's audit key: the secret that signs the audit log, kept outside the
/// database. Its `id` (a digest of the secret, not the secret) is stored beside each entry.
#[derive(Clone)]
pub struct AuditKey {
    secret: Vec<u8>,
    id: String,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({})", self.id)
    }
}

impl AuditKey {
    /// The fewest bytes of secret accepted.
    pub const MIN_BYTES: usize = 16;

    /// A key from its secret (at least [`AuditKey::MIN_BYTES`] bytes, e.g. 32 random bytes
    /// written as hex).
    pub fn new(secret: &[u8]) -> Result<AuditKey, StoreError> {
        if secret.len() < Self::MIN_BYTES {
            return Err(StoreError::Invalid(format!(
                "审计密钥太短：至少 {} 个字节（例如 openssl rand -hex 32 生成的 64 个字符）",
                Self::MIN_BYTES
            )));
        }
        let mut h = Sha256::new();
        h.update(b"jixiao audit key id\0");
        h.update(secret);
        let id = hex::encode(&h.finalize()[..8]);
        Ok(AuditKey {
            secret: secret.to_vec(),
            id,
        })
    }

    /// The key's public id.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
        Hmac::<Sha256>::new_from_slice(&self.secret).unwrap_or_else(|_| unreachable!())
    }
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChainCheck {
    /// Entries read.
    pub entries: usize,
    /// The id of the first entry whose hash or link is wrong.
    pub first_broken: Option<i64>,
    /// Why it is wrong, in Chinese.
    pub problem: Option<String>,
    /// Entries whose HMAC was checked with the audit key.
    pub keyed: usize,
    /// Entries signed with a key that could not be checked (no key given).
    pub unchecked: usize,
    /// The newest entry's id and hash (0 and the genesis hash for an empty log).
    pub last_id: i64,
    /// The newest entry's hash.
    pub last_hash: String,
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

/// Feeds length-prefixed fields (none distinct from empty), so no two different entries give
/// the same input.
fn feed(out: &mut impl FnMut(&[u8]), fields: &[Option<&str>]) {
    for field in fields {
        match field {
            Some(f) => {
                out(&(f.len() as u64).to_le_bytes());
                out(f.as_bytes());
            }
            None => out(&u64::MAX.to_le_bytes()),
        }
    }
}

/// An entry's fields, as its hash covers them.
struct Fields<'a> {
    prev: &'a str,
    at: &'a str,
    actor_id: Option<i64>,
    actor: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<i64>,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

impl<'a> Fields<'a> {
    fn of(e: &'a AuditEntry) -> Fields<'a> {
        Fields {
            prev: &e.prev_hash,
            at: &e.at,
            actor_id: e.actor_id,
            actor: &e.actor,
            action: &e.action,
            entity: &e.entity,
            entity_id: e.entity_id,
            before: e.before.as_deref(),
            after: e.after.as_deref(),
        }
    }

    /// The entry's hash: an HMAC-SHA256 under the audit key over its sequence number, the
    /// key's id and the fields when it is signed (`signer`), else the unkeyed SHA-256 chain of
    /// entries written without a key.
    fn hash(&self, signer: Option<(&AuditKey, i64)>) -> String {
        let Some((key, seq)) = signer else {
            return entry_hash(
                self.prev,
                self.at,
                self.actor_id,
                self.actor,
                self.action,
                self.entity,
                self.entity_id,
                self.before,
                self.after,
            );
        };
        let mut m = key.mac();
        let id = |v: Option<i64>| v.map(|v| v.to_string());
        let (seq, actor_id, entity_id) = (seq.to_string(), id(self.actor_id), id(self.entity_id));
        feed(
            &mut |b| m.update(b),
            &[
                Some("jixiao audit v2"),
                Some(&seq),
                Some(key.id()),
                Some(self.prev),
                Some(self.at),
                actor_id.as_deref(),
                Some(self.actor),
                Some(self.action),
                Some(self.entity),
                entity_id.as_deref(),
                self.before,
                self.after,
            ],
        );
        hex::encode(m.finalize().into_bytes())
    }
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
    key: Option<&AuditKey>,
    tx: &mut Transaction<'_, Any>,
    rec: Record<'_>,
) -> Result<(), StoreError> {
    let (seq, prev): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut **tx)
            .await?;
    let at = now();
    let hash = Fields {
        prev: &prev,
        at: &at,
        actor_id: rec.actor.id,
        actor: &rec.actor.name,
        action: rec.action,
        entity: rec.entity,
        entity_id: rec.entity_id,
        before: rec.before.as_deref(),
        after: rec.after.as_deref(),
    }
    .hash(key.map(|k| (k, seq)));
    sqlx::query(
        "INSERT INTO audit_log \
         (at, actor_id, actor, action, entity, entity_id, before, after, prev_hash, hash, seq, \
          key_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
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
    .bind(if key.is_some() { seq } else { 0 })
    .bind(key.map_or("", AuditKey::id))
    .execute(&mut **tx)
    .await?;
    // The head's hash follows by the trigger of migration 0012.
    Ok(())
}

/// A point of the chain recorded outside the database: the newest entry's id and hash at a
/// moment, signed with the audit key when there is one. A log that no longer reaches an
/// anchor (wiped, cut) or disagrees with it (rewritten) fails verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// The entry's id.
    pub id: i64,
    /// Its hash.
    pub hash: String,
    /// When the anchor was taken, RFC 3339.
    pub at: String,
    /// The id of the key that signed it ("" unsigned).
    pub key_id: String,
    /// HMAC-SHA256 under the key over id, hash and time ("" unsigned).
    pub mac: String,
}

impl Anchor {
    fn mac_of(key: &AuditKey, id: i64, hash: &str, at: &str) -> String {
        let mut m = key.mac();
        let id = id.to_string();
        feed(
            &mut |b| m.update(b),
            &[Some("jixiao audit anchor"), Some(&id), Some(hash), Some(at)],
        );
        hex::encode(m.finalize().into_bytes())
    }

    /// One line of an anchor file (JSON).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads the anchors of a file, one JSON line each; names the first line that is not one.
    pub fn parse_lines(text: &str) -> Result<Vec<Anchor>, StoreError> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, l)| {
                serde_json::from_str(l).map_err(|e| {
                    StoreError::Invalid(format!("锚点文件第 {} 行无法读取：{e}", n + 1))
                })
            })
            .collect()
    }
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl Store {
    /// The newest entries first, at most `limit`.
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, at, actor_id, actor, action, entity, entity_id, before, after, \
             prev_hash, hash, seq, key_id FROM audit_log ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// The entries matching `filter`, newest first: the `(limit, offset)` window of them and
    /// how many match, counted up to [`crate::COUNT_CAP`] + 1 (a log grows by millions).
    pub async fn audit_search(
        &self,
        filter: &AuditFilter,
        (limit, offset): (i64, i64),
    ) -> Result<(Vec<AuditEntry>, i64), StoreError> {
        let mut cond = String::new();
        let mut texts: Vec<String> = Vec::new();
        let mut arg = |sql: &str, value: String| {
            texts.push(value);
            cond.push_str(&sql.replace('?', &format!("${}", texts.len())));
        };
        if let Some(a) = &filter.action {
            arg(" AND action = ?", a.clone());
        }
        if let Some(who) = &filter.actor {
            arg(
                " AND LOWER(actor) LIKE ? ESCAPE '\\'",
                crate::worklist::like_pattern(who),
            );
        }
        if let Some(from) = &filter.from {
            arg(" AND at >= ?", from.clone());
        }
        if let Some(to) = &filter.to {
            arg(" AND at <= ?", to.clone());
        }
        if let Some(e) = &filter.entity {
            arg(" AND entity = ?", e.clone());
        }
        // An integer, not text: formatted into the SQL, never a string from the request.
        let id_cond = filter
            .entity_id
            .map(|id| format!(" AND entity_id = {id}"))
            .unwrap_or_default();
        let from = format!("FROM audit_log WHERE 1 = 1{cond}{id_cond}");
        let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM (SELECT 1 AS one {from} LIMIT {}) capped",
            crate::COUNT_CAP + 1
        )));
        for t in &texts {
            count = count.bind(t.clone());
        }
        let total: i64 = count.fetch_one(self.pool()).await?;
        let n = texts.len();
        let mut rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, at, actor_id, actor, action, entity, entity_id, before, after, \
             prev_hash, hash, seq, key_id {from} ORDER BY id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        )));
        for t in &texts {
            rows = rows.bind(t.clone());
        }
        let rows = rows.bind(limit).bind(offset).fetch_all(self.pool()).await?;
        Ok((rows, total))
    }

    /// Checks every link of the chain, oldest first, in pages: each entry's hash (its HMAC
    /// under the audit key when it was signed), its link to the one before, the sequence of
    /// signed entries (no gaps), that no unsigned entry follows a signed one, and that the head
    /// points at the newest entry.
    pub async fn verify_audit(&self) -> Result<ChainCheck, StoreError> {
        let key = self.audit_key();
        let mut check = ChainCheck {
            last_hash: GENESIS.to_string(),
            ..ChainCheck::default()
        };
        let mut prev = GENESIS.to_string();
        let mut last_seq: Option<i64> = None;
        let mut after_id = 0_i64;
        let broken = |mut c: ChainCheck, id: i64, why: &str| {
            c.first_broken = Some(id);
            c.problem = Some(why.to_string());
            Ok(c)
        };
        loop {
            let page: Vec<AuditEntry> = sqlx::query_as(
                "SELECT id, at, actor_id, actor, action, entity, entity_id, before, after, \
                 prev_hash, hash, seq, key_id FROM audit_log WHERE id > $1 ORDER BY id LIMIT 1000",
            )
            .bind(after_id)
            .fetch_all(self.pool())
            .await?;
            if page.is_empty() {
                break;
            }
            for e in &page {
                check.entries += 1;
                if e.prev_hash != prev {
                    return broken(
                        check,
                        e.id,
                        "与前一条记录的链接不符（前一条被改动、删除，或这一条是插入的）",
                    );
                }
                if e.key_id.is_empty() {
                    if last_seq.is_some() {
                        return broken(check, e.id, "带密钥签名的记录之后出现了无签名的记录");
                    }
                    let expected = Fields::of(e).hash(None);
                    if e.hash != expected {
                        return broken(check, e.id, "记录内容与其哈希不符（被改动）");
                    }
                } else {
                    if let Some(s) = last_seq
                        && e.seq != s + 1
                    {
                        return broken(check, e.id, "签名记录的序号不连续（有记录被删除或插入）");
                    }
                    last_seq = Some(e.seq);
                    match key {
                        None => check.unchecked += 1,
                        Some(k) if k.id() != e.key_id => {
                            return broken(check, e.id, "记录由另一把审计密钥签名");
                        }
                        Some(k) => {
                            let expected = Fields::of(e).hash(Some((k, e.seq)));
                            if e.hash != expected {
                                return broken(
                                    check,
                                    e.id,
                                    "记录的签名不符（被改动，或不是用本机的审计密钥写入的）",
                                );
                            }
                            check.keyed += 1;
                        }
                    }
                }
                prev = e.hash.clone();
                check.last_id = e.id;
                check.last_hash = e.hash.clone();
            }
            after_id = page.last().map(|e| e.id).unwrap_or(after_id);
        }
        // The head must point at the last entry: a removed tail shows here.
        let head: String = sqlx::query_scalar("SELECT hash FROM audit_head WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        if head != prev {
            return broken(
                check,
                after_id + 1,
                "日志头与最后一条记录不符（末尾的记录被删除）",
            );
        }
        Ok(check)
    }

    /// An anchor of the chain as it is now (its newest entry), signed with the audit key when
    /// there is one; `None` for an empty log.
    pub async fn audit_anchor(&self) -> Result<Option<Anchor>, StoreError> {
        let tip: Option<(i64, String)> =
            sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
                .fetch_optional(self.pool())
                .await?;
        Ok(tip.map(|(id, hash)| {
            let at = now();
            let (key_id, mac) = match self.audit_key() {
                Some(k) => (k.id().to_string(), Anchor::mac_of(k, id, &hash, &at)),
                None => (String::new(), String::new()),
            };
            Anchor {
                id,
                hash,
                at,
                key_id,
                mac,
            }
        }))
    }

    /// Checks the log against anchors taken earlier: each anchor's entry must still be there
    /// with the same hash (the log was neither cut, wiped nor rewritten up to it), and a signed
    /// anchor's signature must hold under the audit key. Returns the first problem, in Chinese.
    pub async fn check_anchors(&self, anchors: &[Anchor]) -> Result<Option<String>, StoreError> {
        for (n, a) in anchors.iter().enumerate() {
            // With a key configured an unsigned anchor proves nothing: whoever rewrote the log
            // could have written it.
            if a.key_id.is_empty() && self.audit_key().is_some() {
                return Ok(Some(format!(
                    "锚点 {}（第 {} 条记录）没有签名，而本机配置了审计密钥：锚点文件被改动",
                    n + 1,
                    a.id
                )));
            }
            if !a.key_id.is_empty() {
                match self.audit_key() {
                    None => {
                        return Ok(Some(format!(
                            "锚点 {} 有签名，但未提供审计密钥，无法核对",
                            n + 1
                        )));
                    }
                    Some(k)
                        if k.id() != a.key_id
                            || Anchor::mac_of(k, a.id, &a.hash, &a.at) != a.mac =>
                    {
                        return Ok(Some(format!(
                            "锚点 {}（第 {} 条记录）的签名不符：锚点文件被改动",
                            n + 1,
                            a.id
                        )));
                    }
                    Some(_) => {}
                }
            }
            let hash: Option<String> =
                sqlx::query_scalar("SELECT hash FROM audit_log WHERE id = $1")
                    .bind(a.id)
                    .fetch_optional(self.pool())
                    .await?;
            match hash {
                None => {
                    return Ok(Some(format!(
                        "日志中已没有锚点 {}（{}）记下的第 {} 条记录：日志被截短或清空",
                        n + 1,
                        a.at,
                        a.id
                    )));
                }
                Some(h) if h != a.hash => {
                    return Ok(Some(format!(
                        "第 {} 条记录与锚点 {}（{}）记下的哈希不符：日志被重写",
                        a.id,
                        n + 1,
                        a.at
                    )));
                }
                Some(_) => {}
            }
        }
        Ok(None)
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
