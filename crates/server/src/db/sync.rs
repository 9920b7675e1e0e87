//! What halls upload: each origin's mark, the stored tickets, counter events and update reports, and the last refusal.

use super::Tx;
use sqlx::AnyPool;

/// An origin's owner and how far its log is stored.
pub async fn mark(pool: &AnyPool, origin: &str) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT hall, applied_through FROM sync_origin WHERE origin = $1")
        .bind(origin)
        .fetch_optional(pool)
        .await
}

/// A new mark for an origin's log.
pub struct NewMark<'a> {
    pub origin: &'a str,
    pub hall: &'a str,
    pub applied_through: u64,
    pub at_ms: i64,
    /// Changes of this batch stored now.
    pub applied: u64,
    /// The end of the sender's log, as it reported it.
    pub head: u64,
}

/// Moves the mark from `previous` (`None`: no mark yet); `false` when
/// another upload moved it first. The row lock orders racing uploads.
pub async fn claim_mark(
    tx: &mut Tx,
    previous: Option<u64>,
    m: &NewMark<'_>,
) -> Result<bool, sqlx::Error> {
    let done = match previous {
        Some(old) => {
            sqlx::query(
                "UPDATE sync_origin SET applied_through = $1, last_at_ms = $2,
                   changes_applied = changes_applied + $3, reported_head = $4
                 WHERE origin = $5 AND applied_through = $6",
            )
            .bind(m.applied_through as i64)
            .bind(m.at_ms)
            .bind(m.applied as i64)
            .bind(m.head as i64)
            .bind(m.origin)
            .bind(old as i64)
            .execute(&mut **tx)
            .await?
        }
        None => {
            sqlx::query(
                "INSERT INTO sync_origin (origin, hall, applied_through, last_at_ms, changes_applied, reported_head)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (origin) DO NOTHING",
            )
            .bind(m.origin)
            .bind(m.hall)
            .bind(m.applied_through as i64)
            .bind(m.at_ms)
            .bind(m.applied as i64)
            .bind(m.head as i64)
            .execute(&mut **tx)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// A ticket's snapshot as stored.
pub struct TicketRow<'a> {
    pub hall: &'a str,
    pub id: i64,
    /// Sorts like the timestamp.
    pub hlc: &'a str,
    pub day: i64,
    pub no: &'a str,
    pub business: &'a str,
    pub state: &'a str,
    pub body: &'a str,
}

/// Keeps the snapshot with the later timestamp.
pub async fn put_ticket(tx: &mut Tx, t: &TicketRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ticket (hall, id, hlc, day, no, business, state, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (hall, id) DO UPDATE SET hlc = excluded.hlc, day = excluded.day, no = excluded.no,
           business = excluded.business, state = excluded.state, body = excluded.body
         WHERE ticket.hlc < excluded.hlc",
    )
    .bind(t.hall)
    .bind(t.id)
    .bind(t.hlc)
    .bind(t.day)
    .bind(t.no)
    .bind(t.business)
    .bind(t.state)
    .bind(t.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Keeps a counter event once.
pub async fn put_counter_event(
    tx: &mut Tx,
    hall: &str,
    key: &str,
    hlc: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO counter_event (hall, key, hlc, body) VALUES ($1, $2, $3, $4) ON CONFLICT (hall, key) DO NOTHING")
        .bind(hall)
        .bind(key)
        .bind(hlc)
        .bind(body)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A PC's update report as stored.
pub struct UpdateRow<'a> {
    pub node: &'a str,
    pub hall: &'a str,
    pub current_version: &'a str,
    pub offered: Option<&'a str>,
    pub state: &'a str,
    pub detail: Option<&'a str>,
    pub at_ms: i64,
}

/// Keeps a PC's latest report.
pub async fn put_update_status(tx: &mut Tx, u: &UpdateRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO update_status (node, hall, current_version, offered, state, detail, at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (node) DO UPDATE SET current_version = excluded.current_version,
           offered = excluded.offered, state = excluded.state, detail = excluded.detail, at_ms = excluded.at_ms
         WHERE update_status.at_ms <= excluded.at_ms",
    )
    .bind(u.node)
    .bind(u.hall)
    .bind(u.current_version)
    .bind(u.offered)
    .bind(u.state)
    .bind(u.detail)
    .bind(u.at_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The hall was heard from at `at_ms`.
pub async fn touch_hall(tx: &mut Tx, hall: &str, at_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE hall SET last_contact_ms = $1 WHERE code = $2")
        .bind(at_ms)
        .bind(hall)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Keeps a refusal (as JSON) on the hall for the maintainers' view.
pub async fn note_refusal(
    pool: &AnyPool,
    hall: &str,
    refusal: &str,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE hall SET last_refusal = $1, last_refusal_at_ms = $2 WHERE code = $3")
        .bind(refusal)
        .bind(at_ms)
        .bind(hall)
        .execute(pool)
        .await?;
    Ok(())
}

/// One origin's mark, as the hall's status and the maintainers' view show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OriginRow {
    pub hall: String,
    pub origin: String,
    pub applied_through: i64,
    pub reported_head: i64,
    pub last_at_ms: i64,
    pub changes_applied: i64,
}

const ORIGIN_COLUMNS: &str =
    "SELECT hall, origin, applied_through, reported_head, last_at_ms, changes_applied FROM sync_origin";

/// Every origin's mark, by hall and origin.
pub async fn origins(pool: &AnyPool) -> Result<Vec<OriginRow>, sqlx::Error> {
    sqlx::query_as(&format!("{ORIGIN_COLUMNS} ORDER BY hall, origin"))
        .fetch_all(pool)
        .await
}

/// The marks of `hall`'s origins, by origin.
pub async fn origins_of(pool: &AnyPool, hall: &str) -> Result<Vec<OriginRow>, sqlx::Error> {
    sqlx::query_as(&format!("{ORIGIN_COLUMNS} WHERE hall = $1 ORDER BY origin"))
        .bind(hall)
        .fetch_all(pool)
        .await
}

/// Where a node of `hall` pulled the feed from last.
pub async fn note_pull(
    pool: &AnyPool,
    node: &str,
    hall: &str,
    cursor: i64,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO feed_mark (node, hall, cursor, at_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (node) DO UPDATE SET cursor = excluded.cursor, at_ms = excluded.at_ms",
    )
    .bind(node)
    .bind(hall)
    .bind(cursor)
    .bind(at_ms)
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{test, tokens};

    #[tokio::test]
    async fn a_mark_moves_only_from_where_it_was_read() {
        for (pool, _dir) in test::pools().await {
            tokens::add_hall(&pool, "H0101", "城东").await.unwrap();
            let m = |through, head| NewMark {
                origin: "hall:H0101",
                hall: "H0101",
                applied_through: through,
                at_ms: 5,
                applied: 2,
                head,
            };
            let mut tx = pool.begin().await.unwrap();
            assert!(claim_mark(&mut tx, None, &m(2, 9)).await.unwrap());
            tx.commit().await.unwrap();
            assert_eq!(
                mark(&pool, "hall:H0101").await.unwrap(),
                Some(("H0101".into(), 2))
            );
            let mut tx = pool.begin().await.unwrap();
            assert!(
                !claim_mark(&mut tx, None, &m(3, 9)).await.unwrap(),
                "a second first mark"
            );
            assert!(
                !claim_mark(&mut tx, Some(1), &m(3, 9)).await.unwrap(),
                "a stale mark"
            );
            assert!(claim_mark(&mut tx, Some(2), &m(4, 9)).await.unwrap());
            touch_hall(&mut tx, "H0101", 77).await.unwrap();
            tx.commit().await.unwrap();
            let rows = origins_of(&pool, "H0101").await.unwrap();
            assert_eq!(
                rows,
                vec![OriginRow {
                    hall: "H0101".into(),
                    origin: "hall:H0101".into(),
                    applied_through: 4,
                    reported_head: 9,
                    last_at_ms: 5,
                    changes_applied: 4,
                }]
            );
            assert_eq!(origins(&pool).await.unwrap(), rows);
            assert!(origins_of(&pool, "H0202").await.unwrap().is_empty());
            note_refusal(&pool, "H0101", "{}", 8).await.unwrap();
            note_pull(&pool, "hall:H0101", "H0101", 3, 9).await.unwrap();
            note_pull(&pool, "hall:H0101", "H0101", 4, 10)
                .await
                .unwrap();
            let (contact, refusal): (Option<i64>, Option<String>) =
                sqlx::query_as("SELECT last_contact_ms, last_refusal FROM hall")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            assert_eq!((contact, refusal.as_deref()), (Some(77), Some("{}")));
        }
    }

    #[tokio::test]
    async fn a_ticket_keeps_its_latest_snapshot_and_an_event_its_first() {
        for (pool, _dir) in test::pools().await {
            tokens::add_hall(&pool, "H0101", "城东").await.unwrap();
            let t = |hlc, state| TicketRow {
                hall: "H0101",
                id: 1,
                hlc,
                day: 3,
                no: "A001",
                business: "A",
                state,
                body: "{}",
            };
            let mut tx = pool.begin().await.unwrap();
            put_ticket(&mut tx, &t("2", "called")).await.unwrap();
            put_ticket(&mut tx, &t("1", "waiting")).await.unwrap();
            put_counter_event(&mut tx, "H0101", "1-5-0", "1", "{\"a\":1}")
                .await
                .unwrap();
            put_counter_event(&mut tx, "H0101", "1-5-0", "2", "{\"a\":2}")
                .await
                .unwrap();
            let u = |state, at_ms| UpdateRow {
                node: "hall:H0101/pc-1",
                hall: "H0101",
                current_version: "1.0.0",
                offered: Some("1.1.0"),
                state,
                detail: None,
                at_ms,
            };
            put_update_status(&mut tx, &u("installed", 9))
                .await
                .unwrap();
            put_update_status(&mut tx, &u("downloading", 8))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let state: String = sqlx::query_scalar("SELECT state FROM ticket")
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(state, "called");
            let body: String = sqlx::query_scalar("SELECT body FROM counter_event")
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(body, "{\"a\":1}");
            let state: String = sqlx::query_scalar("SELECT state FROM update_status")
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(state, "installed");
            assert_eq!(crate::db::ticket_count(&pool, "H0101").await.unwrap(), 1);
        }
    }
}
