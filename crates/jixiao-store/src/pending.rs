//! Uploaded files waiting between their import preview and the admin's confirmation.

use crate::{Store, StoreError, now};

/// An upload waiting for confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingImport {
    /// The file's name.
    pub file_name: String,
    /// The assessed unit chosen (empty: the document's 主管部门).
    pub unit: String,
    /// The period chosen (empty: the whole year).
    pub period: String,
    /// The column mapping given (表头=角色, …; empty: headers are read by name alone).
    pub column_map: String,
    /// The bytes.
    pub data: Vec<u8>,
}

impl Store {
    /// An upload kept for `user_id` since `not_before` (RFC 3339), left in place (for showing
    /// its preview again).
    pub async fn pending_import(
        &self,
        token: &str,
        user_id: i64,
        not_before: &str,
    ) -> Result<Option<PendingImport>, StoreError> {
        let row: Option<(String, String, String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT file_name, unit, period, column_map, data FROM pending_imports \
             WHERE id = $1 AND user_id = $2 AND created_at >= $3",
        )
        .bind(token)
        .bind(user_id)
        .bind(not_before)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(
            |(file_name, unit, period, column_map, data)| PendingImport {
                file_name,
                unit,
                period,
                column_map,
                data,
            },
        ))
    }

    /// Keeps an upload under `token` for `user_id`; uploads older than a day are dropped.
    pub async fn put_pending_import(
        &self,
        token: &str,
        user_id: i64,
        p: &PendingImport,
        older_than: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM pending_imports WHERE created_at < $1")
            .bind(older_than)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO pending_imports \
             (id, user_id, file_name, unit, period, column_map, data, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(token)
        .bind(user_id)
        .bind(&p.file_name)
        .bind(&p.unit)
        .bind(&p.period)
        .bind(&p.column_map)
        .bind(p.data.clone())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes (reads and removes) the upload `token` of `user_id`.
    pub async fn take_pending_import(
        &self,
        token: &str,
        user_id: i64,
    ) -> Result<Option<PendingImport>, StoreError> {
        let mut tx = self.write_tx().await?;
        let row: Option<(String, String, String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT file_name, unit, period, column_map, data FROM pending_imports \
             WHERE id = $1 AND user_id = $2",
        )
        .bind(token)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM pending_imports WHERE id = $1 AND user_id = $2")
            .bind(token)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row.map(
            |(file_name, unit, period, column_map, data)| PendingImport {
                file_name,
                unit,
                period,
                column_map,
                data,
            },
        ))
    }
}
