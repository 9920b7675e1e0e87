//! Releases, their artifacts (one per target, the file named by its SHA-256), and where the PCs stand.

use super::Tx;
use sqlx::AnyPool;

/// A release's state (`active`, `paused`, `withdrawn`), if it exists.
pub async fn state(pool: &AnyPool, version: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT state FROM release WHERE version = $1")
        .bind(version)
        .fetch_optional(pool)
        .await
}

/// The same, in a transaction.
pub async fn state_in(tx: &mut Tx, version: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT state FROM release WHERE version = $1")
        .bind(version)
        .fetch_optional(&mut **tx)
        .await
}

/// Announces a release, paused.
pub async fn insert(
    pool: &AnyPool,
    version: &str,
    notes: &str,
    channel: &str,
    percent: u8,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO release (version, notes, channel, percent, state, published_at_ms) VALUES ($1, $2, $3, $4, 'paused', $5)",
    )
    .bind(version)
    .bind(notes)
    .bind(channel)
    .bind(i64::from(percent))
    .bind(at_ms)
    .execute(pool)
    .await?;
    Ok(())
}

/// One artifact of a release.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Artifact {
    pub target: String,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    pub signature: String,
}

/// Stores (or replaces) a release's artifact for its target.
pub async fn put_artifact(pool: &AnyPool, version: &str, a: &Artifact) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO release_artifact (version, target, file_name, sha256, size, signature) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (version, target) DO UPDATE SET file_name = excluded.file_name, sha256 = excluded.sha256,
           size = excluded.size, signature = excluded.signature",
    )
    .bind(version)
    .bind(&a.target)
    .bind(&a.file_name)
    .bind(&a.sha256)
    .bind(a.size)
    .bind(&a.signature)
    .execute(pool)
    .await?;
    Ok(())
}

/// How many artifacts a release has.
pub async fn artifact_count(tx: &mut Tx, version: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM release_artifact WHERE version = $1")
        .bind(version)
        .fetch_one(&mut **tx)
        .await
}

/// A change to a release's rollout; `None` keeps a value.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rollout<'a> {
    pub percent: Option<u8>,
    pub channel: Option<&'a str>,
    pub state: Option<&'a str>,
}

pub async fn set_rollout(tx: &mut Tx, version: &str, r: Rollout<'_>) -> Result<(), sqlx::Error> {
    if let Some(p) = r.percent {
        sqlx::query("UPDATE release SET percent = $1 WHERE version = $2")
            .bind(i64::from(p))
            .bind(version)
            .execute(&mut **tx)
            .await?;
    }
    if let Some(c) = r.channel {
        sqlx::query("UPDATE release SET channel = $1 WHERE version = $2")
            .bind(c)
            .bind(version)
            .execute(&mut **tx)
            .await?;
    }
    if let Some(st) = r.state {
        sqlx::query("UPDATE release SET state = $1 WHERE version = $2")
            .bind(st)
            .bind(version)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Deletes a release; `false` when there was none.
pub async fn delete(tx: &mut Tx, version: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM release WHERE version = $1")
        .bind(version)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A release as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReleaseRow {
    pub version: String,
    pub notes: String,
    pub channel: String,
    pub percent: i64,
    pub state: String,
    pub published_at_ms: i64,
}

/// Every release (in no order).
pub async fn all(pool: &AnyPool) -> Result<Vec<ReleaseRow>, sqlx::Error> {
    sqlx::query_as("SELECT version, notes, channel, percent, state, published_at_ms FROM release")
        .fetch_all(pool)
        .await
}

/// One release.
pub async fn one(pool: &AnyPool, version: &str) -> Result<Option<ReleaseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, notes, channel, percent, state, published_at_ms FROM release WHERE version = $1",
    )
    .bind(version)
    .fetch_optional(pool)
    .await
}

/// A release's artifacts, by target.
pub async fn artifacts(pool: &AnyPool, version: &str) -> Result<Vec<Artifact>, sqlx::Error> {
    sqlx::query_as(
        "SELECT target, file_name, sha256, size, signature FROM release_artifact WHERE version = $1 ORDER BY target",
    )
    .bind(version)
    .fetch_all(pool)
    .await
}

/// How many PCs run or are offered `version`, by their state.
pub async fn pc_states(pool: &AnyPool, version: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT state, COUNT(*) FROM update_status WHERE current_version = $1 OR offered = $1 GROUP BY state ORDER BY state",
    )
    .bind(version)
    .fetch_all(pool)
    .await
}

/// The releases with an artifact for `target`, as the rollout needs them.
pub async fn with_target(pool: &AnyPool, target: &str) -> Result<Vec<ReleaseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.version, r.notes, r.channel, r.percent, r.state, r.published_at_ms FROM release r
         JOIN release_artifact a ON a.version = r.version AND a.target = $1",
    )
    .bind(target)
    .fetch_all(pool)
    .await
}

/// A release's artifact for `target`.
pub async fn artifact(
    pool: &AnyPool,
    version: &str,
    target: &str,
) -> Result<Option<Artifact>, sqlx::Error> {
    sqlx::query_as(
        "SELECT target, file_name, sha256, size, signature FROM release_artifact WHERE version = $1 AND target = $2",
    )
    .bind(version)
    .bind(target)
    .fetch_optional(pool)
    .await
}

/// The SHA-256 of a downloadable artifact (its release not withdrawn).
pub async fn downloadable(
    pool: &AnyPool,
    version: &str,
    target: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT a.sha256 FROM release_artifact a JOIN release r ON r.version = a.version
         WHERE a.version = $1 AND a.target = $2 AND r.state <> 'withdrawn'",
    )
    .bind(version)
    .bind(target)
    .fetch_optional(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::test;

    #[tokio::test]
    async fn a_release_is_announced_given_artifacts_rolled_out_and_withdrawn() {
        for (pool, _dir) in test::pools().await {
            insert(&pool, "1.1.0", "说明", "all", 10, 5).await.unwrap();
            assert!(insert(&pool, "1.1.0", "again", "all", 10, 5).await.is_err());
            assert_eq!(
                state(&pool, "1.1.0").await.unwrap().as_deref(),
                Some("paused")
            );
            let a = Artifact {
                target: "linux-x86_64-deb".into(),
                file_name: "a.deb".into(),
                sha256: "ab".repeat(32),
                size: 5,
                signature: "sig".into(),
            };
            put_artifact(&pool, "1.1.0", &a).await.unwrap();
            put_artifact(
                &pool,
                "1.1.0",
                &Artifact {
                    size: 6,
                    ..a.clone()
                },
            )
            .await
            .unwrap();
            assert_eq!(artifacts(&pool, "1.1.0").await.unwrap()[0].size, 6);
            let mut tx = pool.begin().await.unwrap();
            assert_eq!(artifact_count(&mut tx, "1.1.0").await.unwrap(), 1);
            set_rollout(
                &mut tx,
                "1.1.0",
                Rollout {
                    percent: Some(50),
                    channel: Some("pilot"),
                    state: Some("active"),
                },
            )
            .await
            .unwrap();
            assert_eq!(
                state_in(&mut tx, "1.1.0").await.unwrap().as_deref(),
                Some("active")
            );
            tx.commit().await.unwrap();
            let r = one(&pool, "1.1.0").await.unwrap().unwrap();
            assert_eq!((r.percent, r.channel.as_str()), (50, "pilot"));
            assert_eq!(
                with_target(&pool, "linux-x86_64-deb").await.unwrap(),
                vec![r]
            );
            assert!(with_target(&pool, "windows").await.unwrap().is_empty());
            assert_eq!(
                artifact(&pool, "1.1.0", "linux-x86_64-deb")
                    .await
                    .unwrap()
                    .map(|a| a.size),
                Some(6)
            );
            assert_eq!(
                downloadable(&pool, "1.1.0", "linux-x86_64-deb")
                    .await
                    .unwrap(),
                Some("ab".repeat(32))
            );
            let mut tx = pool.begin().await.unwrap();
            set_rollout(
                &mut tx,
                "1.1.0",
                Rollout {
                    state: Some("withdrawn"),
                    ..Rollout::default()
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(
                downloadable(&pool, "1.1.0", "linux-x86_64-deb")
                    .await
                    .unwrap(),
                None
            );
            assert!(pc_states(&pool, "1.1.0").await.unwrap().is_empty());
            assert_eq!(all(&pool).await.unwrap().len(), 1);

            insert(&pool, "1.2.0", "说明", "all", 10, 5).await.unwrap();
            let mut tx = pool.begin().await.unwrap();
            assert!(delete(&mut tx, "1.2.0").await.unwrap());
            assert!(!delete(&mut tx, "1.2.0").await.unwrap());
            tx.commit().await.unwrap();
        }
    }
}
