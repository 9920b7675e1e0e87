//! Programs on the hall's screens: the hall's own notices, the province's programs as its feed brought them, and which media files are cached.

use crate::{Result, Store};
use devices::program::Program;
use std::collections::BTreeSet;

/// The feed's kind of the province's programs (`sync_proto::owned::PROGRAM`).
const PROVINCE_KIND: &str = "program";

impl Store {
    /// The hall's own programs (local notices), by id. A row that does not read is skipped.
    pub async fn local_programs(&self) -> Result<Vec<Program>> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT body FROM local_program ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .iter()
            .filter_map(|b| serde_json::from_str(b).ok())
            .collect())
    }

    /// Adds a local program unless there are `max` already; `false` when full.
    pub async fn add_local_program(
        &self,
        program: &Program,
        by: &str,
        at_ms: i64,
        max: i64,
    ) -> Result<bool> {
        let body = serde_json::to_string(program).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let done = sqlx::query(
            "INSERT INTO local_program (id, body, created_by, created_at_ms)
             SELECT ?, ?, ?, ? WHERE (SELECT COUNT(*) FROM local_program) < ?",
        )
        .bind(&program.id)
        .bind(body)
        .bind(by)
        .bind(at_ms)
        .bind(max)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Removes a local program; `false` when there was none.
    pub async fn remove_local_program(&self, id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM local_program WHERE id = ?")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The province's programs as its feed brought them: (key, versioned
    /// fields as JSON), withdrawn ones included (the reader drops them).
    pub async fn province_programs(&self) -> Result<Vec<(String, String)>> {
        self.owned(PROVINCE_KIND).await
    }

    /// The digests of the media files in the cache.
    pub async fn cached_assets(&self) -> Result<BTreeSet<String>> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT sha256 FROM program_asset")
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// Lists a media file as cached (after it was checked against its digest).
    pub async fn asset_cached(
        &self,
        sha256: &str,
        mime: &str,
        bytes: u64,
        at_ms: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO program_asset (sha256, mime, bytes, fetched_at_ms) VALUES (?, ?, ?, ?)
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(mime)
        .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
        .bind(at_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A cached media file's type, if it is cached.
    pub async fn cached_asset(&self, sha256: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT mime FROM program_asset WHERE sha256 = ?")
                .bind(sha256)
                .fetch_optional(self.pool())
                .await?,
        )
    }
}
