//! Users, sessions and the units a user may see.

use jixiao_domain::{Reach, Role};
use sqlx::FromRow;

use crate::audit::{self, Actor, Record};
use crate::summaries::{self, Touch};
use crate::{Store, StoreError, now};

/// A user as stored (the hash stays in the store's hands: read it with `password_hash`).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct UserRecord {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role code.
    pub role: String,
    /// The unit the user belongs to.
    pub unit_id: i64,
    /// Chosen locale, if any.
    pub locale: Option<String>,
    /// Failed logins since the last success.
    pub failed_logins: i64,
    /// Locked until this time (RFC 3339), if locked.
    pub locked_until: Option<String>,
    /// 1 when the account may log in.
    pub active: i64,
    /// 1 when the office set its password: the user must choose a new one before anything else.
    pub must_change_password: i64,
    /// When the password was last set (UTC, RFC 3339); none until the next login starts the
    /// clock (accounts from before password ages were kept).
    pub password_changed_at: Option<String>,
}

impl UserRecord {
    /// The role; an unknown stored code reads as the least powerful role.
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Viewer)
    }

    /// The actor for the audit log.
    pub fn actor(&self) -> Actor {
        Actor::user(
            self.id,
            &format!("{}（{}）", self.display_name, self.username),
        )
    }
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name (already checked).
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// The user's unit.
    pub unit_id: i64,
    /// The office chose the password (shown once): the user must choose another at first login.
    pub must_change_password: bool,
}

const USER_COLUMNS: &str = "id, username, display_name, role, unit_id, locale, failed_logins, locked_until, active, \
     must_change_password, password_changed_at";

/// A session found by its token, still in force.
#[derive(Debug, Clone)]
pub struct LiveSession {
    /// Its CSRF token.
    pub csrf: String,
    /// When it was last seen (RFC 3339; '' before seen_at existed).
    pub seen_at: String,
    /// Its user.
    pub user: UserRecord,
}

/// Who changes a password, which decides what else ends with the old one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordChange {
    /// The office set it: every session ends, the API tokens are revoked, and the user must
    /// choose a new password at the next login.
    Reset,
    /// The user chose it: the user's other sessions end; this one (its id) stays.
    Own {
        /// The id of the session that made the change.
        keep_session: String,
    },
}

/// Revokes every API token of a user still in force.
async fn revoke_tokens_of(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
) -> Result<u64, StoreError> {
    Ok(sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(user_id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// What [`Store::reserve_login_attempt`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginAttempt {
    /// The password may be checked; this is the `attempt`-th in a row without a success.
    Reserved {
        /// 1 for the first attempt after a success.
        attempt: i64,
    },
    /// The account is locked until this instant (RFC 3339); nothing is checked.
    Locked {
        /// When the lock ends.
        until: String,
    },
}

impl Store {
    /// Creates a user; the username must be free.
    pub async fn create_user(&self, by: &Actor, u: &NewUser) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(&u.username)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Duplicate(u.username.clone()));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, role, unit_id, created_at, \
             must_change_password, password_changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $6) RETURNING id",
        )
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(&u.password_hash)
        .bind(u.role.code())
        .bind(u.unit_id)
        .bind(now())
        .bind(i64::from(u.must_change_password))
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({
            "username": u.username, "display_name": u.display_name,
            "role": u.role.code(), "unit_id": u.unit_id,
        });
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "user.create",
                entity: "user",
                entity_id: Some(id),
                before: None,
                after: Some(after.to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A user by login name, with the password hash.
    pub async fn user_for_login(
        &self,
        username: &str,
    ) -> Result<Option<(UserRecord, String)>, StoreError> {
        let user: Option<UserRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username = $1"
        )))
        .bind(username)
        .fetch_optional(self.pool())
        .await?;
        let Some(user) = user else { return Ok(None) };
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(self.pool())
            .await?;
        Ok(Some((user, hash)))
    }

    /// One user by id.
    pub async fn user(&self, id: i64) -> Result<Option<UserRecord>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Every user, by unit then name.
    pub async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY unit_id, username"
        )))
        .fetch_all(self.pool())
        .await?)
    }

    /// Records a security event (login success or failure, logout, a refused login) in the
    /// audit log: who (the account, when known, else the name typed), from which network
    /// address, and the outcome. Written on its own transaction: it records an attempt, not a
    /// change.
    pub async fn record_security_event(
        &self,
        user_id: Option<i64>,
        username: &str,
        action: &str,
        source: Option<&str>,
        outcome: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let actor = Actor {
            id: user_id,
            name: username.chars().take(64).collect(),
        };
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: &actor,
                action,
                entity: "session",
                entity_id: user_id,
                before: None,
                after: Some(
                    serde_json::json!({ "source": source, "outcome": outcome }).to_string(),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reserves one login attempt for `user_id` before its password is checked, so that
    /// concurrent guesses cannot all be checked against one count: the attempt is counted as a
    /// failure first (a success clears the count in [`Store::create_session`]). At most
    /// `lock_after` attempts are reserved in a row; the next one locks the account until
    /// `lock_until` (once, audited) and is refused, as is every attempt while it is locked.
    /// The decision is one statement on the user's row, so several instances agree.
    pub async fn reserve_login_attempt(
        &self,
        user_id: i64,
        lock_after: i64,
        now: &str,
        lock_until: &str,
    ) -> Result<LoginAttempt, StoreError> {
        let mut tx = self.write_tx().await?;
        // A lock that has run out starts a new count.
        sqlx::query(
            "UPDATE users SET failed_logins = 0, locked_until = NULL \
             WHERE id = $1 AND locked_until IS NOT NULL AND locked_until <= $2",
        )
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let reserved: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET failed_logins = failed_logins + 1 \
             WHERE id = $1 AND locked_until IS NULL AND failed_logins < $2 \
             RETURNING failed_logins",
        )
        .bind(user_id)
        .bind(lock_after)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(n) = reserved {
            tx.commit().await?;
            return Ok(LoginAttempt::Reserved { attempt: n });
        }
        let locked: Option<String> = sqlx::query_scalar(
            "UPDATE users SET locked_until = $1 WHERE id = $2 AND locked_until IS NULL \
             RETURNING locked_until",
        )
        .bind(lock_until)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let until = match locked {
            Some(u) => {
                audit::append(
                    self.audit_key(),
                    &mut tx,
                    Record {
                        actor: &Actor {
                            id: None,
                            name: "系统".into(),
                        },
                        action: "user.lock",
                        entity: "user",
                        entity_id: Some(user_id),
                        before: None,
                        after: Some(serde_json::json!({ "locked_until": lock_until }).to_string()),
                    },
                )
                .await?;
                u
            }
            None => {
                sqlx::query_scalar("SELECT locked_until FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_one(&mut *tx)
                    .await?
            }
        };
        tx.commit().await?;
        Ok(LoginAttempt::Locked { until })
    }

    /// Passwords an account may not use again: the current one and the ones it replaced last
    /// (等保: history of 5).
    pub const PASSWORD_HISTORY: i64 = 5;

    /// The hashes of the passwords a user replaced last, newest first.
    pub async fn password_history(&self, user_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT hash FROM password_history WHERE user_id = $1 \
             ORDER BY replaced_at DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(Self::PASSWORD_HISTORY)
        .fetch_all(self.pool())
        .await?)
    }

    /// The most sessions one account keeps: a new login beyond them ends the oldest.
    pub const MAX_SESSIONS_PER_USER: i64 = 10;

    /// Starts the count of failed attempts again after the current password was given right
    /// (on the password form, where a wrong one counts like a failed login).
    pub async fn clear_failed_logins(&self, user_id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET failed_logins = 0 WHERE id = $1")
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Starts a session after a successful login: failures are forgotten, sessions that have
    /// expired (anyone's) are purged, and the account keeps at most
    /// [`Store::MAX_SESSIONS_PER_USER`] sessions (the oldest end first).
    pub async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        // A login also starts the password's age where it was not kept yet.
        sqlx::query(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, \
             password_changed_at = COALESCE(password_changed_at, $2) WHERE id = $1",
        )
        .bind(user_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND id NOT IN ( \
               SELECT id FROM sessions WHERE user_id = $1 \
               ORDER BY created_at DESC, id DESC LIMIT $2)",
        )
        .bind(user_id)
        .bind(Self::MAX_SESSIONS_PER_USER - 1)
        .execute(&mut *tx)
        .await?;
        let stamp = now();
        sqlx::query(
            "INSERT INTO sessions (id, user_id, csrf, created_at, expires_at, seen_at) \
             VALUES ($1, $2, $3, $4, $5, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(&stamp)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live session with this token hash and its user (active accounts only).
    pub async fn session(
        &self,
        token_hash: &str,
        now_rfc3339: &str,
        idle_since: &str,
    ) -> Result<Option<LiveSession>, StoreError> {
        // One query: it runs on every request. A session not seen since `idle_since` has
        // ended (idle timeout); '' is a session opened before seen_at existed.
        #[derive(FromRow)]
        struct Row {
            csrf: String,
            seen_at: String,
            #[sqlx(flatten)]
            user: UserRecord,
        }
        let columns: Vec<String> = USER_COLUMNS
            .split(',')
            .map(|c| format!("u.{}", c.trim()))
            .collect();
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT s.csrf, s.seen_at, {} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id = $1 AND s.expires_at > $2 AND (s.seen_at = '' OR s.seen_at > $3) \
             AND u.active = 1",
            columns.join(", ")
        )))
        .bind(token_hash)
        .bind(now_rfc3339)
        .bind(idle_since)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| LiveSession {
            csrf: r.csrf,
            seen_at: r.seen_at,
            user: r.user,
        }))
    }

    /// Marks a session as seen now (the idle timeout counts from here).
    pub async fn touch_session(&self, token_hash: &str, now: &str) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE sessions SET seen_at = $1 WHERE id = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends one session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends every session of a user (登出所有设备).
    pub async fn delete_sessions_of(&self, user_id: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(self.pool())
            .await?
            .rows_affected())
    }

    /// Activates or deactivates an account; deactivating ends its sessions.
    pub async fn set_user_active(
        &self,
        by: &Actor,
        user_id: i64,
        active: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let n = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("账户"));
        }
        if !active {
            // Deactivating ends every session and revokes every token for good: reactivating
            // the account later brings none of them back.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            revoke_tokens_of(&mut tx, user_id).await?;
        }
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: if active {
                    "user.activate"
                } else {
                    "user.deactivate"
                },
                entity: "user",
                entity_id: Some(user_id),
                before: None,
                after: Some(serde_json::json!({ "active": active }).to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives an account another role (the 安全管理员's act). Its sessions end and its API
    /// tokens are revoked: what they may reach was decided under the old role.
    pub async fn set_user_role(
        &self,
        by: &Actor,
        user_id: i64,
        role: jixiao_domain::Role,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let before: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("账户"))?;
        sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.code())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        revoke_tokens_of(&mut tx, user_id).await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "user.role",
                entity: "user",
                entity_id: Some(user_id),
                before: Some(serde_json::json!({ "role": before }).to_string()),
                after: Some(serde_json::json!({ "role": role.code() }).to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lifts a lock after failed logins (the 安全管理员's act), audited.
    pub async fn unlock_user(&self, by: &Actor, user_id: i64) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let n =
            sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("账户"));
        }
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "user.unlock",
                entity: "user",
                entity_id: Some(user_id),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password hash and clears any lock. The office's reset (`PasswordChange::Reset`)
    /// ends every session, revokes the API tokens and makes the user choose a password at the
    /// next login; the user's own change (`Own`) ends the user's other sessions only.
    pub async fn set_password_hash(
        &self,
        by: &Actor,
        user_id: i64,
        hash: &str,
        change: &PasswordChange,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let (must_change, keep) = match change {
            PasswordChange::Reset => (1i64, String::new()),
            PasswordChange::Own { keep_session } => (0, keep_session.clone()),
        };
        let at = now();
        // The password replaced joins the history; only the last ones are kept.
        let n = sqlx::query(
            "INSERT INTO password_history (user_id, hash, replaced_at) \
             SELECT id, password_hash, $2 FROM users WHERE id = $1",
        )
        .bind(user_id)
        .bind(&at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("账户"));
        }
        sqlx::query(
            "DELETE FROM password_history WHERE user_id = $1 AND replaced_at NOT IN ( \
               SELECT replaced_at FROM password_history WHERE user_id = $1 \
               ORDER BY replaced_at DESC LIMIT $2)",
        )
        .bind(user_id)
        .bind(Self::PASSWORD_HISTORY)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, \
             must_change_password = $3, password_changed_at = $4 WHERE id = $2",
        )
        .bind(hash)
        .bind(user_id)
        .bind(must_change)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(&keep)
            .execute(&mut *tx)
            .await?;
        // A reset password means the old one may be known: its holder's API tokens go too.
        if matches!(change, PasswordChange::Reset) {
            revoke_tokens_of(&mut tx, user_id).await?;
        }
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "user.password",
                entity: "user",
                entity_id: Some(user_id),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every unit, by name.
    pub async fn units(&self) -> Result<Vec<crate::UnitRecord>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, name, kind, parent_id FROM units ORDER BY name")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// Sets a unit's type (for ranking within a type): a name in the list of unit types, or
    /// empty for none. A name not in the list is refused, naming it.
    pub async fn set_unit_kind(
        &self,
        by: &Actor,
        unit_id: i64,
        kind: &str,
    ) -> Result<(), StoreError> {
        let kind = kind.trim();
        let mut tx = self.write_tx().await?;
        if !kind.is_empty() {
            let listed: Option<i64> =
                sqlx::query_scalar("SELECT id FROM unit_types WHERE name = $1")
                    .bind(kind)
                    .fetch_optional(&mut *tx)
                    .await?;
            if listed.is_none() {
                return Err(StoreError::Invalid(format!(
                    "单位类型「{kind}」不在单位类型列表中"
                )));
            }
        }
        let n = sqlx::query("UPDATE units SET kind = $1 WHERE id = $2")
            .bind(kind)
            .bind(unit_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("单位"));
        }
        // The type decides the unit's 分类排名 in every scheme it is assessed in.
        summaries::touch(&mut tx, Touch::UnitEverywhere(unit_id)).await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "unit.kind",
                entity: "unit",
                entity_id: Some(unit_id),
                before: None,
                after: Some(serde_json::json!({ "kind": kind }).to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remembers a user's locale.
    pub async fn set_user_locale(&self, user_id: i64, locale: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
            .bind(locale)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The ids of the units a user reaches: its own, its subtree, or all.
    pub async fn units_in_reach(&self, user: &UserRecord) -> Result<Vec<i64>, StoreError> {
        let ids = match user.role().reach() {
            Reach::Everything => {
                sqlx::query_scalar("SELECT id FROM units ORDER BY id")
                    .fetch_all(self.pool())
                    .await?
            }
            Reach::OwnUnit => vec![user.unit_id],
            Reach::Nothing => Vec::new(),
            Reach::Subtree => {
                sqlx::query_scalar(
                    "WITH RECURSIVE tree(id) AS ( \
                       SELECT id FROM units WHERE id = $1 \
                       UNION SELECT u.id FROM units u JOIN tree t ON u.parent_id = t.id) \
                     SELECT id FROM tree ORDER BY id",
                )
                .bind(user.unit_id)
                .fetch_all(self.pool())
                .await?
            }
        };
        Ok(ids)
    }

    /// Creates a unit (or returns the existing one of that name) under `parent`.
    pub async fn ensure_unit(
        &self,
        by: &Actor,
        name: &str,
        parent: Option<i64>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        let id = match found {
            Some(id) => {
                let before: Option<i64> =
                    sqlx::query_scalar("SELECT parent_id FROM units WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                if let Some(p) = parent.filter(|p| Some(*p) != before) {
                    // A unit under its own subtree would make a cycle (2→3→2): reach, ranking
                    // and the tree's pages would loop.
                    let cycle: Option<i64> = sqlx::query_scalar(
                        "WITH RECURSIVE tree(id) AS ( \
                           SELECT id FROM units WHERE id = $1 \
                           UNION SELECT u.id FROM units u JOIN tree t ON u.parent_id = t.id) \
                         SELECT id FROM tree WHERE id = $2",
                    )
                    .bind(id)
                    .bind(p)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if cycle.is_some() {
                        return Err(StoreError::Invalid(format!(
                            "不能把单位「{name}」放到它自己或它的下级单位之下"
                        )));
                    }
                    sqlx::query("UPDATE units SET parent_id = $1 WHERE id = $2")
                        .bind(p)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    // Who sees the unit changes with its parent: audited.
                    audit::append(
                        self.audit_key(),
                        &mut tx,
                        Record {
                            actor: by,
                            action: "unit.move",
                            entity: "unit",
                            entity_id: Some(id),
                            before: Some(serde_json::json!({ "parent_id": before }).to_string()),
                            after: Some(serde_json::json!({ "parent_id": p }).to_string()),
                        },
                    )
                    .await?;
                }
                id
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO units (name, parent_id, created_at) VALUES ($1, $2, $3) \
                     RETURNING id",
                )
                .bind(name)
                .bind(parent)
                .bind(now())
                .fetch_one(&mut *tx)
                .await?;
                audit::append(
                    self.audit_key(),
                    &mut tx,
                    Record {
                        actor: by,
                        action: "unit.create",
                        entity: "unit",
                        entity_id: Some(id),
                        before: None,
                        after: Some(
                            serde_json::json!({ "name": name, "parent_id": parent }).to_string(),
                        ),
                    },
                )
                .await?;
                id
            }
        };
        tx.commit().await?;
        Ok(id)
    }
}
