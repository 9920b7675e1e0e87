//! The hall's device registry with each device's credential, the alarms with their journal, and maintenance windows.
//!
//! A device's credential is shown once and stored as SHA-256 only: a bearer
//! token for the web devices (as the pages have always used), a random
//! password for the MQTT devices (username = the device id). Both are 32
//! random bytes, so a fast hash is enough. Revoking keeps the device and
//! stops the credential at once.
//!
//! Every write that replicates takes its outbox rows into its own
//! transaction: an alarm change acknowledged here is in the journal and on
//! its way to the province, or nowhere.

use crate::hall::OutboxRow;
use crate::tokens::{new_token, token_hash};
use crate::{Result, Store, StoreError};
use devices::{Alarm, AlarmChange, AlarmState, Device, DeviceId, DeviceKind, Link, Maintenance};
use serde::Serialize;
use sqlx::{Sqlite, Transaction};

/// One registered device as the hall keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    pub device: Device,
    pub added_at: i64,
    pub revoked_at: Option<i64>,
}

/// The credential issued to a new device, to be shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issued {
    /// A web device's bearer token (its page address carries it).
    Token(String),
    /// An MQTT device's password; its username is its id.
    Password(String),
    /// A device that signs in to nothing (a camera's stream is watched, not trusted).
    Nothing,
}

/// The snake_case name serde gives a unit variant.
fn code<T: Serialize>(v: &T) -> Result<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        other => Err(StoreError::Corrupt(format!("not a name: {other:?}"))),
    }
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) async fn insert_outbox(
    tx: &mut Transaction<'_, Sqlite>,
    rows: &[OutboxRow],
) -> Result<()> {
    for c in rows {
        sqlx::query("INSERT INTO outbox (hlc, kind, key, body) VALUES (?, ?, ?, ?)")
            .bind(&c.hlc)
            .bind(&c.kind)
            .bind(&c.key)
            .bind(&c.body)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

type DeviceRaw = (
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    String,
    i64,
    Option<i64>,
);

fn device_of(raw: DeviceRaw) -> Result<DeviceRecord> {
    let (id, kind, name, x, y, counter, depends_on, added_at, revoked_at) = raw;
    let bad = |what: &str| StoreError::Corrupt(format!("device {id}: {what}"));
    let kind: DeviceKind =
        serde_json::from_value(serde_json::Value::String(kind)).map_err(|_| bad("kind"))?;
    let device = Device {
        id: DeviceId::parse(&id).map_err(|_| bad("id"))?,
        kind,
        name,
        spot: devices::Spot {
            x: u16::try_from(x).map_err(|_| bad("spot"))?,
            y: u16::try_from(y).map_err(|_| bad("spot"))?,
        },
        counter: counter
            .map(|c| u16::try_from(c).map_err(|_| bad("counter")))
            .transpose()?,
        depends_on: serde_json::from_str(&depends_on).map_err(|_| bad("depends_on"))?,
    };
    Ok(DeviceRecord {
        device,
        added_at,
        revoked_at,
    })
}

fn alarm_of(snapshot: &str) -> Result<Alarm> {
    serde_json::from_str(snapshot).map_err(|e| StoreError::Corrupt(format!("alarm snapshot: {e}")))
}

impl Store {
    /// Registers `device` at `now` with `change` (its replication row) in one
    /// transaction; answers the credential to show once.
    pub async fn register_device(
        &self,
        device: &Device,
        now: i64,
        change: &[OutboxRow],
    ) -> Result<Issued> {
        let issued = match device.kind.link() {
            Link::Web => Issued::Token(new_token()),
            Link::Mqtt => Issued::Password(new_token()),
            Link::Stream => Issued::Nothing,
        };
        let (token, secret) = match &issued {
            Issued::Token(t) => (Some(token_hash(t)), None),
            Issued::Password(p) => (None, Some(token_hash(p))),
            Issued::Nothing => (None, None),
        };
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO device (id, kind, name, spot_x, spot_y, counter, depends_on, token_sha256, secret_sha256, added_at_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(device.id.as_str())
        .bind(code(&device.kind)?)
        .bind(&device.name)
        .bind(i64::from(device.spot.x))
        .bind(i64::from(device.spot.y))
        .bind(device.counter.map(i64::from))
        .bind(json(&device.depends_on)?)
        .bind(token)
        .bind(secret)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_outbox(&mut tx, change).await?;
        tx.commit().await?;
        Ok(issued)
    }

    /// Every registered device (revoked ones too), by id.
    pub async fn device_records(&self) -> Result<Vec<DeviceRecord>> {
        let rows: Vec<DeviceRaw> = sqlx::query_as(
            "SELECT id, kind, name, spot_x, spot_y, counter, depends_on, added_at_ms, revoked_at_ms
             FROM device ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(device_of).collect()
    }

    /// Revokes `id`'s credential at `now` (with its replication row);
    /// `false` when it was revoked already or is unknown (nothing written).
    pub async fn revoke_device(
        &self,
        id: &DeviceId,
        now: i64,
        change: &[OutboxRow],
    ) -> Result<bool> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE device SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL",
        )
        .bind(now)
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if done {
            insert_outbox(&mut tx, change).await?;
            tx.commit().await?;
        }
        Ok(done)
    }

    /// Removes `id` (with its replication row); `false` when unknown.
    pub async fn remove_device(&self, id: &DeviceId, change: &[OutboxRow]) -> Result<bool> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query("DELETE FROM device WHERE id = ?")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if done {
            insert_outbox(&mut tx, change).await?;
            tx.commit().await?;
        }
        Ok(done)
    }

    /// The password hashes of the MQTT devices whose credential works.
    pub async fn mqtt_secrets(&self) -> Result<Vec<(DeviceId, String)>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, secret_sha256 FROM device
             WHERE secret_sha256 IS NOT NULL AND revoked_at_ms IS NULL ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, hash)| {
                Ok((
                    DeviceId::parse(&id)
                        .map_err(|_| StoreError::Corrupt(format!("device {id}")))?,
                    hash,
                ))
            })
            .collect()
    }

    /// Journals `changes` (each alarm's latest snapshot and one journal row
    /// per change, in order) with their replication rows, in one transaction.
    pub async fn journal_alarms(
        &self,
        changes: &[AlarmChange],
        outbox: &[OutboxRow],
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for c in changes {
            let a = &c.alarm;
            let snapshot = json(a)?;
            sqlx::query(
                "INSERT INTO alarm (id, state, severity, raised_at_ms, cleared_at_ms, snapshot)
                 VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state, severity = excluded.severity,
                   raised_at_ms = excluded.raised_at_ms, cleared_at_ms = excluded.cleared_at_ms,
                   snapshot = excluded.snapshot",
            )
            .bind(a.id as i64)
            .bind(code(&a.state)?)
            .bind(code(&a.severity)?)
            .bind(a.raised_at)
            .bind(a.cleared.as_ref().map(|c| c.at))
            .bind(&snapshot)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO alarm_event (alarm, transition, at_ms, snapshot) VALUES (?, ?, ?, ?)",
            )
            .bind(a.id as i64)
            .bind(code(&c.transition)?)
            .bind(c.at)
            .bind(&snapshot)
            .execute(&mut *tx)
            .await?;
        }
        insert_outbox(&mut tx, outbox).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the alarm engine takes back on start: the open alarms and those
    /// cleared at or after `cleared_since` (they may still reopen).
    pub async fn alarms_to_restore(&self, cleared_since: i64) -> Result<Vec<Alarm>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT snapshot FROM alarm WHERE state <> 'cleared' OR cleared_at_ms >= ? ORDER BY id",
        )
        .bind(cleared_since)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|(s,)| alarm_of(s)).collect()
    }

    /// The newest alarms first, at most `limit`: only the open ones, or all.
    pub async fn alarms(&self, open_only: bool, limit: u32) -> Result<Vec<Alarm>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT snapshot FROM alarm WHERE (? = 0 OR state <> 'cleared') ORDER BY id DESC LIMIT ?",
        )
        .bind(i64::from(open_only))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|(s,)| alarm_of(s)).collect()
    }

    /// One alarm as last journaled.
    pub async fn alarm(&self, id: u64) -> Result<Option<Alarm>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT snapshot FROM alarm WHERE id = ?")
            .bind(id as i64)
            .fetch_optional(self.pool())
            .await?;
        row.map(|(s,)| alarm_of(&s)).transpose()
    }

    /// The journal of one alarm, oldest first.
    pub async fn alarm_events(&self, id: u64) -> Result<Vec<AlarmChange>> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT transition, at_ms, snapshot FROM alarm_event WHERE alarm = ? ORDER BY seq",
        )
        .bind(id as i64)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(t, at, s)| {
                Ok(AlarmChange {
                    transition: serde_json::from_value(serde_json::Value::String(t))
                        .map_err(|e| StoreError::Corrupt(format!("alarm transition: {e}")))?,
                    at,
                    alarm: alarm_of(&s)?,
                })
            })
            .collect()
    }

    /// How many alarms are open now.
    pub async fn open_alarm_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM alarm WHERE state <> ?")
            .bind(code(&AlarmState::Cleared)?)
            .fetch_one(self.pool())
            .await?;
        Ok(n as u64)
    }

    /// Puts `device` in maintenance (replacing a window it is in).
    pub async fn put_maintenance(
        &self,
        device: &DeviceId,
        m: &Maintenance,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO device_maintenance (device, until_ms, by_staff, note, started_at_ms) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (device) DO UPDATE SET until_ms = excluded.until_ms, by_staff = excluded.by_staff,
               note = excluded.note, started_at_ms = excluded.started_at_ms",
        )
        .bind(device.as_str())
        .bind(m.until)
        .bind(&m.by)
        .bind(&m.note)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Ends `device`'s maintenance; `false` when it was in none.
    pub async fn end_maintenance(&self, device: &DeviceId) -> Result<bool> {
        Ok(
            sqlx::query("DELETE FROM device_maintenance WHERE device = ?")
                .bind(device.as_str())
                .execute(self.pool())
                .await?
                .rows_affected()
                == 1,
        )
    }

    /// The maintenance windows not over at `now`.
    pub async fn maintenances(&self, now: i64) -> Result<Vec<(DeviceId, Maintenance)>> {
        let rows: Vec<(String, i64, String, String)> = sqlx::query_as(
            "SELECT device, until_ms, by_staff, note FROM device_maintenance WHERE until_ms > ? ORDER BY device",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(d, until, by, note)| {
                Ok((
                    DeviceId::parse(&d).map_err(|_| StoreError::Corrupt(format!("device {d}")))?,
                    Maintenance { until, by, note },
                ))
            })
            .collect()
    }
}

/// How long metric samples are kept.
pub const METRIC_KEEP_MS: i64 = 2 * 86_400_000;
/// The most samples one read answers (a day and a half of minutes).
pub const MAX_METRIC_SAMPLES: u32 = 2_160;

impl Store {
    /// Keeps one sample per device and minute (a later one in the same
    /// minute replaces it), and forgets samples older than two days, in one transaction.
    pub async fn put_metric_samples(
        &self,
        samples: &[(DeviceId, i64, devices::Metrics)],
        now: i64,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for (device, minute, metrics) in samples {
            let text = serde_json::to_string(metrics)
                .map_err(|e| StoreError::Corrupt(format!("metrics: {e}")))?;
            sqlx::query(
                "INSERT INTO device_metric (device, minute_ms, metrics) VALUES (?, ?, ?)
                 ON CONFLICT (device, minute_ms) DO UPDATE SET metrics = excluded.metrics",
            )
            .bind(device.as_str())
            .bind(minute)
            .bind(text)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM device_metric WHERE minute_ms < ?")
            .bind(now - METRIC_KEEP_MS)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// `device`'s samples from `since` on, oldest first (at most [`MAX_METRIC_SAMPLES`]).
    pub async fn metric_samples(
        &self,
        device: &DeviceId,
        since: i64,
    ) -> Result<Vec<(i64, devices::Metrics)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT minute_ms, metrics FROM device_metric WHERE device = ? AND minute_ms >= ?
             ORDER BY minute_ms LIMIT ?",
        )
        .bind(device.as_str())
        .bind(since)
        .bind(MAX_METRIC_SAMPLES)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(at, m)| {
                Ok((
                    at,
                    serde_json::from_str(&m)
                        .map_err(|e| StoreError::Corrupt(format!("metrics of {device}: {e}")))?,
                ))
            })
            .collect()
    }
}
