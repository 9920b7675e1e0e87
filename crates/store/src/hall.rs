//! The hall node's tables: the queue journal, the supervisors' audit trail, devices, staff sessions.

use crate::accounts::Account;
use crate::tokens::{new_token, token_hash};
use crate::{Result, Store, StoreError};
use domain::{HallCode, Role, StaffName, StaffNo};

/// Rows per INSERT statement (SQLite allows 32,766 bound values).
const CHUNK: usize = 500;

/// One journaled queue command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalRow {
    pub at_ms: i64,
    pub command: String,
}

/// One replication change, as stored in the outbox (JSON texts kept as they are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub seq: u64,
    pub hlc: String,
    pub kind: String,
    pub key: String,
    pub body: String,
}

/// A supervisor's action on the queue, as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub at_ms: i64,
    pub staff_no: StaffNo,
    pub staff_name: String,
    /// `pause`, `close`, `transfer` or `call`.
    pub action: String,
    /// The counter acted on, called to, or a ticket was moved to.
    pub counter: Option<u16>,
    /// The clerk signed in at that counter at the time.
    pub clerk: Option<StaffNo>,
    pub ticket: Option<String>,
    pub to_business: Option<String>,
    pub reason: String,
}

/// A stored audit row: its number, its day and the journal row it explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: u64,
    pub day: u32,
    /// `queue_op.seq` of the command.
    pub op: u64,
    pub row: AuditRow,
}

/// The business day the journal is on, with what it started from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalDay {
    pub day: u32,
    pub first_id: u64,
    pub config: String,
}

/// A device's kind: every kind of the registry (`devices::DeviceKind`).
pub use devices::DeviceKind;

/// The snake_case name of a kind, as the table keeps it.
fn kind_code(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Kiosk => "kiosk",
        DeviceKind::Pad => "pad",
        DeviceKind::Display => "display",
        DeviceKind::Terminal => "terminal",
        DeviceKind::CounterPc => "counter_pc",
        DeviceKind::Camera => "camera",
        DeviceKind::Switch => "switch",
        DeviceKind::Ups => "ups",
    }
}

fn kind_parse(s: &str) -> Option<DeviceKind> {
    DeviceKind::ALL.into_iter().find(|k| kind_code(*k) == s)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub kind: DeviceKind,
    pub counter: Option<u16>,
    pub name: String,
}

impl Store {
    /// Starts business day `day` in the journal (idempotent for the same day).
    pub async fn journal_open_day(&self, day: u32, first_id: u64, config: &str) -> Result<()> {
        sqlx::query("INSERT OR IGNORE INTO queue_day (day, first_id, config) VALUES (?, ?, ?)")
            .bind(i64::from(day))
            .bind(first_id as i64)
            .bind(config)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The latest business day in the journal.
    pub async fn journal_last_day(&self) -> Result<Option<JournalDay>> {
        let row: Option<(i64, i64, String)> =
            sqlx::query_as("SELECT day, first_id, config FROM queue_day ORDER BY day DESC LIMIT 1")
                .fetch_optional(self.pool())
                .await?;
        row.map(|(day, first_id, config)| {
            Ok(JournalDay {
                day: u32::try_from(day)
                    .map_err(|_| StoreError::Corrupt(format!("queue day {day}")))?,
                first_id: u64::try_from(first_id)
                    .map_err(|_| StoreError::Corrupt(format!("first id {first_id}")))?,
                config,
            })
        })
        .transpose()
    }

    /// Appends commands of `day` and the replication changes they caused, in one
    /// transaction: all are durable, or none. (`seq` of `changes` is assigned here.)
    pub async fn journal_append(
        &self,
        day: u32,
        rows: &[JournalRow],
        changes: &[OutboxRow],
    ) -> Result<()> {
        self.journal_append_audited(day, rows, changes, &[])
            .await
            .map(drop)
    }

    /// `journal_append` with the audit rows of supervisors' commands among
    /// `rows` (each with the index in `rows` of the command it explains), all
    /// in the one transaction. Returns the audit rows' numbers, in order.
    pub async fn journal_append_audited(
        &self,
        day: u32,
        rows: &[JournalRow],
        changes: &[OutboxRow],
        audits: &[(usize, AuditRow)],
    ) -> Result<Vec<u64>> {
        // One statement per table and chunk: a batch costs a few round trips, not one per row.
        let mut tx = self.pool().begin().await?;
        let mut seqs = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(CHUNK) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO queue_op (day, at_ms, command) ");
            q.push_values(chunk, |mut b, row| {
                b.push_bind(i64::from(day))
                    .push_bind(row.at_ms)
                    .push_bind(&row.command);
            });
            // One writer in the transaction: a chunk's rows take consecutive numbers up to the last.
            let last = q.build().execute(&mut *tx).await?.last_insert_rowid();
            let first = last - chunk.len() as i64 + 1;
            seqs.extend(first..=last);
        }
        let mut ids = Vec::with_capacity(audits.len());
        for (op, a) in audits {
            let op = *seqs
                .get(*op)
                .ok_or_else(|| StoreError::Corrupt(format!("audit row for journal row {op}")))?;
            let id = sqlx::query(
                "INSERT INTO supervisor_action (op, day, at_ms, staff_no, staff_name, action, counter, clerk, ticket, to_business, reason)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(op)
            .bind(i64::from(day))
            .bind(a.at_ms)
            .bind(a.staff_no.as_str())
            .bind(&a.staff_name)
            .bind(&a.action)
            .bind(a.counter.map(i64::from))
            .bind(a.clerk.as_ref().map(StaffNo::as_str))
            .bind(a.ticket.as_deref())
            .bind(a.to_business.as_deref())
            .bind(&a.reason)
            .execute(&mut *tx)
            .await?
            .last_insert_rowid();
            ids.push(id as u64);
        }
        for chunk in changes.chunks(CHUNK) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO outbox (hlc, kind, key, body) ");
            q.push_values(chunk, |mut b, c| {
                b.push_bind(&c.hlc)
                    .push_bind(&c.kind)
                    .push_bind(&c.key)
                    .push_bind(&c.body);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The supervisors' actions of business day `day`, oldest first.
    pub async fn supervisor_actions(&self, day: u32) -> Result<Vec<AuditEntry>> {
        type Raw = (
            i64,
            i64,
            i64,
            i64,
            String,
            String,
            String,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
        );
        let rows: Vec<Raw> = sqlx::query_as(
            "SELECT id, op, day, at_ms, staff_no, staff_name, action, counter, clerk, ticket, to_business, reason
             FROM supervisor_action WHERE day = ? ORDER BY id",
        )
        .bind(i64::from(day))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(
                |(
                    id,
                    op,
                    day,
                    at_ms,
                    staff_no,
                    staff_name,
                    action,
                    counter,
                    clerk,
                    ticket,
                    to_business,
                    reason,
                )| {
                    let bad =
                        |what: &str| StoreError::Corrupt(format!("supervisor action {id}: {what}"));
                    Ok(AuditEntry {
                        id: id as u64,
                        day: u32::try_from(day).map_err(|_| bad("day"))?,
                        op: op as u64,
                        row: AuditRow {
                            at_ms,
                            staff_no: StaffNo::parse(&staff_no).map_err(|_| bad("staff_no"))?,
                            staff_name,
                            action,
                            counter: counter
                                .map(|c| u16::try_from(c).map_err(|_| bad("counter")))
                                .transpose()?,
                            clerk: clerk
                                .map(|c| StaffNo::parse(&c).map_err(|_| bad("clerk")))
                                .transpose()?,
                            ticket,
                            to_business,
                            reason,
                        },
                    })
                },
            )
            .collect()
    }

    /// Appends one change made outside the queue (an update report) to the outbox.
    pub async fn append_change(&self, hlc: &str, kind: &str, key: &str, body: &str) -> Result<()> {
        sqlx::query("INSERT INTO outbox (hlc, kind, key, body) VALUES (?, ?, ?, ?)")
            .bind(hlc)
            .bind(kind)
            .bind(key)
            .bind(body)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The commands of `day`, in order.
    pub async fn journal_day(&self, day: u32) -> Result<Vec<JournalRow>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT at_ms, command FROM queue_op WHERE day = ? ORDER BY seq")
                .bind(i64::from(day))
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(at_ms, command)| JournalRow { at_ms, command })
            .collect())
    }

    /// Outbox rows after `seq`, at most `limit`, in order.
    pub async fn outbox_after(&self, seq: u64, limit: u32) -> Result<Vec<OutboxRow>> {
        let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
            "SELECT seq, hlc, kind, key, body FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(seq as i64)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(seq, hlc, kind, key, body)| OutboxRow {
                seq: seq as u64,
                hlc,
                kind,
                key,
                body,
            })
            .collect())
    }

    /// The last outbox row: its sequence number and timestamp.
    pub async fn outbox_head(&self) -> Result<Option<(u64, String)>> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hlc FROM outbox ORDER BY seq DESC LIMIT 1")
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(seq, hlc)| (seq as u64, hlc)))
    }

    /// How far `peer` has acknowledged this node's outbox.
    pub async fn sync_mark(&self, peer: &str) -> Result<u64> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT acked_through FROM sync_mark WHERE peer = ?")
                .bind(peer)
                .fetch_optional(self.pool())
                .await?;
        Ok(v.unwrap_or(0) as u64)
    }

    pub async fn set_sync_mark(&self, peer: &str, acked_through: u64) -> Result<()> {
        sqlx::query(
            "INSERT INTO sync_mark (peer, acked_through) VALUES (?, ?)
             ON CONFLICT (peer) DO UPDATE SET acked_through = max(acked_through, excluded.acked_through)",
        )
        .bind(peer)
        .bind(acked_through as i64)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Registers a web device at no place on the plan, depending on nothing,
    /// and returns its token (shown once, stored hashed). Not replicated: for
    /// tests and tools; the hall registers through `register_device`.
    pub async fn add_device(
        &self,
        id: &str,
        kind: DeviceKind,
        counter: Option<u16>,
        name: &str,
    ) -> Result<String> {
        let token = new_token();
        sqlx::query(
            "INSERT INTO device (id, kind, counter, name, token_sha256) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(kind_code(kind))
        .bind(counter.map(i64::from))
        .bind(name)
        .bind(token_hash(&token))
        .execute(self.pool())
        .await?;
        Ok(token)
    }

    pub async fn device_by_token(&self, token: &str) -> Result<Option<Device>> {
        let row: Option<(String, String, Option<i64>, String)> =
            sqlx::query_as(
                "SELECT id, kind, counter, name FROM device WHERE token_sha256 = ? AND revoked_at_ms IS NULL",
            )
                .bind(token_hash(token))
                .fetch_optional(self.pool())
                .await?;
        row.map(|(id, kind, counter, name)| {
            let bad = || StoreError::Corrupt(format!("device {id}"));
            Ok(Device {
                kind: kind_parse(&kind).ok_or_else(bad)?,
                counter: counter
                    .map(|c| u16::try_from(c).map_err(|_| bad()))
                    .transpose()?,
                name,
                id: id.clone(),
            })
        })
        .transpose()
    }

    /// Opens a staff session lasting `ttl_ms`; returns its token.
    pub async fn open_session(
        &self,
        staff_no: &StaffNo,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<String> {
        let token = new_token();
        sqlx::query("INSERT INTO staff_session (token_sha256, staff_no, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?)")
            .bind(token_hash(&token))
            .bind(staff_no.as_str())
            .bind(now_ms)
            .bind(now_ms + ttl_ms)
            .execute(self.pool())
            .await?;
        Ok(token)
    }

    /// The account behind a live session token.
    pub async fn session_account(&self, token: &str, now_ms: i64) -> Result<Option<Account>> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT s.staff_no, s.name, s.role, s.hall_code FROM staff_session t
             JOIN staff s ON s.staff_no = t.staff_no
             WHERE t.token_sha256 = ? AND t.expires_at_ms > ? AND s.active = 1",
        )
        .bind(token_hash(token))
        .bind(now_ms)
        .fetch_optional(self.pool())
        .await?;
        row.map(|(no, name, role, hall)| {
            let bad = |what: &str| StoreError::Corrupt(format!("staff {no}: {what}"));
            Ok(Account {
                staff_no: StaffNo::parse(&no).map_err(|_| bad("staff_no"))?,
                name: StaffName::parse(&name).map_err(|_| bad("name"))?,
                role: Role::parse(&role).map_err(|_| bad("role"))?,
                hall_code: HallCode::parse(&hall).map_err(|_| bad("hall"))?,
            })
        })
        .transpose()
    }

    pub async fn close_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM staff_session WHERE token_sha256 = ?")
            .bind(token_hash(token))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Staff names by number, for boards and pads.
    pub async fn staff_names(&self) -> Result<Vec<(StaffNo, String)>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT staff_no, name FROM staff ORDER BY staff_no")
                .fetch_all(self.pool())
                .await?;
        rows.into_iter()
            .map(|(no, name)| {
                Ok((
                    StaffNo::parse(&no).map_err(|_| StoreError::Corrupt(format!("staff {no}")))?,
                    name,
                ))
            })
            .collect()
    }
}
