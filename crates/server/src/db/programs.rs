//! Programs for the halls' screens as maintainers publish them, the halls each is for, and their media files.

use super::Tx;
use sqlx::AnyPool;

/// A program as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProgramRow {
    pub id: String,
    /// The `sync_proto::owned::ProgramRecord` as published (JSON).
    pub body: String,
    pub all_halls: i64,
    pub withdrawn: i64,
    pub updated_at_ms: i64,
}

/// What a publication stores besides the record's text.
#[derive(Debug, Clone)]
pub struct Saved<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub kind: &'a str,
    pub asset_sha256: Option<&'a str>,
    pub body: &'a str,
    /// `None`: every hall.
    pub halls: Option<&'a [String]>,
    pub at_ms: i64,
}

/// Publishes or replaces a program (not withdrawn) and the halls it is for.
pub async fn save(tx: &mut Tx, p: &Saved<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO program (id, title, kind, all_halls, asset_sha256, withdrawn, body, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, 0, $6, $7)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, kind = excluded.kind,
           all_halls = excluded.all_halls, asset_sha256 = excluded.asset_sha256, withdrawn = 0,
           body = excluded.body, updated_at_ms = excluded.updated_at_ms",
    )
    .bind(p.id)
    .bind(p.title)
    .bind(p.kind)
    .bind(i64::from(p.halls.is_none()))
    .bind(p.asset_sha256)
    .bind(p.body)
    .bind(p.at_ms)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM program_hall WHERE program = $1")
        .bind(p.id)
        .execute(&mut **tx)
        .await?;
    for hall in p.halls.unwrap_or_default() {
        sqlx::query("INSERT INTO program_hall (program, hall) VALUES ($1, $2)")
            .bind(p.id)
            .bind(hall)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Marks a program withdrawn with its record's new text; `false` when there is none.
pub async fn withdraw(tx: &mut Tx, id: &str, body: &str, at_ms: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE program SET withdrawn = 1, body = $2, updated_at_ms = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(body)
    .bind(at_ms)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One program, in a transaction.
pub async fn one(tx: &mut Tx, id: &str) -> Result<Option<ProgramRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, body, all_halls, withdrawn, updated_at_ms FROM program WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
}

/// Every program, by id.
pub async fn all(pool: &AnyPool) -> Result<Vec<ProgramRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, body, all_halls, withdrawn, updated_at_ms FROM program ORDER BY id")
        .fetch_all(pool)
        .await
}

/// The halls a program is listed for, by code.
pub async fn halls_of(pool: &AnyPool, id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT hall FROM program_hall WHERE program = $1 ORDER BY hall")
        .bind(id)
        .fetch_all(pool)
        .await
}

/// The same, in a transaction.
pub async fn halls_in(tx: &mut Tx, id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT hall FROM program_hall WHERE program = $1 ORDER BY hall")
        .bind(id)
        .fetch_all(&mut **tx)
        .await
}

/// Keeps a media file's description (once per digest).
pub async fn add_asset(
    pool: &AnyPool,
    sha256: &str,
    mime: &str,
    bytes: i64,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO program_asset (sha256, mime, bytes, uploaded_at_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(mime)
    .bind(bytes)
    .bind(at_ms)
    .execute(pool)
    .await?;
    Ok(())
}

/// A media file's (mime, bytes), if uploaded.
pub async fn asset(pool: &AnyPool, sha256: &str) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT mime, bytes FROM program_asset WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(pool)
        .await
}

/// A media file's mime when a program for `hall` (not withdrawn) shows it.
pub async fn asset_for_hall(
    pool: &AnyPool,
    sha256: &str,
    hall: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT a.mime FROM program_asset a WHERE a.sha256 = $1 AND EXISTS (
           SELECT 1 FROM program p WHERE p.asset_sha256 = a.sha256 AND p.withdrawn = 0
             AND (p.all_halls = 1 OR EXISTS (
               SELECT 1 FROM program_hall h WHERE h.program = p.id AND h.hall = $2)))",
    )
    .bind(sha256)
    .bind(hall)
    .fetch_optional(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::test;

    #[tokio::test]
    async fn a_program_is_for_its_halls_and_its_file_only_for_them() {
        for (pool, _dir) in test::pools().await {
            for code in ["H0101", "H0202"] {
                crate::db::tokens::add_hall(&pool, code, "厅")
                    .await
                    .unwrap();
            }
            let sha = "ab".repeat(32);
            add_asset(&pool, &sha, "image/png", 5, 1).await.unwrap();
            add_asset(&pool, &sha, "image/jpeg", 9, 2).await.unwrap();
            assert_eq!(
                asset(&pool, &sha).await.unwrap(),
                Some(("image/png".into(), 5))
            );
            let halls = vec!["H0101".to_owned()];
            let mut tx = pool.begin().await.unwrap();
            let saved = Saved {
                id: "p1",
                title: "海报",
                kind: "image",
                asset_sha256: Some(&sha),
                body: "{}",
                halls: Some(&halls),
                at_ms: 3,
            };
            save(&mut tx, &saved).await.unwrap();
            assert_eq!(halls_in(&mut tx, "p1").await.unwrap(), halls);
            tx.commit().await.unwrap();
            let mime = |hall: &'static str| {
                let (pool, sha) = (pool.clone(), sha.clone());
                async move { asset_for_hall(&pool, &sha, hall).await.unwrap() }
            };
            assert_eq!(mime("H0101").await.as_deref(), Some("image/png"));
            assert_eq!(mime("H0202").await, None);

            let mut tx = pool.begin().await.unwrap();
            save(
                &mut tx,
                &Saved {
                    halls: None,
                    ..saved.clone()
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            assert!(halls_of(&pool, "p1").await.unwrap().is_empty());
            assert_eq!(mime("H0202").await.as_deref(), Some("image/png"));

            let mut tx = pool.begin().await.unwrap();
            assert!(withdraw(&mut tx, "p1", "{\"w\":1}", 4).await.unwrap());
            assert!(!withdraw(&mut tx, "p2", "{}", 4).await.unwrap());
            assert_eq!(one(&mut tx, "p1").await.unwrap().unwrap().withdrawn, 1);
            tx.commit().await.unwrap();
            assert_eq!(mime("H0101").await, None);
            assert_eq!(all(&pool).await.unwrap().len(), 1);
        }
    }
}
