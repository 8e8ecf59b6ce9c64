//! 单位类型: the list of unit types the office keeps. A unit's type (`units.kind`) is the name
//! of one of them, or empty; ranking within a type (分类排名) groups by it. A type is renamed
//! with every unit of it in one transaction, and removed only while no unit has it.

use sqlx::FromRow;

use crate::audit::{self, Actor, Record};
use crate::{Store, StoreError, now};

/// The longest type name accepted, in characters.
pub const UNIT_TYPE_MAX_CHARS: usize = 50;

/// A unit type with the number of units that have it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct UnitTypeRecord {
    /// Id.
    pub id: i64,
    /// Name, e.g. 党群部门.
    pub name: String,
    /// Units of this type.
    pub units: i64,
}

/// A type name as stored: trimmed, not empty, at most [`UNIT_TYPE_MAX_CHARS`], no control
/// characters.
pub fn unit_type_name(raw: &str) -> Result<&str, StoreError> {
    let name = raw.trim();
    if name.is_empty()
        || name.chars().count() > UNIT_TYPE_MAX_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(StoreError::Invalid(format!(
            "单位类型名称不能为空，且不超过 {UNIT_TYPE_MAX_CHARS} 字"
        )));
    }
    Ok(name)
}

impl Store {
    /// Every unit type, by name, with how many units have it.
    pub async fn unit_types(&self) -> Result<Vec<UnitTypeRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT t.id, t.name, (SELECT COUNT(*) FROM units u WHERE u.kind = t.name) AS units \
             FROM unit_types t ORDER BY t.name",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// The type of this name, if it is in the list (the name trimmed).
    pub async fn unit_type_named(&self, name: &str) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM unit_types WHERE name = $1")
                .bind(name.trim())
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Adds a type to the list; a name already there is [`StoreError::Duplicate`].
    pub async fn add_unit_type(&self, by: &Actor, raw: &str) -> Result<i64, StoreError> {
        let name = unit_type_name(raw)?;
        let mut tx = self.write_tx().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO unit_types (name, created_at) VALUES ($1, $2) \
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(name)
        .bind(now())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Err(StoreError::Duplicate(name.to_string()));
        };
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "unit_type.add",
                entity: "unit_type",
                entity_id: Some(id),
                before: None,
                after: Some(serde_json::json!({ "name": name }).to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Renames a type, and every unit of it with it (their ranking class stays one class).
    pub async fn rename_unit_type(&self, by: &Actor, id: i64, raw: &str) -> Result<(), StoreError> {
        let name = unit_type_name(raw)?;
        let mut tx = self.write_tx().await?;
        let old: Option<String> = sqlx::query_scalar("SELECT name FROM unit_types WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(old) = old else {
            return Err(StoreError::NotFound("单位类型"));
        };
        if old == name {
            return Ok(());
        }
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM unit_types WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Duplicate(name.to_string()));
        }
        // The units' scores name their type (分类排名): their summaries are marked first, as
        // every write does before the audit head.
        let upsert = "ON CONFLICT (scheme_id, unit_id) DO UPDATE SET seq = score_marks.seq + 1";
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO score_marks (scheme_id, unit_id, seq) \
             SELECT su.scheme_id, su.unit_id, 1 FROM scheme_units su \
             JOIN units u ON u.id = su.unit_id WHERE u.kind = $1 AND true {upsert}"
        )))
        .bind(&old)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE unit_types SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE units SET kind = $1 WHERE kind = $2")
            .bind(name)
            .bind(&old)
            .execute(&mut *tx)
            .await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "unit_type.rename",
                entity: "unit_type",
                entity_id: Some(id),
                before: Some(serde_json::json!({ "name": old }).to_string()),
                after: Some(serde_json::json!({ "name": name }).to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a type no unit has; one in use is refused with the number of its units.
    pub async fn remove_unit_type(&self, by: &Actor, id: i64) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT t.name, (SELECT COUNT(*) FROM units u WHERE u.kind = t.name) \
             FROM unit_types t WHERE t.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((name, units)) = row else {
            return Err(StoreError::NotFound("单位类型"));
        };
        if units > 0 {
            return Err(StoreError::Invalid(format!(
                "单位类型「{name}」还有 {units} 个单位在用，不能删除"
            )));
        }
        sqlx::query("DELETE FROM unit_types WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "unit_type.remove",
                entity: "unit_type",
                entity_id: Some(id),
                before: Some(serde_json::json!({ "name": name }).to_string()),
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
