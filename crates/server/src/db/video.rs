//! Every hall's video audit and evidence locks as the halls replicate them: an audit line stored once (it never changes), a lock's latest snapshot by timestamp.

use super::Tx;
use sqlx::AnyPool;

/// A line of a hall's video audit as stored.
pub struct AccessRow<'a> {
    pub hall: &'a str,
    pub id: i64,
    /// Sorts like the timestamp.
    pub hlc: &'a str,
    pub at_ms: i64,
    pub by_staff: &'a str,
    pub camera: &'a str,
    pub access: &'a str,
    pub body: &'a str,
}

/// Stores the line once: a line never changes, so a repeat is a no-op.
pub async fn put_access(tx: &mut Tx, a: &AccessRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO hall_video_access (hall, id, hlc, at_ms, by_staff, camera, access, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (hall, id) DO NOTHING",
    )
    .bind(a.hall)
    .bind(a.id)
    .bind(a.hlc)
    .bind(a.at_ms)
    .bind(a.by_staff)
    .bind(a.camera)
    .bind(a.access)
    .bind(a.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A stored line of the video audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccess {
    pub id: i64,
    pub at_ms: i64,
    pub by_staff: String,
    pub camera: String,
    pub access: String,
    pub body: String,
}

/// `hall`'s video audit, newest first: at most `limit`, those before line `before` when given.
pub async fn accesses(
    pool: &AnyPool,
    hall: &str,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<StoredAccess>, sqlx::Error> {
    let rows: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, at_ms, by_staff, camera, access, body
         FROM hall_video_access WHERE hall = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(hall)
    .bind(before.unwrap_or(i64::MAX))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, at_ms, by_staff, camera, access, body)| StoredAccess {
            id,
            at_ms,
            by_staff,
            camera,
            access,
            body,
        })
        .collect())
}

/// An evidence lock's snapshot as stored.
pub struct LockRow<'a> {
    pub hall: &'a str,
    pub id: i64,
    pub hlc: &'a str,
    pub camera: &'a str,
    pub by_staff: &'a str,
    pub at_ms: i64,
    pub unlocked_at_ms: Option<i64>,
    pub body: &'a str,
}

/// Keeps the snapshot with the later timestamp.
pub async fn put_lock(tx: &mut Tx, l: &LockRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO hall_evidence_lock (hall, id, hlc, camera, by_staff, at_ms, unlocked_at_ms, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (hall, id) DO UPDATE SET hlc = excluded.hlc, camera = excluded.camera,
           by_staff = excluded.by_staff, at_ms = excluded.at_ms,
           unlocked_at_ms = excluded.unlocked_at_ms, body = excluded.body
         WHERE hall_evidence_lock.hlc < excluded.hlc",
    )
    .bind(l.hall)
    .bind(l.id)
    .bind(l.hlc)
    .bind(l.camera)
    .bind(l.by_staff)
    .bind(l.at_ms)
    .bind(l.unlocked_at_ms)
    .bind(l.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A stored evidence lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLock {
    pub id: i64,
    pub camera: String,
    pub by_staff: String,
    pub at_ms: i64,
    pub unlocked_at_ms: Option<i64>,
    pub body: String,
}

/// `hall`'s evidence locks, newest first: at most `limit`, those before lock `before` when given.
pub async fn locks(
    pool: &AnyPool,
    hall: &str,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<StoredLock>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT id, camera, by_staff, at_ms, unlocked_at_ms, body
         FROM hall_evidence_lock WHERE hall = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(hall)
    .bind(before.unwrap_or(i64::MAX))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, camera, by_staff, at_ms, unlocked_at_ms, body)| StoredLock {
                id,
                camera,
                by_staff,
                at_ms,
                unlocked_at_ms,
                body,
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{test, tokens};

    fn access<'a>(id: i64, hlc: &'a str, body: &'a str) -> AccessRow<'a> {
        AccessRow {
            hall: "H0101",
            id,
            hlc,
            at_ms: 1_000 + id,
            by_staff: "2001",
            camera: "cam-1",
            access: "playback",
            body,
        }
    }

    fn lock<'a>(hlc: &'a str, unlocked: Option<i64>, body: &'a str) -> LockRow<'a> {
        LockRow {
            hall: "H0101",
            id: 7,
            hlc,
            camera: "cam-1",
            by_staff: "2001",
            at_ms: 5_000,
            unlocked_at_ms: unlocked,
            body,
        }
    }

    #[tokio::test]
    async fn an_audit_line_is_stored_once_and_a_lock_keeps_its_latest_snapshot() {
        for (pool, _dir) in test::pools().await {
            tokens::add_hall(&pool, "H0101", "城东").await.unwrap();
            tokens::add_hall(&pool, "H0202", "城西").await.unwrap();
            let mut tx = pool.begin().await.unwrap();
            for (id, hlc) in [(1, "0001"), (2, "0002"), (3, "0003")] {
                put_access(&mut tx, &access(id, hlc, "{\"a\":1}"))
                    .await
                    .unwrap();
            }
            // A repeat (even a later one) changes nothing: a line never changes.
            put_access(&mut tx, &access(2, "0009", "{\"a\":2}"))
                .await
                .unwrap();
            put_lock(&mut tx, &lock("0001", None, "{\"l\":1}"))
                .await
                .unwrap();
            put_lock(&mut tx, &lock("0004", Some(9_000), "{\"l\":2}"))
                .await
                .unwrap();
            // An older snapshot arriving later changes nothing.
            put_lock(&mut tx, &lock("0002", None, "{\"l\":3}"))
                .await
                .unwrap();
            tx.commit().await.unwrap();

            let all = accesses(&pool, "H0101", None, 50).await.unwrap();
            let ids: Vec<i64> = all.iter().map(|a| a.id).collect();
            assert_eq!(ids, [3, 2, 1], "newest first");
            assert_eq!(
                (all[1].body.as_str(), all[1].at_ms, all[1].access.as_str()),
                ("{\"a\":1}", 1_002, "playback")
            );
            let page: Vec<i64> = accesses(&pool, "H0101", Some(3), 1)
                .await
                .unwrap()
                .iter()
                .map(|a| a.id)
                .collect();
            assert_eq!(page, [2]);
            assert!(accesses(&pool, "H0202", None, 50).await.unwrap().is_empty());

            let held = locks(&pool, "H0101", None, 50).await.unwrap();
            assert_eq!(held.len(), 1);
            assert_eq!(
                (held[0].unlocked_at_ms, held[0].body.as_str()),
                (Some(9_000), "{\"l\":2}")
            );
            assert!(locks(&pool, "H0202", None, 50).await.unwrap().is_empty());
            assert!(locks(&pool, "H0101", Some(7), 50).await.unwrap().is_empty());
        }
    }
}
