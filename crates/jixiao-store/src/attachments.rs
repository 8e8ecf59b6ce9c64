//! Evidence files (佐证材料) of progress reports, stored in the database.

use sha2::{Digest, Sha256};
use sqlx::FromRow;

use crate::audit::{self, Actor, Record};
use crate::{Store, StoreError, now};

/// An attachment without its bytes.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct AttachmentInfo {
    /// Id.
    pub id: i64,
    /// The report it belongs to.
    pub report_id: i64,
    /// The name as uploaded (already cleaned by the caller).
    pub file_name: String,
    /// The media type it is served with.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// When, RFC 3339.
    pub uploaded_at: String,
}

const INFO_COLUMNS: &str = "id, report_id, file_name, content_type, size, sha256, uploaded_at";

impl Store {
    /// Stores a file for a report.
    pub async fn add_attachment(
        &self,
        by: &Actor,
        report_id: i64,
        file_name: &str,
        content_type: &str,
        data: &[u8],
    ) -> Result<AttachmentInfo, StoreError> {
        let sha = hex::encode(Sha256::digest(data));
        let size = i64::try_from(data.len()).unwrap_or(i64::MAX);
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO attachments \
             (report_id, file_name, content_type, size, sha256, data, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(report_id)
        .bind(file_name)
        .bind(content_type)
        .bind(size)
        .bind(&sha)
        .bind(data.to_vec())
        .bind(by.id)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let info: AttachmentInfo = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {INFO_COLUMNS} FROM attachments WHERE id = $1"
        )))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "attachment.add",
                entity: "attachment",
                entity_id: Some(id),
                before: None,
                after: Some(
                    serde_json::json!({
                        "report_id": report_id, "file_name": file_name, "size": size, "sha256": sha,
                    })
                    .to_string(),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(info)
    }

    /// The attachments of a report, oldest first.
    pub async fn attachments(&self, report_id: i64) -> Result<Vec<AttachmentInfo>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {INFO_COLUMNS} FROM attachments WHERE report_id = $1 ORDER BY id"
        )))
        .bind(report_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// One attachment's description.
    pub async fn attachment(&self, id: i64) -> Result<Option<AttachmentInfo>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {INFO_COLUMNS} FROM attachments WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// One attachment's bytes.
    pub async fn attachment_data(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT data FROM attachments WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Removes an attachment.
    pub async fn delete_attachment(&self, by: &Actor, id: i64) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let info: Option<AttachmentInfo> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {INFO_COLUMNS} FROM attachments WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let info = info.ok_or(StoreError::NotFound("附件"))?;
        sqlx::query("DELETE FROM attachments WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            self.audit_key(),
            &mut tx,
            Record {
                actor: by,
                action: "attachment.delete",
                entity: "attachment",
                entity_id: Some(id),
                before: Some(
                    serde_json::json!({
                        "report_id": info.report_id, "file_name": info.file_name,
                        "size": info.size, "sha256": info.sha256,
                    })
                    .to_string(),
                ),
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
