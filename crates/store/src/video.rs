//! Video at the hall node: each camera's stream, the index of the recorded segments, evidence locks and the audit of who looked at what, written with their replication rows.
//!
//! The footage itself lives in files beside the database (one folder per
//! recorder run); this module keeps what is on disk and for which time, so
//! a playback, an export or retention never lists a folder to find out.

use crate::hall::OutboxRow;
use crate::{Result, Store, StoreError};
use devices::video::{Access, AccessRecord, CameraSetup, EvidenceLock, Span, Unlock};
use devices::DeviceId;

/// One recorded segment as indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentRow {
    pub run: i64,
    pub seq: u32,
    pub from_ms: i64,
    pub to_ms: i64,
    pub bytes: u64,
}

/// A segment with its camera, for retention across all cameras.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSegment {
    pub camera: String,
    pub segment: SegmentRow,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn access_of(raw: &str) -> Result<Access> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned()))
        .map_err(|e| corrupt("video access kind", e))
}

fn access_str(a: Access) -> &'static str {
    match a {
        Access::Live => "live",
        Access::Playback => "playback",
        Access::Export => "export",
        Access::Lock => "lock",
        Access::Unlock => "unlock",
    }
}

type LockRaw = (
    i64,
    String,
    i64,
    i64,
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
);

const LOCK_COLUMNS: &str = "id, camera, from_ms, to_ms, at_ms, by_staff, reason, \
                            unlocked_at_ms, unlocked_by, unlock_reason";

fn lock_of(r: LockRaw) -> Result<EvidenceLock> {
    let (id, camera, from_ms, to_ms, at, by, reason, unlocked_at, unlocked_by, unlock_reason) = r;
    let unlocked = match (unlocked_at, unlocked_by, unlock_reason) {
        (Some(at), Some(by), Some(reason)) => Some(Unlock { by, reason, at }),
        _ => None,
    };
    Ok(EvidenceLock {
        id: id as u64,
        camera: DeviceId::parse(&camera).map_err(|e| corrupt("lock camera", e))?,
        span: Span { from_ms, to_ms },
        by,
        reason,
        at,
        unlocked,
    })
}

type AccessRaw = (i64, i64, String, String, String, i64, Option<i64>, String);

fn access_record_of(r: AccessRaw) -> Result<AccessRecord> {
    let (id, at, by, camera, access, from_ms, to_ms, note) = r;
    Ok(AccessRecord {
        id: id as u64,
        at,
        by,
        camera: DeviceId::parse(&camera).map_err(|e| corrupt("access camera", e))?,
        access: access_of(&access)?,
        from_ms,
        to_ms,
        note,
    })
}

impl Store {
    /// Every camera's stream setup.
    pub async fn camera_setups(&self) -> Result<Vec<(DeviceId, CameraSetup)>> {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT device, url, covers FROM camera_setup ORDER BY device")
                .fetch_all(self.pool())
                .await?;
        rows.into_iter()
            .map(|(device, url, covers)| {
                let id = DeviceId::parse(&device).map_err(|e| corrupt("camera id", e))?;
                let covers: Vec<u16> =
                    serde_json::from_str(&covers).map_err(|e| corrupt("camera covers", e))?;
                Ok((id, CameraSetup { url, covers }))
            })
            .collect()
    }

    /// Sets (or replaces) a camera's stream.
    pub async fn put_camera_setup(
        &self,
        id: &DeviceId,
        setup: &CameraSetup,
        by: &str,
        now: i64,
    ) -> Result<()> {
        let covers = serde_json::to_string(&setup.covers).map_err(|e| corrupt("covers", e))?;
        sqlx::query(
            "INSERT INTO camera_setup (device, url, covers, updated_at_ms, updated_by)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (device) DO UPDATE SET url = excluded.url, covers = excluded.covers,
                 updated_at_ms = excluded.updated_at_ms, updated_by = excluded.updated_by",
        )
        .bind(id.as_str())
        .bind(&setup.url)
        .bind(&covers)
        .bind(now)
        .bind(by)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A new recorder run of `camera`: its id names its folder.
    pub async fn start_video_run(&self, camera: &DeviceId, now: i64) -> Result<i64> {
        let id = sqlx::query("INSERT INTO video_run (camera, started_at_ms) VALUES (?, ?)")
            .bind(camera.as_str())
            .bind(now)
            .execute(self.pool())
            .await?
            .last_insert_rowid();
        Ok(id)
    }

    /// Each camera's newest run, with its last indexed segment (number and start) if any.
    pub async fn newest_runs(&self) -> Result<Vec<(String, i64, Option<(u32, i64)>)>> {
        let rows: Vec<(String, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT r.camera, r.id,
                    (SELECT max(seq) FROM video_segment s WHERE s.run = r.id),
                    (SELECT from_ms FROM video_segment s WHERE s.run = r.id ORDER BY seq DESC LIMIT 1)
             FROM video_run r
             WHERE r.id = (SELECT max(id) FROM video_run n WHERE n.camera = r.camera)",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(camera, run, seq, from)| {
                let last = seq
                    .zip(from)
                    .map(|(s, f)| (s.clamp(0, i64::from(u32::MAX)) as u32, f));
                (camera, run, last)
            })
            .collect())
    }

    /// Indexes recorded segments (a segment seen twice is kept once).
    pub async fn add_segments(&self, camera: &DeviceId, segments: &[SegmentRow]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for s in segments {
            sqlx::query(
                "INSERT INTO video_segment (run, seq, camera, from_ms, to_ms, bytes)
                 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run, seq) DO NOTHING",
            )
            .bind(s.run)
            .bind(i64::from(s.seq))
            .bind(camera.as_str())
            .bind(s.from_ms)
            .bind(s.to_ms)
            .bind(s.bytes as i64)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// `camera`'s segments touching `span`, oldest first.
    pub async fn segments(&self, camera: &DeviceId, span: Span) -> Result<Vec<SegmentRow>> {
        let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT run, seq, from_ms, to_ms, bytes FROM video_segment
             WHERE camera = ? AND to_ms > ? AND from_ms < ? ORDER BY from_ms, run, seq",
        )
        .bind(camera.as_str())
        .bind(span.from_ms)
        .bind(span.to_ms)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(segment_of).collect())
    }

    /// `camera`'s latest segments (newest last), at most `n`.
    pub async fn last_segments(&self, camera: &DeviceId, n: u32) -> Result<Vec<SegmentRow>> {
        let mut rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT run, seq, from_ms, to_ms, bytes FROM video_segment
             WHERE camera = ? ORDER BY from_ms DESC, run DESC, seq DESC LIMIT ?",
        )
        .bind(camera.as_str())
        .bind(i64::from(n))
        .fetch_all(self.pool())
        .await?;
        rows.reverse();
        Ok(rows.into_iter().map(segment_of).collect())
    }

    /// One segment by its run and number, with its camera.
    pub async fn segment(&self, run: i64, seq: u32) -> Result<Option<StoredSegment>> {
        let row: Option<(String, i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT camera, run, seq, from_ms, to_ms, bytes FROM video_segment
             WHERE run = ? AND seq = ?",
        )
        .bind(run)
        .bind(i64::from(seq))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(camera, run, seq, f, t, b)| StoredSegment {
            camera,
            segment: segment_of((run, seq, f, t, b)),
        }))
    }

    /// The oldest indexed segments after `after` (its start, run and number), at most `limit`: retention's pages.
    pub async fn oldest_segments(
        &self,
        after: Option<(i64, i64, u32)>,
        limit: u32,
    ) -> Result<Vec<StoredSegment>> {
        let (from, run, seq) = after.unwrap_or((i64::MIN, i64::MIN, 0));
        let rows: Vec<(String, i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT camera, run, seq, from_ms, to_ms, bytes FROM video_segment
             WHERE (from_ms, run, seq) > (?, ?, ?) ORDER BY from_ms, run, seq LIMIT ?",
        )
        .bind(from)
        .bind(run)
        .bind(i64::from(seq))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(camera, run, seq, f, t, b)| StoredSegment {
                camera,
                segment: segment_of((run, seq, f, t, b)),
            })
            .collect())
    }

    /// The bytes of all indexed footage.
    pub async fn footage_total(&self) -> Result<u64> {
        let (total,): (Option<i64>,) = sqlx::query_as("SELECT sum(bytes) FROM video_segment")
            .fetch_one(self.pool())
            .await?;
        Ok(total.unwrap_or(0).max(0) as u64)
    }

    /// Forgets segments whose files are gone (retention deleted them first).
    pub async fn remove_segments(&self, gone: &[(i64, u32)]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for (run, seq) in gone {
            sqlx::query("DELETE FROM video_segment WHERE run = ? AND seq = ?")
                .bind(run)
                .bind(i64::from(*seq))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Runs with no segment left, except the newest of each camera: their folders can go.
    pub async fn empty_video_runs(&self) -> Result<Vec<(i64, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT r.id, r.camera FROM video_run r
             WHERE NOT EXISTS (SELECT 1 FROM video_segment s WHERE s.run = r.id)
               AND r.id < (SELECT max(id) FROM video_run n WHERE n.camera = r.camera)",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Forgets a run whose folder was removed.
    pub async fn remove_video_run(&self, run: i64) -> Result<()> {
        sqlx::query("DELETE FROM video_run WHERE id = ?")
            .bind(run)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The oldest footage kept and its size, per camera.
    pub async fn footage_kept(&self) -> Result<Vec<(String, i64, u64)>> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT camera, min(from_ms), sum(bytes) FROM video_segment GROUP BY camera",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(c, f, b)| (c, f, b.max(0) as u64))
            .collect())
    }

    /// Evidence locks, open ones first, newest first within each.
    pub async fn evidence_locks(&self) -> Result<Vec<EvidenceLock>> {
        let rows: Vec<LockRaw> = sqlx::query_as(&format!(
            "SELECT {LOCK_COLUMNS} FROM evidence_lock
             ORDER BY unlocked_at_ms IS NOT NULL, id DESC LIMIT 1000"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(lock_of).collect()
    }

    pub async fn evidence_lock(&self, id: u64) -> Result<Option<EvidenceLock>> {
        let row: Option<LockRaw> = sqlx::query_as(&format!(
            "SELECT {LOCK_COLUMNS} FROM evidence_lock WHERE id = ?"
        ))
        .bind(id as i64)
        .fetch_optional(self.pool())
        .await?;
        row.map(lock_of).transpose()
    }

    /// Locks a range as evidence, with its audit line, and the replication
    /// rows `rows` makes of both, in one transaction.
    pub async fn lock_evidence(
        &self,
        camera: &DeviceId,
        span: Span,
        by: &str,
        reason: &str,
        now: i64,
        rows: impl Fn(&EvidenceLock, &AccessRecord) -> Vec<OutboxRow>,
    ) -> Result<EvidenceLock> {
        let mut tx = self.pool().begin().await?;
        let id = sqlx::query(
            "INSERT INTO evidence_lock (camera, from_ms, to_ms, at_ms, by_staff, reason)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(camera.as_str())
        .bind(span.from_ms)
        .bind(span.to_ms)
        .bind(now)
        .bind(by)
        .bind(reason)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        let lock = EvidenceLock {
            id: id as u64,
            camera: camera.clone(),
            span,
            by: by.to_owned(),
            reason: reason.to_owned(),
            at: now,
            unlocked: None,
        };
        let line = AccessRecord {
            id: 0,
            at: now,
            by: by.to_owned(),
            camera: camera.clone(),
            access: Access::Lock,
            from_ms: span.from_ms,
            to_ms: Some(span.to_ms),
            note: reason.to_owned(),
        };
        let line = insert_access(&mut tx, line).await?;
        crate::devices::insert_outbox(&mut tx, &rows(&lock, &line)).await?;
        tx.commit().await?;
        Ok(lock)
    }

    /// Releases a lock (an audit line says who and why); `None` when there is no such lock.
    pub async fn unlock_evidence(
        &self,
        id: u64,
        by: &str,
        reason: &str,
        now: i64,
        rows: impl Fn(&EvidenceLock, &AccessRecord) -> Vec<OutboxRow>,
    ) -> Result<Option<EvidenceLock>> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE evidence_lock SET unlocked_at_ms = ?, unlocked_by = ?, unlock_reason = ?
             WHERE id = ? AND unlocked_at_ms IS NULL",
        )
        .bind(now)
        .bind(by)
        .bind(reason)
        .bind(id as i64)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let row: Option<LockRaw> = sqlx::query_as(&format!(
            "SELECT {LOCK_COLUMNS} FROM evidence_lock WHERE id = ?"
        ))
        .bind(id as i64)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(lock) = row.map(lock_of).transpose()? else {
            return Ok(None);
        };
        if done == 1 {
            let line = AccessRecord {
                id: 0,
                at: now,
                by: by.to_owned(),
                camera: lock.camera.clone(),
                access: Access::Unlock,
                from_ms: lock.span.from_ms,
                to_ms: Some(lock.span.to_ms),
                note: reason.to_owned(),
            };
            let line = insert_access(&mut tx, line).await?;
            crate::devices::insert_outbox(&mut tx, &rows(&lock, &line)).await?;
        }
        tx.commit().await?;
        Ok(Some(lock))
    }

    /// Appends one audit line (its id given here) with the replication row `row` makes of it.
    pub async fn record_video_access(
        &self,
        line: AccessRecord,
        row: impl Fn(&AccessRecord) -> Option<OutboxRow>,
    ) -> Result<AccessRecord> {
        let mut tx = self.pool().begin().await?;
        let line = insert_access(&mut tx, line).await?;
        let rows: Vec<OutboxRow> = row(&line).into_iter().collect();
        crate::devices::insert_outbox(&mut tx, &rows).await?;
        tx.commit().await?;
        Ok(line)
    }

    /// The video audit, newest first, of one camera or all.
    pub async fn video_access(
        &self,
        camera: Option<&DeviceId>,
        limit: u32,
    ) -> Result<Vec<AccessRecord>> {
        let rows: Vec<AccessRaw> = sqlx::query_as(
            "SELECT id, at_ms, by_staff, camera, access, from_ms, to_ms, note FROM video_access
             WHERE ?1 IS NULL OR camera = ?1 ORDER BY id DESC LIMIT ?2",
        )
        .bind(camera.map(DeviceId::as_str))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(access_record_of).collect()
    }
}

fn segment_of((run, seq, from_ms, to_ms, bytes): (i64, i64, i64, i64, i64)) -> SegmentRow {
    SegmentRow {
        run,
        seq: seq.clamp(0, i64::from(u32::MAX)) as u32,
        from_ms,
        to_ms,
        bytes: bytes.max(0) as u64,
    }
}

async fn insert_access(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    mut line: AccessRecord,
) -> Result<AccessRecord> {
    let id = sqlx::query(
        "INSERT INTO video_access (at_ms, by_staff, camera, access, from_ms, to_ms, note)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(line.at)
    .bind(&line.by)
    .bind(line.camera.as_str())
    .bind(access_str(line.access))
    .bind(line.from_ms)
    .bind(line.to_ms)
    .bind(&line.note)
    .execute(&mut **tx)
    .await?
    .last_insert_rowid();
    line.id = id as u64;
    Ok(line)
}
