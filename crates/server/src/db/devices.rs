//! Every hall's device registry, alarms and control commands as the halls replicate them: the latest snapshot of each, by timestamp.

use super::Tx;
use sqlx::AnyPool;

/// A device's snapshot as stored.
pub struct DeviceRow<'a> {
    pub hall: &'a str,
    pub id: &'a str,
    /// Sorts like the timestamp.
    pub hlc: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    pub added_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    pub removed_at_ms: Option<i64>,
    pub body: &'a str,
}

/// Keeps the snapshot with the later timestamp.
pub async fn put_device(tx: &mut Tx, d: &DeviceRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO hall_device (hall, id, hlc, kind, name, added_at_ms, revoked_at_ms, removed_at_ms, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (hall, id) DO UPDATE SET hlc = excluded.hlc, kind = excluded.kind, name = excluded.name,
           added_at_ms = excluded.added_at_ms, revoked_at_ms = excluded.revoked_at_ms,
           removed_at_ms = excluded.removed_at_ms, body = excluded.body
         WHERE hall_device.hlc < excluded.hlc",
    )
    .bind(d.hall)
    .bind(d.id)
    .bind(d.hlc)
    .bind(d.kind)
    .bind(d.name)
    .bind(d.added_at_ms)
    .bind(d.revoked_at_ms)
    .bind(d.removed_at_ms)
    .bind(d.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An alarm's snapshot as stored.
pub struct AlarmRow<'a> {
    pub hall: &'a str,
    pub id: i64,
    pub hlc: &'a str,
    /// `device`, `business`, `clerk` (or `other`), and its id, code or staff number.
    pub source_kind: &'a str,
    pub source: &'a str,
    pub fault: &'a str,
    pub severity: &'a str,
    pub state: &'a str,
    pub raised_at_ms: i64,
    pub cleared_at_ms: Option<i64>,
    pub body: &'a str,
}

/// Keeps the snapshot with the later timestamp.
pub async fn put_alarm(tx: &mut Tx, a: &AlarmRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO hall_alarm (hall, id, hlc, source_kind, source, fault, severity, state, raised_at_ms, cleared_at_ms, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (hall, id) DO UPDATE SET hlc = excluded.hlc, source_kind = excluded.source_kind,
           source = excluded.source, fault = excluded.fault, severity = excluded.severity, state = excluded.state,
           raised_at_ms = excluded.raised_at_ms, cleared_at_ms = excluded.cleared_at_ms, body = excluded.body
         WHERE hall_alarm.hlc < excluded.hlc",
    )
    .bind(a.hall)
    .bind(a.id)
    .bind(a.hlc)
    .bind(a.source_kind)
    .bind(a.source)
    .bind(a.fault)
    .bind(a.severity)
    .bind(a.state)
    .bind(a.raised_at_ms)
    .bind(a.cleared_at_ms)
    .bind(a.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A stored device: the columns and the hall's whole record (JSON text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDevice {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub added_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    pub body: String,
}

/// The devices `hall` has registered now (not the removed ones), by id.
pub async fn devices(pool: &AnyPool, hall: &str) -> Result<Vec<StoredDevice>, sqlx::Error> {
    let rows: Vec<(String, String, String, i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT id, kind, name, added_at_ms, revoked_at_ms, body FROM hall_device
         WHERE hall = $1 AND removed_at_ms IS NULL ORDER BY id",
    )
    .bind(hall)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, kind, name, added_at_ms, revoked_at_ms, body)| StoredDevice {
                id,
                kind,
                name,
                added_at_ms,
                revoked_at_ms,
                body,
            },
        )
        .collect())
}

/// A stored alarm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAlarm {
    pub id: i64,
    pub source_kind: String,
    pub source: String,
    pub fault: String,
    pub severity: String,
    pub state: String,
    pub raised_at_ms: i64,
    pub cleared_at_ms: Option<i64>,
    pub body: String,
}

/// `hall`'s alarms, newest first: at most `limit`, those before alarm `before` when given.
pub async fn alarms(
    pool: &AnyPool,
    hall: &str,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<StoredAlarm>, sqlx::Error> {
    type Raw = (
        i64,
        String,
        String,
        String,
        String,
        String,
        i64,
        Option<i64>,
        String,
    );
    let rows: Vec<Raw> = sqlx::query_as(
        "SELECT id, source_kind, source, fault, severity, state, raised_at_ms, cleared_at_ms, body
         FROM hall_alarm WHERE hall = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(hall)
    .bind(before.unwrap_or(i64::MAX))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                source_kind,
                source,
                fault,
                severity,
                state,
                raised_at_ms,
                cleared_at_ms,
                body,
            )| {
                StoredAlarm {
                    id,
                    source_kind,
                    source,
                    fault,
                    severity,
                    state,
                    raised_at_ms,
                    cleared_at_ms,
                    body,
                }
            },
        )
        .collect())
}

/// A control command's snapshot as stored.
pub struct CommandRow<'a> {
    pub hall: &'a str,
    pub id: i64,
    pub hlc: &'a str,
    pub device: &'a str,
    pub by_staff: &'a str,
    pub state: &'a str,
    pub requested_at_ms: i64,
    pub body: &'a str,
}

/// Keeps the snapshot with the later timestamp.
pub async fn put_command(tx: &mut Tx, c: &CommandRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO hall_device_command (hall, id, hlc, device, by_staff, state, requested_at_ms, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (hall, id) DO UPDATE SET hlc = excluded.hlc, device = excluded.device,
           by_staff = excluded.by_staff, state = excluded.state,
           requested_at_ms = excluded.requested_at_ms, body = excluded.body
         WHERE hall_device_command.hlc < excluded.hlc",
    )
    .bind(c.hall)
    .bind(c.id)
    .bind(c.hlc)
    .bind(c.device)
    .bind(c.by_staff)
    .bind(c.state)
    .bind(c.requested_at_ms)
    .bind(c.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A stored command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCommand {
    pub id: i64,
    pub device: String,
    pub by_staff: String,
    pub state: String,
    pub requested_at_ms: i64,
    pub body: String,
}

/// `hall`'s commands, newest first: at most `limit`, those before command `before` when given.
pub async fn commands(
    pool: &AnyPool,
    hall: &str,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<StoredCommand>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, i64, String)> = sqlx::query_as(
        "SELECT id, device, by_staff, state, requested_at_ms, body
         FROM hall_device_command WHERE hall = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(hall)
    .bind(before.unwrap_or(i64::MAX))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, device, by_staff, state, requested_at_ms, body)| StoredCommand {
                id,
                device,
                by_staff,
                state,
                requested_at_ms,
                body,
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{test, tokens};

    fn alarm<'a>(id: i64, hlc: &'a str, state: &'a str, body: &'a str) -> AlarmRow<'a> {
        AlarmRow {
            hall: "H0101",
            id,
            hlc,
            source_kind: "device",
            source: "T01",
            fault: "paper_out",
            severity: "major",
            state,
            raised_at_ms: 1_000 + id,
            cleared_at_ms: (state == "cleared").then_some(9_000),
            body,
        }
    }

    #[tokio::test]
    async fn the_latest_snapshot_of_each_device_and_alarm_is_kept() {
        for (pool, _dir) in test::pools().await {
            tokens::add_hall(&pool, "H0101", "城东").await.unwrap();
            tokens::add_hall(&pool, "H0202", "城西").await.unwrap();
            let device = |hlc: &'static str, name: &'static str, removed: Option<i64>| DeviceRow {
                hall: "H0101",
                id: "T01",
                hlc,
                kind: "terminal",
                name,
                added_at_ms: 5,
                revoked_at_ms: None,
                removed_at_ms: removed,
                body: "{}",
            };
            let mut tx = pool.begin().await.unwrap();
            put_device(&mut tx, &device("0002", "终端 新", None))
                .await
                .unwrap();
            // An older snapshot arriving later changes nothing.
            put_device(&mut tx, &device("0001", "终端 旧", None))
                .await
                .unwrap();
            for (id, hlc, state) in [(1, "0001", "raised"), (2, "0002", "raised")] {
                put_alarm(&mut tx, &alarm(id, hlc, state, "{\"a\":1}"))
                    .await
                    .unwrap();
            }
            put_alarm(&mut tx, &alarm(1, "0003", "cleared", "{\"a\":2}"))
                .await
                .unwrap();
            put_alarm(&mut tx, &alarm(1, "0002", "acknowledged", "{\"a\":3}"))
                .await
                .unwrap();
            tx.commit().await.unwrap();

            let listed = devices(&pool, "H0101").await.unwrap();
            assert_eq!(listed.len(), 1);
            assert_eq!(
                (listed[0].name.as_str(), listed[0].added_at_ms),
                ("终端 新", 5)
            );
            assert!(devices(&pool, "H0202").await.unwrap().is_empty());

            let all = alarms(&pool, "H0101", None, 50).await.unwrap();
            let ids: Vec<i64> = all.iter().map(|a| a.id).collect();
            assert_eq!(ids, [2, 1], "newest first");
            assert_eq!(
                (
                    all[1].state.as_str(),
                    all[1].body.as_str(),
                    all[1].cleared_at_ms
                ),
                ("cleared", "{\"a\":2}", Some(9_000))
            );
            let page: Vec<i64> = alarms(&pool, "H0101", Some(2), 50)
                .await
                .unwrap()
                .iter()
                .map(|a| a.id)
                .collect();
            assert_eq!(page, [1]);
            assert_eq!(alarms(&pool, "H0101", None, 1).await.unwrap().len(), 1);
            assert!(alarms(&pool, "H0202", None, 50).await.unwrap().is_empty());

            // Removed at the hall: no longer listed.
            let mut tx = pool.begin().await.unwrap();
            put_device(&mut tx, &device("0009", "终端 新", Some(70)))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert!(devices(&pool, "H0101").await.unwrap().is_empty());
        }
    }
}
