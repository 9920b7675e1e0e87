//! The control commands sent to the hall's devices: each one's latest state and its append-only journal, written with their replication rows.
//!
//! A command is journaled before it goes out and at every change after
//! (held, sent, confirmed, refused, expired), so the audit trail says who
//! asked what of which device and how it ended, across restarts.

use crate::hall::OutboxRow;
use crate::{Result, Store, StoreError};
use devices::command::Command;
use devices::DeviceId;

fn command_of(snapshot: &str) -> Result<Command> {
    serde_json::from_str(snapshot).map_err(|e| StoreError::Corrupt(format!("command: {e}")))
}

impl Store {
    /// Journals each command as it is now (latest state and a journal row),
    /// with their replication rows, in one transaction.
    pub async fn journal_commands(&self, changed: &[Command], outbox: &[OutboxRow]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for c in changed {
            let snapshot =
                serde_json::to_string(c).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO device_command (id, device, final, requested_at_ms, snapshot)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET final = excluded.final, snapshot = excluded.snapshot",
            )
            .bind(c.id as i64)
            .bind(c.device.as_str())
            .bind(i64::from(c.state.is_final()))
            .bind(c.requested_at)
            .bind(&snapshot)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO device_command_event (command, at_ms, snapshot) VALUES (?, ?, ?)",
            )
            .bind(c.id as i64)
            .bind(c.state.at().unwrap_or(c.requested_at))
            .bind(&snapshot)
            .execute(&mut *tx)
            .await?;
        }
        crate::devices::insert_outbox(&mut tx, outbox).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The commands a previous run left under way, and the highest id ever given.
    pub async fn commands_to_restore(&self) -> Result<(Vec<Command>, u64)> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT snapshot FROM device_command WHERE final = 0 ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        let (max,): (Option<i64>,) = sqlx::query_as("SELECT max(id) FROM device_command")
            .fetch_one(self.pool())
            .await?;
        let live = rows
            .iter()
            .map(|(s,)| command_of(s))
            .collect::<Result<_>>()?;
        Ok((live, max.map_or(0, |m| m.max(0) as u64)))
    }

    /// A device's commands, newest first, at most `limit`.
    pub async fn device_commands(&self, device: &DeviceId, limit: u32) -> Result<Vec<Command>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT snapshot FROM device_command WHERE device = ? ORDER BY id DESC LIMIT ?",
        )
        .bind(device.as_str())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|(s,)| command_of(s)).collect()
    }

    /// The journal of one command, oldest first.
    pub async fn command_events(&self, id: u64) -> Result<Vec<Command>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT snapshot FROM device_command_event WHERE command = ? ORDER BY seq",
        )
        .bind(id as i64)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|(s,)| command_of(s)).collect()
    }
}
