//! The records the province owns, each under the feed cursor of its last change, and the pages halls pull.
//!
//! Every write takes the next feed cursor in the same transaction, so a hall
//! that pulls "everything after N" never misses a write and never gets one
//! twice at the same cursor.

use super::Tx;
use sqlx::AnyPool;
use sync_proto::owned::{self, Fields};
use sync_proto::OwnedRecord;

/// A record as stored: its scope and versioned fields (`None` when absent).
pub async fn load(
    tx: &mut Tx,
    kind: &str,
    key: &str,
) -> Result<Option<(String, Fields)>, sqlx::Error> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT scope, body FROM owned WHERE kind = $1 AND key = $2")
            .bind(kind)
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|(scope, body)| {
        let fields = body
            .and_then(|b| serde_json::from_str(&b).ok())
            .unwrap_or_default();
        (scope, fields)
    }))
}

/// Merges `incoming` into the stored record (by `sync_proto::owned::merge`)
/// and, when anything changed, stores it under the next feed cursor.
/// Returns whether it changed.
pub async fn merge_in(
    tx: &mut Tx,
    kind: &str,
    key: &str,
    scope: &str,
    incoming: &Fields,
) -> Result<bool, sqlx::Error> {
    let stored = load(tx, kind, key)
        .await?
        .map(|(_, f)| f)
        .unwrap_or_default();
    let merged = owned::merge(kind, &stored, incoming);
    if merged == stored {
        return Ok(false);
    }
    let cursor: i64 =
        sqlx::query_scalar("UPDATE feed_seq SET last = last + 1 WHERE id = 1 RETURNING last")
            .fetch_one(&mut **tx)
            .await?;
    let text = |e: serde_json::Error| sqlx::Error::Encode(Box::new(e));
    let hlc = owned::latest(&merged)
        .map(serde_json::to_string)
        .transpose()
        .map_err(text)?
        .unwrap_or_default();
    let body = serde_json::to_string(&merged).map_err(text)?;
    sqlx::query(
        "INSERT INTO owned (kind, key, scope, cursor, hlc, body) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (kind, key) DO UPDATE SET scope = excluded.scope, cursor = excluded.cursor,
           hlc = excluded.hlc, body = excluded.body",
    )
    .bind(kind)
    .bind(key)
    .bind(scope)
    .bind(cursor)
    .bind(hlc)
    .bind(body)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// The keys of a kind's records that exist (not deleted).
pub async fn keys(pool: &AnyPool, kind: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT key FROM owned WHERE kind = $1 AND body IS NOT NULL")
        .bind(kind)
        .fetch_all(pool)
        .await
}

/// Every record of a kind that exists (not deleted): its key and fields. A body that does not read is skipped.
pub async fn all(pool: &AnyPool, kind: &str) -> Result<Vec<(String, Fields)>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT key, body FROM owned WHERE kind = $1 AND body IS NOT NULL ORDER BY key",
    )
    .bind(kind)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, body)| Some((key, serde_json::from_str(&body).ok()?)))
        .collect())
}

/// Up to `limit` records after `since` meant for `hall` (its own and the
/// province-wide ones), by cursor. A row that does not read is skipped.
pub async fn page(
    pool: &AnyPool,
    since: u64,
    hall: &str,
    limit: i64,
) -> Result<(Vec<OwnedRecord>, usize), sqlx::Error> {
    let rows: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT cursor, kind, key, hlc, body FROM owned
         WHERE cursor > $1 AND (scope = $2 OR scope = '*') ORDER BY cursor LIMIT $3",
    )
    .bind(i64::try_from(since).unwrap_or(i64::MAX))
    .bind(hall)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let read = rows.len();
    let records = rows
        .into_iter()
        .filter_map(|(cursor, kind, key, hlc, body)| {
            Some(OwnedRecord {
                cursor: u64::try_from(cursor).ok()?,
                kind,
                key,
                hlc: serde_json::from_str(&hlc).ok()?,
                body: body.and_then(|b| serde_json::from_str(&b).ok()),
            })
        })
        .collect();
    Ok((records, read))
}

/// The feed's last cursor.
pub async fn head(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT last FROM feed_seq WHERE id = 1")
        .fetch_one(pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::test;
    use serde_json::json;
    use sync_proto::Hlc;

    fn fields(name: &str, wall_ms: i64) -> Fields {
        let mut values = serde_json::Map::new();
        values.insert("name_zh".into(), json!(name));
        let hlc = Hlc {
            wall_ms,
            counter: 0,
            node: "province".into(),
        };
        owned::stamp(values, &hlc, true)
    }

    #[tokio::test]
    async fn every_change_takes_the_next_cursor_and_pages_follow_scope() {
        for (pool, _dir) in test::pools().await {
            let mut tx = pool.begin().await.unwrap();
            assert!(merge_in(&mut tx, "business", "A", "*", &fields("缴费", 5))
                .await
                .unwrap());
            assert!(
                !merge_in(&mut tx, "business", "A", "*", &fields("缴费", 5))
                    .await
                    .unwrap(),
                "unchanged"
            );
            assert!(
                !merge_in(&mut tx, "business", "A", "*", &fields("旧", 4))
                    .await
                    .unwrap(),
                "older"
            );
            assert!(
                merge_in(&mut tx, "hall", "H0101", "H0101", &fields("城东", 6))
                    .await
                    .unwrap()
            );
            assert!(
                merge_in(&mut tx, "hall", "H0202", "H0202", &fields("城西", 7))
                    .await
                    .unwrap()
            );
            assert!(merge_in(&mut tx, "business", "A", "*", &fields("电费", 8))
                .await
                .unwrap());
            let (scope, stored) = load(&mut tx, "business", "A").await.unwrap().unwrap();
            assert_eq!((scope.as_str(), stored), ("*", fields("电费", 8)));
            assert_eq!(load(&mut tx, "business", "B").await.unwrap(), None);
            tx.commit().await.unwrap();

            assert_eq!(head(&pool).await.unwrap(), 4);
            let (records, read) = page(&pool, 0, "H0101", 500).await.unwrap();
            let at: Vec<(u64, &str)> = records.iter().map(|r| (r.cursor, r.key.as_str())).collect();
            assert_eq!((at, read), (vec![(2, "H0101"), (4, "A")], 2));
            let (records, _) = page(&pool, 2, "H0101", 1).await.unwrap();
            assert_eq!(records[0].cursor, 4);
            assert_eq!(records[0].check(), Ok(()));
            assert_eq!(keys(&pool, "business").await.unwrap(), ["A"]);
        }
    }
}
